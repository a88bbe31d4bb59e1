import type { Affine } from '../imaging';
import type { SequenceKey, TaskKey } from './manifest';
import type { ProviderName } from './providers';
import type { ModelResult } from './result';
import type { StackOverrides } from './exam-select';
import type { Stage } from './pipeline';

/** Messages between InferenceEngine (main thread) and engine-worker.ts. */
export interface WorkerSessionOptions {
  providers?: ProviderName[];
  threads?: number;
  lowMemory?: boolean;
}

export type ToWorker =
  | { type: 'prepare'; id: number; modelDir: string; session: WorkerSessionOptions }
  | {
      type: 'read';
      id: number;
      modelDir: string;
      session: WorkerSessionOptions;
      paths: string[];
      overrides: StackOverrides;
      /** SQLite file of the results cache (tables of 0500-inference.sql); the worker reads and writes it */
      cacheFile?: string;
    };

export interface CamPayload {
  task: TaskKey;
  sequence: SequenceKey;
  dims: [number, number, number];
  spacing: [number, number, number];
  affine: Affine;
  data: Float32Array;
}

export type FromWorker =
  | { type: 'stage'; id: number; stage: Stage | 'load' }
  | { type: 'log'; message: string }
  | { type: 'done'; id: number; result: ModelResult; cams: CamPayload[]; cached: boolean }
  | { type: 'prepared'; id: number; provider: ProviderName }
  | { type: 'error'; id: number; name: string; code?: string; message: string };
