import type { GridCell } from './grid';
import type { JointHeight } from './jointHeight';
import { asasPositive, type AsasPositiveResult } from './rules/asasPositive';
import { berlinScore, type BerlinResult } from './rules/berlinScore';
import { definiteActiveLesion, type DefiniteActiveResult } from './rules/definiteActiveLesion';
import { definiteStructuralLesion, type DefiniteStructuralResult } from './rules/definiteStructuralLesion';
import { sparccInflammation, type SparccInflammationResult } from './rules/sparccInflammation';
import { sparccStructural, type SssResult, type SssWindow } from './rules/sparccStructural';

export interface ScoringInput {
  grid: readonly GridCell[];
  /** first of the 6 SPARCC slices; null until the reader has chosen them */
  sparccFirstSlice: number | null;
  sssWindow: SssWindow | null;
  jointHeights?: readonly JointHeight[];
}

export interface ReadingScores {
  sparcc: SparccInflammationResult | null;
  sss: SssResult | null;
  berlin: BerlinResult;
  asasPositive: AsasPositiveResult;
  definiteActive: DefiniteActiveResult;
  definiteStructural: DefiniteStructuralResult;
}

/** Everything the form shows beside the reader's answers, computed from the grid alone. */
export function computeScores(input: ScoringInput): ReadingScores {
  return {
    sparcc:
      input.sparccFirstSlice === null
        ? null
        : sparccInflammation(input.grid, input.sparccFirstSlice, input.jointHeights),
    sss: input.sssWindow === null ? null : sparccStructural(input.grid, input.sssWindow, input.jointHeights),
    berlin: berlinScore(input.grid),
    asasPositive: asasPositive(input.grid),
    definiteActive: definiteActiveLesion(input.grid),
    definiteStructural: definiteStructuralLesion(input.grid),
  };
}
