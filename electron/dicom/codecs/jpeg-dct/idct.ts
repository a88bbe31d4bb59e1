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
 * Exact (double precision) separable inverse DCT of one dequantised block, `coefficients` in
 * natural row-major order, written to `out` at `offset` with row `stride`, level-shifted by
 * 2^(P-1) and clamped to [0, 2^P - 1] (T.81 A.3.1). Rounding is to nearest; integer IDCTs such
 * as libjpeg's "islow" approximate this one and may differ by a unit or two.
 */
export function inverseDct(
  coefficients: Float64Array,
  work: Float64Array,
  out: Uint16Array,
  offset: number,
  stride: number,
  precision: number,
): void {
  const shift = 1 << (precision - 1);
  const max = (1 << precision) - 1;
  for (let u = 0; u < 8; u++) {
    let flatColumn = true;
    for (let v = 1; v < 8 && flatColumn; v++) flatColumn = coefficients[v * 8 + u] === 0;
    if (flatColumn) {
      // Only the vertical DC term: the column is flat (most columns of smooth MR images).
      const flat = coefficients[u] * basis[0];
      for (let y = 0; y < 8; y++) work[y * 8 + u] = flat;
      continue;
    }
    for (let y = 0; y < 8; y++) {
      let sum = 0;
      for (let v = 0; v < 8; v++) sum += basis[y * 8 + v] * coefficients[v * 8 + u];
      work[y * 8 + u] = sum;
    }
  }
  for (let y = 0; y < 8; y++) {
    const row = offset + y * stride;
    for (let x = 0; x < 8; x++) {
      let sum = 0;
      for (let u = 0; u < 8; u++) sum += basis[x * 8 + u] * work[y * 8 + u];
      const value = Math.round(sum) + shift;
      out[row + x] = value < 0 ? 0 : value > max ? max : value;
    }
  }
}
