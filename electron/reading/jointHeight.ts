import { QUADRANTS, type Joint, type JointHalf, type Quadrant } from './grid';

/**
 * The SPARCC joint-height rule (spa-imaging.org, "Grading sacroiliitis"): on a slice where the
 * vertical height of the joint is under 1 cm the joint is not scored; from 1 cm to under 3 cm only
 * its upper quadrants are; from 3 cm it is divided into upper and lower quadrants. A slice/joint
 * without a recorded height is scored in full (the reader did not invoke the rule).
 */
export const MIN_SCORED_HEIGHT_MM = 10;
export const FULL_QUADRANTS_HEIGHT_MM = 30;

export interface JointHeight {
  slice: number;
  joint: Joint;
  heightMm: number;
}

export function scorableQuadrants(heightMm: number | undefined): readonly Quadrant[] {
  if (heightMm === undefined) return QUADRANTS;
  if (heightMm < MIN_SCORED_HEIGHT_MM) return [];
  if (heightMm < FULL_QUADRANTS_HEIGHT_MM) return ['upper_ilium', 'upper_sacrum'];
  return QUADRANTS;
}

export type ScorableLookup = (slice: number, joint: Joint, quadrant: Quadrant) => boolean;

export function scorableLookup(heights: readonly JointHeight[] | undefined): ScorableLookup {
  const bySliceJoint = new Map<string, number>();
  for (const h of heights ?? []) bySliceJoint.set(`${h.slice}/${h.joint}`, h.heightMm);
  return (slice, joint, quadrant) =>
    scorableQuadrants(bySliceJoint.get(`${slice}/${joint}`)).includes(quadrant);
}

/**
 * Which quadrants a lesion placed in a view occupies. Positions are millimetres along the joint's
 * cranio-caudal axis on that slice (larger = more caudal). The joint is split at half its height;
 * a lesion crossing that line occupies both the upper and the lower quadrant of its bone, and a
 * lesion straddling the joint line occupies both bones.
 */
export function quadrantsOfLesion(args: {
  jointTopMm: number;
  jointBottomMm: number;
  lesionTopMm: number;
  lesionBottomMm: number;
  bones: readonly ('ilium' | 'sacrum')[];
}): Quadrant[] {
  const { jointTopMm, jointBottomMm, bones } = args;
  if (!(jointBottomMm > jointTopMm)) throw new Error('joint bottom must be caudal to joint top');
  const top = Math.min(args.lesionTopMm, args.lesionBottomMm);
  const bottom = Math.max(args.lesionTopMm, args.lesionBottomMm);
  const mid = (jointTopMm + jointBottomMm) / 2;
  const halves: JointHalf[] = [];
  // A lesion merely touching the mid-height line stays on its own side; one lying exactly on it
  // is counted upper so it is never lost.
  if (top < mid || bottom <= mid) halves.push('upper');
  if (bottom > mid) halves.push('lower');
  const out: Quadrant[] = [];
  for (const half of halves) for (const bone of bones) out.push(`${half}_${bone}` as Quadrant);
  return QUADRANTS.filter((q) => out.includes(q));
}
