import { Worker, parentPort, type TransferListItem } from 'node:worker_threads';

const BOOTSTRAP = new URL('../worker-bootstrap.mjs', import.meta.url);

/** An error from a worker, with the original error's class name kept for the caller's checks. */
export class WorkerTaskError extends Error {
  constructor(
    message: string,
    readonly originalName: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

type Reply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; name: string; message: string; code?: string };

/** Starts a TypeScript worker (tsx registered first) from a module URL. */
export function startWorker(entry: URL, data: Record<string, unknown> = {}): Worker {
  return new Worker(BOOTSTRAP, { workerData: { ...data, entry: entry.href } });
}

/** Worker side: answers each { id, task } with the handler's result or its error. */
export function serveTasks<TIn, TOut>(
  handler: (task: TIn) => Promise<{ result: TOut; transfer?: TransferListItem[] }>,
): void {
  if (!parentPort) throw new Error('serveTasks must run in a worker thread');
  const port = parentPort;
  port.on('message', async (msg: { id: number; task: TIn }) => {
    try {
      const { result, transfer } = await handler(msg.task);
      port.postMessage({ id: msg.id, ok: true, result } satisfies Reply, transfer ?? []);
    } catch (err) {
      const e = err as Error & { code?: string };
      port.postMessage({
        id: msg.id,
        ok: false,
        name: e.name ?? 'Error',
        message: e.message ?? String(err),
        code: e.code,
      } satisfies Reply);
    }
  });
}

/** N workers running one task each at a time, tasks taken in submission order. */
export class WorkerPool<TIn, TOut> {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly queue: { task: TIn; resolve: (v: TOut) => void; reject: (e: Error) => void }[] = [];
  private nextId = 0;

  constructor(entry: URL, size: number, data: Record<string, unknown> = {}) {
    for (let n = 0; n < size; n++) {
      const w = startWorker(entry, data);
      this.all.push(w);
      this.idle.push(w);
    }
  }

  run(task: TIn): Promise<TOut> {
    return new Promise((resolve, reject) => {
      this.queue.push({ task, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const job = this.queue.shift()!;
      const id = this.nextId++;
      const onMessage = (reply: Reply) => {
        if (reply.id !== id) return;
        cleanup();
        this.idle.push(worker);
        if (reply.ok) job.resolve(reply.result as TOut);
        else job.reject(new WorkerTaskError(reply.message, reply.name, reply.code));
        this.pump();
      };
      const onError = (err: Error) => {
        cleanup();
        job.reject(err);
      };
      const cleanup = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.postMessage({ id, task: job.task });
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((w) => w.terminate()));
  }
}
