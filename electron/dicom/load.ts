import type { Volume } from '../imaging/volume';
import { isEncapsulated } from './codecs';
import { parseDicomBytes } from './parse';
import { decodeFrame, type SampleArray, type StoredFrame } from './pixels';
import { ReadBuffer } from './read-buffer';
import type { DicomStack, PixelFormat, SliceRef } from './types';

/** Value range of stored samples after rescale, used to mirror MONOCHROME1 into MONOCHROME2. */
function modalityRange(pixel: PixelFormat, slope: number, intercept: number): [number, number] {
  const signed = pixel.pixelRepresentation === 1;
  const bits = pixel.bitsStored;
  const lo = signed ? -(2 ** (bits - 1)) : 0;
  const hi = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  const a = lo * slope + intercept;
  const b = hi * slope + intercept;
  return [Math.min(a, b), Math.max(a, b)];
}

/**
 * Writes one frame into `out` at `offset` as modality values (stored * slope + intercept).
 * MONOCHROME1 is mirrored so brighter always means a higher value; colour becomes luminance.
 * Samples that lie in `readBuffer` are checked and converted there (SIMD).
 */
export function frameToFloat(
  frame: StoredFrame,
  slice: SliceRef,
  out: Float32Array,
  offset: number,
  readBuffer?: ReadBuffer,
): void {
  const { pixel, rescaleSlope: slope, rescaleIntercept: intercept } = slice;
  const n = pixel.rows * pixel.columns;
  const v = frame.values;
  if (frame.samples === 1) {
    grayToFloat(v, n, pixel, slope, intercept, out, offset, readBuffer);
    return;
  }
  const planar = pixel.planarConfiguration === 1 && !isEncapsulated(pixel.transferSyntax);
  const at = (i: number, s: number): number => (planar ? v[s * n + i] : v[i * frame.samples + s]);
  // JPEG-family decoders convert YCbCr to RGB; native and RLE YBR keep Y in the first sample.
  const lumaOnly =
    pixel.photometric.startsWith('YBR') && !pixel.transferSyntax.startsWith('1.2.840.10008.1.2.4.');
  for (let i = 0; i < n; i++) {
    const y = lumaOnly ? at(i, 0) : 0.299 * at(i, 0) + 0.587 * at(i, 1) + 0.114 * at(i, 2);
    out[offset + i] = y * slope + intercept;
  }
}

/**
 * Whether any unsigned sample uses bits above Bits Stored. Usually none does, and then the
 * native typed-array copy (`out.set`) replaces the masking loop: several times faster.
 */
function hasBitsAbove(v: SampleArray, n: number, bitsStored: number, readBuffer?: ReadBuffer): boolean {
  const above = ~((1 << bitsStored) - 1);
  return ((readBuffer?.orOfSamples(v, n) ?? orOfSamplesInJs(v, n)) & above) !== 0;
}

/** The same OR as `ReadBuffer.orOfSamples`, for samples outside a read buffer (decoded frames). */
function orOfSamplesInJs(v: SampleArray, n: number): number {
  let acc = 0;
  if (v.BYTES_PER_ELEMENT === 2 && n > 1) {
    // Two 16-bit samples per step: the same OR over half as many iterations. A 32-bit view
    // must start on a 4-byte boundary, so an odd first sample is taken on its own.
    const skip = v.byteOffset % 4 === 0 ? 0 : 1;
    const pairs = new Uint32Array(v.buffer, v.byteOffset + 2 * skip, (n - skip) >> 1);
    acc = orAll(pairs);
    acc = (acc | (acc >>> 16)) & 0xffff;
    if (skip) acc |= v[0];
    if ((n - skip) & 1) acc |= v[n - 1];
  } else {
    for (let i = 0; i < n; i++) acc |= v[i];
  }
  return acc;
}

/**
 * OR of all words. Its own function so the loop only ever sees Uint32Array (V8 keeps it
 * monomorphic); four accumulators let the CPU overlap the loads (about twice as fast).
 */
function orAll(words: Uint32Array): number {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  const whole = words.length & ~3;
  for (let i = 0; i < whole; i += 4) {
    a |= words[i];
    b |= words[i + 1];
    c |= words[i + 2];
    d |= words[i + 3];
  }
  for (let i = whole; i < words.length; i++) a |= words[i];
  return a | b | c | d;
}

