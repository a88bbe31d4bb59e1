/**
 * The lesion grid: what the reader marks per semicoronal slice x joint x quadrant. Every score is
 * computed from it. Keys match the phantom's truth.json (docs/INTERFACES.md §1) so a truth grid
 * can be scored directly.
 */

export const JOINTS = ['left', 'right'] as const;
export type Joint = (typeof JOINTS)[number];

export const QUADRANTS = ['upper_ilium', 'lower_ilium', 'upper_sacrum', 'lower_sacrum'] as const;
export type Quadrant = (typeof QUADRANTS)[number];

export const ACTIVE_LESIONS = [
  'bme',
  'capsulitis',
  'joint_space_enhancement',
  'joint_space_fluid',
  'enthesitis',
  'inflammation_in_erosion',
] as const;
export const STRUCTURAL_LESIONS = [
  'erosion',
  'sclerosis',
  'fat_lesion',
  'backfill',
  'ankylosis',
  'bone_bud',
] as const;
export const LESION_TYPES = [...ACTIVE_LESIONS, ...STRUCTURAL_LESIONS] as const;
export type LesionType = (typeof LESION_TYPES)[number];

/** Berlin BME extent within a quadrant on a slice: 1 = <33%, 2 = 33-66%, 3 = >66%. */
export type BmeExtent = 1 | 2 | 3;

export interface GridCell {
  /** index in the semicoronal series, acquisition order along the slice normal */
  slice: number;
  joint: Joint;
  quadrant: Quadrant;
  lesions: LesionType[];
  /** BME as bright as CSF / presacral vessels (SPARCC intensity) */
  bmeIntense?: boolean;
  /** BME reaching >= 1 cm from the articular surface (SPARCC depth) */
  bmeDeep?: boolean;
  /** fat lesion reaching > 1 cm from the articular surface (definite structural lesion) */
  fatDeep?: boolean;
  bmeExtent?: BmeExtent;
  /**
   * Lesion identity for a lesion that crosses a quadrant boundary: cells sharing an id for the same
   * lesion type on one slice are one lesion, not several (matters for the ASAS two-lesion rule).
   */
  lesionRefs?: Partial<Record<LesionType, string>>;
  /** separate BME lesions inside this one cell (the phantom's truth records it; default 1) */
  bmeLesions?: number;
}

/** A grid position without its content: what a rule points at when it says "these cells". */
export interface CellRef {
  slice: number;
  joint: Joint;
  quadrant: Quadrant;
}

export type JointHalf = 'upper' | 'lower';

export function halfOf(q: Quadrant): JointHalf {
  return q.startsWith('upper') ? 'upper' : 'lower';
}

export function boneOf(q: Quadrant): 'ilium' | 'sacrum' {
  return q.endsWith('ilium') ? 'ilium' : 'sacrum';
}

export function cellRef(c: CellRef): CellRef {
  return { slice: c.slice, joint: c.joint, quadrant: c.quadrant };
}

export function locationKey(c: { joint: Joint; quadrant: Quadrant }): string {
  return `${c.joint}/${c.quadrant}`;
}

export function cellKey(c: CellRef): string {
  return `${c.slice}/${c.joint}/${c.quadrant}`;
}

export function cellsWith(grid: readonly GridCell[], lesion: LesionType): GridCell[] {
  return grid.filter((c) => c.lesions.includes(lesion));
}

export function compareCells(a: CellRef, b: CellRef): number {
  return (
    a.slice - b.slice ||
    JOINTS.indexOf(a.joint) - JOINTS.indexOf(b.joint) ||
    QUADRANTS.indexOf(a.quadrant) - QUADRANTS.indexOf(b.quadrant)
  );
}

/** Cells ordered slice, joint, quadrant so rule outputs are stable and comparable. */
export function sortCells<T extends CellRef>(cells: readonly T[]): T[] {
  return [...cells].sort(compareCells);
}

