/**
 * Heatmap colours by value (0 = lower threshold, 1 = map maximum). A perceptually ordered
 * dark-red -> yellow -> white ramp ("hot"-like), readable over greyscale MRI, monotone in
 * lightness so the strongest evidence is always the brightest.
 */
export const heatColormap: { x: number; rgb: [number, number, number] }[] = [
  { x: 0.0, rgb: [0.35, 0.0, 0.55] },
  { x: 0.25, rgb: [0.75, 0.05, 0.35] },
  { x: 0.5, rgb: [0.95, 0.35, 0.05] },
  { x: 0.75, rgb: [1.0, 0.75, 0.1] },
  { x: 1.0, rgb: [1.0, 1.0, 0.75] },
];

export function colourAt(x: number): [number, number, number] {
  const t = Math.min(1, Math.max(0, x));
  for (let n = 1; n < heatColormap.length; n++) {
    const a = heatColormap[n - 1];
    const b = heatColormap[n];
    if (t <= b.x) {
      const f = (t - a.x) / (b.x - a.x);
      return [0, 1, 2].map((c) => a.rgb[c] + f * (b.rgb[c] - a.rgb[c])) as [number, number, number];
    }
  }
  return heatColormap[heatColormap.length - 1].rgb;
}

export interface OverlaySettings {
  /** Constant opacity of every coloured voxel, 0..1. */
  opacity: number;
  /** Fraction of the map maximum below which the overlay is transparent. */
  threshold: number;
}
