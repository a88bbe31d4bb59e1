import type { Anatomy } from './anatomy';
import { LesionHit, type Lesion } from './lesions';
import { Tissue } from './tissues';

export type Vec3 = [number, number, number];

/**
 * Through-plane partial volume: each slice is sampled on two sub-planes at -+thickness/4 (the two
 * halves of its profile) and averaged. Where the anatomy is the same on both there is no need
 * to sample both: grid points alternate between the sub-planes like a checkerboard, and only
 * points whose tissue differs from a neighbour's (which lies on the other sub-plane), or that a
 * lesion touches, are sampled on their other sub-plane as well.
 */
export const SUB_PLANE_OFFSET = 0.25;
/**
 * Keys compare grid points: the tissue code, plus (second tissue + 1) * SECOND_KEY where that
 * makes up more than 30 % of the voxel (thin structures drawn by analytic partial volume, such as
 * fat planes in muscle, are a fraction, not a tissue), plus LESION_KEY where a lesion touched.
 */
const SECOND_KEY = 32;
const LESION_KEY = 1024;
const AIR = Tissue.air;
/** lesion bounding boxes reach this many radii: the irregular border may pass the nominal one */
const LESION_REACH = 1.4;

/** One signal computed on the shared sampling grid: a table, and where its resampled image goes. */
export interface FineChannel {
  table: Float32Array;
  series: number;
  target: 'clean' | 'fatFailureDelta';
}

/** Per grid row, the lesions whose (inflated) bounding box the row crosses, and over which columns. */
export class RowLesions {
  readonly index: number[] = [];
  readonly lo: number[] = [];
  readonly hi: number[] = [];
  count = 0;
  /** the union of the columns touched */
  first = 0;
  last = -1;

  constructor(private readonly lesions: readonly Lesion[]) {}

  /** Row points start + i * step, i = 0..n-1 (sacral frame), and points within `margin` mm of them. */
  select(start: Vec3, step: Vec3, n: number, margin = 0): void {
    this.count = 0;
    this.first = n;
    this.last = -1;
    for (let L = 0; L < this.lesions.length; L++) {
      const c = this.lesions[L].centre;
      const r = this.lesions[L].radii;
      let lo = 0;
      let hi = n - 1;
      for (let d = 0; d < 3 && lo <= hi; d++) {
        const a = c[d] - LESION_REACH * r[d] - margin - start[d];
        const b = c[d] + LESION_REACH * r[d] + margin - start[d];
        if (step[d] === 0) {
          if (a > 0 || b < 0) hi = -1;
          continue;
        }
        const t0 = a / step[d];
        const t1 = b / step[d];
        lo = Math.max(lo, Math.ceil(Math.min(t0, t1)));
        hi = Math.min(hi, Math.floor(Math.max(t0, t1)));
      }
      if (lo > hi) continue;
      this.index[this.count] = L;
      this.lo[this.count] = lo;
      this.hi[this.count] = hi;
      this.count++;
      if (lo < this.first) this.first = lo;
      if (hi > this.last) this.last = hi;
    }
  }
}

/** Samples the grid of one slice on its two sub-planes (see SUB_PLANE_OFFSET) into `fine`. */
export class SliceSampler {
  /** per grid point: what it holds (see SECOND_KEY) */
  private readonly key: Uint16Array;
  private readonly tables: Float32Array[];
  private readonly rows: RowLesions;
  private readonly hit = new LesionHit();
  private start: Vec3 = [0, 0, 0];

  constructor(
    private readonly anat: Anatomy,
    private readonly lesions: readonly Lesion[],
    channels: readonly FineChannel[],
    private readonly fine: readonly Float32Array[],
    private readonly dRow: Vec3,
    private readonly dCol: Vec3,
    private readonly dz: Vec3,
    private readonly hx: number,
    private readonly hy: number,
    private readonly nfx: number,
    private readonly nfy: number,
  ) {
    this.key = new Uint16Array(nfx * nfy);
    this.tables = channels.map((c) => c.table);
    this.rows = new RowLesions(lesions);
  }

