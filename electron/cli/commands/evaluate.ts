import { readFileSync, writeFileSync } from 'node:fs';
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
    'sij evaluate <scores.csv> [--json] [--threshold t | --threshold-from <validation.csv>] [--target-sensitivity s] [--seed n] [--bootstrap n] [--plot roc.svg]\n' +
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
      writeFileSync(plot, rocPlotSvg(report, `ROC: ${positional[0]}`));
      process.stderr.write(`sij evaluate: wrote ${plot}\n`);
    }
    process.stdout.write(
      booleans.has('--json') ? JSON.stringify(report, null, 2) + '\n' : evaluationText(report),
    );
    return 0;
  },
};
