import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReadBuffer } from '../../../electron/dicom/read-buffer';
import { simdKernels } from '../../../electron/dicom/simd-kernels';

// The SIMD kernel ORs 64 bytes per step and leaves the tail to JavaScript; the reference here is
// the definition, one sample at a time.
let dir: string;
let file: string;
const FILE_BYTES = 1000;

/** Deterministic bytes (a linear congruential sequence), so a failure can be reproduced. */
function bytesOf(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const views = {
  1: (b: Buffer, offset: number, n: number) => new Uint8Array(b.buffer, b.byteOffset + offset, n),
  2: (b: Buffer, offset: number, n: number) => new Uint16Array(b.buffer, b.byteOffset + offset, n),
  4: (b: Buffer, offset: number, n: number) => new Uint32Array(b.buffer, b.byteOffset + offset, n),
} as const;

function orOneByOne(v: ArrayLike<number>, n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) acc |= v[i];
  return acc;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sij-readbuf-'));
  file = path.join(dir, 'bytes.bin');
  writeFileSync(file, bytesOf(FILE_BYTES, 7));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ReadBuffer', () => {
  it('reads the whole file, byte for byte', () => {
    const bytes = new ReadBuffer(FILE_BYTES).read(file);
    expect(Buffer.compare(bytes, Buffer.from(bytesOf(FILE_BYTES, 7)))).toBe(0);
  });

  it('grows for a larger file and still reads it whole', () => {
    const rb = new ReadBuffer(FILE_BYTES);
    rb.read(file);
    const big = path.join(dir, 'big.bin');
    writeFileSync(big, bytesOf(200_000, 3));
    expect(Buffer.compare(rb.read(big), Buffer.from(bytesOf(200_000, 3)))).toBe(0);
  });

  // Mostly-zero samples with one random-looking word every 37: a wrong lane fold or a skipped
  // chunk loses bits that a sample-by-sample OR keeps.
  it.each([1, 2, 4] as const)(
    'ORs %i-byte samples like a sample-by-sample loop, any offset and length',
    (size) => {
      const rb = new ReadBuffer(FILE_BYTES);
      const bytes = rb.read(file);
      for (let offset = 0; offset <= 12; offset += size) {
        for (const n of [0, 1, 15, 16, 17, 63, 64, 65, 130, Math.floor((FILE_BYTES - offset) / size)]) {
          bytes.fill(0);
          const v = views[size](bytes, offset, n);
          const random = bytesOf(4 * n, offset + n);
          // Assigning a 32-bit word keeps its low 8, 16 or 32 bits, as the view's type says.
          for (let i = 0; i < n; i += 37)
            v[i] =
              random[4 * i] |
              (random[4 * i + 1] << 8) |
              (random[4 * i + 2] << 16) |
              (random[4 * i + 3] << 24);
          expect(rb.orOfSamples(v, n), `offset ${offset}, ${n} samples`).toBe(orOneByOne(v, n) | 0);
        }
      }
    },
  );

  it('finds a single set bit wherever it sits (16-bit samples)', () => {
    const rb = new ReadBuffer(FILE_BYTES);
    const bytes = rb.read(file);
    const n = 300;
    const v = views[2](bytes, 2, n);
    for (let at = 0; at < n; at++) {
      bytes.fill(0);
      v[at] = 1 << (at % 16);
      expect(rb.orOfSamples(v, n)).toBe(1 << (at % 16));
    }
  });

  it('says nothing about samples outside its memory', () => {
    const rb = new ReadBuffer(FILE_BYTES);
    rb.read(file);
    expect(rb.orOfSamples(new Uint16Array(128), 128)).toBeUndefined();
    expect(rb.toFloat(new Uint16Array(128), 128, 12, false, 1, 0, new Float32Array(128), 0)).toBe(false);
  });

  it('has its SIMD kernels here (WebAssembly SIMD validated), so the tests above ran them', () => {
    expect(simdKernels(new WebAssembly.Memory({ initial: 0 }))).not.toBeNull();
  });

  // PS3.5 8.1.1: the stored value is the low Bits Stored bits, two's complement when signed;
  // PS3.3 C.11.1.1.2: output = stored * slope + intercept (here rounded once to Float32).
  const stored = (word: number, bits: number, signed: boolean): number => {
    const low = word & ((1 << bits) - 1);
    return signed && low >= 2 ** (bits - 1) ? low - 2 ** bits : low;
  };
  it.each([
    [12, false, 1, 0],
    [12, true, 1, 0],
    [16, true, 1, 0],
    [16, false, 1.23076923, -17.5],
    [12, true, 1.23076923, -17.5],
    [10, false, 1e-4, 1e6],
  ])(
    'converts %i-bit samples (signed %s) at slope %d, intercept %d like the definition',
    (bits, signed, slope, icpt) => {
      const rb = new ReadBuffer(FILE_BYTES);
      const bytes = rb.read(file);
      for (const [offset, n] of [
        [0, 8],
        [2, 7],
        [6, 130],
        [4, 497],
      ]) {
        const v = signed ? new Int16Array(bytes.buffer, offset, n) : new Uint16Array(bytes.buffer, offset, n);
        const expected = Array.from(v, (w) => Math.fround(stored(w & 0xffff, bits, signed) * slope + icpt));
        const out = new Float32Array(n + 3).fill(-7);
        expect(rb.toFloat(v, n, bits, signed, slope, icpt, out, 2)).toBe(true);
        expect(Array.from(out.subarray(2, 2 + n)), `offset ${offset}, ${n} samples`).toEqual(expected);
        expect([out[0], out[1], out[n + 2]]).toEqual([-7, -7, -7]);
      }
    },
  );

  it('refuses a frame larger than the room it keeps', () => {
    const rb = new ReadBuffer(100);
    const bytes = rb.read(file);
    expect(
      rb.toFloat(new Uint16Array(bytes.buffer, 0, 101), 101, 16, false, 2, 0, new Float32Array(101), 0),
    ).toBe(false);
  });
});
