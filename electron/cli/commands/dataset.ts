import { buildDataset, parseTriple, SHIPPED_GRID } from '../../inference';
import { parseCommandArgs, UsageError, type CliCommand } from '../command';

export const command: CliCommand = {
  name: 'dataset',
  summary: 'resample labelled exams onto the model grid as float32 tensors for training',
  usage:
    'sij dataset <exam folders...> --labels labels.csv --out <dir> [--grid 20x112x112] [--spacing 3.5x2x2] [--features] [--workers 2]',
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      labels: { type: 'string' },
      out: { type: 'string' },
      grid: { type: 'string' },
      spacing: { type: 'string' },
      features: { type: 'boolean', default: false },
      workers: { type: 'string', default: '2' },
    });
    if (positionals.length === 0)
      throw new UsageError('give at least one exam folder (or a phantom-set folder)');
    if (!values.labels) throw new UsageError('--labels <labels.csv> is required');
    if (!values.out) throw new UsageError('--out <dir> is required');
    const workers = Number(values.workers);
    if (!Number.isInteger(workers) || workers < 1)
      throw new UsageError(`--workers must be a whole number >= 1 (got '${values.workers}')`);
    let grid;
    try {
      grid = {
        size: values.grid ? parseTriple(values.grid, '--grid', true) : SHIPPED_GRID.size,
        spacing: values.spacing ? parseTriple(values.spacing, '--spacing', false) : SHIPPED_GRID.spacing,
      };
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const summary = await buildDataset({
      folders: positionals,
      labelsFile: values.labels,
      outDir: values.out,
      grid,
      features: values.features,
      workers,
      onExam: (done, total, entry) => {
        const what = 'error' in entry ? `skipped: ${entry.error}` : `${entry.timingsMs.total.toFixed(0)} ms`;
        process.stderr.write(`[${done}/${total}] ${entry.id} ${what}\n`);
      },
    });
    const perExam = summary.exams > 0 ? (summary.wallMs / summary.exams).toFixed(0) : '-';
    process.stdout.write(
      `${summary.file}: ${summary.exams} exams, ${summary.skipped.length} skipped, ${(summary.wallMs / 1000).toFixed(1)} s (${perExam} ms per exam wall clock)\n`,
    );
    for (const s of summary.skipped) process.stderr.write(`skipped ${s.id} (${s.folder}): ${s.reason}\n`);
    return summary.exams > 0 ? 0 : 1;
  },
};
