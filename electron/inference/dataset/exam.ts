import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ModelGrid } from '../../imaging';
import type { TaskKey } from '../manifest';
import { prepareExam } from '../prepare';
import type { QualityFeatures } from '../quality';
import { phantomTargets } from './targets';

export interface DatasetExamTask {
  folder: string;
  id: string;
  outDir: string;
  grid: ModelGrid;
  features: boolean;
  site: string;
  labels: Record<TaskKey, boolean>;
}

export interface DatasetExamEntry {
  id: string;
  site: string;
  labels: Record<TaskKey, boolean>;
  /** file names relative to the dataset folder */
  files: {
    t1: string;
    stir: string;
    t1Clean?: string;
    stirClean?: string;
    t1Mask?: string;
    stirMask?: string;
  };
  source: { folder: string; t1Series: string; stirSeries: string };
  features?: QualityFeatures;
  warnings: string[];
  timingsMs: Record<string, number>;
}

function writeF32(outDir: string, name: string, data: Float32Array): string {
  // Float32Array is little-endian on every platform Node runs on (x64, arm64).
  writeFileSync(path.join(outDir, name), Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  return name;
}

/** The site recorded by the phantom generator, when the labels file has none. */
function truthSite(folder: string): string {
  const file = path.join(folder, 'truth.json');
  if (!existsSync(file)) return '';
  try {
    const truth = JSON.parse(readFileSync(file, 'utf8')) as { site?: unknown };
    return typeof truth.site === 'string' ? truth.site : '';
  } catch {
    return '';
  }
}

/** One exam through the inference front half, written as float32 tensors (docs/INTERFACES.md §2). */
export async function buildDatasetExam(task: DatasetExamTask): Promise<DatasetExamEntry> {
  const started = performance.now();
  const exam = await prepareExam([task.folder], task.grid);
  const files: DatasetExamEntry['files'] = {
    t1: writeF32(task.outDir, `${task.id}.t1.f32`, exam.t1.input),
    stir: writeF32(task.outDir, `${task.id}.stir.f32`, exam.stir.input),
  };
  const targetsStart = performance.now();
  const targets = phantomTargets(task.folder, { t1: exam.t1.raw, stir: exam.stir.raw });
  for (const [key, data] of Object.entries(targets)) {
    files[key as keyof typeof targets] = writeF32(task.outDir, `${task.id}.${key.toLowerCase()}.f32`, data);
  }
  return {
    id: task.id,
    site: task.site || truthSite(task.folder),
    labels: task.labels,
    files,
    source: {
      folder: path.resolve(task.folder),
      t1Series: exam.t1.stack.seriesInstanceUid,
      stirSeries: exam.stir.stack.seriesInstanceUid,
    },
    ...(task.features ? { features: exam.features } : {}),
    warnings: exam.selection.warnings.map((w) => w.message),
    timingsMs: {
      ...exam.timingsMs,
      targets: performance.now() - targetsStart,
      total: performance.now() - started,
    },
  };
}
