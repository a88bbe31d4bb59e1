import { describe, expect, it } from 'vitest';
import { draftConsensus } from '../../../electron/compare';
import { signBlockers, type Person } from '../../../electron/reading';
import { ada, at, ben, cleo, examRef, modelOutput, signedReading } from './fixtures';

const exam = examRef(1);
const judge: Person = { id: 'u-dora', name: 'Dora' };
// Worked example: a strict majority of the sources decides each grid feature and each judgement.
const a = signedReading({
  id: 'r-a',
  author: ada,
  exam,
  model: modelOutput(),
  sparccFirstSlice: 3,
  grid: [
    { slice: 4, joint: 'left', quadrant: 'upper_ilium', lesions: ['bme'], bmeIntense: true },
    { slice: 5, joint: 'left', quadrant: 'upper_ilium', lesions: ['bme'] },
  ],
  answers: { active_inflammation: 'yes', asas_bme: 'yes', structural: 'no', overall_axspa: 'yes' },
});
const b = signedReading({
  id: 'r-b',
  author: ben,
  exam,
  sparccFirstSlice: 3,
  grid: [
    { slice: 4, joint: 'left', quadrant: 'upper_ilium', lesions: ['bme'] },
    { slice: 6, joint: 'right', quadrant: 'lower_sacrum', lesions: ['erosion'] },
  ],
  answers: { active_inflammation: 'yes', asas_bme: 'no', structural: 'no', overall_axspa: 'no' },
});
const c = signedReading({
  id: 'r-c',
  author: cleo,
  exam,
  grid: [
    { slice: 4, joint: 'left', quadrant: 'upper_ilium', lesions: ['bme'], bmeIntense: true },
    { slice: 6, joint: 'right', quadrant: 'lower_sacrum', lesions: ['erosion'] },
  ],
  answers: { active_inflammation: 'no', asas_bme: 'yes', structural: 'yes', overall_axspa: 'yes' },
});
const src = (label: string, reading: typeof a) => ({ label, reading });

describe('draftConsensus', () => {
  it('takes what at least 2 of 3 readers marked and answered', () => {
    const d = draftConsensus({
      readingId: 'cons-1',
      adjudicator: judge,
      at: at(60),
      sources: [src('Ada', a), src('Ben', b), src('Cleo', c)],
    });
    expect(d.reading.grid).toEqual([
      { slice: 4, joint: 'left', quadrant: 'upper_ilium', lesions: ['bme'], bmeIntense: true },
      { slice: 6, joint: 'right', quadrant: 'lower_sacrum', lesions: ['erosion'] },
    ]);
    expect(
      Object.fromEntries(Object.entries(d.reading.judgements).map(([k, j]) => [k, [j.answer, j.confidence]])),
    ).toEqual({
      active_inflammation: ['yes', null],
      asas_bme: ['yes', null],
      structural: ['no', null],
      overall_axspa: ['yes', null],
    });
    expect(d.undecidedCells).toEqual([]);
    expect(d.undecidedJudgements).toEqual([]);
    // Cleo set no SPARCC window: the adjudicator chooses it
    expect(d.undecidedWindows).toEqual(['sparcc']);
    expect(d.reading.sparccFirstSlice).toBeNull();
  });

  it('is a new draft by the adjudicator that names its sources and cannot be signed before they decide', () => {
    const d = draftConsensus({
      readingId: 'cons-1',
      adjudicator: judge,
      at: at(60),
      sources: [src('Ada', a), src('Ben', b), src('Cleo', c)],
    });
    expect(d.reading).toMatchObject({
      readingId: 'cons-1',
      version: 1,
      status: 'draft',
      author: judge,
      model: null,
      blinded: false,
    });
    expect(d.reading.exam).toEqual(exam);
    expect(d.reading.comment).toBe(
      'Consensus reading adjudicated by Dora from Ada (r-a v1), Ben (r-b v1), Cleo (r-c v1).',
    );
    expect(signBlockers(d.reading)).toEqual([
      'active_inflammation: no confidence',
      'asas_bme: no confidence',
      'structural: no confidence',
      'overall_axspa: no confidence',
    ]);
  });

  it('leaves ties to the adjudicator and lists them', () => {
    const d = draftConsensus({
      readingId: 'cons-2',
      adjudicator: judge,
      at: at(60),
      sources: [src('Ada', a), src('Ben', b)],
    });
    expect(d.reading.grid).toEqual([{ slice: 4, joint: 'left', quadrant: 'upper_ilium', lesions: ['bme'] }]);
    expect(d.undecidedCells.map((u) => `${u.slice}/${u.joint}/${u.quadrant}:${u.feature}`)).toEqual([
      '4/left/upper_ilium:bmeIntense',
      '5/left/upper_ilium:bme',
      '6/right/lower_sacrum:erosion',
    ]);
    expect(d.undecidedJudgements).toEqual(['asas_bme', 'overall_axspa']);
    expect(d.reading.judgements.asas_bme.answer).toBeNull();
    expect(d.reading.sparccFirstSlice).toBe(3);
  });

  it('refuses fewer than two sources or sources of different studies', () => {
    expect(() =>
      draftConsensus({ readingId: 'x', adjudicator: judge, at: at(0), sources: [src('Ada', a)] }),
    ).toThrow(/at least two/);
    const other = { ...b, exam: examRef(2) };
    expect(() =>
      draftConsensus({
        readingId: 'x',
        adjudicator: judge,
        at: at(0),
        sources: [src('Ada', a), src('B', other)],
      }),
    ).toThrow(/different studies/);
  });
});
