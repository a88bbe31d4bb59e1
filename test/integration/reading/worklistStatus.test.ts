import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DicomStack, DicomStudy } from '../../../electron/dicom';
import { createServices, type StudyCatalog } from '../../../electron/services';

// The worklist's reading column comes from the workstation database, through the same services
// the Electron and loopback transports use.
const dir = mkdtempSync(path.join(os.tmpdir(), 'sij-worklist-status-'));
writeFileSync(path.join(dir, 'reader.json'), JSON.stringify({ id: 'u-1', name: 'Dr. Test Reader' }));
const files = [1, 2].map((n) => {
  const f = path.join(dir, `IM${n}.dcm`);
  writeFileSync(f, `image ${n}`);
  return f;
});
const stack = (uid: string, role: 't1' | 'stir') =>
  ({
    seriesInstanceUid: uid,
    dims: [4, 4, 2],
    role: { role, confidence: 0.9, evidence: [] },
    slices: files.map((p, n) => ({ path: p, sopInstanceUid: `${uid}.${n}` })),
  }) as unknown as DicomStack;
const study: DicomStudy = {
  studyInstanceUid: '1.2.9',
  patientId: 'P9',
  patientName: 'Doe^W',
  studyDate: '20260101',
  description: 'SIJ',
  series: (['t1', 'stir'] as const).map((role, n) => ({
    seriesInstanceUid: `1.2.9.${n + 1}`,
    description: role.toUpperCase(),
    modality: 'MR',
    sopClassUid: '1.2.840.10008.5.1.4.1.1.4',
    stacks: [stack(`1.2.9.${n + 1}`, role)],
  })),
};
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
