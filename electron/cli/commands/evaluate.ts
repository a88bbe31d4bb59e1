import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  evaluate,
  evaluationText,
  readScoreTable,
  rocPlotSvg,
  TableError,
  type EvaluateOptions,
  type ScoreTable,
  type ThresholdRule,
} from '../../analysis';
import { UsageError, type CliCommand } from '../command';

const VALUE_FLAGS = [
  '--threshold',
  '--threshold-from',
  '--target-sensitivity',
  '--seed',
  '--bootstrap',
  '--plot',
];

/** Splits argv into flag values and positional arguments; unknown flags are usage errors. */
export function parseFlags(argv: string[], valueFlags: string[], booleanFlags: string[]) {
  const values = new Map<string, string>();
  const booleans = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (valueFlags.includes(a)) {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      values.set(a, v);
    } else if (booleanFlags.includes(a)) booleans.add(a);
    else if (a.startsWith('--')) throw new UsageError(`unknown option ${a}`);
    else positional.push(a);
  }
  return { values, booleans, positional };
}

export function numberFlag(
  values: Map<string, string>,
  flag: string,
  check: (x: number) => boolean,
  what: string,
) {
  const raw = values.get(flag);
  if (raw === undefined) return undefined;
  const x = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(x) || !check(x))
    throw new UsageError(`${flag} must be ${what}, got '${raw}'`);
  return x;
}

export function loadTable(file: string, requireTruth: boolean): ScoreTable {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    return readScoreTable(text, file, { requireTruth });
  } catch (err) {
    if (err instanceof TableError) throw new UsageError(err.message);
    throw err;
  }
}

const CHROMIUM = process.env.SIJ_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Writes an SVG plot, or a PNG of it when the name ends in .png: PNG needs a real text renderer,
 * so headless Chromium (a declared Debian dependency) draws the SVG at twice its size.
 */
export function writePlot(file: string, svg: string): void {
  if (!file.toLowerCase().endsWith('.png')) {
    writeFileSync(file, svg);
    return;
  }
  if (!existsSync(CHROMIUM)) {
    throw new UsageError(
      `${file}: PNG plots need Chromium at ${CHROMIUM} (Debian package chromium); write .svg instead`,
    );
  }
  const size = /<svg[^>]* width="(\d+)" height="(\d+)"/.exec(svg);
  if (!size) throw new Error('plot SVG has no width/height');
  const work = mkdtempSync(path.join(tmpdir(), 'sij-plot-'));
  try {
    const svgPath = path.join(work, 'plot.svg');
    writeFileSync(svgPath, svg);
    const res = spawnSync(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--hide-scrollbars',
        '--force-device-scale-factor=2',
        `--user-data-dir=${path.join(work, 'profile')}`,
        `--window-size=${size[1]},${size[2]}`,
        `--screenshot=${path.resolve(file)}`,
        `file://${svgPath}`,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    if (res.status !== 0 || !existsSync(file)) {
      throw new Error(
        `${file}: Chromium could not draw the plot (${(res.stderr || res.error?.message || '').trim().split('\n').pop()})`,
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Evaluation options shared by `sij evaluate` and `sij reader-study`. */
export function evaluationOptions(values: Map<string, string>): EvaluateOptions {
  const threshold = numberFlag(values, '--threshold', () => true, 'a number');
  const from = values.get('--threshold-from');
  const target = numberFlag(
    values,
    '--target-sensitivity',
    (x) => x > 0 && x <= 1,
    'a sensitivity in (0, 1]',
  );
  if (threshold !== undefined && (from !== undefined || target !== undefined)) {
    throw new UsageError(
      '--threshold fixes the cut-off; it cannot be combined with --threshold-from or --target-sensitivity',
    );
  }
  const rule: ThresholdRule =
    target !== undefined ? { kind: 'target-sensitivity', sensitivity: target } : { kind: 'youden' };
  return {
    threshold:
      threshold !== undefined
        ? { kind: 'given', value: threshold }
        : { kind: 'rule', rule, set: from !== undefined ? loadTable(from, true) : undefined },
    seed: numberFlag(values, '--seed', Number.isInteger, 'an integer'),
    resamples: numberFlag(values, '--bootstrap', (x) => Number.isInteger(x) && x >= 10, 'an integer >= 10'),
  };
}

export const command: CliCommand = {
  name: 'evaluate',
  summary: 'ROC/AUC with CIs, sensitivity/specificity at a threshold, readers vs reference (CSV of scores)',
  usage:
    'sij evaluate <scores.csv> [--json] [--threshold t | --threshold-from <validation.csv>] [--target-sensitivity s] [--seed n] [--bootstrap n] [--plot roc.svg|roc.png]\n' +
    '  CSV columns: case_id,truth,score[,score_<name>...][,reader_<name>[_unaided|_aided]...]; truth and reader calls 0/1.\n' +
    '  Without --threshold/--threshold-from the cut-off is chosen on the same cases (Youden, or --target-sensitivity): optimistic.',
  async run(argv) {
    const { values, booleans, positional } = parseFlags(argv, VALUE_FLAGS, ['--json']);
    if (positional.length !== 1) throw new UsageError('give exactly one CSV file');
    const table = loadTable(positional[0], true);
    const options = evaluationOptions(values);
    let report;
    try {
      report = evaluate(table, options);
    } catch (err) {
      if (err instanceof RangeError) throw new UsageError(`${positional[0]}: ${err.message}`);
      throw err;
    }
    const plot = values.get('--plot');
    if (plot !== undefined) {
      writePlot(plot, rocPlotSvg(report, `ROC: ${positional[0]}`));
      process.stderr.write(`sij evaluate: wrote ${plot}\n`);
    }
    process.stdout.write(
      booleans.has('--json') ? JSON.stringify(report, null, 2) + '\n' : evaluationText(report),
    );
    return 0;
  },
};
