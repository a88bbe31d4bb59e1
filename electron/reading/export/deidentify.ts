import { createHash } from 'node:crypto';
import { JUDGEMENT_KEYS, type Judgement, type Reading } from '../schema';

/** What a de-identified export shows in place of a free-text field that had content. */
export const REDACTED_TEXT = '[free text removed for de-identification]';

/** Ages above this are exported as this (HIPAA Safe Harbor: ages over 89 are one group). */
export const MAX_EXPORTED_AGE = 90;

const redact = (text: string): string => (text.trim() === '' ? text : REDACTED_TEXT);

/**
 * Free text and patient-linked dates, field by field (docs/READING_FORM.md, "De-identification"):
 * anything typed can name a patient, a relative or a place, and no filter finds every name, so
 * typed text goes; codes, flags and numbers stay.
 * - override reason text: removed (the reason code stays);
 * - reading comment, other-artifact note, amendment reason: removed;
 * - study description (typed at registration): dropped; series descriptions (scanner protocol
 *   names) stay;
 * - clinical context: the delivery date is a date of the patient's life and is dropped (the
 *   form's "recent delivery" mimic hint is lost with it); age is capped at 90; sex, HLA-B27,
 *   CRP and heavy training stay;
 * - reader and signer: kept; they are the report's authors, not the patient.
 */
export function redactFreeText(r: Reading): Reading {
  const judgements = { ...r.judgements };
  for (const key of JUDGEMENT_KEYS) {
    const j: Judgement = judgements[key];
    if (j.verdict?.kind === 'override')
      judgements[key] = { ...j, verdict: { ...j.verdict, reasonText: redact(j.verdict.reasonText) } };
  }
  return {
    ...r,
    judgements,
    comment: redact(r.comment),
    amendmentReason: r.amendmentReason === null ? null : redact(r.amendmentReason),
    quality: { ...r.quality, otherArtifact: redact(r.quality.otherArtifact) },
    context: {
      ...r.context,
      age: r.context.age === null ? null : Math.min(r.context.age, MAX_EXPORTED_AGE),
      recentDeliveryDate: null,
    },
  };
}

/**
 * Pseudonymises a reading for export: patient name, id and birth date, accession number, study
 * date and institution are removed or replaced, and every DICOM UID is mapped to a stable
 * 2.25 UID (same input and salt -> same output, so exports of one study still match each other).
 * Free text and patient-linked dates are removed as redactFreeText says.
 */
export function deidentifyReading(r: Reading, salt: string): Reading {
  const pseudo = (s: string) => createHash('sha256').update(`${salt}\u0000${s}`).digest();
  const uid = (u: string) => deidentifiedUid(u, salt);
  const patientKey = r.exam.patient.id ?? r.exam.patient.name ?? r.exam.studyInstanceUid;
  const series = (s: Reading['exam']['series']['t1']) =>
    s && { ...s, seriesInstanceUid: uid(s.seriesInstanceUid) };
  return {
    ...redactFreeText(r),
    exam: {
      studyInstanceUid: uid(r.exam.studyInstanceUid),
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
