import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Affine, Volume } from './volume';

/**
 * NIfTI-1 single-file (.nii, .nii.gz) reading and writing. NIfTI world space is RAS while our
 * volumes are LPS (as DICOM): the x and y rows of the affine change sign at the boundary.
 */

const HEADER_SIZE = 348;
const VOX_OFFSET = 352;

export type NiftiDatatype = 'uint8' | 'int16' | 'uint16' | 'int32' | 'float32' | 'float64';

const CODES: Record<NiftiDatatype, { code: number; bits: number }> = {
  uint8: { code: 2, bits: 8 },
  int16: { code: 4, bits: 16 },
  int32: { code: 8, bits: 32 },
  float32: { code: 16, bits: 32 },
  float64: { code: 64, bits: 64 },
  uint16: { code: 512, bits: 16 },
};
const BY_CODE = new Map<number, NiftiDatatype>(
  Object.entries(CODES).map(([k, v]) => [v.code, k as NiftiDatatype]),
);
const CODE_INT8 = 256;
const CODE_UINT32 = 768;

/** Flips x and y of a row-major 4x4: LPS <-> RAS (its own inverse). */
export function flipXY(a: Affine): Affine {
  return a.map((v, i) => (i < 8 ? -v : v));
}

function columnNorm(a: Affine, c: number): number {
  return Math.hypot(a[c], a[4 + c], a[8 + c]);
}

/**
 * Quaternion parameters for the rotation part of an orthogonal affine (NIfTI-1
 * nifti_mat44_to_quatern), or undefined when the columns are not orthogonal (sheared stacks),
 * in which case only the sform can carry the geometry.
 */
function quaternion(
  a: Affine,
): { b: number; c: number; d: number; qfac: number; pixdim: number[] } | undefined {
  const pixdim = [0, 1, 2].map((c) => columnNorm(a, c));
  if (pixdim.some((p) => p === 0)) return undefined;
  const r = [0, 1, 2].map((row) => [0, 1, 2].map((c) => a[row * 4 + c] / pixdim[c]));
  const dotCols = (x: number, y: number): number => r[0][x] * r[0][y] + r[1][x] * r[1][y] + r[2][x] * r[2][y];
  if (Math.abs(dotCols(0, 1)) > 1e-4 || Math.abs(dotCols(0, 2)) > 1e-4 || Math.abs(dotCols(1, 2)) > 1e-4)
    return undefined;
  const det =
    r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1]) -
    r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0]) +
    r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0]);
  const qfac = det < 0 ? -1 : 1;
  if (qfac < 0) for (let i = 0; i < 3; i++) r[i][2] = -r[i][2];
  const [[r11, r12, r13], [r21, r22, r23], [r31, r32, r33]] = r;
  let qa = r11 + r22 + r33 + 1;
  let b: number, c: number, d: number;
  if (qa > 0.5) {
    qa = 0.5 * Math.sqrt(qa);
    b = (0.25 * (r32 - r23)) / qa;
    c = (0.25 * (r13 - r31)) / qa;
    d = (0.25 * (r21 - r12)) / qa;
  } else {
    const xd = 1 + r11 - (r22 + r33);
    const yd = 1 + r22 - (r11 + r33);
    const zd = 1 + r33 - (r11 + r22);
    if (xd > 1) {
      b = 0.5 * Math.sqrt(xd);
      c = (0.25 * (r12 + r21)) / b;
      d = (0.25 * (r13 + r31)) / b;
      qa = (0.25 * (r32 - r23)) / b;
    } else if (yd > 1) {
      c = 0.5 * Math.sqrt(yd);
      b = (0.25 * (r12 + r21)) / c;
      d = (0.25 * (r23 + r32)) / c;
      qa = (0.25 * (r13 - r31)) / c;
    } else {
      d = 0.5 * Math.sqrt(zd);
      b = (0.25 * (r13 + r31)) / d;
      c = (0.25 * (r23 + r32)) / d;
      qa = (0.25 * (r21 - r12)) / d;
    }
    if (qa < 0) {
      b = -b;
      c = -c;
      d = -d;
    }
  }
  return { b, c, d, qfac, pixdim };
}

function encodeData(data: Float32Array, type: NiftiDatatype): Buffer {
  const Ctor = {
    uint8: Uint8Array,
    int16: Int16Array,
    uint16: Uint16Array,
    int32: Int32Array,
    float32: Float32Array,
    float64: Float64Array,
  }[type];
  let typed: ArrayBufferView = data;
  if (type !== 'float32') {
    const out = new Ctor(data.length);
    const integer = !type.startsWith('float');
    for (let i = 0; i < data.length; i++) out[i] = integer ? Math.round(data[i]) : data[i];
    typed = out;
  }
  return Buffer.from(typed.buffer, typed.byteOffset, typed.byteLength);
}

