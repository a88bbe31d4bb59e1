import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { ApiError, type ImportReport, type StackSummary } from '../api';
import { StackVolumeLoader, type DicomStack, type DicomStudy } from '../dicom';
import type { Volume } from '../imaging/volume';
import { indexedScan, openStore, STORE_FILE, studyFileProblems } from '../store';
import { ImportRunner } from './import-runner';
import type { CatalogStudy, ImportProgress, StudyCatalog } from './ports';

const VOLUME_CACHE_SIZE = 4;

function stackId(stack: DicomStack): string {
  return `${stack.seriesInstanceUid}#${stack.index}`;
}

function summariseStack(stack: DicomStack, description: string): StackSummary {
  return {
    stackId: stackId(stack),
    seriesInstanceUid: stack.seriesInstanceUid,
    description,
    role: stack.role.role,
    roleConfidence: stack.role.confidence,
    orientation: stack.orientation,
    semicoronal: stack.semicoronal,
    tiltDegrees: Number.isFinite(stack.tiltDegrees) ? stack.tiltDegrees : null,
    rows: stack.rows,
    columns: stack.columns,
    slices: stack.dims[2],
    spacing: stack.spacing,
    problems: stack.problems,
  };
}

function studyProblems(study: DicomStudy, stacks: StackSummary[]): string[] {
  const problems: string[] = [];
  const hasRole = (role: string) => stacks.some((s) => s.role === role && s.slices >= 2);
  if (!hasRole('t1'))
    problems.push('No T1-weighted series found: structural lesions cannot be read and the model cannot run.');
  if (!hasRole('stir')) {
    problems.push(
      'No STIR / fat-suppressed fluid-sensitive series found: active inflammation cannot be read and the model cannot run.',
    );
  }
  for (const role of ['t1', 'stir'] as const) {
    const main = stacks.filter((s) => s.role === role && s.slices >= 2);
    if (main.length && !main.some((s) => s.semicoronal)) {
      problems.push(
        `The ${role.toUpperCase()} series is ${main[0].orientation}, not semicoronal: SPARCC slices cannot be counted on it and the model cannot run. Ask for a semicoronal acquisition parallel to the sacrum.`,
      );
    }
  }
  for (const s of stacks)
    for (const p of s.problems) problems.push(`${s.description || s.seriesInstanceUid}: ${p}`);
  if (study.series.length === 0) problems.push('The study has no image series.');
  return problems;
}

/** What changed on disk under a study since it was indexed, as problems a reader can act on. */
function fileProblems(db: Database.Database, studyInstanceUid: string): string[] {
  const found = studyFileProblems(db, studyInstanceUid);
  const missing = found.filter((f) => f.problem.startsWith('file is missing'));
  const changed = found.filter((f) => !f.problem.startsWith('file is missing'));
  const problems: string[] = [];
  if (missing.length) {
    problems.push(
      `${missing.length} image file(s) are missing since import (moved or deleted), e.g. ${missing[0].path}. Put them back or import the exam's new folder.`,
    );
  }
  if (changed.length) {
    problems.push(
      `${changed.length} image file(s) changed on disk since import, e.g. ${changed[0].path}. Import the folder again to read them afresh.`,
    );
  }
  return problems;
}

/**
 * Studies from the study index (electron/store) in the workstation database: a restarted host
 * lists every study imported before without parsing a file, and notices files that moved or
 * changed. Imports run in a worker thread through the same index.
 */
