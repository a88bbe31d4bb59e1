import {
  acceptSuggestion,
  attachModelOutput,
  newReading,
  overrideSuggestion,
  patchReading,
  setCell,
  setJudgement,
  signReading,
  type Reading,
} from '../../../electron/reading';
import { at, exam, model, reader } from '../../unit/reading/fixtures';

/**
 * A signed reading with one accepted and one overridden suggestion. By hand: SPARCC window 2..7 has
 * BME L-UI on slices 4 (intense) and 5 -> (1 + 1) + 1 = 3; SSS slices 8..4 has one erosion (slice 5)
 * -> 1; ASAS positive (L-UI on 2 consecutive slices); not definite active (2 slices, 1 quadrant).
 */
export function signedReadingFixture(): Reading {
  let r = newReading({ readingId: 'r-1', exam, author: reader, at: at(0), blinded: false });
  r = attachModelOutput(r, model, at(1));
  r = setCell(
    r,
    { slice: 4, joint: 'left', quadrant: 'upper_ilium', lesions: ['bme'], bmeIntense: true },
    at(2),
  );
  r = setCell(r, { slice: 5, joint: 'left', quadrant: 'upper_ilium', lesions: ['bme', 'erosion'] }, at(2));
  r = patchReading(r, { sparccFirstSlice: 2, sssWindow: { transitionalSlice: 8, anteriorStep: -1 } }, at(2));
  r = acceptSuggestion(r, 'active_inflammation', at(3));
  r = acceptSuggestion(r, 'asas_bme', at(3));
  r = overrideSuggestion(
    r,
    'structural',
    { answer: 'no', reasonCode: 'mimic', reasonText: 'osteitis condensans ilii' },
    at(3),
  );
  for (const k of ['active_inflammation', 'asas_bme', 'structural'] as const)
    r = setJudgement(r, k, { confidence: 3 }, at(4));
  r = setJudgement(r, 'overall_axspa', { answer: 'yes', confidence: 2 }, at(4));
  return signReading(r, reader, at(5));
}
