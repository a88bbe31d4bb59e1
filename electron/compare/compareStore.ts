import type Database from 'better-sqlite3';
import { createReading, getReading, listReadings, parseReading, type Person, type Reading } from '../reading';
import { blindFirstBlockers, blindReadingOf, type ComparisonView, type ViewMode } from './blindFirst';
import { compareReadings, type ComparedReading, type Comparison, type ReadingOrigin } from './comparison';
import { draftConsensus, type ConsensusDraft } from './consensus';
import { matchExam, type ExamMatch, type LocalExam } from './match';
import { readingDigest, PackageError, type PackagedReading } from './package';

/**
 * Imported readings, comparison views and consensus provenance in the workstation's SQLite store
 * (tables: electron/store/migrations/0800-compare.sql; local readings stay in electron/reading's).
 */

export interface ImportOutcome {
  source: string;
  readingId: string;
  version: number;
  author: string;
  studyInstanceUid: string;
  /** imported; duplicate: the same content was imported before; local: it is this workstation's own */
  status: 'imported' | 'duplicate' | 'local';
  match: ExamMatch | null;
}

export interface ImportedReading {
  importId: number;
  reading: Reading;
  source: string;
  matchStatus: ExamMatch['status'] | 'unchecked';
  importedAt: string;
}

export class BlindFirstError extends Error {}

function localVersion(db: Database.Database, readingId: string, version: number): Reading | null {
  try {
    return getReading(db, readingId, version);
  } catch {
    return null;
  }
}

/**
 * Stores package readings in one transaction: all or none. A reading id + version already stored
 * with other content is a conflict (two workstations disagree on what was signed) and aborts.
 * `localExams` null means the caller could not say which exams are here: matching is left unchecked.
 */
export function importReadings(
  db: Database.Database,
  packaged: readonly PackagedReading[],
  opts: { importedBy: Person; at: string; localExams: readonly LocalExam[] | null },
): ImportOutcome[] {
  const find = db.prepare(`SELECT document_sha256 FROM compare_imports WHERE reading_id = ? AND version = ?`);
  const insert = db.prepare(
    `INSERT INTO compare_imports (reading_id, version, study_instance_uid, author_id, author_name, document,
       document_sha256, source, match_status, imported_at, imported_by_id, imported_by_name)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  return db.transaction(() =>
    packaged.map(({ reading: r, source, sha256 }): ImportOutcome => {
      const match = opts.localExams ? matchExam(r, opts.localExams) : null;
      const base = {
        source,
        readingId: r.readingId,
        version: r.version,
        author: r.author.name,
        studyInstanceUid: r.exam.studyInstanceUid,
        match,
      };
      const local = localVersion(db, r.readingId, r.version);
      if (local) {
        if (readingDigest(local) !== sha256)
          throw new PackageError(
            `${source}: reading ${r.readingId} v${r.version} exists on this workstation with different content`,
          );
        return { ...base, status: 'local' };
      }
      const prior = find.get(r.readingId, r.version) as { document_sha256: string } | undefined;
      if (prior) {
        if (prior.document_sha256 !== sha256)
          throw new PackageError(
            `${source}: reading ${r.readingId} v${r.version} was imported before with different content`,
          );
        return { ...base, status: 'duplicate' };
      }
      insert.run(
        r.readingId,
        r.version,
        r.exam.studyInstanceUid,
        r.author.id,
        r.author.name,
        JSON.stringify(r),
        sha256,
        source,
        match?.status ?? 'unchecked',
        opts.at,
        opts.importedBy.id,
        opts.importedBy.name,
      );
      return { ...base, status: 'imported' };
    }),
  )();
}

interface ImportRow {
  import_id: number;
  document: string;
  document_sha256: string;
  source: string;
  match_status: ImportedReading['matchStatus'];
  imported_at: string;
}

export function importedReadings(
  db: Database.Database,
  filter: { studyInstanceUid?: string } = {},
): ImportedReading[] {
  const rows = db
    .prepare(
      `SELECT * FROM compare_imports WHERE (? IS NULL OR study_instance_uid = ?) ORDER BY reading_id, version`,
    )
    .all(filter.studyInstanceUid ?? null, filter.studyInstanceUid ?? null) as ImportRow[];
  return rows.map((row) => {
    const where = `imported reading #${row.import_id} (${row.source})`;
    const reading = parseReading(JSON.parse(row.document), where);
    if (readingDigest(reading) !== row.document_sha256)
      throw new Error(`${where}: stored document fails its checksum`);
    return {
      importId: row.import_id,
      reading,
      source: row.source,
      matchStatus: row.match_status,
      importedAt: row.imported_at,
    };
  });
}

