import type { BitReader } from './bit-reader';

/** Codes up to this many bits are resolved by one table look-up; longer ones bit by bit. */
const FAST_BITS = 9;

/** A decoding table built from a DHT segment's BITS and HUFFVAL lists (ITU T.81 C.2, F.2.2.3). */
export interface HuffmanTable {
  /** (code length << 8) | value for every FAST_BITS-bit prefix that starts a short code; 0 otherwise. */
  fast: Uint16Array;
  /** Largest code of each length 1..16, -1 where there is none. */
  maxCode: Int32Array;
  /** Smallest code of each length. */
  minCode: Int32Array;
  /** Index into `values` of the first value whose code has each length. */
  firstValue: Int32Array;
  values: Uint8Array;
}

/**
 * Builds the canonical code (T.81 Annex C): codes of one length are consecutive, and moving to
 * the next length doubles the code. `counts[l - 1]` codes have length l.
 */
export function buildHuffmanTable(counts: Uint8Array, values: Uint8Array): HuffmanTable {
  const maxCode = new Int32Array(17).fill(-1);
  const minCode = new Int32Array(17);
  const firstValue = new Int32Array(17);
  const fast = new Uint16Array(1 << FAST_BITS);
  let code = 0;
  let k = 0;
  for (let length = 1; length <= 16; length++) {
    const n = counts[length - 1];
    if (n > 0) {
      firstValue[length] = k;
      minCode[length] = code;
      for (let i = 0; i < n; i++, k++, code++) {
        if (code >= 1 << length) throw new Error('JPEG Huffman table has more codes than its lengths allow');
        if (length <= FAST_BITS) {
          const shift = FAST_BITS - length;
          fast.fill((length << 8) | values[k], code << shift, (code + 1) << shift);
        }
      }
      maxCode[length] = code - 1;
    }
    code <<= 1;
  }
  if (k > values.length) throw new Error('JPEG Huffman table lists fewer values than codes');
  return { fast, maxCode, minCode, firstValue, values };
}

/** Reads one Huffman-coded symbol. */
export function decodeSymbol(reader: BitReader, table: HuffmanTable): number {
  const entry = table.fast[reader.peek(FAST_BITS)];
  if (entry !== 0) {
    reader.skip(entry >> 8);
    return entry & 0xff;
  }
  for (let length = FAST_BITS + 1; length <= 16; length++) {
    const code = reader.peek(length);
    if (code <= table.maxCode[length]) {
      reader.skip(length);
      return table.values[table.firstValue[length] + code - table.minCode[length]];
    }
  }
  throw new Error('JPEG entropy-coded data holds a code its Huffman table does not define');
}

/**
 * Reads an `s`-bit magnitude and maps it to a signed value (T.81 F.2.2.1, EXTEND): codes below
 * 2^(s-1) stand for the negative half of the category.
 */
export function receiveExtend(reader: BitReader, s: number): number {
  if (s === 0) return 0;
  const v = reader.read(s);
  return v < 1 << (s - 1) ? v - (1 << s) + 1 : v;
}
