import type Database from 'better-sqlite3';
import { listReadings, type Person } from '../reading';
import { blindFirstBlockers, type ViewMode } from './blindFirst';
import { importedReadings, localReadingVersions, studyEntries } from './compareStore';

/** What the worklist needs to offer "Compare" without showing anyone's answers. */
export interface StudyCompareStatus {
  studyInstanceUid: string;
  /** signed readings a comparison would show (local, imported, consensus) */
  signedReadings: number;
  /** their labels (reader names), not their content */
  readers: string[];
  /** how `viewer` may open the comparison: as a reader (own reading signed), as an adjudicator (no reading), or not */
  mode: ViewMode | null;
  /** why not, when mode is null (the viewer's reading is not signed yet) */
  blocker: string | null;
}

/** Every study with at least one signed reading, and how the acting person may compare it. */
export function compareOverview(db: Database.Database, viewer: Person): StudyCompareStatus[] {
  const uids = new Set([
    ...listReadings(db).map((s) => s.studyInstanceUid),
    ...importedReadings(db).map((i) => i.reading.exam.studyInstanceUid),
  ]);
  return [...uids]
    .sort()
    .map((studyInstanceUid) => {
      const entries = studyEntries(db, studyInstanceUid, null);
      const own = localReadingVersions(db, studyInstanceUid);
      const asReader = blindFirstBlockers(viewer, own, 'reader');
      const mode: ViewMode | null =
        asReader.length === 0
          ? 'reader'
          : blindFirstBlockers(viewer, own, 'adjudicator').length === 0
            ? 'adjudicator'
            : null;
      return {
        studyInstanceUid,
        signedReadings: entries.length,
        readers: entries.map((e) => e.label),
        mode,
        blocker: mode === null ? asReader.join('; ') : null,
      };
    })
    .filter((s) => s.signedReadings > 0);
}
