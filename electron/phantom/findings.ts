import type { Anatomy } from './anatomy';
import type { Lesion, LesionKind } from './lesions';
import type { Rng } from './random';
import type { CaseKind } from './sites';
import { CASE_KINDS } from './sites';
import { JOINTS, QUADRANTS, type Quadrant } from './quadrants';

/** A requested finding before it is placed in a patient. */
export interface FindingRequest {
  kind: LesionKind;
  /** 0 = right, 1 = left */
  joint: number;
  bone: 'ilium' | 'sacrum';
  upper: boolean;
  size: 'small' | 'medium' | 'large';
  intensity?: number;
  inflamed?: boolean;
  mimic?: string;
  /** where along the joint's front-back extent: anterior cartilaginous part, or posterior */
  position?: 'anterior' | 'middle' | 'posterior';
}

export class FindingsSpecError extends Error {}

const SIZES = {
  small: { u: [2.5, 3.5], v: [3.5, 5.5], w: [2, 3] },
  medium: { u: [4, 6], v: [6, 10], w: [3.5, 5.5] },
  large: { u: [6.5, 9.5], v: [10, 16], w: [5.5, 8] },
} as const;

/**
 * Place one finding in the patient's anatomy: bone lesions touch the articular surface of their
 * bone and extend into the marrow; joint lesions sit in the gap; soft-tissue ones at the capsule
 * or the posterior ligament insertions.
 */
export function placeFinding(anat: Anatomy, rng: Rng, f: FindingRequest, id: number): Lesion {
  const sign = f.joint === 1 ? 1 : -1;
  const mid = -5;
  let v = f.upper ? rng.uniform(mid + 7, mid + 34) : rng.uniform(mid - 40, mid - 7);
  const position = f.position ?? rng.pick(['anterior', 'middle', 'middle', 'posterior'] as const);
  const wOffset =
    position === 'anterior'
      ? rng.uniform(-8, -3)
      : position === 'posterior'
        ? rng.uniform(3, 8)
        : rng.uniform(-3, 3);
  let w = anat.auricularW(v) + wOffset;
  const sz = SIZES[f.size];
  let ru = rng.uniform(sz.u[0], sz.u[1]);
  let rv = rng.uniform(sz.v[0], sz.v[1]);
  let rw = rng.uniform(sz.w[0], sz.w[1]);
  const hw = anat.halfWidth(f.joint, v, w);
  const g = anat.gap(f.joint, v, w);
  const surface = f.bone === 'ilium' ? hw + g : hw;
  const into = f.bone === 'ilium' ? 1 : -1;
  let u: number;
  switch (f.kind) {
    case 'bme':
    case 'sclerosis':
    case 'fat_lesion':
      // The lesion starts at the subchondral plate and reaches ~1.8 ru into the marrow.
      u = sign * (surface + into * ru * 0.85);
      break;
    case 'erosion':
    case 'backfill':
      ru = f.kind === 'backfill' ? rng.uniform(2.5, 4) : rng.uniform(1.6, 3.2);
      rv = rng.uniform(2.5, 4.5) * (f.size === 'large' ? 1.5 : 1);
      rw = rng.uniform(2.5, 4);
      u = sign * (surface + into * ru * 0.35);
      break;
    case 'ankylosis':
      ru = g / 2 + 3;
      u = sign * (hw + g / 2);
      break;
    case 'bone_bud':
      ru = g * 0.55;
      rv = rng.uniform(1.8, 3);
      rw = rng.uniform(2, 3.5);
      u = sign * (f.bone === 'sacrum' ? hw + g * 0.25 : hw + g * 0.75);
      break;
    case 'joint_space_fluid':
      ru = g;
      u = sign * (hw + g / 2);
      break;
    case 'capsulitis':
      // Anterior capsule: just in front of the cartilaginous joint.
      w = anat.auricularW(v) - 13;
      ru = rng.uniform(4, 6);
      rw = rng.uniform(2.5, 3.5);
      u = sign * (anat.halfWidth(f.joint, v, w) + g / 2);
      break;
    case 'enthesitis': {
      // Posterior iliac insertions of the dorsal sacroiliac ligaments (not the interosseous area).
      v = rng.uniform(0, 30);
      const th = anat.sacrumThickness(v);
      w = 0.45 * th + 10;
      ru = rng.uniform(5, 7);
      rw = rng.uniform(3, 5);
      u = sign * (anat.halfWidth(f.joint, v, w) + anat.gap(f.joint, v, w) + 8);
      break;
    }
    case 'osteophyte':
      // Degenerative bridging spur at the anterior joint margin, outside the joint.
      w = anat.auricularW(v) - 13;
      v = rng.uniform(-35, 25);
      ru = rng.uniform(3, 5.5);
      rv = rng.uniform(3, 6);
      rw = rng.uniform(2.5, 4);
      u = sign * (anat.halfWidth(f.joint, v, w) + g / 2);
      break;
  }
  return {
    id,
    kind: f.kind,
    joint: f.joint,
    bone: f.bone,
    centre: [u, v, w],
    radii: [ru, rv, rw],
    intensity: f.intensity ?? 1,
    inflamed: f.inflamed,
    mimic: f.mimic,
    phase: rng.uniform(0, 2 * Math.PI),
  };
}

