/**
 * `npm run bench:phantom`: CPU seconds per synthetic exam (electron/phantom) at full profile
 * matrices and at --max-matrix 192 (how the training sets are made), against the previous
 * generator (a git commit, default the last 1.x version) on the same seeds in the same run. Each
 * generator runs in its own long-lived process (warmed up on one exam first) and they take turns
 * exam by exam, so both see the same machine load; the speed-up is the geometric mean of the
 * per-exam ratios. Then the wall time of `sij phantom-set --n 20` with its 2 workers, as exams
 * per hour. Not a test: it prints numbers (and writes test-output/bench-phantom.json) for
 * docs/PHANTOM.md and the report.
 *
 * BENCH_PHANTOM_BASELINE=<commit> picks the peer (empty: none); BENCH_ROUNDS (default 2) how
 * often each exam is made; BENCH_SEEDS (default "7 8 9 10 11 12") the exams.
 */
import { execFileSync, spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const outFile = path.join(repo, 'test-output/bench-phantom.json');
const BASELINE = process.env.BENCH_PHANTOM_BASELINE ?? '698fca0';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const SEEDS = (process.env.BENCH_SEEDS ?? '7 8 9 10 11 12').split(/\s+/).map(Number);
const MATRICES: { label: string; maxMatrix?: number }[] = [
  { label: 'full' },
  { label: 'max192', maxMatrix: 192 },
];

/**
 * Serves "<seed> <maxMatrix|->" lines from stdin with the generator at a file URL and answers each
 * with the exam's CPU seconds. An .mjs file is ESM wherever it lies, as the generator's tree is.
 */
const DRIVER = `
import { createInterface } from 'node:readline';
const [exam, out] = process.argv.slice(2);
const { generateExam } = await import(exam);
for await (const line of createInterface({ input: process.stdin })) {
  const [seed, max] = line.split(' ');
  const c0 = process.cpuUsage();
  generateExam(out + '/' + seed, { seed: Number(seed), maxMatrix: max === '-' ? undefined : Number(max) });
  const c = process.cpuUsage(c0);
  console.log((c.user + c.system) / 1e6);
}
`;

interface Generator {
  name: string;
  root: string;
}

function load(): string {
  return loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
}

/** The generator of another commit, unpacked beside the working tree's node_modules. */
function checkoutBaseline(commit: string, into: string): Generator {
  mkdirSync(into, { recursive: true });
  const tar = execFileSync('git', ['-C', repo, 'archive', commit, 'electron', 'package.json'], {
    maxBuffer: 1 << 28,
  });
  execFileSync('tar', ['-x', '-C', into], { input: tar });
  symlinkSync(path.join(repo, 'node_modules'), path.join(into, 'node_modules'));
  return { name: `baseline ${commit}`, root: into };
}

/** A generator serving exams in its own process (see DRIVER). */
class GeneratorProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly answers: AsyncIterator<string>;

  constructor(
    readonly g: Generator,
    work: string,
  ) {
    const driver = path.join(work, 'driver.mjs');
    writeFileSync(driver, DRIVER);
    const exam = pathToFileURL(path.join(g.root, 'electron/phantom/exam.ts')).href;
    const out = path.join(work, `exams-${g.name.replace(/\W/g, '_')}`);
    this.child = spawn(process.execPath, ['--import', 'tsx', driver, exam, out], { cwd: repo });
    this.child.stderr.pipe(process.stderr);
    this.answers = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }

  /** CPU seconds of one exam. */
  async exam(seed: number, maxMatrix: number | undefined): Promise<number> {
    this.child.stdin.write(`${seed} ${maxMatrix ?? '-'}\n`);
    const next = await this.answers.next();
    if (next.done) throw new Error(`${this.g.name}: the generator process ended`);
    return Number(next.value);
  }

  close(): void {
    this.child.stdin.end();
  }
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

const geometricMean = (xs: number[]): number => Math.exp(mean(xs.map(Math.log)));

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 'bench-phantom-'));
  const generators = [{ name: 'working tree', root: repo }];
  if (BASELINE) generators.push(checkoutBaseline(BASELINE, path.join(work, 'baseline')));
  const processes = generators.map((g) => new GeneratorProcess(g, work));
  console.log(`load at start: ${load()}; seeds ${SEEDS.join(' ')}; ${ROUNDS} rounds`);
  const summary: Record<string, Record<string, number>> = {};
  for (const m of MATRICES) {
    for (const p of processes) await p.exam(1, m.maxMatrix); // JIT warm-up, not counted
    const cpu = processes.map((): number[] => []);
    let turn = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const seed of SEEDS) {
        // Alternate who goes first, so neither always follows the other's cache footprint.
        const order = turn++ % 2 === 0 ? processes.map((_, n) => n) : processes.map((_, n) => n).reverse();
        for (const n of order) cpu[n].push(await processes[n].exam(seed, m.maxMatrix));
      }
      console.log(
        `${m.label.padEnd(7)} round ${round + 1}: ` +
          processes.map((p, n) => `${p.g.name} ${mean(cpu[n]).toFixed(2)} s`).join(', ') +
          ` CPU/exam so far (load ${load()})`,
      );
    }
    const line: Record<string, number> = { cpuPerExam: mean(cpu[0]) };
    if (processes.length > 1) {
      line.baselineCpuPerExam = mean(cpu[1]);
      line.speedup = geometricMean(cpu[1].map((b, n) => b / cpu[0][n]));
    }
    summary[m.label] = line;
    console.log(
      `${m.label}: ${line.cpuPerExam.toFixed(2)} s CPU per exam` +
        (line.speedup
          ? `, baseline ${line.baselineCpuPerExam.toFixed(2)} s; per-exam ratio ${line.speedup.toFixed(2)}x`
          : ''),
    );
  }
  for (const p of processes) p.close();
  // Throughput as used: phantom-set with its two worker processes (CLI start-up included).
  for (const m of MATRICES) {
    const out = path.join(work, `set-${m.label}`);
    const args = ['bin/sij.mjs', 'phantom-set', '--out', out, '--n', '20', '--site', 'alpha', '--seed', '7'];
    if (m.maxMatrix) args.push('--max-matrix', String(m.maxMatrix));
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: repo, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`phantom-set failed: ${r.stderr}`);
    const seconds = (performance.now() - t0) / 1000;
    const perHour = (20 / seconds) * 3600;
    summary[m.label].phantomSet20WallS = seconds;
    summary[m.label].examsPerHour2Workers = perHour;
    console.log(
      `phantom-set --n 20 (${m.label}, 2 workers): ${seconds.toFixed(1)} s wall, ${Math.round(perHour)} exams/hour ` +
        `(2,000 in ${((2000 / perHour) * 60).toFixed(0)} min; load ${load()})`,
    );
  }
  mkdirSync(path.dirname(outFile), { recursive: true });
  writeFileSync(
    outFile,
    JSON.stringify({ seeds: SEEDS, rounds: ROUNDS, baseline: BASELINE, load: load(), summary }, null, 1),
  );
  rmSync(work, { recursive: true, force: true });
}

await main();
