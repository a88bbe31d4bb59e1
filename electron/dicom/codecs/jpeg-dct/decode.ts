import type { HuffmanTable } from './huffman';
import { decodeScan, type ScanTables } from './scan';
import {
  readFrameHeader,
  readHuffmanTables,
  readQuantTables,
  readScanHeader,
  u16,
  type Frame,
} from './segments';

/** A decoded image: one plane of samples per component, each `width` x `height`, row-major. */
export interface JpegImage {
  width: number;
  height: number;
  precision: number;
  components: { id: number; width: number; height: number; samples: Uint16Array }[];
}

const SOF_NAMES: Record<number, string> = {
  0xc2: 'progressive DCT',
  0xc3: 'lossless',
  0xc5: 'differential sequential DCT',
  0xc6: 'differential progressive DCT',
  0xc7: 'differential lossless',
  0xc9: 'arithmetic-coded sequential DCT',
  0xca: 'arithmetic-coded progressive DCT',
  0xcb: 'arithmetic-coded lossless',
  0xcd: 'arithmetic-coded differential sequential DCT',
  0xce: 'arithmetic-coded differential progressive DCT',
  0xcf: 'arithmetic-coded differential lossless',
};

/** Position of the next marker's 0xFF at or after `p`, skipping fill bytes and stray data. */
function nextMarker(data: Uint8Array, p: number): number {
  while (p + 1 < data.length) {
    if (data[p] === 0xff && data[p + 1] !== 0x00 && data[p + 1] !== 0xff) return p;
    p++;
  }
  return data.length;
}

/**
 * The sample precision of a JPEG stream's frame header (8 or 12 for DCT processes), read
 * without decoding; undefined when the stream has no frame header.
 */
export function jpegPrecision(data: Uint8Array): number | undefined {
  let p = 2;
  while ((p = nextMarker(data, p)) + 3 < data.length) {
    const marker = data[p + 1];
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return data[p + 4];
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7)) p += 2;
    else if (marker === 0xd9 || marker === 0xda) return undefined;
    else p += 2 + u16(data, p + 2);
  }
  return undefined;
}

function crop(frame: Frame): JpegImage['components'] {
  return frame.components.map((c) => {
    if (c.width === c.stride && c.samples.length === c.width * c.height) {
      return { id: c.id, width: c.width, height: c.height, samples: c.samples };
    }
    const samples = new Uint16Array(c.width * c.height);
    for (let y = 0; y < c.height; y++)
      samples.set(c.samples.subarray(y * c.stride, y * c.stride + c.width), y * c.width);
    return { id: c.id, width: c.width, height: c.height, samples };
  });
}

/**
 * Decodes a JPEG interchange stream coded with the sequential DCT, Huffman processes (T.81
 * baseline SOF0 and extended SOF1; 8- or 12-bit samples; any number of scans, interleaved or
 * not; restart intervals). Other processes throw an error that names them.
 */
export function decodeJpegDct(data: Uint8Array): JpegImage {
  if (data[0] !== 0xff || data[1] !== 0xd8) throw new Error('JPEG stream does not start with SOI');
  const tables: ScanTables = {
    quant: [],
    dc: [] as HuffmanTable[],
    ac: [] as HuffmanTable[],
    restartInterval: 0,
  };
  let frame: Frame | undefined;
  const coded = new Set<number>();
  let p = 2;
  for (;;) {
    p = nextMarker(data, p);
    if (p + 1 >= data.length) break; // no EOI: accepted when every component was coded
    const marker = data[p + 1];
    if (marker === 0xd9) break;
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7)) {
      p += 2;
      continue;
    }
    if (p + 4 > data.length) throw new Error('JPEG stream ends inside a marker segment');
    const length = u16(data, p + 2);
    const body = p + 4;
    const end = p + 2 + length;
    if (length < 2 || end > data.length)
      throw new Error(`JPEG marker 0xFF${marker.toString(16).toUpperCase()} has a bad length`);
    if (marker === 0xc0 || marker === 0xc1) {
      if (frame) throw new Error('JPEG stream has more than one frame header');
      frame = readFrameHeader(data, body);
      const allowed = marker === 0xc0 ? [8] : [8, 12];
      if (!allowed.includes(frame.precision)) {
        throw new Error(
          `JPEG ${marker === 0xc0 ? 'baseline' : 'extended'} frame with ${frame.precision}-bit samples is invalid`,
        );
      }
    } else if (SOF_NAMES[marker]) {
      throw new Error(`JPEG ${SOF_NAMES[marker]} process is not supported by the sequential DCT decoder`);
    } else if (marker === 0xdb) readQuantTables(data, body, end, tables.quant);
    else if (marker === 0xc4) readHuffmanTables(data, body, end, tables.dc, tables.ac);
    else if (marker === 0xdd) tables.restartInterval = u16(data, body);
    else if (marker === 0xda) {
      if (!frame) throw new Error('JPEG scan before the frame header');
      const header = readScanHeader(data, body, frame);
      p = decodeScan(data, end, frame, header, tables);
      for (const c of header.components) coded.add(c.component.id);
      continue;
    }
    p = end;
  }
  if (!frame) throw new Error('JPEG stream has no frame header');
  const missing = frame.components.filter((c) => !coded.has(c.id));
  if (missing.length > 0) throw new Error(`JPEG stream ends before component ${missing[0].id} was coded`);
  return { width: frame.width, height: frame.height, precision: frame.precision, components: crop(frame) };
}
