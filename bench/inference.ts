// `npm run bench:inference`: (1) the shipped model on a phantom exam through the real engine
// (worker thread, warm sessions): per-stage median timings and peak RSS; (2) the reference
// architecture (ResNet-101 dual encoder at 16 x 192 x 192, U-Net at 20 x 224 x 224, random weights)
// in onnxruntime-node against PyTorch CPU in the same run, each network and configuration in its
// own long-lived process, their runs interleaved; the U-Net and the classifier both as their
// stacked-slice 2D graphs and as the plain 3D graphs.
// Environment: BENCH_RUNS (default 3), BENCH_THREADS (default 2), BENCH_SKIP_REFERENCE=1.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { InferenceEngine, loadModelFolder } from '../electron/inference';
import { referenceGraph, startOrt, startTorch, WARM_UP_RUNS, type TimingWorker } from './inference-worker';

const runs = Number(process.env.BENCH_RUNS ?? 3);
const threads = Number(process.env.BENCH_THREADS ?? 2);
const work = path.resolve('test-output/bench');
mkdirSync(work, { recursive: true });

function sh(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  return execFileSync(cmd, args, {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function shippedModel(): string {
  const shipped = path.resolve('models/sij-demo-synthetic');
  if (existsSync(path.join(shipped, 'manifest.json'))) return shipped;
  const small = path.join(work, 'small-random');
  if (!existsSync(path.join(small, 'manifest.json'))) {
    process.stderr.write(
      'models/sij-demo-synthetic not found: exporting the small preset with random weights\n',
    );
    sh('/usr/bin/python3', [
      '-m',
      'models.training.export',
      '--random',
      '--preset',
      'small',
      '--no-golden',
      '--out',
      small,
    ]);
  }
  return small;
}

async function shipped(): Promise<void> {
  const modelDir = shippedModel();
  const exam = path.join(work, 'exam-seed1');
  if (!existsSync(path.join(exam, 'truth.json')))
    sh('node', ['bin/sij.mjs', 'phantom', '--out', exam, '--seed', '1']);
  const model = loadModelFolder(modelDir);
  const engine = new InferenceEngine({ model: modelDir, session: { providers: ['cpu'], threads } });
  const provider = await engine.prepare();
  const timings: Record<string, number[]> = {};
  const cpuMs: number[] = [];
  for (let r = 0; r < runs; r++) {
    // CPU time of the whole process (main, worker, ONNX Runtime threads): unlike wall time it does
    // not grow when other programs share the cores, so it bounds the exam's cost on an idle machine.
    const cpu = process.cpuUsage();
    const out = await engine.read([exam]);
    const used = process.cpuUsage(cpu);
    cpuMs.push((used.user + used.system) / 1000);
    for (const [k, v] of Object.entries(out.result.timingsMs)) (timings[k] ??= []).push(v);
  }
  await engine.close();
  const peakMB = process.resourceUsage().maxRSS / 1024;
  console.log(
    `\n## Shipped model: ${model.manifest.id} ${model.manifest.version} (${modelDir}), provider ${provider}, ${threads} threads`,
  );
  console.log(`exam: phantom seed 1 (${exam}); median of ${runs} runs, sessions warm`);
  for (const [k, v] of Object.entries(timings))
    console.log(`  ${k.padEnd(12)} ${median(v).toFixed(0).padStart(7)} ms`);
  const net = ['denoiseT1', 'denoiseStir', 'classifier', 'cam'].reduce(
    (s, k) => s + median(timings[k] ?? [0]),
    0,
  );
  console.log(
    `  networks + CAM (both U-Nets, classifier, CAM mapping): ${net.toFixed(0)} ms (target < 2000 ms)`,
  );
  console.log(`  whole exam from DICOM folder: ${median(timings.total).toFixed(0)} ms`);
  console.log(
    `  CPU time per exam (all threads): ${median(cpuMs).toFixed(0)} ms (machine load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores)`,
  );
  console.log(`  peak RSS of this process (engine + worker): ${peakMB.toFixed(0)} MB`);
}

function readF32(file: string): Float32Array {
  const bytes = readFileSync(file);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

function maxAbs(values: Float32Array, minus?: Float32Array): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i] - (minus?.[i] ?? 0)));
  return max;
}

/** One timed configuration: a worker and the command that times one run on it. */
interface Peer {
  worker: TimingWorker;
  command: string;
  times: number[];
}

/** `runs` rounds, each timing every peer once; the order rotates from round to round. */
async function timeInterleaved(peers: (Peer | null)[]): Promise<void> {
  const present = peers.filter((p): p is Peer => p !== null);
  for (let r = 0; r < runs; r++) {
    for (let i = 0; i < present.length; i++) {
      const peer = present[(i + r) % present.length];
      peer.times.push(await peer.worker.time(peer.command));
    }
  }
}

function fmt(peer: Peer | null, peakMB?: number): string {
  if (!peer) return 'not run'.padEnd(17);
  return `${(median(peer.times) / 1000).toFixed(2)} s${peakMB ? ` ${peakMB.toFixed(0)} MB` : ''}`.padEnd(17);
}

