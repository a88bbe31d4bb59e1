/** z-score over the whole volume, (x - mean) / std, as the model was trained (manifest normalisation "zscore"). */
export function zscore(data: Float32Array): Float32Array {
  let sum = 0;
  for (let n = 0; n < data.length; n++) sum += data[n];
  const mean = sum / data.length;
  let ss = 0;
  for (let n = 0; n < data.length; n++) ss += (data[n] - mean) * (data[n] - mean);
  const std = Math.sqrt(ss / data.length);
  const out = new Float32Array(data.length);
  // A constant volume has no contrast to read; it maps to zeros rather than NaN.
  const scale = std > 0 ? 1 / std : 0;
  for (let n = 0; n < data.length; n++) out[n] = (data[n] - mean) * scale;
  return out;
}
