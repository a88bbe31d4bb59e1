import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DicomStack, DicomStudy } from '../../../electron/dicom';

/**
 * A scanned study as the reading service reads it (stack roles, dims, slice files): T1 and STIR
 * series `<uid>.1` and `<uid>.2` over small placeholder files in `dir`, whose bytes the image
 * fingerprint hashes (rewrite one to simulate changed images).
 */
export function scannedStudy(uid: string, dir: string, slices = 3): { study: DicomStudy; files: string[] } {
  const files = Array.from({ length: slices }, (_, n) => {
    const f = path.join(dir, `IM${n + 1}.dcm`);
    writeFileSync(f, `image ${n + 1}`);
    return f;
  });
  const stack = (seriesUid: string, role: 't1' | 'stir') =>
    ({
      seriesInstanceUid: seriesUid,
      dims: [4, 4, slices],
      role: { role, confidence: 0.9, evidence: [] },
      slices: files.map((p, n) => ({ path: p, sopInstanceUid: `${seriesUid}.${n}` })),
    }) as unknown as DicomStack;
  const study: DicomStudy = {
    studyInstanceUid: uid,
    patientId: 'P1',
    patientName: 'Doe^J',
    studyDate: '20260101',
    description: 'SIJ',
    series: (['t1', 'stir'] as const).map((role, n) => ({
      seriesInstanceUid: `${uid}.${n + 1}`,
      description: role === 't1' ? 'T1' : 'STIR',
      modality: 'MR',
      sopClassUid: '1.2.840.10008.5.1.4.1.1.4',
      stacks: [stack(`${uid}.${n + 1}`, role)],
    })),
  };
  return { study, files };
}

/** A cached model result for the pre-fill: active yes, ASAS BME no, structural yes at its threshold. */
export const modelResult = {
  model: {
    id: 'm',
    version: '1',
    sha256: 'c'.repeat(64),
    name: 'Demo',
    clinicalUse: false,
    disclaimer: 'Not for clinical use.',
  },
  tasks: [
    { key: 'active_inflammation', label: 'a', probability: 0.9, threshold: 0.5 },
    { key: 'asas_bme', label: 'b', probability: 0.2, threshold: 0.5 },
    { key: 'structural', label: 'c', probability: 0.7, threshold: 0.6 },
  ],
  completedAt: '2026-11-30T10:00:00.000Z',
};
