import { writeFileSync } from 'node:fs';
import { agreement, agreementText, referenceCsv } from '../../analysis';
import { UsageError, type CliCommand } from '../command';
import { loadTable, numberFlag, parseFlags } from './evaluate';

export const command: CliCommand = {
  name: 'agreement',
  summary:
    "inter-reader agreement: Cohen's kappa per pair, Fleiss' kappa, model vs readers, k-of-n reference",
  usage:
    'sij agreement <readings.csv> [--json] [--threshold t] [--majority k [--adjudication consensus.csv] [--reference-out truth.csv]] [--seed n] [--bootstrap n]\n' +
    '  CSV columns: case_id, reader_<name>[_unaided|_aided]... (0/1, blank = not read); optional truth, score, model (0/1).\n' +
    "  The model joins as a rater from its 'model' column, or from score >= --threshold.\n" +
    '  --majority k: reference standard "at least k of the readers"; --adjudication: case_id,truth for cases without\n' +
    '  a majority; --reference-out: writes the reference (from plain, else unaided readings) as case_id,truth,...',
  async run(argv) {
    const { values, booleans, positional } = parseFlags(
      argv,
      ['--threshold', '--majority', '--adjudication', '--reference-out', '--seed', '--bootstrap'],
      ['--json'],
    );
    if (positional.length !== 1) throw new UsageError('give exactly one CSV file');
    const table = loadTable(positional[0], false);
    const threshold = numberFlag(values, '--threshold', () => true, 'a number');
    if (threshold !== undefined && !table.hasScore) {
      throw new UsageError(`--threshold given but ${positional[0]} has no 'score' column`);
    }
    const majority = numberFlag(
      values,
      '--majority',
      (x) => Number.isInteger(x) && x >= 1,
      'a positive integer',
    );
    const adjudicationFile = values.get('--adjudication');
    const referenceOut = values.get('--reference-out');
    if (majority === undefined && (adjudicationFile !== undefined || referenceOut !== undefined)) {
      throw new UsageError('--adjudication and --reference-out need --majority k');
    }
    const adjudication =
      adjudicationFile === undefined
        ? undefined
        : new Map(loadTable(adjudicationFile, true).rows.map((r) => [r.caseId, r.truth as 0 | 1]));
    let report;
    try {
      report = agreement(table, {
        threshold,
        majority,
        adjudication,
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
    if (referenceOut === undefined) return 0;

    // The reference comes from readings made without the model, as the paper's experts read.
    const group =
      report.groups.find((g) => g.condition === 'plain') ??
      report.groups.find((g) => g.condition === 'unaided');
    if (!group?.majority)
      throw new UsageError('--reference-out needs reader_<name> or reader_<name>_unaided columns');
    writeFileSync(referenceOut, referenceCsv(group.majority.reference));
    process.stderr.write(
      `sij agreement: wrote ${referenceOut} (${group.condition} readers, at least ${majority} of ${group.readers.length})\n`,
    );
    const open = group.majority.unresolved.length;
    if (open > 0) {
      process.stderr.write(
        `sij agreement: ${open} case(s) without a majority have no truth yet; give them with --adjudication\n`,
      );
      return 1;
    }
    return 0;
  },
};
