// Times one whole exam (both denoisers + classifier with Grad-CAM) in onnxruntime-node, as the
// workstation runs it: sessions created once, then `runs` exams; prints JSON with the median.
// Usage: node models/training/bench-onnx.mjs <model folder> [runs=5]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';

const [folder, runsArg] = process.argv.slice(2);
if (!folder) {
  console.error('usage: node models/training/bench-onnx.mjs <model folder> [runs]');
  process.exit(2);
}
const runs = Number(runsArg ?? 5);
const manifest = JSON.parse(readFileSync(path.join(folder, 'manifest.json'), 'utf8'));
const options = { executionProviders: ['cpu'], intraOpNumThreads: 2 };
const open = (key) => ort.InferenceSession.create(path.join(folder, manifest.networks[key].file), options);
const [dT1, dStir, cls] = await Promise.all([open('denoiseT1'), open('denoiseStir'), open('classifier')]);
const uGrid = manifest.networks.denoiseT1.grid ?? manifest.inputs.grid.size;
const cGrid = manifest.inputs.grid.size;
const volume = (grid) => {
  const n = grid.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = Math.sin(i * 0.37) + ((i * 7919) % 13) / 13;
  return new ort.Tensor('float32', data, [1, 1, ...grid]);
};
const sameGrid = uGrid.join() === cGrid.join();
const times = [];
const cpu = [];
for (let r = 0; r < runs + 1; r++) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const a = await dT1.run({ input: volume(uGrid) });
  const b = await dStir.run({ input: volume(uGrid) });
  // Reference preset: the client resizes 20x224x224 -> 16x192x192; not part of this timing.
  const t1 = sameGrid ? a.output : volume(cGrid);
  const stir = sameGrid ? b.output : volume(cGrid);
  const out = await cls.run({ t1, stir });
  if (out.cam.dims.length !== 6) throw new Error('unexpected CAM shape');
  if (r > 0) {
    // the first run warms up; CPU time (both threads) stays meaningful on a shared, busy machine
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
}
cpu.sort((x, y) => x - y);
times.sort((x, y) => x - y);
console.log(
  JSON.stringify({
    folder,
    runs,
    medianMs: Math.round(times[times.length >> 1]),
    minMs: Math.round(times[0]),
    medianCpuMs: Math.round(cpu[cpu.length >> 1]),
  }),
);
