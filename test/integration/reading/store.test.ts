import { describe, expect, it } from 'vitest';
import {
  acceptSuggestion,
  amendReadingVersion,
  attachModelOutput,
  createReading,
  editReading,
  getReading,
  listReadings,
  newReading,
  overrideSuggestion,
  readingAudit,
  setCell,
  setJudgement,
  signReadingVersion,
} from '../../../electron/reading';
import { at, exam, model, otherReader, reader } from '../../unit/reading/fixtures';
import { openReadingDb } from './db';

function signedReading() {
  const db = openReadingDb();
  createReading(
    db,
    newReading({ readingId: 'r-1', exam, author: reader, at: at(0), blinded: false }),
    reader,
  );
  editReading(db, 'r-1', reader, 'attach_model', (r) => attachModelOutput(r, model, at(1)));
  editReading(db, 'r-1', reader, 'edit', (r) =>
    setCell(
      r,
      { slice: 5, joint: 'right', quadrant: 'lower_ilium', lesions: ['bme'], bmeIntense: true },
      at(2),
    ),
  );
  editReading(db, 'r-1', reader, 'accept', (r) => acceptSuggestion(r, 'active_inflammation', at(3)));
  editReading(db, 'r-1', reader, 'accept', (r) => acceptSuggestion(r, 'asas_bme', at(3)));
  editReading(db, 'r-1', reader, 'override', (r) =>
    overrideSuggestion(
      r,
      'structural',
      { answer: 'no', reasonCode: 'disagree_extent', reasonText: 'tiny' },
      at(4),
    ),
  );
  editReading(db, 'r-1', reader, 'edit', (r) => {
    for (const k of ['active_inflammation', 'asas_bme', 'structural'] as const)
      r = setJudgement(r, k, { confidence: 3 }, at(5));
    return setJudgement(r, 'overall_axspa', { answer: 'yes', confidence: 2 }, at(5));
  });
  signReadingVersion(db, 'r-1', reader, at(6));
  return db;
}

describe('reading store', () => {
  it('autosaves each edit with audit rows saying who, when, what, from -> to', () => {
    const db = signedReading();
    const audit = readingAudit(db, 'r-1');
    const cellEntry = audit.find((a) => a.path === 'grid[5/right/lower_ilium]');
    expect(cellEntry).toMatchObject({
      action: 'edit',
      at: at(2),
      actor: { id: 'u-17', name: 'Dr. Ada Reader' },
      from: null,
      to: { slice: 5, joint: 'right', quadrant: 'lower_ilium', lesions: ['bme'], bmeIntense: true },
    });
    const override = audit.filter((a) => a.action === 'override').map((a) => [a.path, a.from, a.to]);
    expect(override).toContainEqual(['judgements.structural.answer', 'yes', 'no']);
    expect(override).toContainEqual([
      'judgements.structural.verdict',
      null,
      expect.objectContaining({ reasonCode: 'disagree_extent' }),
    ]);
    const sign = audit.filter((a) => a.action === 'sign').map((a) => a.path);
    expect(sign).toEqual(expect.arrayContaining(['status', 'signer', 'signedAt']));
    expect(audit.map((a) => a.seq)).toEqual([...audit.map((a) => a.seq)].sort((a, b) => a - b));
  });

  it('keeps a signed version immutable in the database itself, and the audit log append-only', () => {
    const db = signedReading();
    expect(() =>
      db.prepare(`UPDATE reading_versions SET document = document WHERE reading_id = 'r-1'`).run(),
    ).toThrow(/immutable/);
    expect(() => db.prepare(`DELETE FROM reading_versions`).run()).toThrow(/cannot be deleted/);
    expect(() => db.prepare(`UPDATE reading_audit SET actor_name = 'x'`).run()).toThrow(/append-only/);
    expect(() => db.prepare(`DELETE FROM reading_audit`).run()).toThrow(/append-only/);
    expect(() => editReading(db, 'r-1', reader, 'edit', (r) => r)).toThrow(/signed; amend it/);
  });

  it('amends into version 2 pointing to version 1, which then reads as amended', () => {
    const db = signedReading();
    const v1 = getReading(db, 'r-1');
    const v2 = amendReadingVersion(db, 'r-1', otherReader, 'erosion missed', at(10));
    expect(v2).toMatchObject({ version: 2, amendsVersion: 1, status: 'draft', author: otherReader });
    editReading(db, 'r-1', otherReader, 'edit', (r) =>
      setCell(r, { slice: 6, joint: 'left', quadrant: 'upper_ilium', lesions: ['erosion'] }, at(11)),
    );
    expect(getReading(db, 'r-1', 1)).toEqual(v1);
    expect(getReading(db, 'r-1').grid).toHaveLength(2);
    expect(
      listReadings(db, { studyInstanceUid: exam.studyInstanceUid }).map((s) => [s.version, s.state]),
    ).toEqual([
      [1, 'amended'],
      [2, 'draft'],
    ]);
    const amendRows = readingAudit(db, 'r-1').filter((a) => a.action === 'amend');
    expect(amendRows.map((a) => [a.path, a.from, a.to])).toContainEqual(['amendsVersion', null, 1]);
    expect(amendRows.every((a) => a.actor.id === 'u-18' && a.version === 2)).toBe(true);
  });

  it('rolls back an edit that fails validation: nothing half-written', () => {
    const db = openReadingDb();
    createReading(
      db,
      newReading({ readingId: 'r-2', exam, author: reader, at: at(0), blinded: false }),
      reader,
    );
    const before = readingAudit(db, 'r-2').length;
    expect(() =>
      editReading(db, 'r-2', reader, 'edit', (r) => ({
        ...r,
        grid: [{ slice: -1, joint: 'left', quadrant: 'upper_ilium', lesions: ['bme'] }],
      })),
    ).toThrow(/grid.0.slice/);
    expect(getReading(db, 'r-2').grid).toEqual([]);
    expect(readingAudit(db, 'r-2')).toHaveLength(before);
  });

  it('detects a document altered outside the app (checksum)', () => {
    const db = openReadingDb();
    createReading(
      db,
      newReading({ readingId: 'r-3', exam, author: reader, at: at(0), blinded: false }),
      reader,
    );
    db.prepare(
      `UPDATE reading_versions SET document = json_set(document, '$.comment', 'edited by hand')`,
    ).run();
    expect(() => getReading(db, 'r-3')).toThrow(/r-3 v1: stored document fails its checksum/);
  });
});
