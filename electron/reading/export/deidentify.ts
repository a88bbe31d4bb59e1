import { createHash } from 'node:crypto';
import type { Reading } from '../schema';

/**
 * Pseudonymises a reading for export: patient name, id and birth date, accession number, study
 * date and institution are removed or replaced, and every DICOM UID is mapped to a stable
 * 2.25 UID (same input and salt -> same output, so exports of one study still match each other).
 * Clinical context the reading needs (age, sex, HLA-B27, CRP) is kept; free text is kept too and
 * is the reader's responsibility (the form says so).
 */
export function deidentifyReading(r: Reading, salt: string): Reading {
  const pseudo = (s: string) => createHash('sha256').update(`${salt}\u0000${s}`).digest();
  const uid = (u: string) => deidentifiedUid(u, salt);
  const patientKey = r.exam.patient.id ?? r.exam.patient.name ?? r.exam.studyInstanceUid;
  const series = (s: Reading['exam']['series']['t1']) =>
    s && { ...s, seriesInstanceUid: uid(s.seriesInstanceUid) };
  return {
    ...r,
    exam: {
      studyInstanceUid: uid(r.exam.studyInstanceUid),
      studyDescription: r.exam.studyDescription,
      patient: {
        id: `ANON-${pseudo(patientKey).subarray(0, 5).toString('hex').toUpperCase()}`,
        name: 'Anonymous',
        sex: r.exam.patient.sex,
      },
      series: { t1: series(r.exam.series.t1), stir: series(r.exam.series.stir) },
      imageHash: r.exam.imageHash,
    },
  };
}

/** Maps one UID the same way deidentifyReading does (for the SR's evidence references). */
export function deidentifiedUid(u: string, salt: string): string {
  const h = createHash('sha256').update(`${salt}\u0000${u}`).digest();
  return `2.25.${BigInt('0x' + h.subarray(0, 16).toString('hex')).toString()}`;
}
