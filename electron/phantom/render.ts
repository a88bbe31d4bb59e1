import type { Anatomy } from './anatomy';
import { cellOf, CELLS_PER_SLICE } from './quadrants';
import { LesionHit, type Lesion } from './lesions';
import type { SeriesGeometry } from './geometry';
import { axisWeights, resamplePlaneInto } from './psf';
import { RowLesions, SliceSampler, SUB_PLANE_OFFSET, type FineChannel, type Vec3 } from './sliceSampler';
import { Tissue } from './tissues';

/** Which lesion role a series shows: STIR shows active lesions, T1 structural ones. */
export type LesionRole = 'active' | 'structural';

/** One image to render on a grid: its contrast (signal per tissue) and the lesions it shows. */
export interface RenderChannel {
  /** signal per tissue code */
  table: Float32Array;
  /** STIR with imperfect inversion; the per-voxel difference is kept for the fat-sat failure artifact */
  failureTable?: Float32Array;
  role: LesionRole;
  /** also render the anatomy one field of view to each side along the rows (wrap-around) */
  wrap: boolean;
}

/** One series to render: where its voxels are, what it shows, and how finely it was acquired. */
export interface SeriesToRender {
  geometry: SeriesGeometry;
  channel: RenderChannel;
  /** acquired resolution, mm: along the rows (phase encoding) and along the columns (frequency) */
  resolution: [number, number];
}

export interface RenderOutput {
  /** noise-, bias- and artifact-free signal */
  clean: Float32Array;
  /** signal with imperfect fat suppression minus clean (STIR only) */
  fatFailureDelta?: Float32Array;
  /** signal folded in from outside the field of view */
  wrapped?: Float32Array;
  /** lesion label per voxel (LESION_CODES) for this channel's role */
  mask: Uint8Array;
  /** grid cell per masked voxel (0..7), 255 elsewhere */
  cells: Uint8Array;
  /** first and last masked voxel index (first > last: none), so the mask can be pruned fast */
  maskedRange: [number, number];
  /** area (mm^2) per lesion x slice x cell, and the deepest voxel (mm) there */
  area: Float32Array;
  depth: Float32Array;
}

const AIR = Tissue.air;
/**
 * Render series that share one slice plan (T1 and STIR of an exam). The analytic anatomy and
 * lesions are sampled once per slice on a grid at the finest acquired resolution, over both
 * halves of the slice (through-plane partial volume); every series is then resampled from it
 * with its own PSF (psf.ts). Edges are therefore never hard: thick slices average what they cut, and each
 * image is band-limited to its acquired resolution. The lesion masks and the grid statistics are
 * evaluated exactly at each series' voxel centres, so the truth does not depend on the blurring.
 */
