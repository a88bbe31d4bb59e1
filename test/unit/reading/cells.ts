import type { BmeExtent, GridCell, Joint, LesionType, Quadrant } from '../../../electron/reading';

const Q: Record<string, Quadrant> = {
  UI: 'upper_ilium',
  LI: 'lower_ilium',
  US: 'upper_sacrum',
  LS: 'lower_sacrum',
};

/** Terse cell builder for worked examples: c(3, 'L', 'UI', ['bme'], { bmeIntense: true }). */
export function c(
  slice: number,
  joint: 'L' | 'R',
  quadrant: keyof typeof Q,
  lesions: LesionType[],
  extra: Partial<Omit<GridCell, 'slice' | 'joint' | 'quadrant' | 'lesions'>> & { bmeExtent?: BmeExtent } = {},
): GridCell {
  const j: Joint = joint === 'L' ? 'left' : 'right';
  return { slice, joint: j, quadrant: Q[quadrant], lesions, ...extra };
}

/** Terse reference: r(3, 'L', 'UI') -> { slice: 3, joint: 'left', quadrant: 'upper_ilium' }. */
export function r(slice: number, joint: 'L' | 'R', quadrant: keyof typeof Q) {
  return { slice, joint: (joint === 'L' ? 'left' : 'right') as Joint, quadrant: Q[quadrant] };
}
