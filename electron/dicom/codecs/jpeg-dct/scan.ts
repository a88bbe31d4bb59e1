import { BitReader } from './bit-reader';
import { decodeSymbol, receiveExtend, type HuffmanTable } from './huffman';
import { inverseDct } from './idct';
import type { Frame, FrameComponent, ScanHeader } from './segments';
import { ZIGZAG } from './zigzag';

export interface ScanTables {
  quant: Int32Array[];
  dc: HuffmanTable[];
  ac: HuffmanTable[];
  restartInterval: number;
}

interface ScanComponent {
  component: FrameComponent;
  dc: HuffmanTable;
  ac: HuffmanTable;
  quant: Int32Array;
  predictor: number;
}

/**
 * Decodes one 8x8 block (T.81 F.2.2) into dequantised coefficients in natural order; returns
 * whether any AC coefficient is non-zero.
 */
function decodeBlock(reader: BitReader, c: ScanComponent, coefficients: Float64Array): boolean {
  coefficients.fill(0);
  const category = decodeSymbol(reader, c.dc);
  c.predictor += receiveExtend(reader, category);
  coefficients[0] = c.predictor * c.quant[0];
  let ac = false;
  for (let k = 1; k < 64;) {
    const rs = decodeSymbol(reader, c.ac);
    const run = rs >> 4;
    const size = rs & 15;
    if (size === 0) {
      if (run !== 15) break; // end of block
      k += 16; // ZRL: sixteen zeros
      continue;
    }
    k += run;
    if (k > 63) throw new Error('JPEG block has more than 64 coefficients');
    const at = ZIGZAG[k];
    coefficients[at] = receiveExtend(reader, size) * c.quant[at];
    ac = true;
    k++;
  }
  return ac;
}

/** A block with only its DC term is flat at DC/8 (T.81 A.3.3 with u = v = 0), level-shifted. */
function fillFlat(dc: number, out: Uint16Array, offset: number, stride: number, precision: number): void {
  const max = (1 << precision) - 1;
  const value = Math.min(max, Math.max(0, Math.round(dc / 8) + (1 << (precision - 1))));
  for (let y = 0; y < 8; y++) out.fill(value, offset + y * stride, offset + y * stride + 8);
}

function scanComponents(header: ScanHeader, tables: ScanTables): ScanComponent[] {
  return header.components.map(({ component, dcTable, acTable }) => {
    const dc = tables.dc[dcTable];
    const ac = tables.ac[acTable];
    const quant = tables.quant[component.quantTable];
    if (!dc || !ac)
      throw new Error(`JPEG scan uses Huffman tables DC ${dcTable} / AC ${acTable} that were not defined`);
    if (!quant)
      throw new Error(
        `JPEG component ${component.id} uses undefined quantisation table ${component.quantTable}`,
      );
    return { component, dc, ac, quant, predictor: 0 };
  });
}

/**
 * Decodes a sequential Huffman scan starting at `start` (first byte after the SOS segment) and
 * returns where its entropy-coded data stops. A scan of one component codes its blocks row by
 * row over the component's own size; an interleaved scan codes MCUs of h x v blocks per
 * component (T.81 A.2).
 */
export function decodeScan(
  data: Uint8Array,
  start: number,
  frame: Frame,
  header: ScanHeader,
  tables: ScanTables,
): number {
  const components = scanComponents(header, tables);
  const reader = new BitReader(data, start);
  const coefficients = new Float64Array(64);
  const single = components.length === 1;
  const only = components[0].component;
  const across = single ? Math.ceil(only.width / 8) : frame.mcusAcross;
  const down = single ? Math.ceil(only.height / 8) : frame.mcusDown;
  const interval = tables.restartInterval;
  for (let mcu = 0; mcu < across * down; mcu++) {
    if (interval > 0 && mcu > 0 && mcu % interval === 0) {
      reader.restart();
      for (const c of components) c.predictor = 0;
    }
    const mcuRow = Math.floor(mcu / across);
    const mcuCol = mcu % across;
    for (const c of components) {
      const { h, v, samples, stride } = c.component;
      const blocksH = single ? 1 : h;
      const blocksV = single ? 1 : v;
      for (let by = 0; by < blocksV; by++) {
        for (let bx = 0; bx < blocksH; bx++) {
          const ac = decodeBlock(reader, c, coefficients);
          const at = ((mcuRow * blocksV + by) * stride + mcuCol * blocksH + bx) * 8;
          // Flat blocks (background, smooth tissue) are common in MR and need no transform.
          if (ac) inverseDct(coefficients, samples, at, stride, frame.precision);
          else fillFlat(coefficients[0], samples, at, stride, frame.precision);
        }
      }
    }
  }
  return reader.position;
}
