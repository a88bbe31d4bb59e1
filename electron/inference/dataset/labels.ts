import { readFileSync } from 'node:fs';
import { TASK_KEYS, type TaskKey } from '../manifest';

export interface ExamLabels {
  site: string;
  labels: Record<TaskKey, boolean>;
}

/** A labels file that cannot be used, with file and line named. */
export class LabelsError extends Error {}

function parseFlag(value: string, file: string, line: number, column: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === '1' || v === 'true') return true;
  if (v === '0' || v === 'false') return false;
  throw new LabelsError(`${file}:${line}: column ${column} must be 0 or 1 (got '${value}')`);
}

/**
 * labels.csv: header with `exam_id` and the three task columns (0/1), optional `site`; other
 * columns are ignored, so the phantom set's manifest.csv serves as is. Values hold no commas.
 */
export function readLabels(file: string): Map<string, ExamLabels> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new LabelsError(
      `${file}: cannot read labels (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim());
  const column = (name: string) => header.indexOf(name);
  const missing = ['exam_id', ...TASK_KEYS].filter((c) => column(c) < 0);
  if (missing.length > 0) throw new LabelsError(`${file}: header lacks column(s) ${missing.join(', ')}`);
  const out = new Map<string, ExamLabels>();
  for (let n = 1; n < lines.length; n++) {
    if (!lines[n].trim()) continue;
    const cells = lines[n].split(',');
    if (cells.length !== header.length) {
      throw new LabelsError(`${file}:${n + 1}: ${cells.length} values for ${header.length} columns`);
    }
    const id = cells[column('exam_id')].trim();
    if (!id) throw new LabelsError(`${file}:${n + 1}: empty exam_id`);
    if (out.has(id)) throw new LabelsError(`${file}:${n + 1}: exam_id '${id}' appears twice`);
    const labels = Object.fromEntries(
      TASK_KEYS.map((k) => [k, parseFlag(cells[column(k)], file, n + 1, k)]),
    ) as Record<TaskKey, boolean>;
    out.set(id, { site: column('site') >= 0 ? cells[column('site')].trim() : '', labels });
  }
  return out;
}