async function referenceNetwork(
  net: 'unet' | 'classifier',
  onnx: { label: string; file: string; lowMemory: boolean }[],
): Promise<Peer[]> {
  const peer = (worker: TimingWorker, command = 'run'): Peer => ({ worker, command, times: [] });
  const ort: Peer[] = [];
  const ortLow: (Peer | null)[] = [];
  for (const o of onnx) {
    ort.push(peer((await startOrt(o.file, threads)).worker));
    ortLow.push(o.lowMemory ? peer((await startOrt(o.file, threads, { lowMemory: true })).worker) : null);
  }
  const torch = await startTorch(net, threads);
  const eager = peer(torch.worker, 'eager');
  const frozen = torch.ready.frozen ? peer(torch.worker, 'frozen') : null;
  await timeInterleaved([...ort, ...ortLow, eager, frozen]);
  const torchPeak = await torch.worker.close();
  const best = frozen && median(frozen.times) < median(eager.times) ? frozen : eager;
  const bestMs = median(best.times);
  for (let i = 0; i < onnx.length; i++) {
    const low = ortLow[i];
    const ortMs = median(ort[i].times);
    // Each round times every peer once, so the machine's state (it drifts over minutes) is shared
    // within a round: the median of the rounds' ratios is the steadier figure.
    const paired = median(ort[i].times.map((ms, r) => ms / best.times[r]));
    const faster = ortMs <= bestMs && paired <= 1;
    console.log(
      `${onnx[i].label.padEnd(23)} ${fmt(ort[i], await peakOf(ort[i], net))}  ${fmt(low, low ? await low.worker.close() : undefined)} ${fmt(eager, torchPeak)} ${fmt(frozen)}    ${(ortMs / bestMs).toFixed(2)}, paired ${paired.toFixed(2)} ${faster ? '(ORT at least as fast)' : '(ORT SLOWER)'}`,
    );
  }
  return ort;
}

/** The worker's peak RSS; it first saves its output (the classifier's: the CAM) for the graph comparison. */
async function peakOf(peer: Peer, net: 'unet' | 'classifier'): Promise<number> {
  await peer.worker.ask(`save ${outputFile(peer)} ${net === 'unet' ? 'output' : 'cam'}`);
  return peer.worker.close();
}

function outputFile(peer: Peer): string {
  return path.join(work, `${peer.worker.label.replace(/\W+/g, '-')}.output.f32`);
}

async function reference(): Promise<void> {
  const dir = path.join(work, 'reference-random');
  if (!existsSync(path.join(dir, 'manifest.json'))) {
    process.stderr.write('exporting the reference architecture (random weights)...\n');
    sh('/usr/bin/python3', [
      '-m',
      'models.training.export',
      '--preset',
      'reference',
      '--random',
      '--no-golden',
      '--out',
      dir,
    ]);
  }
  // The same random U-Net (denoiseT1's weights) as the 3D graph and as the stacked-slice graph
  // (models/training/unet_stacked.py: 2D operators that onnxruntime runs in its NCHWc layout).
  // Exported once, like the reference folder: delete test-output/bench/reference-unet after
  // changing the rewrite.
  const unetDir = path.join(work, 'reference-unet');
  const unetGraph = referenceGraph('unet', unetDir, 'unet-stacked.onnx');
  // The same random classifier as a stacked-slice graph (models/training/classifier_stacked.py);
  // its 3D graph is the reference folder's.
  const classifierGraph = referenceGraph(
    'classifier',
    path.join(work, 'reference-classifier'),
    'classifier-stacked.onnx',
  );
  const manifest = loadModelFolder(dir).manifest;
  console.log(
    `\n## Reference architecture (random weights), CPU, ${threads} threads, median of ${runs} interleaved runs after ${WARM_UP_RUNS} untimed ones`,
  );
  console.log(`machine load average at the start: ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`);
  console.log(
    'network                 onnxruntime-node   (low-memory)      PyTorch eager    PyTorch JIT-frozen   ratio ORT/PyTorch(best): of medians, median of rounds',
  );
  const [stacked, plain] = await referenceNetwork('unet', [
    { label: 'unet (stacked 2D)', file: unetGraph, lowMemory: true },
    { label: 'unet (3D graph)', file: path.join(unetDir, 'unet-3d.onnx'), lowMemory: false },
  ]);
  const [classifierStacked, classifierPlain] = await referenceNetwork('classifier', [
    {
      label: 'classifier (stacked 2D)',
      file: classifierGraph,
      lowMemory: true,
    },
    {
      label: 'classifier (3D graph)',
      file: path.join(dir, manifest.networks.classifier.file),
      lowMemory: false,
    },
  ]);
  console.log('(PyTorch peak RSS covers eager and JIT in one process; ORT peak RSS per process.)');
  console.log(`machine load average at the end: ${loadavg()[0].toFixed(1)}`);
  const [a, b] = [stacked, plain].map((p) => readF32(outputFile(p)));
  console.log(
    `U-Net stacked 2D graph vs 3D graph in onnxruntime, same input: max |difference| ${maxAbs(a, b).toExponential(1)} (largest |output| ${maxAbs(b).toFixed(1)})`,
  );
  const [c, d] = [classifierStacked, classifierPlain].map((p) => readF32(outputFile(p)));
  console.log(
    `classifier stacked 2D graph vs 3D graph in onnxruntime, same input: CAM max |difference| ${maxAbs(c, d).toExponential(1)} (largest |CAM| ${maxAbs(d).toFixed(1)})`,
  );
}

await shipped();
if (process.env.BENCH_SKIP_REFERENCE !== '1') await reference();
