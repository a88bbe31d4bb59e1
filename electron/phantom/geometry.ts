import type { Affine } from '../imaging/volume';

type Vec3 = [number, number, number];

/** Where one series' voxels lie in patient space (LPS, mm), as DICOM describes it. */
export interface SeriesGeometry {
  /** [columns, rows, slices] */
  dims: [number, number, number];
  /** [column spacing, row spacing, slice spacing (thickness + gap)], mm */
  spacing: [number, number, number];
  thickness: number;
  /** direction of increasing column index (DICOM ImageOrientationPatient first triplet) */
  row: Vec3;
  /** direction of increasing row index (second triplet) */
  col: Vec3;
  /** row x col: slices are stacked along it */
  normal: Vec3;
  /** patient position of voxel (0, 0, 0) */
  origin: Vec3;
  orientation: 'semicoronal' | 'axial';
}

export function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function normalise(a: Vec3): Vec3 {
  const n = Math.hypot(a[0], a[1], a[2]);
  return [a[0] / n, a[1] / n, a[2] / n];
}

/** Rotate v about the unit axis k by angle (Rodrigues). */
function rotate(v: Vec3, k: Vec3, angle: number): Vec3 {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const kxv = cross(k, v);
  const kdv = k[0] * v[0] + k[1] * v[1] + k[2] * v[2];
  return [
    v[0] * c + kxv[0] * s + k[0] * kdv * (1 - c),
    v[1] * c + kxv[1] * s + k[1] * kdv * (1 - c),
    v[2] * c + kxv[2] * s + k[2] * kdv * (1 - c),
  ];
}

export interface SlicePlan {
  orientation: 'semicoronal' | 'axial';
  /** semicoronal tilt from coronal towards the sacral axis, degrees */
  tiltDeg: number;
  /** small extra rotations, degrees: in-plane, and about the superior axis */
  inPlaneDeg: number;
  yawDeg: number;
  /** centre of the slab, LPS mm */
  centre: Vec3;
  fovMm: number;
  slices: number;
  thickness: number;
  gap: number;
}

/**
 * Plan a stack of slices like a technologist: for semicoronal, tilt the coronal plane about the
 * left-right axis until it is parallel to the sacrum; rows run to the patient's left, columns
 * downwards, slices from anterior to posterior.
 */
export function planSeries(plan: SlicePlan, matrix: number): SeriesGeometry {
  let row: Vec3 = [1, 0, 0];
  let normal: Vec3;
  if (plan.orientation === 'semicoronal') {
    const a = (plan.tiltDeg * Math.PI) / 180;
    normal = [0, Math.cos(a), Math.sin(a)];
  } else {
    normal = [0, 0, 1];
    row = [1, 0, 0];
  }
  const yaw = (plan.yawDeg * Math.PI) / 180;
  row = rotate(row, [0, 0, 1], yaw);
  normal = rotate(normal, [0, 0, 1], yaw);
  row = normalise(rotate(row, normal, (plan.inPlaneDeg * Math.PI) / 180));
  const col = normalise(cross(normal, row));
  normal = normalise(cross(row, col));
  const px = plan.fovMm / matrix;
  const dz = plan.thickness + plan.gap;
  const origin: Vec3 = [0, 0, 0];
  for (let d = 0; d < 3; d++) {
    origin[d] =
      plan.centre[d] -
      row[d] * px * ((matrix - 1) / 2) -
      col[d] * px * ((matrix - 1) / 2) -
      normal[d] * dz * ((plan.slices - 1) / 2);
  }
  return {
    dims: [matrix, matrix, plan.slices],
    spacing: [px, px, dz],
    thickness: plan.thickness,
    row,
    col,
    normal,
    origin,
    orientation: plan.orientation,
  };
}

/** Voxel -> LPS affine of a series (row-major 4x4), as electron/imaging's Volume uses. */
export function seriesAffine(g: SeriesGeometry): Affine {
  const [sx, sy, sz] = g.spacing;
  return [
    g.row[0] * sx,
    g.col[0] * sy,
    g.normal[0] * sz,
    g.origin[0],
    g.row[1] * sx,
    g.col[1] * sy,
    g.normal[1] * sz,
    g.origin[1],
    g.row[2] * sx,
    g.col[2] * sy,
    g.normal[2] * sz,
    g.origin[2],
    0,
    0,
    0,
    1,
  ];
}

/** Patient position of the first voxel of slice k (DICOM ImagePositionPatient). */
export function slicePosition(g: SeriesGeometry, k: number): Vec3 {
  const dz = g.spacing[2] * k;
  return [g.origin[0] + g.normal[0] * dz, g.origin[1] + g.normal[1] * dz, g.origin[2] + g.normal[2] * dz];
}
