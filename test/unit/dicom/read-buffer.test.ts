import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReadBuffer } from '../../../electron/dicom/read-buffer';

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
    const bytes = new ReadBuffer().read(file);
    expect(Buffer.compare(bytes, Buffer.from(bytesOf(FILE_BYTES, 7)))).toBe(0);
  });

  it('grows for a larger file and still reads it whole', () => {
    const rb = new ReadBuffer();
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
      const rb = new ReadBuffer();
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
    const rb = new ReadBuffer();
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
    const rb = new ReadBuffer();
    rb.read(file);
    expect(rb.orOfSamples(new Uint16Array(128), 128)).toBeUndefined();
  });
});
