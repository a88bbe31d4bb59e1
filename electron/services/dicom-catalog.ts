import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ApiError, type ImportReport, type StackSummary } from '../api';
import { loadStackVolume, scanPaths, type DicomStack, type DicomStudy } from '../dicom';
import type { Volume } from '../imaging/volume';
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
  for (const s of stacks)
    for (const p of s.problems) problems.push(`${s.description || s.seriesInstanceUid}: ${p}`);
  if (study.series.length === 0) problems.push('The study has no image series.');
  return problems;
}

/**
 * Studies found by the DICOM ingest, kept for this session; the folders imported are remembered
 * in the data directory and scanned again on the next start.
 */
export class DicomCatalog implements StudyCatalog {
  private studies = new Map<string, { study: DicomStudy; source: string }>();
  private volumes = new Map<string, Promise<Volume>>();
  private readonly rootsFile: string;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.rootsFile = path.join(dataDir, 'imported-paths.json');
  }

  /** Re-reads the folders imported in earlier sessions that still exist. */
  restore(): void {
    const roots = this.roots().filter((r) => existsSync(r));
    if (roots.length) this.add(scanPaths(roots).studies, roots.join(', '));
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
        problems: studyProblems(study, stacks),
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
    const scan = scanPaths(paths.filter((p) => existsSync(p)));
    progress({
      phase: 'indexing',
      filesDone: scan.files.read,
      filesTotal: scan.files.read,
      currentPath: null,
    });
    const resolved = paths.map((p) => path.resolve(p));
    this.add(scan.studies, resolved.join(', '));
    if (scan.studies.length) this.remember(resolved);
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
      pending = loadStackVolume(stack).catch((err: unknown) => {
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

  private roots(): string[] {
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.rootsFile, 'utf8'));
      return Array.isArray(parsed) ? parsed.filter((p): p is string => typeof p === 'string') : [];
    } catch {
      return [];
    }
  }

  private remember(paths: string[]): void {
    const roots = [...new Set([...this.roots(), ...paths])];
    writeFileSync(this.rootsFile, JSON.stringify(roots, null, 2));
  }
}
