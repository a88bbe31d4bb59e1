import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ModelGrid } from '../../imaging';
import { WorkerPool } from '../worker-pool';
import type { DatasetExamEntry, DatasetExamTask } from './exam';
import { readLabels } from './labels';

export const DATASET_SCHEMA = 'sij-dataset/1';

export interface DatasetOptions {
  folders: string[];
  labelsFile: string;
  outDir: string;
  grid: ModelGrid;
  features: boolean;
  workers: number;
  onExam?: (done: number, total: number, entry: DatasetExamEntry | { id: string; error: string }) => void;
}

export interface DatasetSummary {
  file: string;
  exams: number;
  skipped: { id: string; folder: string; reason: string }[];
  wallMs: number;
}

/**
 * A folder of exams is expanded when it is a phantom-set root (it holds manifest.csv): each of
 * its sub-folders is one exam. Any other folder is one exam.
 */
export function expandExamFolders(folders: string[]): string[] {
  return folders.flatMap((f) => {
    if (!existsSync(path.join(f, 'manifest.csv'))) return [f];
    return readdirSync(f, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => path.join(f, e.name))
      .sort();
  });
}

/**
 * `sij dataset`: every exam through the same front half as inference, on `workers` threads, then
 * dataset.json (written last, via a temporary name, so a crashed run never leaves one that lists
 * files which are not there). An exam that fails is listed under `skipped` with its reason.
 */
export async function buildDataset(options: DatasetOptions): Promise<DatasetSummary> {
  const started = performance.now();
  const labels = readLabels(options.labelsFile);
  const folders = expandExamFolders(options.folders);
  for (const f of folders) {
    if (!existsSync(f) || !statSync(f).isDirectory()) throw new Error(`${f}: not a folder`);
  }
  mkdirSync(options.outDir, { recursive: true });
  const skipped: DatasetSummary['skipped'] = [];
  const tasks: DatasetExamTask[] = [];
  const ids = new Set<string>();
  for (const folder of folders) {
    const id = path.basename(path.resolve(folder));
    const label = labels.get(id);
    if (ids.has(id)) throw new Error(`${folder}: exam id '${id}' (the folder name) appears twice`);
    ids.add(id);
    if (!label) {
      skipped.push({ id, folder, reason: `no row for exam_id '${id}' in ${options.labelsFile}` });
      continue;
    }
    tasks.push({
      folder,
      id,
      outDir: options.outDir,
      grid: options.grid,
      features: options.features,
      ...label,
    });
  }
  const pool = new WorkerPool<DatasetExamTask, DatasetExamEntry>(
    new URL('./worker.ts', import.meta.url),
    Math.max(1, Math.min(options.workers, tasks.length)),
  );
  const entries: (DatasetExamEntry | undefined)[] = new Array(tasks.length);
  let done = 0;
  try {
    await Promise.all(
      tasks.map(async (task, n) => {
        try {
          entries[n] = await pool.run(task);
          options.onExam?.(++done, tasks.length, entries[n]!);
        } catch (err) {
          const reason = (err as Error).message;
          skipped.push({ id: task.id, folder: task.folder, reason });
          options.onExam?.(++done, tasks.length, { id: task.id, error: reason });
        }
      }),
    );
  } finally {
    await pool.close();
  }
  const exams = entries.filter((e): e is DatasetExamEntry => e !== undefined);
  const file = path.join(options.outDir, 'dataset.json');
  const json = {
    schema: DATASET_SCHEMA,
    grid: { size: options.grid.size, spacing: options.grid.spacing },
    normalisation: { type: 'zscore' },
    layout: 'little-endian float32, C order [D][H][W]',
    exams,
    skipped,
  };
  writeFileSync(file + '.tmp', JSON.stringify(json, null, 1));
  renameSync(file + '.tmp', file);
  return { file, exams: exams.length, skipped, wallMs: performance.now() - started };
}
