import type { Joint, LesionType, Quadrant } from './grid';
import type { JudgementKey, OverrideReason } from './schema';

/** Wording shown to readers and written into reports; checked against READING.md / ASAS 2019. */
export const LESION_LABELS: Record<LesionType, string> = {
  bme: 'Bone marrow edema (osteitis)',
  capsulitis: 'Capsulitis',
  joint_space_enhancement: 'Joint space enhancement',
  joint_space_fluid: 'Joint space fluid',
  enthesitis: 'Enthesitis',
  inflammation_in_erosion: 'Inflammation at site of erosion',
  erosion: 'Erosion',
  sclerosis: 'Sclerosis',
  fat_lesion: 'Fat lesion',
  backfill: 'Fat metaplasia in an erosion cavity (backfill)',
  ankylosis: 'Ankylosis',
  bone_bud: 'Bone bud',
};

export const QUADRANT_LABELS: Record<Quadrant, string> = {
  upper_ilium: 'upper ilium',
  lower_ilium: 'lower ilium',
  upper_sacrum: 'upper sacrum',
  lower_sacrum: 'lower sacrum',
};

export const JOINT_LABELS: Record<Joint, string> = { left: 'Left SIJ', right: 'Right SIJ' };

export const JUDGEMENT_LABELS: Record<JudgementKey, string> = {
  active_inflammation: 'Active inflammatory changes indicative of axSpA',
  asas_bme: 'Positive MRI by the ASAS definition',
  structural: 'Structural changes indicative of axSpA',
  overall_axspa: 'Overall compatible with axSpA',
};

export const REASON_LABELS: Record<OverrideReason, string> = {
  artifact: 'Artifact',
  mimic: 'Mimic',
  disagree_extent: 'Disagree with extent',
  other: 'Other',
};

export const CONFIDENCE_LABELS = [
  '0 – none',
  '1 – low',
  '2 – moderate',
  '3 – high (definite)',
  '4 – certain (definite)',
];

/** Conditions that imitate axSpA on MRI, shown beside the clinical context (READING.md). */
export const MIMICS = [
  { key: 'postpartum', label: 'Postpartum BME (very common in the first months after delivery)' },
  { key: 'athlete', label: 'Athletes and recruits: BME in the posterior lower ilium, no erosions' },
  { key: 'oci', label: 'Osteitis condensans ilii: triangular iliac sclerosis' },
  { key: 'degenerative', label: 'Degenerative change' },
  { key: 'anterior_strain', label: 'Strain at the anterior joint' },
] as const;
