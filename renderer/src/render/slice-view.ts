import vtkColorTransferFunction from '@kitware/vtk.js/Rendering/Core/ColorTransferFunction';
import vtkPiecewiseFunction from '@kitware/vtk.js/Common/DataModel/PiecewiseFunction';
import vtkPlane from '@kitware/vtk.js/Common/DataModel/Plane';
import type vtkImageData from '@kitware/vtk.js/Common/DataModel/ImageData';
import vtkImageResliceMapper from '@kitware/vtk.js/Rendering/Core/ImageResliceMapper';
import vtkImageSlice from '@kitware/vtk.js/Rendering/Core/ImageSlice';
import type vtkMapper from '@kitware/vtk.js/Rendering/Core/Mapper';
import type vtkRenderer from '@kitware/vtk.js/Rendering/Core/Renderer';
import { heatColormap, type OverlaySettings } from '../overlay/colormap';
import { add, dot, scale, sub, type Vec3, type ViewCamera, type ViewFrame } from '../viewer/geometry';
import type { RenderSurface } from './surface';

interface Layer {
  plane: vtkPlane;
  mapper: vtkImageResliceMapper;
  actor: vtkImageSlice;
}

function makeLayer(image: vtkImageData): Layer {
  const plane = vtkPlane.newInstance();
  const mapper = vtkImageResliceMapper.newInstance();
  mapper.setSlicePlane(plane);
  mapper.setInputData(image);
  const actor = vtkImageSlice.newInstance();
  actor.setMapper(mapper);
  actor.getProperty().setInterpolationTypeToLinear();
  return { plane, mapper, actor };
}

function deleteLayer(layer: Layer): void {
  layer.actor.delete();
  layer.mapper.delete();
  layer.plane.delete();
}

/**
 * Black to white over the window, fully opaque. Without explicit functions vtk rebuilds and
 * uploads a default colour and opacity texture on every slice change; these stay cached.
 */
function greyscaleLookup(): { ctf: vtkColorTransferFunction; pwf: vtkPiecewiseFunction } {
  const ctf = vtkColorTransferFunction.newInstance();
  ctf.addRGBPoint(0, 0, 0, 0);
  ctf.addRGBPoint(1, 1, 1, 1);
  const pwf = vtkPiecewiseFunction.newInstance();
  pwf.addPoint(0, 1);
  pwf.addPoint(1, 1);
  return { ctf, pwf };
}

/**
 * vtk's fragment shader for a one-component image looks the windowed value up in the colour
 * texture and then in the opacity texture. For the greyscale lookup above both lookups are the
 * identity ramp (black to white, opaque), so the grey is the windowed value itself: computing it
 * spares two texture fetches per pixel, which in software WebGL is a good part of the raster time
 * of a frame. vtk quantises its colour table to 8 bits, so the two agree to one grey level.
 */
const greyscaleShader = {
  OpenGL: {
    ShaderReplacements: [
      {
        shaderType: 'Fragment',
        originalValue: [
          'vec3 tcolor = texture2D(colorTexture1, vec2(intensity * cscale0 + cshift0, 0.5)).rgb;',
          'float scalarOpacity = texture2D(pwfTexture1, vec2(intensity * pwfscale0 + pwfshift0, 0.5)).r;',
          'gl_FragData[0] = vec4(tcolor, scalarOpacity * opacity);',
        ].join('\n'),
        replacementValue:
          'gl_FragData[0] = vec4(vec3(clamp(intensity * cscale0 + cshift0, 0.0, 1.0)), opacity);',
        replaceFirst: false,
        // A plain string search: the original contains regular-expression characters.
        replaceAll: false,
      },
    ],
  },
};

/** Heat colours from `lower` to `top`, transparent below `lower`. */
function heatScale(
  ctf: vtkColorTransferFunction,
  pwf: vtkPiecewiseFunction,
  lower: number,
  top: number,
): void {
  ctf.removeAllPoints();
  for (const stop of heatColormap) ctf.addRGBPoint(lower + stop.x * (top - lower), ...stop.rgb);
  pwf.removeAllPoints();
  const edge = Math.max((top - lower) * 1e-3, 1e-9);
  pwf.addPoint(Math.min(0, lower - 2 * edge), 0);
  pwf.addPoint(lower - edge, 0);
  pwf.addPoint(lower, 1);
  pwf.addPoint(top, 1);
}

/** The overlay lies this far in front of the image plane so the two never z-fight. */
const OVERLAY_LIFT_MM = 0.05;

/**
 * The only owner of the vtk objects of one view: a plane through a patient point, the image
 * and an optional heatmap resliced on it. UI components drive it through this small API.
 */
export class SliceView {
  private readonly renderer: vtkRenderer;
  private readonly image: Layer;
  private readonly grey = greyscaleLookup();
  private overlay:
    | (Layer & { ctf: vtkColorTransferFunction; pwf: vtkPiecewiseFunction; top: number; lower: number })
    | null = null;
  private frame: ViewFrame | null = null;

