import {
  copyFileSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  listFiles,
  loadStackVolume,
  scanPaths,
  type DicomStack,
  type ScanResult,
} from '../../../electron/dicom';
import { voxelToPatient } from '../../../electron/imaging/volume';
import {
  acquisition,
  pattern,
  positionsAlongNormal,
  writeSeries,
  type SeriesSpec,
} from '../../fixtures/dicom/series';

type V3 = [number, number, number];
const STUDY = '1.2.826.0.1.3680043.9.7433.2.1';
const deg = Math.PI / 180;
const TILT = 30;
// Semicoronal: coronal plane (row -> patient left, column -> feet) rotated 30 deg about left-right.
const ROW: V3 = [1, 0, 0];
const COL: V3 = [0, Math.sin(TILT * deg), -Math.cos(TILT * deg)];

function spec(over: Partial<SeriesSpec> & { seriesUid: string }): SeriesSpec {
  return {
    studyUid: STUDY,
    seriesNumber: 1,
    description: 't1_tse_cor',
    rows: 24,
    columns: 20,
    pixelSpacing: [0.8, 0.7],
    rowCosine: ROW,
    columnCosine: COL,
    positions: positionsAlongNormal([-80, -20, 60], ROW, COL, 10, 4),
    ...over,
  };
}

let dir: string;
let scan: ScanResult;
const t1Spec = spec({
  seriesUid: `${STUDY}.1`,
  extra: acquisition({ tr: 650, te: 11, protocol: 't1_tse_cor_sij' }),
});
const stirSpec = spec({
  seriesUid: `${STUDY}.2`,
  seriesNumber: 2,
  description: 'tirm_cor',
  extra: acquisition({ tr: 5000, te: 56, ti: 150, scanningSequence: 'SE\\IR', protocol: 'tirm_cor_sij' }),
});
const missingSpec = spec({
  seriesUid: `${STUDY}.3`,
  seriesNumber: 3,
  description: 'T1 missing slice',
  positions: positionsAlongNormal([-80, -20, 60], ROW, COL, 8, 4).filter((_, k) => k !== 4),
});
const axialRow: V3 = [1, 0, 0];
const axialCol: V3 = [0, 1, 0];
const irregular = positionsAlongNormal([0, 0, 0], axialRow, axialCol, 6, 3);
irregular[5] = [0, 0, irregular[4][2] + 4.5];
const irregularSpec = spec({
  seriesUid: `${STUDY}.4`,
  seriesNumber: 4,
  description: 'ax irregular',
  rowCosine: axialRow,
  columnCosine: axialCol,
  positions: irregular,
});
// Gantry tilt: each slice steps 5 mm along the normal and 1 mm in-plane (along the column).
const shearSpec = spec({
  seriesUid: `${STUDY}.5`,
  seriesNumber: 5,
  description: 'ax tilted gantry',
  rowCosine: axialRow,
  columnCosine: axialCol,
  positions: Array.from({ length: 6 }, (_, k) => [0, k * 1, k * 5] as V3),
});

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sij-scan-'));
  const t1Files = writeSeries(path.join(dir, 'a'), t1Spec);
  // Shuffle the names so file order says nothing about slice order.
  t1Files.forEach((f, k) => renameSync(f, path.join(dir, 'a', `x${(k * 7) % 10}_${k}`)));
  writeSeries(path.join(dir, 'b'), stirSpec, {}, 'S');
  writeSeries(path.join(dir, 'c'), missingSpec);
  writeSeries(path.join(dir, 'd'), irregularSpec);
  writeSeries(path.join(dir, 'e'), shearSpec);
  // Localizer: one series, three planes -> three stacks.
  const loc = { seriesUid: `${STUDY}.6`, seriesNumber: 6, description: 'localizer', rows: 16, columns: 16 };
  writeSeries(
    path.join(dir, 'f'),
    spec({
      ...loc,
      rowCosine: [0, 1, 0],
      columnCosine: [0, 0, -1],
      positions: positionsAlongNormal([0, 0, 0], [0, 1, 0], [0, 0, -1], 3, 5),
      sopUid: (k) => `${STUDY}.6.1.${k}`,
    }),
    {},
    'SAG',
  );
  writeSeries(
    path.join(dir, 'f'),
    spec({
      ...loc,
      rowCosine: [1, 0, 0],
      columnCosine: [0, 0, -1],
      positions: positionsAlongNormal([0, 0, 0], [1, 0, 0], [0, 0, -1], 3, 5),
      sopUid: (k) => `${STUDY}.6.2.${k}`,
    }),
    {},
    'COR',
  );
  writeSeries(
    path.join(dir, 'f'),
    spec({
      ...loc,
      rowCosine: [1, 0, 0],
      columnCosine: [0, 1, 0],
      positions: positionsAlongNormal([0, 0, 0], [1, 0, 0], [0, 1, 0], 3, 5),
      sopUid: (k) => `${STUDY}.6.3.${k}`,
    }),
    {},
    'AX',
  );
  // Duplicate, junk, truncated.
  copyFileSync(path.join(dir, 'b', 'S0003.dcm'), path.join(dir, 'dup-of-S0003'));
  writeFileSync(path.join(dir, 'notes.txt'), 'not dicom at all\n');
  const whole = readFileSync(path.join(dir, 'b', 'S0001.dcm'));
  writeFileSync(path.join(dir, 'truncated.dcm'), whole.subarray(0, whole.length - 300));
  scan = scanPaths([dir]);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function stackOf(seriesUid: string, index = 0): DicomStack {
  const series = scan.studies.flatMap((s) => s.series).find((s) => s.seriesInstanceUid === seriesUid);
  if (!series) throw new Error(`series ${seriesUid} not found`);
  return series.stacks[index];
}

