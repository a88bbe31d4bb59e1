/**
 * basis[x * 8 + u] = C(u)/2 * cos((2x + 1) u pi / 16) with C(0) = 1/sqrt(2), C(u) = 1 otherwise,
 * so the 2-D inverse DCT of T.81 A.3.3 is this 1-D transform applied to columns, then rows.
 */
const basis: Float64Array = (() => {
  const m = new Float64Array(64);
  for (let x = 0; x < 8; x++)
    for (let u = 0; u < 8; u++)
      m[x * 8 + u] = ((u === 0 ? Math.SQRT1_2 : 1) / 2) * Math.cos(((2 * x + 1) * u * Math.PI) / 16);
  return m;
})();

/**
 * One 1-D inverse transform of the 8 values `input[at + k * step]`, written to
 * `output[to + x * outStep]`. Unrolled: V8 keeps the eight inputs in registers.
 */
function transform8(
  input: Float64Array,
  at: number,
  step: number,
  output: Float64Array,
  to: number,
  outStep: number,
): void {
  const f0 = input[at];
  const f1 = input[at + step];
  const f2 = input[at + 2 * step];
  const f3 = input[at + 3 * step];
  const f4 = input[at + 4 * step];
  const f5 = input[at + 5 * step];
  const f6 = input[at + 6 * step];
  const f7 = input[at + 7 * step];
  if (f1 === 0 && f2 === 0 && f3 === 0 && f4 === 0 && f5 === 0 && f6 === 0 && f7 === 0) {
    // Only the DC term: flat (most columns of smooth images).
    const flat = f0 * basis[0];
    for (let x = 0; x < 8; x++) output[to + x * outStep] = flat;
    return;
  }
  for (let x = 0; x < 8; x++) {
    const b = x * 8;
    output[to + x * outStep] =
      basis[b] * f0 +
      basis[b + 1] * f1 +
      basis[b + 2] * f2 +
      basis[b + 3] * f3 +
      basis[b + 4] * f4 +
      basis[b + 5] * f5 +
      basis[b + 6] * f6 +
      basis[b + 7] * f7;
  }
}

/** The column pass in [0, 64), the row pass in [64, 128); reused, as decoding is synchronous. */
const work = new Float64Array(128);

/**
 * Exact (double precision) separable inverse DCT of one dequantised block, `coefficients` in
 * natural row-major order, written to `out` at `offset` with row `stride`, level-shifted by
 * 2^(P-1) and clamped to [0, 2^P - 1] (T.81 A.3.1). Rounding is to nearest; integer IDCTs such
 * as libjpeg's "islow" approximate this one and may differ by a unit or two.
 */
export function inverseDct(
  coefficients: Float64Array,
  out: Uint16Array,
  offset: number,
  stride: number,
  precision: number,
): void {
  const shift = 1 << (precision - 1);
  const max = (1 << precision) - 1;
  // Columns: coefficient column u becomes column u of work (vertical frequencies resolved).
  for (let u = 0; u < 8; u++) transform8(coefficients, u, 8, work, u, 8);
  // Rows: row y of work becomes row y of the samples, in work[64..127].
  for (let y = 0; y < 8; y++) transform8(work, y * 8, 1, work, 64 + y * 8, 1);
  for (let y = 0; y < 8; y++) {
    const row = offset + y * stride;
    for (let x = 0; x < 8; x++) {
      const value = Math.round(work[64 + y * 8 + x]) + shift;
      out[row + x] = value < 0 ? 0 : value > max ? max : value;
    }
  }
}
