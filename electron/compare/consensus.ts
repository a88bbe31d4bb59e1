import {
  JUDGEMENT_KEYS,
  LESION_TYPES,
  cellKey,
  newReading,
  normaliseGrid,
  sortCells,
  type CellRef,
  type GridCell,
  type JudgementKey,
  type Person,
  type Reading,
} from '../reading';

export interface ConsensusDraft {
  reading: Reading;
  /** grid features exactly half the sources marked: the adjudicator decides them */
  undecidedCells: (CellRef & { feature: string })[];
  /** judgements without a majority answer */
  undecidedJudgements: JudgementKey[];
  /** window choices the sources disagree on (left unset) */
  undecidedWindows: ('sparcc' | 'sss')[];
}

const majority = (votes: number, n: number) => votes * 2 > n;
const tie = (votes: number, n: number) => votes * 2 === n;

function sameValue<T>(values: T[]): T | null {
  const first = JSON.stringify(values[0]);
  return values.every((v) => JSON.stringify(v) === first) ? values[0] : null;
}

/**
 * The starting point of an adjudication: a new draft whose grid holds what a strict majority of the
 * source readings marked, and whose judgements carry the majority answer with no confidence, so the
 * adjudicator must state their own before signing. The model output is not copied: it stays, with
 * each reader's verdict, in the source readings.
 */
export function draftConsensus(args: {
  readingId: string;
  adjudicator: Person;
  at: string;
  sources: readonly { label: string; reading: Reading }[];
}): ConsensusDraft {
  const { sources } = args;
  if (sources.length < 2) throw new Error('a consensus needs at least two source readings');
  const uids = new Set(sources.map((s) => s.reading.exam.studyInstanceUid));
  if (uids.size > 1) throw new Error(`the source readings are of different studies: ${[...uids].join(', ')}`);
  const n = sources.length;
  const base = sources[0].reading;

  const positions = new Map<string, GridCell[]>();
  for (const { reading } of sources)
    for (const c of reading.grid) positions.set(cellKey(c), [...(positions.get(cellKey(c)) ?? []), c]);
  const grid: GridCell[] = [];
  const undecidedCells: ConsensusDraft['undecidedCells'] = [];
  for (const cells of positions.values()) {
    const ref = { slice: cells[0].slice, joint: cells[0].joint, quadrant: cells[0].quadrant };
    const votes = (has: (c: GridCell) => boolean) => cells.filter(has).length;
    const lesions = LESION_TYPES.filter((l) =>
      majority(
        votes((c) => c.lesions.includes(l)),
        n,
      ),
    );
    for (const l of LESION_TYPES)
      if (
        tie(
          votes((c) => c.lesions.includes(l)),
          n,
        )
      )
        undecidedCells.push({ ...ref, feature: l });
    const flag = (name: 'bmeIntense' | 'bmeDeep' | 'fatDeep') => {
      const v = votes((c) => c[name] === true);
      if (tie(v, n)) undecidedCells.push({ ...ref, feature: name });
      return majority(v, n) ? true : undefined;
    };
    const cell: GridCell = { ...ref, lesions };
    const intense = flag('bmeIntense');
    const deep = flag('bmeDeep');
    const fatDeep = flag('fatDeep');
    if (intense) cell.bmeIntense = true;
    if (deep) cell.bmeDeep = true;
    if (fatDeep) cell.fatDeep = true;
    grid.push(cell);
  }

  const draft = newReading({
    readingId: args.readingId,
    exam: base.exam,
    author: args.adjudicator,
    at: args.at,
    blinded: false,
  });
  const judgements = { ...draft.judgements };
  const undecidedJudgements: JudgementKey[] = [];
  for (const key of JUDGEMENT_KEYS) {
    const yes = sources.filter((s) => s.reading.judgements[key].answer === 'yes').length;
    const no = sources.filter((s) => s.reading.judgements[key].answer === 'no').length;
    const answer = majority(yes, n) ? 'yes' : majority(no, n) ? 'no' : null;
    if (answer === null) undecidedJudgements.push(key);
    judgements[key] = { ...judgements[key], answer };
  }

  const sparccFirstSlice = sameValue(sources.map((s) => s.reading.sparccFirstSlice));
  const sssWindow = sameValue(sources.map((s) => s.reading.sssWindow));
  const undecidedWindows: ConsensusDraft['undecidedWindows'] = [];
  if (sparccFirstSlice === null && sources.some((s) => s.reading.sparccFirstSlice !== null))
    undecidedWindows.push('sparcc');
  if (sssWindow === null && sources.some((s) => s.reading.sssWindow !== null)) undecidedWindows.push('sss');

  const qualities = sources.map((s) => s.reading.quality);
  const reading: Reading = {
    ...draft,
    grid: normaliseGrid(grid),
    sparccFirstSlice,
    sssWindow,
    judgements,
    quality: {
      ...base.quality,
      fatSuppressionFailure: qualities.some((q) => q.fatSuppressionFailure),
      motion: qualities.some((q) => q.motion),
      fieldInhomogeneity: qualities.some((q) => q.fieldInhomogeneity),
      otherArtifact: [...new Set(qualities.map((q) => q.otherArtifact.trim()).filter(Boolean))].join('; '),
    },
    context: base.context,
    keyImages: [
      ...new Map(sources.flatMap((s) => s.reading.keyImages).map((k) => [JSON.stringify(k), k])).values(),
    ],
    comment: `Consensus reading adjudicated by ${args.adjudicator.name} from ${sources
      .map((s) => `${s.label} (${s.reading.readingId} v${s.reading.version})`)
      .join(', ')}.`,
  };
  return {
    reading,
    undecidedCells: sortCells(undecidedCells),
    undecidedJudgements,
    undecidedWindows,
  };
}
