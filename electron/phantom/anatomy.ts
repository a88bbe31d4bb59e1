import { Tissue } from './tissues';
import type { PatientBody } from './patient';

/**
 * The pelvis as implicit 3D shapes in a sacral frame, evaluated point by point.
 *
 * Sacral frame (mm, divided by the patient's scale): u = patient left, v = along the long axis of
 * the sacrum towards its base (up and forward), w = perpendicular to the sacrum, posterior.
 * A true semicoronal slice is a plane of constant w. The sacrum is a wedge narrowing downwards and
 * backwards; its lateral surfaces are the joint surfaces. The auricular (cartilaginous) joint is
 * an ear-shaped band in the (v, w) plane, anterior and inferior; posterior-superior to it the
 * bones are joined by the interosseous ligament. The ilia lie lateral to the joint gap.
 */

export const Region = { soft: 0, sacrum: 1, ilium: 2, joint: 3 } as const;

/** The auricular band's centre line in (v, w): upper arm, anterior bend, lower arm. */
const AURICULAR: readonly [number, number][] = [
  [40, -3],
  [6, -14],
  [-52, -3],
];
const AURICULAR_HALF_WIDTH = 11;
const CORTEX_MM = 1.3;
const FORAMINA_V = [28, 3, -22, -45];
const FORAMINA_U = [19, 17.5, 16, 14.5];
const FORAMINA_R = [5.5, 4.8, 4.0, 3.4];
const DISC_V = [15.5, -9.5];
const TABLE_V0 = -140;
const TABLE_NV = 260;
const TABLE_W0 = -120;
const TABLE_NW = 220;

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

function smoothstep(e0: number, e1: number, x: number): number {
  const t = clamp((x - e0) / (e1 - e0), 0, 1);
  return t * t * (3 - 2 * t);
}

export class Anatomy {
  /** Result of the last `classify` call (fields, not objects, so the hot loop allocates nothing). */
  tissue = 0;
  region = 0;
  /** 0 = patient's right, 1 = left */
  side = 0;
  /** distance from the articular surface into the bone, mm (bone regions only) */
  depth = 0;
  /** position across the joint gap: 0 at the sacral surface, 1 at the iliac surface */
  gapFraction = 0;
  /** red marrow fraction (marrow only) */
  red = 0;

  readonly body: PatientBody;
  /** patient LPS -> sacral frame, row-major 3x3 including 1/scale */
  readonly toLocal: number[];
  private readonly sinTilt: number;
  private readonly cosTilt: number;
  private readonly midV: Float32Array;
  /** (v, w) table at 1 mm, interleaved per node: cartilage weight, ligament weight, undulation right, left */
  private readonly table: Float32Array;
  /** last `sample`: interpolated table values at (v, w) */
  private sC = 0;
  private sL = 0;
  private sU0 = 0;
  private sU1 = 0;

  constructor(body: PatientBody) {
    this.body = body;
    const t = (body.sacralTiltDeg * Math.PI) / 180;
    this.sinTilt = Math.sin(t);
    this.cosTilt = Math.cos(t);
    // Sacral axes in LPS before the patient's rotation on the table.
    let eu = [1, 0, 0];
    let ev = [0, -this.sinTilt, this.cosTilt];
    let ew = [0, this.cosTilt, this.sinTilt];
    const yaw = (body.yawDeg * Math.PI) / 180;
    const roll = (body.rollDeg * Math.PI) / 180;
    const rotate = (a: number[]): number[] => {
      // yaw about the z (S) axis, then roll about the y (P) axis
      const x1 = a[0] * Math.cos(yaw) - a[1] * Math.sin(yaw);
      const y1 = a[0] * Math.sin(yaw) + a[1] * Math.cos(yaw);
      const z1 = a[2];
      return [x1 * Math.cos(roll) + z1 * Math.sin(roll), y1, -x1 * Math.sin(roll) + z1 * Math.cos(roll)];
    };
    eu = rotate(eu);
    ev = rotate(ev);
    ew = rotate(ew);
    const s = 1 / body.scale;
    this.toLocal = [...eu, ...ev, ...ew].map((x) => x * s);
    this.table = new Float32Array(TABLE_NV * TABLE_NW * 4);
    for (let iv = 0; iv < TABLE_NV; iv++) {
      const v = TABLE_V0 + iv;
      for (let iw = 0; iw < TABLE_NW; iw++) {
        const w = TABLE_W0 + iw;
        const idx = 4 * (iv * TABLE_NW + iw);
        this.table[idx] = this.cartilageWeightExact(v, w);
        this.table[idx + 1] = this.ligamentWeightExact(v, w);
        for (let side = 0; side < 2; side++) {
          const ph = body.joints[side].undulationPhase;
          this.table[idx + 2 + side] = 0.7 * Math.sin(0.21 * v + ph) * Math.sin(0.17 * w + 1.3 * ph);
        }
      }
    }
    this.midV = this.computeJointMidpoints();
  }