/**
 * The hot path of ingest. The common case (no rescale, no junk bits) is one native typed-array
 * conversion; 16-bit frames that need masking, sign extension or a rescale go through the
 * read buffer's SIMD kernel; the rest (decoded, 8- or 32-bit, float) through the loops below.
 */
function grayToFloat(
  v: SampleArray,
  n: number,
  pixel: PixelFormat,
  slope: number,
  intercept: number,
  out: Float32Array,
  offset: number,
  readBuffer: ReadBuffer | undefined,
): void {
  const int = pixel.sampleKind === 'int' && pixel.bitsAllocated > 1;
  const signed = pixel.pixelRepresentation === 1;
  const masked =
    int &&
    pixel.bitsStored < pixel.bitsAllocated &&
    (signed || hasBitsAbove(v, n, pixel.bitsStored, readBuffer));
  if (!masked && slope === 1 && intercept === 0) {
    out.set(v.length === n ? v : v.subarray(0, n), offset);
  } else if (!(int && readBuffer?.toFloat(v, n, pixel.bitsStored, signed, slope, intercept, out, offset))) {
    grayToFloatInJs(v, n, masked, pixel, slope, intercept, out, offset);
  }
  if (pixel.photometric === 'MONOCHROME1') {
    const [lo, hi] = modalityRange(pixel, slope, intercept);
    for (let i = 0; i < n; i++) out[offset + i] = lo + hi - out[offset + i];
  }
}

/** One specialised loop per case (no per-pixel calls), for frames the SIMD kernel does not take. */
function grayToFloatInJs(
  v: SampleArray,
  n: number,
  masked: boolean,
  pixel: PixelFormat,
  slope: number,
  intercept: number,
  out: Float32Array,
  offset: number,
): void {
  if (!masked) {
    for (let i = 0; i < n; i++) out[offset + i] = v[i] * slope + intercept;
  } else if (pixel.pixelRepresentation === 1) {
    const shift = 32 - pixel.bitsStored;
    for (let i = 0; i < n; i++) out[offset + i] = ((v[i] << shift) >> shift) * slope + intercept;
  } else {
    const mask = pixel.bitsStored >= 32 ? 0xffffffff : (1 << pixel.bitsStored) - 1;
    for (let i = 0; i < n; i++) out[offset + i] = ((v[i] & mask) >>> 0) * slope + intercept;
  }
}

/**
 * Reads a stack's pixels into a Float32 volume (modality values) with the stack's affine.
 * Files are re-read from disk; each multi-frame file once. Missing slices stay 0.
 */
export async function loadStackVolume(stack: DicomStack): Promise<Volume> {
  const [nx, ny, nz] = stack.dims;
  // Uninitialised memory: every slot is either written by a frame or zeroed below, which
  // spares zeroing the whole volume first (a tenth of the ingest time of a 512x512 exam).
  const data = new Float32Array(Buffer.allocUnsafeSlow(nx * ny * nz * 4).buffer, 0, nx * ny * nz);
  const written = new Uint8Array(nz);
  const byFile = new Map<string, number[]>();
  stack.slices.forEach((s, i) => {
    const list = byFile.get(s.path);
    if (list) list.push(i);
    else byFile.set(s.path, [i]);
  });
  // Frames are turned into floats before the next file is read, so one buffer serves all.
  const readBuffer = new ReadBuffer(nx * ny);
  for (const [path, indices] of byFile) {
    let parsed;
    try {
      parsed = parseDicomBytes(readBuffer.read(path));
    } catch (err) {
      throw new Error(`${path}: ${err instanceof Error ? err.message : String(err)}`);
    }
    for (const i of indices) {
      const slice = stack.slices[i];
      if (slice.pixel.rows !== ny || slice.pixel.columns !== nx) {
        throw new Error(`${path}: image is ${slice.pixel.columns}x${slice.pixel.rows}, stack is ${nx}x${ny}`);
      }
      let frame: StoredFrame;
      try {
        frame = await decodeFrame(parsed.dataSet, slice.pixel, slice.frame);
      } catch (err) {
        throw new Error(`${path}: ${err instanceof Error ? err.message : String(err)}`);
      }
      frameToFloat(frame, slice, data, nx * ny * stack.sliceSlots[i], readBuffer);
      written[stack.sliceSlots[i]] = 1;
    }
  }
  written.forEach((w, z) => {
    if (!w) data.fill(0, nx * ny * z, nx * ny * (z + 1));
  });
  return { dims: [nx, ny, nz], spacing: [...stack.spacing], affine: [...stack.affine], data };
}
