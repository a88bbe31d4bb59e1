import { execFileSync } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanPaths } from '../../../electron/dicom';
import { positionsAlongNormal, writeSeries } from '../../fixtures/dicom/series';

/** A DICOMDIR written by dcmtk's dcmmkdir, as a CD from a PACS would carry it. */
const STUDY = '1.2.826.0.1.3680043.9.7433.6.1';
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sij-dicomdir-'));
  const spec = {
    studyUid: STUDY,
    seriesNumber: 1,
    description: 'cd series',
    rows: 8,
    columns: 8,
    pixelSpacing: [1, 1] as [number, number],
    rowCosine: [1, 0, 0] as [number, number, number],
    columnCosine: [0, 1, 0] as [number, number, number],
    positions: positionsAlongNormal([0, 0, 0], [1, 0, 0], [0, 1, 0], 4, 3),
  };
  for (const [folder, uid] of [
    ['SER1', `${STUDY}.1`],
    ['SER2', `${STUDY}.2`],
  ]) {
    const files = writeSeries(path.join(dir, 'DICOM', folder), { ...spec, seriesUid: uid });
    files.forEach((f, k) => renameSync(f, path.join(dir, 'DICOM', folder, `IM${k}`)));
  }
  execFileSync('dcmmkdir', ['--recurse', '+I', 'DICOM'], { cwd: dir, stdio: 'pipe' });
  // Media written on another system: names in lower case, one referenced file gone.
  renameSync(path.join(dir, 'DICOM', 'SER2'), path.join(dir, 'DICOM', 'ser2'));
  unlinkSync(path.join(dir, 'DICOM', 'SER1', 'IM3'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('DICOMDIR', () => {
  it('finds the images it references, whatever the case of the names, and reports the missing one', () => {
    const scan = scanPaths([path.join(dir, 'DICOMDIR')]);
    const series = scan.studies[0].series;
    expect(series.map((s) => s.seriesInstanceUid)).toEqual([`${STUDY}.1`, `${STUDY}.2`]);
    expect(series.map((s) => s.stacks[0].slices.length)).toEqual([3, 4]);
    expect(scan.files.read).toBe(1 + 3 + 4);
    expect(scan.files.skipped).toEqual([
      {
        path: expect.stringMatching(/DICOMDIR -> DICOM\/SER1\/IM3$/),
        reason: 'DICOMDIR references a missing file',
      },
    ]);
  });

  it('reads each file once when the folder and its DICOMDIR are both given', () => {
    const scan = scanPaths([dir]);
    expect(scan.files.read).toBe(1 + 3 + 4);
    expect(scan.files.skipped.filter((s) => /duplicate/.test(s.reason))).toEqual([]);
  });
});
