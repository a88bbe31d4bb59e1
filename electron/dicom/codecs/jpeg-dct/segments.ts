import { buildHuffmanTable, type HuffmanTable } from './huffman';
import { ZIGZAG } from './zigzag';

/** One image component as the frame header (SOF) declares it. */
export interface FrameComponent {
  id: number;
  /** Horizontal and vertical sampling factors (1..4). */
  h: number;
  v: number;
  quantTable: number;
  /** Samples across and down, after the sampling factors (T.81 A.1.1). */
  width: number;
  height: number;
  /** Decoded samples; rows are `stride` long and padded to whole MCUs. */
  samples: Uint16Array;
  stride: number;
}

export interface Frame {
  precision: number;
  width: number;
  height: number;
  components: FrameComponent[];
  hMax: number;
  vMax: number;
  /** MCUs across and down for interleaved scans. */
  mcusAcross: number;
  mcusDown: number;
}

export interface ScanHeader {
  components: { component: FrameComponent; dcTable: number; acTable: number }[];
}

export function u16(data: Uint8Array, at: number): number {
  return (data[at] << 8) | data[at + 1];
}

/** DQT (T.81 B.2.4.1): 8- or 16-bit tables, stored here dequantisation-ready in natural order. */
export function readQuantTables(data: Uint8Array, start: number, end: number, into: Int32Array[]): void {
  let p = start;
  while (p < end) {
    const precision = data[p] >> 4;
    const id = data[p] & 15;
    if (id > 3 || precision > 1)
      throw new Error(`JPEG quantisation table ${id} has precision code ${precision}`);
    const table = new Int32Array(64);
    p++;
    for (let k = 0; k < 64; k++, p += precision + 1) {
      table[ZIGZAG[k]] = precision === 1 ? u16(data, p) : data[p];
    }
    if (p > end) throw new Error('JPEG quantisation table runs past its segment');
    into[id] = table;
  }
}

/** DHT (T.81 B.2.4.2): class 0 = DC, 1 = AC; tables 0..3 of each. */
export function readHuffmanTables(
  data: Uint8Array,
  start: number,
  end: number,
  dc: HuffmanTable[],
  ac: HuffmanTable[],
): void {
  let p = start;
  while (p < end) {
    const cls = data[p] >> 4;
    const id = data[p] & 15;
    if (cls > 1 || id > 3) throw new Error(`JPEG Huffman table class ${cls} id ${id} is invalid`);
    const counts = data.subarray(p + 1, p + 17);
    const total = counts.reduce((s, n) => s + n, 0);
    const values = data.subarray(p + 17, p + 17 + total);
    p += 17 + total;
    if (p > end) throw new Error('JPEG Huffman table runs past its segment');
    (cls === 0 ? dc : ac)[id] = buildHuffmanTable(counts, values);
  }
}

/** SOF (T.81 B.2.2) for the sequential DCT processes. */
export function readFrameHeader(data: Uint8Array, start: number): Frame {
  const precision = data[start];
  const height = u16(data, start + 1);
  const width = u16(data, start + 3);
  const count = data[start + 5];
  if (height === 0) throw new Error('JPEG frame without a height (DNL marker) is not supported');
  if (width === 0 || count === 0)
    throw new Error(`JPEG frame is ${width}x${height} with ${count} components`);
  const declared = [];
  for (let i = 0; i < count; i++) {
    const p = start + 6 + 3 * i;
    const h = data[p + 1] >> 4;
    const v = data[p + 1] & 15;
    if (h < 1 || h > 4 || v < 1 || v > 4) throw new Error(`JPEG component sampling ${h}x${v} is invalid`);
    declared.push({ id: data[p], h, v, quantTable: data[p + 2] & 3 });
  }
  const hMax = Math.max(...declared.map((c) => c.h));
  const vMax = Math.max(...declared.map((c) => c.v));
  const mcusAcross = Math.ceil(width / (8 * hMax));
  const mcusDown = Math.ceil(height / (8 * vMax));
  const components = declared.map((c) => {
    const stride = mcusAcross * c.h * 8;
    return {
      ...c,
      width: Math.ceil((width * c.h) / hMax),
      height: Math.ceil((height * c.v) / vMax),
      stride,
      samples: new Uint16Array(stride * mcusDown * c.v * 8),
    };
  });
  return { precision, width, height, components, hMax, vMax, mcusAcross, mcusDown };
}

/** SOS (T.81 B.2.3). Spectral selection and approximation are meaningless in sequential mode. */
export function readScanHeader(data: Uint8Array, start: number, frame: Frame): ScanHeader {
  const count = data[start];
  const components = [];
  for (let i = 0; i < count; i++) {
    const id = data[start + 1 + 2 * i];
    const tables = data[start + 2 + 2 * i];
    const component = frame.components.find((c) => c.id === id);
    if (!component) throw new Error(`JPEG scan refers to component ${id}, which the frame does not declare`);
    components.push({ component, dcTable: tables >> 4, acTable: tables & 15 });
  }
  return { components };
}
