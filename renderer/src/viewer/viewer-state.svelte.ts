import type { TaskKey } from '../../../electron/api';
import {
  displayedPlanePoint,
  fitCamera,
  insideStack,
  patientToVoxel,
  voxelToPatient,
  scale,
  add,
  scrollStepMm,
  stackCenter,
  viewFrame,
  type StackGeometry,
  type Vec3,
  type ViewFrame,
} from './geometry';
import {
  sijProtocol,
  type HangingProtocol,
  type Sequence,
  type ViewId,
  type ViewSpec,
} from './hanging-protocol';
import { applyPreset, windowPresets, type WindowLevel } from './window-presets';
import type { Joint, Quadrant } from '../../../electron/reading/pure';
import {
  estimateJointAxes,
  nextHandle,
  nudgeHandle,
  onSlice,
  quadrantAt,
  quadrantCentre,
  sliceIndexAt,
  type HandleRef,
  type JointAxes,
  type NudgeKey,
} from './quadrants';

export interface StackInView extends StackGeometry {
  range: { min: number; max: number; p1: number; p995: number };
}

export interface PanZoom {
  center: Vec3;
  mmPerPixel: number;
}

/** One grid cell (semicoronal slice x joint x quadrant), as the reading form and the views name it. */
export interface GridPosition {
  /** 0-based index in the semicoronal series (the reading grid's slice) */
  slice: number;
  joint: Joint;
  quadrant: Quadrant;
}

/**
 * A quadrant tinted on the semicoronal views at its slice: 'lesion' for a marked lesion,
 * 'difference' where two readings disagree (compare view).
 */
export interface QuadrantHighlight extends GridPosition {
  tone: 'lesion' | 'difference';
}

export interface Measurement {
  view: ViewId;
  a: Vec3;
  b: Vec3;
}

/**
 * The reading view's state, shared by every viewport: one patient-space crosshair, one window
 * per sequence, per-view pan/zoom, overlay settings. Pure state and rules; no vtk here.
 */
export class ViewerState {
  protocol: HangingProtocol = sijProtocol;
  // Raw: stacks are replaced whole, and deep proxies over voxel payloads would cost for nothing.
  stacks = $state.raw<Partial<Record<Sequence, StackInView>>>({});
  crosshair = $state<Vec3>([0, 0, 0]);
  windows = $state<Record<Sequence, WindowLevel>>({
    t1: { width: 1, level: 0 },
    stir: { width: 1, level: 0 },
  });
  panZoom = $state<Partial<Record<ViewId, PanZoom>>>({});
  layoutKey = $state(sijProtocol.defaultLayout);
  previousLayout = $state(sijProtocol.defaultLayout);
  activeView = $state<ViewId>('t1-native');
  tool = $state<'crosshair' | 'distance' | 'mark-lesion'>('crosshair');
  measurement = $state<Measurement | null>(null);
  overlayTask = $state<TaskKey | null>(null);
  overlaySequences = $state<Record<Sequence, boolean>>({ t1: true, stir: true });
  overlayOpacity = $state(0.5);
  overlayThreshold = $state(0.3);
  /** Joint centres and lines for the SPARCC quadrants; estimated when a stack arrives, then dragged. */
  joints = $state<JointAxes | null>(null);
  /** Quadrant boundaries and their handles are drawn while the reading form is open. */
  showQuadrants = $state(false);
  /** Quadrants tinted on the semicoronal views (reading form, compare view); replaced whole. */
  quadrantHighlights = $state.raw<QuadrantHighlight[]>([]);
  /** Called when the reader marks a lesion in a view with the mark-lesion tool (the form sets it). */
  onMarkLesion: ((at: GridPosition) => void) | null = null;
  /** The joint handle the arrow keys move (keyboard equivalent of dragging), if any. */
  selectedHandle = $state<HandleRef | null>(null);
  /** Called when the reader has moved a joint (drag released, arrow key): the form saves the frame. */
  onJointsChanged: ((axes: JointAxes) => void) | null = null;
  /**
   * A blinded reading not yet committed: no model output anywhere (scores, decisions, heat maps).
   * The reading view starts it true when it has a reading form, so nothing flashes up while the
   * form finds out whether the reading is blinded.
   */
  modelHidden = $state(false);

  /** The stack whose slices the reading grid counts: STIR (SPARCC is read on it), else T1. */
  gridStack(): StackInView | null {
    return this.stacks.stir ?? this.stacks.t1 ?? null;
  }

  setStack(sequence: Sequence, stack: StackInView): void {
    this.stacks = { ...this.stacks, [sequence]: stack };
    this.windows[sequence] = applyPreset(windowPresets[0], stack.range);
    if (sequence === 't1' || !this.stacks.t1) {
      // Start on an acquired slice near the middle, never between two.
      const centre = patientToVoxel(stack, stackCenter(stack));
      this.crosshair = voxelToPatient(stack, [centre[0], centre[1], Math.floor(stack.dims[2] / 2)]);
    }
    if (!this.joints) this.joints = estimateJointAxes(stack);
  }

