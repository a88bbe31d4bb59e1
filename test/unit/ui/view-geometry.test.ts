import { describe, expect, it } from 'vitest';
import {
  displayedPlanePoint,
  orientationMarkers,
  patientToScreen,
  patientToVoxel,
  screenToPatient,
  viewFrame,
  voxelToPatient,
  type StackGeometry,
  type Vec3,
} from '../../../renderer/src/viewer/geometry';

// A semicoronal T1 stack tilted 20 degrees about the left-right axis, written out by hand:
// columns run toward patient left (0.8 mm), rows run inferior and slightly posterior
// (0.8 mm, [0, sin20, -cos20]), slices step posterior-superior (4 mm, [0, cos20, sin20]).
const s = Math.sin((20 * Math.PI) / 180); // 0.342020
const c = Math.cos((20 * Math.PI) / 180); // 0.939693
const t1: StackGeometry = {
  dims: [384, 384, 16],
  spacing: [0.8, 0.8, 4],
  affine: [0.8, 0, 0, -100, 0, 0.8 * s, 4 * c, -50, 0, -0.8 * c, 4 * s, 80, 0, 0, 0, 1],
};
// The STIR of the same exam: coarser pixels, 5 mm slices, shifted origin, same tilt.
const stir: StackGeometry = {
  dims: [256, 256, 14],
  spacing: [1.2, 1.2, 5],
  affine: [1.2, 0, 0, -102, 0, 1.2 * s, 5 * c, -53, 0, -1.2 * c, 5 * s, 83, 0, 0, 0, 1],
};

const close = (a: number[], b: number[], digits = 4) =>
  a.forEach((v, n) => expect(v).toBeCloseTo(b[n], digits));

describe('patient <-> voxel for an oblique (semicoronal) stack', () => {
  it('matches the hand-computed worked example', () => {
    // x = -100 + 10*0.8 = -92
    // y = -50 + 20*0.8*0.342020 + 3*4*0.939693 = -50 + 5.47232 + 11.27631 = -33.25137
    // z =  80 - 20*0.8*0.939693 + 3*4*0.342020 =  80 - 15.03508 + 4.10424 = 69.06916
    close(voxelToPatient(t1, [10, 20, 3]), [-92, -33.25137, 69.06916]);
    close(patientToVoxel(t1, [-92, -33.25137, 69.06916]), [10, 20, 3]);
  });

  it('maps one patient point to the right voxel of each stack despite different geometry', () => {
    // The STIR voxel (100, 50, 6) in patient space, by hand:
    // x = -102 + 120 = 18; y = -53 + 60*0.342020 + 30*0.939693 = -4.28802; z = 83 - 56.38158 + 10.26060 = 36.87902
    const p: Vec3 = [18, -4.28802, 36.87902];
    close(voxelToPatient(stir, [100, 50, 6]), p);
    // In T1 voxels: i = (18+100)/0.8 = 147.5. Along rows/slices solve the 2x2 system by hand:
    // dy = 45.71198, dz = -43.12098; j = (dy*s - dz*c)/0.8 = (15.63442 + 40.52047)/0.8 = 70.19361
    // k = (dy*c + dz*s)/4 = (42.95524 - 14.74825)/4 = 7.05175  (numpy.linalg.solve agrees)
    close(patientToVoxel(t1, p), [147.5, 70.19361, 7.05175], 3);
  });
});

describe('view frames and screen mapping', () => {
  it('shows the acquired plane in radiological convention with oblique markers', () => {
    const f = viewFrame(t1, 'native');
    close(f.right, [1, 0, 0]);
    close(f.down, [0, s, -c]);
    close(f.normal, [0, c, s]);
    expect(orientationMarkers(f)).toEqual({ left: 'R', right: 'L', top: 'SA', bottom: 'IP' });
    const axial = viewFrame(t1, 'axial');
    expect(orientationMarkers(axial)).toMatchObject({ left: 'R', right: 'L', top: 'AI', bottom: 'PS' });
    const sagittal = viewFrame(t1, 'sagittal');
    expect(orientationMarkers(sagittal)).toMatchObject({ left: 'AI', right: 'PS' });
  });

  it('maps screen pixels to patient points on the displayed plane and back', () => {
    const f = viewFrame(t1, 'native');
    const cam = { center: [0, 0, 0] as Vec3, mmPerPixel: 0.5, width: 400, height: 300 };
    const plane: Vec3 = [0, 0, 0];
    // 100 px right and 50 px up of centre: 50 mm along +L and -25 mm along "down".
    const p = screenToPatient(f, cam, plane, 300, 100);
    close(p, [50, -25 * s, 25 * c]);
    close(patientToScreen(f, cam, p), [300, 100]);
  });

  it('a click in the STIR view lands on the same patient point shown in the T1 views', () => {
    const stirFrame = viewFrame(stir, 'native');
    const camera = { center: voxelToPatient(stir, [128, 128, 7]), mmPerPixel: 1, width: 300, height: 300 };
    const plane = displayedPlanePoint(stir, 'native', camera.center);
    const clicked = screenToPatient(stirFrame, camera, plane, 180, 90);
    // Clicked point lies on an acquired STIR slice (integer k)...
    expect(patientToVoxel(stir, clicked)[2]).toBeCloseTo(7, 6);
    // ...and every T1 reformat through it shows it at its crosshair, since their planes contain it.
    for (const kind of ['axial', 'sagittal'] as const) {
      const f = viewFrame(t1, kind);
      const onPlane = displayedPlanePoint(t1, kind, clicked);
      expect(
        Math.abs(
          (onPlane[0] - clicked[0]) * f.normal[0] +
            (onPlane[1] - clicked[1]) * f.normal[1] +
            (onPlane[2] - clicked[2]) * f.normal[2],
        ),
      ).toBeLessThan(1e-9);
    }
    // The T1 native view snaps to the nearest acquired T1 slice: k = round(5.x) within half a slice.
    const snapped = displayedPlanePoint(t1, 'native', clicked);
    const k = patientToVoxel(t1, snapped)[2];
    expect(Number.isInteger(Math.round(k * 1e6) / 1e6)).toBe(true);
    expect(Math.abs(k - patientToVoxel(t1, clicked)[2])).toBeLessThanOrEqual(0.5);
  });
});
