import type { Interval } from './binomial';
import { cohenKappa, fleissKappa } from './kappa';
import { majorityReference, type ReferenceCase } from './reference-standard';
import type { ReaderColumn, ReadingCondition, ScoreTable } from './score-table';

export interface AgreementOptions {
  /** Model calls from score >= threshold when the table has a score but no `model` column. */
  threshold?: number;
  /** Build a reference standard "at least k of the group's readers". */
  majority?: number;
  /** Consensus decisions for cases without a k-of-n majority, by case id (the adjudication step). */
  adjudication?: ReadonlyMap<string, 0 | 1>;
  resamples?: number;
  seed?: number;
}

/** A kappa, or why it is undefined (e.g. every rating the same). */
export type KappaEstimate =
  | { kappa: number; ci: Interval; z: number; p: number; n: number }
  | { kappa: null; reason: string; n: number };

export interface PairAgreement {
  a: string;
  b: string;
  cohen: KappaEstimate;
}

export interface GroupAgreement {
  /** 'plain' groups reader_<name> columns; 'unaided'/'aided' the blinded reader-study columns. */
  condition: ReadingCondition;
  readers: string[];
  /** Cases read by every reader of the group (Fleiss' kappa needs complete ratings). */
  cases: number;
  excludedCases: string[];
  fleiss: KappaEstimate & { seNull?: number; raters?: number };
  pairwise: PairAgreement[];
  model: { fleissWithModel: KappaEstimate; cohenWithReaders: PairAgreement[] } | null;
  majority: {
    atLeast: number;
    of: number;
    positive: number;
    negative: number;
    /** Cases decided by the adjudication input rather than by the majority. */
    adjudicated: string[];
    unresolved: string[];
    /** The reference standard case by case (cases read by every reader of the group). */
    reference: ReferenceCase[];
  } | null;
}

export interface AgreementReport {
  source: string;
  cases: number;
  /** How the model's calls were obtained, or null when the model is not in the table. */
  modelCalls: string | null;
  groups: GroupAgreement[];
}

function estimate(
  n: number,
  compute: () => { kappa: number; ci: Interval; z: number; p: number },
): KappaEstimate {
  try {
    const k = compute();
    return { kappa: k.kappa, ci: k.ci, z: k.z, p: k.p, n };
  } catch (err) {
    if (err instanceof RangeError) return { kappa: null, reason: err.message, n };
    throw err;
  }
}

function pairAgreement(a: string, b: string, ra: (0 | 1 | null)[], rb: (0 | 1 | null)[]): PairAgreement {
  const x: number[] = [];
  const y: number[] = [];
  ra.forEach((v, i) => {
    const w = rb[i];
    if (v !== null && w !== null) {
      x.push(v);
      y.push(w);
    }
  });
  return { a, b, cohen: estimate(x.length, () => cohenKappa(x, y)) };
}

function groupsOf(columns: ReaderColumn[]): [ReadingCondition, ReaderColumn[]][] {
  const order: ReadingCondition[] = ['plain', 'unaided', 'aided'];
  return order
    .map((c): [ReadingCondition, ReaderColumn[]] => [c, columns.filter((rc) => rc.condition === c)])
    .filter(([, cols]) => cols.length > 0);
}

/**
 * Agreement between readers (Cohen's kappa per pair, Fleiss' kappa for the group), between the
 * model and the readers (the model added as one more rater), and optionally the k-of-n
 * reference standard — separately for unaided and aided readings when the table has both.
 */
export function agreement(table: ScoreTable, options: AgreementOptions = {}): AgreementReport {
  let modelCalls: (0 | 1)[] | null = null;
  let modelSource: string | null = null;
  if (table.hasModelCall) {
    modelCalls = table.rows.map((r) => r.modelCall as 0 | 1);
    modelSource = "the 'model' column";
  } else if (table.hasScore && options.threshold !== undefined) {
    const t = options.threshold;
    modelCalls = table.rows.map((r) => ((r.score as number) >= t ? 1 : 0));
    modelSource = `score >= ${t}`;
  }
  const groups = groupsOf(table.readerColumns).map(([condition, cols]): GroupAgreement => {
    if (cols.length < 2 && !modelCalls) {
      throw new RangeError(
        `${table.source}: agreement needs at least two ${condition} reader columns, found ${cols.length}`,
      );
    }
    const calls = cols.map((c) => table.rows.map((r) => r.readers[c.column]));
    const complete = table.rows.map((_, i) => calls.every((rc) => rc[i] !== null));
    const completeIdx = complete.flatMap((ok, i) => (ok ? [i] : []));
    const ratings = completeIdx.map((i) => calls.map((rc) => rc[i] as 0 | 1));
    const pairwise: PairAgreement[] = [];
    for (let a = 0; a < cols.length; a++) {
      for (let b = a + 1; b < cols.length; b++)
        pairwise.push(pairAgreement(cols[a].column, cols[b].column, calls[a], calls[b]));
    }
    const fleissOpts = { resamples: options.resamples, seed: options.seed };
    let fleiss: GroupAgreement['fleiss'];
    try {
      const f = fleissKappa(ratings, fleissOpts);
      fleiss = {
        kappa: f.kappa,
        ci: f.ci,
        z: f.z,
        p: f.p,
        n: f.subjects,
        seNull: f.seNull,
        raters: f.raters,
      };
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      fleiss = { kappa: null, reason: err.message, n: ratings.length };
    }
    let model: GroupAgreement['model'] = null;
    if (modelCalls) {
      const mc = modelCalls;
      model = {
        fleissWithModel: estimate(ratings.length, () =>
          fleissKappa(
            completeIdx.map((i, k) => [...ratings[k], mc[i]]),
            fleissOpts,
          ),
        ),
        cohenWithReaders: cols.map((c, k) => pairAgreement(c.column, 'model', calls[k], mc)),
      };
    }
    let majority: GroupAgreement['majority'] = null;
    if (options.majority !== undefined) {
      const ref = majorityReference(
        completeIdx.map((i, k) => ({ caseId: table.rows[i].caseId, votes: ratings[k] })),
        options.majority,
        (caseId) => options.adjudication?.get(caseId),
      );
      majority = {
        atLeast: options.majority,
        of: cols.length,
        positive: ref.filter((r) => r.truth === 1).length,
        negative: ref.filter((r) => r.truth === 0).length,
        adjudicated: ref.filter((r) => r.basis === 'adjudicated').map((r) => r.caseId),
        unresolved: ref.filter((r) => r.truth === null).map((r) => r.caseId),
        reference: ref,
      };
    }
    return {
      condition,
      readers: cols.map((c) => c.column),
      cases: completeIdx.length,
      excludedCases: table.rows.filter((_, i) => !complete[i]).map((r) => r.caseId),
      fleiss,
      pairwise,
      model,
      majority,
    };
  });
  if (groups.length === 0) throw new RangeError(`${table.source}: no reader_<name> columns to compare`);
  return { source: table.source, cases: table.rows.length, modelCalls: modelSource, groups };
}
