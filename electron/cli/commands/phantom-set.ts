import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommandArgs, UsageError, type CliCommand } from '../command';
import {
  formatStats,
  generateSetShard,
  PhantomOptionError,
  readTruths,
  setStats,
  siteByName,
  SITES,
  writeManifest,
  type SetOptions,
  type SetStats,
} from '../../phantom';

const SIJ_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/sij.mjs');

const OPTIONS = {
  out: { type: 'string' },
  n: { type: 'string' },
  site: { type: 'string' },
  seed: { type: 'string' },
  prevalence: { type: 'string' },
  'error-rate': { type: 'string' },
  'label-noise': { type: 'string' },
  'max-matrix': { type: 'string' },
  workers: { type: 'string' },
  /** internal: which part of the set a worker process writes ("k/of") */
  shard: { type: 'string' },
  stats: { type: 'boolean' },
} as const;

function number(
  values: Partial<Record<string, string | boolean>>,
  key: string,
  check: (x: number) => boolean,
  what: string,
): number | undefined {
  if (values[key] === undefined) return undefined;
  const x = Number(values[key]);
  if (!check(x)) throw new UsageError(`--${key} must be ${what}, got '${values[key]}'`);
  return x;
}

function runWorker(args: string[], shard: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SIJ_BIN, 'phantom-set', ...args, '--shard', shard], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

export const command: CliCommand = {
  name: 'phantom-set',
  summary: 'write a population of synthetic exams for one site (+ manifest.csv, --stats)',
  usage:
    'sij phantom-set --out <dir> --n <count> --site <' +
    SITES.map((s) => s.name).join('|') +
    '> --seed <n> ' +
    '[--prevalence <axSpA fraction 0-1>] [--error-rate <0-1>] [--label-noise <rate>] [--max-matrix <n>] [--workers <n, default 2>] [--stats]\n' +
    '       sij phantom-set --stats --out <dir>   (statistics of an existing set)',
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS);
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const stats = values.stats === true;
    if (!values.out) throw new UsageError('--out <dir> is required');
    const out = path.resolve(values.out);
    if (values.n !== undefined) {
      const n = number(
        values,
        'n',
        (x) => Number.isInteger(x) && x > 0 && x < 100000,
        'a whole number between 1 and 99999',
      ) as number;
      if (!values.site) throw new UsageError('--site is required');
      if (!siteByName(values.site))
        throw new UsageError(
          `unknown site '${values.site}' (one of: ${SITES.map((s) => s.name).join(', ')})`,
        );
      const opts: SetOptions = {
        site: values.site,
        n,
        seed:
          number(
            values,
            'seed',
            (x) => Number.isInteger(x) && x >= 0 && x < 20000,
            'a whole number between 0 and 19999',
          ) ?? 1,
        prevalence: number(values, 'prevalence', (x) => x >= 0 && x <= 1, 'between 0 and 1'),
        errorRate: number(values, 'error-rate', (x) => x >= 0 && x <= 1, 'between 0 and 1'),
        labelNoise: number(values, 'label-noise', (x) => x >= 0 && x <= 0.5, 'between 0 and 0.5'),
        maxMatrix: number(
          values,
          'max-matrix',
          (x) => Number.isInteger(x) && x >= 32 && x <= 1024,
          'a whole number 32-1024',
        ),
      };
      mkdirSync(out, { recursive: true });
      if (values.shard) {
        const [k, of] = values.shard.split('/').map(Number);
        try {
          generateSetShard(out, opts, k, of, (line) => process.stdout.write(line + '\n'));
        } catch (err) {
          if (err instanceof PhantomOptionError) throw new UsageError(err.message);
          throw err;
        }
        return 0;
      }
      const workers =
        number(values, 'workers', (x) => Number.isInteger(x) && x >= 1 && x <= 16, 'a whole number 1-16') ??
        2;
      const t0 = performance.now();
      const passOn = argv.filter((a) => a !== '--stats');
      const codes = await Promise.all(
        Array.from({ length: workers }, (_, k) => runWorker(passOn, `${k}/${workers}`)),
      );
      if (codes.some((c) => c !== 0)) {
        process.stderr.write(`sij phantom-set: a worker failed (exit codes ${codes.join(', ')})\n`);
        return 1;
      }
      process.stdout.write(
        `${n} exams in ${((performance.now() - t0) / 1000).toFixed(0)} s with ${workers} workers\n`,
      );
    }
    const truths = readTruths(out);
    if (truths.length === 0) throw new UsageError(`no exams (*/truth.json) in ${out}`);
    const manifest = writeManifest(out, truths);
    process.stdout.write(`manifest: ${manifest} (${truths.length} exams)\n`);
    if (stats) {
      const bySite: Record<string, SetStats> = {};
      for (const site of new Set(truths.map((t) => t.site)))
        bySite[site] = setStats(truths.filter((t) => t.site === site));
      writeFileSync(path.join(out, 'stats.json'), JSON.stringify(bySite, null, 1));
      process.stdout.write(formatStats(bySite) + '\n');
    }
    return 0;
  },
};
