import type { Anatomy } from './anatomy';
import { J_HALF_WIDTH, J_STRIDE, Region, V_VESSEL } from './regions';
import { smoothstep } from './shapes';
import { Tissue } from './tissues';

const AIR = Tissue.air;
const FAT = Tissue.fat;
const MUSCLE = Tissue.muscle;
const ARTERY = Tissue.artery;
const VEIN = Tissue.vein;
const BOWEL = Tissue.bowel;
const FLUID = Tissue.fluid;
const LIGAMENT = Tissue.ligament;

/**
 * Soft tissues at the point `anat` is classifying, outside the bones: pelvic fat with bowel
 * loops, the rectum and bladder (pelvicOrgans.ts) and the iliac vessels in front, psoas and
 * iliacus, the gluteal muscles lateral to the ilium with fat planes between them, paraspinal
 * muscles behind. Reads the point's fields
 * (`beyondIlium`: distance beyond the ilium's outer surface, -1 medial to it; `iliumInner`: its
 * medial surface), sets the result fields of `anat` like Anatomy.classify and returns the tissue
 * code.
 */
export function classifySoft(anat: Anatomy): number {
  const { a, v, w, hw } = anat;
  const lateral = anat.beyondIlium;
  const inner = anat.iliumInner;
  const wA = anat.wAnterior;
  const wP = anat.wPosterior;
  anat.region = Region.soft;
  const side = anat.side;
  // Internal iliac artery and vein in front of the joint; common iliacs converge upwards.
  // (`heights` is at v: classify sought it.)
  const vesselA = anat.joint[side * J_STRIDE + J_HALF_WIDTH] + anat.heights.value(V_VESSEL + side) + 3;
  const da = a - vesselA;
  const dwA = w - (wA - 9);
  if (da * da + dwA * dwA < 10) return (anat.tissue = ARTERY);
  const dvn = a - (vesselA - 4);
  const dwV = w - (wA - 16);
  if (dvn * dvn + dwV * dwV < 20) return (anat.tissue = VEIN);
  // External iliac vessels along the psoas.
  const ex = a - (vesselA + 16);
  const dwe = w - (wA - 36);
  if (ex * ex + dwe * dwe < 14) return (anat.tissue = ARTERY);
  const exv = a - (vesselA + 9);
  if (exv * exv + dwe * dwe < 24) return (anat.tissue = VEIN);
  // Psoas on the pelvic brim.
  const pa = a - (46 + 0.1 * v);
  const pw = w - (wA - 30);
  const psoas = pa * pa + pw * pw;
  if (psoas < PSOAS_SHEATH * PSOAS_SHEATH) {
    // Its fascia, lined with fat, parts it from the iliacus and the pelvic fat.
    const t = muscle(anat, ALONG_LONG_AXIS);
    const fat = planeFat(Math.sqrt(psoas) - PSOAS_SHEATH + 0.7, 0.5);
    if (fat > anat.fraction) anat.fraction = fat;
    return t;
  }
  if (v < -25 && v > -95) {
    const piriformis = piriformisDepth(a, v, w - wA);
    if (piriformis > 0) {
      const t = muscle(anat, PIRIFORMIS);
      const fat = planeFat(piriformis - 1, 0.6);
      if (fat > anat.fraction) anat.fraction = fat;
      return t;
    }
  }
  const organ = anat.pelvicOrgans.classify(anat);
  if (organ >= 0) return organ;
  if (w < wA + 5 && a < inner - 8 && v > -93 && inPelvicCavity(anat, wA, inner)) {
    // Pelvic cavity inside the iliacus: fat, with bowel loops further forward (tubes along a
    // level line of the noise, ~1.5-2.5 cm across: a wall, fluid in the lumen, sometimes gas).
    if (w < wA - 18) {
      const n = anat.noise.at(a / 34 + 5.3, v / 34, w / 34 + 2.1) - 0.5;
      const d = n < 0 ? -n : n;
      if (d < 0.06) {
        if (d > 0.035) return (anat.tissue = BOWEL);
        return (anat.tissue = anat.noise.at(a / 9, v / 9 + 13, w / 9) > 0.66 ? AIR : FLUID);
      }
    }
    return (anat.tissue = FAT);
  }
  if (lateral >= 0) {
    // Fat planes between gluteus maximus and medius, and between medius and minimus (on the
    // wing); their course and thickness wander with a slow noise, evaluated only where a plane
    // can be.
    const nominal = 22 - 0.3 * v;
    const nearPlane = lateral > nominal - 7 && lateral < nominal + 10.4;
    const nearPlane2 = v > -25 && lateral > 5 && lateral < 12.1;
    if (nearPlane || nearPlane2) {
      const n = anat.noise.at(v / 38 + 7.7, w / 38, 3.3);
      const fade = smoothstep(wA - 12, wA + 6, w);
      const plane = nominal + 14 * (n - 0.5);
      const half = 0.5 * (0.8 + 2.6 * n) * fade;
      const plane2 = 8 + 6 * (n - 0.5);
      // Planes often thinner than a voxel: fat by distance from their middle (analytic
      // partial volume over a 1 mm edge), so they stay continuous lines.
      let fat = nearPlane ? planeFat(lateral - plane - half, half) : 0;
      if (nearPlane2) fat = Math.max(fat, planeFat(lateral - plane2 - 0.55 * fade, 0.55 * fade));
      // Gluteus maximus fibres run down and outwards; medius and minimus fan out more steeply.
      const t = muscle(anat, lateral > plane ? GLUTEUS_MAXIMUS : GLUTEUS_MEDIUS);
      if (fat > anat.fraction) anat.fraction = fat;
      return t;
    }
    return muscle(anat, lateral > nominal ? GLUTEUS_MAXIMUS : GLUTEUS_MEDIUS);
  }
  // Fat layer of varying thickness on the dorsal sacrum; fat between the bones where they do
  // not articulate.
  if (w > wP && a < hw && v < 50 - 0.12 * a && w < wP + 0.8 + 3.5 * anat.noise.at(a / 12, v / 12, 5.5))
    return (anat.tissue = FAT);
  // Above the joint this wedge narrows towards the iliolumbar region. It holds the
  // sacroiliac and iliolumbar ligaments: bundles with fat between them (like the interosseous
  // ligament), not the clean bright triangle that pure fat drew at each corner of the sacrum.
  if (a > hw && a < inner && v > -56 && v < 58 - 0.5 * (a - hw) && w > wA && w < wP) {
    anat.second = FAT;
    anat.fraction = smoothstep(0.3, 0.6, anat.noise.at(a / 6 + 11, v / 3, w / 3.5));
    return (anat.tissue = LIGAMENT);
  }
  const t = muscle(anat, ALONG_LONG_AXIS);
  if (w > wP + 3 && v > -80) {
    const fat = paraspinalFat(anat, a, v, w - wP);
    if (fat > anat.fraction) anat.fraction = fat;
  }
  return t;
}

