import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { importReadings, parseReadingPackage } from '../../../electron/compare';
import { createReading, signReadingVersion } from '../../../electron/reading';
import { openStore } from '../../../electron/store';
import { ada, ben, examRef, modelOutput, signedReading } from '../../unit/compare/fixtures';

const root = path.resolve(import.meta.dirname, '../../..');
const sij = (...args: string[]) =>
  promisify(execFile)('node', [path.join(root, 'bin/sij.mjs'), ...args], { cwd: root }).catch(
    (err: { code: number; stdout: string; stderr: string }) => err,
  );
const exam = examRef(1);
const answers = (a: 'yes' | 'no') =>
  ({ active_inflammation: 'yes', asas_bme: a, structural: 'no', overall_axspa: a }) as const;

describe('sij import-reading / compare', () => {
  it('refuses a bad package naming the file and the field, exit 2', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sij-compare-cli-'));
    const bad = signedReading({ id: 'x', author: ben, exam, answers: answers('no') });
    const file = path.join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        ...bad,
        judgements: { ...bad.judgements, asas_bme: { ...bad.judgements.asas_bme, confidence: 7 } },
      }),
    );
    const res = (await sij('import-reading', file, '--db', path.join(dir, 'store.db'))) as {
      code?: number;
      stderr: string;
    };
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(
      `${file}: not a valid sij-reading/1 reading: judgements.asas_bme.confidence`,
    );
  });

  it('prints the comparison with differences starred and overrides listed', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sij-compare-cli-'));
    const dbFile = path.join(dir, 'store.db');
    const db = openStore(dbFile);
    const mine = signedReading({
      id: 'r-ada',
      author: ada,
      exam,
      model: modelOutput(),
      answers: answers('yes'),
      override: { asas_bme: 'mimic' },
    });
    createReading(db, { ...mine, status: 'draft', signer: null, signedAt: null }, ada);
    signReadingVersion(db, 'r-ada', ada, mine.signedAt!);
    const theirs = signedReading({
      id: 'r-ben',
      author: ben,
      exam,
      model: modelOutput(),
      answers: answers('no'),
    });
    importReadings(db, parseReadingPackage(JSON.stringify(theirs), 'ben.json'), {
      importedBy: ada,
      at: mine.signedAt!,
      localExams: null,
    });
    db.close();
    writeFileSync(path.join(dir, 'reader.json'), JSON.stringify(ada));
    const res = (await sij('compare', dbFile, '--study', exam.studyInstanceUid)) as { stdout: string };
    const lines = res.stdout.split('\n');
    expect(lines.find((l) => l.includes('asas_bme') && l.startsWith('*'))).toMatch(
      /yes\/3 !\s+no\/3\s+no p=0\.30/,
    );
    expect(lines.find((l) => l.startsWith(' ') && l.includes('active_inflammation'))).toBeDefined();
    expect(res.stdout).toContain('Ada: asas_bme no -> yes (mimic: test)');
    expect(res.stdout).toContain(
      'Ada vs Ben: 0 grid positions, judgements differing: asas_bme, overall_axspa',
    );
  });
});
