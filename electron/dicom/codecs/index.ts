import { createRequire } from 'node:module';
import { TransferSyntax } from '../tags';
import type { PixelFormat } from '../types';
import { decodeJpegDct, jpegPrecision } from './jpeg-dct';
import { decodeRle } from './rle';
import { runWasm, wasmDecoder } from './wasm';

const require = createRequire(import.meta.url);

/** Decoded samples, little endian, interleaved by pixel, as raw bytes. */
export interface DecodedFrame {
  bytes: Uint8Array;
  bitsAllocated: number;
  samples: number;
}

/** Thrown when a frame's encoding is not one this reader decodes; the message says which. */
export class UnsupportedEncodingError extends Error {}

const NAMES: Record<string, string> = {
  [TransferSyntax.JpegBaseline]: 'JPEG baseline',
  [TransferSyntax.JpegExtended]: 'JPEG extended',
  [TransferSyntax.JpegLosslessProcess14]: 'JPEG lossless (process 14)',
  [TransferSyntax.JpegLosslessSV1]: 'JPEG lossless SV1',
  [TransferSyntax.JpegLsLossless]: 'JPEG-LS lossless',
  [TransferSyntax.JpegLsNearLossless]: 'JPEG-LS near-lossless',
  [TransferSyntax.Jpeg2000Lossless]: 'JPEG 2000 lossless',
  [TransferSyntax.Jpeg2000]: 'JPEG 2000',
  [TransferSyntax.HtJpeg2000Lossless]: 'HTJ2K lossless',
  [TransferSyntax.HtJpeg2000RpclLossless]: 'HTJ2K lossless RPCL',
  [TransferSyntax.HtJpeg2000]: 'HTJ2K',
  [TransferSyntax.Rle]: 'RLE lossless',
};

export function isEncapsulated(syntax: string): boolean {
  return syntax in NAMES;
}

export function transferSyntaxName(syntax: string): string {
  return NAMES[syntax] ?? syntax;
}

const DECODABLE = new Set<string>([
  TransferSyntax.ImplicitLittle,
  TransferSyntax.ExplicitLittle,
  TransferSyntax.DeflatedExplicitLittle,
  TransferSyntax.ExplicitBig,
  TransferSyntax.Rle,
  TransferSyntax.JpegBaseline,
  TransferSyntax.JpegExtended,
  TransferSyntax.JpegLosslessProcess14,
  TransferSyntax.JpegLosslessSV1,
  TransferSyntax.JpegLsLossless,
  TransferSyntax.JpegLsNearLossless,
  TransferSyntax.Jpeg2000Lossless,
  TransferSyntax.Jpeg2000,
]);

/** Why this reader cannot decode the pixels, known from the header alone; undefined if it can. */
export function undecodableReason(pixel: PixelFormat): string | undefined {
  const syntax = pixel.transferSyntax;
  if (!DECODABLE.has(syntax)) return `${transferSyntaxName(syntax)} (${syntax}) is not supported`;
  const native = !isEncapsulated(syntax);
  const nativeYbr = ['YBR_FULL', 'YBR_FULL_422'];
  if (native && pixel.photometric.startsWith('YBR') && !nativeYbr.includes(pixel.photometric)) {
    return `uncompressed ${pixel.photometric} is not supported`;
  }
  if (native && pixel.photometric === 'YBR_FULL_422' && pixel.bitsAllocated !== 8) {
    return 'uncompressed YBR_FULL_422 is supported for 8-bit samples only';
  }
  return undefined;
}

function jpegLossless(encoded: Uint8Array, pixel: PixelFormat): DecodedFrame {
  const { Decoder } = require('jpeg-lossless-decoder-js') as {
    Decoder: new () => { decode(b: ArrayBuffer, o: number, l: number, n: number): ArrayBufferView };
  };
  const bytesOut = pixel.bitsAllocated <= 8 ? 1 : 2;
  const out = new Decoder().decode(
    encoded.buffer as ArrayBuffer,
    encoded.byteOffset,
    encoded.byteLength,
    bytesOut,
  );
  return {
    bytes: new Uint8Array(out.buffer, out.byteOffset, out.byteLength),
    bitsAllocated: bytesOut * 8,
    samples: pixel.samplesPerPixel,
  };
}

/**
 * 12-bit sequential DCT (process 4): libjpeg-turbo's wasm build is 8-bit only, so our own
 * decoder takes these. DICOM uses 12-bit lossy JPEG for greyscale images only.
 */
function jpeg12(encoded: Uint8Array, pixel: PixelFormat): DecodedFrame {
  const image = decodeJpegDct(encoded);
  if (image.components.length !== 1) {
    throw new UnsupportedEncodingError(
      `12-bit JPEG with ${image.components.length} components is not supported (greyscale only)`,
    );
  }
  if (image.width !== pixel.columns || image.height !== pixel.rows) {
    throw new Error(
      `JPEG stream is ${image.width}x${image.height} but the header says ${pixel.columns}x${pixel.rows}`,
    );
  }
  const samples = image.components[0].samples;
  return {
    bytes: new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength),
    bitsAllocated: 16,
    samples: 1,
  };
}

async function wasm(
  pkg: string,
  cls: string,
  encoded: Uint8Array,
  pixel: PixelFormat,
  what: string,
): Promise<DecodedFrame> {
  const decoder = await wasmDecoder(pkg, cls);
  const { data, info } = runWasm(decoder, encoded);
  if (info.width !== pixel.columns || info.height !== pixel.rows) {
    throw new Error(
      `${what} stream is ${info.width}x${info.height} but the header says ${pixel.columns}x${pixel.rows}`,
    );
  }
  return { bytes: data, bitsAllocated: info.bitsPerSample <= 8 ? 8 : 16, samples: info.componentCount };
}

/** Decodes one encapsulated frame to little-endian samples. */
export async function decodeEncapsulated(encoded: Uint8Array, pixel: PixelFormat): Promise<DecodedFrame> {
  const syntax = pixel.transferSyntax;
  switch (syntax) {
    case TransferSyntax.Rle:
      return {
        bytes: decodeRle(encoded, pixel.rows, pixel.columns, pixel.samplesPerPixel, pixel.bitsAllocated),
        bitsAllocated: pixel.bitsAllocated,
        samples: pixel.samplesPerPixel,
      };
    case TransferSyntax.JpegLosslessProcess14:
    case TransferSyntax.JpegLosslessSV1:
      return jpegLossless(encoded, pixel);
    case TransferSyntax.JpegBaseline:
    case TransferSyntax.JpegExtended:
      if (jpegPrecision(encoded) === 12) return jpeg12(encoded, pixel);
      return wasm(
        '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs',
        'JPEGDecoder',
        encoded,
        pixel,
        'JPEG',
      );
    case TransferSyntax.JpegLsLossless:
    case TransferSyntax.JpegLsNearLossless:
      return wasm('@cornerstonejs/codec-charls/decodewasmjs', 'JpegLSDecoder', encoded, pixel, 'JPEG-LS');
    case TransferSyntax.Jpeg2000Lossless:
    case TransferSyntax.Jpeg2000:
      return wasm('@cornerstonejs/codec-openjpeg/decodewasmjs', 'J2KDecoder', encoded, pixel, 'JPEG 2000');
    default:
      throw new UnsupportedEncodingError(`${transferSyntaxName(syntax)} (${syntax}) is not supported`);
  }
}
