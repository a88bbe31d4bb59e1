import { describe, expect, it } from 'vitest';
import {
  acceptSuggestion,
  amendReading,
  attachModelOutput,
  consistencyProblems,
  newReading,
  overrideSuggestion,
  parseReading,
  readerView,
  revealModel,
  setCell,
  setJudgement,
  signBlockers,
  signReading,
  studyReadingStatus,
  suggestionFor,
  versionState,
  type Reading,
} from '../../../electron/reading';
import { at, exam, model, otherReader, reader } from './fixtures';

const fresh = (blinded = false) => newReading({ readingId: 'r-1', exam, author: reader, at: at(0), blinded });

function answerAll(r: Reading, minute: number): Reading {
  r = setJudgement(r, 'active_inflammation', { answer: 'yes', confidence: 3 }, at(minute));
  r = setJudgement(r, 'asas_bme', { answer: 'yes', confidence: 2 }, at(minute));
  r = setJudgement(r, 'structural', { answer: 'no', confidence: 4 }, at(minute));
  return setJudgement(r, 'overall_axspa', { answer: 'yes', confidence: 3 }, at(minute));
}

describe('model suggestion', () => {
  it('is yes when the probability reaches the threshold', () => {
    expect(suggestionFor(model, 'active_inflammation')?.answer).toBe('yes');
    expect(suggestionFor(model, 'asas_bme')?.answer).toBe('no');
    expect(suggestionFor(model, 'structural')?.answer).toBe('yes'); // 0.5 >= 0.5
    expect(suggestionFor(model, 'overall_axspa')).toBeNull();
    expect(suggestionFor(null, 'structural')).toBeNull();
  });
});

describe('pre-fill, accept, override', () => {
  it('pre-fills judgements 1-3 from the model, keeps the output untouched, and needs a verdict on each', () => {
    const r = attachModelOutput(fresh(), model, at(1));
    expect(r.model).toEqual(model);
    expect([
      r.judgements.active_inflammation.answer,
      r.judgements.asas_bme.answer,
      r.judgements.structural.answer,
    ]).toEqual(['yes', 'no', 'yes']);
    expect(r.judgements.overall_axspa.answer).toBeNull();
    expect(r.judgements.active_inflammation.verdict).toBeNull();
    expect(() => attachModelOutput(r, { ...model, modelVersion: '9' }, at(2))).toThrow(/never replaced/);
  });

  it('records accept and override with reason; the override answer becomes the final answer', () => {
    let r = attachModelOutput(fresh(), model, at(1));
    r = acceptSuggestion(r, 'active_inflammation', at(2));
    r = overrideSuggestion(
      r,
      'structural',
      { answer: 'no', reasonCode: 'mimic', reasonText: 'osteitis condensans ilii' },
      at(3),
    );
    expect(r.judgements.active_inflammation).toMatchObject({
      answer: 'yes',
      verdict: { kind: 'accept', at: at(2) },
    });
    expect(r.judgements.structural).toMatchObject({
      answer: 'no',
      verdict: {
        kind: 'override',
        answer: 'no',
        reasonCode: 'mimic',
        reasonText: 'osteitis condensans ilii',
      },
    });
    expect(r.model).toEqual(model);
    expect(() =>
      overrideSuggestion(r, 'asas_bme', { answer: 'yes', reasonCode: 'other', reasonText: ' ' }, at(4)),
    ).toThrow(/in words/);
    // setting only the confidence keeps answer and verdict
    const confident = setJudgement(r, 'structural', { confidence: 2 }, at(4));
    expect(confident.judgements.structural).toMatchObject({
      answer: 'no',
      confidence: 2,
      verdict: { kind: 'override' },
    });
    // changing the answer after a verdict voids it
    const changed = setJudgement(r, 'active_inflammation', { answer: 'no' }, at(5));
    expect(changed.judgements.active_inflammation.verdict).toBeNull();
    expect(signBlockers({ ...changed, judgements: { ...changed.judgements } })).toContain(
      'active_inflammation: accept or override the model suggestion',
    );
  });

  it('flags an accepted verdict whose answer disagrees with the suggestion (a tampered file)', () => {
    let r = attachModelOutput(fresh(), model, at(1));
    r = acceptSuggestion(r, 'asas_bme', at(2));
    const tampered = {
      ...r,
      judgements: { ...r.judgements, asas_bme: { ...r.judgements.asas_bme, answer: 'yes' as const } },
    };
    expect(consistencyProblems(tampered)).toEqual([
      'asas_bme: accepted but answer differs from the suggestion',
    ]);
    expect(() => parseReading(tampered, 'import.json')).toThrow(/import.json: inconsistent reading/);
  });
});

