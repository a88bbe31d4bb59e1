import { describe, expect, it } from 'vitest';
import { actionFor, shortcuts } from '../../../renderer/src/shortcuts/shortcuts';
import { viewFrame, type StackGeometry, type Vec3 } from '../../../renderer/src/viewer/geometry';
import {
  HANDLE_CYCLE,
  nextHandle,
  nudgeHandle,
  type JointAxis,
} from '../../../renderer/src/viewer/quadrants';

/**
 * The keyboard equivalent of the joint handles, on a semicoronal stack written out by hand:
 * columns to the patient's left (+x), rows to the feet (-z), slices backwards (+y), 1 mm voxels.
 * Radiological display: the patient's left (+x) is on the screen's right, the head (+z) up.
 */
const stack: StackGeometry = {
  dims: [100, 100, 10],
  spacing: [1, 1, 1],
  affine: [1, 0, 0, -49.5, 0, 0, 1, -4.5, 0, -1, 0, 49.5, 0, 0, 0, 1],
};
const screen = viewFrame(stack, 'native');
const deg = Math.PI / 180;
// Left joint at x = 42 leaning its top outwards (+x) by 17 degrees, 30 mm half height.
const left: JointAxis = {
  centre: [42, 0, 0],
  up: [Math.sin(17 * deg), 0, Math.cos(17 * deg)],
  halfHeightMm: 30,
};
const angleOf = (v: Vec3) => Math.atan2(v[0], v[2]) / deg; // from the head direction towards +x

describe('joint handles by keyboard', () => {
  it('the screen of this stack: right = +x (patient left), down = -z (feet)', () => {
    expect(screen.right).toEqual([1, 0, 0]);
    expect(screen.down).toEqual([0, 0, -1]);
  });

  it('the handle key walks left centre, left top, right centre, right top, then none', () => {
    const seen = [];
    let h = nextHandle(null);
    while (h) {
      seen.push(`${h.joint}-${h.part}`);
      h = nextHandle(h);
    }
    expect(seen).toEqual(['left-centre', 'left-top', 'right-centre', 'right-top']);
    expect(HANDLE_CYCLE).toHaveLength(4);
  });

  it('arrows move a centre 1 mm along the screen: right -> (43, 0, 0), up -> (42, 0, 1)', () => {
    expect(nudgeHandle(stack, left, 'centre', 'ArrowRight', screen).centre).toEqual([43, 0, 0]);
    expect(nudgeHandle(stack, left, 'centre', 'ArrowLeft', screen).centre).toEqual([41, 0, 0]);
    expect(nudgeHandle(stack, left, 'centre', 'ArrowUp', screen).centre).toEqual([42, 0, 1]);
    expect(nudgeHandle(stack, left, 'centre', 'ArrowDown', screen).centre).toEqual([42, 0, -1]);
    // direction and height untouched
    expect(nudgeHandle(stack, left, 'centre', 'ArrowUp', screen).up).toEqual(left.up);
  });

  it('left/right on the top turn the line 1 degree, its top towards the arrow; centre and height stay', () => {
    const r = nudgeHandle(stack, left, 'top', 'ArrowRight', screen);
    expect(angleOf(r.up)).toBeCloseTo(18, 10);
    expect(Math.hypot(...r.up)).toBeCloseTo(1, 12);
    expect(r.up[1]).toBeCloseTo(0, 12); // stays in the slice plane
    expect(r.centre).toEqual(left.centre);
    expect(r.halfHeightMm).toBe(30);
    expect(angleOf(nudgeHandle(stack, left, 'top', 'ArrowLeft', screen).up)).toBeCloseTo(16, 10);
    // 17 + 2 - 1 after three presses: right, right, left
    let a = left;
    for (const k of ['ArrowRight', 'ArrowRight', 'ArrowLeft'] as const)
      a = nudgeHandle(stack, a, 'top', k, screen);
    expect(angleOf(a.up)).toBeCloseTo(18, 10);
  });

  it('up/down on the top lengthen or shorten the half height by 1 mm, never under 5 mm', () => {
    expect(nudgeHandle(stack, left, 'top', 'ArrowUp', screen).halfHeightMm).toBe(31);
    expect(nudgeHandle(stack, left, 'top', 'ArrowDown', screen).halfHeightMm).toBe(29);
    const short = { ...left, halfHeightMm: 5 };
    expect(nudgeHandle(stack, short, 'top', 'ArrowDown', screen)).toBe(short);
  });

  it('the top cannot be turned below the centre (upper and lower would swap)', () => {
    // A line lying at 89.5 degrees: one more degree would point it below the horizontal.
    const flat: JointAxis = { ...left, up: [Math.sin(89.5 * deg), 0, Math.cos(89.5 * deg)] };
    expect(nudgeHandle(stack, flat, 'top', 'ArrowRight', screen)).toBe(flat);
    expect(angleOf(nudgeHandle(stack, flat, 'top', 'ArrowLeft', screen).up)).toBeCloseTo(88.5, 10);
  });
});

describe('the shortcut table rebinds arrows and Esc while a handle is selected', () => {
  const press = (key: string) =>
    ({ key, target: null, ctrlKey: false, metaKey: false, altKey: false }) as unknown as KeyboardEvent;
  it('Q selects handles; arrows scroll slices and Esc goes to the worklist unless a handle is selected', () => {
    expect(actionFor(press('q'))).toBe('handle-next');
    expect(actionFor(press('ArrowDown'))).toBe('slice-next');
    expect(actionFor(press('ArrowLeft'))).toBeNull();
    expect(actionFor(press('Escape'))).toBe('worklist');
    for (const key of ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown'])
      expect(actionFor(press(key), ['handle-selected'])).toBe('handle-move');
    expect(actionFor(press('Escape'), ['handle-selected'])).toBe('handle-release');
    expect(actionFor(press('j'), ['handle-selected'])).toBe('slice-next');
  });
  it('no key is bound twice in the same state', () => {
    for (const when of [undefined, 'handle-selected'] as const) {
      const keys = shortcuts.filter((s) => s.when === when).flatMap((s) => s.keys);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });
});
