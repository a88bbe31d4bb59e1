import type { Anatomy } from './anatomy';
import { cellOf, CELLS_PER_SLICE } from './quadrants';
import { LesionHit, type Lesion } from './lesions';
import type { SeriesGeometry } from './geometry';
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
  /** area (mm^2) per lesion x slice x cell, and the deepest voxel (mm) there */
  area: Float32Array;
  depth: Float32Array;
}

interface ChannelState {
  ch: RenderChannel;
  out: RenderOutput;
}

/**
 * Evaluate the analytic anatomy and lesions directly on the acquired voxel grid: each voxel centre
 * is mapped to the sacral frame incrementally, classified once, and given the signal of its tissue
 * mixture in every channel (series that share a grid, e.g. T1 and STIR with equal matrices, are
 * rendered in one pass). No intermediate volume is made.
 */
export function renderGrid(
  anat: Anatomy,
  lesions: readonly Lesion[],
  g: SeriesGeometry,
  channels: readonly RenderChannel[],
): RenderOutput[] {
  const [nx, ny, nz] = g.dims;
  const n = nx * ny * nz;
  const states: ChannelState[] = channels.map((ch) => ({
    ch,
    out: {
      clean: new Float32Array(n),
      fatFailureDelta: ch.failureTable ? new Float32Array(n) : undefined,
      wrapped: ch.wrap ? new Float32Array(n) : undefined,
      mask: new Uint8Array(n),
      cells: new Uint8Array(n).fill(255),
      area: new Float32Array(lesions.length * nz * CELLS_PER_SLICE),
      depth: new Float32Array(lesions.length * nz * CELLS_PER_SLICE),
    },
  }));
  const anyWrap = channels.some((c) => c.wrap);
  const voxelArea = g.spacing[0] * g.spacing[1];
  const M = anat.toLocal;
  const local = (p: number[]): [number, number, number] => [
    M[0] * p[0] + M[1] * p[1] + M[2] * p[2],
    M[3] * p[0] + M[4] * p[1] + M[5] * p[2],
    M[6] * p[0] + M[7] * p[1] + M[8] * p[2],
  ];
  const di = local(g.row.map((x) => x * g.spacing[0]));
  const dj = local(g.col.map((x) => x * g.spacing[1]));
  const dk = local(g.normal.map((x) => x * g.spacing[2]));
  const o = local(g.origin);
  const fovShift = local(g.row.map((x) => x * g.spacing[0] * nx));
  const hit = new LesionHit();
  const rowLesions: number[] = [];

  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const u0 = o[0] + j * dj[0] + k * dk[0];
      const v0 = o[1] + j * dj[1] + k * dk[1];
      const w0 = o[2] + j * dj[2] + k * dk[2];
      selectRowLesions(lesions, rowLesions, u0, v0, w0, u0 + nx * di[0], v0 + nx * di[1], w0 + nx * di[2]);
      const rowBase = nx * (j + ny * k);
      for (let i = 0; i < nx; i++) {
        const u = u0 + i * di[0];
        const v = v0 + i * di[1];
        const w = w0 + i * di[2];
        const idx = rowBase + i;
        if (anyWrap) {
          // Tissue one field of view to either side folds into this voxel (no phase oversampling).
          const t1 = anat.classify(u + fovShift[0], v + fovShift[1], w + fovShift[2]);
          const r1 = anat.red;
          const t2 = anat.classify(u - fovShift[0], v - fovShift[1], w - fovShift[2]);
          const r2 = anat.red;
          for (const st of states) {
            if (st.out.wrapped)
              st.out.wrapped[idx] = signalOf(t1, r1, st.ch.table) + signalOf(t2, r2, st.ch.table);
          }
        }
        const tissue = anat.classify(u, v, w);
        if (tissue === Tissue.air) continue;
        let t: number = tissue;
        let mix = 0;
        let mixTissue = 0;
        let cell = -1;
        if (rowLesions.length > 0) {
          hit.reset(tissue);
          for (const L of rowLesions) hit.apply(anat, lesions[L], L, u, v, w);
          t = hit.tissue;
          mix = hit.mix;
          mixTissue = hit.mixTissue;
          for (const st of states) {
            const active = st.ch.role === 'active';
            const code = active ? hit.activeCode : hit.structuralCode;
            if (code === 0) continue;
            if (cell < 0) cell = cellOf(anat, u, v, w);
            st.out.mask[idx] = code;
            st.out.cells[idx] = cell;
            const list = active ? hit.activeLesions : hit.structuralLesions;
            const count = active ? hit.activeCount : hit.structuralCount;
            for (let m = 0; m < count; m++) {
              const a = (list[m] * nz + k) * CELLS_PER_SLICE + cell;
              st.out.area[a] += voxelArea;
              if (anat.depth > st.out.depth[a]) st.out.depth[a] = anat.depth;
            }
          }
        }
        const red = t === Tissue.marrow || t === Tissue.muscle ? anat.red : 0;
        for (const st of states) {
          const table = st.ch.table;
          let s = signalOf(t, red, table);
          if (mix > 0) s = (1 - mix) * s + mix * table[mixTissue];
          st.out.clean[idx] = s;
          const fail = st.ch.failureTable;
          if (fail && st.out.fatFailureDelta) {
            let f = signalOf(t, red, fail);
            if (mix > 0) f = (1 - mix) * f + mix * fail[mixTissue];
            st.out.fatFailureDelta[idx] = f - s;
          }
        }
      }
    }
  }
  return states.map((s) => s.out);
}

