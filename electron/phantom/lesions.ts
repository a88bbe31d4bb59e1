import { Region, type Anatomy } from './anatomy';
import { Tissue } from './tissues';

/** Lesion keys of the reading grid (READING.md), plus mimic-only findings that are not grid lesions. */
export const ACTIVE_LESIONS = [
  'bme',
  'capsulitis',
  'joint_space_fluid',
  'enthesitis',
  'inflammation_in_erosion',
] as const;
export const STRUCTURAL_LESIONS = [
  'erosion',
  'sclerosis',
  'fat_lesion',
  'backfill',
  'ankylosis',
  'bone_bud',
] as const;
export type ActiveLesion = (typeof ACTIVE_LESIONS)[number];
export type StructuralLesion = (typeof STRUCTURAL_LESIONS)[number];
export type GridLesion = ActiveLesion | StructuralLesion;
/** What the generator places; `osteophyte` is the degenerative mimic, never a grid lesion. */
export type LesionKind =
  | 'bme'
  | 'capsulitis'
  | 'joint_space_fluid'
  | 'enthesitis'
  | 'erosion'
  | 'sclerosis'
  | 'fat_lesion'
  | 'backfill'
  | 'ankylosis'
  | 'bone_bud'
  | 'osteophyte';

/** Mask label values (masks/*.nii.gz). Active codes appear in the STIR mask, structural in the T1 mask. */
export const LESION_CODES: Record<GridLesion | 'osteophyte', number> = {
  bme: 1,
  capsulitis: 2,
  joint_space_fluid: 3,
  enthesitis: 4,
  inflammation_in_erosion: 5,
  erosion: 6,
  sclerosis: 7,
  fat_lesion: 8,
  backfill: 9,
  ankylosis: 10,
  bone_bud: 11,
  osteophyte: 12,
};
export const CODE_NAMES: string[] = [];
for (const [name, code] of Object.entries(LESION_CODES)) CODE_NAMES[code] = name;

/** Which lesion wins a voxel's single mask label when lesions overlap (higher wins). */
const PRIORITY: Record<string, number> = {
  enthesitis: 1,
  capsulitis: 2,
  bme: 3,
  joint_space_fluid: 4,
  inflammation_in_erosion: 5,
  osteophyte: 1,
  sclerosis: 2,
  fat_lesion: 3,
  bone_bud: 4,
  erosion: 5,
  backfill: 6,
  ankylosis: 7,
};

export interface Lesion {
  id: number;
  kind: LesionKind;
  /** 0 = patient's right joint, 1 = left */
  joint: number;
  /** the bone it sits in (bone lesions), or where soft-tissue lesions attach */
  bone: 'ilium' | 'sacrum';
  /** ellipsoid in the sacral frame, mm */
  centre: [number, number, number];
  radii: [number, number, number];
  /** 0..1: edema fraction for inflammatory lesions; >= 0.85 is "intense" */
  intensity: number;
  /** erosion with active inflammation in its cavity */
  inflamed?: boolean;
  /** mimic this lesion belongs to, if any (postpartum, athlete, oci, degenerative, single_small_bme) */
  mimic?: string;
  /** irregularity of the border */
  phase: number;
}

export function isActiveKind(kind: string): boolean {
  return (ACTIVE_LESIONS as readonly string[]).includes(kind);
}

/** Result of applying lesions at one voxel (reused, never reallocated). */
export class LesionHit {
  tissue = 0;
  mixTissue = 0;
  mix = 0;
  activeCode = 0;
  structuralCode = 0;
  activePriority = 0;
  structuralPriority = 0;
  /** lesion indices touching this voxel in the active / structural sense, for the grid */
  readonly activeLesions = new Int32Array(64);
  readonly structuralLesions = new Int32Array(64);
  activeCount = 0;
  structuralCount = 0;

  reset(tissue: number): void {
    this.tissue = tissue;
    this.mixTissue = 0;
    this.mix = 0;
    this.activeCode = 0;
    this.structuralCode = 0;
    this.activePriority = 0;
    this.structuralPriority = 0;
    this.activeCount = 0;
    this.structuralCount = 0;
  }

  private markActive(name: string, index: number): void {
    if (this.activeCount < this.activeLesions.length) this.activeLesions[this.activeCount++] = index;
    const p = PRIORITY[name];
    if (p > this.activePriority) {
      this.activePriority = p;
      this.activeCode = LESION_CODES[name as GridLesion];
    }
  }

  private markStructural(name: string, index: number): void {
    if (this.structuralCount < this.structuralLesions.length)
      this.structuralLesions[this.structuralCount++] = index;
    const p = PRIORITY[name];
    if (p > this.structuralPriority) {
      this.structuralPriority = p;
      this.structuralCode = LESION_CODES[name as GridLesion];
    }
  }

