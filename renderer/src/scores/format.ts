import type { InferenceResult } from '../../../electron/api';

export const taskShortLabel: Record<InferenceResult['tasks'][number]['key'], string> = {
  active_inflammation: 'Active inflammation',
  asas_bme: 'ASAS BME',
  structural: 'Structural changes',
};

export function percent(v: number | undefined): string {
  return v === undefined ? '—' : `${Math.round(v * 100)}%`;
}

export function operatingPoint(op: InferenceResult['tasks'][number]['operatingPoint']): string {
  if (op.sensitivity === undefined && op.specificity === undefined) return 'operating point not reported';
  return `sens ${percent(op.sensitivity)} / spec ${percent(op.specificity)}${op.set ? ` (${op.set})` : ''}`;
}

/**
 * What the model's own test says about a task's heat map: how often its maximum lay on a true lesion.
 * Below half, the reader is told plainly that the map does not locate the finding.
 */
export function heatmapNote(task: InferenceResult['tasks'][number]): string {
  const h = task.heatmapOnLesion;
  if (!h) return 'This heat map was not checked against true lesions for this model.';
  const where = `${h.hits} of ${h.exams} positive test exams (${h.sequence.toUpperCase()})`;
  if (h.hits / h.exams < 0.5)
    return `Map maximum on a lesion in only ${where}: this map does not show where the finding is.`;
  return `Map maximum on a lesion in ${where}.`;
}
