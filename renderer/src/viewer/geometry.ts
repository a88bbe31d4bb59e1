/**
 * Geometry of the linked views, all in patient LPS millimetres (DICOM). The crosshair is one
 * patient point; every view shows the plane through it, so a click in STIR lands on the same
 * anatomical point in T1 whatever the two stacks' slice geometry.
 */
export type Vec3 = [number, number, number];

export interface StackGeometry {
  dims: [number, number, number];
  spacing: [number, number, number];
  /** voxel -> LPS, row-major 4x4 */
  affine: number[];
}

export type PlaneKind = 'native' | 'axial' | 'sagittal';

/** Screen axes of a view in patient space; normal = right x down points away from the viewer. */
export interface ViewFrame {
  right: Vec3;
  down: Vec3;
  normal: Vec3;
}

/** What part of the plane a view shows: the patient point at the view centre and the zoom. */
export interface ViewCamera {
  center: Vec3;
  mmPerPixel: number;
  width: number;
  height: number;
}

export const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
export const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
export const scale = (a: Vec3, s: number): Vec3 => [a[0] * s, a[1] * s, a[2] * s];
export const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
export const cross = (a: Vec3, b: Vec3): Vec3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];
export const norm = (a: Vec3): number => Math.hypot(a[0], a[1], a[2]);
export const unit = (a: Vec3): Vec3 => scale(a, 1 / norm(a));

export function voxelToPatient(g: StackGeometry, ijk: Vec3): Vec3 {
  const a = g.affine;
  const [i, j, k] = ijk;
  return [
    a[0] * i + a[1] * j + a[2] * k + a[3],
    a[4] * i + a[5] * j + a[6] * k + a[7],
    a[8] * i + a[9] * j + a[10] * k + a[11],
  ];
}

/** Unit patient directions of increasing column (i), row (j) and slice (k). */
export function stackAxes(g: StackGeometry): { i: Vec3; j: Vec3; k: Vec3 } {
  const a = g.affine;
  return {
    i: unit([a[0], a[4], a[8]]),
    j: unit([a[1], a[5], a[9]]),
    k: unit([a[2], a[6], a[10]]),
  };
}

export function patientToVoxel(g: StackGeometry, p: Vec3): Vec3 {
  const a = g.affine;
  const columns: Vec3[] = [
    [a[0], a[4], a[8]],
    [a[1], a[5], a[9]],
    [a[2], a[6], a[10]],
  ];
  const d = sub(p, [a[3], a[7], a[11]]);
  // Cramer's rule: exact for sheared (non-orthogonal) stacks too.
  const det = dot(columns[0], cross(columns[1], columns[2]));
  if (Math.abs(det) < 1e-12) throw new Error('stack geometry is singular');
  return [
    dot(d, cross(columns[1], columns[2])) / det,
    dot(columns[0], cross(d, columns[2])) / det,
    dot(columns[0], cross(columns[1], d)) / det,
  ];
}

/**
 * Radiological display conventions: patient's left on screen right, posterior on screen right
 * in sagittal views (anterior left), inferior and posterior downwards.
 */
export function orientAxis(v: Vec3, role: 'right' | 'down'): Vec3 {
  const ax = Math.abs(v[0]);
  const ay = Math.abs(v[1]);
  const az = Math.abs(v[2]);
  let sign: number;
  if (role === 'right') sign = ax >= ay && ax >= az ? v[0] : ay >= az ? v[1] : -v[2];
  else sign = az >= ay && az >= ax ? -v[2] : ay >= ax ? v[1] : v[0];
  return sign < 0 ? scale(v, -1) : v;
}

/**
 * The acquired plane (native) and the two reformats orthogonal to it: "axial" contains the
 * stack's row direction and its slice normal (semiaxial for a semicoronal stack), "sagittal"
 * its column direction and the slice normal.
 */
export function viewFrame(g: StackGeometry, kind: PlaneKind): ViewFrame {
  const { i, j, k } = stackAxes(g);
  let right: Vec3;
  let down: Vec3;
  if (kind === 'native') {
    right = orientAxis(i, 'right');
    down = orientAxis(j, 'down');
  } else if (kind === 'axial') {
    right = orientAxis(i, 'right');
    down = orientAxis(k, 'down');
  } else {
    right = orientAxis(k, 'right');
    down = orientAxis(j, 'down');
  }
  // Orthogonalise "down" against "right" for sheared stacks so the screen axes stay square.
  down = unit(sub(down, scale(right, dot(down, right))));
  return { right, down, normal: cross(right, down) };
}

export function screenToPatient(
  frame: ViewFrame,
  cam: ViewCamera,
  planePoint: Vec3,
  x: number,
  y: number,
): Vec3 {
  const onScreen = add(
    cam.center,
    add(
      scale(frame.right, (x - cam.width / 2) * cam.mmPerPixel),
      scale(frame.down, (y - cam.height / 2) * cam.mmPerPixel),
    ),
  );
  return add(onScreen, scale(frame.normal, dot(sub(planePoint, onScreen), frame.normal)));
}