describe('scanPaths', () => {
  it('groups one study with its series and counts files', () => {
    expect(scan.studies).toHaveLength(1);
    expect(scan.studies[0].patientId).toBe('P001');
    expect(scan.studies[0].series.map((s) => s.seriesInstanceUid)).toEqual(
      [1, 2, 3, 4, 5, 6].map((n) => `${STUDY}.${n}`),
    );
    // The duplicate copy is skipped, not read.
    expect(scan.files.read).toBe(10 + 10 + 7 + 6 + 6 + 9);
  });

  it('reports the junk, truncated and duplicate files by path', () => {
    const reasons = new Map(scan.files.skipped.map((s) => [path.basename(s.path), s.reason]));
    expect(reasons.get('notes.txt')).toMatch(/not a DICOM file/);
    expect(reasons.get('truncated.dcm')).toMatch(/truncated|corrupt/);
    expect(reasons.get('dup-of-S0003')).toMatch(/duplicate SOP Instance UID/);
    expect(scan.files.skipped).toHaveLength(3);
  });

  it('sorts shuffled slices along the normal and maps voxels to the written positions', () => {
    const t1 = stackOf(t1Spec.seriesUid);
    expect(t1.slices).toHaveLength(10);
    expect(t1.problems).toEqual([]);
    expect(t1.spacing[0]).toBeCloseTo(0.7, 6);
    expect(t1.spacing[1]).toBeCloseTo(0.8, 6);
    expect(t1.spacing[2]).toBeCloseTo(4, 5);
    t1Spec.positions.forEach((p, k) => {
      const w = voxelToPatient(t1.affine, [0, 0, k]);
      for (let a = 0; a < 3; a++) expect(w[a]).toBeCloseTo(p[a], 4);
    });
    // Voxel (i, j) steps along the row cosine by the column spacing and along the column cosine by the row spacing.
    const w = voxelToPatient(t1.affine, [3, 2, 0]);
    const p0 = t1Spec.positions[0];
    for (let a = 0; a < 3; a++) expect(w[a]).toBeCloseTo(p0[a] + ROW[a] * 0.7 * 3 + COL[a] * 0.8 * 2, 4);
  });

  it('labels the semicoronal stack with its tilt', () => {
    const t1 = stackOf(t1Spec.seriesUid);
    expect(t1.orientation).toBe('oblique-coronal');
    expect(t1.semicoronal).toBe(true);
    expect(t1.tiltDegrees).toBeCloseTo(TILT, 1);
  });

  it('scores T1 and STIR roles with evidence', () => {
    const t1 = stackOf(t1Spec.seriesUid);
    const stir = stackOf(stirSpec.seriesUid);
    expect(t1.role.role).toBe('t1');
    expect(stir.role.role).toBe('stir');
    expect(stir.role.confidence).toBeGreaterThan(0.8);
    expect(stir.role.evidence.join(' ')).toMatch(/TI 150/);
  });

  it('leaves an empty slot for a missing slice and says so', () => {
    const s = stackOf(missingSpec.seriesUid);
    expect(s.slices).toHaveLength(7);
    expect(s.dims[2]).toBe(8);
    expect(s.sliceSlots).toEqual([0, 1, 2, 3, 5, 6, 7]);
    expect(s.problems.join(' ')).toMatch(/1 missing slice/);
  });

  it('reports non-uniform spacing and a sheared (tilted-gantry) stack', () => {
    expect(stackOf(irregularSpec.seriesUid).problems.join(' ')).toMatch(/non-uniform slice spacing.*4\.5/);
    const shear = stackOf(shearSpec.seriesUid);
    expect(shear.problems.join(' ')).toMatch(/sheared stack.*11\.31 deg/);
    expect(shear.spacing[2]).toBeCloseTo(5, 6);
    const w = voxelToPatient(shear.affine, [0, 0, 5]);
    expect(w).toEqual([expect.closeTo(0, 6), expect.closeTo(5, 6), expect.closeTo(25, 6)]);
  });

  it('splits a three-plane localizer into three stacks', () => {
    const series = scan.studies[0].series.find((s) => s.seriesInstanceUid === `${STUDY}.6`)!;
    expect(series.stacks.map((s) => s.orientation).sort()).toEqual(['axial', 'coronal', 'sagittal']);
    expect(series.stacks.every((s) => s.role.role === 'other')).toBe(true);
  });

  it('loads the stack as rescaled Float32 in slice order', async () => {
    const vol = await loadStackVolume(stackOf(t1Spec.seriesUid));
    expect(vol.dims).toEqual([20, 24, 10]);
    for (const [i, j, k] of [
      [0, 0, 0],
      [19, 23, 9],
      [5, 7, 3],
    ]) {
      expect(vol.data[i + 20 * (j + 24 * k)]).toBe(pattern(i, j, k));
    }
    const gap = await loadStackVolume(stackOf(missingSpec.seriesUid));
    expect(gap.data.subarray(20 * 24 * 4, 20 * 24 * 5).every((v) => v === 0)).toBe(true);
    // The writer's fifth file (pattern index 4) sits at the position after the gap: slot 5.
    expect(gap.data[20 * 24 * 5]).toBe(pattern(0, 0, 4));
  });
});

describe('listFiles', () => {
  it('lists a file reached by its name, a symbolic link and a hard link once, under the first name visited', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'sij-links-'));
    try {
      mkdirSync(path.join(root, 'a'));
      writeFileSync(path.join(root, 'a', 'one.dcm'), 'x');
      writeFileSync(path.join(root, 'a', 'two.dcm'), 'y');
      symlinkSync(path.join(root, 'a', 'one.dcm'), path.join(root, 'b-symlink.dcm'));
      linkSync(path.join(root, 'a', 'two.dcm'), path.join(root, 'c-hardlink.dcm'));
      symlinkSync(path.join(root, 'a'), path.join(root, 'd-folder-link'));
      const { files, missing } = listFiles([root, path.join(root, 'a', 'one.dcm')]);
      expect(files).toEqual([path.join(root, 'a', 'one.dcm'), path.join(root, 'a', 'two.dcm')]);
      expect(missing).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