/**
 * Behind the sacrum and the lumbar spine (`back`: mm behind the sacrum's posterior surface): the
 * septum in the midline between the two multifidi, and on each side the fat plane, wandering
 * with a slow noise, between the multifidus and the erector spinae lateral to it. Both fade out
 * over the lower sacrum, where the muscles thin to tendon.
 */
function paraspinalFat(anat: Anatomy, a: number, v: number, back: number): number {
  // The erector spinae's medial border converges downwards with the muscle mass.
  const nominal = 30 + 0.1 * back + 0.1 * v;
  // The noise (wandering +-5 mm) is looked up only where a plane can be.
  if (a > 1 && (a < nominal - 6.1 || a > nominal + 6.1)) return 0;
  const n = anat.noise.at(v / 40 + 1.7, back / 40, 6.1);
  const plane = nominal + 10 * (n - 0.5);
  const fat = Math.max(0.6 * planeFat(a, 0.4), planeFat(a - plane, 0.6));
  return fat * smoothstep(-80, -55, v);
}

/** Fibre directions (cos, sin of the angle from the long axis, outwards) by muscle. */
const FIBRES = [0, 0.3, 0.75, 1.1].map((angle) => [Math.cos(angle), Math.sin(angle)]);
const ALONG_LONG_AXIS = 0;
const GLUTEUS_MEDIUS = 1;
const GLUTEUS_MAXIMUS = 2;
const PIRIFORMIS = 3;