  /** Fill `fine` for the slice whose grid point (0, 0) lies at `start` (sacral frame, centre plane). */
  sample(start: Vec3): void {
    this.start = start;
    const { nfx, nfy, key, fine } = this;
    const nc = fine.length;
    const reach = Math.hypot(this.dz[0], this.dz[1], this.dz[2]);
    const step: Vec3 = [this.dRow[0] * this.hx, this.dRow[1] * this.hx, this.dRow[2] * this.hx];
    for (let j = 0; j < nfy; j++) {
      this.rows.select(this.rowStart(j), step, nfx, reach);
      for (let i = 0; i < nfx; i++) {
        const idx = j * nfx + i;
        key[idx] = this.point(i, j, (i + j) & 1 ? 1 : -1, idx, 1);
      }
    }
    for (let j = 0; j < nfy; j++) {
      let selected = false;
      for (let i = 0; i < nfx; i++) {
        const idx = j * nfx + i;
        const own = key[idx];
        const same =
          own < LESION_KEY &&
          (i === 0 || key[idx - 1] === own) &&
          (i === nfx - 1 || key[idx + 1] === own) &&
          (j === 0 || key[idx - nfx] === own) &&
          (j === nfy - 1 || key[idx + nfx] === own);
        if (same) continue;
        if (!selected) {
          this.rows.select(this.rowStart(j), step, nfx, reach);
          selected = true;
        }
        for (let c = 0; c < nc; c++) fine[c][idx] *= 0.5;
        this.point(i, j, (i + j) & 1 ? -1 : 1, idx, 0.5);
      }
    }
  }

  private rowStart(j: number): Vec3 {
    const s = this.start;
    const d = this.dCol;
    const y = j * this.hy;
    return [s[0] + y * d[0], s[1] + y * d[1], s[2] + y * d[2]];
  }

  /**
   * Classify grid point (i, j) on sub-plane `side` (-1 or +1), with the lesions `rows` selected
   * for row j; adds `share` times each channel's signal to `fine` at idx (set when share is 1)
   * and returns the point's key.
   */
  private point(i: number, j: number, side: number, idx: number, share: number): number {
    const { anat, dRow, dCol, dz, rows, hit, fine } = this;
    const x = i * this.hx;
    const y = j * this.hy;
    const u = this.start[0] + x * dRow[0] + y * dCol[0] + side * dz[0];
    const v = this.start[1] + x * dRow[1] + y * dCol[1] + side * dz[1];
    const w = this.start[2] + x * dRow[2] + y * dCol[2] + side * dz[2];
    let t = anat.classify(u, v, w);
    const nc = this.tables.length;
    const base = share === 1 ? 0 : 1;
    if (t === AIR) {
      for (let c = 0; c < nc; c++) fine[c][idx] *= base;
      return AIR;
    }
    let fraction = anat.fraction;
    const second = anat.second;
    let mix = 0;
    let mixTissue = 0;
    let touched = false;
    if (i >= rows.first && i <= rows.last) {
      hit.reset(t);
      for (let r = 0; r < rows.count; r++) {
        if (i >= rows.lo[r] && i <= rows.hi[r])
          hit.apply(anat, this.lesions[rows.index[r]], rows.index[r], u, v, w);
      }
      // A lesion that replaced the tissue also replaced its texture.
      if (hit.tissue !== t) fraction = 0;
      touched = hit.tissue !== t || hit.mix > 0;
      t = hit.tissue;
      mix = hit.mix;
      mixTissue = hit.mixTissue;
    }
    // The tissue, its texture's second tissue and a lesion's admixture, by their shares.
    const wMix = share * mix;
    const wSecond = share * fraction * (1 - mix);
    const wBase = share - wMix - wSecond;
    for (let c = 0; c < nc; c++) {
      const tab = this.tables[c];
      fine[c][idx] = base * fine[c][idx] + wBase * tab[t] + wSecond * tab[second] + wMix * tab[mixTissue];
    }
    return t + (fraction > 0.3 ? (second + 1) * SECOND_KEY : 0) + (touched ? LESION_KEY : 0);
  }
}
