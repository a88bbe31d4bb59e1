import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Anatomy,
  cellOf,
  generateExam,
  JOINTS,
  labelsFromGrid,
  QUADRANTS,
  type PhantomTruth,
} from '../../../electron/phantom';

const PY = '/usr/bin/python3';
const root = mkdtempSync(path.join(tmpdir(), 'sij-phantom-'));
const findings =
  'bme:left:upper_ilium:large,bme:right:lower_sacrum:medium,erosion:left:lower_ilium,inflammation_in_erosion:right:upper_ilium,fat_lesion:right:upper_ilium:large,capsulitis:left,sclerosis:right:lower_ilium:medium';
const options = {
  seed: 11,
  site: 'charlie',
  profile: 'philips-ingenia-3t',
  findings,
  maxMatrix: 128,
  labelNoise: 0,
};
let truth: PhantomTruth;

function python(script: string, ...args: string[]): string {
  const r = spawnSync(PY, ['-c', script, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return r.stdout;
}

function digestTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[path.relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

beforeAll(() => {
  truth = generateExam(path.join(root, 'a'), options).truth;
  generateExam(path.join(root, 'b'), options);
});

describe('phantom exam', () => {
  it('is identical for the same seed (every file, byte for byte)', () => {
    const a = digestTree(path.join(root, 'a'));
    expect(Object.keys(a).length).toBeGreaterThan(20);
    expect(digestTree(path.join(root, 'b'))).toEqual(a);
  });

  it('pydicom reads every file; geometry and values agree with truth.json and the clean NIfTI (nibabel)', () => {
    const script = `
import sys, glob, json, numpy as np, pydicom, nibabel as nib
root = sys.argv[1]; out = {}
for role, folder in (('t1', 'T1'), ('stir', 'STIR')):
    files = sorted(glob.glob(f'{root}/{folder}/*.dcm'))
    ds = [pydicom.dcmread(f) for f in files]
    for d in ds:
        assert d.file_meta.TransferSyntaxUID == '1.2.840.10008.1.2.1'
        assert d.SOPClassUID == '1.2.840.10008.5.1.4.1.1.4' and d.Modality == 'MR'
        assert d.pixel_array.shape == (d.Rows, d.Columns)
    ds.sort(key=lambda d: int(d.InstanceNumber))
    iop = np.array(ds[0].ImageOrientationPatient, float); r, c = iop[:3], iop[3:]
    n = np.cross(r, c); ps = [float(x) for x in ds[0].PixelSpacing]
    p0 = np.array(ds[0].ImagePositionPatient, float); p1 = np.array(ds[1].ImagePositionPatient, float)
    A = np.eye(4); A[:3, 0] = r * ps[1]; A[:3, 1] = c * ps[0]; A[:3, 2] = p1 - p0; A[:3, 3] = p0
    vol = np.stack([d.pixel_array.astype(float) * float(d.get('RescaleSlope', 1)) + float(d.get('RescaleIntercept', 0)) for d in ds], axis=-1).transpose(1, 0, 2)
    clean = nib.load(f'{root}/clean/{role}.nii.gz'); cv = np.asarray(clean.dataobj, float)
    lps = np.diag([-1, -1, 1, 1]) @ clean.affine
    out[role] = dict(affine=A.ravel().tolist(), niftiAffine=lps.ravel().tolist(), corr=float(np.corrcoef(vol.ravel(), cv.ravel())[0, 1]),
        slope=float(ds[0].get('RescaleSlope', 1)), ti=float(ds[0].get('InversionTime', 0)), spacing=float(ds[0].SpacingBetweenSlices), step=float(np.linalg.norm(p1 - p0)),
        description=ds[0].SeriesDescription, n=len(ds), field=float(ds[0].MagneticFieldStrength), manufacturer=ds[0].Manufacturer,
        acquisitionMatrix=[int(x) for x in ds[0].AcquisitionMatrix], phaseDirection=ds[0].InPlanePhaseEncodingDirection)
print(json.dumps(out))`;
    const r = JSON.parse(python(script, path.join(root, 'a')));
    for (const role of ['t1', 'stir'] as const) {
      const s = truth.seriesDetails[role];
      expect(s).not.toBeNull();
      const dims = s!.dims;
      expect(r[role].n).toBe(dims[2]);
      r[role].affine.forEach((x: number, i: number) => expect(x).toBeCloseTo(s!.affine[i], 3));
      r[role].niftiAffine.forEach((x: number, i: number) => expect(x).toBeCloseTo(s!.affine[i], 3));
      expect(r[role].step).toBeCloseTo(r[role].spacing, 3);
      // Same voxel order in DICOM and NIfTI: the noisy image follows the clean one closely.
      expect(r[role].corr).toBeGreaterThan(0.85);
      expect(r[role].slope).toBeGreaterThan(1);
      expect(r[role].manufacturer).toBe('Philips');
      expect(r[role].field).toBe(3);
      // Frequency samples along the columns, phase encodings along the rows (ROW): what was
      // acquired, fewer than the displayed matrix in the phase direction.
      const acquired = s!.acquisition.acquired;
      expect(r[role].phaseDirection).toBe('ROW');
      expect(r[role].acquisitionMatrix).toEqual([0, acquired.frequency, acquired.phase, 0]);
      expect(acquired.frequency).toBeLessThanOrEqual(dims[1]);
      expect(acquired.phase).toBeLessThan(acquired.frequency);
    }
    expect(r.stir.ti).toBeGreaterThan(150);
    expect(r.t1.ti).toBe(0);
  });

  it('dciodvfy finds no errors in the MR Image Storage files', () => {
    for (const f of ['T1/IM0001.dcm', 'STIR/IM0003.dcm']) {
      const res = spawnSync('dciodvfy', [path.join(root, 'a', f)], { encoding: 'utf8' });
      const report = `${res.stdout}\n${res.stderr}`;
      expect(report).toContain('MRImage');
      expect(report.split('\n').filter((l) => /^Error/.test(l))).toEqual([]);
    }
  });

  it('every lesion voxel in the masks lies in a grid cell that lists its lesion, and every listed lesion has voxels', () => {
    const script = `
import sys, json, numpy as np, nibabel as nib
out = {}
for role in ('t1', 'stir'):
    img = nib.load(f'{sys.argv[1]}/masks/{role}_lesions.nii.gz'); m = np.asarray(img.dataobj)
    ijk = np.argwhere(m > 0)
    out[role] = dict(affine=(np.diag([-1, -1, 1, 1]) @ img.affine).ravel().tolist(), voxels=[[int(i), int(j), int(k), int(m[i, j, k])] for i, j, k in ijk])
print(json.dumps(out))`;
    const masks = JSON.parse(python(script, path.join(root, 'a')));
    const anat = new Anatomy(truth.patient);
    const M = anat.toLocal;
    const cells = new Set(
      truth.grid.flatMap((c) => c.lesions.map((l) => `${c.slice}:${c.joint}:${c.quadrant}:${l}`)),
    );
    const seen = new Set<string>();
    let checked = 0;
    for (const role of ['t1', 'stir'] as const) {
      const A: number[] = masks[role].affine;
      for (const [i, j, k, code] of masks[role].voxels as number[][]) {
        const name = truth.lesionCodes[String(code)];
        if (name === 'osteophyte') continue;
        const p = [0, 1, 2].map((r) => A[4 * r] * i + A[4 * r + 1] * j + A[4 * r + 2] * k + A[4 * r + 3]);
        const [u, v, w] = [0, 1, 2].map((r) => M[3 * r] * p[0] + M[3 * r + 1] * p[1] + M[3 * r + 2] * p[2]);
        anat.classify(u, v, w);
        const cell = cellOf(anat, u, v, w);
        const key = `${k}:${JOINTS[cell >> 2]}:${QUADRANTS[cell & 3]}:${name}`;
        expect(cells.has(key), `${role} voxel ${i},${j},${k} (${name}) not in the grid`).toBe(true);
        seen.add(key);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
    // Conversely each single-lesion cell has voxels (mixed cells may be hidden under a higher-priority label).
    for (const c of truth.grid.filter((c) => c.lesions.length === 1)) {
      expect(seen.has(`${c.slice}:${c.joint}:${c.quadrant}:${c.lesions[0]}`), JSON.stringify(c)).toBe(true);
    }
    const kinds = new Set(truth.grid.flatMap((c) => c.lesions));
    for (const k of ['bme', 'erosion', 'inflammation_in_erosion', 'fat_lesion', 'sclerosis'])
      expect(kinds.has(k as never), k).toBe(true);
  });

  it('global labels are the written rules applied to the rendered grid (label noise off)', () => {
    expect(truth.labelNoiseRate).toBe(0);
    expect(truth.labelNoiseFlipped).toEqual([]);
    expect(truth.labels).toEqual(labelsFromGrid(truth.grid));
    expect(truth.labels.structural).toBe(true);
  });
});