  private addMix(tissue: number, f: number): void {
    if (f > this.mix) {
      this.mix = f;
      this.mixTissue = tissue;
    }
  }

  /**
   * Apply lesion `index` at the point last classified by `anat` (u, v, w in the sacral frame).
   * The lesion changes the tissue (structural) or mixes in edema/fluid (active), and marks the
   * voxel for the masks where the change is visible.
   */
  apply(anat: Anatomy, lesion: Lesion, index: number, u: number, v: number, w: number): void {
    if (anat.side !== lesion.joint) return;
    const du = (u - lesion.centre[0]) / lesion.radii[0];
    const dv = (v - lesion.centre[1]) / lesion.radii[1];
    const dw = (w - lesion.centre[2]) / lesion.radii[2];
    let q = du * du + dv * dv + dw * dw;
    if (q > 1.8) return;
    // Irregular border: modulate the radius with the direction.
    q *= 1 + 0.22 * Math.sin(3 * Math.atan2(dv, du) + lesion.phase) * Math.sin(2 * dw + lesion.phase);
    if (q >= 1.3) return;
    const region = anat.region;
    const base = this.tissue;
    const inBone = region === (lesion.bone === 'ilium' ? Region.ilium : Region.sacrum);
    const isMarrow = base === Tissue.marrow;
    switch (lesion.kind) {
      case 'bme':
      case 'enthesitis': {
        const soft =
          lesion.kind === 'enthesitis' &&
          region === Region.soft &&
          (base === Tissue.fat || base === Tissue.muscle || base === Tissue.ligament);
        if (!((inBone && isMarrow) || soft) || q >= 1) return;
        const f = lesion.intensity * (1 - smoothstep(0.45, 1, q));
        this.addMix(Tissue.edema, f);
        if (q < 0.8) this.markActive(lesion.kind, index);
        return;
      }
      case 'capsulitis': {
        const soft =
          region === Region.soft && base !== Tissue.air && base !== Tissue.artery && base !== Tissue.vein;
        if (!(soft || region === Region.joint) || q >= 1) return;
        this.addMix(Tissue.edema, lesion.intensity * (1 - smoothstep(0.5, 1, q)));
        if (q < 0.8) this.markActive('capsulitis', index);
        return;
      }
      case 'joint_space_fluid': {
        if (region !== Region.joint || q >= 1) return;
        const g = anat.gapFraction;
        if (g < 0.2 || g > 0.85) return;
        this.tissue = Tissue.fluid;
        this.markActive('joint_space_fluid', index);
        return;
      }
      case 'sclerosis': {
        if (!inBone || !isMarrow || q >= 1) return;
        this.tissue = Tissue.sclerosis;
        if (q < 0.9) this.markStructural('sclerosis', index);
        return;
      }
      case 'fat_lesion': {
        if (!inBone || !isMarrow || q >= 1) return;
        this.tissue = Tissue.pureFat;
        if (q < 0.9) this.markStructural('fat_lesion', index);
        return;
      }
      case 'erosion':
      case 'backfill': {
        const eligible = region === Region.joint || (inBone && (isMarrow || base === Tissue.cortex));
        if (!eligible) return;
        if (lesion.kind === 'backfill') {
          if (q < 0.75) {
            this.tissue = Tissue.pureFat;
            this.markStructural('backfill', index);
          } else if (q < 1.15 && inBone) {
            this.tissue = Tissue.sclerosis;
          }
          return;
        }
        if (q < 1) {
          this.tissue = lesion.inflamed ? Tissue.inflamedGranulation : Tissue.granulation;
          this.markStructural('erosion', index);
          if (lesion.inflamed && q < 0.8) this.markActive('inflammation_in_erosion', index);
        } else if (q < 1.25 && inBone && isMarrow) {
          // changed adjacent marrow: a thin sclerotic rim
          this.tissue = Tissue.sclerosis;
        }
        return;
      }
      case 'ankylosis': {
        const eligible = region === Region.joint || region === Region.ilium || region === Region.sacrum;
        if (!eligible || q >= 1) return;
        if (region === Region.joint || base === Tissue.cortex || base === Tissue.marrow) {
          this.tissue = Tissue.marrow;
          if (region === Region.joint) this.markStructural('ankylosis', index);
        }
        return;
      }
      case 'bone_bud': {
        if (region !== Region.joint || q >= 1) return;
        const g = anat.gapFraction;
        const fromSacrum = lesion.bone === 'sacrum';
        if (fromSacrum ? g < 0.55 : g > 0.45) {
          this.tissue = Tissue.marrow;
          this.markStructural('bone_bud', index);
        }
        return;
      }
      case 'osteophyte': {
        if (region !== Region.soft || q >= 1) return;
        this.tissue = q > 0.7 ? Tissue.cortex : Tissue.marrow;
        this.markStructural('osteophyte', index);
        return;
      }
    }
  }
}

function smoothstep(e0: number, e1: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
}
