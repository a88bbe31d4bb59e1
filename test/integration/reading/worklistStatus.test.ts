import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createServices, type StudyCatalog } from '../../../electron/services';
import { scannedStudy } from './scannedStudy';

// The worklist's reading column comes from the workstation database, through the same services
// the Electron and loopback transports use.
const dir = mkdtempSync(path.join(os.tmpdir(), 'sij-worklist-status-'));
writeFileSync(path.join(dir, 'reader.json'), JSON.stringify({ id: 'u-1', name: 'Dr. Test Reader' }));
const { study } = scannedStudy('1.2.9', dir, 2);
const catalog: StudyCatalog = {
  async list() {
    return [
      {
        studyInstanceUid: study.studyInstanceUid,
        patientName: 'Doe^W',
        patientId: 'P9',
        studyDate: '20260101',
        description: 'SIJ',
        stacks: [],
        problems: [],
        source: dir,
      },
    ];
  },
  async importPaths() {
    return { studies: [], filesRead: 0, skipped: [] };
  },
  async loadStack() {
    throw new Error('not used');
  },
  findStudy: (uid) => (uid === study.studyInstanceUid ? study : null),
  localExams: () => [],
};

const services = createServices({
  catalog,
  engine: null,
  info: { version: 't', transport: 'loopback', dataDir: dir, openOnStart: null },
});
afterAll(() => services.close());
const h = services.handlers;
const status = async () => (await h['studies.list']({}))[0].readingStatus;

describe('worklist reading status', () => {
  it('follows the reading from unread to draft to signed, and back to draft while amending', async () => {
    expect(await status()).toBe('unread');
    const { reading } = await h['reading.open']({ studyInstanceUid: study.studyInstanceUid });
    expect(await status()).toBe('draft');
    for (const key of ['active_inflammation', 'asas_bme', 'structural', 'overall_axspa'] as const)
      await h['reading.setJudgement']({ readingId: reading.readingId, key, answer: 'no', confidence: 3 });
    await h['reading.sign']({ readingId: reading.readingId });
    expect(await status()).toBe('signed');
    expect((await h['studies.get']({ studyInstanceUid: study.studyInstanceUid })).readingStatus).toBe(
      'signed',
    );
    await h['reading.amend']({ readingId: reading.readingId, reason: 'typo' });
    expect(await status()).toBe('draft');
  });
});
