/**
 * Tissues and their relaxation properties, and the MR signal equations that turn them into image
 * intensity for a given sequence. Values are typical literature figures (Bojorquez et al., MRI
 * 2017; Gold et al., AJR 2004; Stanisz et al., MRM 2005), rounded; fat-containing tissues use an
 * effective single T1/T2 of the mixture.
 */

export const Tissue = {
  air: 0,
  fat: 1,
  muscle: 2,
  marrow: 3,
  cortex: 4,
  cartilage: 5,
  jointCleft: 6,
  ligament: 7,
  csf: 8,
  nerve: 9,
  artery: 10,
  vein: 11,
  disc: 12,
  // Lesion tissues (mixed into normal tissue by a lesion's strength).
  edema: 13,
  fluid: 14,
  sclerosis: 15,
  granulation: 16,
  inflamedGranulation: 17,
  pureFat: 18,
  bowel: 19,
  redMarrow: 20,
} as const;
export type TissueCode = (typeof Tissue)[keyof typeof Tissue];
export const TISSUE_COUNT = 21;

interface Relaxation {
  /** proton density relative to water */
  pd: number;
  t1: number;
  t2: number;
}

/** [1.5 T, 3 T] relaxation per tissue, ms. */
const RELAXATION: Record<TissueCode, [Relaxation, Relaxation]> = {
  [Tissue.air]: [
    { pd: 0, t1: 1000, t2: 1 },
    { pd: 0, t1: 1000, t2: 1 },
  ],
  [Tissue.fat]: [
    { pd: 1.0, t1: 260, t2: 80 },
    { pd: 1.0, t1: 370, t2: 70 },
  ],
  [Tissue.muscle]: [
    { pd: 0.8, t1: 1000, t2: 40 },
    { pd: 0.8, t1: 1400, t2: 35 },
  ],
  // Adult fatty marrow: ~70-80% fat, so T1 close to fat's.
  [Tissue.marrow]: [
    { pd: 0.9, t1: 330, t2: 70 },
    { pd: 0.9, t1: 420, t2: 60 },
  ],
  [Tissue.cortex]: [
    { pd: 0.06, t1: 1000, t2: 2 },
    { pd: 0.06, t1: 1200, t2: 2 },
  ],
  [Tissue.cartilage]: [
    { pd: 0.75, t1: 1000, t2: 40 },
    { pd: 0.75, t1: 1250, t2: 36 },
  ],
  [Tissue.jointCleft]: [
    { pd: 0.5, t1: 1500, t2: 60 },
    { pd: 0.5, t1: 1800, t2: 55 },
  ],
  [Tissue.ligament]: [
    { pd: 0.35, t1: 700, t2: 12 },
    { pd: 0.35, t1: 900, t2: 10 },
  ],
  [Tissue.csf]: [
    { pd: 1.0, t1: 4000, t2: 2000 },
    { pd: 1.0, t1: 4300, t2: 1800 },
  ],
  [Tissue.nerve]: [
    { pd: 0.75, t1: 1000, t2: 80 },
    { pd: 0.75, t1: 1300, t2: 70 },
  ],
  // Fast arterial flow: signal void on spin echo.
  [Tissue.artery]: [
    { pd: 0.05, t1: 1400, t2: 200 },
    { pd: 0.05, t1: 1900, t2: 180 },
  ],
  // Slow venous flow keeps signal; bright on STIR (the "as bright as vessels" reference).
  [Tissue.vein]: [
    { pd: 0.85, t1: 1400, t2: 180 },
    { pd: 0.85, t1: 1900, t2: 150 },
  ],
  [Tissue.disc]: [
    { pd: 0.7, t1: 1100, t2: 55 },
    { pd: 0.7, t1: 1300, t2: 50 },
  ],
  // Marrow edema: water replaces fat, T1 and T2 lengthen.
  [Tissue.edema]: [
    { pd: 0.95, t1: 1300, t2: 120 },
    { pd: 0.95, t1: 1700, t2: 100 },
  ],
  [Tissue.fluid]: [
    { pd: 1.0, t1: 3000, t2: 1000 },
    { pd: 1.0, t1: 3400, t2: 900 },
  ],
  [Tissue.sclerosis]: [
    { pd: 0.12, t1: 900, t2: 6 },
    { pd: 0.12, t1: 1100, t2: 5 },
  ],
  // Erosion cavity tissue: fibrous/granulation, intermediate on T1.
  [Tissue.granulation]: [
    { pd: 0.8, t1: 1100, t2: 70 },
    { pd: 0.8, t1: 1450, t2: 60 },
  ],
  [Tissue.inflamedGranulation]: [
    { pd: 0.95, t1: 1500, t2: 160 },
    { pd: 0.95, t1: 1900, t2: 140 },
  ],
  // Fat metaplasia: marrow almost entirely fat.
  [Tissue.pureFat]: [
    { pd: 1.0, t1: 260, t2: 80 },
    { pd: 1.0, t1: 370, t2: 70 },
  ],
  [Tissue.bowel]: [
    { pd: 0.8, t1: 900, t2: 60 },
    { pd: 0.8, t1: 1200, t2: 55 },
  ],
  // Haematopoietic marrow islands: more water than fatty marrow.
  [Tissue.redMarrow]: [
    { pd: 0.85, t1: 650, t2: 50 },
    { pd: 0.85, t1: 900, t2: 45 },
  ],
};

export interface SequenceTiming {
  kind: 'se' | 'stir';
  /** ms */
  tr: number;
  te: number;
  ti?: number;
}

/**
 * Spin echo: S = PD (1 - e^(-TR/T1)) e^(-TE/T2). Inversion recovery (magnitude):
 * S = PD |1 - 2 e^(-TI/T1) + e^(-TR/T1)| e^(-TE/T2). `inversionEfficiency` < 1 models an
 * imperfect inversion (B1 / off-resonance), which leaves fat un-nulled: the STIR failure mode.
 */
export function tissueSignal(r: Relaxation, seq: SequenceTiming, inversionEfficiency = 1): number {
  const t2decay = Math.exp(-seq.te / r.t2);
  const recovery = Math.exp(-seq.tr / r.t1);
  if (seq.kind === 'se') return r.pd * (1 - recovery) * t2decay;
  const ti = seq.ti ?? 150;
  const mz = 1 - (1 + inversionEfficiency) * Math.exp(-ti / r.t1) + inversionEfficiency * recovery;
  return r.pd * Math.abs(mz) * t2decay;
}

export function relaxation(tissue: TissueCode, fieldT: number): Relaxation {
  return RELAXATION[tissue][fieldT >= 2 ? 1 : 0];
}

/** Signal of every tissue for one sequence, indexed by tissue code. */
export function signalTable(seq: SequenceTiming, fieldT: number, inversionEfficiency = 1): Float32Array {
  const table = new Float32Array(TISSUE_COUNT);
  for (let t = 0; t < TISSUE_COUNT; t++) {
    table[t] = tissueSignal(relaxation(t as TissueCode, fieldT), seq, inversionEfficiency);
  }
  return table;
}

/** The TI that nulls fat: T1_fat ln 2 (for TR >> T1). */
export function fatNullTi(fieldT: number): number {
  return relaxation(Tissue.fat, fieldT).t1 * Math.LN2;
}
