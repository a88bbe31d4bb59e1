import type { OrientationInfo, Vec3 } from './types';

const DEG = 180 / Math.PI;
/** Within this angle of a patient axis a stack is called straight (axial/coronal/sagittal). */
const STRAIGHT_DEGREES = 10;
/** Semicoronal: a coronal plane rotated about left-right, so the normal has almost no L-R part... */
const SEMICORONAL_MAX_LR_DEGREES = 15;
/** ...and leans from anterior-posterior toward superior-inferior by a clear but not axial angle. */
const SEMICORONAL_TILT_DEGREES: [number, number] = [5, 60];

export function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

export function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/** Labels a plane by its normal (LPS): which axis it faces, how far it leans, and whether it is semicoronal. */
export function classifyOrientation(normal: Vec3): OrientationInfo {
  const a = normal.map(Math.abs) as Vec3;
  const axis = a[0] >= a[1] && a[0] >= a[2] ? 0 : a[1] >= a[2] ? 1 : 2;
  const name = (['sagittal', 'coronal', 'axial'] as const)[axis];
  const fromAxis = Math.acos(Math.min(1, a[axis])) * DEG;
  const lrDegrees = Math.asin(Math.min(1, a[0])) * DEG;
  const tiltFromCoronal = Math.atan2(a[2], a[1]) * DEG;
  const semicoronal =
    lrDegrees <= SEMICORONAL_MAX_LR_DEGREES &&
    tiltFromCoronal >= SEMICORONAL_TILT_DEGREES[0] &&
    tiltFromCoronal <= SEMICORONAL_TILT_DEGREES[1];
  return {
    orientation: fromAxis <= STRAIGHT_DEGREES ? name : `oblique-${name}`,
    semicoronal,
    tiltDegrees: round2(semicoronal ? tiltFromCoronal : fromAxis),
  };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