describe('blinded mode', () => {
  it('hides the model until the reader commits all four answers, then stores unassisted and final answers', () => {
    let r = attachModelOutput(fresh(true), model, at(1));
    expect(r.judgements.active_inflammation.answer).toBeNull(); // no pre-fill while blinded
    expect(readerView(r).model).toBeNull();
    expect(() => acceptSuggestion(r, 'active_inflammation', at(2))).toThrow(/no model suggestion/);
    expect(() => revealModel(r, at(2))).toThrow(
      /missing: active_inflammation, asas_bme, structural, overall_axspa/,
    );
    r = answerAll(r, 3);
    expect(signBlockers(r)).toContain('blinded reading: commit your answers and reveal the model first');
    r = revealModel(r, at(4));
    expect(readerView(r).model).toEqual(model);
    expect(r.judgements.asas_bme.unassisted).toEqual({ answer: 'yes', confidence: 2, committedAt: at(4) });
    // the reader now sees asas_bme suggested 'no' and accepts it: unassisted yes, final no
    r = acceptSuggestion(r, 'asas_bme', at(5));
    r = acceptSuggestion(r, 'active_inflammation', at(5));
    r = overrideSuggestion(r, 'structural', { answer: 'no', reasonCode: 'artifact', reasonText: '' }, at(5));
    expect(r.judgements.asas_bme.unassisted?.answer).toBe('yes');
    expect(r.judgements.asas_bme.answer).toBe('no');
    expect(signBlockers(r)).toEqual([]);
  });
});

describe('lifecycle draft -> signed -> amended', () => {
  it('signs only a complete draft, then refuses edits, and amends into a new version pointing to the old', () => {
    let r = fresh();
    expect(signBlockers(r)).toHaveLength(8);
    expect(() => signReading(r, reader, at(9))).toThrow(
      /cannot sign reading r-1 v1: active_inflammation: no answer/,
    );
    r = answerAll(r, 1);
    r = setCell(r, { slice: 4, joint: 'left', quadrant: 'upper_ilium', lesions: ['bme'] }, at(2));
    const signed = signReading(r, reader, at(3));
    expect(signed).toMatchObject({ status: 'signed', signer: reader, signedAt: at(3), version: 1 });
    expect(versionState(signed, false)).toBe('signed');
    expect(() =>
      setCell(signed, { slice: 5, joint: 'left', quadrant: 'upper_ilium', lesions: ['bme'] }, at(4)),
    ).toThrow(/signed and cannot be changed/);
    expect(() => signReading(signed, reader, at(4))).toThrow(/only a draft/);
    expect(() => amendReading(signed, otherReader, '', at(5))).toThrow(/needs a reason/);
    const v2 = amendReading(signed, otherReader, 'missed erosion', at(5));
    expect(v2).toMatchObject({
      version: 2,
      status: 'draft',
      amendsVersion: 1,
      amendmentReason: 'missed erosion',
      signer: null,
    });
    expect(v2.grid).toEqual(signed.grid);
    expect(versionState(signed, true)).toBe('amended');
    expect(versionState(v2, false)).toBe('draft');
    expect(() => amendReading(v2, reader, 'x', at(6))).toThrow(/is a draft/);
    expect(parseReading(JSON.parse(JSON.stringify(v2)), 'v2')).toEqual(v2);
  });
});

describe('schema validation', () => {
  it('names the source and the failing field', () => {
    const bad = {
      ...fresh(),
      grid: [{ slice: 1, joint: 'middle', quadrant: 'upper_ilium', lesions: ['bme'] }],
    };
    expect(() => parseReading(bad, 'package.json')).toThrow(
      /package.json: not a valid sij-reading\/1 reading: grid.0.joint/,
    );
    expect(() => parseReading({ ...fresh(), schema: 'sij-reading/0' }, 'old.json')).toThrow(
      /old.json: .*schema/,
    );
    expect(() =>
      parseReading(
        {
          ...fresh(),
          judgements: {
            ...fresh().judgements,
            overall_axspa: { answer: 'yes', confidence: 7, unassisted: null, verdict: null },
          },
        },
        'x',
      ),
    ).toThrow(/judgements.overall_axspa.confidence/);
    const signedWithoutSigner = { ...fresh(), status: 'signed' };
    expect(() => parseReading(signedWithoutSigner, 'y')).toThrow(/signed without signer/);
  });
});

describe('study reading status for the worklist (worked examples)', () => {
  it('is unread without readings, draft while unsigned, signed once a current version is signed', () => {
    expect(studyReadingStatus([])).toBe('unread');
    expect(studyReadingStatus(['draft'])).toBe('draft');
    expect(studyReadingStatus(['signed'])).toBe('signed');
    // Reader A signed, reader B is still drafting a second opinion: the report exists.
    expect(studyReadingStatus(['signed', 'draft'])).toBe('signed');
    // Version 1 amended, version 2 is the unsigned amendment: no current signed report.
    expect(studyReadingStatus(['amended', 'draft'])).toBe('draft');
    expect(studyReadingStatus(['amended', 'signed'])).toBe('signed');
  });
});
