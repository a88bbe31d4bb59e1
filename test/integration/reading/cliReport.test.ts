import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../../electron/cli/command';
import { command as reportCommand } from '../../../electron/cli/commands/report';
import { scanPaths } from '../../../electron/dicom';
import { generateExam, type PhantomTruth } from '../../../electron/phantom';
import {
  acceptSuggestion,
  attachModelOutput,
  computeScores,
  createReading,
  editReading,
  examRefFromStudy,
  importReadingJson,
  newReading,
  overrideSuggestion,
  patchReading,
  readingAudit,
  setCell,
  setJudgement,
  signReadingVersion,
  type Reading,
} from '../../../electron/reading';
import { openStore, STORE_FILE } from '../../../electron/store';
import { model, reader } from '../../unit/reading/fixtures';

const root = mkdtempSync(path.join(os.tmpdir(), 'sij-reading-cli-'));
const examDir = path.join(root, 'exam');
const dataDir = path.join(root, 'data');
let truth: PhantomTruth;
let signed: Reading;

/**
 * Runs `sij report` in-process (the dispatcher adds nothing here, and a CLI start per call costs
 * many seconds on a busy machine): exit status as the dispatcher would give it, stderr captured.
 */
async function sij(args: string[]): Promise<{ status: number; stderr: string }> {
  let stderr = '';
  const err = vi
    .spyOn(process.stderr, 'write')
    .mockImplementation((chunk) => ((stderr += String(chunk)), true));
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    const status = await reportCommand.run(args.slice(1));
    return { status, stderr };
  } catch (e) {
    return { status: e instanceof UsageError ? 2 : 1, stderr: stderr + (e as Error).message };
  } finally {
    err.mockRestore();
    out.mockRestore();
  }
}

beforeAll(async () => {
  generateExam(examDir, { seed: 11, caseKind: 'axspa_active_structural', maxMatrix: 128, labelNoise: 0 });
  truth = JSON.parse(readFileSync(path.join(examDir, 'truth.json'), 'utf8')) as PhantomTruth;
  const study = scanPaths([examDir]).studies[0];
  const db = openStore(path.join(dataDir, STORE_FILE));
  const at = (m: number) => new Date(Date.UTC(2026, 10, 30, 12, m)).toISOString();
  createReading(
    db,
    newReading({
      readingId: 'cli-1',
      exam: await examRefFromStudy(study),
      author: reader,
      at: at(0),
      blinded: false,
    }),
    reader,
  );
  // the reader enters the truth grid cell by cell, as the form would
  for (const cell of truth.grid) editReading(db, 'cli-1', reader, 'edit', (r) => setCell(r, cell, at(1)));
  editReading(db, 'cli-1', reader, 'edit', (r) =>
    patchReading(r, { sparccFirstSlice: firstBmeSlice(), sssWindow: null }, at(2)),
  );
  editReading(db, 'cli-1', reader, 'attach_model', (r) => attachModelOutput(r, model, at(3)));
  editReading(db, 'cli-1', reader, 'accept', (r) => acceptSuggestion(r, 'active_inflammation', at(4)));
  editReading(db, 'cli-1', reader, 'override', (r) =>
    overrideSuggestion(
      r,
      'asas_bme',
      { answer: 'yes', reasonCode: 'disagree_extent', reasonText: 'BME on two consecutive slices' },
      at(5),
    ),
  );
  editReading(db, 'cli-1', reader, 'accept', (r) => acceptSuggestion(r, 'structural', at(5)));
  editReading(db, 'cli-1', reader, 'edit', (r) => {
    for (const k of ['active_inflammation', 'asas_bme', 'structural'] as const)
      r = setJudgement(r, k, { confidence: 4 }, at(6));
    return setJudgement(r, 'overall_axspa', { answer: 'yes', confidence: 3 }, at(6));
  });
  signed = signReadingVersion(db, 'cli-1', reader, at(7));
  db.close();
}, 120_000);

function firstBmeSlice(): number {
  return Math.max(0, Math.min(...truth.grid.filter((c) => c.lesions.includes('bme')).map((c) => c.slice)));
}

