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