export function renderSeries(
  anat: Anatomy,
  lesions: readonly Lesion[],
  series: readonly SeriesToRender[],
): RenderOutput[] {
  const g0 = series[0].geometry;
  const nz = g0.dims[2];
  for (const s of series) assertSamePlan(g0, s.geometry);
  const outputs = series.map((s) => newOutput(s, lesions.length));
  const { hx, hy, nfx, nfy } = samplingGrid(series);

  const channels: FineChannel[] = [];
  series.forEach((s, n) => {
    channels.push({ table: s.channel.table, series: n, target: 'clean' });
    const fail = s.channel.failureTable;
    // Signals are linear in the table, so the failure's difference has a table of its own.
    if (fail)
      channels.push({
        table: fail.map((x, t) => x - s.channel.table[t]),
        series: n,
        target: 'fatFailureDelta',
      });
  });
  const fine = channels.map(() => new Float32Array(nfx * nfy));
  const wrapFine = new Float32Array(nfx * nfy);

  // Resampling weights per series: sampling grid -> the series' voxel centres, with its PSF.
  const weights = series.map((s) => {
    const [m, my] = s.geometry.dims;
    const step = s.geometry.spacing[0];
    return {
      x: axisWeights(-((nfx - 1) / 2) * hx, hx, nfx, -((m - 1) / 2) * step, step, m, s.resolution[0]),
      y: axisWeights(-((nfy - 1) / 2) * hy, hy, nfy, -((my - 1) / 2) * step, step, my, s.resolution[1]),
    };
  });
  const scratch = new Float32Array(nfy * Math.max(...series.map((s) => s.geometry.dims[0])));

  const M = anat.toLocal;
  const local = (p: readonly number[]): Vec3 => [
    M[0] * p[0] + M[1] * p[1] + M[2] * p[2],
    M[3] * p[0] + M[4] * p[1] + M[5] * p[2],
    M[6] * p[0] + M[7] * p[1] + M[8] * p[2],
  ];
  const dRow = local(g0.row);
  const dCol = local(g0.col);
  const dNormal = local(g0.normal);
  const hit = new LesionHit();
  const rows = new RowLesions(lesions);

  const dz: Vec3 = [0, 1, 2].map((d) => dNormal[d] * SUB_PLANE_OFFSET * g0.thickness) as Vec3;
  const sampler = new SliceSampler(anat, lesions, channels, fine, dRow, dCol, dz, hx, hy, nfx, nfy);
  for (let k = 0; k < nz; k++) {
    const centre = local(sliceCentre(g0, k));
    const start = [0, 1, 2].map(
      (d) => centre[d] - dRow[d] * ((nfx - 1) / 2) * hx - dCol[d] * ((nfy - 1) / 2) * hy,
    ) as Vec3;
    sampler.sample(start);
    series.forEach((s, n) => {
      const [m, my] = s.geometry.dims;
      const w = weights[n];
      channels.forEach((c, ci) => {
        if (c.series !== n) return;
        const out = outputs[n][c.target] as Float32Array;
        resamplePlaneInto(fine[ci], nfx, nfy, w.x, w.y, out, k * m * my, m, my, scratch);
      });
      // Wrap-around from the centre plane only: a faint fold-over needs no partial volume.
      const wrapped = outputs[n].wrapped;
      if (wrapped) {
        const fov = m * s.geometry.spacing[0];
        sampleWrap(anat, s.channel.table, wrapFine, start, dRow, dCol, hx, hy, nfx, nfy, fov);
        resamplePlaneInto(wrapFine, nfx, nfy, w.x, w.y, wrapped, k * m * my, m, my, scratch);
      }
    });
  }
  series.forEach((s, n) => markLesions(anat, lesions, s, outputs[n], hit, rows, local));
  return outputs;
}

/**
 * The grid the anatomy is sampled on for one slice: steps hx (along the rows) and hy (along the
 * columns) at the finest acquired resolution, nfx x nfy points centred on the slice's centre,
 * covering every series' field of view plus the PSF's reach.
 */
export function samplingGrid(series: readonly SeriesToRender[]): {
  hx: number;
  hy: number;
  nfx: number;
  nfy: number;
} {
  const hx = Math.min(...series.map((s) => s.resolution[0]));
  const hy = Math.min(...series.map((s) => s.resolution[1]));
  const reach = 2 * Math.max(...series.flatMap((s) => s.resolution)) + 2 * Math.max(hx, hy);
  const halfFov = Math.max(...series.map((s) => (s.geometry.dims[0] * s.geometry.spacing[0]) / 2));
  return {
    hx,
    hy,
    nfx: 2 * Math.ceil((halfFov + reach) / hx) + 1,
    nfy: 2 * Math.ceil((halfFov + reach) / hy) + 1,
  };
}

function newOutput(s: SeriesToRender, lesionCount: number): RenderOutput {
  const [nx, ny, nz] = s.geometry.dims;
  const n = nx * ny * nz;
  return {
    clean: new Float32Array(n),
    fatFailureDelta: s.channel.failureTable ? new Float32Array(n) : undefined,
    wrapped: s.channel.wrap ? new Float32Array(n) : undefined,
    mask: new Uint8Array(n),
    cells: new Uint8Array(n).fill(255),
    maskedRange: [n, -1],
    area: new Float32Array(lesionCount * nz * CELLS_PER_SLICE),
    depth: new Float32Array(lesionCount * nz * CELLS_PER_SLICE),
  };
}

/** Patient position of the centre of slice k. */
export function sliceCentre(g: SeriesGeometry, k: number): Vec3 {
  const [m, my] = g.dims;
  const out: Vec3 = [0, 0, 0];
  for (let d = 0; d < 3; d++) {
    out[d] =
      g.origin[d] +
      (g.row[d] * g.spacing[0] * (m - 1)) / 2 +
      (g.col[d] * g.spacing[1] * (my - 1)) / 2 +
      g.normal[d] * g.spacing[2] * k;
  }
  return out;
}

