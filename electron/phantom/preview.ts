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
  const nz = rows[0].dims[2];
  const picks = Array.from({ length: Math.min(columns, nz) }, (_, c) =>
    Math.round(((c + 0.5) * nz) / Math.min(columns, nz) - 0.5),
  );
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