export function patientToScreen(frame: ViewFrame, cam: ViewCamera, p: Vec3): [number, number] {
  const d = sub(p, cam.center);
  return [
    cam.width / 2 + dot(d, frame.right) / cam.mmPerPixel,
    cam.height / 2 + dot(d, frame.down) / cam.mmPerPixel,
  ];
}

function corners(g: StackGeometry): Vec3[] {
  const [nx, ny, nz] = g.dims;
  const out: Vec3[] = [];
  for (const i of [-0.5, nx - 0.5])
    for (const j of [-0.5, ny - 0.5])
      for (const k of [-0.5, nz - 0.5]) out.push(voxelToPatient(g, [i, j, k]));
  return out;
}

export function stackCenter(g: StackGeometry): Vec3 {
  return voxelToPatient(g, [(g.dims[0] - 1) / 2, (g.dims[1] - 1) / 2, (g.dims[2] - 1) / 2]);
}

/** Camera that shows the whole stack in the view, centred, with a small margin. */
export function fitCamera(g: StackGeometry, frame: ViewFrame, width: number, height: number): ViewCamera {
  const center = stackCenter(g);
  let w = 0;
  let h = 0;
  for (const c of corners(g)) {
    w = Math.max(w, Math.abs(dot(sub(c, center), frame.right)) * 2);
    h = Math.max(h, Math.abs(dot(sub(c, center), frame.down)) * 2);
  }
  const mmPerPixel = Math.max(w / Math.max(width, 1), h / Math.max(height, 1)) * 1.04;
  return { center, mmPerPixel, width, height };
}

/** The plane a view shows: native views snap to the nearest acquired slice, never between two. */
export function displayedPlanePoint(g: StackGeometry, kind: PlaneKind, crosshair: Vec3): Vec3 {
  if (kind !== 'native') return crosshair;
  const v = patientToVoxel(g, crosshair);
  const k = Math.min(g.dims[2] - 1, Math.max(0, Math.round(v[2])));
  return voxelToPatient(g, [v[0], v[1], k]);
}

/** How far one scroll step moves the plane: one slice for native views, one voxel for reformats. */
export function scrollStepMm(g: StackGeometry, frame: ViewFrame): number {
  const { i, j, k } = stackAxes(g);
  const weights = [
    Math.abs(dot(i, frame.normal)),
    Math.abs(dot(j, frame.normal)),
    Math.abs(dot(k, frame.normal)),
  ];
  const axis = weights.indexOf(Math.max(...weights));
  const a = g.affine;
  return Math.hypot(a[axis], a[4 + axis], a[8 + axis]) / Math.max(weights[axis], 1e-6);
}

/** Index (1-based) and count of the plane along the axis closest to the view normal. */
export function slicePosition(
  g: StackGeometry,
  frame: ViewFrame,
  p: Vec3,
): { index: number; count: number; mm: number } {
  const { i, j, k } = stackAxes(g);
  const axes = [i, j, k];
  const weights = axes.map((a) => Math.abs(dot(a, frame.normal)));
  const axis = weights.indexOf(Math.max(...weights));
  const v = patientToVoxel(g, p);
  return { index: Math.round(v[axis]) + 1, count: g.dims[axis], mm: dot(p, frame.normal) };
}

const letters: [string, string][] = [
  ['L', 'R'],
  ['P', 'A'],
  ['S', 'I'],
];

/** Patient-direction letters (R/L, A/P, S/I) of a screen direction, two letters when oblique. */
export function directionLabel(v: Vec3): string {
  const parts = [0, 1, 2]
    .map((axis) => ({ axis, w: Math.abs(v[axis]), letter: letters[axis][v[axis] >= 0 ? 0 : 1] }))
    .sort((a, b) => b.w - a.w);
  // A second letter when the direction leans more than ~17 degrees toward another axis.
  return parts[1].w > 0.3 ? parts[0].letter + parts[1].letter : parts[0].letter;
}

export function orientationMarkers(frame: ViewFrame): {
  left: string;
  right: string;
  top: string;
  bottom: string;
} {
  return {
    right: directionLabel(frame.right),
    left: directionLabel(scale(frame.right, -1)),
    bottom: directionLabel(frame.down),
    top: directionLabel(scale(frame.down, -1)),
  };
}

/** Is the point inside the stack's voxel box (half a voxel margin)? */
export function insideStack(g: StackGeometry, p: Vec3): boolean {
  const v = patientToVoxel(g, p);
  return v.every((c, axis) => c >= -0.5 && c <= g.dims[axis] - 0.5);
}
