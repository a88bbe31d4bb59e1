/**
 * Child process for the crash-safety test: saves, signs and amends readings as fast as it can and
 * reports each committed state on stdout, until the parent SIGKILLs it.
 * argv: <db file> <run id>
 */
import { writeSync } from 'node:fs';
import {
  amendReadingVersion,
  createReading,
  editReading,
  newReading,
  setCell,
  setJudgement,
  signReadingVersion,
  type GridCell,
} from '../../../electron/reading';
import { exam, reader } from '../../unit/reading/fixtures';
import { openReadingDb } from './db';

const [dbFile, runId] = process.argv.slice(2);
const db = openReadingDb(dbFile);
const readingId = `crash-${runId}`;
const now = () => new Date().toISOString();
createReading(db, newReading({ readingId, exam, author: reader, at: now(), blinded: false }), reader);
writeSync(1, `ready\n`);

for (let n = 1; ; n++) {
  const r = editReading(db, readingId, reader, 'edit', (d) => {
    const cell: GridCell = {
      slice: n % 16,
      joint: n % 2 ? 'left' : 'right',
      quadrant: 'upper_ilium',
      lesions: ['bme'],
    };
    return { ...setCell(d, cell, now()), comment: `save ${n} ${'x'.repeat(n % 4000)}` };
  });
  writeSync(1, `committed ${r.version} ${n}\n`);
  if (n % 7 === 0) {
    editReading(db, readingId, reader, 'edit', (d) => {
      for (const k of ['active_inflammation', 'asas_bme', 'structural', 'overall_axspa'] as const)
        d = setJudgement(d, k, { answer: 'yes', confidence: 3 }, now());
      return d;
    });
    const signed = signReadingVersion(db, readingId, reader, now());
    writeSync(1, `signed ${signed.version} ${n}\n`);
    amendReadingVersion(db, readingId, reader, `amendment after save ${n}`, now());
  }
}
