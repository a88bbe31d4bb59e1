import {
  JUDGEMENT_KEYS,
  LESION_TYPES,
  cellKey,
  computeScores,
  sortCells,
  suggestionFor,
  type GridCell,
  type JudgementKey,
  type LesionType,
  type ModelOutput,
  type OverrideReason,
  type Person,
  type Reading,
} from '../reading';
import type { ExamMatch } from './match';

/** local: made on this workstation; imported: from a package; consensus: an adjudication made here */
export type ReadingOrigin = 'local' | 'imported' | 'consensus';

/** One reading in a comparison, with the label the view shows (reader name, "imported"...). */
export interface ComparedReading {
  label: string;
  reading: Reading;
  origin: ReadingOrigin;
  /** for imported readings: how they matched the local exam */
  match?: ExamMatch;
}

export interface ReaderScores {
  /** SPARCC inflammation 0-72; null until the reader chose the 6-slice window */
  sparcc: number | null;
  sparccSlices: number[] | null;
  /** SPARCC structural 0-120; null until the reader chose the 5-slice window */
  sss: number | null;
  sssSlices: number[] | null;
  berlin: number;
  asasPositive: boolean;
  definiteActive: boolean;
  definiteStructural: boolean;
}

export interface ReaderColumn {
  label: string;
  readingId: string;
  version: number;
  author: Person;
  signedAt: string | null;
  origin: ReadingOrigin;
  match: ExamMatch | null;
  blinded: boolean;
  scores: ReaderScores;
}

export interface JudgementCell {
  answer: 'yes' | 'no' | null;
  confidence: number | null;
  /** confidence >= 3 (READING.md) */
  definite: boolean;
  /** blinded reading: the answer committed before the model was shown */
  unassisted: { answer: 'yes' | 'no'; confidence: number } | null;
  /** blinded reading whose final answer differs from the unassisted one */
  changedAfterModel: boolean;
  verdict: 'accept' | 'override' | null;
}

export interface ModelSuggestion {
  answer: 'yes' | 'no';
  probability: number;
  threshold: number;
}

export interface JudgementRow {
  key: JudgementKey;
  readers: JudgementCell[];
  model: ModelSuggestion | null;
  /** every reader who answered gave the same answer */
  readersAgree: boolean;
  /** readers whose answer differs from the model's suggestion */
  againstModel: string[];
}

/** A lesion or a per-cell flag the grid records. */
export type GridFeature = LesionType | 'bme_intense' | 'bme_deep' | 'fat_deep';

export interface FeatureMarks {
  feature: GridFeature;
  /** per reader column, whether that reader marked it in this cell */
  by: boolean[];
  differs: boolean;
}

export interface CellDiff {
  slice: number;
  joint: GridCell['joint'];
  quadrant: GridCell['quadrant'];
  features: FeatureMarks[];
  differs: boolean;
}

export interface ModelOverride {
  reader: string;
  key: JudgementKey;
  modelAnswer: 'yes' | 'no';
  readerAnswer: 'yes' | 'no';
  reasonCode: OverrideReason;
  reasonText: string;
}

export interface PairDifference {
  a: string;
  b: string;
  /** grid positions where the two readers' marks differ */
  cellsDiffering: number;
  /** judgements (1-4) answered differently */
  judgementsDiffering: JudgementKey[];
}

export interface ModelSummary {
  modelId: string;
  modelVersion: string;
  modelName: string;
  clinicalUse: boolean;
}

export interface Comparison {
  studyInstanceUid: string;
  readers: ReaderColumn[];
  model: ModelSummary | null;
  judgements: JudgementRow[];
  /** every grid position any reader marked, sorted slice, joint, quadrant */
  grid: CellDiff[];
  overrides: ModelOverride[];
  pairs: PairDifference[];
  /** things the reader must know before trusting a difference (different windows, models, exams) */
  notes: string[];
}

const FLAGS: { feature: GridFeature; has: (c: GridCell) => boolean }[] = [
  { feature: 'bme_intense', has: (c) => c.bmeIntense === true },
  { feature: 'bme_deep', has: (c) => c.bmeDeep === true },
  { feature: 'fat_deep', has: (c) => c.fatDeep === true },
];

function scoresOf(r: Reading): ReaderScores {
  const s = computeScores({
    grid: r.grid,
    sparccFirstSlice: r.sparccFirstSlice,
    sssWindow: r.sssWindow,
    jointHeights: r.jointHeights,
  });
  return {
    sparcc: s.sparcc?.score ?? null,
    sparccSlices: s.sparcc?.slices ?? null,
    sss: s.sss?.score ?? null,
    sssSlices: s.sss?.slices ?? null,
    berlin: s.berlin.score,
    asasPositive: s.asasPositive.positive,
    definiteActive: s.definiteActive.definite,
    definiteStructural: s.definiteStructural.definite,
  };
}

function judgementCell(r: Reading, key: JudgementKey): JudgementCell {
  const j = r.judgements[key];
  return {
    answer: j.answer,
    confidence: j.confidence,
    definite: j.confidence !== null && j.confidence >= 3,
    unassisted: j.unassisted ? { answer: j.unassisted.answer, confidence: j.unassisted.confidence } : null,
    changedAfterModel: j.unassisted !== null && j.answer !== null && j.unassisted.answer !== j.answer,
    verdict: j.verdict?.kind ?? null,
  };
}

function sameModelRun(a: ModelOutput, b: ModelOutput): boolean {
  return (
    a.modelId === b.modelId &&
    a.modelVersion === b.modelVersion &&
    JSON.stringify(a.tasks) === JSON.stringify(b.tasks)
  );
}