const bone = (rng: Rng, pIlium = 0.6): 'ilium' | 'sacrum' => (rng.chance(pIlium) ? 'ilium' : 'sacrum');
const size = (rng: Rng, w: [number, number, number]): 'small' | 'medium' | 'large' =>
  (['small', 'medium', 'large'] as const)[rng.weighted(w)];
const bmeIntensity = (rng: Rng): number => (rng.chance(0.3) ? rng.uniform(0.85, 1) : rng.uniform(0.45, 0.85));

function bmes(rng: Rng, count: number, joints: number[], sizes: [number, number, number]): FindingRequest[] {
  const out: FindingRequest[] = [];
  for (let n = 0; n < count; n++) {
    out.push({
      kind: 'bme',
      joint: rng.pick(joints),
      bone: bone(rng),
      upper: rng.chance(0.5),
      size: size(rng, sizes),
      intensity: bmeIntensity(rng),
    });
  }
  return out;
}

function erosions(rng: Rng, count: number, joints: number[], inflamedP: number): FindingRequest[] {
  const out: FindingRequest[] = [];
  for (let n = 0; n < count; n++) {
    out.push({
      kind: 'erosion',
      joint: rng.pick(joints),
      bone: bone(rng, 0.75),
      upper: rng.chance(0.4),
      size: size(rng, [0.5, 0.4, 0.1]),
      inflamed: rng.chance(inflamedP),
      intensity: 1,
    });
  }
  return out;
}

function some(
  rng: Rng,
  kind: LesionKind,
  count: number,
  joints: number[],
  sizes: [number, number, number],
  pIlium = 0.6,
): FindingRequest[] {
  const out: FindingRequest[] = [];
  for (let n = 0; n < count; n++)
    out.push({
      kind,
      joint: rng.pick(joints),
      bone: bone(rng, pIlium),
      upper: rng.chance(0.5),
      size: size(rng, sizes),
      intensity: rng.uniform(0.5, 0.9),
    });
  return out;
}

