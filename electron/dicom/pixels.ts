import { decodeEncapsulated, isEncapsulated, undecodableReason, UnsupportedEncodingError } from './codecs';
import { dicomParser, type DataSet, type Element } from './dicom-parser';
import { Tag, TransferSyntax } from './tags';
import type { PixelFormat } from './types';

export type SampleArray =
  Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

/** Stored values of one frame, interleaved by pixel when there are several samples. */
export interface StoredFrame {
  values: SampleArray;
  samples: number;
}

const KNOWN_NATIVE = new Set<string>([
  TransferSyntax.ImplicitLittle,
  TransferSyntax.ExplicitLittle,
  TransferSyntax.DeflatedExplicitLittle,
  TransferSyntax.ExplicitBig,
]);

function pixelElement(ds: DataSet): Element {
  const el =
    ds.elements[Tag.PixelData] ?? ds.elements[Tag.FloatPixelData] ?? ds.elements[Tag.DoubleFloatPixelData];
  if (!el) throw new Error('no pixel data');
  return el;
}

/** Reinterprets little-endian bytes as typed samples, viewing them in place when aligned. */
function typed(
  bytes: Uint8Array,
  bits: number,
  signed: boolean,
  kind: PixelFormat['sampleKind'],
): SampleArray {
  const size = bits / 8;
  let src = bytes;
  // Copy (not Buffer#slice, which shares memory) when the view would be misaligned.
  if (size > 1 && bytes.byteOffset % size !== 0) src = new Uint8Array(bytes);
  const n = src.byteLength / size;
  const buf = src.buffer;
  const off = src.byteOffset;
  if (kind === 'float32') return new Float32Array(buf, off, n);
  if (kind === 'float64') return new Float64Array(buf, off, n);
  if (bits === 8) return signed ? new Int8Array(buf, off, n) : new Uint8Array(buf, off, n);
  if (bits === 16) return signed ? new Int16Array(buf, off, n) : new Uint16Array(buf, off, n);
  return signed ? new Int32Array(buf, off, n) : new Uint32Array(buf, off, n);
}

function swapBytes(bytes: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += size)
    for (let b = 0; b < size; b++) out[i + b] = bytes[i + size - 1 - b];
  return out;
}

function unpackBits(bytes: Uint8Array, firstBit: number, count: number): Uint8Array {
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const bit = firstBit + i;
    out[i] = (bytes[bit >> 3] >> (bit & 7)) & 1;
  }
  return out;
}

/**
 * YBR_FULL_422 stores Y0 Y1 Cb Cr for each pair of pixels; expand to Y Cb Cr per pixel (chroma
 * repeated), as pydicom and dcmtk present it.
 */
function expandYbr422(bytes: Uint8Array, pixels: number): Uint8Array {
  const out = new Uint8Array(pixels * 3);
  for (let p = 0, i = 0; p < pixels; p += 2, i += 4) {
    const cb = bytes[i + 2];
    const cr = bytes[i + 3];
    out.set([bytes[i], cb, cr], p * 3);
    if (p + 1 < pixels) out.set([bytes[i + 1], cb, cr], p * 3 + 3);
  }
  return out;
}

function nativeFrame(ds: DataSet, pixel: PixelFormat, frame: number): StoredFrame {
  const undecodable = undecodableReason(pixel);
  if (undecodable) throw new UnsupportedEncodingError(undecodable);
  const el = pixelElement(ds);
  const samples = pixel.samplesPerPixel;
  const ybr422 = pixel.photometric === 'YBR_FULL_422';
  // 4:2:2 chroma subsampling stores two samples per pixel on average.
  const perFrame = ybr422 ? pixel.rows * pixel.columns * 2 : pixel.rows * pixel.columns * samples;
  const signed = pixel.pixelRepresentation === 1;
  if (pixel.bitsAllocated === 1) {
    const needBytes = Math.ceil((perFrame * (frame + 1)) / 8);
    if (el.length < needBytes || el.dataOffset + needBytes > ds.byteArray.length) {
      throw new Error(`pixel data is truncated: frame ${frame + 1} needs ${needBytes} bytes`);
    }
    const bytes = ds.byteArray.subarray(el.dataOffset, el.dataOffset + needBytes);
    return { values: unpackBits(bytes, perFrame * frame, perFrame), samples };
  }
  const size = pixel.bitsAllocated / 8;
  const start = el.dataOffset + perFrame * size * frame;
  const end = start + perFrame * size;
  if (end > el.dataOffset + el.length || end > ds.byteArray.length) {
    throw new Error(
      `pixel data is truncated: frame ${frame + 1} needs bytes ${start - el.dataOffset}-${end - el.dataOffset}, element has ${Math.min(el.length, ds.byteArray.length - el.dataOffset)}`,
    );
  }
  let bytes = ds.byteArray.subarray(start, end);
  if (pixel.transferSyntax === TransferSyntax.ExplicitBig) {
    // In big endian, OW pixel data is swapped per 16-bit word even when samples are 8-bit.
    const wordSize = el.vr === 'OW' && size === 1 ? 2 : size;
    if (wordSize > 1) bytes = swapBytes(bytes, wordSize);
  }
  if (ybr422) return { values: expandYbr422(bytes, pixel.rows * pixel.columns), samples: 3 };
  return { values: typed(bytes, pixel.bitsAllocated, signed, pixel.sampleKind), samples };
}

