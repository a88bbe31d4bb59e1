import { Worker } from 'node:worker_threads';
import type { ScanResult } from '../dicom';

export interface ImportJob {
  id: number;
  paths: string[];
}

export type ImportWorkerMessage =
  | { id: number; kind: 'progress'; filesDone: number; filesTotal: number; file: string }
  | { id: number; kind: 'done'; scan: ScanResult }
  | { id: number; kind: 'failed'; message: string };

// Worker threads do not inherit the tsx loader; the inference engine's bootstrap registers it
// and then imports the entry named in workerData.
const BOOTSTRAP = new URL('../worker-bootstrap.mjs', import.meta.url);
const ENTRY = new URL('./import-worker.ts', import.meta.url);

/** Runs folder imports one at a time in a worker thread started on first use. */
export class ImportRunner {
  private worker: Worker | null = null;
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly dbPath: string) {}

  /** Scans and indexes `paths` (through the study index: unchanged folders are not parsed). */
  run(
    paths: string[],
    onProgress: (filesDone: number, filesTotal: number, file: string) => void,
  ): Promise<ScanResult> {
    const job = this.queue.then(() => this.execute(paths, onProgress));
    this.queue = job.catch(() => undefined);
    return job;
  }

  private execute(
    paths: string[],
    onProgress: (filesDone: number, filesTotal: number, file: string) => void,
  ): Promise<ScanResult> {
    const worker = (this.worker ??= new Worker(BOOTSTRAP, {
      workerData: { entry: ENTRY.href, dbPath: this.dbPath },
    }));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
      };
      const onMessage = (m: ImportWorkerMessage) => {
        if (m.id !== id) return;
        if (m.kind === 'progress') return onProgress(m.filesDone, m.filesTotal, m.file);
        cleanup();
        if (m.kind === 'done') resolve(m.scan);
        else reject(new Error(m.message));
      };
      const onError = (err: Error) => {
        cleanup();
        this.worker = null;
        reject(err);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.postMessage({ id, paths } satisfies ImportJob);
    });
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
    this.worker = null;
  }
}
