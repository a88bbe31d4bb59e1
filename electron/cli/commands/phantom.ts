import path from 'node:path';
import { parseCommandArgs, UsageError, type CliCommand } from '../command';
import {
  FindingsSpecError,
  generateExam,
  PhantomOptionError,
  writeContactSheet,
  type ErrorCase,
} from '../../phantom';

const OPTIONS = {
  out: { type: 'string' },
  seed: { type: 'string' },
  site: { type: 'string' },
  profile: { type: 'string' },
  findings: { type: 'string' },
  error: { type: 'string' },
  'label-noise': { type: 'string' },
  preview: { type: 'string' },
} as const;

export const command: CliCommand = {
  name: 'phantom',
  summary: 'write one synthetic SIJ MRI exam (T1 + STIR DICOM, truth.json, masks)',
  usage:
    'sij phantom --out <dir> --seed <n> [--site alpha|bravo|charlie|delta] [--profile <scanner>] ' +
    '[--findings case=<kind> | <lesion[:joint[:quadrant[:size]]],...>] [--error missing_stir|axial_only] ' +
    '[--label-noise <rate>] [--preview out.png]',
  async run(argv) {
    const { values: args, positionals } = parseCommandArgs(argv, OPTIONS);
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    if (!args.out) throw new UsageError('--out <dir> is required');
    const seed = Number(args.seed ?? '1');
    if (!Number.isInteger(seed) || seed < 0)
      throw new UsageError(`--seed must be a non-negative integer, got '${args.seed}'`);
    const error = args.error as ErrorCase | undefined;
    if (error && error !== 'missing_stir' && error !== 'axial_only')
      throw new UsageError(`--error must be missing_stir or axial_only`);
    const labelNoise = args['label-noise'] !== undefined ? Number(args['label-noise']) : undefined;
    if (labelNoise !== undefined && !(labelNoise >= 0 && labelNoise <= 0.5))
      throw new UsageError('--label-noise must be between 0 and 0.5');
    const t0 = performance.now();
    try {
      const result = generateExam(path.resolve(args.out), {
        seed,
        site: args.site,
        profile: args.profile,
        findings: args.findings,
        errorCase: error,
        labelNoise,
      });
      if (args.preview) writeContactSheet(result, path.resolve(args.preview));
      const t = result.truth;
      const labels = Object.entries(t.labels)
        .map(([k, v]) => `${k}=${v ? 1 : 0}`)
        .join(' ');
      process.stdout.write(
        `${t.examId}: ${t.profile}, ${t.caseKind}, ${t.grid.length} grid cells, ${labels} ` +
          `(${((performance.now() - t0) / 1000).toFixed(2)} s) -> ${args.out}\n`,
      );
      return 0;
    } catch (err) {
      if (err instanceof PhantomOptionError || err instanceof FindingsSpecError)
        throw new UsageError(err.message);
      throw err;
    }
  },
};