/** The findings a patient of this kind has (before placement). Labels come later from the rendered grid. */
export function sampleFindings(rng: Rng, kind: CaseKind): FindingRequest[] {
  const both = [0, 1];
  const oneSide = [rng.int(0, 1)];
  const joints = rng.chance(0.65) ? both : oneSide;
  const out: FindingRequest[] = [];
  switch (kind) {
    case 'normal':
      break;
    case 'axspa_active':
      out.push(...bmes(rng, rng.int(2, 6), joints, [0.25, 0.5, 0.25]));
      if (rng.chance(0.25)) out.push(...some(rng, 'capsulitis', 1, joints, [0, 1, 0]));
      if (rng.chance(0.25)) out.push(...some(rng, 'joint_space_fluid', 1, joints, [0, 1, 0]));
      if (rng.chance(0.2)) out.push(...some(rng, 'enthesitis', 1, joints, [0, 1, 0], 1));
      if (rng.chance(0.25)) out.push(...erosions(rng, rng.int(1, 2), joints, 0.3));
      break;
    case 'axspa_active_structural':
      out.push(...bmes(rng, rng.int(2, 5), joints, [0.25, 0.5, 0.25]));
      out.push(...erosions(rng, rng.int(2, 6), joints, 0.35));
      if (rng.chance(0.5)) out.push(...some(rng, 'fat_lesion', rng.int(1, 3), joints, [0.3, 0.5, 0.2]));
      if (rng.chance(0.35)) out.push(...some(rng, 'sclerosis', 1, joints, [0, 0.6, 0.4], 0.8));
      if (rng.chance(0.2)) out.push(...some(rng, 'backfill', 1, joints, [0, 1, 0], 0.7));
      if (rng.chance(0.2)) out.push(...some(rng, 'capsulitis', 1, joints, [0, 1, 0]));
      break;
    case 'axspa_structural':
      out.push(...erosions(rng, rng.int(2, 6), joints, 0.1));
      out.push(...some(rng, 'fat_lesion', rng.int(1, 4), joints, [0.2, 0.5, 0.3]));
      if (rng.chance(0.35)) out.push(...some(rng, 'backfill', rng.int(1, 2), joints, [0, 1, 0], 0.7));
      if (rng.chance(0.15)) out.push(...some(rng, 'ankylosis', 1, joints, [0, 0.5, 0.5]));
      if (rng.chance(0.15)) out.push(...some(rng, 'bone_bud', 1, joints, [1, 0, 0]));
      if (rng.chance(0.45)) out.push(...some(rng, 'sclerosis', 1, joints, [0, 0.6, 0.4], 0.8));
      if (rng.chance(0.3)) out.push(...bmes(rng, 1, joints, [0.7, 0.3, 0]));
      break;
    case 'axspa_subtle':
      out.push(
        ...bmes(rng, rng.int(1, 2), joints, [0.6, 0.4, 0]).map((f) => ({
          ...f,
          intensity: rng.uniform(0.35, 0.65),
        })),
      );
      if (rng.chance(0.5)) out.push(...erosions(rng, 1, joints, 0));
      if (rng.chance(0.3)) out.push(...some(rng, 'fat_lesion', 1, joints, [1, 0, 0]));
      break;
    case 'mimic_postpartum':
      // Anterior lower ilium, often both sides, no erosions (Renson / de Winter et al.).
      for (const j of rng.chance(0.6) ? both : oneSide) {
        out.push({
          kind: 'bme',
          joint: j,
          bone: 'ilium',
          upper: false,
          size: 'small',
          intensity: rng.uniform(0.45, 0.85),
          mimic: 'postpartum',
          position: 'anterior',
        });
      }
      if (rng.chance(0.4))
        out.push({
          kind: 'sclerosis',
          joint: rng.int(0, 1),
          bone: 'ilium',
          upper: false,
          size: 'small',
          mimic: 'postpartum',
          position: 'anterior',
        });
      break;
    case 'mimic_athlete':
      // Posterior lower ilium (Weber et al. 2018, recruits and runners).
      for (const j of rng.chance(0.5) ? both : oneSide) {
        out.push({
          kind: 'bme',
          joint: j,
          bone: 'ilium',
          upper: false,
          size: 'small',
          intensity: rng.uniform(0.45, 0.8),
          mimic: 'athlete',
          position: 'posterior',
        });
      }
      break;
    case 'mimic_oci':
      // Osteitis condensans ilii: triangular iliac sclerosis, anterior lower joint, usually bilateral.
      for (const j of rng.chance(0.75) ? both : oneSide) {
        out.push({
          kind: 'sclerosis',
          joint: j,
          bone: 'ilium',
          upper: false,
          size: 'large',
          mimic: 'oci',
          position: 'anterior',
        });
      }
      break;
    case 'mimic_degenerative':
      for (const j of rng.chance(0.6) ? both : oneSide) {
        out.push({
          kind: 'osteophyte',
          joint: j,
          bone: 'ilium',
          upper: rng.chance(0.5),
          size: 'medium',
          mimic: 'degenerative',
        });
      }
      if (rng.chance(0.5))
        out.push({
          kind: 'sclerosis',
          joint: rng.int(0, 1),
          bone: 'ilium',
          upper: rng.chance(0.5),
          size: 'small',
          mimic: 'degenerative',
          position: 'anterior',
        });
      break;
    case 'mimic_single_bme':
      out.push({
        kind: 'bme',
        joint: rng.int(0, 1),
        bone: bone(rng),
        upper: rng.chance(0.5),
        size: 'small',
        intensity: rng.uniform(0.5, 0.9),
        mimic: 'single_small_bme',
      });
      break;
  }
  // Incidental small subchondral fat deposits are common in healthy people too.
  if (rng.chance(0.15))
    out.push({
      kind: 'fat_lesion',
      joint: rng.int(0, 1),
      bone: bone(rng),
      upper: rng.chance(0.5),
      size: 'small',
      intensity: 1,
    });
  return out;
}

