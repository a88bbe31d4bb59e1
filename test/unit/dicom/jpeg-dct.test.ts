import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BitReader } from '../../../electron/dicom/codecs/jpeg-dct/bit-reader';
import {
  buildHuffmanTable,
  decodeSymbol,
  receiveExtend,
} from '../../../electron/dicom/codecs/jpeg-dct/huffman';
import { inverseDct } from '../../../electron/dicom/codecs/jpeg-dct/idct';
import { ZIGZAG } from '../../../electron/dicom/codecs/jpeg-dct/zigzag';

/**
 * Packs a string of '0'/'1' into entropy-coded bytes as JPEG encoders do: the last byte padded
 * with 1-bits, a 0x00 stuffed after every 0xFF (T.81 F.1.2.3).
 */
function bitsToBytes(bits: string): Uint8Array {
  const padded = bits.padEnd(Math.ceil(bits.length / 8) * 8, '1');
  const out: number[] = [];
  for (let i = 0; i < padded.length; i += 8) {
    const byte = parseInt(padded.slice(i, i + 8), 2);
    out.push(byte);
    if (byte === 0xff) out.push(0x00);
  }
  return Uint8Array.from(out);
}

describe('zig-zag order', () => {
  it('is the sequence of ITU T.81 Figure A.6', () => {
    // Figure A.6 gives each natural position its zig-zag index, row by row.
    const figureA6 = [
      [0, 1, 5, 6, 14, 15, 27, 28],
      [2, 4, 7, 13, 16, 26, 29, 42],
      [3, 8, 12, 17, 25, 30, 41, 43],
      [9, 11, 18, 24, 31, 40, 44, 53],
      [10, 19, 23, 32, 39, 45, 52, 54],
      [20, 22, 33, 38, 46, 51, 55, 60],
      [21, 34, 37, 47, 50, 56, 59, 61],
      [35, 36, 48, 49, 57, 58, 62, 63],
    ].flat();
    for (let k = 0; k < 64; k++) expect(figureA6[ZIGZAG[k]]).toBe(k);
  });
});