/** Radius (mm) of the psoas, its fascia included. */
const PSOAS_SHEATH = 18.5;

/** The piriformis: from the front of the lower sacrum (S2-S4) out through the greater sciatic notch. */
const PIRIFORMIS_START = [18, -40, -7];
const PIRIFORMIS_END = [72, -85, 4];

/**
 * Depth (mm) inside the piriformis, a tube tapering from 11 to 8 mm radius along its course (w
 * relative to the sacrum's front); <= 0 outside it.
 */
function piriformisDepth(a: number, v: number, w: number): number {
  const [a0, v0, w0] = PIRIFORMIS_START;
  const da = PIRIFORMIS_END[0] - a0;
  const dv = PIRIFORMIS_END[1] - v0;
  const dw = PIRIFORMIS_END[2] - w0;
  const t = ((a - a0) * da + (v - v0) * dv + (w - w0) * dw) / (da * da + dv * dv + dw * dw);
  if (t < 0 || t > 1) return 0;
  const ea = a - a0 - t * da;
  const ev = v - v0 - t * dv;
  const ew = w - w0 - t * dw;
  const r = 11 - 3 * t;
  const d2 = ea * ea + ev * ev + ew * ew;
  return d2 < r * r ? r - Math.sqrt(d2) : 0;
}

/** Fat fraction at signed distance d (mm) from the middle of a fat plane of half-thickness half. */
function planeFat(d: number, half: number): number {
  const outside = (d < 0 ? -d : d) - half;
  return outside <= -0.5 ? 1 : outside >= 0.5 ? 0 : 0.5 - outside;
}

/**
 * The pelvic cavity: in front of the sacrum and medial to the iliacus, its walls wandering by up
 * to +-6 mm (a slow noise) instead of following a plane.
 */
function inPelvicCavity(anat: Anatomy, wA: number, inner: number): boolean {
  const { a, v, w } = anat;
  const n = anat.noise.at(a / 25 + 1.3, v / 25, w / 25 + 4.4) - 0.5;
  return w < wA - 1 + 12 * n && a < inner - 16 + 16 * n && v > -85 + 16 * n;
}

/**
 * Muscle with fatty septa between its fascicle bundles: the level line n = 1/2 of a noise
 * stretched along the fibre direction, which gives long, gently curving, mostly parallel lines a
 * few mm apart that end and branch, as the perimysial fat does on T1. (Thresholding the noise's
 * peaks instead gave short, evenly scattered dashes that read as rain.) The septa are thinner
 * than a voxel, so their fat is a fraction that falls off with the distance from the line.
 */
function muscle(anat: Anatomy, fibres: number): number {
  const { a, v, w } = anat;
  const c = FIBRES[fibres][0];
  const s = FIBRES[fibres][1];
  const along = (s * a + c * v) / 60;
  const across = (c * a - s * v) / 6;
  const n = anat.noise.at(along + 21.7, across, w / 20) - 0.5;
  const d = n < 0 ? -n : n;
  anat.second = FAT;
  anat.fraction = 0;
  if (d < SEPTUM) {
    // Septa come in patches (more fatty bundles in some parts of a muscle than in others).
    const patch = anat.noise.at(a / 28 + 3.3, v / 28 + 1.1, w / 28 + 7.7);
    anat.fraction = SEPTUM_FAT * (1 - d / SEPTUM) * smoothstep(0.42, 0.68, patch);
  }
  return (anat.tissue = MUSCLE);
}

/** Half-width of a septum in noise units, and the fat fraction at its middle. */
const SEPTUM = 0.06;
const SEPTUM_FAT = 0.25;
