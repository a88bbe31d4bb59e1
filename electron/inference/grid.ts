import type { ModelGrid } from '../imaging';

/** The shipped model's grid (docs/INTERFACES.md §2): [slices, rows, cols] voxels at [3.5, 2, 2] mm. */
export const SHIPPED_GRID: ModelGrid = { size: [20, 112, 112], spacing: [3.5, 2.0, 2.0] };

/** "20x112x112" -> [20, 112, 112]; whole numbers for sizes, positive numbers for spacings. */
export function parseTriple(text: string, flag: string, integer: boolean): [number, number, number] {
  const parts = text.split('x').map(Number);
  const ok =
    parts.length === 3 &&
    parts.every((v) => Number.isFinite(v) && v > 0 && (!integer || Number.isInteger(v)));
  if (!ok)
    throw new Error(
      `${flag} must be three ${integer ? 'whole ' : ''}positive numbers like ${integer ? '20x112x112' : '3.5x2x2'} (got '${text}')`,
    );
  return parts as [number, number, number];
}
