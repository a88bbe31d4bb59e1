import type { StackSummary } from '../../../electron/api';
import type { PlaneKind } from './geometry';

export type Sequence = 't1' | 'stir';
export type ViewId = `${Sequence}-${PlaneKind}`;

export interface ViewSpec {
  id: ViewId;
  sequence: Sequence;
  plane: PlaneKind;
  title: string;
}

export interface LayoutSpec {
  key: string;
  label: string;
  columns: number;
  rows: number;
  /** Row-major; 'active' in a single-view layout means the view that has focus. */
  views: (ViewId | 'active')[];
}

export interface HangingProtocol {
  name: string;
  /** Which stack role fills which sequence slot, in order of preference. */
  sequences: Record<Sequence, { roles: StackSummary['role'][]; label: string }>;
  views: ViewSpec[];
  layouts: LayoutSpec[];
  defaultLayout: string;
}

const planeTitle: Record<PlaneKind, string> = {
  native: 'semicoronal (acquired)',
  axial: 'axial reformat',
  sagittal: 'sagittal reformat',
};

/**
 * A view's title from the stack it actually shows: an acquired plane that is not semicoronal is named
 * as what it is, so an axial-only exam is never labelled "semicoronal" on the image.
 */
export function viewTitle(
  spec: ViewSpec,
  stack: Pick<StackSummary, 'orientation' | 'semicoronal'> | undefined,
): string {
  if (spec.plane !== 'native' || !stack || stack.semicoronal) return spec.title;
  return `${spec.sequence === 't1' ? 'T1' : 'STIR'} ${stack.orientation} (acquired, not semicoronal)`;
}

function views(): ViewSpec[] {
  const out: ViewSpec[] = [];
  for (const sequence of ['t1', 'stir'] as const) {
    for (const plane of ['native', 'axial', 'sagittal'] as const) {
      out.push({
        id: `${sequence}-${plane}`,
        sequence,
        plane,
        title: `${sequence === 't1' ? 'T1' : 'STIR'} ${planeTitle[plane]}`,
      });
    }
  }
  return out;
}

/** The default SIJ protocol: T1 and STIR in the acquired semicoronal plane plus MPR of each. */
export const sijProtocol: HangingProtocol = {
  name: 'SIJ: T1 | STIR semicoronal with reformats',
  sequences: {
    t1: { roles: ['t1'], label: 'T1' },
    stir: { roles: ['stir'], label: 'STIR' },
  },
  views: views(),
  layouts: [
    {
      key: '2x3',
      label: '2 x 3: T1 (top) and STIR (bottom), acquired + axial + sagittal',
      columns: 3,
      rows: 2,
      views: ['t1-native', 't1-axial', 't1-sagittal', 'stir-native', 'stir-axial', 'stir-sagittal'],
    },
    {
      key: '1x2',
      label: '1 x 2: T1 | STIR acquired',
      columns: 2,
      rows: 1,
      views: ['t1-native', 'stir-native'],
    },
    { key: 'single', label: 'Single view, maximised', columns: 1, rows: 1, views: ['active'] },
  ],
  defaultLayout: '2x3',
};

export interface StackAssignment {
  stacks: Partial<Record<Sequence, StackSummary>>;
  problems: string[];
}

/** Picks the stack for each sequence slot: role first, then confidence, semicoronal, slices. */
export function assignStacks(protocol: HangingProtocol, stacks: StackSummary[]): StackAssignment {
  const result: StackAssignment = { stacks: {}, problems: [] };
  for (const sequence of ['t1', 'stir'] as const) {
    const { roles, label } = protocol.sequences[sequence];
    const candidates = stacks
      .filter((s) => roles.includes(s.role) && s.slices >= 2)
      .sort(
        (a, b) =>
          b.roleConfidence - a.roleConfidence ||
          Number(b.semicoronal) - Number(a.semicoronal) ||
          b.slices - a.slices,
      );
    if (candidates.length === 0) {
      result.problems.push(`No ${label} series found: its views stay empty.`);
      continue;
    }
    result.stacks[sequence] = candidates[0];
    if (!candidates[0].semicoronal) {
      result.problems.push(
        `The ${label} series is ${candidates[0].orientation}, not semicoronal: the acquired view shows that plane and SPARCC slices cannot be counted on it. Read the reformats with care or ask for a semicoronal ${label} parallel to the sacrum.`,
      );
    }
  }
  return result;
}

/** The views a layout shows, resolving 'active' to the focused view. */
export function layoutViews(layout: LayoutSpec, active: ViewId): ViewId[] {
  return layout.views.map((v) => (v === 'active' ? active : v));
}
