import { describe, expect, it } from 'vitest';
import type { StackSummary } from '../../../electron/api';
import {
  assignStacks,
  layoutViews,
  sijProtocol,
  viewTitle,
} from '../../../renderer/src/viewer/hanging-protocol';

function stack(over: Partial<StackSummary>): StackSummary {
  return {
    stackId: 'x#0',
    seriesInstanceUid: 'x',
    description: '',
    role: 'other',
    roleConfidence: 0.5,
    orientation: 'oblique-coronal',
    semicoronal: true,
    tiltDegrees: 20,
    rows: 256,
    columns: 256,
    slices: 16,
    spacing: [1, 1, 4],
    problems: [],
    ...over,
  };
}

describe('SIJ hanging protocol', () => {
  it('defines every view a layout names, default 2x3 with both sequences in three planes', () => {
    const ids = new Set(sijProtocol.views.map((v) => v.id));
    for (const layout of sijProtocol.layouts) {
      expect(layout.views.length).toBe(layout.rows * layout.columns);
      for (const v of layout.views) if (v !== 'active') expect(ids.has(v)).toBe(true);
    }
    const def = sijProtocol.layouts.find((l) => l.key === sijProtocol.defaultLayout)!;
    expect(def.views).toEqual([
      't1-native',
      't1-axial',
      't1-sagittal',
      'stir-native',
      'stir-axial',
      'stir-sagittal',
    ]);
    expect(
      layoutViews(
        sijProtocol.layouts.find((l) => l.key === 'single')!,
        'stir-axial',
      ),
    ).toEqual(['stir-axial']);
  });

  it('picks by role, then confidence, then semicoronal; reports what is missing', () => {
    const a = assignStacks(sijProtocol, [
      stack({ stackId: 'loc#0', role: 't1', roleConfidence: 0.9, slices: 1 }),
      stack({ stackId: 'ax#0', role: 't1', roleConfidence: 0.7, semicoronal: false, orientation: 'axial' }),
      stack({ stackId: 'cor#0', role: 't1', roleConfidence: 0.7 }),
      stack({ stackId: 'st#0', role: 'stir', roleConfidence: 0.95 }),
    ]);
    expect(a.stacks.t1?.stackId).toBe('cor#0');
    expect(a.stacks.stir?.stackId).toBe('st#0');
    expect(a.problems).toEqual([]);
    const b = assignStacks(sijProtocol, [
      stack({ stackId: 'ax#0', role: 't1', semicoronal: false, orientation: 'axial' }),
    ]);
    expect(b.stacks.stir).toBeUndefined();
    expect(b.problems).toEqual([
      'The T1 series is axial, not semicoronal: the acquired view shows that plane and SPARCC slices cannot be counted on it. Read the reformats with care or ask for a semicoronal T1 parallel to the sacrum.',
      'No STIR series found: its views stay empty.',
    ]);
  });
});

describe('view titles', () => {
  const view = (id: string) => sijProtocol.views.find((v) => v.id === id)!;
  it('name the acquired plane as it is: semicoronal keeps the protocol title, axial says so', () => {
    expect(viewTitle(view('t1-native'), stack({}))).toBe('T1 semicoronal (acquired)');
    expect(viewTitle(view('stir-native'), stack({ orientation: 'axial', semicoronal: false }))).toBe(
      'STIR axial (acquired, not semicoronal)',
    );
    expect(viewTitle(view('stir-axial'), stack({ orientation: 'axial', semicoronal: false }))).toBe(
      'STIR axial reformat',
    );
    expect(viewTitle(view('t1-native'), undefined)).toBe('T1 semicoronal (acquired)');
  });
});
