/** How one case's reference label was reached. */
export type ReferenceBasis = 'majority' | 'adjudicated' | 'unresolved';

export interface ReferenceCase {
  caseId: string;
  /** 1 positive, 0 negative, null when no majority and no adjudication. */
  truth: 0 | 1 | null;
  positiveVotes: number;
  raters: number;
  basis: ReferenceBasis;
}

/** Called for a case without a k-of-n majority (e.g. a consensus session); undefined leaves it unresolved. */
export type Adjudicate = (caseId: string, votes: readonly (0 | 1)[]) => 0 | 1 | undefined;

/**
 * The paper's reference standard: a case is positive when at least k of its n raters call it
 * positive, negative when at least k call it negative, otherwise it goes to adjudication.
 * k must be more than half of n, so that both cannot hold at once.
 */
export function majorityReference(
  cases: readonly { caseId: string; votes: readonly (0 | 1)[] }[],
  atLeast: number,
  adjudicate?: Adjudicate,
): ReferenceCase[] {
  return cases.map(({ caseId, votes }) => {
    const n = votes.length;
    if (!Number.isInteger(atLeast) || atLeast * 2 <= n || atLeast > n) {
      throw new RangeError(
        `case ${caseId}: "at least ${atLeast} of ${n}" is not a majority rule (need n/2 < k <= n)`,
      );
    }
    const positiveVotes = votes.filter((v) => v === 1).length;
    const base = { caseId, positiveVotes, raters: n };
    if (positiveVotes >= atLeast) return { ...base, truth: 1, basis: 'majority' };
    if (n - positiveVotes >= atLeast) return { ...base, truth: 0, basis: 'majority' };
    const decided = adjudicate?.(caseId, votes);
    if (decided === 0 || decided === 1) return { ...base, truth: decided, basis: 'adjudicated' };
    return { ...base, truth: null, basis: 'unresolved' };
  });
}

/** The reference standard as `case_id,truth,basis,positive_votes,raters` (truth blank if unresolved). */
export function referenceCsv(cases: readonly ReferenceCase[]): string {
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = ['case_id,truth,basis,positive_votes,raters'];
  for (const c of cases) {
    lines.push([quote(c.caseId), c.truth ?? '', c.basis, c.positiveVotes, c.raters].join(','));
  }
  return lines.join('\n') + '\n';
}
