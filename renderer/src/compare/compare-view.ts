import type { ComparisonPayload } from '../../../electron/api/compare';
import type { GridPosition, QuadrantHighlight } from '../viewer/viewer-state.svelte';

/** Short marks for the grid, as readers write them on a SPARCC sheet. */
export const FEATURE_MARKS: Record<string, string> = {
  bme: 'BME',
  capsulitis: 'Cap',
  joint_space_enhancement: 'JSE',
  joint_space_fluid: 'Fl',
  enthesitis: 'Ent',
  inflammation_in_erosion: 'IiE',
  erosion: 'Er',
  sclerosis: 'Scl',
  fat_lesion: 'Fat',
  backfill: 'BF',
  ankylosis: 'Ank',
  bone_bud: 'Bud',
  bme_intense: 'int',
  bme_deep: 'deep',
  fat_deep: 'fat>1cm',
};

/** Radiological display: the patient's right joint on the viewer's left. */
export const GRID_COLUMNS = (['right', 'left'] as const).flatMap((joint) =>
  (['upper_ilium', 'upper_sacrum', 'lower_ilium', 'lower_sacrum'] as const).map((quadrant) => ({
    joint,
    quadrant,
  })),
);

export interface GridViewCell {
  /** per reader, the marks that reader made in this cell */
  byReader: { mark: string; differs: boolean }[][];
  differs: boolean;
}

export interface GridViewRow {
  slice: number;
  cells: GridViewCell[];
  differs: boolean;
}

/** One row per slice any reader marked; one cell per joint x quadrant; what differs is flagged. */
export function gridRows(c: ComparisonPayload): GridViewRow[] {
  const slices = [...new Set(c.grid.map((g) => g.slice))].sort((a, b) => a - b);
  return slices.map((slice) => {
    const cells = GRID_COLUMNS.map(({ joint, quadrant }): GridViewCell => {
      const g = c.grid.find((x) => x.slice === slice && x.joint === joint && x.quadrant === quadrant);
      const byReader = c.readers.map((_, i) =>
        (g?.features ?? [])
          .filter((f) => f.by[i])
          .map((f) => ({ mark: FEATURE_MARKS[f.feature] ?? f.feature, differs: f.differs })),
      );
      return { byReader, differs: g?.differs ?? false };
    });
    return { slice, cells, differs: cells.some((x) => x.differs) };
  });
}

export const JUDGEMENT_LABELS: Record<string, string> = {
  active_inflammation: 'Active inflammatory changes indicative of axSpA',
  asas_bme: 'Positive MRI (ASAS definition)',
  structural: 'Structural changes indicative of axSpA',
  overall_axspa: 'Overall compatible with axSpA',
};

/** A reader's judgement as the table shows it: answer, confidence, and what the model did to it. */
export function judgementText(cell: ComparisonPayload['judgements'][number]['readers'][number]): string {
  if (cell.answer === null) return '—';
  let s = `${cell.answer} (${cell.confidence ?? '?'}/4)`;
  if (cell.verdict === 'override') s += ' overrode model';
  if (cell.changedAfterModel && cell.unassisted) s += `, was ${cell.unassisted.answer} before model`;
  return s;
}

export function scoreText(v: number | null, slices: number[] | null): string {
  if (v === null || slices === null) return 'window not set';
  return `${v} (slices ${Math.min(...slices) + 1}-${Math.max(...slices) + 1})`;
}

/**
 * The quadrants to tint on the semicoronal images: where readers differ ('difference'), and where
 * every reader marked the same ('lesion'), so the eye goes to the disagreement against its context.
 */
export function gridHighlights(c: ComparisonPayload): QuadrantHighlight[] {
  return c.grid
    .filter((g) => g.features.length > 0)
    .map((g) => ({
      slice: g.slice,
      joint: g.joint,
      quadrant: g.quadrant,
      tone: g.differs ? ('difference' as const) : ('lesion' as const),
    }));
}

/** Where a click on a grid row goes: its first differing quadrant, else its first marked one. */
export function rowTarget(c: ComparisonPayload, slice: number): GridPosition | null {
  const cells = c.grid.filter((g) => g.slice === slice && g.features.length > 0);
  const g = cells.find((x) => x.differs) ?? cells[0];
  return g ? { slice, joint: g.joint, quadrant: g.quadrant } : null;
}

/** "Ada vs Ben: 2 grid positions differ; judgements: ASAS positive MRI" for the pairwise table. */
export function pairText(p: ComparisonPayload['pairs'][number]): string {
  const cells = `${p.cellsDiffering} grid position${p.cellsDiffering === 1 ? '' : 's'} differ${p.cellsDiffering === 1 ? 's' : ''}`;
  const judgements = p.judgementsDiffering.length
    ? `judgements differ: ${p.judgementsDiffering.map((k) => SHORT_JUDGEMENTS[k]).join(', ')}`
    : 'judgements agree';
  return `${p.a} vs ${p.b}: ${cells}; ${judgements}`;
}

export const SHORT_JUDGEMENTS: Record<string, string> = {
  active_inflammation: 'active inflammation',
  asas_bme: 'ASAS positive MRI',
  structural: 'structural',
  overall_axspa: 'overall axSpA',
};
