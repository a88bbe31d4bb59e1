import '@kitware/vtk.js/Rendering/OpenGL/Profiles/Volume';
import macro from '@kitware/vtk.js/macros';
import vtkRenderWindow from '@kitware/vtk.js/Rendering/Core/RenderWindow';
import vtkRenderer from '@kitware/vtk.js/Rendering/Core/Renderer';
import vtkOpenGLRenderWindow from '@kitware/vtk.js/Rendering/OpenGL/RenderWindow';

/** When the vtk objects behind a renderer last changed (vtk modification time). */
export type ChangeTime = () => number;

/**
 * One WebGL context for all views of the reading screen (VolView's lesson: contexts run out,
 * and a shared context lets the three views of a sequence share one 3D texture). Views are
 * renderers with viewports placed under their DOM boxes.
 *
 * A frame redraws only the views whose vtk objects changed since the last frame (window/level
 * on T1 leaves the STIR views alone); the drawing buffer is preserved so the others keep their
 * pixels. Resizing and adding or removing a view redraw everything, background first.
 */
export class RenderSurface {
  private readonly renderWindow = vtkRenderWindow.newInstance();
  private readonly glWindow = vtkOpenGLRenderWindow.newInstance();
  private readonly background = vtkRenderer.newInstance({ background: [0, 0, 0] });
  private readonly views = new Map<vtkRenderer, ChangeTime | null>();
  /** Global vtk modification time when the last frame was drawn. */
  private drawnAt = -1;
  private fullRedraw = true;
  private frameRequest = 0;
  private waiting: (() => void)[] = [];
  private disposed = false;
  /** Milliseconds the last render call took (benchmarks read it through the test hook). */
  lastRenderMs = 0;

  constructor(private readonly container: HTMLElement) {
    // Before addView, which asks the canvas for its context: the first request fixes the
    // attributes. Slices are textured quads, so multisampling buys nothing and, in software
    // WebGL, multiplies the raster and resolve work of every frame.
    this.glWindow.getCanvas()?.getContext('webgl2', {
      antialias: false,
      alpha: true,
      depth: true,
      preserveDrawingBuffer: true,
      powerPreference: 'high-performance',
    });
    this.renderWindow.addView(this.glWindow);
    this.renderWindow.addRenderer(this.background);
    this.glWindow.setContainer(container);
    this.resize();
  }

  resize(): void {
    const rect = this.container.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    const size: [number, number] = [
      Math.max(1, Math.floor(rect.width * dpr)),
      Math.max(1, Math.floor(rect.height * dpr)),
    ];
    const [w, h] = this.glWindow.getSize();
    if (w === size[0] && h === size[1]) return;
    this.glWindow.setSize(...size);
    this.fullRedraw = true;
  }

  /**
   * A view's renderer. With `changeTime` it is redrawn only when that time passes the last
   * frame's; without, on every frame.
   */
  addRenderer(changeTime: ChangeTime | null = null): vtkRenderer {
    const renderer = vtkRenderer.newInstance({ background: [0, 0, 0] });
    this.renderWindow.addRenderer(renderer);
    this.views.set(renderer, changeTime);
    this.fullRedraw = true;
    return renderer;
  }

  removeRenderer(renderer: vtkRenderer): void {
    this.renderWindow.removeRenderer(renderer);
    this.views.delete(renderer);
    this.fullRedraw = true;
  }

  /** Places a renderer under a DOM box (client coordinates); vtk viewports run bottom-up. */
  placeRenderer(renderer: vtkRenderer, box: DOMRect): void {
    const c = this.container.getBoundingClientRect();
    if (c.width <= 0 || c.height <= 0) return;
    const x0 = (box.left - c.left) / c.width;
    const x1 = (box.right - c.left) / c.width;
    const y0 = 1 - (box.bottom - c.top) / c.height;
    const y1 = 1 - (box.top - c.top) / c.height;
    const clamp = (v: number) => Math.min(1, Math.max(0, v));
    renderer.setViewport(clamp(x0), clamp(y0), clamp(x1), clamp(y1));
  }

  /** Coalesces render requests into one frame; resolves once that frame is drawn. */
  requestRender(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      if (this.frameRequest) return;
      this.frameRequest = requestAnimationFrame(() => {
        this.frameRequest = 0;
        const done = this.waiting;
        this.waiting = [];
        if (!this.disposed) {
          const start = performance.now();
          this.draw();
          this.lastRenderMs = performance.now() - start;
        }
        for (const d of done) d();
      });
    });
  }

  private draw(): void {
    const full = this.fullRedraw;
    this.background.setDraw(full);
    let any = full;
    for (const [renderer, changeTime] of this.views) {
      const changed = full || !changeTime || changeTime() > this.drawnAt;
      renderer.setDraw(changed);
      any ||= changed;
    }
    if (any) this.renderWindow.render();
    this.drawnAt = macro.getCurrentGlobalMTime();
    this.fullRedraw = false;
  }

  dispose(): void {
    this.disposed = true;
    if (this.frameRequest) cancelAnimationFrame(this.frameRequest);
    for (const d of this.waiting) d();
    this.waiting = [];
    // Deleting the OpenGL window releases its textures, its WebGL context and its canvas.
    this.glWindow.delete();
    this.renderWindow.delete();
    this.background.delete();
  }
}