  constructor(
    private readonly surface: RenderSurface,
    imageData: vtkImageData,
  ) {
    this.renderer = surface.addRenderer(() => this.changeTime());
    this.image = makeLayer(imageData);
    const property = this.image.actor.getProperty();
    property.setRGBTransferFunction(0, this.grey.ctf);
    property.setPiecewiseFunction(0, this.grey.pwf);
    // A fresh object: vtk's default view-specific properties are one object shared by all mappers.
    // (vtk's typings list these properties for vtkMapper only; every 3D mapper has them.)
    (this.image.mapper as unknown as Pick<vtkMapper, 'setViewSpecificProperties'>).setViewSpecificProperties(
      structuredClone(greyscaleShader),
    );
    this.renderer.addActor(this.image.actor);
    this.renderer.getActiveCamera().setParallelProjection(true);
  }

  place(box: DOMRect): void {
    this.surface.placeRenderer(this.renderer, box);
  }

  /** Shows the plane with normal `frame.normal` through `planePoint`, framed by `camera`. */
  setView(frame: ViewFrame, camera: ViewCamera, planePoint: Vec3): void {
    this.frame = frame;
    // A point elsewhere on the same plane shows the same image: keep the old origin, so the
    // view's vtk objects stay unmodified and the surface skips redrawing it.
    const previous = this.image.plane.getOrigin() as Vec3;
    const samePlane =
      this.image.plane.getNormal().every((n, i) => n === frame.normal[i]) &&
      Math.abs(dot(sub(planePoint, previous), frame.normal)) < 1e-6;
    const origin = samePlane ? previous : planePoint;
    this.image.plane.setNormal(...frame.normal);
    this.image.plane.setOrigin(...origin);
    if (this.overlay) {
      this.overlay.plane.setNormal(...frame.normal);
      this.overlay.plane.setOrigin(...add(origin, scale(frame.normal, -OVERLAY_LIFT_MM)));
    }
    // Focal point on the plane, camera behind it looking along the normal (see geometry.ts).
    const focal = add(camera.center, scale(frame.normal, dot(sub(origin, camera.center), frame.normal)));
    const cam = this.renderer.getActiveCamera();
    cam.setFocalPoint(...focal);
    cam.setPosition(...add(focal, scale(frame.normal, -1000)));
    cam.setViewUp(...scale(frame.down, -1));
    cam.setParallelScale((camera.height * camera.mmPerPixel) / 2);
    cam.setClippingRange(1, 2000);
  }

  setWindow(width: number, level: number): void {
    const property = this.image.actor.getProperty();
    property.setColorWindow(Math.max(width, 1e-3));
    property.setColorLevel(level);
  }

  /** Colour by value at constant opacity; transparent below threshold * max. */
  setOverlay(cam: vtkImageData | null, max: number, settings: OverlaySettings): void {
    if (!cam) {
      this.removeOverlay();
      return;
    }
    if (!this.overlay || this.overlay.mapper.getInputData() !== cam) {
      this.removeOverlay();
      const layer = makeLayer(cam);
      const ctf = vtkColorTransferFunction.newInstance();
      const pwf = vtkPiecewiseFunction.newInstance();
      const property = layer.actor.getProperty();
      property.setRGBTransferFunction(0, ctf);
      property.setPiecewiseFunction(0, pwf);
      property.setUseLookupTableScalarRange(true);
      this.overlay = { ...layer, ctf, pwf, top: NaN, lower: NaN };
      this.renderer.addActor(layer.actor);
    }
    const { ctf, pwf, actor } = this.overlay;
    const top = Math.max(max, 1e-6);
    const lower = settings.threshold * top;
    // Rebuilding the functions re-uploads their textures: only when the scale really changed.
    if (this.overlay.top !== top || this.overlay.lower !== lower) {
      this.overlay.top = top;
      this.overlay.lower = lower;
      heatScale(ctf, pwf, lower, top);
    }
    // Below 1 so vtk draws it in the translucent pass, after the image.
    actor.getProperty().setOpacity(Math.min(0.95, Math.max(0, settings.opacity)));
    if (this.frame) this.overlay.plane.setNormal(...this.frame.normal);
    this.overlay.plane.setOrigin(
      ...add(this.image.plane.getOrigin() as Vec3, scale(this.frame?.normal ?? [0, 0, 1], -OVERLAY_LIFT_MM)),
    );
  }

  private removeOverlay(): void {
    if (!this.overlay) return;
    this.renderer.removeActor(this.overlay.actor);
    deleteLayer(this.overlay);
    this.overlay.ctf.delete();
    this.overlay.pwf.delete();
    this.overlay = null;
  }

  /** Latest modification of anything this view draws: the surface redraws it only after one. */
  private changeTime(): number {
    const layers = this.overlay ? [this.image, this.overlay] : [this.image];
    let time = Math.max(this.renderer.getMTime(), this.renderer.getActiveCamera().getMTime());
    for (const { actor, mapper, plane } of layers) {
      const property = actor.getProperty();
      time = Math.max(
        time,
        actor.getMTime(),
        property.getMTime(),
        property.getRGBTransferFunction(0)?.getMTime() ?? 0,
        property.getPiecewiseFunction(0)?.getMTime() ?? 0,
        mapper.getMTime(),
        plane.getMTime(),
        mapper.getInputData()?.getMTime() ?? 0,
      );
    }
    return time;
  }

  dispose(): void {
    this.removeOverlay();
    this.renderer.removeActor(this.image.actor);
    deleteLayer(this.image);
    this.grey.ctf.delete();
    this.grey.pwf.delete();
    this.surface.removeRenderer(this.renderer);
    this.renderer.delete();
  }
}
