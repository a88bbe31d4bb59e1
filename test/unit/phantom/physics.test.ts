import { describe, expect, it } from 'vitest';
import { fatNullTi, relaxation, signalTable, Tissue, tissueSignal } from '../../../electron/phantom/tissues';

describe('MR signal equations', () => {
  it('spin echo matches S = PD (1 - exp(-TR/T1)) exp(-TE/T2), worked by hand', () => {
    // PD 0.8, T1 1000, T2 40, TR 600, TE 10: 0.8 * (1 - e^-0.6) * e^-0.25
    const expected = 0.8 * (1 - 0.5488116361) * 0.7788007831;
    expect(tissueSignal({ pd: 0.8, t1: 1000, t2: 40 }, { kind: 'se', tr: 600, te: 10 })).toBeCloseTo(
      expected,
      9,
    );
  });
  it('inversion recovery matches PD |1 - 2 exp(-TI/T1) + exp(-TR/T1)| exp(-TE/T2)', () => {
    // PD 1, T1 260, T2 80, TR 5000, TI 150, TE 40
    const expected = Math.abs(1 - 2 * Math.exp(-150 / 260) + Math.exp(-5000 / 260)) * Math.exp(-40 / 80);
    expect(tissueSignal({ pd: 1, t1: 260, t2: 80 }, { kind: 'stir', tr: 5000, te: 40, ti: 150 })).toBeCloseTo(
      expected,
      12,
    );
  });
  for (const field of [1.5, 3]) {
    it(`T1 shows fat bright and fluid dark; STIR nulls fat and shows fluid and edema bright (${field} T)`, () => {
      const t1 = signalTable({ kind: 'se', tr: 600, te: 11 }, field);
      const stir = signalTable({ kind: 'stir', tr: 5000, te: 50, ti: fatNullTi(field) }, field);
      expect(t1[Tissue.fat]).toBeGreaterThan(t1[Tissue.muscle]);
      expect(t1[Tissue.marrow]).toBeGreaterThan(t1[Tissue.edema]);
      expect(t1[Tissue.muscle]).toBeGreaterThan(t1[Tissue.fluid]);
      expect(t1[Tissue.cortex]).toBeLessThan(0.1 * t1[Tissue.fat]);
      expect(stir[Tissue.fat]).toBeLessThan(0.02);
      expect(stir[Tissue.fluid]).toBeGreaterThan(stir[Tissue.edema]);
      expect(stir[Tissue.edema]).toBeGreaterThan(2 * stir[Tissue.muscle]);
      expect(stir[Tissue.edema]).toBeGreaterThan(4 * stir[Tissue.marrow]);
      expect(stir[Tissue.sclerosis]).toBeLessThan(stir[Tissue.muscle]);
    });
  }
  it('an imperfect inversion leaves fat signal (the fat-suppression failure)', () => {
    const seq = { kind: 'stir' as const, tr: 5000, te: 50, ti: fatNullTi(1.5) };
    expect(tissueSignal(relaxation(Tissue.fat, 1.5), seq, 0.55)).toBeGreaterThan(
      10 * tissueSignal(relaxation(Tissue.fat, 1.5), seq, 1) + 0.05,
    );
  });
});
