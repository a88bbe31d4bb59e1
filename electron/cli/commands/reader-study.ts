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
import { evaluationOptions, loadTable, parseFlags, writePlot } from './evaluate';

export const command: CliCommand = {
  name: 'reader-study',
  summary:
    'reader-study outputs: ROC with readers as points, performance dot plot (SVG/PNG), tables (CSV, Markdown)',
  usage:
    'sij reader-study <readings.csv> --out <dir> [--threshold t | --threshold-from <validation.csv>] [--target-sensitivity s] [--seed n] [--bootstrap n] [--title text] [--png]\n' +
    '  Same CSV as sij evaluate; reader_<name>_unaided / reader_<name>_aided columns give the with/without-model comparison.\n' +
    '  Writes roc.svg, performance.svg, readers.csv, readers.md and evaluation.json into <dir>; --png adds PNGs (Chromium).',
  async run(argv) {
    const { values, booleans, positional } = parseFlags(
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
      ['--png'],
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
    const written = files.map(([n]) => path.join(out, n));
    if (booleans.has('--png')) {
      for (const [name, svg] of files.filter(([n]) => n.endsWith('.svg'))) {
        const png = path.join(out, name.replace(/\.svg$/, '.png'));
        writePlot(png, svg);
        written.push(png);
      }
    }
    process.stdout.write(`wrote ${written.join(', ')}\n`);
    return 0;
  },
};
