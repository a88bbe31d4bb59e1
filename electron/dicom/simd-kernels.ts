/**
 * WebAssembly SIMD kernels over a frame's samples in a ReadBuffer's memory, assembled here
 * opcode by opcode (WebAssembly core spec 5.4 binary format; SIMD opcodes follow the 0xfd
 * prefix as LEB128). Plain JavaScript loops over typed arrays ran much slower on the 2-CPU dev
 * machine: the OR 18x (1.86 against 0.10 ns per 16-bit sample), the rescale 4x (10.6 against
 * 2.6 ns, the copy out of WebAssembly memory included), and they were most of an exam's load.
 */

/**
 * For the 16-bit samples at src, src + 2, ... below end ((end - src) % 16 === 0): keeps the low
 * 16 - shift bits (unsigned16) or sign-extends from bit 15 - shift (signed16), then writes
 * Float32(value * slope + intercept), the product and sum in double precision as in
 * JavaScript, to dst, dst + 4, ...
 */
type SixteenToFloat = (
  src: number,
  end: number,
  dst: number,
  shift: number,
  slope: number,
  intercept: number,
) => void;

export interface SimdKernels {
  /** OR of the 32-bit little-endian words at start, start + 4, ... below end; (end - start) % 64 === 0 */
  orWords(start: number, end: number): number;
  unsigned16ToFloat: SixteenToFloat;
  signed16ToFloat: SixteenToFloat;
}

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

const I32 = 0x7f;
const F64 = 0x7c;
const V128 = 0x7b;
const get = (local: number): number[] => [0x20, local];
const set = (local: number): number[] => [0x21, local];
const simd = (op: number): number[] => [0xfd, ...uleb(op)];
/** v128.load / v128.store with alignment hint 1 byte (unaligned frames are allowed) and an offset */
const load = (offset: number): number[] => [...simd(0x00), 0, ...uleb(offset)];
const store = (offset: number): number[] => [...simd(0x0b), 0, ...uleb(offset)];
const shuffle = (lanes: number[]): number[] => [...simd(0x0d), ...lanes];
const V_OR = simd(0x50);
const I32X4_EXTRACT_LANE = (lane: number): number[] => [...simd(0x1b), lane];
const I16X8_SHL = simd(0x8b);
const I16X8_SHR_S = simd(0x8c);
const I16X8_SHR_U = simd(0x8d);
const I32X4_EXTEND_LOW_S = simd(0xa7);
const I32X4_EXTEND_HIGH_S = simd(0xa8);
const I32X4_EXTEND_LOW_U = simd(0xa9);
const I32X4_EXTEND_HIGH_U = simd(0xaa);
const F64X2_SPLAT = simd(0x14);
const F64X2_ADD = simd(0xf0);
const F64X2_MUL = simd(0xf2);
const F64X2_CONVERT_LOW_I32X4_S = simd(0xfe);
const F32X4_DEMOTE_F64X2_ZERO = simd(0x5e);
const I32_ADD = 0x6a;
const I32_OR = 0x72;
const I32_GE_U = 0x4f;
const i32Const = (n: number): number[] => [0x41, ...sleb(n)];
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) return [...out, byte];
    out.push(byte | 0x80);
  }
}
/** block { loop { if (local at >= local end) break; body; br loop } } */
const loopWhileBelow = (at: number, end: number, body: number[]): number[] => [
  ...[0x02, 0x40, 0x03, 0x40],
  ...get(at),
  ...get(end),
  I32_GE_U,
  ...[0x0d, 1],
  ...body,
  ...[0x0c, 0, 0x0b, 0x0b],
];
const advance = (local: number, by: number): number[] => [
  ...get(local),
  ...i32Const(by),
  I32_ADD,
  ...set(local),
];

