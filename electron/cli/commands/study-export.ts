import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  PackageError,
  parseReadingPackage,
  parseTruthCsv,
  readerStudyTable,
  studyReadingSet,
  truthFromConsensus,
} from '../../compare';
import { openStore } from '../../store';
import { JUDGEMENT_KEYS, type JudgementKey, type Reading } from '../../reading';
import { UsageError, type CliCommand } from '../command';
import { parseFlags } from './evaluate';

function readingsFromFolder(folder: string): Reading[] {
  const files = readdirSync(folder)
    .filter((f) => f.endsWith('.json'))
    .sort();
  if (files.length === 0) throw new UsageError(`${folder}: no .json reading packages`);
  return files.flatMap((f) => {
    const file = path.join(folder, f);
    try {
      return parseReadingPackage(readFileSync(file, 'utf8'), file).map((p) => p.reading);
    } catch (err) {
      if (err instanceof PackageError) throw new UsageError(err.message);
      throw err;
    }
  });
}

export const command: CliCommand = {
  name: 'study-export',
  summary:
    'reader-study table (case_id,truth,score,model,reader_*) from signed readings, for evaluate/agreement',
  usage:
    'sij study-export <packages folder | store.db> --task <judgement> --out <readers.csv> [--truth <labels.csv> | --truth consensus]\n' +
    '                 [--case-id study|accession]\n' +
    `  --task: ${JUDGEMENT_KEYS.join(', ')}. From a store, each reader's blind reading counts (the version signed\n` +
    '  before they first opened a comparison); blinded readings give reader_<name>_unaided and _aided columns.\n' +
    '  labels.csv: case_id (or study_instance_uid, accession) and truth (or a column named after the task).',
  async run(argv) {
    const { values, positional } = parseFlags(argv, ['--task', '--out', '--truth', '--case-id'], []);
    if (positional.length !== 1) throw new UsageError('give one packages folder or store database');
    const task = values.get('--task') as JudgementKey | undefined;
    if (!task || !JUDGEMENT_KEYS.includes(task))
      throw new UsageError(`--task must be one of ${JUDGEMENT_KEYS.join(', ')}`);
    const out = values.get('--out');
    if (!out) throw new UsageError('--out <readers.csv> is required');
    const caseId = values.get('--case-id') ?? 'study';
    if (caseId !== 'study' && caseId !== 'accession')
      throw new UsageError('--case-id must be study or accession');
    const source = positional[0];
    let stat;
    try {
      stat = statSync(source);
    } catch {
      throw new UsageError(`${source}: no such folder or store`);
    }
    let readings: Reading[];
    let consensus: Reading[] = [];
    if (stat.isDirectory()) readings = readingsFromFolder(source);
    else {
      const db = openStore(source);
      try {
        ({ readings, consensus } = studyReadingSet(db));
      } finally {
        db.close();
      }
    }
    const truthArg = values.get('--truth');
    let truth: Map<string, 0 | 1> | undefined;
    if (truthArg === 'consensus') {
      if (consensus.length === 0) throw new UsageError(`${source}: holds no signed consensus readings`);
      truth = truthFromConsensus(consensus, task, caseId);
    } else if (truthArg !== undefined) {
      let text: string;
      try {
        text = readFileSync(truthArg, 'utf8');
      } catch (err) {
        throw new UsageError(`cannot read ${truthArg}: ${(err as Error).message}`);
      }
      try {
        truth = parseTruthCsv(text, truthArg, task);
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
    }
    let table;
    try {
      table = readerStudyTable(readings, { task, truth, caseId });
    } catch (err) {
      throw new UsageError(`${source}: ${(err as Error).message}`);
    }
    writeFileSync(out, table.csv);
    for (const w of table.warnings) process.stderr.write(`warning: ${w}\n`);
    process.stdout.write(
      `wrote ${out}: ${table.cases.length} cases, readers ${table.readers.map((r) => `${r.name} (${r.column})`).join(', ')}\n`,
    );
    return 0;
  },
};
