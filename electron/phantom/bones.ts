import type { Anatomy } from './anatomy';
import {
  J_CARTILAGE_GAP,
  J_HALF_WIDTH,
  J_ILIUM,
  J_STRIDE,
  Region,
  V_CANAL_HALF_WIDTH,
  V_FLARE,
  V_HIATUS,
  V_ILIUM_BACK,
  V_ILIUM_OUTER,
} from './regions';
import { classifySoft } from './softTissue';
import { smoothstep } from './shapes';
import { Tissue } from './tissues';

/**
 * The bones at the point `anat` is classifying (its fields u, v, w, a, hw, ... are set by
 * Anatomy.classify): sacrum with canal, foramina and remnant discs; the joint gap; the ilium
 * (the lumbar spine is in lumbar.ts). Each sets the result fields of `anat` and returns the tissue
 * code, or -1 where the point is not in that structure.
 */

const FAT = Tissue.fat;
const CORTEX = Tissue.cortex;
const CARTILAGE = Tissue.cartilage;
const CLEFT = Tissue.jointCleft;
const LIGAMENT = Tissue.ligament;
const CSF = Tissue.csf;
const NERVE = Tissue.nerve;
const DISC = Tissue.disc;

export const CORTEX_MM = 1.3;
/**
 * Anterior sacral foramina S1-S4: height (v), distance from the midline at the canal, radius.
 * They shrink caudally with the roots they carry.
 */
const FORAMINA_V = [28, 3, -22, -45];
const FORAMINA_U = [17, 16, 15, 14];
const FORAMINA_R = [4.8, 4.0, 3.2, 2.4];
/**
 * Fat fraction of a foramen's contents at its axis and at its wall: the ventral ramus runs in the
 * middle, fat and veins surround it, so the foramen fades into the fatty marrow instead of
 * ending at a rim.
 */
const FORAMEN_FAT_AXIS = 0.3;
const FORAMEN_FAT_WALL = 0.6;
/** Remnant discs S1/S2 and S2/S3. */
const DISC_V = [15.5, -9.5];

/** Sacrum (medial to the joint surface). */
export function classifySacrum(anat: Anatomy): number {
  const { u, v, w, a } = anat;
  const vTop = 50 - 0.12 * a;
  const vBottom = -110 + 0.06 * a * a;
  const wA = anat.wAnterior;
  const wP = anat.wPosterior;
  if (!(v > vBottom && v < vTop && w > wA && w < wP)) return -1;
  anat.region = Region.sacrum;
  const depth = anat.hw - a;
  anat.depth = depth;
  const th = anat.thickness;
  // Sacral canal: thecal sac (CSF) above S2, epidural fat and paired roots below; it ends at
  // the sacral hiatus.
  const cw = anat.curve + 0.15 * th;
  const ru = anat.heights.value(V_CANAL_HALF_WIDTH);
  const rw = 0.14 * th + 1;
  const hiatus = anat.heights.value(V_HIATUS);
  const eu = u / ru;
  const ew = (w - cw) / rw;
  const e = eu * eu + ew * ew + hiatus * hiatus;
  if (e < 1) {
    anat.region = Region.soft;
    if (v > -25) return (anat.tissue = CSF);
    // Sacral roots: bundles in the epidural fat, wandering along the canal.
    const roots = anat.noise.at(u / 3 + 9.1, v / 14, w / 3);
    return (anat.tissue = roots > 0.62 ? NERVE : FAT);
  }
  const rim = 1 + CORTEX_MM / ru;
  if (e < rim * rim) return (anat.tissue = CORTEX);
  // Anterior sacral foramina: oval tunnels from the canal running forwards, outwards and a little
  // downwards (seen nearly end-on in semicoronal slices). Their wall is a thin shell of cortex,
  // thinner than a voxel and lined with fat, so it is left out: drawn, it made a ring that read as
  // a target lesion.
  if (w < cw) {
    const fw = cw - w;
    for (let k = 0; k < FORAMINA_V.length; k++) {
      const r = FORAMINA_R[k];
      const dv = v - FORAMINA_V[k] + 0.15 * fw;
      if (dv > r || dv < -r) continue;
      const du = (a - FORAMINA_U[k] - 0.3 * fw) / 1.25;
      const rho2 = (du * du + dv * dv) / (r * r);
      if (rho2 < 1) {
        anat.region = Region.soft;
        anat.second = FAT;
        anat.fraction = FORAMEN_FAT_AXIS + (FORAMEN_FAT_WALL - FORAMEN_FAT_AXIS) * rho2;
        return (anat.tissue = NERVE);
      }
    }
    // Remnant discs between the fused sacral segments: thin, slightly wavy lenses that fade
    // laterally.
    if (a < 18) {
      const lens = 1 - (a * a) / 324;
      for (let k = 0; k < DISC_V.length; k++) {
        const dd = Math.abs(v - DISC_V[k] - 0.002 * a * a - 0.8 * Math.sin(0.25 * u + k));
        if (dd < 0.9 * lens) return (anat.tissue = DISC);
        if (dd < 0.9 * lens + 0.7) return (anat.tissue = CORTEX);
      }
    }
  }
  const d = Math.min(depth, w - wA, wP - w, vTop - v, v - vBottom);
  if (d < CORTEX_MM) return (anat.tissue = CORTEX);
  return anat.marrow();
}

