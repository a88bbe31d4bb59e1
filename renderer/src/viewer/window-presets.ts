import type { Sequence } from './hanging-protocol';

/**
 * MR intensities have no absolute scale, so presets are fractions of each stack's robust range
 * (1st..99.5th percentile from its histogram): portable across scanners and rescale slopes.
 */
export interface WindowPreset {
  key: string;
  label: string;
  sequences: Sequence[];
  low: number;
  high: number;
}

export const windowPresets: WindowPreset[] = [
  { key: 'auto', label: 'Auto (histogram)', sequences: ['t1', 'stir'], low: 0, high: 1 },
  // Fat-bright marrow: widen the top so fat lesions and backfill stay distinguishable from marrow.
  { key: 't1-marrow', label: 'T1 marrow', sequences: ['t1'], low: 0.05, high: 1.15 },
  // Edema on STIR: a narrow window makes subtle subchondral signal stand out against nulled fat.
  { key: 'stir-edema', label: 'STIR edema', sequences: ['stir'], low: 0.0, high: 0.7 },
  { key: 'wide', label: 'Wide', sequences: ['t1', 'stir'], low: -0.1, high: 1.4 },
];

export interface WindowLevel {
  width: number;
  level: number;
}

export function applyPreset(preset: WindowPreset, range: { p1: number; p995: number }): WindowLevel {
  const span = range.p995 - range.p1 || 1;
  const lo = range.p1 + preset.low * span;
  const hi = range.p1 + preset.high * span;
  return { width: hi - lo, level: (hi + lo) / 2 };
}

/** Drag to window: right = wider, down = brighter level shift, scaled to the stack's range. */
export function dragWindow(start: WindowLevel, dx: number, dy: number, span: number): WindowLevel {
  const perPixel = span / 400;
  return { width: Math.max(span / 1000, start.width + dx * perPixel), level: start.level - dy * perPixel };
}
