import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { SampleArray } from './pixels';

/**
 * The bytes of one file at a time, held in WebAssembly memory so that the bits-above-Bits-Stored
 * check can OR a frame's samples with 128-bit SIMD. In plain JavaScript that check cost more
 * than converting the frame to Float32 (on the 2-CPU dev machine, 2.8 ns per 32-bit word against
 * 0.26 ns in WebAssembly); it was a third of the time to load a 512x512 exam.
 */

const PAGE = 64 * 1024;

/**
 * orWords(start, end): the OR of the 32-bit little-endian words at start, start + 4, ... below
 * `end`, for (end - start) a multiple of 64, written out opcode by opcode (WebAssembly core spec
 * 5.4; SIMD proposal opcodes after the 0xfd prefix):
 *
 *   (func (param $at i32) (param $end i32) (result i32) (local $acc v128)
 *     (block (loop
 *       (br_if 1 (i32.ge_u (local.get $at) (local.get $end)))
 *       (local.set $acc (v128.or (local.get $acc)
 *         (v128.or (v128.or (v128.load offset=0 $at) (v128.load offset=16 $at))
 *                  (v128.or (v128.load offset=32 $at) (v128.load offset=48 $at)))))
 *       (local.set $at (i32.add (local.get $at) (i32.const 64)))
 *       (br 0)))
 *     (i32.or (i32.or (i32x4.extract_lane 0 $acc) (i32x4.extract_lane 1 $acc))
 *             (i32.or (i32x4.extract_lane 2 $acc) (i32x4.extract_lane 3 $acc))))
 */
function orWordsModuleBytes(): Uint8Array<ArrayBuffer> {
  const uleb = (n: number): number[] => {
    const out: number[] = [];
    do {
      let byte = n & 0x7f;
      n >>>= 7;
      if (n) byte |= 0x80;
      out.push(byte);
    } while (n);
    return out;
  };
  const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
  const name = (s: string): number[] => [...uleb(s.length), ...Buffer.from(s, 'latin1')];
  const section = (id: number, bytes: number[]): number[] => [id, ...uleb(bytes.length), ...bytes];
  const [AT, END, ACC] = [0, 1, 2];
  const get = (local: number): number[] => [0x20, local];
  const set = (local: number): number[] => [0x21, local];
  const load = (offset: number): number[] => [...get(AT), 0xfd, 0x00, 0x00, ...uleb(offset)];
  const vOr = [0xfd, 0x50];
  const lane = (i: number): number[] => [...get(ACC), 0xfd, 0x1b, i];
  const I32_OR = 0x72;
  const body = [
    ...[0x02, 0x40, 0x03, 0x40], // block, loop
    ...get(AT),
    ...get(END),
    0x4f, // i32.ge_u
    ...[0x0d, 1], // br_if 1: leave the block
    ...get(ACC),
    ...[...load(0), ...load(16), ...vOr, ...load(32), ...load(48), ...vOr, ...vOr, ...vOr],
    ...set(ACC),
    ...get(AT),
    ...[0x41, 0xc0, 0x00], // i32.const 64 (signed LEB128)
    0x6a, // i32.add
    ...set(AT),
    ...[0x0c, 0, 0x0b, 0x0b], // br 0, end loop, end block
    ...[...lane(0), ...lane(1), I32_OR, ...lane(2), ...lane(3), I32_OR, I32_OR],
    0x0b,
  ];
  const code = [...vec([[1, 0x7b]]), ...body]; // one v128 local
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([[0x60, 2, 0x7f, 0x7f, 1, 0x7f]])), // type (i32, i32) -> i32
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, 0x00]])), // memory, min 0
    ...section(3, vec([[0]])),
    ...section(7, vec([[...name('orWords'), 0x00, 0]])),
    ...section(10, vec([[...uleb(code.length), ...code]])),
  ]);
}

let orWordsModule: WebAssembly.Module | null | undefined;

/** Compiled once per thread; null where WebAssembly SIMD is unavailable (then the check runs in JS). */
function compiledOrWords(): WebAssembly.Module | null {
  if (orWordsModule === undefined) {
    const bytes = orWordsModuleBytes();
    orWordsModule = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  }
  return orWordsModule;
}

/**
 * One per stack load (two loads may interleave at their awaits). Each `read` replaces the bytes
 * of the previous file, and may move them: views from an earlier read must not be used after.
 */
export class ReadBuffer {
  private readonly memory = new WebAssembly.Memory({ initial: 0 });
  private readonly orWords: ((start: number, end: number) => number) | null;
  private bytes = Buffer.alloc(0);

  constructor() {
    const module = compiledOrWords();
    this.orWords = module
      ? (new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports.orWords as (
          start: number,
          end: number,
        ) => number)
      : null;
  }

  /** The whole file (one read per file, no other copy). */
  read(path: string): Buffer {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      if (this.bytes.length < size) {
        this.memory.grow(Math.ceil((size - this.memory.buffer.byteLength) / PAGE));
        this.bytes = Buffer.from(this.memory.buffer);
      }
      let filled = 0;
      while (filled < size) {
        const n = readSync(fd, this.bytes, filled, size - filled, filled);
        if (n === 0) break;
        filled += n;
      }
      return this.bytes.subarray(0, filled);
    } finally {
      closeSync(fd);
    }
  }

  /**
   * OR of the bit patterns of the first `n` samples of `v` (1, 2 or 4 bytes each), or
   * undefined when `v` does not lie in this buffer's memory (decoded or copied frames).
   */
  orOfSamples(v: SampleArray, n: number): number | undefined {
    if (!this.orWords || v.buffer !== this.memory.buffer) return undefined;
    const size = v.BYTES_PER_ELEMENT;
    const start = v.byteOffset;
    // Word lanes start at `start`, so each lane holds whole samples of 1, 2 or 4 bytes.
    const simdBytes = (n * size) & ~63;
    let acc = this.orWords(start, start + simdBytes);
    if (size === 2) acc = (acc | (acc >>> 16)) & 0xffff;
    else if (size === 1) acc = (acc | (acc >>> 8) | (acc >>> 16) | (acc >>> 24)) & 0xff;
    const sampleMask = size === 4 ? 0xffffffff : (1 << (8 * size)) - 1;
    for (let i = simdBytes / size; i < n; i++) acc |= v[i] & sampleMask;
    return acc;
  }
}