  /** Bilinear interpolation of all table values at (v, w) into sC, sL, sU0, sU1; 0 outside. */
  private sample(v: number, w: number): void {
    const fv = v - TABLE_V0;
    const fw = w - TABLE_W0;
    if (fv < 0 || fw < 0 || fv >= TABLE_NV - 1 || fw >= TABLE_NW - 1) {
      this.sC = this.sL = this.sU0 = this.sU1 = 0;
      return;
    }
    const iv = fv | 0;
    const iw = fw | 0;
    const tv = fv - iv;
    const tw = fw - iw;
    const w00 = (1 - tv) * (1 - tw);
    const w01 = (1 - tv) * tw;
    const w10 = tv * (1 - tw);
    const w11 = tv * tw;
    const T = this.table;
    const i00 = 4 * (iv * TABLE_NW + iw);
    const i01 = i00 + 4;
    const i10 = i00 + 4 * TABLE_NW;
    const i11 = i10 + 4;
    this.sC = w00 * T[i00] + w01 * T[i01] + w10 * T[i10] + w11 * T[i11];
    this.sL = w00 * T[i00 + 1] + w01 * T[i01 + 1] + w10 * T[i10 + 1] + w11 * T[i11 + 1];
    this.sU0 = w00 * T[i00 + 2] + w01 * T[i01 + 2] + w10 * T[i10 + 2] + w11 * T[i11 + 2];
    this.sU1 = w00 * T[i00 + 3] + w01 * T[i01 + 3] + w10 * T[i10 + 3] + w11 * T[i11 + 3];
  }

  /** Sacral half-width (u of the sacral joint surface) on one side at (v, w). */
  halfWidth(side: number, v: number, w: number): number {
    this.sample(v, w);
    return this.halfWidthSampled(side, v, w);
  }

  /** halfWidth using the table values of the last `sample(v, w)`. */
  private halfWidthSampled(side: number, v: number, w: number): number {
    const j = this.body.joints[side];
    let hw = j.halfWidth + j.slope * clamp(v, -60, 48) - 0.22 * w + (side === 0 ? this.sU0 : this.sU1);
    if (v < -60) hw += 0.55 * (v + 60);
    return hw < 8 ? 8 : hw;
  }

  /** 1 inside the cartilaginous (auricular) joint, 0 outside, smooth at the border. */
  cartilageWeight(v: number, w: number): number {
    this.sample(v, w);
    return this.sC;
  }

  /** 1 in the interosseous (ligamentous) compartment: posterior-superior to the auricular band. */
  ligamentWeight(v: number, w: number): number {
    this.sample(v, w);
    return this.sL;
  }

  private cartilageWeightExact(v: number, w: number): number {
    let best = 1e9;
    for (let s = 0; s < AURICULAR.length - 1; s++) {
      const [v0, w0] = AURICULAR[s];
      const [v1, w1] = AURICULAR[s + 1];
      const dv = v1 - v0;
      const dw = w1 - w0;
      const t = clamp(((v - v0) * dv + (w - w0) * dw) / (dv * dv + dw * dw), 0, 1);
      const ev = v - (v0 + t * dv);
      const ew = w - (w0 + t * dw);
      const d = ev * ev + ew * ew;
      if (d < best) best = d;
    }
    return 1 - smoothstep(AURICULAR_HALF_WIDTH - 2, AURICULAR_HALF_WIDTH + 2, Math.sqrt(best));
  }

  private ligamentWeightExact(v: number, w: number): number {
    return smoothstep(-2, 4, w - this.auricularW(v)) * smoothstep(-30, -18, v) * (1 - smoothstep(44, 50, v));
  }