describe('a reading of a phantom exam', () => {
  it('has the grid of the truth and rule results that agree with the phantom generator (an independent implementation)', () => {
    const s = computeScores({
      grid: signed.grid,
      sparccFirstSlice: signed.sparccFirstSlice,
      sssWindow: null,
    });
    const fromTruth = computeScores({ grid: truth.grid, sparccFirstSlice: firstBmeSlice(), sssWindow: null });
    expect(s.sparcc!.score).toBe(fromTruth.sparcc!.score);
    expect(s.sparcc!.score).toBeGreaterThan(0);
    expect(s.asasPositive.positive).toBe(truth.labelsByRule.asas_bme);
    expect(s.definiteActive.definite).toBe(truth.labelsByRule.active_inflammation);
    // the generator also counts any backfill or ankylosis as structural (READING.md does not)
    const backfillOrAnkylosis = truth.grid.some(
      (c) => c.lesions.includes('backfill') || c.lesions.includes('ankylosis'),
    );
    expect(s.definiteStructural.definite || backfillOrAnkylosis).toBe(truth.labelsByRule.structural);
  });
});

describe('sij report', () => {
  it('writes PDF, JSON and SR from the database and the exam images, and audits the export', async () => {
    const pdf = path.join(root, 'r.pdf');
    const json = path.join(root, 'r.json');
    const sr = path.join(root, 'r.dcm');
    const res = await sij([
      'report',
      'cli-1',
      '--data-dir',
      dataDir,
      '--images',
      examDir,
      '--pdf',
      pdf,
      '--json',
      json,
      '--sr',
      sr,
    ]);
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    const text = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toContain('overridden: Disagree with extent – BME on two consecutive slices');
    expect(text).toContain(
      `${computeScores({ grid: truth.grid, sparccFirstSlice: firstBmeSlice(), sssWindow: null }).sparcc!.score} / 72`,
    );
    expect(text).toContain('STIR, image');
    expect(importReadingJson(readFileSync(json, 'utf8'), json).reading).toEqual(signed);
    const v = spawnSync('dciodvfy', [sr], { encoding: 'utf8' });
    expect((v.stdout + v.stderr).split('\n').filter((l) => l.startsWith('Error'))).toEqual([]);
    const refs = execFileSync(
      '/usr/bin/python3',
      [
        '-c',
        'import pydicom,sys; d=pydicom.dcmread(sys.argv[1]); print(sum(len(s.ReferencedSOPSequence) for s in d.CurrentRequestedProcedureEvidenceSequence[0].ReferencedSeriesSequence))',
        sr,
      ],
      { encoding: 'utf8' },
    );
    expect(Number(refs)).toBe(truth.seriesDetails.t1.dims[2] + truth.seriesDetails.stir!.dims[2]);
    const db = openStore(path.join(dataDir, STORE_FILE));
    expect(readingAudit(db, 'cli-1').at(-1)).toMatchObject({
      action: 'export',
      path: 'export r.pdf, r.json, r.dcm',
    });
    db.close();
  });

  it('de-identifies on request and warns when the images changed since the reading', async () => {
    const json = path.join(root, 'anon.json');
    const first = path.join(examDir, 'T1', 'IM0001.dcm');
    const bytes = readFileSync(first);
    bytes[0] ^= 0xff; // inside the 128-byte preamble: still a valid file, but not the one that was read
    writeFileSync(first, bytes);
    const res = await sij([
      'report',
      'cli-1',
      '--data-dir',
      dataDir,
      '--images',
      examDir,
      '--json',
      json,
      '--deidentify',
      '--salt',
      'k',
    ]);
    expect(res.status).toBe(0);
    expect(res.stderr).toMatch(/warning: The images of study .* changed since reading cli-1 v1 was made/);
    const text = readFileSync(json, 'utf8');
    expect(text).not.toContain(truth.studyInstanceUid);
    expect(text).not.toContain(signed.exam.patient.id!);
    expect(JSON.parse(text).deidentified).toBe(true);
  });

  it('says what is wrong for an unknown reading', async () => {
    const unknown = await sij(['report', 'nope', '--data-dir', dataDir, '--json', path.join(root, 'x.json')]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("no reading or study 'nope' in the database");
    const flag = await sij(['report', 'nope', '--pfd', path.join(root, 'x.pdf')]);
    expect(flag.status).toBe(2);
    expect(flag.stderr).toContain("Unknown option '--pfd'");
    const nothing = await sij(['report', 'nope', '--deidentify']);
    expect(nothing.status).toBe(2);
    expect(nothing.stderr).toContain('nothing to write');
    const two = await sij(['report', 'a', 'b', '--json', path.join(root, 'x.json')]);
    expect(two.status).toBe(2);
    expect(two.stderr).toContain('give one reading id');
  });
});
