/**
 * One network of `npm run bench:inference` in its own long-lived process (bench/inference.ort.mjs
 * or bench/inference.torch.py), asked over stdin for one timed run at a time. The bench alternates
 * between the peers run by run, so that load from other programs on a shared machine falls on all
 * of them alike instead of on whichever happened to run while it lasted; each process's peak RSS
 * stays its own.
 */
import { execFileSync, spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

type Answer = Record<string, unknown> & { error?: string };

export class TimingWorker {
  private readonly answers: AsyncIterator<string>;

  private constructor(
    readonly label: string,
    private readonly child: ChildProcessByStdio<Writable, Readable, null>,
  ) {
    this.answers = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  }

  /** Starts the process and waits for its ready line (network built, warm-up run done). */
  static async start(
    label: string,
    command: string,
    args: string[],
    env: NodeJS.ProcessEnv = {},
  ): Promise<{ worker: TimingWorker; ready: Answer }> {
    const child = spawn(command, args, {
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const worker = new TimingWorker(label, child);
    return { worker, ready: await worker.next() };
  }

  private async next(): Promise<Answer> {
    const line = await this.answers.next();
    if (line.done) throw new Error(`${this.label}: the process ended without answering`);
    const value = JSON.parse(line.value) as Answer;
    if (value.error) throw new Error(`${this.label}: ${value.error}`);
    return value;
  }

  ask(command: string): Promise<Answer> {
    this.child.stdin.write(command + '\n');
    return this.next();
  }

  /** Wall time of one run, in ms. */
  async time(command: string): Promise<number> {
    return (await this.ask(command)).ms as number;
  }

  /** The process's peak RSS in MB; the process then ends. */
  async close(): Promise<number> {
    const { peakRssMB } = await this.ask('stats');
    this.child.stdin.end();
    return peakRssMB as number;
  }
}

// Untimed runs before the first timed one, the same for every peer: onnxruntime's arena grows over the
// reference classifier's first two runs (135k and 46k page faults, none after; the second run 20% slower
// than the ones after it).
export const WARM_UP_RUNS = 2;

/** bench/inference.ort.mjs for one ONNX file, with the engine's session options. */
export function startOrt(
  file: string,
  threads: number,
  options: { lowMemory?: boolean; profile?: string } = {},
) {
  const args = ['bench/inference.ort.mjs', file, String(threads), String(WARM_UP_RUNS)];
  if (options.lowMemory) args.push('--low-memory');
  if (options.profile) args.push('--profile', options.profile);
  const label = `onnxruntime ${path.basename(file)}${options.lowMemory ? ' low-memory' : ''}`;
  return TimingWorker.start(label, 'node', args);
}

// PyTorch's large tensors then come from the heap and are reused from run to run instead of being
// fresh mmaps faulted in on every run (onnxruntime reuses its arena likewise).
const PYTORCH_MALLOC = { MALLOC_MMAP_THRESHOLD_: '1000000000', MALLOC_TRIM_THRESHOLD_: '1000000000' };

/** bench/inference.torch.py for one reference network: eager and JIT-frozen in one process. */
export function startTorch(net: 'unet' | 'classifier', threads: number) {
  return TimingWorker.start(
    `PyTorch ${net}`,
    '/usr/bin/python3',
    ['bench/inference.torch.py', net, String(threads), String(WARM_UP_RUNS)],
    PYTORCH_MALLOC,
  );
}

/**
 * A reference network's stacked-slice graph (bench/inference.graphs.py: the same random weights as
 * inference.torch.py), exported once into dir: delete dir after changing the rewrite.
 */
export function referenceGraph(net: 'unet' | 'classifier', dir: string, file: string): string {
  const graph = path.join(dir, file);
  if (!existsSync(graph))
    execFileSync('/usr/bin/python3', ['bench/inference.graphs.py', net, dir], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  return graph;
}
