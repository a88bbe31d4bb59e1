import { cellKey } from './grid';
import type { Reading } from './schema';

export interface AuditChange {
  /** dotted path into the reading; grid cells as grid[slice/joint/quadrant] */
  path: string;
  from: unknown;
  to: unknown;
}

/** Bookkeeping fields that change on every save and would only add noise to the audit trail. */
const IGNORED = new Set(['updatedAt']);

/** Every leaf that differs between two versions of a reading: what the audit log records. */
export function diffReadings(before: Reading | null, after: Reading): AuditChange[] {
  if (before === null) return [{ path: '', from: null, to: 'created' }];
  const out: AuditChange[] = [];
  const beforeGrid = new Map(before.grid.map((c) => [cellKey(c), c]));
  const afterGrid = new Map(after.grid.map((c) => [cellKey(c), c]));
  for (const key of new Set([...beforeGrid.keys(), ...afterGrid.keys()])) {
    const a = beforeGrid.get(key) ?? null;
    const b = afterGrid.get(key) ?? null;
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ path: `grid[${key}]`, from: a, to: b });
  }
  diffValues(before, after, '', out, (path) => path === 'grid' || IGNORED.has(path));
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function diffValues(
  a: unknown,
  b: unknown,
  path: string,
  out: AuditChange[],
  skip: (p: string) => boolean,
): void {
  if (skip(path)) return;
  if (isPlainObject(a) && isPlainObject(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      diffValues(a[k], b[k], path ? `${path}.${k}` : k, out, skip);
    }
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ path, from: a ?? null, to: b ?? null });
}
