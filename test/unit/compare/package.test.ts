import { describe, expect, it } from 'vitest';
import { matchExam, parseReadingPackage } from '../../../electron/compare';
import { deidentifyReading, exportReadingJson, newReading } from '../../../electron/reading';
import { ada, at, examRef, signedReading } from './fixtures';

const answers = {
  active_inflammation: 'yes',
  asas_bme: 'no',
  structural: 'no',
  overall_axspa: 'yes',
} as const;
const good = signedReading({ id: 'r-1', author: ada, exam: examRef(1), answers });

describe('parseReadingPackage', () => {
  it('accepts one signed reading or an array of them, naming each entry', () => {
    expect(parseReadingPackage(JSON.stringify(good), 'a.json').map((p) => p.source)).toEqual(['a.json']);
    const two = parseReadingPackage(JSON.stringify([good, { ...good, readingId: 'r-2' }]), 'b.json');
    expect(two.map((p) => [p.source, p.reading.readingId])).toEqual([
      ['b.json [0]', 'r-1'],
      ['b.json [1]', 'r-2'],
    ]);
    expect(two[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(two[0].sha256).not.toBe(two[1].sha256);
  });

  it('rejects text that is not JSON, naming the file', () => {
    expect(() => parseReadingPackage('{"schema": ', 'pkg.json')).toThrow(/^pkg\.json: not JSON/);
  });

  it('rejects a wrong schema id, a missing field and a bad value, naming file and field', () => {
    expect(() => parseReadingPackage(JSON.stringify({ ...good, schema: 'other/9' }), 'p.json')).toThrow(
      /^p\.json: not a valid sij-reading\/1 reading: schema:/,
    );
    const { exam: _exam, ...noExam } = good;
    expect(() => parseReadingPackage(JSON.stringify(noExam), 'p.json')).toThrow(/^p\.json: .*exam:/);
    const badConfidence = {
      ...good,
      judgements: { ...good.judgements, asas_bme: { ...good.judgements.asas_bme, confidence: 9 } },
    };
    expect(() => parseReadingPackage(JSON.stringify([good, badConfidence]), 'p.json')).toThrow(
      /^p\.json \[1\]: .*judgements\.asas_bme\.confidence/,
    );
  });

  it('rejects a reading whose fields contradict each other (a hand-edited file)', () => {
    const forged = { ...good, signer: null };
    expect(() => parseReadingPackage(JSON.stringify(forged), 'f.json')).toThrow(
      /^f\.json: inconsistent reading: signed without signer/,
    );
  });

  it('rejects a draft: only signed readings travel', () => {
    const draft = newReading({ readingId: 'd-1', exam: examRef(1), author: ada, at: at(0), blinded: false });
    expect(() => parseReadingPackage(JSON.stringify(draft), 'd.json')).toThrow(
      'd.json: reading d-1 v1 is a draft; only signed readings can be imported',
    );
  });

  it('reads electron/reading’s JSON export, re-checking its scores against the grid', () => {
    const exported = exportReadingJson(good, {
      exportedAt: at(9),
      softwareVersion: '0.1.0',
      deidentified: false,
    });
    const [p] = parseReadingPackage(JSON.stringify(exported), 'x.json');
    expect(p.reading).toEqual(good);
    expect(p.deidentified).toBe(false);
    // a bare document and its export envelope are the same reading
    expect(p.sha256).toBe(parseReadingPackage(JSON.stringify(good), 'g.json')[0].sha256);
    const tampered = { ...exported, scores: { ...exported.scores, berlin: 7 } };
    expect(() => parseReadingPackage(JSON.stringify([exported, tampered]), 'x.json')).toThrow(
      /^x\.json \[1\]: the scores in the file do not match its lesion grid/,
    );
  });

  it('marks a de-identified export, whose pseudonymised UIDs match no local exam', () => {
    const pseudo = deidentifyReading(good, 'salt');
    const exported = exportReadingJson(pseudo, {
      exportedAt: at(9),
      softwareVersion: '0.1.0',
      deidentified: true,
    });
    const [p] = parseReadingPackage(JSON.stringify(exported), 'd.json');
    expect(p.deidentified).toBe(true);
    const e = examRef(1);
    const local = [
      {
        studyInstanceUid: e.studyInstanceUid,
        seriesInstanceUids: [e.series.t1!.seriesInstanceUid, e.series.stir!.seriesInstanceUid],
      },
    ];
    expect(matchExam(p.reading, local).status).toBe('absent');
    expect(matchExam(good, local).status).toBe('matched');
  });

  it('rejects an empty package', () => {
    expect(() => parseReadingPackage('[]', 'e.json')).toThrow('e.json: the package holds no readings');
  });
});

describe('matchExam', () => {
  const e = examRef(1);
  const t1 = e.series.t1!.seriesInstanceUid;
  const stir = e.series.stir!.seriesInstanceUid;

  it('matches study and series by UID', () => {
    expect(
      matchExam(good, [{ studyInstanceUid: e.studyInstanceUid, seriesInstanceUids: [stir, t1, '9.9'] }]),
    ).toMatchObject({
      status: 'matched',
      missingSeries: [],
    });
  });

  it('flags a study present without a series the reader read', () => {
    const m = matchExam(good, [{ studyInstanceUid: e.studyInstanceUid, seriesInstanceUids: [t1] }]);
    expect(m).toMatchObject({ status: 'series_missing', missingSeries: [stir] });
    expect(m.note).toContain(stir);
  });

  it('flags an absent study, keeping what it referenced', () => {
    const m = matchExam(good, [
      { studyInstanceUid: examRef(2).studyInstanceUid, seriesInstanceUids: [t1, stir] },
    ]);
    expect(m).toMatchObject({ status: 'absent', missingSeries: [t1, stir] });
    expect(m.note).toContain('not on this workstation');
  });
});
