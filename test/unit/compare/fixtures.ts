import {
  acceptSuggestion,
  attachModelOutput,
  newReading,
  overrideSuggestion,
  revealModel,
  setCell,
  setJudgement,
  signReading,
  patchReading,
  type ExamRef,
  type GridCell,
  type JudgementKey,
  type ModelOutput,
  type ModelTaskKey,
  type OverrideReason,
  type Person,
  type Reading,
} from '../../../electron/reading';

export const T0 = Date.parse('2026-11-30T10:00:00.000Z');
export const at = (minute: number) => new Date(T0 + minute * 60_000).toISOString();

export const ada: Person = { id: 'u-ada', name: 'Ada' };
export const ben: Person = { id: 'u-ben', name: 'Ben' };
export const cleo: Person = { id: 'u-cleo', name: 'Cleo' };

export function examRef(n: number): ExamRef {
  return {
    studyInstanceUid: `1.2.826.0.1.3680043.8.498.${n}`,
    accessionNumber: `ACC${n}`,
    patient: { id: `P${n}` },
    series: {
      t1: { seriesInstanceUid: `1.2.826.0.1.3680043.8.498.${n}.1`, sliceCount: 16 },
      stir: { seriesInstanceUid: `1.2.826.0.1.3680043.8.498.${n}.2`, sliceCount: 16 },
    },
    imageHash: null,
  };
}

/** thresholds 0.5: active yes (0.8), asas no (0.3), structural no (0.2) unless given */
export function modelOutput(p: Partial<Record<ModelTaskKey, number>> = {}): ModelOutput {
  const prob = { active_inflammation: 0.8, asas_bme: 0.3, structural: 0.2, ...p };
  return {
    modelId: 'sij-test',
    modelVersion: '1.0.0',
    modelName: 'test model',
    sha256: 'c'.repeat(64),
    clinicalUse: false,
    disclaimer: null,
    runAt: at(0),
    tasks: (['active_inflammation', 'asas_bme', 'structural'] as const).map((key) => ({
      key,
      label: key,
      probability: prob[key],
      threshold: 0.5,
    })),
  };
}

export type Answers = Record<JudgementKey, 'yes' | 'no'>;

export interface ReadSpec {
  id: string;
  author: Person;
  exam: ExamRef;
  grid?: GridCell[];
  /** final answers (confidence 3 each) */
  answers: Answers;
  /** blinded reading: answers committed before the model was revealed */
  unaided?: Answers;
  model?: ModelOutput;
  sparccFirstSlice?: number | null;
  override?: Partial<Record<ModelTaskKey, OverrideReason>>;
  minute?: number;
}

/**
 * A signed reading made with electron/reading's own pure edits, as the form would make it: with a
 * model, each model task is accepted when the final answer equals the suggestion, else overridden.
 */
export function signedReading(spec: ReadSpec): Reading {
  const m = spec.minute ?? 0;
  let r = newReading({
    readingId: spec.id,
    exam: spec.exam,
    author: spec.author,
    at: at(m),
    blinded: !!spec.unaided,
  });
  for (const c of spec.grid ?? []) r = setCell(r, c, at(m));
  if (spec.sparccFirstSlice !== undefined)
    r = patchReading(r, { sparccFirstSlice: spec.sparccFirstSlice }, at(m));
  const keys = Object.keys(spec.answers) as JudgementKey[];
  if (spec.unaided) {
    for (const k of keys) r = setJudgement(r, k, { answer: spec.unaided[k], confidence: 2 }, at(m + 1));
  }
  if (spec.model) {
    r = attachModelOutput(r, spec.model, at(m + 1));
    if (spec.unaided) r = revealModel(r, at(m + 2));
    for (const k of ['active_inflammation', 'asas_bme', 'structural'] as const) {
      const s = spec.model.tasks.find((t) => t.key === k)!;
      const suggestion = s.probability >= s.threshold ? 'yes' : 'no';
      if (spec.answers[k] === suggestion) r = acceptSuggestion(r, k, at(m + 3));
      else
        r = overrideSuggestion(
          r,
          k,
          {
            answer: spec.answers[k],
            reasonCode: spec.override?.[k] ?? 'disagree_extent',
            reasonText: 'test',
          },
          at(m + 3),
        );
    }
  }
  for (const k of keys) r = setJudgement(r, k, { answer: spec.answers[k], confidence: 3 }, at(m + 4));
  return signReading(r, spec.author, at(m + 5));
}
