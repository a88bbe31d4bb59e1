import { describe, expect, it } from 'vitest';
import { invertAffine, patientToVoxel, voxelToPatient } from '../../../electron/imaging/volume';

// Worked example: a semicoronal stack tilted 30 degrees about the left-right axis.
// Row direction (along i) = +x (patient left), column direction (along j) = (0, sin30, -cos30),
// slice normal = row x col = (0, cos30, sin30); spacing 0.8 x 0.8 x 4 mm; first voxel at (-100, 20, 50).
const c = Math.cos(Math.PI / 6);
const s = Math.sin(Math.PI / 6);
const affine = [0.8, 0, 0, -100, 0, 0.8 * s, 4 * c, 20, 0, -0.8 * c, 4 * s, 50, 0, 0, 0, 1];

describe('affine maths', () => {
  it('maps voxel (10, 20, 3) to the patient point written out by hand', () => {
    // x = -100 + 0.8*10 = -92; y = 20 + 0.8*20*0.5 + 4*3*c = 28 + 12c; z = 50 - 16c + 12*0.5 = 56 - 16c
    const [x, y, z] = voxelToPatient(affine, [10, 20, 3]);
    expect(x).toBeCloseTo(-92, 10);
    expect(y).toBeCloseTo(28 + 12 * c, 10);
    expect(z).toBeCloseTo(56 - 16 * c, 10);
  });

  it('inverts: patient -> voxel returns the original voxel', () => {
    const p = voxelToPatient(affine, [7.5, 3.25, 11]);
    const v = patientToVoxel(affine, p);
    expect(v[0]).toBeCloseTo(7.5, 9);
    expect(v[1]).toBeCloseTo(3.25, 9);
    expect(v[2]).toBeCloseTo(11, 9);
  });

  it('refuses a singular affine', () => {
    expect(() => invertAffine([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])).toThrow(/singular/);
  });
});
