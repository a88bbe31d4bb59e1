import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { command as volumeCommand } from '../../../electron/cli/commands/volume';
import { readNifti } from '../../../electron/imaging';
import { pattern, positionsAlongNormal, writeSeries, type SeriesSpec } from '../../fixtures/dicom/series';

type V3 = [number, number, number];
const deg = Math.PI / 180;
const root = path.resolve(__dirname, '../../..');
const STUDY = '1.2.826.0.1.3680043.9.7433.3.1';
let dir: string;

// Oblique plane: semicoronal 25 deg, then rotated 8 deg in-plane, so no axis is trivial.
const a = 25 * deg;
const b = 8 * deg;
const row0: V3 = [1, 0, 0];
const col0: V3 = [0, Math.sin(a), -Math.cos(a)];
const ROW: V3 = [0, 1, 2].map((i) => Math.cos(b) * row0[i] + Math.sin(b) * col0[i]) as V3;
const COL: V3 = [0, 1, 2].map((i) => -Math.sin(b) * row0[i] + Math.cos(b) * col0[i]) as V3;

const oblique: SeriesSpec = {
  studyUid: STUDY,
  seriesUid: `${STUDY}.1`,
  seriesNumber: 1,
  description: 't1 oblique',
  rows: 12,
  columns: 10,
  pixelSpacing: [0.9, 0.75],
  rowCosine: ROW,
  columnCosine: COL,
  positions: positionsAlongNormal([-40.5, 12.25, 33], ROW, COL, 7, 3.3),
  rescale: { slope: '0.5', intercept: '-10' },
};
const sheared: SeriesSpec = {
  ...oblique,
  seriesUid: `${STUDY}.2`,
  seriesNumber: 2,
  description: 'tilted gantry',
  rowCosine: [1, 0, 0],
  columnCosine: [0, 1, 0],
  positions: Array.from({ length: 5 }, (_, k) => [10, -5 + 1.2 * k, 20 + 4 * k] as V3),
};

interface NibabelView {
  world: number[][];
  qformWorld: number[][] | null;
  values: number[];
}

/**
 * nibabel's view of NIfTI files, one Python start for all: voxel -> world through the sform
 * (img.affine) and, where set, through the qform, plus the stored values at those voxels.
 */
function nibabel(requests: { file: string; voxels: number[][] }[]): NibabelView[] {
  const script = `
import json, sys, nibabel as nib, numpy as np
out = []
for r in json.loads(sys.argv[1]):
    img = nib.load(r["file"])
    vox = np.array(r["voxels"], dtype=float)
    qform, qcode = img.get_qform(coded=True)
    data = np.asanyarray(img.dataobj)
    out.append({
        "world": nib.affines.apply_affine(img.affine, vox).tolist(),
        "qformWorld": nib.affines.apply_affine(qform, vox).tolist() if qcode else None,
        "values": [float(data[int(i), int(j), int(k)]) for i, j, k in vox],
    })
print(json.dumps(out))`;
  return JSON.parse(
    execFileSync('/usr/bin/python3', ['-c', script, JSON.stringify(requests)], { encoding: 'utf8' }),
  );
}

function sijVolume(series: string, out: string): void {
  execFileSync(
    process.execPath,
    [path.join(root, 'bin/sij.mjs'), 'volume', dir, '--series', series, '--out', out],
    {
      cwd: root,
      stdio: 'pipe',
    },
  );
}

const obliqueVoxels = [...oblique.positions.map((_, k) => [0, 0, k]), [9, 0, 0], [0, 11, 0], [4, 6, 3]];
const shearedVoxels = sheared.positions.map((_, k) => [0, 0, k]);
let obliqueView: NibabelView;
let shearedView: NibabelView;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'sij-nifti-'));
  writeSeries(path.join(dir, 'oblique'), oblique);
  writeSeries(path.join(dir, 'sheared'), sheared);
  sijVolume(oblique.seriesUid, path.join(dir, 'oblique.nii.gz'));
  // The CLI start (tsx, every command) costs seconds on a busy machine: the second file is
  // written by the same command in-process.
  const quiet = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    expect(
      await volumeCommand.run([dir, '--series', sheared.seriesUid, '--out', path.join(dir, 'sheared.nii')]),
    ).toBe(0);
  } finally {
    quiet.mockRestore();
  }
  [obliqueView, shearedView] = nibabel([
    { file: path.join(dir, 'oblique.nii.gz'), voxels: obliqueVoxels },
    { file: path.join(dir, 'sheared.nii'), voxels: shearedVoxels },
  ]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sij volume -> NIfTI, read back by nibabel', () => {
  it('maps every slice origin to its DICOM ImagePositionPatient (LPS -> RAS) and keeps rescaled values', () => {
    const nb = obliqueView;
    const voxels = obliqueVoxels;
    oblique.positions.forEach((p, k) => {
      expect(nb.world[k][0]).toBeCloseTo(-p[0], 3);
      expect(nb.world[k][1]).toBeCloseTo(-p[1], 3);
      expect(nb.world[k][2]).toBeCloseTo(p[2], 3);
    });
    // Voxel i steps along the row cosine by the column spacing (0.75), j along the column cosine by 0.9.
    const p0 = oblique.positions[0];
    const lpsToRas = (v: number[]): number[] => [-v[0], -v[1], v[2]];
    const expectI = lpsToRas([0, 1, 2].map((x) => p0[x] + ROW[x] * 0.75 * 9));
    const expectJ = lpsToRas([0, 1, 2].map((x) => p0[x] + COL[x] * 0.9 * 11));
    for (let x = 0; x < 3; x++) {
      expect(nb.world[oblique.positions.length][x]).toBeCloseTo(expectI[x], 3);
      expect(nb.world[oblique.positions.length + 1][x]).toBeCloseTo(expectJ[x], 3);
    }
    voxels.forEach(([i, j, k], n) => expect(nb.values[n]).toBeCloseTo(pattern(i, j, k) * 0.5 - 10, 4));
    // The qform (quaternion) must say the same as the sform for an orthogonal grid.
    nb.world.forEach((w, n) => w.forEach((x, a) => expect(nb.qformWorld![n][a]).toBeCloseTo(x, 3)));
  });

  it('keeps a gantry-tilt shear in the sform', () => {
    const nb = shearedView;
    // A quaternion cannot carry shear, so the qform is left unset rather than wrong.
    expect(nb.qformWorld).toBeNull();
    sheared.positions.forEach((p, k) => {
      expect(nb.world[k]).toEqual([
        expect.closeTo(-p[0], 3),
        expect.closeTo(-p[1], 3),
        expect.closeTo(p[2], 3),
      ]);
    });
  });

  it('reads back its own NIfTI with the same affine', () => {
    const out = path.join(dir, 'oblique.nii.gz');
    const v = readNifti(out);
    expect(v.dims).toEqual([10, 12, 7]);
    expect(v.spacing[2]).toBeCloseTo(3.3, 4);
    expect(v.data[4 + 10 * (6 + 12 * 3)]).toBeCloseTo(pattern(4, 6, 3) * 0.5 - 10, 4);
  });
});
