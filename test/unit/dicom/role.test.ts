import { describe, expect, it } from 'vitest';
import { assessRole, type SequenceParams, type StackRole } from '../../../electron/dicom';

/**
 * Series as Siemens, GE and Philips scanners label SIJ protocols (names, timings and options as
 * they appear in those vendors' DICOM headers), each with the role a radiologist would assign.
 */
function params(p: Partial<SequenceParams>): SequenceParams {
  return {
    imageType: ['ORIGINAL', 'PRIMARY'],
    scanningSequence: [],
    sequenceVariant: [],
    scanOptions: [],
    ...p,
  };
}

const cases: [string, Partial<SequenceParams>, StackRole][] = [
  // Siemens
  [
    'Siemens T1 TSE',
    { seriesDescription: 't1_tse_cor', scanningSequence: ['SE'], repetitionTime: 650, echoTime: 11 },
    't1',
  ],
  [
    'Siemens TIRM',
    {
      seriesDescription: 'tirm_cor',
      scanningSequence: ['SE', 'IR'],
      repetitionTime: 5000,
      echoTime: 56,
      inversionTime: 150,
    },
    'stir',
  ],
  [
    'Siemens T2 fat-sat',
    {
      seriesDescription: 't2_tse_fs_cor',
      scanningSequence: ['SE'],
      scanOptions: ['SFS'],
      repetitionTime: 4000,
      echoTime: 80,
    },
    'stir',
  ],
  [
    'Siemens T1 fat-sat post contrast',
    {
      seriesDescription: 't1_tse_fs_cor_post',
      repetitionTime: 700,
      echoTime: 12,
      scanOptions: ['SFS'],
      contrastBolusAgent: 'Gadovist',
    },
    't1_fs_contrast',
  ],
  [
    'Siemens localizer',
    { seriesDescription: 'localizer', imageType: ['ORIGINAL', 'PRIMARY', 'LOCALIZER'] },
    'other',
  ],
  // GE
  [
    'GE T1 FSE',
    { seriesDescription: 'COR T1 FSE', scanningSequence: ['SE'], repetitionTime: 600, echoTime: 9.5 },
    't1',
  ],
  [
    'GE STIR',
    {
      seriesDescription: 'COR STIR',
      scanningSequence: ['IR'],
      repetitionTime: 4500,
      echoTime: 42,
      inversionTime: 160,
    },
    'stir',
  ],
  [
    'GE T2 FS',
    { seriesDescription: 'COR T2 FSE', scanOptions: ['FAST_GEMS', 'FS'], repetitionTime: 3500, echoTime: 85 },
    'stir',
  ],
  [
    'GE T1 FS +C',
    {
      seriesDescription: 'COR T1 FS +C',
      scanOptions: ['FAST_GEMS', 'FS'],
      repetitionTime: 550,
      echoTime: 10,
      contrastBolusAgent: 'GAD',
    },
    't1_fs_contrast',
  ],
  // Philips
  [
    'Philips T1W TSE',
    { seriesDescription: 'T1W_TSE_COR', protocolName: 'T1W_TSE_COR', repetitionTime: 620, echoTime: 12 },
    't1',
  ],
  [
    'Philips STIR',
    {
      protocolName: 'STIR_COR',
      scanningSequence: ['IR'],
      repetitionTime: 6000,
      echoTime: 60,
      inversionTime: 165,
    },
    'stir',
  ],
  ['Philips T2W SPAIR', { protocolName: 'T2W_SPAIR_COR', repetitionTime: 3000, echoTime: 70 }, 'stir'],
  [
    'Philips T1W SPIR Gd',
    { protocolName: 'T1W_SPIR_GD', repetitionTime: 550, echoTime: 8 },
    't1_fs_contrast',
  ],
  ['Philips survey', { protocolName: 'Survey' }, 'other'],
  // Not one of the reading roles
  [
    'T2 without fat suppression',
    { seriesDescription: 't2_tse_cor', repetitionTime: 4000, echoTime: 90 },
    'other',
  ],
  ['diffusion', { seriesDescription: 'ep2d_diff_b800', repetitionTime: 5000, echoTime: 70 }, 'other'],
  [
    'enhanced MR STIR (no names)',
    { inversionRecovery: true, inversionTime: 150, repetitionTime: 5200, echoTime: 40 },
    'stir',
  ],
];

describe('assessRole', () => {
  it.each(cases)('%s', (_name, p, role) => {
    const r = assessRole(params(p));
    expect(r.role).toBe(role);
    expect(r.confidence).toBeGreaterThan(0);
    expect(r.evidence.length).toBeGreaterThan(0);
  });

  it('is confident about a plain T1 FSE (FSE is not fat suppression)', () => {
    for (const name of ['COR T1 FSE', 'OBL COR T1 FSE', 'T1WI FSE COR OBL']) {
      const r = assessRole(
        params({ seriesDescription: name, sequenceName: 'fse-xl', repetitionTime: 650, echoTime: 14 }),
      );
      expect(r.role).toBe('t1');
      expect(r.confidence).toBeGreaterThan(0.9);
      expect(r.evidence.join(' ')).not.toMatch(/fat/);
    }
  });

  it('has no confidence when nothing is known', () => {
    const r = assessRole(params({}));
    expect(r.role).toBe('other');
    expect(r.confidence).toBe(0);
  });

  it('is less sure of a STIR named only by its timing than of a named TIRM', () => {
    const timingOnly = assessRole(params({ inversionTime: 150, repetitionTime: 5000, echoTime: 40 }));
    const named = assessRole(
      params({ seriesDescription: 'tirm_cor', scanningSequence: ['IR'], inversionTime: 150 }),
    );
    expect(timingOnly.role).toBe('stir');
    expect(named.confidence).toBeGreaterThan(timingOnly.confidence);
  });
});