/** `red` is the red-marrow fraction in marrow and the fat (marbling) fraction in muscle. */
function signalOf(t: number, red: number, tab: Float32Array): number {
  if (t === Tissue.marrow) return (1 - red) * tab[Tissue.marrow] + red * tab[Tissue.redMarrow];
  if (t === Tissue.muscle) return (1 - red) * tab[Tissue.muscle] + red * tab[Tissue.fat];
  return tab[t];
}

/** Lesions whose bounding box the row segment may cross (a cheap pre-filter for the inner loop). */
function selectRowLesions(
  lesions: readonly Lesion[],
  out: number[],
  u0: number,
  v0: number,
  w0: number,
  u1: number,
  v1: number,
  w1: number,
): void {
  out.length = 0;
  const uLo = Math.min(u0, u1);
  const uHi = Math.max(u0, u1);
  const vLo = Math.min(v0, v1);
  const vHi = Math.max(v0, v1);
  const wLo = Math.min(w0, w1);
  const wHi = Math.max(w0, w1);
  for (let L = 0; L < lesions.length; L++) {
    const c = lesions[L].centre;
    const r = lesions[L].radii;
    // 1.4: the irregular border may reach beyond the nominal radius.
    if (c[0] + 1.4 * r[0] < uLo || c[0] - 1.4 * r[0] > uHi) continue;
    if (c[1] + 1.4 * r[1] < vLo || c[1] - 1.4 * r[1] > vHi) continue;
    if (c[2] + 1.4 * r[2] < wLo || c[2] - 1.4 * r[2] > wHi) continue;
    out.push(L);
  }
}

/** Render T1 and STIR, in one pass when their grids are identical. */
export function renderPair(
  anat: Anatomy,
  lesions: readonly Lesion[],
  t1: { geometry: SeriesGeometry; channel: RenderChannel },
  stir: { geometry: SeriesGeometry; channel: RenderChannel },
): [RenderOutput, RenderOutput] {
  if (sameGrid(t1.geometry, stir.geometry)) {
    const [a, b] = renderGrid(anat, lesions, t1.geometry, [t1.channel, stir.channel]);
    return [a, b];
  }
  return [
    renderGrid(anat, lesions, t1.geometry, [t1.channel])[0],
    renderGrid(anat, lesions, stir.geometry, [stir.channel])[0],
  ];
}

function sameGrid(a: SeriesGeometry, b: SeriesGeometry): boolean {
  return (
    a.dims.every((d, i) => d === b.dims[i]) &&
    a.spacing.every((s, i) => s === b.spacing[i]) &&
    a.origin.every((x, i) => x === b.origin[i])
  );
}