/**
 * Parse `--findings`: `case=<kind>` or a comma list of `lesion[:joint[:quadrant[:size]]]`,
 * e.g. `bme:left:upper_ilium:large,erosion:right:lower_ilium`.
 */
export function parseFindingsSpec(
  spec: string,
  rng: Rng,
): { caseKind?: CaseKind; findings: FindingRequest[] } {
  const trimmed = spec.trim();
  if (trimmed.startsWith('case=')) {
    const kind = trimmed.slice(5) as CaseKind;
    if (!CASE_KINDS.includes(kind))
      throw new FindingsSpecError(`unknown case kind '${kind}' (one of: ${CASE_KINDS.join(', ')})`);
    return { caseKind: kind, findings: sampleFindings(rng, kind) };
  }
  const kinds: LesionKind[] = [
    'bme',
    'capsulitis',
    'joint_space_fluid',
    'enthesitis',
    'erosion',
    'sclerosis',
    'fat_lesion',
    'backfill',
    'ankylosis',
    'bone_bud',
    'osteophyte',
  ];
  const findings: FindingRequest[] = [];
  for (const item of trimmed.split(',').filter((s) => s.length > 0)) {
    const [kindText, jointText, quadText, sizeText, ...rest] = item.split(':');
    let kind = kindText as LesionKind;
    let inflamed = false;
    if (kindText === 'inflammation_in_erosion') {
      kind = 'erosion';
      inflamed = true;
    }
    if (!kinds.includes(kind))
      throw new FindingsSpecError(
        `unknown lesion '${kindText}' in '${item}' (one of: ${kinds.join(', ')}, inflammation_in_erosion)`,
      );
    if (rest.length > 0) throw new FindingsSpecError(`too many ':' parts in '${item}'`);
    const joint = jointText === undefined ? rng.int(0, 1) : JOINTS.indexOf(jointText as 'left' | 'right');
    if (joint < 0) throw new FindingsSpecError(`joint must be left or right in '${item}'`);
    const quadrant = (quadText ?? rng.pick(QUADRANTS)) as Quadrant;
    if (!QUADRANTS.includes(quadrant))
      throw new FindingsSpecError(`quadrant must be one of ${QUADRANTS.join(', ')} in '${item}'`);
    const sz = (sizeText ?? 'medium') as FindingRequest['size'];
    if (!['small', 'medium', 'large'].includes(sz))
      throw new FindingsSpecError(`size must be small, medium or large in '${item}'`);
    findings.push({
      kind,
      joint,
      bone: quadrant.endsWith('ilium') ? 'ilium' : 'sacrum',
      upper: quadrant.startsWith('upper'),
      size: sz,
      intensity: kind === 'bme' ? 0.8 : 1,
      inflamed,
    });
  }
  return { findings };
}
