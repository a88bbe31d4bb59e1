import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { SampleArray } from './pixels';
import { simdKernels, type SimdKernels } from './simd-kernels';

const PAGE = 64 * 1024;

/**
 * The bytes of one file at a time, held in WebAssembly memory so that SIMD kernels can check a
 * frame's samples for bits above Bits Stored and convert them to Float32 where they lie (one
 * read per file, no copy in). Behind the file's bytes, room for one converted frame is kept
 * from the start, so converting never grows the memory under the file's views.
 * One per stack load (two loads may interleave at their awaits). Each `read` replaces the
 * bytes of the previous file, and may move them: views from an earlier read must not be used.
 */
export class ReadBuffer {
  private readonly memory = new WebAssembly.Memory({ initial: 0 });
  private readonly kernels: SimdKernels | null = simdKernels(this.memory);
  private bytes = Buffer.alloc(0);
  /** where converted floats go: the first 16-byte boundary after the file's bytes */
  private floatsAt = 0;

  /** `frameSamples`: the most samples of one frame that `toFloat` will be asked to convert */
  constructor(private readonly frameSamples: number) {}

  /** The whole file. */
  read(path: string): Buffer {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      this.floatsAt = (size + 15) & ~15;
      const needed = this.floatsAt + 4 * this.frameSamples;
      if (this.memory.buffer.byteLength < needed) {
        this.memory.grow(Math.ceil((needed - this.memory.buffer.byteLength) / PAGE));
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

  private holds(v: SampleArray): boolean {
    return this.kernels !== null && v.buffer === this.memory.buffer;
  }

  /**
   * OR of the bit patterns of the first `n` samples of `v` (1, 2 or 4 bytes each), or
   * undefined when `v` does not lie in this buffer (decoded or copied frames).
   */
  orOfSamples(v: SampleArray, n: number): number | undefined {
    if (!this.holds(v)) return undefined;
    const size = v.BYTES_PER_ELEMENT;
    const start = v.byteOffset;
    // Word lanes start at `start`, so each lane holds whole samples of 1, 2 or 4 bytes.
    const simdBytes = (n * size) & ~63;
    let acc = this.kernels!.orWords(start, start + simdBytes);
    if (size === 2) acc = (acc | (acc >>> 16)) & 0xffff;
    else if (size === 1) acc = (acc | (acc >>> 8) | (acc >>> 16) | (acc >>> 24)) & 0xff;
    const sampleMask = size === 4 ? 0xffffffff : (1 << (8 * size)) - 1;
    for (let i = simdBytes / size; i < n; i++) acc |= v[i] & sampleMask;
    return acc;
  }

  /**
   * Writes the first `n` 16-bit samples of `v` to `out` at `offset` as
   * Float32(stored * slope + intercept), where stored keeps the low `bitsStored` bits
   * (sign-extended from the highest when `signed`). False, with nothing written, when `v` is
   * not 16-bit samples in this buffer or the frame is larger than the room kept for it.
   */
  toFloat(
    v: SampleArray,
    n: number,
    bitsStored: number,
    signed: boolean,
    slope: number,
    intercept: number,
    out: Float32Array,
    offset: number,
  ): boolean {
    if (!this.holds(v) || v.BYTES_PER_ELEMENT !== 2 || n > this.frameSamples) return false;
    const simdSamples = n & ~7;
    const shift = 16 - bitsStored;
    const convert = signed ? this.kernels!.signed16ToFloat : this.kernels!.unsigned16ToFloat;
    convert(v.byteOffset, v.byteOffset + 2 * simdSamples, this.floatsAt, shift, slope, intercept);
    out.set(new Float32Array(this.memory.buffer, this.floatsAt, simdSamples), offset);
    const keep = 32 - bitsStored;
    for (let i = simdSamples; i < n; i++) {
      const stored = signed ? (v[i] << keep) >> keep : (v[i] << keep) >>> keep;
      out[offset + i] = stored * slope + intercept;
    }
    return true;
  }
}
