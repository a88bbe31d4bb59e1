// `npm run bench:inference-breakdown`: where the reference classifier's time goes in onnxruntime-node
// (the stacked-slice graph, per-node profile) against PyTorch JIT-frozen (oneDNN's verbose log), stage
// by stage and part by part of the bottleneck blocks (bench/inference_breakdown.py). The two run in
// turn, one run each per round, so that both see the machine in the same state.
// Environment: BENCH_RUNS (rounds, default 3), BENCH_THREADS (default 2).
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { referenceGraph, startOrt, startTorch, WARM_UP_RUNS } from './inference-worker';

const runs = Number(process.env.BENCH_RUNS ?? 3);
const threads = Number(process.env.BENCH_THREADS ?? 2);
const work = path.resolve('test-output/bench/breakdown');
mkdirSync(work, { recursive: true });

const graph = referenceGraph(
  'classifier',
  path.resolve('test-output/bench/reference-classifier'),
  'classifier-stacked.onnx',
);
const ort = (await startOrt(graph, threads, { profile: path.join(work, 'onnxruntime') })).worker;
const torch = await startTorch('classifier', threads);
if (!torch.ready.frozen) throw new Error('PyTorch: the JIT-frozen classifier could not be built');

const logs: string[] = [];
for (let r = 0; r < runs; r++) {
  const ortMs = await ort.time('run');
  logs.push(path.join(work, `onednn-${r + 1}.log`));
  const torchMs = await torch.worker.time(`verbose ${logs[r]}`);
  console.log(
    `round ${r + 1}: onnxruntime ${ortMs.toFixed(0)} ms, PyTorch JIT-frozen ${torchMs.toFixed(0)} ms (wall, both with their logging on)`,
  );
}
const { profile } = await ort.ask('profile');
await ort.close();
await torch.worker.close();
execFileSync(
  '/usr/bin/python3',
  ['bench/inference_breakdown.py', String(WARM_UP_RUNS), String(profile), ...logs],
  {
    stdio: 'inherit',
  },
);
