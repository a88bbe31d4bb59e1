import { cellKey, normaliseGrid, type CellRef, type GridCell } from './grid';
import {
  JUDGEMENT_KEYS,
  MODEL_TASK_KEYS,
  READING_SCHEMA,
  suggestionFor,
  type ExamRef,
  type Judgement,
  type JudgementKey,
  type ModelOutput,
  type ModelTaskKey,
  type OverrideReason,
  type Person,
  type Reading,
} from './schema';

/**
 * Pure edits of a draft reading. Each returns a new reading; none touches a signed one (the
 * lifecycle and the store refuse that). Times are passed in so edits stay deterministic.
 */

const emptyJudgement = (): Judgement => ({ answer: null, confidence: null, unassisted: null, verdict: null });

export function newReading(args: {
  readingId: string;
  exam: ExamRef;
  author: Person;
  at: string;
  blinded: boolean;
}): Reading {
  return {
    schema: READING_SCHEMA,
    readingId: args.readingId,
    version: 1,
    status: 'draft',
    amendsVersion: null,
    amendmentReason: null,
    exam: args.exam,
    author: args.author,
    createdAt: args.at,
    updatedAt: args.at,
    signer: null,
    signedAt: null,
    grid: [],
    jointHeights: [],
    sparccFirstSlice: null,
    sssWindow: null,
    judgements: {
      active_inflammation: emptyJudgement(),
      asas_bme: emptyJudgement(),
      structural: emptyJudgement(),
      overall_axspa: emptyJudgement(),
    },
    model: null,
    blinded: args.blinded,
    modelRevealedAt: null,
    quality: {
      sequences: {
        t1: args.exam.series.t1 !== null,
        stir: args.exam.series.stir !== null,
        t1FatSatContrast: false,
      },
      orientation: null,
      fatSuppressionFailure: false,
      motion: false,
      fieldInhomogeneity: false,
      otherArtifact: '',
    },
    context: {
      age: null,
      sex: null,
      hlaB27: null,
      crpMgPerL: null,
      recentDeliveryDate: null,
      heavyPhysicalTraining: null,
    },
    keyImages: [],
    comment: '',
  };
}

function assertDraft(r: Reading): void {
  if (r.status !== 'draft')
    throw new Error(`reading ${r.readingId} v${r.version} is signed and cannot be changed; amend it`);
}

function touch(r: Reading, at: string): Reading {
  return { ...r, updatedAt: at };
}

/** The model output is shown only when the reader may see it (not blinded, or already revealed). */
export function modelVisible(r: Reading): boolean {
  return r.model !== null && (!r.blinded || r.modelRevealedAt !== null);
}

/** What the reader's screen may show: in blinded mode, no model output until revealed. */
export function readerView(r: Reading): Reading {
  return modelVisible(r) ? r : { ...r, model: null };
}

/**
 * Attaches the model's output, once. Outside blinded mode, judgements 1-3 the reader has not yet
 * answered start as the model's suggestion (verdict still pending).
 */
export function attachModelOutput(r: Reading, model: ModelOutput, at: string): Reading {
  assertDraft(r);
  if (r.model !== null)
    throw new Error(`reading ${r.readingId} already has model output; it is never replaced`);
  const next: Reading = { ...r, model, judgements: { ...r.judgements } };
  if (!r.blinded) prefill(next);
  return touch(next, at);
}

function prefill(r: Reading): void {
  for (const key of MODEL_TASK_KEYS) {
    const s = suggestionFor(r.model, key);
    if (s && r.judgements[key].answer === null)
      r.judgements[key] = { ...r.judgements[key], answer: s.answer };
  }
}

export function setJudgement(
  r: Reading,
  key: JudgementKey,
  value: { answer?: 'yes' | 'no' | null; confidence?: number | null },
  at: string,
): Reading {
  assertDraft(r);
  const prev = r.judgements[key];
  const next: Judgement = { ...prev };
  if (value.answer !== undefined) next.answer = value.answer;
  if (value.confidence !== undefined) next.confidence = value.confidence;
  // A new answer on a model task voids an earlier verdict: the reader must accept or override again.
  if (value.answer !== undefined && value.answer !== prev.answer) next.verdict = null;
  return touch({ ...r, judgements: { ...r.judgements, [key]: next } }, at);
}

/** Blinded mode: commits the reader's own answers (all four, with confidence) and reveals the model. */
export function revealModel(r: Reading, at: string): Reading {
  assertDraft(r);
  if (!r.blinded) throw new Error('reveal applies to blinded readings only');
  if (r.modelRevealedAt !== null) return r;
  const missing = JUDGEMENT_KEYS.filter(
    (k) => r.judgements[k].answer === null || r.judgements[k].confidence === null,
  );
  if (missing.length > 0)
    throw new Error(
      `answer every judgement with a confidence before the model is shown (missing: ${missing.join(', ')})`,
    );
  const judgements = { ...r.judgements };
  for (const k of JUDGEMENT_KEYS) {
    const j = judgements[k];
    judgements[k] = { ...j, unassisted: { answer: j.answer!, confidence: j.confidence!, committedAt: at } };
  }
  return touch({ ...r, judgements, modelRevealedAt: at }, at);
}

function requireSuggestion(r: Reading, key: ModelTaskKey) {
  if (!modelVisible(r)) throw new Error(`no model suggestion is shown for ${key}`);
  const s = suggestionFor(r.model, key);
  if (!s) throw new Error(`the model gave no output for ${key}`);
  return s;
}

export function acceptSuggestion(r: Reading, key: ModelTaskKey, at: string): Reading {
  assertDraft(r);
  const s = requireSuggestion(r, key);
  const j: Judgement = { ...r.judgements[key], answer: s.answer, verdict: { kind: 'accept', at } };
  return touch({ ...r, judgements: { ...r.judgements, [key]: j } }, at);
}

export function overrideSuggestion(
  r: Reading,
  key: ModelTaskKey,
  o: { answer: 'yes' | 'no'; reasonCode: OverrideReason; reasonText: string },
  at: string,
): Reading {
  assertDraft(r);
  requireSuggestion(r, key);
  if (o.reasonCode === 'other' && o.reasonText.trim() === '')
    throw new Error('an override for "other" needs a reason in words');
  const j: Judgement = { ...r.judgements[key], answer: o.answer, verdict: { kind: 'override', ...o, at } };
  return touch({ ...r, judgements: { ...r.judgements, [key]: j } }, at);
}

/** Replaces the content of one grid position (an empty lesion list clears it). */
export function setCell(r: Reading, cell: GridCell, at: string): Reading {
  assertDraft(r);
  const others = r.grid.filter((c) => cellKey(c) !== cellKey(cell));
  return touch({ ...r, grid: normaliseGrid([...others, cell]) }, at);
}

export function clearCell(r: Reading, ref: CellRef, at: string): Reading {
  return setCell(r, { ...ref, lesions: [] }, at);
}

/** Fields the form edits directly (everything but grid, judgements, model and lifecycle). */
export type ReadingPatch = Partial<
  Pick<
    Reading,
    | 'jointHeights'
    | 'sparccFirstSlice'
    | 'sssWindow'
    | 'jointAxes'
    | 'quality'
    | 'context'
    | 'keyImages'
    | 'comment'
  >
>;

export function patchReading(r: Reading, patch: ReadingPatch, at: string): Reading {
  assertDraft(r);
  return touch({ ...r, ...patch }, at);
}
