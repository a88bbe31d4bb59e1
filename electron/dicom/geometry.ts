import type { Affine } from '../imaging/volume';
import { cross, dot } from './orientation';
import type { SliceRef, Vec3 } from './types';

const DEG = 180 / Math.PI;
/** Relative tolerance for calling two gaps equal (positions are written with ~6 digits). */
const GAP_TOLERANCE = 0.05;
/** Shear below this angle is rounding in the positions, not a tilted gantry. */
const SHEAR_DEGREES = 0.5;

export interface StackGeometry {
  slices: SliceRef[];
  sliceSlots: number[];
  dims: [number, number, number];
  spacing: [number, number, number];
  affine: Affine;
  normal: Vec3;
  problems: string[];
}

function sub(a: Vec3, b: Vec3): Vec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function fmt(x: number): string {
  return Number(x.toFixed(3)).toString();
}

function affineFrom(
  row: Vec3,
  col: Vec3,
  step: Vec3,
  origin: Vec3,
  colSpacing: number,
  rowSpacing: number,
): Affine {
  return [
    row[0] * colSpacing,
    col[0] * rowSpacing,
    step[0],
    origin[0],
    row[1] * colSpacing,
    col[1] * rowSpacing,
    step[1],
    origin[1],
    row[2] * colSpacing,
    col[2] * rowSpacing,
    step[2],
    origin[2],
    0,
    0,
    0,
    1,
  ];
}

/** Geometry for slices that lack position or orientation: stacked in instance order, flagged. */
function unplacedGeometry(slices: SliceRef[]): StackGeometry {
  const sorted = [...slices].sort(
    (a, b) => (a.instanceNumber ?? 0) - (b.instanceNumber ?? 0) || a.frame - b.frame,
  );
  const [rowSpacing, colSpacing] = sorted[0].pixelSpacing ?? [1, 1];
  const o = sorted[0].orientation ?? [1, 0, 0, 0, 1, 0];
  const row: Vec3 = [o[0], o[1], o[2]];
  const col: Vec3 = [o[3], o[4], o[5]];
  const normal = cross(row, col);
  return {
    slices: sorted,
    sliceSlots: sorted.map((_, i) => i),
    dims: [sorted[0].pixel.columns, sorted[0].pixel.rows, sorted.length],
    spacing: [colSpacing, rowSpacing, 1],
    affine: affineFrom(row, col, normal, sorted[0].position ?? [0, 0, 0], colSpacing, rowSpacing),
    normal,
    problems: [
      'no per-slice ImagePositionPatient/ImageOrientationPatient: slices stacked in instance order, 1 mm apart; geometry unknown',
    ],
  };
}

/**
 * Sorts slices along their normal and derives the voxel -> LPS affine from the positions alone.
 * Reports repeated positions, missing slices (gaps that are whole multiples of the usual gap;
 * they get empty slots so the geometry stays true), non-uniform spacing and shear.
 */
export function buildStackGeometry(input: SliceRef[]): StackGeometry {
  const first = input[0];
  if (!first.orientation || input.some((s) => !s.position)) return unplacedGeometry(input);
  const o = first.orientation;
  const row: Vec3 = [o[0], o[1], o[2]];
  const col: Vec3 = [o[3], o[4], o[5]];
  const normal = cross(row, col);
  const [rowSpacing, colSpacing] = first.pixelSpacing ?? [1, 1];
  const problems: string[] = [];
  if (!first.pixelSpacing) problems.push('no PixelSpacing: in-plane spacing assumed 1 mm');

  const withDepth = input
    .map((s) => ({ s, d: dot(s.position as Vec3, normal) }))
    .sort((a, b) => a.d - b.d || (a.s.instanceNumber ?? 0) - (b.s.instanceNumber ?? 0));
  const kept: typeof withDepth = [];
  let repeated = 0;
  for (const item of withDepth) {
    const prev = kept[kept.length - 1];
    if (prev && Math.abs(item.d - prev.d) < 1e-3) repeated += 1;
    else kept.push(item);
  }
  if (repeated > 0) {
    problems.push(
      `${repeated} image(s) repeat a slice position already taken; kept the lowest instance number`,
    );
  }
  const slices = kept.map((k) => k.s);
  const depths = kept.map((k) => k.d);
  if (slices.length === 1) {
    return {
      slices,
      sliceSlots: [0],
      dims: [first.pixel.columns, first.pixel.rows, 1],
      spacing: [colSpacing, rowSpacing, 1],
      affine: affineFrom(row, col, normal, slices[0].position as Vec3, colSpacing, rowSpacing),
      normal,
      problems: [...problems, 'single slice: slice spacing unknown (1 mm used)'],
    };
  }

  const gaps = depths.slice(1).map((d, i) => d - depths[i]);
  const usual = median(gaps);
  const slots = [0];
  let missing = 0;
  const irregular: number[] = [];
  for (const gap of gaps) {
    const ratio = gap / usual;
    const whole = Math.round(ratio);
    if (Math.abs(ratio - whole) <= GAP_TOLERANCE && whole >= 1) {
      missing += whole - 1;
      slots.push(slots[slots.length - 1] + whole);
    } else {
      irregular.push(gap);
      slots.push(slots[slots.length - 1] + Math.max(1, whole));
    }
  }
  if (missing > 0) {
    problems.push(
      `${missing} missing slice(s): gaps of a whole multiple of ${fmt(usual)} mm; left empty (0) in the volume`,
    );
  }
  if (irregular.length > 0) {
    problems.push(
      `non-uniform slice spacing: ${irregular.length} gap(s) of ${irregular.map(fmt).join(', ')} mm where ${fmt(usual)} mm is usual; the volume assumes ${fmt(usual)} mm`,
    );
  }

  const last = slices[slices.length - 1].position as Vec3;
  const origin = slices[0].position as Vec3;
  const nz = slots[slots.length - 1] + 1;
  const along = sub(last, origin);
  const step: Vec3 = [along[0] / (nz - 1), along[1] / (nz - 1), along[2] / (nz - 1)];
  const stepDepth = dot(step, normal);
  const inPlane = Math.hypot(
    step[0] - normal[0] * stepDepth,
    step[1] - normal[1] * stepDepth,
    step[2] - normal[2] * stepDepth,
  );
  const shearDegrees = Math.atan2(inPlane, Math.abs(stepDepth)) * DEG;
  if (shearDegrees > SHEAR_DEGREES) {
    problems.push(
      `sheared stack (gantry tilt) of ${fmt(shearDegrees)} deg: slice positions move in-plane; the affine keeps the shear`,
    );
  }
  const offLine = slices.some((s, i) => {
    const expected = [0, 1, 2].map((a) => origin[a] + step[a] * slots[i]);
    const p = s.position as Vec3;
    return (
      Math.hypot(p[0] - expected[0], p[1] - expected[1], p[2] - expected[2]) > Math.max(0.1, 0.1 * usual)
    );
  });
  if (offLine && irregular.length === 0) problems.push('slice positions do not lie on one line');

  return {
    slices,
    sliceSlots: slots,
    dims: [first.pixel.columns, first.pixel.rows, nz],
    spacing: [colSpacing, rowSpacing, Math.abs(stepDepth)],
    affine: affineFrom(row, col, step, origin, colSpacing, rowSpacing),
    normal,
    problems,
  };
}