/** Every stored version of every local reading of a study (or of all studies). */
export function localReadingVersions(db: Database.Database, studyInstanceUid?: string): Reading[] {
  return listReadings(db, studyInstanceUid === undefined ? {} : { studyInstanceUid }).map((s) =>
    getReading(db, s.readingId, s.version),
  );
}

export function comparisonViews(db: Database.Database): ComparisonView[] {
  return (
    db.prepare(`SELECT study_instance_uid, viewer_id, mode, at FROM compare_views ORDER BY seq`).all() as {
      study_instance_uid: string;
      viewer_id: string;
      mode: ViewMode;
      at: string;
    }[]
  ).map((v) => ({ studyInstanceUid: v.study_instance_uid, viewerId: v.viewer_id, mode: v.mode, at: v.at }));
}

export function consensusReadingIds(db: Database.Database): Set<string> {
  return new Set(
    (db.prepare(`SELECT reading_id FROM compare_consensus`).all() as { reading_id: string }[]).map(
      (r) => r.reading_id,
    ),
  );
}

/** The reading that shows in a comparison: the latest signed version of each reading id. */
function latestSigned(versions: readonly Reading[]): Reading[] {
  const best = new Map<string, Reading>();
  for (const r of versions)
    if (r.status === 'signed' && (best.get(r.readingId)?.version ?? 0) < r.version) best.set(r.readingId, r);
  return [...best.values()];
}

function labelled(entries: Omit<ComparedReading, 'label'>[]): ComparedReading[] {
  const used = new Map<string, number>();
  return entries.map((e) => {
    const name = e.reading.author.name;
    const n = (used.get(name) ?? 0) + 1;
    used.set(name, n);
    return { ...e, label: n === 1 ? name : `${name} (${n})` };
  });
}

/** The readings a comparison of the study shows: local signed ones, then imported ones not held locally. */
export function studyEntries(
  db: Database.Database,
  studyInstanceUid: string,
  localExams: readonly LocalExam[] | null,
): ComparedReading[] {
  const local = latestSigned(localReadingVersions(db, studyInstanceUid));
  const consensusIds = consensusReadingIds(db);
  const localIds = new Set(local.map((r) => r.readingId));
  // colleagues by name, so columns do not depend on the order their packages arrived in
  const imported = latestSigned(
    importedReadings(db, { studyInstanceUid })
      .map((i) => i.reading)
      .filter((r) => !localIds.has(r.readingId)),
  ).sort(
    (a, b) =>
      a.author.name.localeCompare(b.author.name) ||
      (a.signedAt ?? '').localeCompare(b.signedAt ?? '') ||
      a.readingId.localeCompare(b.readingId),
  );
  return labelled([
    ...local.map((reading) => ({
      reading,
      origin: (consensusIds.has(reading.readingId) ? 'consensus' : 'local') as ReadingOrigin,
    })),
    ...imported.map((reading) => ({
      reading,
      origin: 'imported' as const,
      match: localExams ? matchExam(reading, localExams) : undefined,
    })),
  ]);
}

function logView(
  db: Database.Database,
  viewer: Person,
  studyInstanceUid: string,
  mode: ViewMode,
  at: string,
) {
  db.prepare(
    `INSERT INTO compare_views (study_instance_uid, viewer_id, viewer_name, mode, at) VALUES (?, ?, ?, ?, ?)`,
  ).run(studyInstanceUid, viewer.id, viewer.name, mode, at);
}

/**
 * Opens the comparison of a study for `viewer`, enforcing blind-first and logging the view (the
 * log is what later tells a blind reading from one made after seeing colleagues').
 */
export function openComparison(
  db: Database.Database,
  args: {
    viewer: Person;
    studyInstanceUid: string;
    mode: ViewMode;
    at: string;
    localExams?: readonly LocalExam[] | null;
  },
): { comparison: Comparison; entries: ComparedReading[] } {
  return db.transaction(() => {
    const blockers = blindFirstBlockers(
      args.viewer,
      localReadingVersions(db, args.studyInstanceUid),
      args.mode,
    );
    if (blockers.length > 0) throw new BlindFirstError(blockers.join('; '));
    const entries = studyEntries(db, args.studyInstanceUid, args.localExams ?? null);
    if (entries.length < 2)
      throw new Error(
        `study ${args.studyInstanceUid} has ${entries.length} signed reading${entries.length === 1 ? '' : 's'}; a comparison needs two`,
      );
    logView(db, args.viewer, args.studyInstanceUid, args.mode, args.at);
    return { comparison: compareReadings(entries), entries };
  })();
}

