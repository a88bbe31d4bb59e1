import type { Anatomy } from './anatomy';
import type { ValueNoise } from './noise';
import { Tissue } from './tissues';

const AIR = Tissue.air;
const FAT = Tissue.fat;
const MUSCLE = Tissue.muscle;
const BOWEL = Tissue.bowel;
const FLUID = Tissue.fluid;

/** Rectal wall and bladder wall thickness, mm. */
const RECTAL_WALL = 3;
const BLADDER_WALL = 2.5;
/** The mesorectal fat around the rectum, mm. */
const MESORECTUM = 7;
/** Centre of the bladder (mm, patient's posterior and superior) from the sacral frame's origin. */
const BLADDER_CENTRE_Y = -75;
const BLADDER_CENTRE_Z = -50;
/** The rectum runs from the anorectal junction (below the coccyx) up to the rectosigmoid at S3. */
const RECTUM_BOTTOM_V = -135;
const RECTOSIGMOID_V = -25;

/**
 * The rectum with the sigmoid above it, and the urinary bladder, in the sacral frame. The rectum
 * follows the sacral concavity a few millimetres in front of the bone, widening into the ampulla
 * low down, and turns forwards and to the patient's left into the sigmoid above S3. The bladder
 * lies far in front (behind the pubis); only a full one reaches back into the most anterior
 * semicoronal slices, as a dome of fluid between the psoas muscles. Sizes and the rectum's course
 * vary per patient (drawn from the patient's texture noise, so the body's sampled numbers stay
 * as they were).
 */
export class PelvicOrgans {
  /** bladder filling, 0.75 (nearly empty) to 1.25 (full): scales its radii */
  private readonly bladderFill: number;
  /** the rectum's sideways offset (mm, + = patient's left) and its lumen radius scale */
  private readonly rectalShift: number;
  private readonly rectalSize: number;

  constructor(
    noise: ValueNoise,
    private readonly sinTilt: number,
    private readonly cosTilt: number,
  ) {
    // Lattice points of the noise are independent uniform draws.
    this.bladderFill = 0.75 + 0.5 * noise.at(0, 17, 23);
    this.rectalShift = 8 * (noise.at(5, 29, 11) - 0.5);
    this.rectalSize = 0.8 + 0.4 * noise.at(13, 2, 31);
  }

  /** Tissue of a pelvic organ at the point `anat` is classifying, or -1 where there is none. */
  classify(anat: Anatomy): number {
    const u = anat.u;
    const v = anat.v;
    const w = anat.w;
    if (v > 100 || w > anat.wAnterior + 4) return -1;
    const rectum = this.rectum(anat, u, v, w);
    if (rectum >= 0) return rectum;
    return this.bladder(anat, u, v, w);
  }

  private rectum(anat: Anatomy, u: number, v: number, w: number): number {
    if (v < RECTUM_BOTTOM_V) return -1;
    // Lumen radius: the ampulla (below S4) is widest.
    const ampulla = Math.exp(-((v + 85) * (v + 85)) / 1200);
    const radius = this.rectalSize * (12 + 8 * ampulla);
    // The centre line: in the midline against the sacrum's front (wAnterior includes the midline
    // bulge only near u = 0, so use its value there), then forwards and to the left above S3.
    const up = v > RECTOSIGMOID_V ? v - RECTOSIGMOID_V : 0;
    const frontOfSacrum = anat.curve - 0.55 * anat.thickness - 4.5;
    const cu = this.rectalShift + 0.55 * up;
    const cw = frontOfSacrum - radius - RECTAL_WALL - 4 - 0.5 * up;
    const du = u - cu;
    const dw = w - cw;
    const r = Math.sqrt(du * du + dw * dw);
    const outer = radius + RECTAL_WALL;
    if (r > outer + MESORECTUM) return -1;
    if (r > outer) return (anat.tissue = FAT);
    anat.second = FAT;
    anat.fraction = 0;
    if (r > radius) return (anat.tissue = BOWEL);
    // Content: gas rises to the anterior (non-dependent) side of the lumen of a supine patient;
    // the rest is faeces, mottled with fluid.
    const n = anat.noise.at(u / 8 + 2.9, v / 10, w / 8 + 8.1);
    if (dw < -0.35 * radius && n > 0.55) return (anat.tissue = AIR);
    anat.second = FLUID;
    anat.fraction = 0.3 * n;
    return (anat.tissue = BOWEL);
  }

  private bladder(anat: Anatomy, u: number, v: number, w: number): number {
    const f = this.bladderFill;
    // Its centre and radii in the patient's axes: behind the pubis, above the pelvic floor.
    const y = w * this.cosTilt - v * this.sinTilt;
    const z = v * this.cosTilt + w * this.sinTilt;
    const eu = u / (50 * f);
    const ey = (y - BLADDER_CENTRE_Y) / (45 * f);
    const ez = (z - BLADDER_CENTRE_Z) / (55 * f);
    const e = eu * eu + ey * ey + ez * ez;
    if (e >= 1.25) return -1;
    // The wall's thickness in units of e near its surface (e ~ 1 + 2 d / r).
    const wall = (2 * BLADDER_WALL) / (45 * f);
    if (e > 1 + wall) return (anat.tissue = FAT);
    anat.second = FAT;
    anat.fraction = 0;
    if (e > 1) return (anat.tissue = MUSCLE);
    return (anat.tissue = FLUID);
  }
}
