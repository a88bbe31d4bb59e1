import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../electron/api/contract';
import { methods } from '../../../electron/api/reading';
import { readingHandlers } from '../../../electron/reading';
import { openStore, STORE_FILE } from '../../../electron/store';
import { modelResult, scannedStudy } from './scannedStudy';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sij-reading-api-'));
const { study, files } = scannedStudy('1.2.3', dir);
writeFileSync(path.join(dir, 'reader.json'), JSON.stringify({ id: 'u-1', name: 'Dr. Test Reader' }));
function service(
  db = openStore(path.join(mkdtempSync(path.join(os.tmpdir(), 'sij-reading-api-db-')), STORE_FILE)),
) {
  const events: unknown[] = [];
  const h = readingHandlers({
    db,
    dataDir: dir,
    findStudy: async (uid) => (uid === study.studyInstanceUid ? study : null),
    modelResult: async () => modelResult,
    emit: (e) => events.push(e),
  });
  return { h, events, db };
}

/** Every result must satisfy the contract the renderer relies on. */
const checkState = (value: unknown) => methods['reading.open'].result.parse(value);

describe('reading API handlers', () => {
  it('opens a pre-filled draft, autosaves each change, and signs as the local reader profile', async () => {
    const { h, events } = service();
    const opened = checkState(await h['reading.open']({ studyInstanceUid: '1.2.3' }));
    const id = opened.reading.readingId;
    expect(opened.reading.model?.modelId).toBe('m');
    expect(opened.reading.judgements.asas_bme.answer).toBe('no');
    expect(opened.reading.exam.series.t1?.sliceCount).toBe(3);
    expect(opened.imageWarning).toBeNull();
    await h['reading.setCell']({
      readingId: id,
      cell: { slice: 1, joint: 'left', quadrant: 'upper_ilium', lesions: ['bme'] },
    });
    await h['reading.accept']({ readingId: id, key: 'active_inflammation' });
    await h['reading.accept']({ readingId: id, key: 'asas_bme' });
    await h['reading.override']({
      readingId: id,
      key: 'structural',
      answer: 'no',
      reasonCode: 'artifact',
      reasonText: 'motion',
    });
    for (const key of ['active_inflammation', 'asas_bme', 'structural'] as const)
      await h['reading.setJudgement']({ readingId: id, key, confidence: 3 });
    const beforeSign = await h['reading.setJudgement']({
      readingId: id,
      key: 'overall_axspa',
      answer: 'no',
      confidence: 2,
    });
    expect(beforeSign.signBlockers).toEqual([]);
    const signed = checkState(await h['reading.sign']({ readingId: id }));
    expect(signed.reading).toMatchObject({
      status: 'signed',
      signer: { id: 'u-1', name: 'Dr. Test Reader' },
    });
    expect(signed.versions).toEqual([{ version: 1, state: 'signed' }]);
    // reopening the study returns the same reading; a signed one refuses edits with a clear message
    expect((await h['reading.open']({ studyInstanceUid: '1.2.3' })).reading.readingId).toBe(id);
    await expect(
      h['reading.setCell']({
        readingId: id,
        cell: { slice: 2, joint: 'left', quadrant: 'upper_ilium', lesions: ['bme'] },
      }),
    ).rejects.toMatchObject({
      code: 'bad_request',
      message: expect.stringMatching(/signed; amend it/),
    });
    const amended = checkState(await h['reading.amend']({ readingId: id, reason: 'typo' }));
    expect(amended.versions).toEqual([
      { version: 1, state: 'amended' },
      { version: 2, state: 'draft' },
    ]);
    const audit = methods['reading.audit'].result.parse(await h['reading.audit']({ readingId: id }));
    expect(audit.some((a) => a.action === 'override' && a.path === 'judgements.structural.verdict')).toBe(
      true,
    );
    expect(events.length).toBeGreaterThanOrEqual(10);
  });

  it('blinded: the model stays hidden until the reader commits, and is then revealed', async () => {
    const { h } = service();
    const opened = await h['reading.open']({ studyInstanceUid: '1.2.3', blinded: true });
    const id = opened.reading.readingId;
    expect(opened.reading.model).toBeNull();
    expect(opened.reading.judgements.active_inflammation.answer).toBeNull();
    await expect(h['reading.reveal']({ readingId: id })).rejects.toMatchObject({
      message: expect.stringMatching(/missing/),
    });
    for (const key of ['active_inflammation', 'asas_bme', 'structural', 'overall_axspa'] as const)
      await h['reading.setJudgement']({ readingId: id, key, answer: 'yes', confidence: 2 });
    const revealed = checkState(await h['reading.reveal']({ readingId: id }));
    expect(revealed.reading.model?.tasks).toHaveLength(3);
    expect(revealed.reading.judgements.asas_bme.unassisted).toMatchObject({ answer: 'yes', confidence: 2 });
  });

  it('warns when the image files changed since the reading, and maps unknown ids to not_found', async () => {
    const { h, db } = service();
    const id = (await h['reading.open']({ studyInstanceUid: '1.2.3' })).reading.readingId;
    writeFileSync(files[0], 'rewritten');
    // a fresh session (the workstation reopened) checks the files again
    const reopened = await service(db).h['reading.get']({ readingId: id });
    expect(reopened.imageWarning).toMatch(/The images of study 1.2.3 changed since reading .* v1 was made/);
    await expect(h['reading.get']({ readingId: 'nope' })).rejects.toBeInstanceOf(ApiError);
    await expect(h['reading.get']({ readingId: 'nope' })).rejects.toMatchObject({ code: 'not_found' });
  });
});