describe('Huffman decoding', () => {
  // T.81 Table K.3, luminance DC differences: BITS from K.3's code lengths, categories 0..11.
  const k3Counts = Uint8Array.from([0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
  const k3Codes = [
    '00',
    '010',
    '011',
    '100',
    '101',
    '110',
    '1110',
    '11110',
    '111110',
    '1111110',
    '11111110',
    '111111110',
  ];
  const k3 = buildHuffmanTable(
    k3Counts,
    Uint8Array.from({ length: 12 }, (_, i) => i),
  );

  it('builds the canonical codes of Table K.3 and reads them back', () => {
    const order = [11, 0, 5, 10, 3, 9, 1, 8, 2, 7, 4, 6];
    const reader = new BitReader(bitsToBytes(order.map((c) => k3Codes[c]).join('')), 0);
    expect(order.map(() => decodeSymbol(reader, k3))).toEqual(order);
  });

  it('reads codes longer than the look-up table bit by bit', () => {
    // One 1-bit code "0" (value 0x11) and one 12-bit code: after "0" the next code is "1",
    // doubled for each longer length: 1 << 11 = 100000000000 (value 0x22).
    const counts = new Uint8Array(16);
    counts[0] = 1;
    counts[11] = 1;
    const table = buildHuffmanTable(counts, Uint8Array.from([0x11, 0x22]));
    const reader = new BitReader(bitsToBytes('0' + '100000000000' + '0'), 0);
    expect([decodeSymbol(reader, table), decodeSymbol(reader, table), decodeSymbol(reader, table)]).toEqual([
      0x11, 0x22, 0x11,
    ]);
  });

  it('rejects a code the table does not define', () => {
    const counts = new Uint8Array(16);
    counts[0] = 1;
    const table = buildHuffmanTable(counts, Uint8Array.from([7]));
    expect(() => decodeSymbol(new BitReader(bitsToBytes('1111111111111111'), 0), table)).toThrow(
      /does not define/,
    );
  });

  it('rejects BITS lists that overflow their code space', () => {
    const counts = new Uint8Array(16);
    counts[0] = 3; // only two 1-bit codes exist
    expect(() => buildHuffmanTable(counts, Uint8Array.from([1, 2, 3]))).toThrow(/more codes/);
  });

  it('extends magnitudes to signed values as T.81 Table F.1 lists for category 3', () => {
    // Category 3 holds -7..-4 and 4..7; codes 000..011 are the negative half.
    const reader = new BitReader(bitsToBytes('000' + '011' + '100' + '111'), 0);
    expect([0, 1, 2, 3].map(() => receiveExtend(reader, 3))).toEqual([-7, -4, 4, 7]);
    expect(receiveExtend(reader, 0)).toBe(0);
  });
});

describe('entropy-coded bit reader', () => {
  it('drops the 0x00 stuffed after a 0xFF data byte', () => {
    const reader = new BitReader(Uint8Array.from([0xff, 0x00, 0xa5]), 0);
    expect(reader.read(8)).toBe(0xff);
    expect(reader.read(8)).toBe(0xa5);
  });

  it('stops at a marker and reports data that ends early', () => {
    const reader = new BitReader(Uint8Array.from([0xf0, 0xff, 0xd9]), 0);
    expect(reader.read(4)).toBe(0xf);
    expect(reader.peek(8)).toBe(0); // the zero padding past the marker may be looked at...
    expect(() => reader.skip(8)).toThrow(/ends early/); // ...but not consumed
    expect(reader.position).toBe(1);
  });

  it('steps over a restart marker and the fill bytes before it', () => {
    const reader = new BitReader(Uint8Array.from([0x80, 0xff, 0xff, 0xd3, 0x5a]), 0);
    expect(reader.read(1)).toBe(1);
    reader.restart();
    expect(reader.read(8)).toBe(0x5a);
    expect(() => new BitReader(Uint8Array.from([0x12, 0x34]), 1).restart()).toThrow(
      /restart marker expected/,
    );
  });
});

describe('inverse DCT', () => {
  it('equals the orthonormal 2-D DCT-III of scipy (T.81 A.3.3 scaling) within rounding', () => {
    const blocks = Array.from({ length: 20 }, (_, b) =>
      Array.from({ length: 64 }, (_, i) =>
        b === 0 ? (i === 0 ? 800 : 0) : Math.round(Math.sin(b * 64 + i * 7.3) * (i < 10 ? 900 : 60)),
      ),
    );
    const script = `
import json, sys
import numpy as np
from scipy.fft import idctn
blocks = np.array(json.loads(sys.stdin.read()), dtype=float).reshape(-1, 8, 8)
print(json.dumps([idctn(b, norm='ortho').ravel().tolist() for b in blocks]))`;
    const expected = JSON.parse(
      execFileSync('/usr/bin/python3', ['-c', script], { input: JSON.stringify(blocks), encoding: 'utf8' }),
    ) as number[][];
    const out = new Uint16Array(64);
    blocks.forEach((block, b) => {
      inverseDct(Float64Array.from(block), out, 0, 8, 12);
      for (let i = 0; i < 64; i++) {
        const reference = Math.min(4095, Math.max(0, Math.round(expected[b][i]) + 2048));
        expect(out[i], `block ${b} sample ${i}`).toBe(reference);
      }
    });
    // The DC-only block is flat at DC/8 + 2^(P-1): 800/8 + 2048.
    inverseDct(Float64Array.from(blocks[0]), out, 0, 8, 12);
    expect(new Set(out)).toEqual(new Set([2148]));
  });

  it('clamps to the sample range of the precision', () => {
    const out = new Uint16Array(64);
    const block = new Float64Array(64);
    block[0] = -9000;
    inverseDct(block, out, 0, 8, 8);
    expect(Math.max(...out)).toBe(0);
    block[0] = 9000;
    inverseDct(block, out, 0, 8, 8);
    expect(Math.min(...out)).toBe(255);
  });
});
