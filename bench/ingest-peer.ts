/**
 * The pydicom side of `npm run bench:ingest`: one long-lived /usr/bin/python3 running
 * bench/ingest-pydicom.py, asked over stdin to read or evict a list of files. Long-lived so that
 * the Node process never forks between its own timed runs: a fork marks the parent's memory
 * copy-on-write, and the next run then paid one page fault per page it wrote (13,700 per run of
 * the 512x512 exam, most of what an earlier version of this bench reported as first touches).
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Timing } from './ingest-run';

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'ingest-pydicom.py');

export class PydicomPeer {
  private readonly answers: AsyncIterator<string>;
  private gone = false;

  private constructor(
    private readonly child: ChildProcessByStdio<Writable, Readable, null>,
    private readonly listFile: string,
  ) {
    child.on('exit', () => (this.gone = true));
    child.on('error', () => (this.gone = true));
    this.answers = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  }

  /** `listFile`: where the file lists are written for the helper to read. */
  static start(listFile: string): PydicomPeer {
    const child = spawn('/usr/bin/python3', [script], { stdio: ['pipe', 'pipe', 'inherit'] });
    return new PydicomPeer(child, listFile);
  }

  private async ask(command: 'run' | 'evict', files: string[]): Promise<Record<string, number> | undefined> {
    if (this.gone) return undefined;
    writeFileSync(this.listFile, files.join('\n'));
    this.child.stdin.write(`${command} ${this.listFile}\n`);
    const answer = await this.answers.next();
    if (answer.done) return undefined;
    const parsed = JSON.parse(answer.value) as Record<string, number> & { error?: string };
    if (parsed.error) throw new Error(`pydicom helper: ${parsed.error}`);
    return parsed;
  }

  /** dcmread + pixel_array + float32 rescale of every file; undefined where pydicom is missing. */
  async run(files: string[]): Promise<Timing | undefined> {
    const r = await this.ask('run', files);
    return r && { wallMs: r.seconds * 1000, cpuMs: r.cpuSeconds * 1000, faults: r.minorFaults };
  }

  /** Drops the files from the page cache (posix_fadvise DONTNEED). */
  async evict(files: string[]): Promise<void> {
    if (!(await this.ask('evict', files))) throw new Error('the pydicom helper is needed to evict files');
  }

  close(): void {
    this.child.stdin.end();
  }
}
