/**
 * Worker thread of `StackVolumeLoader`: loads one stack per message and sends the volume back
 * with its Float32 buffer transferred, not copied.
 */
import { parentPort } from 'node:worker_threads';
import { loadStackVolume } from './load';
import type { LoadReply, LoadRequest } from './volume-loader';

const port = parentPort!;
port.on('message', async ({ id, stack }: LoadRequest) => {
  try {
    const volume = await loadStackVolume(stack);
    port.postMessage({ id, volume } satisfies LoadReply, [volume.data.buffer as ArrayBuffer]);
  } catch (err) {
    port.postMessage({ id, error: err instanceof Error ? err.message : String(err) } satisfies LoadReply);
  }
});