export class DicomCatalog implements StudyCatalog {
  private studies = new Map<string, { study: DicomStudy; source: string }>();
  private volumes = new Map<string, Promise<Volume>>();
  private readonly db: Database.Database;
  private readonly importer: ImportRunner;
  /** Started with the catalog so that the first exam opened does not wait for its threads. */
  private readonly loader = new StackVolumeLoader();
  /** Folders remembered by versions before the study index; imported once, then forgotten. */
  private readonly legacyRootsFile: string;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    const dbPath = path.join(dataDir, STORE_FILE);
    this.db = openStore(dbPath);
    this.importer = new ImportRunner(dbPath);
    this.legacyRootsFile = path.join(dataDir, 'imported-paths.json');
  }

  /** Lists the indexed studies (no file is parsed); folders only a legacy list names are queued. */
  restore(log: (line: string) => void = () => {}): void {
    const roots = (
      this.db.prepare('SELECT root FROM index_roots ORDER BY indexed_at').all() as { root: string }[]
    ).map((r) => r.root);
    for (const root of roots) this.add(indexedScan(this.db, [root]).studies, root);
    const legacy = this.legacyRoots().filter((r) => !roots.includes(r) && existsSync(r));
    if (legacy.length) {
      this.importPaths(legacy, () => {}).catch((err: unknown) =>
        log(`re-import of ${legacy.join(', ')} failed: ${err instanceof Error ? err.message : String(err)}`),
      );
    }
  }

  async list(): Promise<CatalogStudy[]> {
    return [...this.studies.values()].map(({ study, source }) => {
      const stacks = study.series.flatMap((series) =>
        series.stacks.map((st) => summariseStack(st, series.description)),
      );
      return {
        studyInstanceUid: study.studyInstanceUid,
        patientName: study.patientName,
        patientId: study.patientId,
        studyDate: study.studyDate,
        description: study.description,
        stacks,
        problems: [...studyProblems(study, stacks), ...fileProblems(this.db, study.studyInstanceUid)],
        source,
      };
    });
  }

  async importPaths(paths: string[], progress: (p: ImportProgress) => void): Promise<ImportReport> {
    const missing = paths.filter((p) => !existsSync(p));
    if (missing.length === paths.length) {
      throw new ApiError('not_found', `${missing.join(', ')} does not exist. Check the path and try again.`);
    }
    progress({ phase: 'scanning', filesDone: 0, filesTotal: null, currentPath: paths[0] });
    const resolved = paths.filter((p) => existsSync(p)).map((p) => path.resolve(p));
    const scan = await this.importer.run(resolved, (filesDone, filesTotal, file) =>
      progress({
        phase: filesDone < filesTotal ? 'scanning' : 'indexing',
        filesDone,
        filesTotal,
        currentPath: file,
      }),
    );
    this.add(scan.studies, resolved.join(', '));
    progress({ phase: 'done', filesDone: scan.files.read, filesTotal: scan.files.read, currentPath: null });
    return {
      studies: scan.studies.map((s) => s.studyInstanceUid),
      filesRead: scan.files.read,
      skipped: [...missing.map((p) => ({ path: p, reason: 'does not exist' })), ...scan.files.skipped],
    };
  }

  async loadStack(studyInstanceUid: string, id: string): Promise<Volume> {
    const entry = this.studies.get(studyInstanceUid);
    if (!entry)
      throw new ApiError('not_found', `Study ${studyInstanceUid} is not in the index; import it first.`);
    const stack = entry.study.series.flatMap((s) => s.stacks).find((st) => stackId(st) === id);
    if (!stack) throw new ApiError('not_found', `Series stack ${id} is not part of this study.`);
    const key = `${studyInstanceUid}/${id}`;
    let pending = this.volumes.get(key);
    if (!pending) {
      pending = this.loader.load(stack).catch((err: unknown) => {
        this.volumes.delete(key);
        throw new ApiError(
          'unreadable',
          `The images of ${id} could not be read (${err instanceof Error ? err.message : String(err)}). Re-import the folder; if it persists the files are damaged.`,
        );
      });
      this.volumes.set(key, pending);
      while (this.volumes.size > VOLUME_CACHE_SIZE) this.volumes.delete(this.volumes.keys().next().value!);
    }
    return pending;
  }

  /** The parsed study, for the reading form's image fingerprint and report. */
  findStudy(studyInstanceUid: string): DicomStudy | null {
    return this.studies.get(studyInstanceUid)?.study ?? null;
  }

  /** Each study with its series UIDs, for matching readings imported from other workstations. */
  localExams(): { studyInstanceUid: string; seriesInstanceUids: string[] }[] {
    return [...this.studies.values()].map(({ study }) => ({
      studyInstanceUid: study.studyInstanceUid,
      seriesInstanceUids: study.series.map((s) => s.seriesInstanceUid),
    }));
  }

  /** The patient and file paths behind a study, for the inference engine. */
  studyPaths(studyInstanceUid: string): string[] {
    const entry = this.studies.get(studyInstanceUid);
    if (!entry) return [];
    const files = entry.study.series.flatMap((s) => s.stacks.flatMap((st) => st.slices.map((sl) => sl.path)));
    return [...new Set(files)];
  }

  private add(studies: DicomStudy[], source: string): void {
    for (const study of studies) {
      const previous = this.studies.get(study.studyInstanceUid);
      this.studies.set(study.studyInstanceUid, { study, source });
      if (previous)
        for (const key of [...this.volumes.keys()])
          if (key.startsWith(study.studyInstanceUid + '/')) this.volumes.delete(key);
    }
  }

  private legacyRoots(): string[] {
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.legacyRootsFile, 'utf8'));
      return Array.isArray(parsed) ? parsed.filter((p): p is string => typeof p === 'string') : [];
    } catch {
      return [];
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.importer.close(), this.loader.close()]);
    this.db.close();
  }
}