  /** w of the auricular band's centre line at height v. */
  auricularW(v: number): number {
    if (v >= AURICULAR[1][0]) {
      const t = clamp((v - AURICULAR[1][0]) / (AURICULAR[0][0] - AURICULAR[1][0]), 0, 1);
      return AURICULAR[1][1] + t * (AURICULAR[0][1] - AURICULAR[1][1]);
    }
    const t = clamp((AURICULAR[1][0] - v) / (AURICULAR[1][0] - AURICULAR[2][0]), 0, 1);
    return AURICULAR[1][1] + t * (AURICULAR[2][1] - AURICULAR[1][1]);
  }

  /** Joint gap width on one side: narrow at the cartilage, wider in the ligament, open elsewhere. */
  gap(side: number, v: number, w: number): number {
    this.sample(v, w);
    return this.gapFrom(side, this.sC, this.sL);
  }

  private gapFrom(side: number, c: number, l: number): number {
    const j = this.body.joints[side];
    return j.cartilageGap * c + (1 - c) * (l * j.ligamentGap + (1 - l) * 11);
  }

  sacrumThickness(v: number): number {
    return clamp(18 + 0.2 * (v + 105), 18, 50);
  }

  /** Midpoint (v) of the joint's craniocaudal extent in the plane w: divides upper from lower quadrants. */
  jointMidV(w: number): number {
    const idx = Math.round((clamp(w, -80, 80) + 80) * 2);
    return this.midV[idx];
  }