function assertSamePlan(a: SeriesGeometry, b: SeriesGeometry): void {
  const close = (x: readonly number[], y: readonly number[]): boolean =>
    x.every((v, i) => Math.abs(v - y[i]) < 1e-6);
  const same =
    a.dims[2] === b.dims[2] &&
    a.spacing[2] === b.spacing[2] &&
    a.thickness === b.thickness &&
    close(a.row, b.row) &&
    close(a.col, b.col) &&
    close(sliceCentre(a, 0), sliceCentre(b, 0));
  if (!same) throw new Error('renderSeries: the series do not share one slice plan');
}

/** Signal folded in from one field of view to either side along the rows (no phase oversampling). */
function sampleWrap(
  anat: Anatomy,
  table: Float32Array,
  out: Float32Array,
  start: Vec3,
  dRow: Vec3,
  dCol: Vec3,
  hx: number,
  hy: number,
  nfx: number,
  nfy: number,
  fov: number,
): void {
  const shift: Vec3 = [dRow[0] * fov, dRow[1] * fov, dRow[2] * fov];
  for (let j = 0; j < nfy; j++) {
    for (let i = 0; i < nfx; i++) {
      const u = start[0] + j * hy * dCol[0] + i * hx * dRow[0];
      const v = start[1] + j * hy * dCol[1] + i * hx * dRow[1];
      const w = start[2] + j * hy * dCol[2] + i * hx * dRow[2];
      let s = 0;
      for (const sign of [1, -1]) {
        const t = anat.classify(u + sign * shift[0], v + sign * shift[1], w + sign * shift[2]);
        s += table[t] + anat.fraction * (table[anat.second] - table[t]);
      }
      out[j * nfx + i] = s;
    }
  }
}

/**
 * Lesion masks, grid cells and per-cell areas/depths at the voxel centres of one series: only
 * the voxels of rows that cross a lesion's bounding box are classified.
 */
function markLesions(
  anat: Anatomy,
  lesions: readonly Lesion[],
  s: SeriesToRender,
  out: RenderOutput,
  hit: LesionHit,
  rows: RowLesions,
  local: (p: readonly number[]) => Vec3,
): void {
  if (lesions.length === 0) return;
  const g = s.geometry;
  const [nx, ny, nz] = g.dims;
  const active = s.channel.role === 'active';
  const voxelArea = g.spacing[0] * g.spacing[1];
  const step = local(g.row.map((x) => x * g.spacing[0]));
  const dj = local(g.col.map((x) => x * g.spacing[1]));
  const dk = local(g.normal.map((x) => x * g.spacing[2]));
  const o = local(g.origin);
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const start: Vec3 = [0, 1, 2].map((d) => o[d] + j * dj[d] + k * dk[d]) as Vec3;
      rows.select(start, step, nx);
      const rowBase = nx * (j + ny * k);
      for (let i = rows.first; i <= rows.last; i++) {
        const u = start[0] + i * step[0];
        const v = start[1] + i * step[1];
        const w = start[2] + i * step[2];
        const tissue = anat.classify(u, v, w);
        if (tissue === AIR) continue;
        hit.reset(tissue);
        for (let r = 0; r < rows.count; r++) {
          if (i >= rows.lo[r] && i <= rows.hi[r])
            hit.apply(anat, lesions[rows.index[r]], rows.index[r], u, v, w);
        }
        const code = active ? hit.activeCode : hit.structuralCode;
        if (code === 0) continue;
        const cell = cellOf(anat, u, v, w);
        const idx = rowBase + i;
        out.mask[idx] = code;
        out.cells[idx] = cell;
        if (idx < out.maskedRange[0]) out.maskedRange[0] = idx;
        if (idx > out.maskedRange[1]) out.maskedRange[1] = idx;
        const list = active ? hit.activeLesions : hit.structuralLesions;
        const count = active ? hit.activeCount : hit.structuralCount;
        for (let m = 0; m < count; m++) {
          const a = (list[m] * nz + k) * CELLS_PER_SLICE + cell;
          out.area[a] += voxelArea;
          if (anat.depth > out.depth[a]) out.depth[a] = anat.depth;
        }
      }
    }
  }
}
