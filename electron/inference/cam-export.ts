import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { writeNifti } from '../imaging';
import { camOnto } from './cam';
import type { ModelOutput } from './result';

/**
 * Writes each heat map (Grad-CAM, or a detector's lesion probability) as NIfTI on its source stack's own grid (same dims and affine as that
 * stack exported by `sij volume`), so it lies over the original slices voxel for voxel.
 * Returns the files written.
 */
export function writeCamNifti(output: ModelOutput, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return output.cams.map((cam) => {
    const stack = output.result.stacks[cam.sequence];
    const onStack = camOnto(cam.volume, { dims: stack.dims, affine: stack.affine });
    const file = path.join(dir, `cam_${cam.task}_${cam.sequence}.nii.gz`);
    const kind = output.result.tasks[cam.task].heatmaps?.[cam.sequence] ?? 'grad-cam';
    const what = kind === 'lesion-probability' ? 'lesion probability' : 'Grad-CAM';
    writeNifti(file, onStack, { datatype: 'float32', description: `${what} ${cam.task} ${cam.sequence}` });
    return file;
  });
}
