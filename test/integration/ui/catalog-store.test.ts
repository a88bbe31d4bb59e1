import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type ImportProgress } from '../../../electron/services';
import { ensurePhantom, repoRoot } from '../../e2e/ui/fixtures';

// The worklist comes from the study index in the workstation database: a restarted host lists
// what was imported before without parsing a file, and reports files that went missing.
let dir: string;
let exam: string;
let dataDir: string;

beforeAll(() => {
  const source = ensurePhantom(path.join(repoRoot, 'test-output', 'e2e-ui', 'exam-seed1'), 1);
  dir = mkdtempSync(path.join(tmpdir(), 'sij-catalog-'));
  exam = path.join(dir, 'exam');
  cpSync(source, exam, { recursive: true });
  // Whole-second time stamps, so the test can put a file's time back exactly after editing it.
  const stamp = new Date('2024-05-01T10:00:00Z');
  for (const sequence of ['T1', 'STIR'])
    for (const name of readdirSync(path.join(exam, sequence)))
      utimesSync(path.join(exam, sequence, name), stamp, stamp);
  dataDir = path.join(dir, 'data');
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function listAfterStart() {
  const runtime = await createRuntime({ dataDir, transport: 'loopback', model: false });
  try {
    return await runtime.services.handlers['studies.list']({});
  } finally {
    await runtime.close();
  }
}

describe('catalog over the study index', () => {
  let firstListing: Awaited<ReturnType<typeof listAfterStart>>;

  it('imports in a worker thread with progress, the event loop free meanwhile', async () => {
    const runtime = await createRuntime({ dataDir, transport: 'loopback', model: false });
    const events: ImportProgress[] = [];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const report = await runtime.catalog.importPaths([exam], (p) => events.push(p));
    clearInterval(timer);
    firstListing = await runtime.services.handlers['studies.list']({});
    await runtime.close();

    const dicomFiles = ['T1', 'STIR'].reduce((n, s) => n + readdirSync(path.join(exam, s)).length, 0);
    expect(report.studies).toHaveLength(1);
    expect(report.filesRead).toBe(dicomFiles);
    expect(ticks).toBeGreaterThan(0);
    expect(events[0].phase).toBe('scanning');
    expect(events.at(-1)).toMatchObject({ phase: 'done', filesDone: dicomFiles });
    const counted = events.filter((e) => e.filesTotal !== null && e.phase !== 'done');
    expect(counted.length).toBeGreaterThan(0);
    for (const e of counted) expect(e.filesDone).toBeLessThanOrEqual(e.filesTotal!);
    expect(firstListing).toHaveLength(1);
    expect(firstListing[0].problems).toEqual([]);
  }, 120_000);

  it('a restarted host lists the study from the index alone, no file parsed', async () => {
    // Overwrite every image with zeros of the same size and keep its time stamp: the index
    // cannot tell, so the listing can only match the first session's if nothing was parsed.
    const originals = new Map<string, Buffer>();
    for (const sequence of ['T1', 'STIR']) {
      for (const name of readdirSync(path.join(exam, sequence))) {
        const file = path.join(exam, sequence, name);
        const { size, atime, mtime } = statSync(file);
        originals.set(file, readFileSync(file));
        writeFileSync(file, Buffer.alloc(size));
        utimesSync(file, atime, mtime);
      }
    }
    try {
      expect(await listAfterStart()).toEqual(firstListing);
    } finally {
      for (const [file, bytes] of originals) {
        const { atime, mtime } = statSync(file);
        writeFileSync(file, bytes);
        utimesSync(file, atime, mtime);
      }
    }
  }, 120_000);

  it('shows a moved or deleted image file as a problem of its study', async () => {
    const gone = path.join(exam, 'STIR', readdirSync(path.join(exam, 'STIR'))[3]);
    unlinkSync(gone);
    const [study] = await listAfterStart();
    expect(study.studyInstanceUid).toBe(firstListing[0].studyInstanceUid);
    expect(study.problems).toHaveLength(1);
    expect(study.problems[0]).toContain('1 image file(s) are missing since import');
    expect(study.problems[0]).toContain(gone);
  }, 120_000);
});
