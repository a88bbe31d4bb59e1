import type { Reading } from '../reading';

/** An exam on this workstation as the matcher needs it: its study and the series it holds. */
export interface LocalExam {
  studyInstanceUid: string;
  seriesInstanceUids: readonly string[];
}

/**
 * matched: the study and every series the reading names are here.
 * series_missing: the study is here but a series the reader read is not (different export, re-scan).
 * absent: no local study with that UID; the reading is kept and shown flagged.
 */
export type MatchStatus = 'matched' | 'series_missing' | 'absent';

export interface ExamMatch {
  status: MatchStatus;
  studyInstanceUid: string;
  missingSeries: string[];
  /** one line a reader can act on */
  note: string;
}

export function referencedSeries(r: Reading): string[] {
  const { t1, stir } = r.exam.series;
  return [t1, stir].filter((s) => s !== null).map((s) => s.seriesInstanceUid);
}

/** Matches by Study Instance UID, then checks each referenced Series Instance UID. */
export function matchExam(r: Reading, local: readonly LocalExam[]): ExamMatch {
  const uid = r.exam.studyInstanceUid;
  const exam = local.find((e) => e.studyInstanceUid === uid);
  if (!exam)
    return {
      status: 'absent',
      studyInstanceUid: uid,
      missingSeries: referencedSeries(r),
      note: `study ${uid} is not on this workstation; import its images to view them`,
    };
  const have = new Set(exam.seriesInstanceUids);
  const missingSeries = referencedSeries(r).filter((s) => !have.has(s));
  if (missingSeries.length > 0)
    return {
      status: 'series_missing',
      studyInstanceUid: uid,
      missingSeries,
      note: `study ${uid} is here but series ${missingSeries.join(', ')} read by ${r.author.name} is not`,
    };
  return { status: 'matched', studyInstanceUid: uid, missingSeries: [], note: 'study and series match' };
}
