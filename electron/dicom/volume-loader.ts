import { Worker } from 'node:worker_threads';
import type { Volume } from '../imaging/volume';
import type { DicomStack } from './types';

export interface LoadRequest {
  id: number;
  stack: DicomStack;
}
export type LoadReply = { id: number; volume: Volume } | { id: number; error: string };

// Worker threads do not inherit the tsx loader; the shared bootstrap registers it and then
// imports the entry named in workerData.
const BOOTSTRAP = new URL('../worker-bootstrap.mjs', import.meta.url);
const ENTRY = new URL('./load-worker.ts', import.meta.url);

interface Job {
  id: number;
  stack: DicomStack;
  resolve: (v: Volume) => void;
  reject: (e: Error) => void;
}

interface Thread {
  worker: Worker;
  job: Job | null;
  /** answered at least once: a thread that dies before that is not restarted (no restart loop) */
  served: boolean;
}

/**
 * `loadStackVolume` on persistent worker threads, one stack per thread at a time: the two
 * stacks of an exam, asked for together, load in parallel and off the caller's event loop, and
 * each volume comes back by transfer (no copy). Worth it only when kept for many loads: a
 * worker takes about a second to start under tsx. Errors name the file, as `loadStackVolume`'s
 * do. Idle threads do not keep the process alive.
 */
export class StackVolumeLoader {
  private readonly threads = new Set<Thread>();
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private lastFailure = '';

  constructor(threads = 2) {
    for (let i = 0; i < threads; i++) this.start();
  }

  load(stack: DicomStack): Promise<Volume> {
    if (this.closed) return Promise.reject(new Error('the stack volume loader is closed'));
    if (this.threads.size === 0) return Promise.reject(this.noThreads());
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, stack, resolve, reject });
      this.pump();
    });
  }

  /** Ends the threads; loads still queued or running are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('the stack volume loader was closed'));
    await Promise.all([...this.threads].map((t) => t.worker.terminate()));
  }

  private start(): void {
    const thread: Thread = {
      worker: new Worker(BOOTSTRAP, { workerData: { entry: ENTRY.href } }),
      job: null,
      served: false,
    };
    thread.worker.unref();
    thread.worker.on('message', (reply: LoadReply) => this.answer(thread, reply));
    // A thread that fails reports 'error' and then 'exit'; either one ends it here.
    thread.worker.on('error', (err) => this.lose(thread, err.message));
    thread.worker.on('exit', (code) => this.lose(thread, `exited with code ${code}`));
    this.threads.add(thread);
  }

  private answer(thread: Thread, reply: LoadReply): void {
    const job = thread.job;
    if (!job || reply.id !== job.id) return;
    thread.job = null;
    thread.served = true;
    thread.worker.unref();
    if ('volume' in reply) job.resolve(reply.volume);
    else job.reject(new Error(reply.error));
    this.pump();
  }

  private lose(thread: Thread, why: string): void {
    if (!this.threads.delete(thread)) return;
    this.lastFailure = why;
    thread.job?.reject(
      new Error(`loading stack ${thread.job.stack.seriesInstanceUid}: the loader thread failed (${why})`),
    );
    if (this.closed) return;
    if (thread.served) this.start();
    if (this.threads.size === 0) for (const job of this.queue.splice(0)) job.reject(this.noThreads());
    else this.pump();
  }

  private noThreads(): Error {
    return new Error(`no stack loader thread could start (${this.lastFailure || 'none was asked for'})`);
  }

  private pump(): void {
    for (const thread of this.threads) {
      if (this.queue.length === 0) return;
      if (thread.job) continue;
      const job = this.queue.shift()!;
      thread.job = job;
      thread.worker.ref();
      thread.worker.postMessage({ id: job.id, stack: job.stack } satisfies LoadRequest);
    }
  }
}
