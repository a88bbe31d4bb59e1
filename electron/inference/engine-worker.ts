import { parentPort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { applyInferenceMigration, SqliteResultCache } from './cache';
import type { CamPayload, FromWorker, ToWorker, WorkerSessionOptions } from './engine-protocol';
import { loadModelFolder } from './model-store';
import { warmUp } from './networks';
import { withHeatmapEvidence } from './heatmap-evidence';
import { CachedResultExists, readExam } from './pipeline';
import type { ModelOutput } from './result';
import { openModel, type OpenModel } from './sessions';

// Runs in a worker thread: decoding, resampling, ONNX inference and cache I/O stay off the main
// event loop. Sessions are created once per model and options, warmed up, and reused.
const port = parentPort!;
const sessions = new Map<string, Promise<OpenModel>>();
const caches = new Map<string, SqliteResultCache>();

function post(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

function sessionFor(modelDir: string, options: WorkerSessionOptions): Promise<OpenModel> {
  const model = loadModelFolder(modelDir);
  const key = JSON.stringify([model.dir, model.sha256, options]);
  let open = sessions.get(key);
  if (!open) {
    open = openModel(model, { ...options, log: (message) => post({ type: 'log', message }) }).then(
      async (m) => {
        await warmUp(m);
        return m;
      },
    );
    sessions.set(key, open);
    open.catch(() => sessions.delete(key));
  }
  return open;
}

/** The worker's own connection to the cache file (WAL, so the main process can read meanwhile). */
function cacheFor(file: string): SqliteResultCache {
  let cache = caches.get(file);
  if (!cache) {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    applyInferenceMigration(db);
    cache = new SqliteResultCache(db);
    caches.set(file, cache);
  }
  return cache;
}

function send(id: number, output: ModelOutput, cached: boolean): void {
  const cams: CamPayload[] = output.cams.map((c) => ({ task: c.task, sequence: c.sequence, ...c.volume }));
  post(
    { type: 'done', id, result: output.result, cams, cached },
    cams.map((c) => c.data.buffer as ArrayBuffer),
  );
}

async function read(msg: Extract<ToWorker, { type: 'read' }>): Promise<void> {
  const { id } = msg;
  const cache = msg.cacheFile ? cacheFor(msg.cacheFile) : undefined;
  post({ type: 'stage', id, stage: 'load' });
  const open = await sessionFor(msg.modelDir, msg.session);
  try {
    const output = await readExam(open, msg.paths, msg.overrides, {
      onStage: (stage) => post({ type: 'stage', id, stage }),
      isCached: cache ? (key) => cache.get(key) !== undefined : undefined,
    });
    // Stored in one transaction only once the run is complete: a failure or cancel leaves nothing.
    cache?.put(output);
    send(id, output, false);
  } catch (err) {
    const hit = err instanceof CachedResultExists ? cache?.get(err.key) : undefined;
    if (!hit) throw err;
    send(id, { ...hit, result: withHeatmapEvidence(hit.result, open.model.manifest) }, true);
  }
}

async function handle(msg: ToWorker): Promise<void> {
  if (msg.type === 'read') return read(msg);
  const open = await sessionFor(msg.modelDir, msg.session);
  post({ type: 'prepared', id: msg.id, provider: open.provider });
}

port.on('message', (msg: ToWorker) => {
  handle(msg).catch((err: Error & { code?: string }) => {
    post({
      type: 'error',
      id: msg.id,
      name: err.constructor?.name ?? 'Error',
      code: err.code,
      message: err.message,
    });
  });
});
