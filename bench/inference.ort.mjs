// One network in onnxruntime-node with the engine's session options, long-lived for
// `npm run bench:inference` (bench/inference-worker.ts): after the session is created and warmed
// up (WARM_UP untimed runs) it prints {"ready": true}, then answers each line of stdin with one JSON line:
//   run          -> {"ms"}          one timed run
//   save <file> [output] -> {"saved"}  one output of the last run (default the first), raw float32
//   stats        -> {"peakRssMB"}   this process's peak RSS (its own: one network per process)
//   profile      -> {"profile"}     with --profile: ends onnxruntime's per-node profile, its JSON file
// Usage: inference.ort.mjs <file.onnx> THREADS WARM_UP [--low-memory] [--profile <file prefix>]
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'low-memory': { type: 'boolean', default: false }, profile: { type: 'string' } },
});
const [file, threadsArg, warmUpArg] = positionals;
const session = await ort.InferenceSession.create(file, {
  executionProviders: ['cpu'],
  graphOptimizationLevel: 'all',
  intraOpNumThreads: Number(threadsArg),
  interOpNumThreads: 1,
  ...(values['low-memory'] ? { enableCpuMemArena: false, enableMemPattern: false } : {}),
  ...(values.profile ? { enableProfiling: true, profileFilePrefix: values.profile } : {}),
  extra: { session: { intra_op: { allow_spinning: '0' } } },
});
const feeds = {};
for (const name of session.inputNames) {
  const meta = session.inputMetadata.find((m) => m.name === name);
  const shape = meta.shape.map((d) => (typeof d === 'number' ? d : 1));
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = Math.sin(i * 0.37);
  feeds[name] = new ort.Tensor('float32', data, shape);
}
let outputs;
for (let i = 0; i < Number(warmUpArg); i++) outputs = await session.run(feeds);
const answer = (value) => process.stdout.write(JSON.stringify(value) + '\n');
answer({ ready: true });
for await (const line of createInterface({ input: process.stdin })) {
  const [command, arg, output = session.outputNames[0]] = line.trim().split(/\s+/, 3);
  if (command === 'run') {
    const t = performance.now();
    outputs = await session.run(feeds);
    answer({ ms: performance.now() - t });
  } else if (command === 'save') {
    const data = outputs[output].data;
    writeFileSync(arg, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    answer({ saved: arg });
  } else if (command === 'profile' && values.profile) {
    session.endProfiling();
    answer({ profile: newestWithPrefix(values.profile) });
  } else if (command === 'stats') {
    answer({ peakRssMB: process.resourceUsage().maxRSS / 1024 });
  } else {
    answer({ error: `unknown command '${line}'` });
  }
}

/** onnxruntime names the profile <prefix>_<date and time>.json. */
function newestWithPrefix(prefix) {
  const dir = path.dirname(prefix);
  const files = readdirSync(dir)
    .filter((f) => f.startsWith(path.basename(prefix) + '_') && f.endsWith('.json'))
    .map((f) => path.join(dir, f));
  return files.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
}
