import type { ImportReport, InferenceResult, StudySummary, TaskKey } from '../api';
import type { LocalExam } from '../compare';
import type { DicomStudy } from '../dicom';
import type { Volume } from '../imaging/volume';

/** A study as the catalog knows it; model and reading status are added by the services. */
export type CatalogStudy = Omit<StudySummary, 'modelStatus' | 'readingStatus'>;

export interface ImportProgress {
  phase: 'scanning' | 'indexing' | 'done';
  filesDone: number;
  filesTotal: number | null;
  currentPath: string | null;
}

/** Ingest and study index (electron/dicom + electron/store) as the services need them. */
export interface StudyCatalog {
  list(): Promise<CatalogStudy[]>;
  importPaths(paths: string[], progress: (p: ImportProgress) => void): Promise<ImportReport>;
  loadStack(studyInstanceUid: string, stackId: string): Promise<Volume>;
  /** The parsed study (reading form: image fingerprint, report key images). */
  findStudy(studyInstanceUid: string): DicomStudy | null;
  /** Studies with their series UIDs (matching readings imported from other workstations). */
  localExams(): LocalExam[];
}

export interface ModelStatus {
  available: boolean;
  reason: string | null;
  model: InferenceResult['model'] | null;
}

export interface InferenceOutput {
  result: Omit<InferenceResult, 'studyInstanceUid' | 'completedAt'>;
  /** Grad-CAM per task and sequence, each in the patient space of the stack it belongs to. */
  cams: Map<`${TaskKey}/${'t1' | 'stir'}`, Volume>;
}

/** The inference pipeline (electron/inference) as the services need it. */
export interface InferenceEngine {
  status(): Promise<ModelStatus>;
  run(
    study: CatalogStudy,
    loadStack: (stackId: string) => Promise<Volume>,
    progress: (stage: string, fraction: number) => void,
  ): Promise<InferenceOutput>;
}
