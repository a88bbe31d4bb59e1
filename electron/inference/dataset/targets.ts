import { existsSync } from 'node:fs';
import path from 'node:path';
import { readNifti, resampleLabelsOnto, resampleOnto, type Volume } from '../../imaging';
import { zscore } from '../normalise';

export type TargetKey = 't1Clean' | 'stirClean' | 't1Mask' | 'stirMask';

const SOURCES: { key: TargetKey; file: string; sequence: 't1' | 'stir'; kind: 'image' | 'labels' }[] = [
  { key: 't1Clean', file: 'clean/t1.nii.gz', sequence: 't1', kind: 'image' },
  { key: 'stirClean', file: 'clean/stir.nii.gz', sequence: 'stir', kind: 'image' },
  { key: 't1Mask', file: 'masks/t1_lesions.nii.gz', sequence: 't1', kind: 'labels' },
  { key: 'stirMask', file: 'masks/stir_lesions.nii.gz', sequence: 'stir', kind: 'labels' },
];

/**
 * Training targets from a phantom exam (clean/*.nii.gz, masks/*.nii.gz), when present, resampled
 * through patient space onto exactly the grid of that sequence's input tensor: clean images
 * trilinear (anti-aliased) then z-scored by their own statistics, masks by largest label.
 */
export function phantomTargets(
  folder: string,
  grids: { t1: Volume; stir: Volume },
): Partial<Record<TargetKey, Float32Array>> {
  const out: Partial<Record<TargetKey, Float32Array>> = {};
  for (const source of SOURCES) {
    const file = path.join(folder, source.file);
    if (!existsSync(file)) continue;
    const volume = readNifti(file);
    const target = grids[source.sequence];
    out[source.key] =
      source.kind === 'image'
        ? zscore(resampleOnto(volume, target).data)
        : resampleLabelsOnto(volume, target).data;
  }
  return out;
}