/** (param $at i32) (param $end i32) (result i32) (local $acc v128) */
function orWordsCode(): number[] {
  const [AT, END, ACC] = [0, 1, 2];
  const body = [
    ...get(ACC),
    ...[...get(AT), ...load(0), ...get(AT), ...load(16), ...V_OR],
    ...[...get(AT), ...load(32), ...get(AT), ...load(48), ...V_OR],
    ...V_OR,
    ...V_OR,
    ...set(ACC),
    ...advance(AT, 64),
  ];
  const lane = (i: number): number[] => [...get(ACC), ...I32X4_EXTRACT_LANE(i)];
  return [
    ...vec([[1, V128]]),
    ...loopWhileBelow(AT, END, body),
    ...[...lane(0), ...lane(1), I32_OR, ...lane(2), ...lane(3), I32_OR, I32_OR],
    0x0b,
  ];
}

/**
 * (param $src i32) (param $end i32) (param $dst i32) (param $shift i32) (param $slope f64)
 * (param $intercept f64), locals $v $lo $hi $slopes $intercepts (v128). Per 8 samples: one load,
 * shift left and back (mask or sign-extend), widen to 2 x 4 int32, each pair of lanes to f64,
 * multiply-add, narrow to f32, two stores of 4 floats.
 */
function sixteenToFloatCode(signed: boolean): number[] {
  const [SRC, END, DST, SHIFT, SLOPE, INTERCEPT, V, LO, HI, SLOPES, INTERCEPTS] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
  ];
  const LANES_2_3_DOWN = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];
  const LOW_HALVES = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
  /** the int32 lanes 0-1 of the vector on the stack as Float32(x * slope + intercept), in lanes 0-1 */
  const affine = [
    ...F64X2_CONVERT_LOW_I32X4_S,
    ...get(SLOPES),
    ...F64X2_MUL,
    ...get(INTERCEPTS),
    ...F64X2_ADD,
    ...F32X4_DEMOTE_F64X2_ZERO,
  ];
  const fourFloats = (ints: number): number[] => [
    ...get(ints),
    ...affine,
    ...get(ints),
    ...get(ints),
    ...shuffle(LANES_2_3_DOWN),
    ...affine,
    ...shuffle(LOW_HALVES),
  ];
  const body = [
    ...get(SRC),
    ...load(0),
    ...get(SHIFT),
    ...I16X8_SHL,
    ...get(SHIFT),
    ...(signed ? I16X8_SHR_S : I16X8_SHR_U),
    ...set(V),
    ...[...get(V), ...(signed ? I32X4_EXTEND_LOW_S : I32X4_EXTEND_LOW_U), ...set(LO)],
    ...[...get(V), ...(signed ? I32X4_EXTEND_HIGH_S : I32X4_EXTEND_HIGH_U), ...set(HI)],
    ...[...get(DST), ...fourFloats(LO), ...store(0)],
    ...[...get(DST), ...fourFloats(HI), ...store(16)],
    ...advance(SRC, 16),
    ...advance(DST, 32),
  ];
  return [
    ...vec([[5, V128]]),
    ...[...get(SLOPE), ...F64X2_SPLAT, ...set(SLOPES), ...get(INTERCEPT), ...F64X2_SPLAT, ...set(INTERCEPTS)],
    ...loopWhileBelow(SRC, END, body),
    0x0b,
  ];
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const functions: [string, number, number[]][] = [
    ['orWords', 0, orWordsCode()],
    ['unsigned16ToFloat', 1, sixteenToFloatCode(false)],
    ['signed16ToFloat', 1, sixteenToFloatCode(true)],
  ];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(
      1,
      vec([
        [0x60, ...vec([[I32], [I32]]), ...vec([[I32]])],
        [0x60, ...vec([[I32], [I32], [I32], [I32], [F64], [F64]]), ...vec([])],
      ]),
    ),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, 0x00]])), // memory, min 0 pages
    ...section(3, vec(functions.map(([, type]) => [type]))),
    ...section(7, vec(functions.map(([exportName], i) => [...name(exportName), 0x00, i]))),
    ...section(10, vec(functions.map(([, , code]) => [...uleb(code.length), ...code]))),
  ]);
}

let compiled: WebAssembly.Module | null | undefined;

/** The kernels bound to `memory`; null where WebAssembly SIMD is unavailable (callers fall back to JS). */
export function simdKernels(memory: WebAssembly.Memory): SimdKernels | null {
  if (compiled === undefined) {
    const bytes = moduleBytes();
    compiled = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  }
  return (
    compiled && (new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as SimdKernels)
  );
}
