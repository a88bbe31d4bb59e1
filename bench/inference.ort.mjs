// onnxruntime-node timing of one network with the engine's session options, in its own process so
// its peak RSS is its own. Prints one JSON line.
// Usage: inference.ort.mjs <file.onnx> RUNS THREADS [--low-memory] [--save-output <file.f32>]
// (--save-output writes the first output of the last run, raw float32, for comparing two graphs).
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'low-memory': { type: 'boolean', default: false }, 'save-output': { type: 'string' } },
});
const [file, runsArg, threadsArg] = positionals;
const runs = Number(runsArg);
const threads = Number(threadsArg);
const lowMemory = values['low-memory'];
const session = await ort.InferenceSession.create(file, {
  executionProviders: ['cpu'],
  graphOptimizationLevel: 'all',
  intraOpNumThreads: threads,
  interOpNumThreads: 1,
  ...(lowMemory ? { enableCpuMemArena: false, enableMemPattern: false } : {}),
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
let outputs = await session.run(feeds);
const times = [];
for (let r = 0; r < runs; r++) {
  const t = performance.now();
  outputs = await session.run(feeds);
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
const peakRssMB = process.resourceUsage().maxRSS / 1024;
if (values['save-output']) {
  const data = outputs[session.outputNames[0]].data;
  writeFileSync(values['save-output'], new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}
console.log(JSON.stringify({ file, medianMs: times[times.length >> 1], peakRssMB, threads, lowMemory }));
