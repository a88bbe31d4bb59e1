import type { Affine } from '../imaging/volume';

export type Vec3 = [number, number, number];

/** How stored values are laid out in one file's pixel data. */
export interface PixelFormat {
  transferSyntax: string;
  rows: number;
  columns: number;
  bitsAllocated: number;
  bitsStored: number;
  /** 0 unsigned, 1 two's complement */
  pixelRepresentation: number;
  samplesPerPixel: number;
  photometric: string;
  planarConfiguration: number;
  numberOfFrames: number;
  /** 'int' for (7FE0,0010), 'float32'/'float64' for float pixel data */
  sampleKind: 'int' | 'float32' | 'float64';
}

/** One image plane: a single-frame file or one frame of a multi-frame file. */
export interface SliceRef {
  path: string;
  frame: number;
  sopInstanceUid: string;
  instanceNumber?: number;
  position?: Vec3;
  /** row cosine (x, y, z) then column cosine (x, y, z) */
  orientation?: [number, number, number, number, number, number];
  /** [between rows, between columns] as DICOM PixelSpacing */
  pixelSpacing?: [number, number];
  rescaleSlope: number;
  rescaleIntercept: number;
  /** echo number, or in enhanced objects the effective echo time: tells echoes of one series apart */
  echo?: number;
  temporalPosition?: number;
  pixel: PixelFormat;
}

/** Acquisition parameters the sequence-role rules read, as found in the file. */
export interface SequenceParams {
  manufacturer?: string;
  seriesDescription?: string;
  protocolName?: string;
  sequenceName?: string;
  imageType: string[];
  scanningSequence: string[];
  sequenceVariant: string[];
  scanOptions: string[];
  repetitionTime?: number;
  echoTime?: number;
  inversionTime?: number;
  inversionRecovery?: boolean;
  fatSuppression?: string;
  contrastBolusAgent?: string;
  magneticFieldStrength?: number;
}

export type StackRole = 't1' | 'stir' | 't1_fs_contrast' | 'other';

export interface RoleAssessment {
  role: StackRole;
  /** 0..1: how clearly the winning role beat the runner-up */
  confidence: number;
  /** the facts that moved the score, e.g. "TI 150 ms (STIR range)" */
  evidence: string[];
}

export type OrientationLabel =
  'axial' | 'coronal' | 'sagittal' | 'oblique-axial' | 'oblique-coronal' | 'oblique-sagittal' | 'unknown';

export interface OrientationInfo {
  orientation: OrientationLabel;
  semicoronal: boolean;
  /**
   * Semicoronal stacks: rotation about the left-right axis away from true coronal. Other stacks:
   * angle between the slice normal and the nearest patient axis. Degrees, unsigned.
   */
  tiltDegrees: number;
}

/** Slices sharing orientation and in-plane geometry, sorted along the slice normal. */
export interface DicomStack extends OrientationInfo {
  seriesInstanceUid: string;
  /** position of this stack within its series (0-based), as `sij volume --stack` takes it */
  index: number;
  rows: number;
  columns: number;
  /** images in the stack, sorted along the normal */
  slices: SliceRef[];
  /** volume slot of each slice; differs from its index where missing slices leave gaps */
  sliceSlots: number[];
  /** [nx, ny, nz] of the volume this stack loads into */
  dims: [number, number, number];
  /** [col_mm, row_mm, slice_mm]; slice_mm from positions, never SliceThickness */
  spacing: [number, number, number];
  /** voxel -> LPS, row-major 4x4 */
  affine: Affine;
  normal: Vec3;
  role: RoleAssessment;
  sequence: SequenceParams;
  problems: string[];
}

export interface DicomSeries {
  seriesInstanceUid: string;
  seriesNumber?: number;
  description: string;
  modality: string;
  sopClassUid: string;
  stacks: DicomStack[];
}

export interface DicomStudy {
  studyInstanceUid: string;
  patientId: string;
  patientName: string;
  studyDate: string;
  description: string;
  series: DicomSeries[];
}

export interface SkippedFile {
  path: string;
  reason: string;
}

export interface ScanResult {
  studies: DicomStudy[];
  files: { read: number; skipped: SkippedFile[] };
}
