/** Robust display range of a volume from a 4096-bin histogram (exact to 1/4096 of the range). */
export function intensityRange(data: Float32Array): { min: number; max: number; p1: number; p995: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { min: 0, max: 0, p1: 0, p995: 0 };
  if (max === min) return { min, max, p1: min, p995: max };
  const bins = 4096;
  const histogram = new Uint32Array(bins);
  const scale = (bins - 1) / (max - min);
  for (let i = 0; i < data.length; i++) histogram[Math.round((data[i] - min) * scale)]++;
  const quantile = (q: number): number => {
    const target = q * data.length;
    let seen = 0;
    for (let b = 0; b < bins; b++) {
      seen += histogram[b];
      if (seen >= target) return min + b / scale;
    }
    return max;
  };
  return { min, max, p1: quantile(0.01), p995: quantile(0.995) };
}