/** NIfTI-1 bytes (uncompressed) for a volume; scanner-anatomical qform (when orthogonal) and sform in RAS. */
export function encodeNifti(
  volume: Volume,
  options: { datatype?: NiftiDatatype; description?: string } = {},
): Buffer {
  const type = options.datatype ?? 'float32';
  const [nx, ny, nz] = volume.dims;
  const header = Buffer.alloc(VOX_OFFSET);
  header.writeInt32LE(HEADER_SIZE, 0);
  header.write('r', 38, 'latin1');
  [3, nx, ny, nz, 1, 1, 1, 1].forEach((v, i) => header.writeInt16LE(v, 40 + 2 * i));
  header.writeInt16LE(CODES[type].code, 70);
  header.writeInt16LE(CODES[type].bits, 72);
  const ras = flipXY(volume.affine);
  const q = quaternion(ras);
  const pixdim = q?.pixdim ?? [0, 1, 2].map((c) => columnNorm(ras, c));
  [q?.qfac ?? 1, ...pixdim, 0, 0, 0, 0].forEach((v, i) => header.writeFloatLE(v, 76 + 4 * i));
  header.writeFloatLE(VOX_OFFSET, 108);
  header.writeFloatLE(1, 112);
  header.writeFloatLE(0, 116);
  header.writeUInt8(2, 123); // xyzt_units: millimetres
  header.write((options.description ?? 'SIJ Reader').slice(0, 79), 148, 'latin1');
  header.writeInt16LE(q ? 1 : 0, 252); // qform_code: scanner anatomical
  header.writeInt16LE(1, 254); // sform_code: scanner anatomical
  if (q) {
    header.writeFloatLE(q.b, 256);
    header.writeFloatLE(q.c, 260);
    header.writeFloatLE(q.d, 264);
    header.writeFloatLE(ras[3], 268);
    header.writeFloatLE(ras[7], 272);
    header.writeFloatLE(ras[11], 276);
  }
  for (let i = 0; i < 12; i++) header.writeFloatLE(ras[i], 280 + 4 * i);
  header.write('n+1\0', 344, 'latin1');
  return Buffer.concat([header, encodeData(volume.data, type)]);
}

export function writeNifti(
  file: string,
  volume: Volume,
  options: { datatype?: NiftiDatatype; description?: string } = {},
): void {
  const bytes = encodeNifti(volume, options);
  writeFileSync(file, file.endsWith('.gz') ? gzipSync(bytes, { level: 6 }) : bytes);
}

function qformAffine(view: DataView, little: boolean, pixdim: number[]): Affine {
  const f = (o: number): number => view.getFloat32(o, little);
  const [b, c, d] = [f(256), f(260), f(264)];
  const a = Math.sqrt(Math.max(0, 1 - (b * b + c * c + d * d)));
  const qfac = pixdim[0] < 0 ? -1 : 1;
  const R = [
    [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
    [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
    [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b],
  ];
  const scale = [pixdim[1], pixdim[2], pixdim[3] * qfac];
  const off = [f(268), f(272), f(276)];
  const out: number[] = [];
  for (let r = 0; r < 3; r++) out.push(R[r][0] * scale[0], R[r][1] * scale[1], R[r][2] * scale[2], off[r]);
  return [...out, 0, 0, 0, 1];
}

/** Parses NIfTI-1 bytes (.nii content) into an LPS volume (sform preferred, then qform). */
export function decodeNifti(bytes: Uint8Array, file = 'NIfTI data'): Volume {
  if (bytes.length < HEADER_SIZE) throw new Error(`${file}: shorter than a NIfTI-1 header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = view.getInt32(0, true) === HEADER_SIZE;
  if (!little && view.getInt32(0, false) !== HEADER_SIZE)
    throw new Error(`${file}: not a NIfTI-1 file (sizeof_hdr)`);
  const i16 = (o: number): number => view.getInt16(o, little);
  const f32 = (o: number): number => view.getFloat32(o, little);
  const ndim = i16(40);
  const dims: [number, number, number] = [i16(42), ndim >= 2 ? i16(44) : 1, ndim >= 3 ? i16(46) : 1];
  const code = i16(70);
  const pixdim = [0, 1, 2, 3].map((i) => f32(76 + 4 * i));
  const offset = Math.max(VOX_OFFSET, Math.round(f32(108)));
  let slope = f32(112);
  const inter = f32(116);
  if (!slope) slope = 1;
  const n = dims[0] * dims[1] * dims[2];
  const type =
    BY_CODE.get(code) ?? (code === CODE_INT8 ? 'int8' : code === CODE_UINT32 ? 'uint32' : undefined);
  if (!type) throw new Error(`${file}: unsupported NIfTI datatype ${code}`);
  const size = { uint8: 1, int8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, float32: 4, float64: 8 }[type];
  if (offset + n * size > bytes.length) throw new Error(`${file}: image data is truncated`);
  const data = new Float32Array(n);
  const read = {
    uint8: (o: number) => view.getUint8(o),
    int8: (o: number) => view.getInt8(o),
    int16: (o: number) => view.getInt16(o, little),
    uint16: (o: number) => view.getUint16(o, little),
    int32: (o: number) => view.getInt32(o, little),
    uint32: (o: number) => view.getUint32(o, little),
    float32: (o: number) => view.getFloat32(o, little),
    float64: (o: number) => view.getFloat64(o, little),
  }[type];
  for (let i = 0; i < n; i++) data[i] = read(offset + i * size) * slope + inter;
  let ras: Affine;
  if (i16(254) > 0) {
    ras = [...Array.from({ length: 12 }, (_, i) => f32(280 + 4 * i)), 0, 0, 0, 1];
  } else if (i16(252) > 0) {
    ras = qformAffine(view, little, pixdim);
  } else {
    ras = [pixdim[1], 0, 0, 0, 0, pixdim[2], 0, 0, 0, 0, pixdim[3], 0, 0, 0, 0, 1];
  }
  const affine = flipXY(ras);
  const spacing = [0, 1, 2].map((c) => columnNorm(affine, c)) as [number, number, number];
  return { dims, spacing, affine, data };
}

export function readNifti(file: string): Volume {
  let bytes: Uint8Array = readFileSync(file);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  return decodeNifti(bytes, file);
}
