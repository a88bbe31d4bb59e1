import { readFileSync } from 'node:fs';
import path from 'node:path';
import { scanPaths } from '../../dicom';
import { importReadings, PackageError, parsePackageBytes, type LocalExam } from '../../compare';
import { openStore } from '../../store';
import { localReaderProfile, personSchema, type Person } from '../../reading';
import { UsageError, type CliCommand } from '../command';
import { parseFlags } from './evaluate';

/** The person acting: --reader <reader.json> ({ id, name }) or the store folder's reader profile. */
export function actingPerson(values: Map<string, string>, db: string): Person {
  const file = values.get('--reader');
  if (file === undefined) return localReaderProfile(path.dirname(path.resolve(db)));
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`${file}: cannot read a reader profile (${(err as Error).message})`);
  }
  const res = personSchema.safeParse(raw);
  if (!res.success) throw new UsageError(`${file}: a reader profile needs "id" and "name" strings`);
  return res.data;
}

/** The studies and series found under --exams, or null when none was given. */
export function localExamsFrom(values: Map<string, string>): LocalExam[] | null {
  const folder = values.get('--exams');
  if (folder === undefined) return null;
  return scanPaths([folder]).studies.map((s) => ({
    studyInstanceUid: s.studyInstanceUid,
    seriesInstanceUids: s.series.map((x) => x.seriesInstanceUid),
  }));
}

export const command: CliCommand = {
  name: 'import-reading',
  summary:
    'import reading packages (JSON export or DICOM SR) from another workstation, matched to local exams',
  usage:
    'sij import-reading <package.json|reading-sr.dcm...> --db <store.db> [--exams <dicom folder>] [--reader <reader.json>] [--json]\n' +
    '  Each JSON package is one signed reading or an array of them; an SR is one reading (sij report --sr). With --exams, each reading is matched to the\n' +
    '  local study and series by UID; a reading whose exam is absent is kept and flagged.',
  async run(argv) {
    const { values, booleans, positional } = parseFlags(argv, ['--db', '--exams', '--reader'], ['--json']);
    const dbFile = values.get('--db');
    if (!dbFile) throw new UsageError('--db <store.db> is required');
    if (positional.length === 0) throw new UsageError('give at least one package file');
    const packaged = positional.flatMap((file) => {
      let bytes: Uint8Array;
      try {
        bytes = readFileSync(file);
      } catch (err) {
        throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
      }
      try {
        return parsePackageBytes(bytes, file);
      } catch (err) {
        if (err instanceof PackageError) throw new UsageError(err.message);
        throw err;
      }
    });
    const localExams = localExamsFrom(values);
    const db = openStore(dbFile);
    try {
      const outcomes = importReadings(db, packaged, {
        importedBy: actingPerson(values, dbFile),
        at: new Date().toISOString(),
        localExams,
      });
      if (booleans.has('--json')) process.stdout.write(JSON.stringify(outcomes, null, 2) + '\n');
      else
        for (const o of outcomes)
          process.stdout.write(
            `${o.status.padEnd(9)} ${o.readingId} v${o.version} by ${o.author}, study ${o.studyInstanceUid}: ${
              o.match
                ? o.match.status === 'matched'
                  ? 'exam matched'
                  : `FLAGGED ${o.match.note}`
                : 'not matched (no --exams)'
            }  [${o.source}]\n`,
          );
      return 0;
    } catch (err) {
      if (err instanceof PackageError) throw new UsageError(err.message);
      throw err;
    } finally {
      db.close();
    }
  },
};
