import { inspectSummary, inspectText, scanPaths } from '../../dicom';
import { UsageError, type CliCommand } from '../command';

export const command: CliCommand = {
  name: 'inspect',
  summary: 'list the studies, series and stacks in DICOM files or folders',
  usage: 'sij inspect <path...> [--json]',
  async run(argv) {
    const json = argv.includes('--json');
    const unknown = argv.filter((a) => a.startsWith('-') && a !== '--json');
    if (unknown.length > 0) throw new UsageError(`unknown option ${unknown[0]}`);
    const paths = argv.filter((a) => !a.startsWith('-'));
    if (paths.length === 0) throw new UsageError('give at least one file or folder');
    const scan = scanPaths(paths);
    process.stdout.write((json ? JSON.stringify(inspectSummary(scan), null, 2) : inspectText(scan)) + '\n');
    const usable = scan.studies.some((st) => st.series.some((se) => se.stacks.length > 0));
    if (!usable) process.stderr.write('sij inspect: no usable DICOM image found\n');
    return usable ? 0 : 1;
  },
};
