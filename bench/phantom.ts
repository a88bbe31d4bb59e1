/**
 * `npm run bench:phantom`: CPU seconds per synthetic exam (electron/phantom) at full profile
 * matrices and at --max-matrix 192 (how the training sets are made), against the previous
 * generator (a git commit, default the last 1.x version) on the same seeds in the same run, in
 * alternating rounds so both see the same machine load; then the wall time of
 * `sij phantom-set --n 20` with its 2 workers, as exams per hour. Not a test: it prints numbers
 * (and writes test-output/bench-phantom.json) for docs/PHANTOM.md and the report.
 *
 * BENCH_PHANTOM_BASELINE=<commit> picks the peer (empty: none); BENCH_ROUNDS (default 2) the
 * rounds; BENCH_SEEDS (default "7 8 9 10 11 12") the exams.
 */
import { execFileSync, spawnSync } from 'node:child_process';
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
 * Generates the given seeds with the generator at a file URL, in one process, and prints the CPU
 * seconds of each exam (JSON). An .mjs file is ESM wherever it lies, as the generator's tree is.
 */
const DRIVER = `
const [exam, out, max, ...seeds] = process.argv.slice(2);
const { generateExam } = await import(exam);
const cpu = [];
for (const seed of seeds.map(Number)) {
  const c0 = process.cpuUsage();
  generateExam(out + '/' + seed, { seed, maxMatrix: max === '-' ? undefined : Number(max) });
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1e6);
}
console.log(JSON.stringify(cpu));
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

/** CPU seconds per exam of one generator run (a fresh process: JIT warm-up included, as in use). */
function runGenerator(g: Generator, work: string, maxMatrix: number | undefined): number[] {
  const driver = path.join(work, 'driver.mjs');
  writeFileSync(driver, DRIVER);
  const exam = pathToFileURL(path.join(g.root, 'electron/phantom/exam.ts')).href;
  const out = path.join(work, 'exams');
  rmSync(out, { recursive: true, force: true });
  const max = maxMatrix === undefined ? '-' : String(maxMatrix);
  const r = spawnSync(process.execPath, ['--import', 'tsx', driver, exam, out, max, ...SEEDS.map(String)], {
    cwd: repo,
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`${g.name}: generator failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as number[];
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

function main(): void {
  const work = mkdtempSync(path.join(tmpdir(), 'bench-phantom-'));
  const current: Generator = { name: 'working tree', root: repo };
  const generators = [current];
  if (BASELINE) generators.push(checkoutBaseline(BASELINE, path.join(work, 'baseline')));
  const results: Record<string, Record<string, number[]>> = {};
  console.log(`load at start: ${load()}; seeds ${SEEDS.join(' ')}; ${ROUNDS} rounds`);
  for (const m of MATRICES) {
    for (let round = 0; round < ROUNDS; round++) {
      for (const g of round % 2 === 0 ? generators : [...generators].reverse()) {
        const cpu = runGenerator(g, work, m.maxMatrix);
        ((results[m.label] ??= {})[g.name] ??= []).push(...cpu);
        console.log(
          `${m.label.padEnd(7)} ${g.name.padEnd(22)} round ${round + 1}: ${mean(cpu).toFixed(2)} s CPU/exam ` +
            `(first ${cpu[0].toFixed(2)}, load ${load()})`,
        );
      }
    }
  }
  const summary: Record<string, unknown> = {};
  for (const m of MATRICES) {
    const now = mean(results[m.label][current.name]);
    const line: Record<string, number> = { cpuPerExam: now };
    if (generators.length > 1) {
      const before = mean(results[m.label][generators[1].name]);
      line.baselineCpuPerExam = before;
      line.speedup = before / now;
    }
    summary[m.label] = line;
    console.log(
      `${m.label}: ${now.toFixed(2)} s CPU per exam` +
        (line.speedup
          ? `, baseline ${line.baselineCpuPerExam.toFixed(2)} s: ${line.speedup.toFixed(2)}x faster`
          : ''),
    );
  }
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
    (summary[m.label] as Record<string, number>).phantomSet20WallS = seconds;
    (summary[m.label] as Record<string, number>).examsPerHour2Workers = perHour;
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

main();
