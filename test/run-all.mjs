// Runs every suite (static checks, TypeScript tests, Python model tests) and ends with one line
// `N passed, N failed[, N skipped]` summing them all. Exit code 1 if anything failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';

const out = 'test-output';
mkdirSync(out, { recursive: true });
const totals = { passed: 0, failed: 0, skipped: 0 };
const only = process.argv.slice(2).filter((a) => a !== '--');

function run(cmd, args, opts = {}) {
  process.stdout.write(`\n=== ${cmd} ${args.join(' ')}\n`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  return r.status ?? 1;
}

function check(name, cmd, args) {
  const ok = run(cmd, args) === 0;
  totals[ok ? 'passed' : 'failed'] += 1;
  process.stdout.write(`--- ${name}: ${ok ? 'ok' : 'FAILED'}\n`);
}

const suites = {
  typecheck: () => {
    check('typecheck', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']);
    // tsc does not read .svelte files: their script blocks are checked here.
    check('svelte-check', 'npx', ['svelte-check', '--workspace', 'renderer', '--output', 'human']);
  },
  lint: () => {
    check('eslint', 'npx', ['eslint', '.']);
    check('prettier', 'npx', ['prettier', '--check', '.']);
  },
  vitest: () => {
    const report = `${out}/vitest.json`;
    const status = run('npx', [
      'vitest',
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
    ]);
    if (!existsSync(report)) {
      totals.failed += 1;
      process.stdout.write(`--- vitest wrote no report (exit ${status})\n`);
      return;
    }
    const r = JSON.parse(readFileSync(report, 'utf8'));
    totals.passed += r.numPassedTests;
    totals.failed += r.numFailedTests;
    totals.skipped += r.numPendingTests + r.numTodoTests;
    // A suite file that fails to load counts as a failure even if it declared no tests.
    totals.failed += r.testResults.filter(
      (f) => f.status === 'failed' && f.assertionResults.length === 0,
    ).length;
  },
  pytest: () => {
    if (!existsSync('models/training/tests')) return;
    const r = spawnSync(
      '/usr/bin/python3',
      ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'models/training/tests', 'bench/tests'],
      {
        encoding: 'utf8',
      },
    );
    process.stdout.write(`\n=== pytest models/training/tests bench/tests\n${r.stdout}${r.stderr}`);
    const count = (word) => Number((r.stdout.match(new RegExp(`(\\d+) ${word}`)) ?? [0, 0])[1]);
    totals.passed += count('passed');
    totals.failed += count('failed') + count('error');
    totals.skipped += count('skipped');
    if (r.status !== 0 && count('failed') + count('error') === 0) totals.failed += 1;
  },
};

for (const [name, runSuite] of Object.entries(suites)) {
  if (only.length === 0 || only.includes(name)) runSuite();
}

const skipped = totals.skipped ? `, ${totals.skipped} skipped` : '';
process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed${skipped}\n`);
process.exitCode = totals.failed > 0 ? 1 : 0;
