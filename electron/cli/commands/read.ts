import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  cliJson,
  InferenceEngine,
  parseProviderList,
  writeCamNifti,
  TASK_KEYS,
  type EngineOutput,
  type WorkerSessionOptions,
} from '../../inference';
import { openStore, STORE_FILE } from '../../store';
import { parseCommandArgs, UsageError, type CliCommand } from '../command';

function sessionOptions(values: {
  provider?: string;
  threads?: string;
  'low-memory'?: boolean;
}): WorkerSessionOptions {
  const options: WorkerSessionOptions = {};
  if (values.provider) {
    try {
      options.providers = parseProviderList(values.provider);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  if (values.threads !== undefined) {
    const n = Number(values.threads);
    if (!Number.isInteger(n) || n < 1)
      throw new UsageError(`--threads must be a whole number >= 1 (got '${values.threads}')`);
    options.threads = n;
  }
  if (values['low-memory']) options.lowMemory = true;
  return options;
}

function text(out: EngineOutput): string {
  const r = out.result;
  const lines = [
    `model     ${r.model.name} (${r.model.id} ${r.model.version}, manifest sha256 ${r.model.sha256.slice(0, 12)}…)`,
    r.model.clinicalUse ? '' : `          ${r.model.disclaimer}`,
    `provider  ${r.provider}${out.cached ? ' (cached result)' : ''}`,
    `stacks    T1 '${r.stacks.t1.description}', STIR '${r.stacks.stir.description}'`,
    '',
    `${'task'.padEnd(22)} probability  threshold  decision`,
    ...TASK_KEYS.map((k) => {
      const t = r.tasks[k];
      return `${k.padEnd(22)} ${t.probability.toFixed(3).padStart(11)}  ${t.threshold.toFixed(3).padStart(9)}  ${t.positive ? 'POSITIVE' : 'negative'}`;
    }),
    '',
    `quality   out-of-distribution score ${r.quality.oodScore === null ? 'n/a (model has no quality reference)' : r.quality.oodScore.toFixed(2)}`,
    ...(r.warnings.length ? r.warnings.map((w) => `warning   [${w.code}] ${w.message}`) : ['warnings  none']),
    `timings   ${Object.entries(r.timingsMs)
      .map(([k, v]) => `${k} ${v.toFixed(0)}`)
      .join(', ')} ms`,
  ];
  return lines.filter((l, n) => l !== '' || n > 1).join('\n');
}

function csvCell(v: string | number | boolean): string {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const CSV_HEADER = [
  'exam',
  'folder',
  'status',
  'model_id',
  'model_version',
  'model_sha256',
  'provider',
  ...TASK_KEYS.flatMap((k) => [`${k}_probability`, `${k}_threshold`, `${k}_positive`]),
  'ood_score',
  'warnings',
  'error',
  'total_ms',
];

function csvRow(exam: string, folder: string, out: EngineOutput | null, error: string): string {
  const r = out?.result;
  const cells: (string | number | boolean)[] = [
    exam,
    folder,
    r ? 'ok' : 'error',
    r?.model.id ?? '',
    r?.model.version ?? '',
    r?.model.sha256 ?? '',
    r?.provider ?? '',
    ...TASK_KEYS.flatMap((k): (string | number)[] =>
      r ? [r.tasks[k].probability, r.tasks[k].threshold, r.tasks[k].positive ? 1 : 0] : ['', '', ''],
    ),
    r?.quality.oodScore ?? '',
    r ? r.warnings.map((w) => `${w.code}: ${w.message}`).join(' | ') : '',
    error,
    r ? Math.round(r.timingsMs.total) : '',
  ];
  return cells.map(csvCell).join(',');
}

async function batch(
  engine: InferenceEngine,
  folder: string,
  outFile: string,
  model?: string,
): Promise<number> {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new UsageError(`${folder}: not a folder`);
  const exams = readdirSync(folder, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  if (exams.length === 0) throw new UsageError(`${folder}: no exam sub-folders (one folder per exam)`);
  const rows = [CSV_HEADER.join(',')];
  let failed = 0;
  // All exams are queued at once; the engine runs them one after another and reports each stage.
  const jobs = exams.map((exam, n) =>
    engine
      .read([path.join(folder, exam)], {
        model,
        onProgress: (p) => {
          if (p.stage !== 'queued') process.stderr.write(`[${n + 1}/${exams.length}] ${exam}: ${p.stage}\n`);
        },
      })
      .then(
        (out) => ({ exam, out, error: '' }),
        (err: Error) => ({ exam, out: null, error: err.message }),
      ),
  );
  for (const job of jobs) {
    const { exam, out, error } = await job;
    if (!out) {
      failed++;
      process.stderr.write(`${exam}: ${error}\n`);
    }
    rows.push(csvRow(exam, path.join(folder, exam), out, error));
  }
  writeFileSync(outFile, rows.join('\n') + '\n');
  process.stdout.write(`${outFile}: ${exams.length - failed} read, ${failed} failed\n`);
  return failed === exams.length ? 1 : 0;
}

/**
 * The workstation database in `dir`, created and migrated as the app would (the engine's worker only
 * adds the results tables): results read here are then the app's cached results, and `sij report`
 * finds their Grad-CAM key images.
 */
function workstationStore(dir: string): string {
  const file = path.join(path.resolve(dir), STORE_FILE);
  try {
    openStore(file).close();
  } catch (err) {
    throw new UsageError(
      `--data-dir ${dir}: cannot open the workstation database ${file}: ${(err as Error).message}`,
    );
  }
  return file;
}

export const command: CliCommand = {
  name: 'read',
  summary: 'run the model on an exam: per-task probability, decision, warnings, Grad-CAM',
  usage:
    'sij read <exam path...> [--model <dir|id>] [--json] [--cam <dir>] [--provider cpu|cuda|dml|coreml[,...]] [--threads n] [--low-memory] [--data-dir DIR]\n       sij read --batch <folder> --out results.csv [--model ...] [--provider ...] [--threads n] [--data-dir DIR]',
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      model: { type: 'string' },
      json: { type: 'boolean', default: false },
      cam: { type: 'string' },
      provider: { type: 'string' },
      threads: { type: 'string' },
      'low-memory': { type: 'boolean', default: false },
      batch: { type: 'string' },
      out: { type: 'string' },
      'data-dir': { type: 'string' },
    });
    const engine = new InferenceEngine({
      model: values.model,
      session: sessionOptions(values),
      cacheFile: values['data-dir'] ? workstationStore(values['data-dir']) : undefined,
    });
    try {
      if (values.batch) {
        if (!values.out) throw new UsageError('--batch needs --out <results.csv>');
        if (positionals.length > 0)
          throw new UsageError('give either exam paths or --batch <folder>, not both');
        return await batch(engine, values.batch, values.out, values.model);
      }
      if (positionals.length === 0) throw new UsageError('give the exam folder (or its DICOM files)');
      for (const p of positionals) if (!existsSync(p)) throw new UsageError(`${p}: no such file or folder`);
      const out = await engine.read(positionals);
      process.stdout.write((values.json ? JSON.stringify(cliJson(out.result), null, 2) : text(out)) + '\n');
      if (values.cam) {
        const files = writeCamNifti(out, values.cam);
        const lesionMaps = out.cams.filter(
          (c) => out.result.tasks[c.task].heatmaps?.[c.sequence] === 'lesion-probability',
        ).length;
        process.stderr.write(
          `heat maps: ${files.length} NIfTI files in ${values.cam}` +
            (lesionMaps
              ? ` (${lesionMaps} lesion probability, ${files.length - lesionMaps} Grad-CAM)\n`
              : ' (Grad-CAM)\n'),
        );
      }
      return 0;
    } finally {
      await engine.close();
    }
  },
};
