import type { Person, Reading } from '../reading';

/**
 * Blind first: a reader sees others' readings of an exam only after committing (signing) their
 * own. An adjudicator who has no reading of the exam may open the comparison; that opening is
 * logged, and any reading they start afterwards is not blind (see blindReadingOf).
 */
export type ViewMode = 'reader' | 'adjudicator';

export interface ComparisonView {
  studyInstanceUid: string;
  viewerId: string;
  mode: ViewMode;
  at: string;
}

const involves = (r: Reading, person: Person) => r.author.id === person.id || r.signer?.id === person.id;

/** What stops `viewer` from seeing others' readings of the study, in words; empty when allowed. */
export function blindFirstBlockers(
  viewer: Person,
  ownStudyVersions: readonly Reading[],
  mode: ViewMode,
): string[] {
  const own = ownStudyVersions.filter((r) => involves(r, viewer));
  if (mode === 'adjudicator')
    return own.length === 0
      ? []
      : [`${viewer.name} has a reading of this study, so views it as a reader, not as an adjudicator`];
  if (own.some((r) => r.status === 'signed')) return [];
  return own.length === 0
    ? [`${viewer.name} has no reading of this study: read and sign it before seeing others' readings`]
    : [`${viewer.name}'s reading of this study is not signed yet: sign it before seeing others' readings`];
}

/**
 * The version of an author's reading that counts as blind: the latest signed version made before
 * the author first opened a comparison of that study (an amendment made after seeing colleagues is
 * a second opinion, not an independent read). Null when no version qualifies.
 */
export function blindReadingOf(
  versions: readonly Reading[],
  views: readonly ComparisonView[],
): Reading | null {
  if (versions.length === 0) return null;
  const authorId = versions[0].author.id;
  const study = versions[0].exam.studyInstanceUid;
  const firstView = views
    .filter((v) => v.viewerId === authorId && v.studyInstanceUid === study)
    .map((v) => v.at)
    .sort()[0];
  const signedBefore = versions
    .filter((r) => r.status === 'signed' && r.signedAt !== null)
    .filter((r) => firstView === undefined || Date.parse(r.signedAt!) <= Date.parse(firstView))
    .sort((a, b) => b.version - a.version);
  return signedBefore[0] ?? null;
}
