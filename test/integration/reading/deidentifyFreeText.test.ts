import { describe, expect, it } from 'vitest';
import {
  REDACTED_TEXT,
  buildReadingSr,
  deidentifyReading,
  exportReadingJson,
  patchReading,
  renderReportHtml,
  reportContent,
  type Reading,
} from '../../../electron/reading';
import { at, exam } from '../../unit/reading/fixtures';
import { signedReadingFixture } from './signedFixture';

/** Identity a reader might type into any free-text field; none of it may leave in a de-identified export. */
const typed = {
  override: 'osteitis condensans ilii, Mrs Doe is 3 months postpartum (husband Joe Doe)',
  comment: 'Discussed with Dr Who at St Mary Hospital; patient Jane Doe, phone 0171 555 0199',
  artifact: 'motion, Jane Doe could not keep still',
  amendment: 'Jane Doe brought outside films from 2025-04-01',
};

function readingWithTypedIdentity(): Reading {
  const signed = signedReadingFixture();
  const structural = signed.judgements.structural;
  if (structural.verdict?.kind !== 'override') throw new Error('fixture: structural must be overridden');
  const draft = patchReading(
    { ...signed, status: 'draft', signer: null, signedAt: null },
    {
      comment: typed.comment,
      quality: { ...signed.quality, otherArtifact: typed.artifact },
      context: { ...signed.context, age: 93, sex: 'female', recentDeliveryDate: '2026-08-14', crpMgPerL: 12 },
    },
    at(6),
  );
  return {
    ...draft,
    status: 'signed',
    signer: signed.signer,
    signedAt: at(7),
    version: 2,
    amendsVersion: 1,
    amendmentReason: typed.amendment,
    exam: { ...exam, studyDescription: 'MRT ISG Jane Doe nachkontrolle' },
    judgements: {
      ...draft.judgements,
      structural: { ...structural, verdict: { ...structural.verdict, reasonText: typed.override } },
    },
  };
}

const sources = [
  {
    seriesInstanceUid: exam.series.t1!.seriesInstanceUid,
    sopClassUid: '1.2.840.10008.5.1.4.1.1.4',
    sopInstanceUid: `${exam.series.t1!.seriesInstanceUid}.1`,
  },
];

function everyExport(r: Reading, salt?: string): string {
  const json = JSON.stringify(
    exportReadingJson(r, { exportedAt: at(9), softwareVersion: '0.1.0', deidentified: salt !== undefined }),
  );
  const html = renderReportHtml(reportContent(r, []));
  const sr = buildReadingSr(r, {
    sourceInstances: sources,
    exportedAt: at(9),
    softwareVersion: '0.1.0',
    deidentifySalt: salt,
  }).toString('latin1');
  return [json, html, sr].join('\n');
}

describe('de-identification removes typed identity from every export', () => {
  const r = readingWithTypedIdentity();

  it('without de-identification the typed text is there (the check below can fail)', () => {
    const all = everyExport(r);
    for (const text of [typed.comment, typed.artifact, typed.amendment]) expect(all).toContain(text);
    expect(all).toContain('Mrs Doe is 3 months postpartum');
  });

  it('de-identified JSON, HTML report and SR carry none of it; codes, flags and numbers stay', () => {
    const d = deidentifyReading(r, 'salt-7');
    const all = everyExport(d, 'salt-7');
    for (const fragment of [
      'Jane Doe',
      'Joe Doe',
      'Mrs Doe',
      'Dr Who',
      'St Mary',
      '0171 555',
      '2026-08-14',
      'nachkontrolle',
      '2025-04-01',
    ])
      expect(all).not.toContain(fragment);
    const verdict = d.judgements.structural.verdict;
    expect(verdict).toMatchObject({
      kind: 'override',
      answer: 'no',
      reasonCode: 'mimic',
      reasonText: REDACTED_TEXT,
    });
    expect(d.comment).toBe(REDACTED_TEXT);
    expect(d.quality.otherArtifact).toBe(REDACTED_TEXT);
    expect(d.amendmentReason).toBe(REDACTED_TEXT);
    expect(d.context).toEqual({ ...r.context, age: 90, recentDeliveryDate: null });
    expect(d.exam.studyDescription).toBeUndefined();
    expect(d.exam.series.t1?.description).toBe(exam.series.t1!.description);
    expect(d.grid).toEqual(r.grid);
    expect(d.signer).toEqual(r.signer);
    expect(all).toContain(REDACTED_TEXT);
  });

  it('empty free text stays empty rather than announcing a removal', () => {
    const d = deidentifyReading(signedReadingFixture(), 'salt-7');
    expect(d.comment).toBe('');
    expect(d.quality.otherArtifact).toBe('');
    expect(d.amendmentReason).toBeNull();
  });
});
