import {
  JOINTS,
  QUADRANTS,
  uniqueCells,
  type CellRef,
  type GridCell,
  type Joint,
  type Quadrant,
} from '../grid';

export const BERLIN_MAX = 24;

export interface BerlinQuadrant {
  joint: Joint;
  quadrant: Quadrant;
  /** 0 none, 1 <33%, 2 33-66%, 3 >66% of the quadrant */
  grade: 0 | 1 | 2 | 3;
  /** the cell(s) whose extent set the grade */
  cells: CellRef[];
}

export interface BerlinResult {
  score: number;
  quadrants: BerlinQuadrant[];
  /** BME cells without an extent: graded 1 (the least a present lesion can be) and listed here */
  missingExtent: CellRef[];
}

/**
 * Berlin method: each of the 8 quadrants graded 0-3 by the extent of its BME; the quadrant's grade
 * is the largest extent the reader recorded for it on any slice (0-24).
 */
export function berlinScore(grid: readonly GridCell[]): BerlinResult {
  const bme = grid.filter((c) => c.lesions.includes('bme'));
  const quadrants: BerlinQuadrant[] = [];
  for (const joint of JOINTS) {
    for (const quadrant of QUADRANTS) {
      const here = bme.filter((c) => c.joint === joint && c.quadrant === quadrant);
      const gradeOf = (c: GridCell) => c.bmeExtent ?? 1;
      const grade = Math.max(0, ...here.map(gradeOf)) as BerlinQuadrant['grade'];
      quadrants.push({
        joint,
        quadrant,
        grade,
        cells: uniqueCells(here.filter((c) => gradeOf(c) === grade)),
      });
    }
  }
  return {
    score: quadrants.reduce((s, q) => s + q.grade, 0),
    quadrants,
    missingExtent: uniqueCells(bme.filter((c) => c.bmeExtent === undefined)),
  };
}
