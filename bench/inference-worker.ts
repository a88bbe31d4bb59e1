/**
 * One network of `npm run bench:inference` in its own long-lived process (bench/inference.ort.mjs
 * or bench/inference.torch.py), asked over stdin for one timed run at a time. The bench alternates
 * between the peers run by run, so that load from other programs on a shared machine falls on all
 * of them alike instead of on whichever happened to run while it lasted; each process's peak RSS
 * stays its own.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
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
