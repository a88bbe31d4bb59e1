import { resampleOnto, type SamplingGrid, type Volume } from '../imaging';

/**
 * The affine of a CAM at feature resolution [d, h, w] over a model grid [D, H, W]: feature voxel m
 * covers grid voxels [m*D/d, (m+1)*D/d), so its centre sits at grid coordinate (m + 0.5)*D/d - 0.5
 * (the align_corners=False convention of the network's own down-sampling).
 */
export function camAffine(
  gridAffine: number[],
  gridDims: readonly number[],
  camDims: readonly number[],
): number[] {
  const a = [...gridAffine];
  for (let c = 0; c < 3; c++) {
    const scale = gridDims[c] / camDims[c];
    const offset = 0.5 * scale - 0.5;
    for (let r = 0; r < 3; r++) {
      a[4 * r + 3] += a[4 * r + c] * offset;
      a[4 * r + c] *= scale;
    }
  }
  return a;
}

/** One task/sequence slice of the classifier's CAM output as a Volume in patient space. */
export function camVolume(
  cam: Float32Array,
  camShape: readonly [number, number, number, number, number],
  task: number,
  sequence: number,
  grid: SamplingGrid,
): Volume {
  const [, sequences, d, h, w] = camShape;
  const size = d * h * w;
  const start = (task * sequences + sequence) * size;
  const data = cam.slice(start, start + size);
  const affine = camAffine(grid.affine, grid.dims, [w, h, d]);
  const spacing = [0, 1, 2].map((c) => Math.hypot(affine[c], affine[4 + c], affine[8 + c])) as [
    number,
    number,
    number,
  ];
  return { dims: [w, h, d], spacing, affine, data };
}

/** A CAM brought onto another grid (the model grid, or the source stack for overlay/NIfTI): trilinear, 0 outside. */
export function camOnto(cam: Volume, target: SamplingGrid): Volume {
  return resampleOnto(cam, target, { antiAlias: false });
}
