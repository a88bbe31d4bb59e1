import { describe, expect, it } from 'vitest';
import { compareReadings } from '../../../electron/compare';
import { ada, ben, cleo, examRef, modelOutput, signedReading } from './fixtures';

// Worked example, written out by hand. Model (threshold 0.5): active 0.8 -> yes, asas 0.3 -> no,
// structural 0.2 -> no.
// Ada: BME left upper ilium on slices 4 (intense) and 5, erosion right lower sacrum slice 6;
//      SPARCC window 3-8: slice 4 = 1 quadrant + 1 intense, slice 5 = 1 quadrant -> 3.
//      ASAS positive (one lesion on 2 consecutive slices). Overrides the model's asas "no" with "yes".
// Ben: BME left upper ilium slice 4 (not intense), erosion right lower sacrum slice 6, fat lesion
//      right lower sacrum slice 7; SPARCC 1; ASAS negative (one lesion on one slice).
const exam = examRef(1);
const model = modelOutput();
const adaReading = signedReading({
  id: 'r-ada',
  author: ada,
  exam,
  model,
  sparccFirstSlice: 3,
  grid: [
    { slice: 4, joint: 'left', quadrant: 'upper_ilium', lesions: ['bme'], bmeIntense: true },
    { slice: 5, joint: 'left', quadrant: 'upper_ilium', lesions: ['bme'] },
    { slice: 6, joint: 'right', quadrant: 'lower_sacrum', lesions: ['erosion'] },
  ],
  answers: { active_inflammation: 'yes', asas_bme: 'yes', structural: 'no', overall_axspa: 'yes' },
  override: { asas_bme: 'mimic' },
});
const benReading = signedReading({
  id: 'r-ben',
  author: ben,
  exam,
  model,
  sparccFirstSlice: 3,
  grid: [
    { slice: 4, joint: 'left', quadrant: 'upper_ilium', lesions: ['bme'] },
    { slice: 6, joint: 'right', quadrant: 'lower_sacrum', lesions: ['erosion'] },
    { slice: 7, joint: 'right', quadrant: 'lower_sacrum', lesions: ['fat_lesion'] },
  ],
  answers: { active_inflammation: 'yes', asas_bme: 'no', structural: 'no', overall_axspa: 'no' },
});

const entries = [
  { label: 'Ada', reading: adaReading, origin: 'local' as const },
  { label: 'Ben', reading: benReading, origin: 'imported' as const },
];

describe('compareReadings on a worked example', () => {
  const c = compareReadings(entries);

  it('computes each reader’s scores from their own grid with the reading rules', () => {
    expect(c.readers.map((r) => r.scores.sparcc)).toEqual([3, 1]);
    expect(c.readers.map((r) => r.scores.asasPositive)).toEqual([true, false]);
    expect(c.readers.map((r) => r.scores.sparccSlices)).toEqual([
      [3, 4, 5, 6, 7, 8],
      [3, 4, 5, 6, 7, 8],
    ]);
    expect(c.readers.map((r) => r.scores.sss)).toEqual([null, null]);
  });

  it('lists every marked grid position and says which features differ', () => {
    expect(
      c.grid.map((g) => ({
        at: `${g.slice}/${g.joint}/${g.quadrant}`,
        differs: g.differs,
        features: g.features.map((f) => `${f.feature}:${f.by.map((b) => (b ? 'x' : '-')).join('')}`),
      })),
    ).toEqual([
      { at: '4/left/upper_ilium', differs: true, features: ['bme:xx', 'bme_intense:x-'] },
      { at: '5/left/upper_ilium', differs: true, features: ['bme:x-'] },
      { at: '6/right/lower_sacrum', differs: false, features: ['erosion:xx'] },
      { at: '7/right/lower_sacrum', differs: true, features: ['fat_lesion:-x'] },
    ]);
    expect(c.pairs).toEqual([
      { a: 'Ada', b: 'Ben', cellsDiffering: 3, judgementsDiffering: ['asas_bme', 'overall_axspa'] },
    ]);
  });

  it('shows the judgements beside the model’s suggestion and who went against it', () => {
    const row = (k: string) => c.judgements.find((j) => j.key === k)!;
    expect(row('active_inflammation')).toMatchObject({ readersAgree: true, againstModel: [] });
    expect(row('active_inflammation').model).toEqual({ answer: 'yes', probability: 0.8, threshold: 0.5 });
    expect(row('asas_bme')).toMatchObject({ readersAgree: false, againstModel: ['Ada'] });
    expect(row('asas_bme').readers.map((r) => [r.answer, r.verdict])).toEqual([
      ['yes', 'override'],
      ['no', 'accept'],
    ]);
    expect(row('overall_axspa').model).toBeNull();
    expect(c.overrides).toEqual([
      {
        reader: 'Ada',
        key: 'asas_bme',
        modelAnswer: 'no',
        readerAnswer: 'yes',
        reasonCode: 'mimic',
        reasonText: 'test',
      },
    ]);
    expect(c.model).toMatchObject({ modelId: 'sij-test', modelVersion: '1.0.0' });
    expect(c.notes).toEqual([]);
  });

  it('marks a blinded reader who changed their answer after seeing the model', () => {
    const cleoReading = signedReading({
      id: 'r-cleo',
      author: cleo,
      exam,
      model,
      sparccFirstSlice: 2,
      answers: { active_inflammation: 'yes', asas_bme: 'no', structural: 'no', overall_axspa: 'no' },
      unaided: { active_inflammation: 'no', asas_bme: 'no', structural: 'no', overall_axspa: 'no' },
    });
    const c3 = compareReadings([...entries, { label: 'Cleo', reading: cleoReading, origin: 'local' }]);
    const active = c3.judgements.find((j) => j.key === 'active_inflammation')!;
    expect(active.readers[2]).toMatchObject({
      answer: 'yes',
      unassisted: { answer: 'no', confidence: 2 },
      changedAfterModel: true,
      verdict: 'accept',
    });
    expect(active.readers[0].changedAfterModel).toBe(false);
    expect(c3.pairs.map((p) => `${p.a}-${p.b}:${p.cellsDiffering}`)).toEqual([
      'Ada-Ben:3',
      'Ada-Cleo:3',
      'Ben-Cleo:3',
    ]);
    expect(c3.notes).toEqual([
      'SPARCC windows differ (Ada 3-8, Ben 3-8, Cleo 2-7): the scores are not over the same slices',
    ]);
  });

  it('refuses what cannot be compared, saying why', () => {
    expect(() => compareReadings([entries[0]])).toThrow(/at least two/);
    const other = signedReading({
      id: 'r-x',
      author: ben,
      exam: examRef(2),
      answers: { active_inflammation: 'no', asas_bme: 'no', structural: 'no', overall_axspa: 'no' },
    });
    expect(() => compareReadings([entries[0], { label: 'X', reading: other, origin: 'local' }])).toThrow(
      /different studies/,
    );
    expect(() => compareReadings([entries[0], { ...entries[1], label: 'Ada' }])).toThrow(/label 'Ada'/);
  });
});
