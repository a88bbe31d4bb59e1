import { writeFileSync } from 'node:fs';
import { constants, gzipSync } from 'node:zlib';
import { encodeNifti } from '../imaging';
import { seriesAffine, type SeriesGeometry } from './geometry';

/**
 * NIfTI-1 files on a series' acquired grid, in patient space: the lesion masks (uint8) and the
 * clean images (int16, real-world units). Compression is tuned for speed: these files are
 * regenerated rather than archived (level 6 cost about three times level 1 for files a few per
 * cent smaller; run-length coding suits the mostly empty masks and is twice as fast again).
 */

export function writeMaskNifti(file: string, geom: SeriesGeometry, mask: Uint8Array): void {
  writeFileSync(file, gzipSync(niftiBytes(geom, 'uint8', mask), { level: 1, strategy: constants.Z_RLE }));
}

/** The clean image rounded to int16 after scaling to real-world units. */
export function writeCleanNifti(
  file: string,
  geom: SeriesGeometry,
  clean: Float32Array,
  scale: number,
): void {
  const data = new Int16Array(clean.length);
  for (let n = 0; n < clean.length; n++) {
    let x = clean[n] * scale;
    x = x > 32767 ? 32767 : x < -32768 ? -32768 : x;
    // Storing truncates towards zero: adding a half away from zero rounds (faster than Math.round).
    data[n] = x >= 0 ? x + 0.5 : x - 0.5;
  }
  writeFileSync(file, gzipSync(niftiBytes(geom, 'int16', data), { level: 1 }));
}

/**
 * Header from the shared encoder (given the dimensions and no voxels), then the voxels as they
 * are: the encoder would take them as float32 and convert them back, two passes per volume.
 */
function niftiBytes(
  geom: SeriesGeometry,
  datatype: 'uint8' | 'int16',
  data: Uint8Array | Int16Array,
): Buffer {
  const header = encodeNifti(
    { dims: geom.dims, spacing: geom.spacing, affine: seriesAffine(geom), data: new Float32Array(0) },
    { datatype },
  );
  return Buffer.concat([header, Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}
