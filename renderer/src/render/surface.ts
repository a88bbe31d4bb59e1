import '@kitware/vtk.js/Rendering/OpenGL/Profiles/Volume';
import vtkRenderWindow from '@kitware/vtk.js/Rendering/Core/RenderWindow';
import vtkRenderer from '@kitware/vtk.js/Rendering/Core/Renderer';
import vtkOpenGLRenderWindow from '@kitware/vtk.js/Rendering/OpenGL/RenderWindow';

/**
 * One WebGL context for all views of the reading screen (VolView's lesson: contexts run out,
 * and a shared context lets the three views of a sequence share one 3D texture). Views are
 * renderers with viewports placed under their DOM boxes.
 */
export class RenderSurface {
  private readonly renderWindow = vtkRenderWindow.newInstance();
  private readonly glWindow = vtkOpenGLRenderWindow.newInstance();
  private frameRequest = 0;
  private waiting: (() => void)[] = [];
  private disposed = false;
  /** Milliseconds the last render call took (benchmarks read it through the test hook). */
  lastRenderMs = 0;

  constructor(private readonly container: HTMLElement) {
    this.renderWindow.addView(this.glWindow);
    this.glWindow.setContainer(container);
    this.resize();
  }

  resize(): void {
    const rect = this.container.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    this.glWindow.setSize(
      Math.max(1, Math.floor(rect.width * dpr)),
      Math.max(1, Math.floor(rect.height * dpr)),
    );
  }

  addRenderer(): vtkRenderer {
    const renderer = vtkRenderer.newInstance({ background: [0, 0, 0] });
    this.renderWindow.addRenderer(renderer);
    return renderer;
  }

  removeRenderer(renderer: vtkRenderer): void {
    this.renderWindow.removeRenderer(renderer);
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
          this.renderWindow.render();
          this.lastRenderMs = performance.now() - start;
        }
        for (const d of done) d();
      });
    });
  }

  dispose(): void {
    this.disposed = true;
    if (this.frameRequest) cancelAnimationFrame(this.frameRequest);
    for (const d of this.waiting) d();
    this.waiting = [];
    // Deleting the OpenGL window releases its textures, its WebGL context and its canvas.
    this.glWindow.delete();
    this.renderWindow.delete();
  }
}
