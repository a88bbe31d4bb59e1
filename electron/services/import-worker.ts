/**
 * Worker thread that scans and indexes imported folders, so a large import never blocks the
 * host's event loop (the UI, the WebSocket, running models). It opens its own connection to
 * the workstation database (WAL) and posts progress at most every 100 ms, then the scan.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openFolders, openStore } from '../store';
import type { ImportJob, ImportWorkerMessage } from './import-runner';

const port = parentPort!;
const db = openStore((workerData as { dbPath: string }).dbPath);

function post(message: ImportWorkerMessage): void {
  port.postMessage(message);
}

port.on('message', (job: ImportJob) => {
  let last = 0;
  try {
    const opened = openFolders(db, job.paths, {
      onFile(filesDone, filesTotal, file) {
        const now = Date.now();
        if (now - last < 100 && filesDone < filesTotal) return;
        last = now;
        post({ id: job.id, kind: 'progress', filesDone, filesTotal, file });
      },
    });
    post({ id: job.id, kind: 'done', scan: opened.scan });
  } catch (err) {
    post({ id: job.id, kind: 'failed', message: err instanceof Error ? err.message : String(err) });
  }
});
