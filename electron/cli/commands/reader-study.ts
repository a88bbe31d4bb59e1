import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  evaluate,
  performancePlotSvg,
  readerTableCsv,
  readerTableMarkdown,
  rocPlotSvg,
} from '../../analysis';
import { UsageError, type CliCommand } from '../command';
import { evaluationOptions, loadTable, parseFlags } from './evaluate';

export const command: CliCommand = {
  name: 'reader-study',
  summary:
    'reader-study outputs: ROC with readers as points, performance dot plot (SVG), tables (CSV, Markdown)',
  usage:
    'sij reader-study <readings.csv> --out <dir> [--threshold t | --threshold-from <validation.csv>] [--target-sensitivity s] [--seed n] [--bootstrap n] [--title text]\n' +
    '  Same CSV as sij evaluate; reader_<name>_unaided / reader_<name>_aided columns give the with/without-model comparison.\n' +
    '  Writes roc.svg, performance.svg, readers.csv, readers.md and evaluation.json into <dir>.',
  async run(argv) {
    const { values, positional } = parseFlags(
      argv,
      [
        '--out',
        '--threshold',
        '--threshold-from',
        '--target-sensitivity',
        '--seed',
        '--bootstrap',
        '--title',
      ],
      [],
    );
    if (positional.length !== 1) throw new UsageError('give exactly one CSV file');
    const out = values.get('--out');
    if (!out) throw new UsageError('--out <dir> is required');
    const table = loadTable(positional[0], true);
    if (table.readerColumns.length === 0)
      throw new UsageError(`${positional[0]} has no reader_<name> columns`);
    let report;
    try {
      report = evaluate(table, evaluationOptions(values));
    } catch (err) {
      if (err instanceof RangeError) throw new UsageError(`${positional[0]}: ${err.message}`);
      throw err;
    }
    const title = values.get('--title') ?? path.basename(positional[0]);
    mkdirSync(out, { recursive: true });
    const files: [string, string][] = [
      ['roc.svg', rocPlotSvg(report, `ROC: ${title}`)],
      ['performance.svg', performancePlotSvg(report, `Readers and model: ${title}`)],
      ['readers.csv', readerTableCsv(report)],
      ['readers.md', readerTableMarkdown(report)],
      ['evaluation.json', JSON.stringify(report, null, 2) + '\n'],
    ];
    for (const [name, content] of files) writeFileSync(path.join(out, name), content);
    process.stdout.write(`wrote ${files.map(([n]) => path.join(out, n)).join(', ')}\n`);
    return 0;
  },
};
