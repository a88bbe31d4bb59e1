/** 4x4 row-major matrix mapping voxel (i, j, k, 1) to patient LPS millimetres. */
export type Affine = number[];

/**
 * A scalar volume in patient space. Index order matches DICOM and ONNX tensors [slice, row, col]:
 * i runs along a row (columns), j down the rows, k across slices; data[i + nx * (j + ny * k)].
 */
export interface Volume {
  /** [nx (columns), ny (rows), nz (slices)] */
  dims: [number, number, number];
  /** mm between voxel centres along i, j, k */
  spacing: [number, number, number];
  /** voxel -> LPS, row-major 4x4 */
  affine: Affine;
  data: Float32Array;
}

export function voxelToPatient(
  affine: Affine,
  ijk: readonly [number, number, number],
): [number, number, number] {
  const [i, j, k] = ijk;
  return [
    affine[0] * i + affine[1] * j + affine[2] * k + affine[3],
    affine[4] * i + affine[5] * j + affine[6] * k + affine[7],
    affine[8] * i + affine[9] * j + affine[10] * k + affine[11],
  ];
}

/** Inverse of an affine whose last row is [0, 0, 0, 1]. */
export function invertAffine(a: Affine): Affine {
  const [m00, m01, m02, t0, m10, m11, m12, t1, m20, m21, m22, t2] = a;
  const c00 = m11 * m22 - m12 * m21;
  const c01 = m02 * m21 - m01 * m22;
  const c02 = m01 * m12 - m02 * m11;
  const c10 = m12 * m20 - m10 * m22;
  const c11 = m00 * m22 - m02 * m20;
  const c12 = m02 * m10 - m00 * m12;
  const c20 = m10 * m21 - m11 * m20;
  const c21 = m01 * m20 - m00 * m21;
  const c22 = m00 * m11 - m01 * m10;
  const det = m00 * c00 + m01 * c10 + m02 * c20;
  if (Math.abs(det) < 1e-12) throw new Error('affine is singular');
  const r = [c00, c01, c02, c10, c11, c12, c20, c21, c22].map((v) => v / det);
  return [
    r[0],
    r[1],
    r[2],
    -(r[0] * t0 + r[1] * t1 + r[2] * t2),
    r[3],
    r[4],
    r[5],
    -(r[3] * t0 + r[4] * t1 + r[5] * t2),
    r[6],
    r[7],
    r[8],
    -(r[6] * t0 + r[7] * t1 + r[8] * t2),
    0,
    0,
    0,
    1,
  ];
}

export function patientToVoxel(
  affine: Affine,
  lps: readonly [number, number, number],
): [number, number, number] {
  return voxelToPatient(invertAffine(affine), lps);
}
