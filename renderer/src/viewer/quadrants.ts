/**
 * Where the SPARCC quadrants of each sacroiliac joint lie on the semicoronal images, in patient
 * LPS millimetres. Per joint: a centre (the joint line at its mid-height) and the joint line's
 * direction. Ilium (lateral) vs sacrum (medial) is the side of the joint line; upper vs lower is
 * the side of the line through the centre perpendicular to it (READING.md, SPARCC convention).
 * Pure maths: no Svelte, no vtk.
 */
import type { Joint, Quadrant } from '../../../electron/reading/pure';
import {
  add,
  cross,
  dot,
  norm,
  patientToVoxel,
  scale,
  stackAxes,
  stackCenter,
  sub,
  unit,
  voxelToPatient,
  type StackGeometry,
  type Vec3,
} from './geometry';

export interface JointAxis {
  /** the joint line at its mid-height (any slice: it is projected along the slice normal) */
  centre: Vec3;
  /** unit, in the slice plane, along the joint line towards the head */
  up: Vec3;
  /** half the joint's cranio-caudal extent drawn on the images */
  halfHeightMm: number;
}

export type JointAxes = Record<Joint, JointAxis>;

/** Where a point falls on the grid: the joint, the quadrant and the position in the joint frame. */
export interface QuadrantHit {
  joint: Joint;
  quadrant: Quadrant;
}

/**
 * Typical adult anatomy for the default: the sacral joint surface lies about 4 cm either side of
 * the midline and leans its upper end outwards by about 17 degrees on a semicoronal slice; the
 * technologist centres the slab on the joints. The reader drags the handles where this is off.
 */
export const DEFAULT_LATERAL_OFFSET_MM = 42;
export const DEFAULT_TILT_DEG = 17;
export const DEFAULT_HALF_HEIGHT_MM = 30;
/** Clicks further than this from a joint line (across it) belong to no joint. */
export const MAX_ACROSS_MM = 45;

/** In-plane unit vectors of a stack: towards the patient's left and towards the head. */
function planeDirections(stack: StackGeometry): { left: Vec3; head: Vec3; normal: Vec3 } {
  const { i, j, k } = stackAxes(stack);
  const normal = k;
  // Column and row directions, whichever points more to the patient's left / head, signed so.
  const [a, b] = Math.abs(i[0]) >= Math.abs(j[0]) ? [i, j] : [j, i];
  const left = a[0] >= 0 ? a : scale(a, -1);
  let head = b[2] >= 0 ? b : scale(b, -1);
  // Square for sheared stacks: head is made perpendicular to left within the plane.
  head = unit(sub(head, scale(left, dot(head, left))));
  return { left, head, normal };
}

/** The patient-left direction in the slice plane and the lateral side of a joint. */
function lateralSign(joint: Joint): 1 | -1 {
  return joint === 'left' ? 1 : -1;
}

/** Default joint axes from the stack geometry alone (slab centre, slice plane). */
export function estimateJointAxes(stack: StackGeometry): JointAxes {
  const { left, head } = planeDirections(stack);
  const centre = stackCenter(stack);
  const tilt = (DEFAULT_TILT_DEG * Math.PI) / 180;
  const axis = (joint: Joint): JointAxis => {
    const lateral = scale(left, lateralSign(joint));
    return {
      centre: add(centre, scale(lateral, DEFAULT_LATERAL_OFFSET_MM)),
      up: unit(add(scale(head, Math.cos(tilt)), scale(lateral, Math.sin(tilt)))),
      halfHeightMm: DEFAULT_HALF_HEIGHT_MM,
    };
  };
  return { left: axis('left'), right: axis('right') };
}

/** Unit in-plane direction across a joint line, from the sacrum towards the ilium. */
export function lateralOf(stack: StackGeometry, joint: Joint, a: JointAxis): Vec3 {
  const { normal, left } = planeDirections(stack);
  const across = unit(cross(a.up, normal));
  return dot(across, scale(left, lateralSign(joint))) >= 0 ? across : scale(across, -1);
}

/** The axis centre moved along the slice normal onto the plane through `planePoint`. */
export function centreOnPlane(stack: StackGeometry, a: JointAxis, planePoint: Vec3): Vec3 {
  const { normal } = planeDirections(stack);
  return add(a.centre, scale(normal, dot(sub(planePoint, a.centre), normal)));
}

/**
 * The joint and quadrant under a point of a semicoronal slice. The joint is the patient side of
 * the midline between the two joint centres; null when the point is far from both joint lines.
 */
export function quadrantAt(stack: StackGeometry, axes: JointAxes, p: Vec3): QuadrantHit | null {
  const { left } = planeDirections(stack);
  const midline = scale(add(axes.left.centre, axes.right.centre), 0.5);
  const joint: Joint = dot(sub(p, midline), left) >= 0 ? 'left' : 'right';
  const a = axes[joint];
  const d = sub(p, centreOnPlane(stack, a, p));
  const across = dot(d, lateralOf(stack, joint, a));
  const along = dot(d, a.up);
  if (Math.abs(across) > MAX_ACROSS_MM || Math.abs(along) > 2 * a.halfHeightMm) return null;
  const half = along >= 0 ? 'upper' : 'lower';
  const bone = across >= 0 ? 'ilium' : 'sacrum';
  return { joint, quadrant: `${half}_${bone}` as Quadrant };
}

/** Signs of a quadrant in the joint frame: +1 upper / ilium, -1 lower / sacrum. */
function quadrantSigns(q: Quadrant): { along: 1 | -1; across: 1 | -1 } {
  return { along: q.startsWith('upper') ? 1 : -1, across: q.endsWith('ilium') ? 1 : -1 };
}

