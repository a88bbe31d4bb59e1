import { agreement, agreementText } from '../../analysis';
import { UsageError, type CliCommand } from '../command';
import { loadTable, numberFlag, parseFlags } from './evaluate';

export const command: CliCommand = {
  name: 'agreement',
  summary:
    "inter-reader agreement: Cohen's kappa per pair, Fleiss' kappa, model vs readers, k-of-n reference",
  usage:
    'sij agreement <readings.csv> [--json] [--threshold t] [--majority k] [--seed n] [--bootstrap n]\n' +
    '  CSV columns: case_id, reader_<name>[_unaided|_aided]... (0/1, blank = not read); optional truth, score, model (0/1).\n' +
    "  The model joins as a rater from its 'model' column, or from score >= --threshold.",
  async run(argv) {
    const { values, booleans, positional } = parseFlags(
      argv,
      ['--threshold', '--majority', '--seed', '--bootstrap'],
      ['--json'],
    );
    if (positional.length !== 1) throw new UsageError('give exactly one CSV file');
    const table = loadTable(positional[0], false);
    const threshold = numberFlag(values, '--threshold', () => true, 'a number');
    if (threshold !== undefined && !table.hasScore)
      throw new UsageError(`--threshold given but ${positional[0]} has no 'score' column`);
    let report;
    try {
      report = agreement(table, {
        threshold,
        majority: numberFlag(
          values,
          '--majority',
          (x) => Number.isInteger(x) && x >= 1,
          'a positive integer',
        ),
        seed: numberFlag(values, '--seed', Number.isInteger, 'an integer'),
        resamples: numberFlag(
          values,
          '--bootstrap',
          (x) => Number.isInteger(x) && x >= 10,
          'an integer >= 10',
        ),
      });
    } catch (err) {
      if (err instanceof RangeError) throw new UsageError(err.message);
      throw err;
    }
    process.stdout.write(
      booleans.has('--json') ? JSON.stringify(report, null, 2) + '\n' : agreementText(report),
    );
    return 0;
  },
};
