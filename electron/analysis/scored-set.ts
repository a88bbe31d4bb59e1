/** Scores of one set of cases with their binary truth (1 = positive by the reference standard). */
export interface ScoredSet {
  truth: readonly number[];
  scores: readonly number[];
}

/** The scores split by truth, after checking the set is usable for ROC analysis. */
export interface SplitScores {
  positives: number[];
  negatives: number[];
}

export function splitByTruth(set: ScoredSet): SplitScores {
  if (set.truth.length !== set.scores.length) {
    throw new RangeError(`truth has ${set.truth.length} values but scores has ${set.scores.length}`);
  }
  const positives: number[] = [];
  const negatives: number[] = [];
  set.truth.forEach((t, i) => {
    const s = set.scores[i];
    if (!Number.isFinite(s)) throw new RangeError(`case ${i + 1}: score ${s} is not a finite number`);
    if (t === 1) positives.push(s);
    else if (t === 0) negatives.push(s);
    else throw new RangeError(`case ${i + 1}: truth must be 0 or 1, got ${t}`);
  });
  return { positives, negatives };
}

export function requireBothClasses(split: SplitScores, what: string): void {
  if (split.positives.length === 0 || split.negatives.length === 0) {
    throw new RangeError(
      `${what} needs at least one positive and one negative case (got ${split.positives.length} positive, ${split.negatives.length} negative)`,
    );
  }
}
