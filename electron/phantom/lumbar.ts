import type { Anatomy } from './anatomy';
import { CORTEX_MM } from './bones';
import { Region } from './regions';
import { Tissue } from './tissues';

/**
 * The lumbar spine above the sacrum at the point `anat` is classifying: vertebral bodies with
 * their discs, and behind them the canal, the pedicles, the articular pillars with their facet
 * joints, the laminae and the spinous processes. The spine leans back on the sacrum by the
 * lumbosacral angle, turned about the middle of L5's lower endplate, so the L5/S1 disc is a wedge,
 * taller in front, and a semicoronal slice cuts the vertebrae obliquely (an upright box in every
 * slice looked drawn, not imaged). Positions are in the leaning frame: `along` up the spine from
 * the pivot level, `back` behind the middle of the vertebral body.
 */

const FAT = Tissue.fat;
const CORTEX = Tissue.cortex;
const CARTILAGE = Tissue.cartilage;
const CSF = Tissue.csf;
const DISC = Tissue.disc;

/** v of the middle of L5's lower endplate, about which the spine leans back on the sacrum. */
const PIVOT_V = 58;
/** `along` of L5's lower endplate, a vertebral body's height and one level (body + disc), mm. */
const L5_BASE = 57;
const BODY_HEIGHT = 36;
const LEVEL = 45;
/** Half depth (front to back) and half width of a vertebral body. */
const BODY_HALF_DEPTH = 15.5;
const BODY_HALF_WIDTH = 24;
/** Depth below which posterior-element marrow counts as far from any joint (no subchondral water). */
const FAR = 20;

export function classifyLumbar(anat: Anatomy): number {
  const { v, w, a } = anat;
  // The sacral base, as in classifySacrum.
  const vTop = 50 - 0.12 * a;
  if (v < vTop - 2) return -1;
  const dv = v - PIVOT_V;
  const dw = w - (anat.wAnterior + anat.bulge + 17.5);
  const along = PIVOT_V + dv * anat.lumbarCos + dw * anat.lumbarSin;
  const back = dw * anat.lumbarCos - dv * anat.lumbarSin;
  // Position within the level: 0 at a body's lower endplate, BODY_HEIGHT at its upper one.
  const r = along - L5_BASE;
  const level = r < 0 ? 0 : Math.floor(r / LEVEL);
  const local = r - level * LEVEL;
  if (back < BODY_HALF_DEPTH) return vertebralBody(anat, a, local, back, level > 0 || v > vTop);
  return posteriorElements(anat, a, local, back);
}

/** Body or disc; `discAllowed` is false below the sacral base, where the sacrum is. */
function vertebralBody(anat: Anatomy, a: number, local: number, back: number, discAllowed: boolean): number {
  const zw = back / BODY_HALF_DEPTH;
  // The endplates are concave: each disc bulges a little into the bodies above and below it.
  const cup = 1.5 * (1 - (a * a) / 576);
  if (local < cup || local > BODY_HEIGHT - cup) {
    const za = a / 25;
    if (za * za + zw * zw >= 1 || !discAllowed) return -1;
    anat.region = Region.sacrum;
    return (anat.tissue = DISC);
  }
  const zv = (local - BODY_HEIGHT / 2) / (BODY_HEIGHT / 2);
  const waist = 1 - 0.07 * (1 - zv * zv);
  const za = a / (BODY_HALF_WIDTH * waist);
  const q = za * za * za * za + zw * zw * zw * zw + zv * zv * zv * zv;
  if (q >= 1) return -1;
  anat.region = Region.sacrum;
  const d = (1 - Math.sqrt(q)) * 12;
  if (d < CORTEX_MM || local - cup < CORTEX_MM || BODY_HEIGHT - cup - local < CORTEX_MM)
    return (anat.tissue = CORTEX);
  return anat.marrow();
}

/**
 * Behind the body: the thecal sac in epidural fat, between the pedicles; the articular pillars
 * lateral to it, cut at each level by the facet joint; the laminae roofing it and the spinous
 * process in the midline. Each part is an implicit solid e < 1 (e a sum of powers of normalised
 * distances), with a cortical shell where e is close to 1.
 */
function posteriorElements(anat: Anatomy, a: number, local: number, back: number): number {
  const canalA = a / 11;
  const canalW = (back - 19) / 7.5;
  const canal = canalA * canalA + canalW * canalW;
  if (canal < 1) {
    anat.region = Region.soft;
    return (anat.tissue = CSF);
  }
  if (canal < 1.45) {
    anat.region = Region.soft;
    return (anat.tissue = FAT);
  }
  // Pedicles: short tubes from the body's back, in the upper half of the level.
  const pa = (a - 15.5) / 4.5;
  const pv = (local - 21) / 7.5;
  const pb = (back - 22) / 9;
  const pedicle = pa * pa + pv * pv + pb * pb * pb * pb;
  if (pedicle < 1) return bone(anat, pedicle, 4.5);
  // Articular pillar: a column along the spine whose facet joint (cartilage) crosses it just above
  // each disc; the lowest reaches down onto the sacrum (S1's superior articular process).
  const xa = (a - 19) / 6;
  const xb = (back - 28) / 7;
  const pillar = xa * xa + xb * xb;
  if (pillar < 1 && local > -11) {
    const facet = local - 3 < 0 ? 3 - local : local - 3;
    if (facet < 0.8) {
      anat.region = Region.soft;
      return (anat.tissue = CARTILAGE);
    }
    return bone(anat, pillar, 6);
  }
  const la = a / 20;
  const lb = (back - 31) / 4.5;
  const lv = (local - 20) / 14;
  const lamina = la * la * la * la + lb * lb + lv * lv * lv * lv;
  if (lamina < 1) return bone(anat, lamina, 4.5);
  const sa = a / 4.5;
  const sb = (back - 47) / 14;
  const sv = (local - 19) / 10;
  const spinous = sa * sa + sb * sb * sb * sb + sv * sv * sv * sv;
  if (spinous < 1) return bone(anat, spinous, 4.5);
  return -1;
}

/** Bone of a posterior element whose implicit function is e (< 1), with `radius` its thinnest half-size. */
function bone(anat: Anatomy, e: number, radius: number): number {
  anat.region = Region.sacrum;
  anat.depth = FAR;
  if ((1 - Math.sqrt(e)) * radius < CORTEX_MM) return (anat.tissue = CORTEX);
  return anat.marrow();
}