function encapsulatedFrameBytes(ds: DataSet, pixel: PixelFormat, frame: number): Uint8Array {
  const el = pixelElement(ds);
  const fragments = el.fragments ?? [];
  if (fragments.length === 0) throw new Error('encapsulated pixel data has no fragments');
  if (pixel.numberOfFrames === 1) {
    return dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, 0, fragments.length) as Uint8Array;
  }
  if (el.basicOffsetTable && el.basicOffsetTable.length > 0) {
    return dicomParser.readEncapsulatedImageFrame(ds, el, frame) as Uint8Array;
  }
  if (fragments.length === pixel.numberOfFrames) {
    return dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, frame, 1) as Uint8Array;
  }
  const table = dicomParser.createJPEGBasicOffsetTable(ds, el);
  return dicomParser.readEncapsulatedImageFrame(ds, el, frame, table) as Uint8Array;
}

/**
 * Stored values of one frame, before rescale, as the file holds them: sign per Pixel
 * Representation, bits above Bits Stored not yet masked (see `storedValue`).
 */
export async function decodeFrame(ds: DataSet, pixel: PixelFormat, frame: number): Promise<StoredFrame> {
  if (frame >= pixel.numberOfFrames)
    throw new Error(`frame ${frame + 1} of ${pixel.numberOfFrames} requested`);
  if (KNOWN_NATIVE.has(pixel.transferSyntax) || !isEncapsulated(pixel.transferSyntax)) {
    if (!KNOWN_NATIVE.has(pixel.transferSyntax) && pixelElement(ds).encapsulatedPixelData) {
      throw new UnsupportedEncodingError(`transfer syntax ${pixel.transferSyntax} is not supported`);
    }
    return nativeFrame(ds, pixel, frame);
  }
  const decoded = await decodeEncapsulated(encapsulatedFrameBytes(ds, pixel, frame), pixel);
  const expected = pixel.rows * pixel.columns * decoded.samples * (decoded.bitsAllocated / 8);
  if (decoded.bytes.byteLength < expected) {
    throw new Error(`decoded frame has ${decoded.bytes.byteLength} bytes, expected ${expected}`);
  }
  const signed = pixel.pixelRepresentation === 1;
  return {
    values: typed(decoded.bytes.subarray(0, expected), decoded.bitsAllocated, signed, 'int'),
    samples: decoded.samples,
  };
}

/**
 * Maps a container value to the stored value: masks bits above Bits Stored and sign-extends
 * from the stored high bit (PS3.5 8.1.1), so 12-bit signed data in 16-bit words reads right.
 */
export function storedValueMapper(pixel: PixelFormat): ((v: number) => number) | undefined {
  if (pixel.sampleKind !== 'int' || pixel.bitsStored >= pixel.bitsAllocated || pixel.bitsAllocated === 1)
    return undefined;
  const bits = pixel.bitsStored;
  const mask = bits >= 32 ? 0xffffffff : (1 << bits) - 1;
  if (pixel.pixelRepresentation === 1) {
    const shift = 32 - bits;
    return (v) => ((v & mask) << shift) >> shift;
  }
  return (v) => (v & mask) >>> 0;
}
