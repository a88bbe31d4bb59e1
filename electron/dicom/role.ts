import type { RoleAssessment, SequenceParams, StackRole } from './types';

/**
 * Sequence-role rules. Each rule adds points to one role and leaves a line of evidence; the
 * role with the most points wins and the margin over the runner-up sets the confidence. The
 * text patterns cover Siemens (t1_tse, tirm, SFS), GE (STIR, FS, FAST_GEMS) and Philips
 * (T1W_TSE, SPAIR, SPIR) naming.
 */
const STIR_TEXT = /stir|tirm|(^|[^a-z])ir[_\s-]?(tse|fse|se)|inversion/;
const FLAIR_TEXT = /flair|dark[\s_-]?fluid/;
// Whole tokens only: "fse" (fast spin echo) must not read as "fs" (fat saturation).
const FAT_SAT_TEXT =
  /(^|[^a-z])(fs|fatsat|fat[\s_-]?sat\w*|spair|spir|chess|fat[\s_-]?supp\w*|water)([^a-z]|$)|dixon[\s_-]?w/;
const T1_TEXT = /(^|[^a-z0-9])t1(?!\d)|t1w|t1_|^t1/;
const T2_PD_TEXT = /(^|[^a-z0-9])(t2(?!\d)|t2w|pd|pdw|dp|proton)/;
const CONTRAST_TEXT =
  /\+\s?(c|gd|km|cm)\b|(^|[^a-z])(gd|gad\w*|post|contrast|km|ce|kontrast|dotarem|gadovist|magnevist|prohance|multihance)([^a-z]|$)/;
const LOCALIZER_TEXT =
  /(^|[^a-z])(loc|localizer|localiser|scout|survey|tripilot|3[\s_-]?plane|aahead|pilot)([^a-z]|$)/;
const DIFFUSION_TEXT = /(^|[^a-z])(dwi|adc|diff\w*|ep2d_diff|trace|b\d{2,4})([^a-z]|$)/;
const FAT_SAT_OPTIONS = /^(FS|SFS|FAT_SAT|FATSAT|SPAIR|SPIR|FSP|FC_FREQ_AX_GEMS)$|FAT/;

// 'other' first: a tie means the evidence does not decide.
const ROLES: StackRole[] = ['other', 't1', 'stir', 't1_fs_contrast'];

export function assessRole(p: SequenceParams): RoleAssessment {
  const text = [p.seriesDescription, p.protocolName, p.sequenceName].filter(Boolean).join(' ').toLowerCase();
  const score: Record<StackRole, number> = { t1: 0, stir: 0, t1_fs_contrast: 0, other: 0 };
  const evidence: string[] = [];
  const add = (role: StackRole, points: number, why: string): void => {
    score[role] += points;
    evidence.push(`${why} (${role} ${points > 0 ? '+' : ''}${points})`);
  };

  const tr = p.repetitionTime;
  const te = p.echoTime;
  const ti = p.inversionTime;
  const irAcquisition =
    p.scanningSequence.includes('IR') || p.inversionRecovery === true || p.scanOptions.includes('IR');
  const shortTi = ti !== undefined && ti >= 80 && ti <= 280;
  const fatSatOption = p.scanOptions.find((o) => FAT_SAT_OPTIONS.test(o));
  const fatSatAttr = p.fatSuppression && /FAT/i.test(p.fatSuppression) ? p.fatSuppression : undefined;
  const fatSat = FAT_SAT_TEXT.test(text) || Boolean(fatSatOption) || Boolean(fatSatAttr);
  const contrast = Boolean(p.contrastBolusAgent) || CONTRAST_TEXT.test(text);
  const t1Text = T1_TEXT.test(text);
  const t2Text = T2_PD_TEXT.test(text);
  const t1Timing = tr !== undefined && te !== undefined && tr >= 250 && tr <= 1200 && te <= 30;
  const t2Timing = tr !== undefined && te !== undefined && tr >= 1500 && te >= 30;

  if (p.imageType.includes('LOCALIZER') || LOCALIZER_TEXT.test(text)) add('other', 8, 'localizer');
  if (DIFFUSION_TEXT.test(text) || p.imageType.includes('ADC') || p.imageType.includes('TRACEW')) {
    add('other', 6, 'diffusion-weighted');
  }
  if (FLAIR_TEXT.test(text) || (ti !== undefined && ti > 1200)) add('other', 4, 'FLAIR / long TI');

  if (STIR_TEXT.test(text)) add('stir', 4, 'name says STIR/TIRM/IR');
  if (irAcquisition && shortTi) add('stir', 3, `inversion recovery with TI ${ti} ms (STIR range)`);
  else if (shortTi) add('stir', 2, `TI ${ti} ms (STIR range)`);
  if (fatSat) {
    const why = fatSatAttr
      ? `fat suppression ${fatSatAttr}`
      : fatSatOption
        ? `scan option ${fatSatOption}`
        : 'name says fat-sat';
    if (t2Text || t2Timing) add('stir', 3, `${why} on a T2/PD-weighted sequence`);
    if (t1Text || t1Timing) add('t1_fs_contrast', 2, `${why} on a T1-weighted sequence`);
  }
  if (t2Timing) add('stir', 1, `long TR ${tr} / TE ${te} ms (fluid-sensitive)`);
  if (t2Text && !fatSat && !STIR_TEXT.test(text) && !shortTi)
    add('other', 3, 'T2/PD without fat suppression');

  if (t1Text) add('t1', 3, 'name says T1');
  if (t1Timing) add('t1', 2, `short TR ${tr} / TE ${te} ms (T1 timing)`);
  if (contrast) {
    add(
      't1_fs_contrast',
      3,
      p.contrastBolusAgent ? `contrast agent ${p.contrastBolusAgent}` : 'name says contrast',
    );
    if (t1Text || t1Timing) add('t1_fs_contrast', 1, 'T1-weighted after contrast');
    add('t1', -3, 'contrast given');
    add('stir', -2, 'contrast given');
  }
  if (fatSat && (t1Text || t1Timing)) add('t1', -2, 'fat-suppressed');
  if (irAcquisition && shortTi) add('t1', -3, 'short-TI inversion recovery');

  const ranked = [...ROLES].sort((a, b) => score[b] - score[a]);
  const margin = score[ranked[0]] - score[ranked[1]];
  return {
    role: ranked[0],
    confidence: Math.round((1 - Math.exp(-margin / 2)) * 100) / 100,
    evidence,
  };
}
