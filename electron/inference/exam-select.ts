import type { DicomStack, DicomStudy } from '../dicom';
import type { ModelManifest, SequenceKey } from './manifest';

/** The model cannot read this exam; `code` is stable for the UI and tests, `message` is for people. */
export class InferenceRefusal extends Error {
  constructor(
    readonly code: 'missing_sequence' | 'orientation' | 'too_few_slices' | 'ambiguous_study' | 'no_images',
    message: string,
  ) {
    super(message);
  }
}

export interface Warning {
  code: string;
  message: string;
}

/** A user's choice of stack for a role: series UID and the stack's index within that series. */
export interface StackChoice {
  seriesInstanceUid: string;
  index?: number;
}

export type StackOverrides = Partial<Record<SequenceKey, StackChoice>>;

export interface SelectedStacks {
  studyInstanceUid: string;
  t1: DicomStack;
  stir: DicomStack;
  warnings: Warning[];
}

/** What selection needs from a manifest; `sij dataset` uses the defaults. */
export type SelectionRules = Pick<ModelManifest['inputs'], 'orientation' | 'minSlices'>;

export const DEFAULT_SELECTION_RULES: SelectionRules = {
  orientation: { expected: 'semicoronal', onMismatch: 'warn' },
  minSlices: 1,
};

const ROLE_NAMES: Record<SequenceKey, string> = {
  t1: 'T1-weighted',
  stir: 'fluid-sensitive fat-suppressed (STIR/TIRM)',
};

function describe(stack: DicomStack, seriesDescription: string): string {
  const what = seriesDescription || stack.sequence.seriesDescription || stack.seriesInstanceUid;
  return `'${what}' (${stack.orientation}, ${stack.dims[2]} slices)`;
}

/** Semicoronal first, then more slices, then the clearer role call. */
function preference(a: DicomStack, b: DicomStack): number {
  if (a.semicoronal !== b.semicoronal) return a.semicoronal ? -1 : 1;
  if (a.dims[2] !== b.dims[2]) return b.dims[2] - a.dims[2];
  return b.role.confidence - a.role.confidence;
}

function allStacks(study: DicomStudy): { stack: DicomStack; description: string }[] {
  return study.series.flatMap((s) => s.stacks.map((stack) => ({ stack, description: s.description })));
}

function pick(
  study: DicomStudy,
  key: SequenceKey,
  override: StackChoice | undefined,
  where: string,
): { stack: DicomStack; description: string } | undefined {
  const stacks = allStacks(study);
  if (override) {
    const chosen = stacks.find(
      ({ stack }) =>
        stack.seriesInstanceUid === override.seriesInstanceUid && stack.index === (override.index ?? 0),
    );
    if (!chosen) {
      throw new InferenceRefusal(
        'missing_sequence',
        `${where}: the stack chosen as ${ROLE_NAMES[key]} (series ${override.seriesInstanceUid}, stack ${override.index ?? 0}) is not in the exam`,
      );
    }
    return chosen;
  }
  return stacks
    .filter(({ stack }) => stack.role.role === key)
    .sort((a, b) => preference(a.stack, b.stack))[0];
}

/**
 * Picks the exam's T1 and STIR stacks by their assessed role (user overrides win) and applies the
 * model's input rules: a missing sequence or too few slices is refused; a non-semicoronal stack
 * is refused or warned about as the manifest says.
 */
export function selectStacks(
  studies: DicomStudy[],
  where: string,
  rules: SelectionRules = DEFAULT_SELECTION_RULES,
  overrides: StackOverrides = {},
): SelectedStacks {
  const withImages = studies.filter((s) => s.series.some((series) => series.stacks.length > 0));
  if (withImages.length === 0) throw new InferenceRefusal('no_images', `${where}: no DICOM images found`);
  if (withImages.length > 1) {
    const uids = withImages.map((s) => s.studyInstanceUid).join(', ');
    throw new InferenceRefusal(
      'ambiguous_study',
      `${where}: holds ${withImages.length} studies (${uids}); read one exam at a time`,
    );
  }
  const study = withImages[0];
  const warnings: Warning[] = [];
  const chosen = {} as Record<SequenceKey, DicomStack>;
  for (const key of ['t1', 'stir'] as const) {
    const found = pick(study, key, overrides[key], where);
    if (!found) {
      const present = allStacks(study)
        .map(({ stack, description }) => `${describe(stack, description)} as ${stack.role.role}`)
        .join(', ');
      throw new InferenceRefusal(
        'missing_sequence',
        `${where}: no ${ROLE_NAMES[key]} series found; the model needs both T1 and STIR (series present: ${present || 'none'})`,
      );
    }
    const { stack, description } = found;
    if (stack.dims[2] < rules.minSlices) {
      throw new InferenceRefusal(
        'too_few_slices',
        `${where}: ${ROLE_NAMES[key]} series ${describe(stack, description)} has ${stack.dims[2]} slices; the model needs at least ${rules.minSlices}`,
      );
    }
    if (!stack.semicoronal) {
      const message = `${ROLE_NAMES[key]} series ${describe(stack, description)} is ${stack.orientation}, not semicoronal; the model was trained on semicoronal images only and may fail on other orientations`;
      if (rules.orientation.onMismatch === 'refuse')
        throw new InferenceRefusal('orientation', `${where}: ${message}`);
      warnings.push({ code: 'orientation', message });
    }
    chosen[key] = stack;
  }
  return { studyInstanceUid: study.studyInstanceUid, t1: chosen.t1, stir: chosen.stir, warnings };
}