/** Lateral to the sacral joint surface: the joint gap, the ilium, or the soft tissues around it. */
export function classifyIlium(anat: Anatomy): number {
  const { v, w, a } = anat;
  const side = anat.side;
  const H = anat.heights;
  const hw = anat.hw;
  const t = a - hw;
  const c = anat.cartilage;
  const l = anat.ligament;
  const g = anat.sampledGap(side);
  const wA = anat.wAnterior;
  const wP = anat.wPosterior;
  // Medial iliac surface: meets the sacrum at the joint, curves away in front (pelvic inlet),
  // above (iliac fossa) and below (greater sciatic notch).
  const front = wA - w;
  const ant = 0.5 * (front + Math.sqrt(front * front + 9));
  const flare = 0.012 * ant * ant + H.value(V_FLARE);
  const inner = hw + g + flare;
  const below = -8 - w;
  const vIlBot = -64 - 1.2 * (below + Math.sqrt(below * below + 36));
  const wIP = wP + H.value(V_ILIUM_BACK);
  if (t < g && flare < 0.6 && v > -62 && v < 46 && w > wA && w < wP && (c > 0.5 || l > 0.5)) {
    anat.region = Region.joint;
    anat.gapFraction = t / g;
    if (c > 0.5) {
      // The joint cleft between the two cartilage layers is thinner than a voxel: blended in by
      // distance from the gap's middle (analytic partial volume) rather than sampled, which
      // would leave a dotted line.
      const d = Math.abs(anat.gapFraction - 0.56) * g;
      anat.second = CLEFT;
      anat.fraction = d < 0.6 ? 0.8 * (1 - d / 0.6) : 0;
      return (anat.tissue = CARTILAGE);
    }
    // Interosseous ligament: fibre bundles across the gap with fat between them.
    const n = anat.noise.at(anat.u / 7 + 11, v / 2.2, w / 2.6);
    anat.second = FAT;
    anat.fraction = smoothstep(0.45, 0.7, n);
    return (anat.tissue = LIGAMENT);
  }
  // Iliac bone: its gluteal (outer) surface is steeper than the joint, so the bone widens
  // upwards into the wing; thicker behind (iliac tuberosity), thinner in front.
  const o = side * J_STRIDE;
  const J = anat.joint;
  const wPos = 0.5 * (w + Math.sqrt(w * w + 16));
  const outerRaw =
    J[o + J_HALF_WIDTH] +
    J[o + J_CARTILAGE_GAP] +
    J[o + J_ILIUM] +
    H.value(V_ILIUM_OUTER) +
    0.35 * ant +
    0.4 * wPos;
  const spare = outerRaw - inner - 8;
  const outer = inner + 8 + 0.5 * (spare + Math.sqrt(spare * spare + 16));
  if (a >= inner && a < outer && v > vIlBot && w > -110 && w < wIP) {
    // The iliac crest: a rounded cap over the wing's width.
    const half = 0.5 * (outer - inner);
    const x = (a - inner - half) / half;
    const crest = 88 + 8 * Math.sqrt(1 - x * x);
    if (v < crest) {
      anat.region = Region.ilium;
      anat.depth = a - inner;
      const d = Math.min(a - inner, outer - a, crest - v, v - vIlBot, wIP - w);
      if (d < CORTEX_MM) return (anat.tissue = CORTEX);
      return anat.marrow();
    }
  }
  anat.beyondIlium = a >= outer ? a - outer : -1;
  anat.iliumInner = inner;
  return classifySoft(anat);
}
