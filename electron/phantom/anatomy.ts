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
  /** (v, w) tables at 1 mm: cartilage weight, ligament weight, surface undulation per side */
  private readonly cartTable: Float32Array;
  private readonly ligTable: Float32Array;
  private readonly undTable: [Float32Array, Float32Array];

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
    const n = TABLE_NV * TABLE_NW;
    this.cartTable = new Float32Array(n);
    this.ligTable = new Float32Array(n);
    this.undTable = [new Float32Array(n), new Float32Array(n)];
    for (let iv = 0; iv < TABLE_NV; iv++) {
      const v = TABLE_V0 + iv;
      for (let iw = 0; iw < TABLE_NW; iw++) {
        const w = TABLE_W0 + iw;
        const idx = iv * TABLE_NW + iw;
        this.cartTable[idx] = this.cartilageWeightExact(v, w);
        this.ligTable[idx] = this.ligamentWeightExact(v, w);
        for (let side = 0; side < 2; side++) {
          const ph = body.joints[side].undulationPhase;
          this.undTable[side][idx] = 0.7 * Math.sin(0.21 * v + ph) * Math.sin(0.17 * w + 1.3 * ph);
        }
      }
    }
    this.midV = this.computeJointMidpoints();
  }

  /** Bilinear interpolation in one of the (v, w) tables; 0 outside. */
  private lookup(table: Float32Array, v: number, w: number): number {
    const fv = v - TABLE_V0;
    const fw = w - TABLE_W0;
    if (fv < 0 || fw < 0 || fv >= TABLE_NV - 1 || fw >= TABLE_NW - 1) return 0;
    const iv = fv | 0;
    const iw = fw | 0;
    const tv = fv - iv;
    const tw = fw - iw;
    const i0 = iv * TABLE_NW + iw;
    const i1 = i0 + TABLE_NW;
    return (
      (1 - tv) * ((1 - tw) * table[i0] + tw * table[i0 + 1]) +
      tv * ((1 - tw) * table[i1] + tw * table[i1 + 1])
    );
  }

  /** Sacral half-width (u of the sacral joint surface) on one side at (v, w). */
  halfWidth(side: number, v: number, w: number): number {
    const j = this.body.joints[side];
    let hw = j.halfWidth + j.slope * clamp(v, -60, 48) - 0.22 * w;
    hw += this.lookup(this.undTable[side], v, w);
    if (v < -60) hw += 0.55 * (v + 60);
    return hw < 8 ? 8 : hw;
  }

  /** 1 inside the cartilaginous (auricular) joint, 0 outside, smooth at the border. */
  cartilageWeight(v: number, w: number): number {
    return this.lookup(this.cartTable, v, w);
  }

  /** 1 in the interosseous (ligamentous) compartment: posterior-superior to the auricular band. */
  ligamentWeight(v: number, w: number): number {
    return this.lookup(this.ligTable, v, w);
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
    return this.gapFrom(side, this.cartilageWeight(v, w), this.ligamentWeight(v, w));
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
    const r2 = (bx * bx) / (ax * ax) + (by * by) / (b.bodyHalfDepth * b.bodyHalfDepth);
    this.region = Region.soft;
    this.side = u >= 0 ? 1 : 0;
    this.depth = 0;
    this.red = 0;
    if (r2 >= 1) return (this.tissue = Tissue.air);
    const skin = (1 - Math.sqrt(r2)) * (by > 0 ? b.bodyHalfDepth : Math.min(ax, b.bodyHalfDepth));
    if (skin < b.subcutaneousFat / s) return (this.tissue = Tissue.fat);

    const a = u < 0 ? -u : u;
    const side = this.side;
    const hw = this.halfWidth(side, v, w);
    const th = this.sacrumThickness(v);
    const wA = -0.55 * th;
    const wP = 0.45 * th;
    const t = a - hw;

    if (t < 0) {
      const vTop = 50 - 0.12 * a;
      if (v > -108 && v < vTop && w > wA && w < wP) return this.sacrum(u, a, v, w, -t, th, wA, wP, vTop);
      // L5 vertebral body and the L5/S1 disc above the sacral base.
      if (a < 24 && v >= vTop && v < 92 && w > wA + 2 && w < wA + 33) {
        this.region = Region.sacrum;
        if (v < 57) return (this.tissue = Tissue.disc);
        const d = Math.min(24 - a, v - 57, 92 - v, w - wA - 2, wA + 33 - w);
        if (d < CORTEX_MM) return (this.tissue = Tissue.cortex);
        this.red = this.marrowRed(u, v, w);
        return (this.tissue = Tissue.marrow);
      }
      return this.soft(a, v, w, hw, wA, wP, -1);
    }

    const c = this.cartilageWeight(v, w);
    const l = this.ligamentWeight(v, w);
    const g = this.gapFrom(side, c, l);
    const j = b.joints[side];
    let inner = hw + g;
    if (w < wA) inner += 0.9 * (wA - w);
    if (v > 44) inner += 0.9 * (v - 44);
    if (v < -56) inner += 0.7 * (-56 - v);
    const vIlBot = -62 - (w < -12 ? 2.2 * (-12 - w) : 0);
    const wIP = wP + (v > -35 ? 13 : 3);
    const inSacralRange = v > -62 && v < 46 && w > wA && w < wP;
    if (t < g && inSacralRange && inner === hw + g) {
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
    let thick = j.iliumThickness + 0.12 * clamp(v, -60, 60) + (w > 0 ? 0.35 * w : 0);
    if (w < wA) thick = Math.max(7, thick - 0.45 * (wA - w));
    const outer = inner + thick;
    if (a >= inner && a < outer && v > vIlBot && v < 88 && w > -95 && w < wIP) {
      this.region = Region.ilium;
      this.depth = a - inner;
      const d = Math.min(a - inner, outer - a, 88 - v, v - vIlBot, wIP - w);
      if (d < CORTEX_MM) return (this.tissue = Tissue.cortex);
      this.red = this.marrowRed(u, v, w);
      return (this.tissue = Tissue.marrow);
    }
    return this.soft(a, v, w, hw, wA, wP, a >= outer ? a - outer : -1);
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
  private soft(a: number, v: number, w: number, hw: number, wA: number, wP: number, lateral: number): number {
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
    if (pa * pa + pw * pw < 18 * 18) return (this.tissue = Tissue.muscle);
    if (w < wA - 1) {
      // Pelvic cavity between the iliacus muscles: fat, bowel loops further forward.
      const iliacusInner = hw + 10 + 0.9 * (wA - w) - 18;
      if (a < iliacusInner) {
        if (w < wA - 28 && Math.sin(0.12 * a + 0.2 * v) * Math.sin(0.15 * w + 0.1 * v) > 0.2)
          return (this.tissue = Tissue.bowel);
        return (this.tissue = Tissue.fat);
      }
      return (this.tissue = Tissue.muscle);
    }
    if (lateral >= 0) {
      // Fat planes between gluteus minimus, medius and maximus.
      if ((lateral > 10 && lateral < 11.5) || (w > wP - 10 && lateral > 26 && lateral < 28))
        return (this.tissue = Tissue.fat);
      return (this.tissue = Tissue.muscle);
    }
    if (w > wP && w < wP + 3 && a < hw) return (this.tissue = Tissue.fat);
    if (a > hw && a < hw + 14 && w <= wP) return (this.tissue = Tissue.fat);
    return (this.tissue = Tissue.muscle);
  }
}
