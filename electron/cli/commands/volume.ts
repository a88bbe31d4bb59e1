import { loadStackVolume, scanPaths } from '../../dicom';
import { writeNifti } from '../../imaging';
import { UsageError, type CliCommand } from '../command';

function option(argv: string[], name: string): string | undefined {
  const at = argv.indexOf(name);
  if (at < 0) return undefined;
  const value = argv[at + 1];
  if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value`);
  return value;
}

export const command: CliCommand = {
  name: 'volume',
  summary: 'write one stack of a DICOM series as NIfTI-1 (.nii or .nii.gz) in patient space',
  usage: 'sij volume <path...> --series <SeriesInstanceUID> [--stack N] --out file.nii[.gz]',
  async run(argv) {
    const series = option(argv, '--series');
    const out = option(argv, '--out');
    const stackText = option(argv, '--stack') ?? '0';
    if (!series) throw new UsageError('--series is required');
    if (!out) throw new UsageError('--out is required');
    if (!/\.nii(\.gz)?$/.test(out)) throw new UsageError('--out must end in .nii or .nii.gz');
    const stackIndex = Number(stackText);
    if (!Number.isInteger(stackIndex) || stackIndex < 0)
      throw new UsageError('--stack must be a whole number >= 0');
    const valued = new Set(['--series', '--out', '--stack']);
    const paths = argv.filter((a, i) => !a.startsWith('--') && !valued.has(argv[i - 1]));
    if (paths.length === 0) throw new UsageError('give at least one file or folder');

    const scan = scanPaths(paths);
    const found = scan.studies.flatMap((s) => s.series).find((s) => s.seriesInstanceUid === series);
    if (!found) throw new UsageError(`series ${series} not found in ${paths.join(', ')}`);
    const stack = found.stacks[stackIndex];
    if (!stack)
      throw new UsageError(
        `series ${series} has ${found.stacks.length} stack(s); --stack ${stackIndex} does not exist`,
      );
    const volume = await loadStackVolume(stack);
    writeNifti(out, volume, { description: `${found.description} stack ${stackIndex}`.slice(0, 79) });
    for (const p of stack.problems) process.stderr.write(`sij volume: warning: ${p}\n`);
    process.stderr.write(
      `wrote ${out}: ${volume.dims.join('x')} voxels, spacing ${volume.spacing.map((s) => s.toFixed(3)).join(' x ')} mm\n`,
    );
    return 0;
  },
};
