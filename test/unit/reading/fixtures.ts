import type { ExamRef, ModelOutput, Person } from '../../../electron/reading';

export const T0 = '2026-11-30T10:00:00.000Z';
export const at = (minute: number) => new Date(Date.parse(T0) + minute * 60_000).toISOString();

export const reader: Person = { id: 'u-17', name: 'Dr. Ada Reader', qualification: 'Consultant radiologist' };
export const otherReader: Person = { id: 'u-18', name: 'Dr. Ben Second' };

export const exam: ExamRef = {
  studyInstanceUid: '1.2.826.0.1.3680043.8.498.1',
  accessionNumber: 'ACC42',
  studyDate: '20261130',
  patient: { id: 'PID-7', name: 'Doe^Jane', birthDate: '19900101', sex: 'F' },
  series: {
    t1: { seriesInstanceUid: '1.2.826.0.1.3680043.8.498.2', description: 'T1 TSE semicor', sliceCount: 16 },
    stir: { seriesInstanceUid: '1.2.826.0.1.3680043.8.498.3', description: 'STIR semicor', sliceCount: 16 },
  },
  imageHash: 'a'.repeat(64),
};

/** probabilities against threshold 0.5: active yes (0.81), asas no (0.32), structural yes (0.5 reaches it) */
export const model: ModelOutput = {
  modelId: 'sij-demo-synthetic',
  modelVersion: '0.1.0',
  modelName: 'SIJ Reader demonstration model',
  sha256: 'b'.repeat(64),
  clinicalUse: false,
  disclaimer: 'Demonstration model trained on synthetic data only. Not for clinical use.',
  runAt: at(1),
  tasks: [
    { key: 'active_inflammation', label: 'Active inflammatory changes', probability: 0.81, threshold: 0.5 },
    { key: 'asas_bme', label: 'ASAS BME', probability: 0.32, threshold: 0.5 },
    { key: 'structural', label: 'Structural changes', probability: 0.5, threshold: 0.5 },
  ],
};
