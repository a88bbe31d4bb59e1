import { JUDGEMENT_KEYS, MODEL_TASK_KEYS, suggestionFor, type Person, type Reading } from './schema';

/**
 * draft -> signed -> amended. A signed version never changes; amending creates version n+1 as a
 * draft pointing to n, and n counts as "amended" once a successor exists.
 */
export type VersionState = 'draft' | 'signed' | 'amended';

export function versionState(r: Pick<Reading, 'status'>, hasSuccessor: boolean): VersionState {
  if (r.status === 'draft') return 'draft';
  return hasSuccessor ? 'amended' : 'signed';
}

/**
 * A study's reading status for the worklist, from the states of all its reading versions: "signed"
 * once any reading has a signed current version (the report exists), else "draft" while any reading
 * (or an amendment) is unsigned, else "unread". An amended version alone does not count as signed:
 * its successor is the current version.
 */
export function studyReadingStatus(states: readonly VersionState[]): 'unread' | 'draft' | 'signed' {
  if (states.includes('signed')) return 'signed';
  if (states.includes('draft')) return 'draft';
  return 'unread';
}

/** What still stops the reader from signing, in words the form can show. */
export function signBlockers(r: Reading): string[] {
  const out: string[] = [];
  if (r.status !== 'draft') out.push('only a draft can be signed');
  for (const key of JUDGEMENT_KEYS) {
    const j = r.judgements[key];
    if (j.answer === null) out.push(`${key}: no answer`);
    if (j.confidence === null) out.push(`${key}: no confidence`);
  }
  if (r.model !== null) {
    if (r.blinded && r.modelRevealedAt === null)
      out.push('blinded reading: commit your answers and reveal the model first');
    else
      for (const key of MODEL_TASK_KEYS)
        if (suggestionFor(r.model, key) && r.judgements[key].verdict === null)
          out.push(`${key}: accept or override the model suggestion`);
  }
  return out;
}

export function signReading(r: Reading, signer: Person, at: string): Reading {
  const blockers = signBlockers(r);
  if (blockers.length > 0)
    throw new Error(`cannot sign reading ${r.readingId} v${r.version}: ${blockers.join('; ')}`);
  return { ...r, status: 'signed', signer, signedAt: at, updatedAt: at };
}

/** The draft that replaces a signed version; it keeps the content so the reader edits from there. */
export function amendReading(r: Reading, author: Person, reason: string, at: string): Reading {
  if (r.status !== 'signed')
    throw new Error(`reading ${r.readingId} v${r.version} is a draft: edit it instead of amending`);
  if (reason.trim() === '') throw new Error('an amendment needs a reason');
  return {
    ...r,
    version: r.version + 1,
    status: 'draft',
    amendsVersion: r.version,
    amendmentReason: reason,
    author,
    createdAt: at,
    updatedAt: at,
    signer: null,
    signedAt: null,
  };
}
