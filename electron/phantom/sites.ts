/**
 * Sites: a scanner park plus a patient mix. A model is trained on some sites and tested on one it
 * never saw (`delta`), as the paper trained on GESPIC/OptiRef and tested on the ASAS cohort.
 */

/** What kind of patient an exam simulates; the labels still come from the rendered lesions. */
export const CASE_KINDS = [
  'normal',
  'axspa_active',
  'axspa_active_structural',
  'axspa_structural',
  'axspa_subtle',
  'mimic_postpartum',
  'mimic_athlete',
  'mimic_oci',
  'mimic_degenerative',
  'mimic_single_bme',
] as const;
export type CaseKind = (typeof CASE_KINDS)[number];

export const AXSPA_KINDS: readonly CaseKind[] = [
  'axspa_active',
  'axspa_active_structural',
  'axspa_structural',
  'axspa_subtle',
];

export interface Site {
  name: string;
  description: string;
  /** profile name -> weight */
  profiles: Record<string, number>;
  /** case kind -> weight */
  caseMix: Partial<Record<CaseKind, number>>;
  femaleFraction: number;
  /** probability that the reference label of each task is flipped (reader disagreement) */
  labelNoise: number;
  /** intended use of the site in the shipped model */
  role: 'train' | 'unseen';
}

export const SITES: readonly Site[] = [
  {
    name: 'alpha',
    description: 'University rheumatology centre, Siemens 1.5 T and 3 T; early axSpA cohort',
    profiles: { 'siemens-aera-1.5t': 0.6, 'siemens-skyra-3t': 0.4 },
    caseMix: {
      normal: 0.24,
      axspa_active: 0.16,
      axspa_active_structural: 0.16,
      axspa_structural: 0.1,
      axspa_subtle: 0.1,
      mimic_postpartum: 0.05,
      mimic_athlete: 0.05,
      mimic_oci: 0.05,
      mimic_degenerative: 0.05,
      mimic_single_bme: 0.04,
    },
    femaleFraction: 0.45,
    labelNoise: 0.03,
    role: 'train',
  },
  {
    name: 'bravo',
    description: 'Regional hospital, GE 1.5 T and 3 T; referrals for chronic back pain',
    profiles: { 'ge-signa-hdxt-1.5t': 0.55, 'ge-discovery-750-3t': 0.45 },
    caseMix: {
      normal: 0.3,
      axspa_active: 0.12,
      axspa_active_structural: 0.12,
      axspa_structural: 0.1,
      axspa_subtle: 0.1,
      mimic_postpartum: 0.06,
      mimic_athlete: 0.05,
      mimic_oci: 0.05,
      mimic_degenerative: 0.06,
      mimic_single_bme: 0.04,
    },
    femaleFraction: 0.5,
    labelNoise: 0.03,
    role: 'train',
  },
  {
    name: 'charlie',
    description: 'Private imaging practice, Philips 1.5 T and 3 T; mixed referrals',
    profiles: { 'philips-ingenia-3t': 0.5, 'philips-achieva-1.5t': 0.5 },
    caseMix: {
      normal: 0.28,
      axspa_active: 0.14,
      axspa_active_structural: 0.12,
      axspa_structural: 0.12,
      axspa_subtle: 0.1,
      mimic_postpartum: 0.05,
      mimic_athlete: 0.04,
      mimic_oci: 0.06,
      mimic_degenerative: 0.05,
      mimic_single_bme: 0.04,
    },
    femaleFraction: 0.5,
    labelNoise: 0.03,
    role: 'train',
  },
  {
    name: 'delta',
    description:
      'External multicentre cohort (unseen in training): Canon/Toshiba 1.5 T and an older Siemens; ' +
      'more mimics and lower SNR, like the ASAS classification cohort',
    profiles: { 'canon-vantage-titan-1.5t': 0.65, 'siemens-aera-1.5t': 0.35 },
    caseMix: {
      normal: 0.3,
      axspa_active: 0.1,
      axspa_active_structural: 0.1,
      axspa_structural: 0.1,
      axspa_subtle: 0.1,
      mimic_postpartum: 0.07,
      mimic_athlete: 0.06,
      mimic_oci: 0.06,
      mimic_degenerative: 0.07,
      mimic_single_bme: 0.04,
    },
    femaleFraction: 0.5,
    labelNoise: 0.04,
    role: 'unseen',
  },
];

export function siteByName(name: string): Site | undefined {
  return SITES.find((s) => s.name === name);
}
