import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import type { ExamResult } from './exam';
import { percentile } from './exam';

/** Outline colours per lesion code (RGB). */
const COLOURS: Record<number, [number, number, number]> = {
  1: [255, 60, 60], // bme
  2: [255, 160, 0], // capsulitis
  3: [0, 200, 255], // fluid
  4: [255, 0, 255], // enthesitis
  5: [255, 255, 0], // inflammation in erosion
  6: [255, 255, 0], // erosion
  7: [0, 120, 255], // sclerosis
  8: [0, 255, 100], // fat lesion
  9: [160, 255, 0], // backfill
  10: [255, 255, 255], // ankylosis
  11: [0, 255, 255], // bone bud
  12: [180, 120, 255], // osteophyte
};

/**
 * Contact sheet: up to `columns` evenly spaced slices, T1 on the top row and STIR below, each
 * windowed to its 0.5-99.5th percentile, with the lesion mask outlines drawn in colour.
 */
export function writeContactSheet(result: ExamResult, file: string, columns = 6, tile = 256): void {
  const rows: { img: Float32Array; mask: Uint8Array; dims: [number, number, number] }[] = [];
  rows.push({ img: result.images.t1, mask: result.images.t1Mask, dims: result.geometry.t1.dims });
  if (result.images.stir && result.images.stirMask && result.geometry.stir) {
    rows.push({ img: result.images.stir, mask: result.images.stirMask, dims: result.geometry.stir.dims });
  }
  const picks = pickSlices(rows, columns);
  const png = new PNG({ width: tile * picks.length, height: tile * rows.length });
  png.data.fill(0);
  rows.forEach((row, r) => {
    const [nx, ny] = row.dims;
    const lo = percentile(row.img, 0.005);
    const hi = percentile(row.img, 0.995);
    picks.forEach((k, c) => {
      for (let y = 0; y < tile; y++) {
        const j = Math.min(ny - 1, Math.floor((y * ny) / tile));
        for (let x = 0; x < tile; x++) {
          const i = Math.min(nx - 1, Math.floor((x * nx) / tile));
          const idx = i + nx * (j + ny * k);
          const out = 4 * ((r * tile + y) * png.width + c * tile + x);
          const code = row.mask[idx];
          const edge = code !== 0 && isEdge(row.mask, nx, ny, i, j, k, code);
          if (edge) {
            const [R, G, B] = COLOURS[code] ?? [255, 255, 255];
            png.data[out] = R;
            png.data[out + 1] = G;
            png.data[out + 2] = B;
          } else {
            const v = Math.max(0, Math.min(255, Math.round((255 * (row.img[idx] - lo)) / (hi - lo))));
            png.data[out] = v;
            png.data[out + 1] = v;
            png.data[out + 2] = v;
          }
          png.data[out + 3] = 255;
        }
      }
    });
  });
  writeFileSync(file, PNG.sync.write(png));
}

function isEdge(
  mask: Uint8Array,
  nx: number,
  ny: number,
  i: number,
  j: number,
  k: number,
  code: number,
): boolean {
  const at = (a: number, b: number): number =>
    a < 0 || b < 0 || a >= nx || b >= ny ? 0 : mask[a + nx * (b + ny * k)];
  return at(i - 1, j) !== code || at(i + 1, j) !== code || at(i, j - 1) !== code || at(i, j + 1) !== code;
}

/** Slices to show: the ones with most lesion voxels first, the rest spread evenly; in slice order. */
function pickSlices(rows: { mask: Uint8Array; dims: [number, number, number] }[], columns: number): number[] {
  const nz = rows[0].dims[2];
  const count = Math.min(columns, nz);
  const lesionVoxels = new Array<number>(nz).fill(0);
  for (const row of rows) {
    const plane = row.dims[0] * row.dims[1];
    for (let n = 0; n < row.mask.length; n++) if (row.mask[n] !== 0) lesionVoxels[Math.floor(n / plane)] += 1;
  }
  const withLesions = lesionVoxels
    .map((v, k) => [v, k])
    .filter(([v]) => v > 0)
    .sort((a, b) => b[0] - a[0])
    .map(([, k]) => k);
  const picks = new Set(withLesions.slice(0, Math.ceil(count / 2)));
  for (let c = 0; picks.size < count && c < 4 * count; c++) {
    picks.add(Math.round(((c % count) + 0.5) * (nz / count) - 0.5 + Math.floor(c / count)) % nz);
  }
  return [...picks].sort((a, b) => a - b);
}