function gridDiff(readings: readonly Reading[]): CellDiff[] {
  const byReader = readings.map((r) => new Map(r.grid.map((c) => [cellKey(c), c])));
  const positions = new Map<string, GridCell>();
  for (const r of readings) for (const c of r.grid) if (c.lesions.length > 0) positions.set(cellKey(c), c);
  return sortCells([...positions.values()]).map((pos) => {
    const cells = byReader.map((m) => m.get(cellKey(pos)));
    const features: FeatureMarks[] = [];
    const add = (feature: GridFeature, has: (c: GridCell) => boolean) => {
      const by = cells.map((c) => c !== undefined && has(c));
      if (by.some(Boolean)) features.push({ feature, by, differs: !by.every(Boolean) });
    };
    for (const lesion of LESION_TYPES) add(lesion, (c) => c.lesions.includes(lesion));
    for (const f of FLAGS) add(f.feature, f.has);
    return {
      slice: pos.slice,
      joint: pos.joint,
      quadrant: pos.quadrant,
      features,
      differs: features.some((f) => f.differs),
    };
  });
}

function windowNote(columns: ReaderColumn[], pick: (c: ReaderColumn) => number[] | null, what: string) {
  const shown = columns.map((c) => {
    const s = pick(c);
    return `${c.label} ${s === null ? 'not set' : `${Math.min(...s)}-${Math.max(...s)}`}`;
  });
  const distinct = new Set(columns.map((c) => JSON.stringify(pick(c))));
  return distinct.size > 1
    ? [`${what} windows differ (${shown.join(', ')}): the scores are not over the same slices`]
    : [];
}

/**
 * Side-by-side comparison of two or more readings of one exam: judgements with the model's
 * suggestion, scores from the grid (electron/reading's rules), the grid cell by cell, and overrides.
 */
export function compareReadings(entries: readonly ComparedReading[]): Comparison {
  if (entries.length < 2) throw new Error('a comparison needs at least two readings');
  const uids = new Set(entries.map((e) => e.reading.exam.studyInstanceUid));
  if (uids.size > 1) throw new Error(`the readings are of different studies: ${[...uids].join(', ')}`);
  const labels = entries.map((e) => e.label);
  const dup = labels.find((l, i) => labels.indexOf(l) !== i);
  if (dup) throw new Error(`two readings carry the label '${dup}'; labels must tell readers apart`);

  const readings = entries.map((e) => e.reading);
  const readers: ReaderColumn[] = entries.map((e) => ({
    label: e.label,
    readingId: e.reading.readingId,
    version: e.reading.version,
    author: e.reading.author,
    signedAt: e.reading.signedAt,
    origin: e.origin,
    match: e.match ?? null,
    blinded: e.reading.blinded,
    scores: scoresOf(e.reading),
  }));

  const notes: string[] = [];
  const withModel = readings.filter((r) => r.model !== null);
  const model = withModel[0]?.model ?? null;
  if (withModel.some((r) => !sameModelRun(r.model!, model!)))
    notes.push(
      `the readings carry different model outputs (${[...new Set(withModel.map((r) => `${r.model!.modelId} ${r.model!.modelVersion}`))].join(', ')}); the model column shows ${labels[readings.indexOf(withModel[0])]}'s`,
    );
  notes.push(...windowNote(readers, (c) => c.scores.sparccSlices, 'SPARCC'));
  notes.push(...windowNote(readers, (c) => c.scores.sssSlices, 'SSS'));
  for (const c of readers)
    if (c.match && c.match.status !== 'matched') notes.push(`${c.label}: ${c.match.note}`);
  const hashes = new Set(readings.map((r) => r.exam.imageHash).filter((h) => h !== null));
  if (hashes.size > 1) notes.push('the readings were made on image sets with different fingerprints');

  const judgements: JudgementRow[] = JUDGEMENT_KEYS.map((key) => {
    const cells = readings.map((r) => judgementCell(r, key));
    const s = suggestionFor(model, key);
    const answered = cells.map((c) => c.answer).filter((a) => a !== null);
    return {
      key,
      readers: cells,
      model: s,
      readersAgree: new Set(answered).size <= 1,
      againstModel: s
        ? labels.filter((_, i) => cells[i].answer !== null && cells[i].answer !== s.answer)
        : [],
    };
  });

  const overrides: ModelOverride[] = [];
  entries.forEach((e, i) => {
    for (const key of JUDGEMENT_KEYS) {
      const v = e.reading.judgements[key].verdict;
      const s = suggestionFor(e.reading.model, key);
      if (v?.kind === 'override' && s)
        overrides.push({
          reader: labels[i],
          key,
          modelAnswer: s.answer,
          readerAnswer: v.answer,
          reasonCode: v.reasonCode,
          reasonText: v.reasonText,
        });
    }
  });

  const grid = gridDiff(readings);
  const pairs: PairDifference[] = [];
  for (let a = 0; a < readings.length; a++)
    for (let b = a + 1; b < readings.length; b++)
      pairs.push({
        a: labels[a],
        b: labels[b],
        cellsDiffering: grid.filter((c) => c.features.some((f) => f.by[a] !== f.by[b])).length,
        judgementsDiffering: JUDGEMENT_KEYS.filter(
          (k) => readings[a].judgements[k].answer !== readings[b].judgements[k].answer,
        ),
      });

  return {
    studyInstanceUid: [...uids][0],
    readers,
    model: model && {
      modelId: model.modelId,
      modelVersion: model.modelVersion,
      modelName: model.modelName,
      clinicalUse: model.clinicalUse,
    },
    judgements,
    grid,
    overrides,
    pairs,
    notes,
  };
}
