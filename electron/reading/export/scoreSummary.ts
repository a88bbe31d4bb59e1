import { z } from 'zod';
import { computeScores } from '../scores';
import type { Reading } from '../schema';

/** The computed results an export states, so a receiver can check them against the grid. */
export const scoreSummarySchema = z.object({
  sparcc: z.object({ score: z.number().int(), slices: z.array(z.number().int()) }).nullable(),
  sss: z
    .object({
      score: z.number().int(),
      slices: z.array(z.number().int()),
      fat: z.number().int(),
      erosion: z.number().int(),
      backfill: z.number().int(),
      ankylosis: z.number().int(),
    })
    .nullable(),
  berlin: z.number().int(),
  asasPositive: z.boolean(),
  definiteActiveLesion: z.boolean(),
  definiteStructuralLesion: z.boolean(),
  definiteStructuralCriteria: z.array(z.string()),
});
export type ScoreSummary = z.infer<typeof scoreSummarySchema>;

export function scoreSummary(
  r: Pick<Reading, 'grid' | 'sparccFirstSlice' | 'sssWindow' | 'jointHeights'>,
): ScoreSummary {
  const s = computeScores({
    grid: r.grid,
    sparccFirstSlice: r.sparccFirstSlice,
    sssWindow: r.sssWindow,
    jointHeights: r.jointHeights,
  });
  return {
    sparcc: s.sparcc && { score: s.sparcc.score, slices: s.sparcc.slices },
    sss: s.sss && {
      score: s.sss.score,
      slices: s.sss.slices,
      fat: s.sss.fat.score,
      erosion: s.sss.erosion.score,
      backfill: s.sss.backfill.score,
      ankylosis: s.sss.ankylosis.score,
    },
    berlin: s.berlin.score,
    asasPositive: s.asasPositive.positive,
    definiteActiveLesion: s.definiteActive.definite,
    definiteStructuralLesion: s.definiteStructural.definite,
    definiteStructuralCriteria: s.definiteStructural.criteria.map((c) => c.criterion),
  };
}
