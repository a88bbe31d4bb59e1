// Worker threads do not inherit the parent's tsx loader, so each worker registers it before
// importing its TypeScript entry (workerData.entry, a file URL).
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
