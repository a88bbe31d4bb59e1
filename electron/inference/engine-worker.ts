import { parentPort } from 'node:worker_threads';
import type { CamPayload, FromWorker, ToWorker, WorkerSessionOptions } from './engine-protocol';
import { loadModelFolder } from './model-store';
import { warmUp } from './networks';
import { CachedResultExists, readExam } from './pipeline';
import { openModel, type OpenModel } from './sessions';

// Runs in a worker thread: decoding, resampling and ONNX inference stay off the main event loop.
// Sessions are created once per model and options, warmed up, and reused for every exam.
const port = parentPort!;
const sessions = new Map<string, Promise<OpenModel>>();
const cacheAnswers = new Map<number, (cached: boolean) => void>();

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

async function read(msg: Extract<ToWorker, { type: 'read' }>): Promise<void> {
  const { id } = msg;
  post({ type: 'stage', id, stage: 'load' });
  const open = await sessionFor(msg.modelDir, msg.session);
  const output = await readExam(open, msg.paths, msg.overrides, {
    onStage: (stage) => post({ type: 'stage', id, stage }),
    isCached: msg.askCache
      ? (key, inputKey) =>
          new Promise<boolean>((resolve) => {
            cacheAnswers.set(id, resolve);
            post({ type: 'cache-question', id, key, inputKey });
          })
      : undefined,
  });
  const cams: CamPayload[] = output.cams.map((c) => ({ task: c.task, sequence: c.sequence, ...c.volume }));
  post(
    { type: 'done', id, result: output.result, cams },
    cams.map((c) => c.data.buffer as ArrayBuffer),
  );
}

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'cache-answer') {
    cacheAnswers.get(msg.id)?.(msg.cached);
    cacheAnswers.delete(msg.id);
    return;
  }
  read(msg).catch((err: Error & { code?: string }) => {
    if (err instanceof CachedResultExists) post({ type: 'cached', id: msg.id, key: err.key });
    else
      post({
        type: 'error',
        id: msg.id,
        name: err.constructor?.name ?? 'Error',
        code: err.code,
        message: err.message,
      });
  });
});
