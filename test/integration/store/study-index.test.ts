import {
  mkdtempSync,
  renameSync,
  rmSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
  readFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectSummary, loadStackVolume } from '../../../electron/dicom';
import {
  MIGRATIONS_DIR,
  openFolders,
  openStore,
  resolveDataDir,
  studyFileProblems,
} from '../../../electron/store';
import { readdirSync } from 'node:fs';
import { pattern, positionsAlongNormal, writeSeries } from '../../fixtures/dicom/series';

const STUDY = '1.2.826.0.1.3680043.9.7433.7.1';
let dir: string;
let exam: string;
let db: Database.Database;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sij-store-'));
  exam = path.join(dir, 'exam');
  const spec = {
    studyUid: STUDY,
    description: 't1_tse_cor',
    rows: 8,
    columns: 6,
    pixelSpacing: [1, 1] as [number, number],
    rowCosine: [1, 0, 0] as [number, number, number],
    columnCosine: [0, 0, -1] as [number, number, number],
    positions: positionsAlongNormal([0, 0, 0], [1, 0, 0], [0, 0, -1], 6, 4),
  };
  writeSeries(path.join(exam, 'T1'), { ...spec, seriesUid: `${STUDY}.1`, seriesNumber: 1 });
  writeSeries(path.join(exam, 'STIR'), {
    ...spec,
    seriesUid: `${STUDY}.2`,
    seriesNumber: 2,
    description: 'tirm_cor',
  });
  writeFileSync(path.join(exam, 'junk.bin'), 'junk');
  db = openStore(path.join(dir, 'data', 'sij.db'));
});
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('openStore', () => {
  it('applies every migration once, in name order, with WAL and foreign keys on', () => {
    const names = (
      db.prepare('SELECT name FROM schema_migrations ORDER BY name').all() as { name: string }[]
    ).map((r) => r.name);
    const files = readdirSync(MIGRATIONS_DIR)
      .filter((n) => n.endsWith('.sql'))
      .sort();
    expect(names).toEqual(files);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const again = openStore(db.name);
    expect((again.prepare('SELECT count(*) AS n FROM schema_migrations').get() as { n: number }).n).toBe(
      files.length,
    );
    again.close();
  });
});

describe('resolveDataDir', () => {
  it('prefers the flag, then SIJ_DATA_DIR, then the platform user-data folder', () => {
    expect(resolveDataDir('/x/flag', { SIJ_DATA_DIR: '/x/env' }, 'linux')).toBe('/x/flag');
    expect(resolveDataDir(undefined, { SIJ_DATA_DIR: '/x/env' }, 'linux')).toBe('/x/env');
    expect(resolveDataDir(undefined, { XDG_DATA_HOME: '/xdg' }, 'linux')).toBe('/xdg/sij-reader');
    expect(resolveDataDir(undefined, {}, 'darwin')).toMatch(/Library\/Application Support\/sij-reader$/);
  });
});

describe('study index', () => {
  it('indexes a folder, then re-opens it from the index with the same result', () => {
    const first = openFolders(db, [exam]);
    expect(first.fromIndex).toBe(false);
    expect(first.scan.studies[0].series).toHaveLength(2);
    const t0 = performance.now();
    const second = openFolders(db, [exam]);
    const ms = performance.now() - t0;
    expect(second.fromIndex).toBe(true);
    expect(inspectSummary(second.scan)).toEqual(inspectSummary(first.scan));
    expect(ms).toBeLessThan(1000);
  });

  it('loads a volume from a stack rebuilt from the index', async () => {
    const { scan } = openFolders(db, [exam]);
    const vol = await loadStackVolume(scan.studies[0].series[0].stacks[0]);
    expect(vol.dims).toEqual([6, 8, 6]);
    expect(vol.data[3 + 6 * (2 + 8 * 4)]).toBe(pattern(3, 2, 4));
  });

  it('notices a deleted, a moved and a rewritten file', () => {
    const t1 = path.join(exam, 'T1');
    unlinkSync(path.join(t1, 'IM0006.dcm'));
    expect(studyFileProblems(db, STUDY)).toEqual([
      { path: path.join(t1, 'IM0006.dcm'), problem: expect.stringMatching(/missing/) },
    ]);
    renameSync(path.join(exam, 'STIR', 'IM0001.dcm'), path.join(exam, 'moved.dcm'));
    const stirFile = path.join(exam, 'STIR', 'IM0002.dcm');
    writeFileSync(stirFile, readFileSync(stirFile));
    utimesSync(stirFile, new Date(), new Date(Date.now() + 5000));

    const reopened = openFolders(db, [exam]);
    expect(reopened.fromIndex).toBe(false);
    expect(reopened.changes.removed.sort()).toEqual(
      [path.join(t1, 'IM0006.dcm'), path.join(exam, 'STIR', 'IM0001.dcm')].sort(),
    );
    expect(reopened.changes.added).toEqual([path.join(exam, 'moved.dcm')]);
    expect(reopened.changes.modified).toEqual([stirFile]);
    const t1Stack = reopened.scan.studies[0].series[0].stacks[0];
    expect(t1Stack.slices).toHaveLength(5);
    expect(openFolders(db, [exam]).fromIndex).toBe(true);
    expect(studyFileProblems(db, STUDY)).toEqual([]);
  });
});
