import { describe, expect, it } from 'vitest';
import { blindFirstBlockers, blindReadingOf } from '../../../electron/compare';
import { amendReading, newReading, signReading } from '../../../electron/reading';
import { ada, at, ben, examRef, signedReading } from './fixtures';

const exam = examRef(1);
const answers = {
  active_inflammation: 'yes',
  asas_bme: 'no',
  structural: 'no',
  overall_axspa: 'yes',
} as const;

describe('blind first', () => {
  const adaSigned = signedReading({ id: 'r-ada', author: ada, exam, answers });
  const adaDraft = newReading({ readingId: 'r-ada', exam, author: ada, at: at(0), blinded: false });

  it('lets a reader see others only once their own reading is signed', () => {
    expect(blindFirstBlockers(ada, [], 'reader')).toEqual([
      "Ada has no reading of this study: read and sign it before seeing others' readings",
    ]);
    expect(blindFirstBlockers(ada, [adaDraft], 'reader')).toEqual([
      "Ada's reading of this study is not signed yet: sign it before seeing others' readings",
    ]);
    expect(blindFirstBlockers(ada, [adaSigned], 'reader')).toEqual([]);
    // somebody else's signed reading does not open the door for Ada
    expect(blindFirstBlockers(ben, [adaSigned], 'reader')).toHaveLength(1);
  });

  it('lets an adjudicator in only when they have no reading of the study', () => {
    expect(blindFirstBlockers(ben, [adaSigned], 'adjudicator')).toEqual([]);
    expect(blindFirstBlockers(ada, [adaSigned], 'adjudicator')[0]).toMatch(/views it as a reader/);
  });

  it('counts as blind the latest version signed before the author first opened a comparison', () => {
    const v1 = adaSigned; // signed at minute 5
    const v2 = signReading(amendReading(v1, ada, 'typo', at(30)), ada, at(31));
    const view = (minute: number) => ({
      studyInstanceUid: exam.studyInstanceUid,
      viewerId: ada.id,
      mode: 'reader' as const,
      at: at(minute),
    });
    expect(blindReadingOf([v1, v2], [])?.version).toBe(2);
    expect(blindReadingOf([v1, v2], [view(10)])?.version).toBe(1);
    expect(blindReadingOf([v1, v2], [view(40), view(10)])?.version).toBe(1);
    // a view by somebody else, or of another study, does not count against Ada
    expect(blindReadingOf([v1, v2], [{ ...view(10), viewerId: ben.id }])?.version).toBe(2);
    expect(blindReadingOf([v1, v2], [{ ...view(10), studyInstanceUid: '9.9' }])?.version).toBe(2);
    expect(blindReadingOf([adaDraft], [])).toBeNull();
  });
});
