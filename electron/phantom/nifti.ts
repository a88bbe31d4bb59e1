import { gzipSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import type { Affine } from '../imaging/volume';

/**
 * Minimal NIfTI-1 writer for the phantom's masks and clean images (.nii.gz), with qform and
 * sform in RAS as NIfTI requires (the LPS affine's first two rows are negated). Kept here until
 * electron/imaging provides the shared writer.
 */
export function writeNiftiGz(
  path: string,
  dims: readonly [number, number, number],
  affineLps: Affine,
  data: Uint8Array | Int16Array | Float32Array,
): void {
  const header = Buffer.alloc(352);
  header.writeInt32LE(348, 0);
  header.writeInt16LE(3, 40);
  header.writeInt16LE(dims[0], 42);
  header.writeInt16LE(dims[1], 44);
  header.writeInt16LE(dims[2], 46);
  for (let d = 4; d < 8; d++) header.writeInt16LE(1, 40 + 2 * d);
  // NIfTI datatype codes: UINT8 2, INT16 4, FLOAT32 16
  const [datatype, bitpix] =
    data instanceof Float32Array ? [16, 32] : data instanceof Int16Array ? [4, 16] : [2, 8];
  header.writeInt16LE(datatype, 70);
  header.writeInt16LE(bitpix, 72);
  // RAS affine
  const A = affineLps.slice();
  for (let c = 0; c < 4; c++) {
    A[c] = -A[c];
    A[4 + c] = -A[4 + c];
  }
  const sx = Math.hypot(A[0], A[4], A[8]);
  const sy = Math.hypot(A[1], A[5], A[9]);
  const sz = Math.hypot(A[2], A[6], A[10]);
  const R = [
    A[0] / sx,
    A[1] / sy,
    A[2] / sz,
    A[4] / sx,
    A[5] / sy,
    A[6] / sz,
    A[8] / sx,
    A[9] / sy,
    A[10] / sz,
  ];
  const det =
    R[0] * (R[4] * R[8] - R[5] * R[7]) -
    R[1] * (R[3] * R[8] - R[5] * R[6]) +
    R[2] * (R[3] * R[7] - R[4] * R[6]);
  const qfac = det < 0 ? -1 : 1;
  if (qfac < 0) {
    R[2] = -R[2];
    R[5] = -R[5];
    R[8] = -R[8];
  }
  const pixdim = [qfac, sx, sy, sz, 1, 1, 1, 1];
  pixdim.forEach((p, i) => header.writeFloatLE(p, 76 + 4 * i));
  header.writeFloatLE(352, 108); // vox_offset
  header.writeFloatLE(1, 112); // scl_slope
  header.writeFloatLE(0, 116); // scl_inter
  header.writeUInt8(2 | (8 << 3), 123); // xyzt_units: mm, s
  header.writeInt16LE(1, 252); // qform_code: scanner
  header.writeInt16LE(1, 254); // sform_code: scanner
  const [b, c, d] = quaternion(R);
  header.writeFloatLE(b, 256);
  header.writeFloatLE(c, 260);
  header.writeFloatLE(d, 264);
  header.writeFloatLE(A[3], 268);
  header.writeFloatLE(A[7], 272);
  header.writeFloatLE(A[11], 276);
  for (let r = 0; r < 3; r++)
    for (let col = 0; col < 4; col++) header.writeFloatLE(A[4 * r + col], 280 + 16 * r + 4 * col);
  header.write('n+1\0', 344, 'latin1');
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  writeFileSync(path, gzipSync(Buffer.concat([header, body]), { level: 1 }));
}

/** Quaternion (b, c, d) of a proper rotation matrix (NIfTI-1 convention, a >= 0). */
function quaternion(R: number[]): [number, number, number] {
  const [r11, r12, r13, r21, r22, r23, r31, r32, r33] = R;
  let a = 1 + r11 + r22 + r33;
  let b: number, c: number, d: number;
  if (a > 0.5) {
    a = 0.5 * Math.sqrt(a);
    b = (0.25 * (r32 - r23)) / a;
    c = (0.25 * (r13 - r31)) / a;
    d = (0.25 * (r21 - r12)) / a;
  } else {
    const xd = 1 + r11 - (r22 + r33);
    const yd = 1 + r22 - (r11 + r33);
    const zd = 1 + r33 - (r11 + r22);
    if (xd > 1) {
      b = 0.5 * Math.sqrt(xd);
      c = (0.25 * (r12 + r21)) / b;
      d = (0.25 * (r13 + r31)) / b;
      a = (0.25 * (r32 - r23)) / b;
    } else if (yd > 1) {
      c = 0.5 * Math.sqrt(yd);
      b = (0.25 * (r12 + r21)) / c;
      d = (0.25 * (r23 + r32)) / c;
      a = (0.25 * (r13 - r31)) / c;
    } else {
      d = 0.5 * Math.sqrt(zd);
      b = (0.25 * (r13 + r31)) / d;
      c = (0.25 * (r23 + r32)) / d;
      a = (0.25 * (r21 - r12)) / d;
    }
    if (a < 0) {
      b = -b;
      c = -c;
      d = -d;
    }
  }
  return [b, c, d];
}
