import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { CamPayload, FromWorker, ToWorker, WorkerSessionOptions } from './engine-protocol';
import type { StackOverrides } from './exam-select';
import { chooseModel, listModels, loadModelFolder, modelRoots, type InstalledModel } from './model-store';
import { STAGES, type Stage } from './pipeline';
import type { ModelOutput } from './result';
import type { ProviderName } from './providers';
import { startWorker } from './worker-pool';

/** A failure inside the worker, keeping the original class name (kind) and refusal code. */
export class EngineError extends Error {
  constructor(
    message: string,
    readonly kind: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** The run was cancelled; the worker doing it was terminated. */
export class CancelledError extends Error {
  readonly code = 'cancelled';
}

export interface EngineOptions {
  /** folders holding model folders (default: the repository's models/) */
  roots?: string[];
  /** default model: an id, id@version, or a model folder path */
  model?: string;
  session?: WorkerSessionOptions;
  /**
   * SQLite file holding the results cache (the store's database, or one of its own): the worker
   * opens its own connection, so cache reads and writes never block the caller's thread.
   */
  cacheFile?: string;
  log?: (message: string) => void;
}

export interface ReadOptions {
  /** this exam's model (id, id@version or folder), overriding the engine default */
  model?: string;
  overrides?: StackOverrides;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

export interface Progress {
  jobId: number;
  stage: Stage | 'load' | 'queued';
  /** 0..1 across the whole run, at the start of `stage` */
  fraction: number;
}

export interface QueueEntry {
  jobId: number;
  paths: string[];
  state: 'queued' | 'running';
  stage: Progress['stage'];
}

export type EngineOutput = ModelOutput & { cached: boolean };

interface Job {
  id: number;
  paths: string[];
  options: ReadOptions;
  stage: Progress['stage'];
  resolve: (v: EngineOutput) => void;
  reject: (e: Error) => void;
}

function startFraction(stage: Progress['stage']): number {
  let acc = 0;
  for (const s of STAGES) {
    if (s.stage === stage) return acc;
    acc += s.fraction;
  }
  return 0;
}

/**
 * Reads exams with a model, one after another, in a worker thread (decode, resample and ONNX
 * never block the caller's event loop). Cancelling the running exam terminates its worker, so the
 * work really stops; the next exam starts a fresh worker (and sessions).
 */
export class InferenceEngine {
  private worker: Worker | null = null;
  private readonly jobs: Job[] = [];
  private running: Job | null = null;
  private nextId = 1;
  private readonly log: (m: string) => void;

  constructor(private readonly options: EngineOptions = {}) {
    this.log = options.log ?? ((m) => process.stderr.write(m + '\n'));
  }

  /** The model a read would use: a folder path, else an installed id / id@version, else the default. */
  resolveModel(wanted = this.options.model): InstalledModel {
    if (
      wanted &&
      (wanted.includes('/') || wanted.includes(path.sep) || existsSync(path.join(wanted, 'manifest.json')))
    ) {
      return loadModelFolder(wanted);
    }
    return chooseModel(listModels(this.options.roots ?? modelRoots()).models, wanted);
  }

  /** Queues an exam; resolves with the result and CAMs (from cache when the same input met the same model). */
  read(paths: string[], options: ReadOptions = {}): Promise<EngineOutput> {
    return new Promise((resolve, reject) => {
      const job: Job = { id: this.nextId++, paths, options, stage: 'queued', resolve, reject };
      if (options.signal?.aborted) return reject(new CancelledError('cancelled before it started'));
      options.signal?.addEventListener('abort', () => this.cancel(job.id), { once: true });
      this.jobs.push(job);
      options.onProgress?.({ jobId: job.id, stage: 'queued', fraction: 0 });
      this.pump();
    });
  }

  /**
   * Starts the worker and opens (verifies, creates, warms up) the model's sessions ahead of the
   * first exam, e.g. at application start. Resolves with the provider that runs the model.
   */
  async prepare(model?: string): Promise<ProviderName> {
    const dir = this.resolveModel(model ?? this.options.model).dir;
    const worker = (this.worker ??= startWorker(new URL('./engine-worker.ts', import.meta.url)));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onMessage = (msg: FromWorker) => {
        if (msg.type === 'log') return this.log(msg.message);
        if (msg.id !== id) return;
        worker.off('message', onMessage);
        if (msg.type === 'prepared') resolve(msg.provider);
        else if (msg.type === 'error') reject(new EngineError(msg.message, msg.name, msg.code));
      };
      worker.on('message', onMessage);
      worker.postMessage({
        type: 'prepare',
        id,
        modelDir: dir,
        session: this.options.session ?? {},
      } satisfies ToWorker);
    });
  }

  queue(): QueueEntry[] {
    const all = this.running ? [this.running, ...this.jobs] : [...this.jobs];
    return all.map((j) => ({
      jobId: j.id,
      paths: j.paths,
      state: j === this.running ? 'running' : 'queued',
      stage: j.stage,
    }));
  }

  cancel(jobId: number): void {
    const queued = this.jobs.findIndex((j) => j.id === jobId);
    if (queued >= 0) {
      const [job] = this.jobs.splice(queued, 1);
      job.reject(new CancelledError(`cancelled while queued (${job.paths.join(', ')})`));
      return;
    }
    if (this.running?.id === jobId) {
      const job = this.running;
      this.running = null;
      void this.worker?.terminate();
      this.worker = null;
      job.reject(new CancelledError(`cancelled during ${job.stage} (${job.paths.join(', ')})`));
      this.pump();
    }
  }

  async close(): Promise<void> {
    for (const job of this.jobs.splice(0)) job.reject(new CancelledError('engine closed'));
    if (this.running) this.cancel(this.running.id);
    await this.worker?.terminate();
    this.worker = null;
  }

  private pump(): void {
    if (this.running || this.jobs.length === 0) return;
    const job = this.jobs.shift()!;
    this.running = job;
    this.start(job).then(
      (out) => this.finish(job, () => job.resolve(out)),
      (err: Error) => this.finish(job, () => job.reject(err)),
    );
  }

  private finish(job: Job, settle: () => void): void {
    if (this.running !== job) return; // cancelled meanwhile: already rejected
    this.running = null;
    settle();
    this.pump();
  }

  private async start(job: Job): Promise<EngineOutput> {
    const model = this.resolveModel(job.options.model);
    const worker = (this.worker ??= startWorker(new URL('./engine-worker.ts', import.meta.url)));
    const progress = (stage: Progress['stage']) => {
      job.stage = stage;
      job.options.onProgress?.({ jobId: job.id, stage, fraction: startFraction(stage) });
    };
    return new Promise<EngineOutput>((resolve, reject) => {
      const cleanup = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const onError = (err: Error) => {
        cleanup();
        if (this.worker === worker) this.worker = null;
        reject(new EngineError(`inference worker failed: ${err.message}`, 'WorkerError'));
      };
      const onExit = (code: number) => {
        cleanup();
        if (this.worker === worker) this.worker = null;
        reject(new CancelledError(`inference worker stopped (exit ${code})`));
      };
      const onMessage = (msg: FromWorker) => {
        if (msg.type === 'log') return this.log(msg.message);
        if (msg.id !== job.id) return;
        switch (msg.type) {
          case 'stage':
            return progress(msg.stage);
          case 'done':
            cleanup();
            return resolve({ result: msg.result, cams: msg.cams.map(toCam), cached: msg.cached });
          case 'error':
            cleanup();
            return reject(new EngineError(msg.message, msg.name, msg.code));
        }
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage({
        type: 'read',
        id: job.id,
        modelDir: model.dir,
        session: this.options.session ?? {},
        paths: job.paths,
        overrides: job.options.overrides ?? {},
        cacheFile: this.options.cacheFile,
      } satisfies ToWorker);
    });
  }
}

function toCam(c: CamPayload): ModelOutput['cams'][number] {
  return {
    task: c.task,
    sequence: c.sequence,
    volume: { dims: c.dims, spacing: c.spacing, affine: c.affine, data: c.data },
  };
}