export function uniqueCells(cells: readonly CellRef[]): CellRef[] {
  const seen = new Map<string, CellRef>();
  for (const c of cells) seen.set(cellKey(c), cellRef(c));
  return sortCells([...seen.values()]);
}

/**
 * The longest runs of consecutive slices carrying `lesion` at one location (joint + quadrant).
 * Returns every run whose length is >= minLength, as the cells that make it up.
 */
export function sameLocationRuns(
  grid: readonly GridCell[],
  lesion: LesionType,
  minLength: number,
): CellRef[][] {
  const slicesByLocation = new Map<string, { joint: Joint; quadrant: Quadrant; slices: Set<number> }>();
  for (const c of cellsWith(grid, lesion)) {
    const key = locationKey(c);
    const entry = slicesByLocation.get(key) ?? { joint: c.joint, quadrant: c.quadrant, slices: new Set() };
    entry.slices.add(c.slice);
    slicesByLocation.set(key, entry);
  }
  const runs: CellRef[][] = [];
  for (const { joint, quadrant, slices } of slicesByLocation.values()) {
    const sorted = [...slices].sort((a, b) => a - b);
    let run: number[] = [];
    const flush = () => {
      if (run.length >= minLength) runs.push(run.map((slice) => ({ slice, joint, quadrant })));
    };
    for (const s of sorted) {
      if (run.length > 0 && s !== run[run.length - 1] + 1) {
        flush();
        run = [];
      }
      run.push(s);
    }
    flush();
  }
  return runs.sort((a, b) => compareCells(a[0], b[0]));
}

/** Distinct quadrants (joint + quadrant, any slice) carrying `lesion`. */
export function distinctLocations(grid: readonly GridCell[], lesion: LesionType): string[] {
  return [...new Set(cellsWith(grid, lesion).map(locationKey))].sort();
}

/** One cell per position, lesions merged and de-duplicated, empty cells dropped, sorted. */
export function normaliseGrid(grid: readonly GridCell[]): GridCell[] {
  const byKey = new Map<string, GridCell>();
  for (const c of grid) {
    const key = cellKey(c);
    const prev = byKey.get(key);
    if (!prev) {
      byKey.set(key, { ...c, lesions: LESION_TYPES.filter((l) => c.lesions.includes(l)) });
      continue;
    }
    const lesions = LESION_TYPES.filter((l) => prev.lesions.includes(l) || c.lesions.includes(l));
    byKey.set(key, {
      ...prev,
      ...c,
      lesions,
      bmeIntense: prev.bmeIntense || c.bmeIntense,
      bmeDeep: prev.bmeDeep || c.bmeDeep,
      fatDeep: prev.fatDeep || c.fatDeep,
      bmeExtent: (Math.max(prev.bmeExtent ?? 0, c.bmeExtent ?? 0) || undefined) as BmeExtent | undefined,
      lesionRefs: { ...prev.lesionRefs, ...c.lesionRefs },
      bmeLesions: Math.max(prev.bmeLesions ?? 1, c.bmeLesions ?? 1),
    });
  }
  return sortCells([...byKey.values()].filter((c) => c.lesions.length > 0));
}

/**
 * The cell at `ref` with `lesion` switched on or off: what a click on a grid cell and a mark in a
 * view both produce (one edit path). Other lesions and flags in the cell are kept; switching BME
 * off also clears its intensity/depth flags, switching a fat lesion off its depth flag.
 */
export function toggledCell(grid: readonly GridCell[], ref: CellRef, lesion: LesionType): GridCell {
  const prev = grid.find((c) => cellKey(c) === cellKey(ref)) ?? { ...cellRef(ref), lesions: [] };
  if (!prev.lesions.includes(lesion)) return { ...prev, lesions: [...prev.lesions, lesion] };
  const next: GridCell = { ...prev, lesions: prev.lesions.filter((l) => l !== lesion) };
  if (lesion === 'bme') {
    delete next.bmeIntense;
    delete next.bmeDeep;
    delete next.bmeExtent;
  }
  if (lesion === 'fat_lesion') delete next.fatDeep;
  return next;
}