export interface ReadingRef {
  readingId: string;
  version: number;
}

export interface ConsensusSource {
  origin: ReadingOrigin;
  readingId: string;
  version: number;
  sha256: string;
  author: Person;
}

/**
 * Creates the consensus draft from chosen signed readings of one study (all shown readings when
 * `sources` is omitted), through electron/reading's store (its audit records the creation), and
 * records its provenance in the same transaction. The adjudicator then edits and signs it there.
 */
export function createConsensus(
  db: Database.Database,
  args: {
    adjudicator: Person;
    studyInstanceUid: string;
    mode: ViewMode;
    readingId: string;
    at: string;
    sources?: readonly ReadingRef[];
  },
): ConsensusDraft & { sources: ConsensusSource[] } {
  return db.transaction(() => {
    const blockers = blindFirstBlockers(
      args.adjudicator,
      localReadingVersions(db, args.studyInstanceUid),
      args.mode,
    );
    if (blockers.length > 0) throw new BlindFirstError(blockers.join('; '));
    const shown = studyEntries(db, args.studyInstanceUid, null);
    // by default a new consensus is drawn from the readers, not from earlier consensus readings
    const chosen = args.sources
      ? args.sources.map((ref) => {
          const e = shown.find(
            (s) => s.reading.readingId === ref.readingId && s.reading.version === ref.version,
          );
          if (!e)
            throw new Error(
              `reading ${ref.readingId} v${ref.version} is not a signed reading shown for study ${args.studyInstanceUid}`,
            );
          return e;
        })
      : shown.filter((e) => e.origin !== 'consensus');
    const draft = draftConsensus({
      readingId: args.readingId,
      adjudicator: args.adjudicator,
      at: args.at,
      sources: chosen,
    });
    logView(db, args.adjudicator, args.studyInstanceUid, args.mode, args.at);
    createReading(db, draft.reading, args.adjudicator);
    const sources: ConsensusSource[] = chosen.map((e) => ({
      origin: e.origin,
      readingId: e.reading.readingId,
      version: e.reading.version,
      sha256: readingDigest(e.reading),
      author: e.reading.author,
    }));
    db.prepare(
      `INSERT INTO compare_consensus (reading_id, study_instance_uid, created_at, adjudicator_id, adjudicator_name, sources)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(
      args.readingId,
      args.studyInstanceUid,
      args.at,
      args.adjudicator.id,
      args.adjudicator.name,
      JSON.stringify(sources),
    );
    return { ...draft, sources };
  })();
}

export interface ConsensusProvenance {
  readingId: string;
  studyInstanceUid: string;
  createdAt: string;
  adjudicator: { id: string; name: string };
  sources: ConsensusSource[];
}

/** Where a consensus reading came from; null when the reading is not a consensus. */
export function consensusProvenance(db: Database.Database, readingId: string): ConsensusProvenance | null {
  const row = db.prepare(`SELECT * FROM compare_consensus WHERE reading_id = ?`).get(readingId) as
    | {
        reading_id: string;
        study_instance_uid: string;
        created_at: string;
        adjudicator_id: string;
        adjudicator_name: string;
        sources: string;
      }
    | undefined;
  if (!row) return null;
  return {
    readingId: row.reading_id,
    studyInstanceUid: row.study_instance_uid,
    createdAt: row.created_at,
    adjudicator: { id: row.adjudicator_id, name: row.adjudicator_name },
    sources: JSON.parse(row.sources) as ConsensusSource[],
  };
}

/**
 * The readings a reader study counts: per local reading its blind version (blindReadingOf), per
 * imported reading its latest signed version; consensus readings are returned apart.
 */
export function studyReadingSet(db: Database.Database): { readings: Reading[]; consensus: Reading[] } {
  const views = comparisonViews(db);
  const consensusIds = consensusReadingIds(db);
  const byId = new Map<string, Reading[]>();
  for (const r of localReadingVersions(db)) byId.set(r.readingId, [...(byId.get(r.readingId) ?? []), r]);
  const readings: Reading[] = [];
  const consensus: Reading[] = [];
  for (const [id, versions] of byId) {
    if (consensusIds.has(id)) {
      consensus.push(...latestSigned(versions));
      continue;
    }
    const blind = blindReadingOf(versions, views);
    if (blind) readings.push(blind);
  }
  const localIds = new Set(byId.keys());
  readings.push(
    ...latestSigned(
      importedReadings(db)
        .map((i) => i.reading)
        .filter((r) => !localIds.has(r.readingId)),
    ),
  );
  return { readings, consensus };
}