/**
 * The four corners of a quadrant on the plane through `planePoint`: the joint centre, a point
 * along the joint line, its lateral or medial offset, and the offset at mid-height.
 */
export function quadrantCorners(
  stack: StackGeometry,
  axes: JointAxes,
  joint: Joint,
  quadrant: Quadrant,
  planePoint: Vec3,
  widthMm = 20,
): Vec3[] {
  const a = axes[joint];
  const c = centreOnPlane(stack, a, planePoint);
  const s = quadrantSigns(quadrant);
  const along = scale(a.up, s.along * a.halfHeightMm);
  const across = scale(lateralOf(stack, joint, a), s.across * widthMm);
  return [c, add(c, along), add(c, add(along, across)), add(c, across)];
}

/** The middle of a quadrant's drawn region: where the crosshair goes when its grid cell is clicked. */
export function quadrantCentre(
  stack: StackGeometry,
  axes: JointAxes,
  joint: Joint,
  quadrant: Quadrant,
  planePoint: Vec3,
): Vec3 {
  const corners = quadrantCorners(stack, axes, joint, quadrant, planePoint, 10);
  return scale(corners.reduce(add), 1 / corners.length);
}

/** A point on grid slice `slice` of the stack: the same in-plane position, that slice's plane. */
export function onSlice(stack: StackGeometry, p: Vec3, slice: number): Vec3 {
  const v = patientToVoxel(stack, p);
  return voxelToPatient(stack, [v[0], v[1], slice]);
}

/** Index of the acquired slice nearest to a point (the grid's slice number). */
export function sliceIndexAt(stack: StackGeometry, p: Vec3): number {
  const k = Math.round(patientToVoxel(stack, p)[2]);
  return Math.min(stack.dims[2] - 1, Math.max(0, k));
}

/** End points of a joint's line on a plane: where its handles sit (centre moves, top rotates). */
export function jointLine(stack: StackGeometry, a: JointAxis, planePoint: Vec3): { top: Vec3; bottom: Vec3 } {
  const c = centreOnPlane(stack, a, planePoint);
  return { top: add(c, scale(a.up, a.halfHeightMm)), bottom: add(c, scale(a.up, -a.halfHeightMm)) };
}

/** Dragging the centre handle moves the joint; the line keeps its direction and height. */
export function moveCentre(a: JointAxis, to: Vec3): JointAxis {
  return { ...a, centre: to };
}

/**
 * Dragging the top handle turns the joint line about its centre and sets its half-height to the
 * handle's distance (never under 5 mm, so the line cannot collapse).
 */
export function moveTop(stack: StackGeometry, a: JointAxis, to: Vec3): JointAxis {
  const c = centreOnPlane(stack, a, to);
  const d = sub(to, c);
  const length = norm(d);
  // The top stays above the centre: a flipped line would swap upper and lower quadrants.
  if (length < 5 || dot(d, planeDirections(stack).head) <= 0) return a;
  return { ...a, up: unit(d), halfHeightMm: length };
}

/** A joint handle: the centre (moves the joint) or the top of its line (turns and lengthens it). */
export interface HandleRef {
  joint: Joint;
  part: 'centre' | 'top';
}

/** The order the handle key walks through, then back to none selected. */
export const HANDLE_CYCLE: readonly HandleRef[] = [
  { joint: 'left', part: 'centre' },
  { joint: 'left', part: 'top' },
  { joint: 'right', part: 'centre' },
  { joint: 'right', part: 'top' },
];

export function nextHandle(current: HandleRef | null): HandleRef | null {
  if (!current) return HANDLE_CYCLE[0];
  const i = HANDLE_CYCLE.findIndex((h) => h.joint === current.joint && h.part === current.part);
  return HANDLE_CYCLE[i + 1] ?? null;
}

export type NudgeKey = 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown';
export const NUDGE_MM = 1;
export const NUDGE_DEG = 1;

/**
 * The keyboard's drag. Centre: one step of 1 mm towards the arrow's side of the screen. Top:
 * left/right turn the line 1 degree about its centre (the top moving towards the arrow's side),
 * up/down lengthen or shorten it by 1 mm. The same limits as a drag: the top stays above the
 * centre and the half-height at 5 mm or more.
 */
export function nudgeHandle(
  stack: StackGeometry,
  a: JointAxis,
  part: HandleRef['part'],
  key: NudgeKey,
  screen: { right: Vec3; down: Vec3 },
): JointAxis {
  const towards = {
    ArrowRight: screen.right,
    ArrowLeft: scale(screen.right, -1),
    ArrowDown: screen.down,
    ArrowUp: scale(screen.down, -1),
  }[key];
  if (part === 'centre') return moveCentre(a, add(a.centre, scale(towards, NUDGE_MM)));
  if (key === 'ArrowUp' || key === 'ArrowDown') {
    const half = a.halfHeightMm + (key === 'ArrowUp' ? NUDGE_MM : -NUDGE_MM);
    return half < 5 ? a : { ...a, halfHeightMm: half };
  }
  const { normal, head } = planeDirections(stack);
  const angle = (NUDGE_DEG * Math.PI) / 180;
  // Rodrigues about the slice normal, turning the way the top's tangent points towards the arrow.
  const sign = dot(cross(normal, a.up), towards) >= 0 ? 1 : -1;
  const t = sign * angle;
  const up = unit(
    add(
      add(scale(a.up, Math.cos(t)), scale(cross(normal, a.up), Math.sin(t))),
      scale(normal, dot(normal, a.up) * (1 - Math.cos(t))),
    ),
  );
  return dot(up, head) <= 0 ? a : { ...a, up };
}