  private computeJointMidpoints(): Float32Array {
    const out = new Float32Array(321);
    for (let n = 0; n < out.length; n++) {
      const w = n / 2 - 80;
      let lo = Infinity;
      let hi = -Infinity;
      for (let v = -70; v <= 50; v += 0.5) {
        const th = this.sacrumThickness(v);
        if (w < -0.55 * th || w > 0.45 * th) continue;
        if (this.cartilageWeight(v, w) > 0.5 || this.ligamentWeight(v, w) > 0.5) {
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
      }
      out[n] = lo <= hi ? (lo + hi) / 2 : -5;
    }
    return out;
  }

  /**
   * Classify the point (u, v, w) of the sacral frame. Sets tissue, region, side, depth,
   * gapFraction and red; returns the tissue code.
   */
  classify(u: number, v: number, w: number): number {
    const b = this.body;
    const s = b.scale;
    // Body outline: an ellipse in the axial plane, in mm of the patient.
    const bx = u * s;
    const by = s * (w * this.cosTilt - v * this.sinTilt) - b.bodyCentreY;
    const bz = s * (v * this.cosTilt + w * this.sinTilt);
    const ax = b.bodyHalfWidth + (bz < -40 ? 0.25 * (-40 - bz) : 0);
    // Buttocks: the body reaches further back below the sacral base.
    const ay = b.bodyHalfDepth + (by > 0 && bz < -10 ? 0.3 * (-10 - bz) : 0);
    const r2 = (bx * bx) / (ax * ax) + (by * by) / (ay * ay);
    this.region = Region.soft;
    this.side = u >= 0 ? 1 : 0;
    this.depth = 0;
    this.red = 0;
    if (r2 >= 1) return (this.tissue = Tissue.air);
    const skin = (1 - Math.sqrt(r2)) * (by > 0 ? ay : Math.min(ax, ay));
    if (skin < b.subcutaneousFat / s) return (this.tissue = Tissue.fat);

    const a = u < 0 ? -u : u;
    const side = this.side;
    this.sample(v, w);
    const hw = this.halfWidthSampled(side, v, w);
    const th = this.sacrumThickness(v);
    const wA = -0.55 * th;
    const wP = 0.45 * th;
    const t = a - hw;

    if (t < 0) {
      const vTop = 50 - 0.12 * a;
      if (v > -108 && v < vTop && w > wA && w < wP) return this.sacrum(u, a, v, w, -t, th, wA, wP, vTop);
      // L5 vertebral body and the L5/S1 disc above the sacral base.
      const lw = (w - wA - 17.5) / 15.5;
      const la = a / 24;
      if (v >= vTop && v < 92 && la * la * la * la + lw * lw * lw * lw < 1) {
        this.region = Region.sacrum;
        if (v < 57) return (this.tissue = Tissue.disc);
        const d = Math.min((1 - Math.sqrt(la * la * la * la + lw * lw * lw * lw)) * 12, v - 57, 92 - v);
        if (d < CORTEX_MM) return (this.tissue = Tissue.cortex);
        this.red = this.marrowRed(u, v, w);
        return (this.tissue = Tissue.marrow);
      }
      return this.soft(a, v, w, hw, wA, wP, -1, hw);
    }

    const c = this.sC;
    const l = this.sL;
    const g = this.gapFrom(side, c, l);
    const j = b.joints[side];
    // Medial iliac surface: meets the sacrum at the joint, curves away in front (pelvic inlet),
    // above (iliac fossa) and below (greater sciatic notch).
    const ant = w < wA ? wA - w : 0;
    const flare =
      0.012 * ant * ant +
      (v > 44 ? 0.5 * (v - 44) + 0.004 * (v - 44) * (v - 44) : 0) +
      (v < -56 ? 1.1 * (-56 - v) : 0);
    const inner = hw + g + flare;
    const vIlBot = -64 - (w < -8 ? 2.4 * (-8 - w) : 0);
    const wIP = wP + 3 + 12 * smoothstep(-48, -28, v);
    if (t < g && flare === 0 && v > -62 && v < 46 && w > wA && w < wP) {
      if (c > 0.5 || l > 0.5) {
        this.region = Region.joint;
        this.gapFraction = t / g;
        if (c > 0.5) {
          const f = this.gapFraction;
          return (this.tissue = f > 0.5 && f < 0.62 ? Tissue.jointCleft : Tissue.cartilage);
        }
        return (this.tissue = Math.sin(0.9 * v + 0.6 * w) > 0.55 ? Tissue.fat : Tissue.ligament);
      }
    }
    // Iliac bone: its gluteal (outer) surface is steeper than the joint, so the bone widens
    // upwards into the wing; thicker behind (iliac tuberosity), thinner in front.
    const vc = clamp(v, -40, 60);
    let outer =
      j.halfWidth + j.cartilageGap + j.iliumThickness + 0.62 * vc + 0.35 * ant + (w > 0 ? 0.4 * w : 0);
    if (v > 60) outer += 0.8 * (v - 60);
    if (v < -40) outer += 0.25 * (-40 - v);
    outer = Math.max(outer, inner + 8);
    if (a >= inner && a < outer && v > vIlBot && v < 95 && w > -110 && w < wIP) {
      this.region = Region.ilium;
      this.depth = a - inner;
      const d = Math.min(a - inner, outer - a, 95 - v, v - vIlBot, wIP - w);
      if (d < CORTEX_MM) return (this.tissue = Tissue.cortex);
      this.red = this.marrowRed(u, v, w);
      return (this.tissue = Tissue.marrow);
    }
    return this.soft(a, v, w, hw, wA, wP, a >= outer ? a - outer : -1, inner);
  }

  private marrowRed(u: number, v: number, w: number): number {
    const p = this.body.marrowPhases;
    const n =
      Math.sin(0.13 * u + p[0]) * Math.sin(0.11 * v + p[1]) + 0.5 * Math.sin(0.17 * w + 0.07 * v + p[2]);
    return clamp(this.body.redMarrowFraction * (1 + 0.9 * n), 0, 0.8);
  }

  private sacrum(
    u: number,
    a: number,
    v: number,
    w: number,
    depth: number,
    th: number,
    wA: number,
    wP: number,
    vTop: number,
  ): number {
    this.region = Region.sacrum;
    this.depth = depth;
    // Sacral canal: thecal sac (CSF) above S2, epidural fat and roots below.
    const cw = wP - 0.3 * th;
    const ru = clamp(8 + 0.05 * (v + 100), 6, 13);
    const rw = 0.14 * th + 1;
    const e = (u / ru) * (u / ru) + ((w - cw) / rw) * ((w - cw) / rw);
    if (v > -100 && e < 1) {
      this.region = Region.soft;
      if (v > -25) return (this.tissue = Tissue.csf);
      return (this.tissue = e < 0.15 ? Tissue.nerve : Tissue.fat);
    }
    const rim = 1 + CORTEX_MM / ru;
    if (v > -100 && e < rim * rim) return (this.tissue = Tissue.cortex);
    // Anterior sacral foramina: tunnels from the canal forward, seen end-on in semicoronal slices.
    if (w < cw) {
      for (let k = 0; k < FORAMINA_V.length; k++) {
        const dv = v - FORAMINA_V[k];
        const r = FORAMINA_R[k];
        if (dv > r + CORTEX_MM || dv < -r - CORTEX_MM) continue;
        const du = a - FORAMINA_U[k];
        const rho = Math.sqrt(du * du + dv * dv);
        if (rho < r) {
          this.region = Region.soft;
          return (this.tissue = rho < 0.45 * r ? Tissue.nerve : Tissue.fat);
        }
        if (rho < r + CORTEX_MM) return (this.tissue = Tissue.cortex);
      }
      // Remnant discs between the fused sacral segments, with their endplates.
      if (a < 22) {
        for (const vd of DISC_V) {
          const dd = Math.abs(v - vd);
          if (dd < 1.2) return (this.tissue = Tissue.disc);
          if (dd < 2.1) return (this.tissue = Tissue.cortex);
        }
      }
    }
    const d = Math.min(depth, w - wA, wP - w, vTop - v, v + 108);
    if (d < CORTEX_MM) return (this.tissue = Tissue.cortex);
    this.red = this.marrowRed(u, v, w);
    return (this.tissue = Tissue.marrow);
  }

  /** Soft tissues: pelvic fat and vessels in front, iliopsoas, gluteal and paraspinal muscles. */
  private soft(
    a: number,
    v: number,
    w: number,
    hw: number,
    wA: number,
    wP: number,
    lateral: number,
    inner: number,
  ): number {
    this.region = Region.soft;
    const j = this.body.joints[this.side];
    // Internal iliac artery and vein in front of the joint; common iliacs converge upwards.
    const vesselA = j.halfWidth + j.slope * clamp(v, -60, 40) + 3 - (v > 40 ? 0.8 * (v - 40) : 0);
    const da = a - vesselA;
    const dwA = w - (wA - 9);
    if (da * da + dwA * dwA < 10) return (this.tissue = Tissue.artery);
    const dvn = a - (vesselA - 4);
    const dwV = w - (wA - 16);
    if (dvn * dvn + dwV * dwV < 20) return (this.tissue = Tissue.vein);
    // External iliac vessels along the psoas.
    const ex = a - (vesselA + 16);
    const dwe = w - (wA - 36);
    if (ex * ex + dwe * dwe < 14) return (this.tissue = Tissue.artery);
    const exv = a - (vesselA + 9);
    if (exv * exv + dwe * dwe < 24) return (this.tissue = Tissue.vein);
    // Psoas on the pelvic brim.
    const pa = a - (46 + 0.1 * v);
    const pw = w - (wA - 30);
    if (pa * pa + pw * pw < 18 * 18) return this.muscle(a, v, w);
    if (w < wA - 1 && a < inner - 16 && v > -85) {
      // Pelvic cavity inside the iliacus: fat, with bowel loops further forward.
      if (w < wA - 25 && Math.cos(0.16 * a) * Math.cos(0.15 * v + 1) * Math.cos(0.14 * w) > 0.3)
        return (this.tissue = Tissue.bowel);
      return (this.tissue = Tissue.fat);
    }
    if (lateral >= 0) {
      // Fat planes between gluteus minimus, medius and maximus.
      // Fat plane between gluteus medius and maximus, behind and below the wing.
      const plane = 22 + 4 * Math.sin(0.05 * v + 0.04 * w) - 0.3 * v;
      if (w > wA && lateral > plane && lateral < plane + 1.8) return (this.tissue = Tissue.fat);
      return this.muscle(a, v, w);
    }
    // Thin fat layer on the dorsal sacrum; fat between the bones where they do not articulate.
    if (w > wP && w < wP + 3 && a < hw) return (this.tissue = Tissue.fat);
    if (a > hw && a < inner && v > -56 && v < 60 && w > wA && w < wP) return (this.tissue = Tissue.fat);
    return this.muscle(a, v, w);
  }

  /** Muscle with fine fatty marbling along its fibres (fraction of fat in `red`). */
  private muscle(a: number, v: number, w: number): number {
    // One sine along the fibres, its phase bent by a cheap triangle wave so stripes are not straight.
    const x = 0.03 * v - 0.02 * a + 0.01 * w;
    const tri = Math.abs(x - Math.floor(x) - 0.5);
    const s = Math.sin(0.8 * a + 0.3 * v + 0.35 * w + 12 * tri);
    const s2 = s * s;
    this.red = 0.15 * s2 * s2 * s2;
    return (this.tissue = Tissue.muscle);
  }
}