  /** Grid cell -> views: the crosshair goes to the quadrant's centre on that semicoronal slice. */
  jumpTo(at: GridPosition): void {
    const stack = this.gridStack();
    if (!stack || !this.joints) return;
    const plane = onSlice(stack, this.crosshair, at.slice);
    this.crosshair = quadrantCentre(stack, this.joints, at.joint, at.quadrant, plane);
    const native = this.protocol.views.find((v) => v.plane === 'native' && this.stacks[v.sequence] === stack);
    if (native && this.view(this.activeView).plane !== 'native') this.activeView = native.id;
  }

  /**
   * View -> grid: the mark-lesion tool at patient point p names the cell under it (nearest
   * semicoronal slice, joint side, quadrant) and hands it to the form. Returns what it marked.
   */
  markLesion(p: Vec3): GridPosition | null {
    const stack = this.gridStack();
    this.crosshair = p;
    if (!stack || !this.joints) return null;
    const hit = quadrantAt(stack, this.joints, p);
    if (!hit) return null;
    const at = { slice: sliceIndexAt(stack, p), ...hit };
    this.onMarkLesion?.(at);
    return at;
  }

  /** The grid slice a semicoronal view shows (its own stack's nearest acquired slice). */
  gridSliceOf(id: ViewId): number | null {
    const spec = this.view(id);
    const stack = this.stacks[spec.sequence];
    const plane = this.planePoint(id);
    return spec.plane === 'native' && stack && plane ? sliceIndexAt(stack, plane) : null;
  }

  view(id: ViewId): ViewSpec {
    return this.protocol.views.find((v) => v.id === id)!;
  }

  frame(id: ViewId): ViewFrame | null {
    const spec = this.view(id);
    const stack = this.stacks[spec.sequence];
    return stack ? viewFrame(stack, spec.plane) : null;
  }

  planePoint(id: ViewId): Vec3 | null {
    const spec = this.view(id);
    const stack = this.stacks[spec.sequence];
    return stack ? displayedPlanePoint(stack, spec.plane, this.crosshair) : null;
  }

  /** Pan/zoom of a view: fitted to its stack until the user pans or zooms it. */
  camera(id: ViewId, width: number, height: number) {
    const spec = this.view(id);
    const stack = this.stacks[spec.sequence];
    const frame = this.frame(id);
    if (!stack || !frame) return null;
    const pz = this.panZoom[id];
    if (!pz) return fitCamera(stack, frame, width, height);
    return { center: pz.center, mmPerPixel: pz.mmPerPixel, width, height };
  }

  resetView(): void {
    this.panZoom = {};
    for (const sequence of ['t1', 'stir'] as const) {
      const stack = this.stacks[sequence];
      if (stack) this.windows[sequence] = applyPreset(windowPresets[0], stack.range);
    }
  }

  /** Moves the crosshair along a view's normal; native views step whole slices. */
  scroll(id: ViewId, steps: number): void {
    const spec = this.view(id);
    const stack = this.stacks[spec.sequence];
    const frame = this.frame(id);
    if (!stack || !frame) return;
    const from =
      spec.plane === 'native' ? displayedPlanePoint(stack, 'native', this.crosshair) : this.crosshair;
    const next = add(from, scale(frame.normal, steps * scrollStepMm(stack, frame)));
    if (insideStack(stack, next)) this.crosshair = next;
  }

  preset(key: string): void {
    for (const sequence of ['t1', 'stir'] as const) {
      const stack = this.stacks[sequence];
      const preset =
        key === 'sequence'
          ? windowPresets.find(
              (p) => p.key !== 'auto' && p.sequences.length === 1 && p.sequences[0] === sequence,
            )
          : windowPresets.find((p) => p.key === key);
      if (stack && preset) this.windows[sequence] = applyPreset(preset, stack.range);
    }
  }

  toggleOverlay(task: TaskKey): void {
    if (this.modelHidden) return;
    // One map at a time: three superimposed heatmaps would hide each other.
    this.overlayTask = this.overlayTask === task ? null : task;
  }

  hideModel(hidden: boolean): void {
    this.modelHidden = hidden;
    if (hidden) this.overlayTask = null;
  }

  selectNextHandle(): void {
    this.selectedHandle = this.showQuadrants && this.joints ? nextHandle(this.selectedHandle) : null;
  }

  /** Arrow key on the selected handle, in the screen directions of the semicoronal views. */
  nudgeSelectedHandle(key: NudgeKey): void {
    const stack = this.gridStack();
    const h = this.selectedHandle;
    if (!stack || !h || !this.joints) return;
    const next = nudgeHandle(stack, this.joints[h.joint], h.part, key, viewFrame(stack, 'native'));
    this.joints = { ...this.joints, [h.joint]: next };
    this.onJointsChanged?.(this.joints);
  }

  nextLayout(): void {
    const layouts = this.protocol.layouts;
    const i = layouts.findIndex((l) => l.key === this.layoutKey);
    this.layoutKey = layouts[(i + 1) % layouts.length].key;
  }

  toggleMaximise(): void {
    if (this.layoutKey === 'single')
      this.layoutKey = this.previousLayout === 'single' ? sijProtocol.defaultLayout : this.previousLayout;
    else {
      this.previousLayout = this.layoutKey;
      this.layoutKey = 'single';
    }
  }
}
