import { Tissue } from './tissues';
import type { PatientBody } from './patient';
import { ValueNoise } from './noise';
import { Rng } from './random';
import { AxisTable } from './axisTable';
import { clamp, ramp, smoothstep, softClamp } from './shapes';
import { classifySoft } from './softTissue';
import { classifyIlium, classifySacrum } from './bones';
import { classifyLumbar } from './lumbar';
import { PelvicOrgans } from './pelvicOrgans';
import {
  J_CARTILAGE_GAP,
  J_HALF_WIDTH,
  J_ILIUM,
  J_LIGAMENT_GAP,
  J_SLOPE,
  J_STRIDE,
  Region,
  V_COLUMNS,
  V_CREST_GATE,
  V_CURVE,
  V_FLARE,
  V_HALF_WIDTH,
  V_HIATUS,
  V_CANAL_HALF_WIDTH,
  V_ILIUM_BACK,
  V_ILIUM_OUTER,
  V_THICKNESS,
  V_VESSEL,
} from './regions';

/**
 * The pelvis as implicit 3D shapes in a sacral frame, evaluated point by point.
 *
 * Sacral frame (mm, divided by the patient's scale): u = patient left, v = along the long axis of
 * the sacrum towards its base (up and forward), w = perpendicular to the sacrum, posterior.
 * A true semicoronal slice is a plane of constant w. The sacrum is a wedge narrowing downwards and
 * backwards, curving forwards below S3; its lateral surfaces are the joint surfaces. The auricular
 * (cartilaginous) joint is an ear-shaped band in the (v, w) plane, anterior and inferior;
 * posterior-superior to it the bones are joined by the interosseous ligament. The ilia lie
 * lateral to the joint gap. Every boundary is a smooth function (no corners, which would show as
 * polygons), and textures come from band-limited value noise seeded per patient.
 *
 * Speed: classify runs a few million times per exam. The point and the quantities shared by
 * the bone and soft-tissue modules travel in fields of this object rather than as arguments,
 * because V8 boxes every floating-point argument of a call it does not inline (an allocation).
 */

export { Region };

const AIR = Tissue.air;
const FAT = Tissue.fat;
const MUSCLE = Tissue.muscle;
const MARROW = Tissue.marrow;
const RED_MARROW = Tissue.redMarrow;

/** The auricular band's centre line in (v, w): upper arm, anterior bend, lower arm. */
const AURICULAR: readonly [number, number][] = [
  [40, -3],
  [6, -14],
  [-52, -3],
];
const AURICULAR_HALF_WIDTH = 11;
/** Outward bow (mm) of the sacrum's lateral border at the middle of the joint. */
const SACRAL_BOW = 3;
/** Subcutaneous fat thickness relative to the patient's mean, at its thinnest and thickest. */
const SUBCUTANEOUS_MIN = 0.6;
const SUBCUTANEOUS_MAX = 1.4;
/**
 * Amplitude of the fine trabecular mottle in the marrow's red fraction: enough for the slight
 * texture of bone on T1 (at 0.14 the marrow read as a flat grey fill).
 */
const TRABECULAR_MOTTLE = 0.26;
/** Width (mm) over which the skin goes from fat to air. */
const SKIN_EDGE = 1.2;
/** Lumbosacral angle per degree of sacral tilt: 13-22 deg over the patients' 18-32 deg. */
const LUMBOSACRAL_PER_TILT = 0.7;
const TABLE_V0 = -140;
const TABLE_NV = 260;
const TABLE_W0 = -120;
const TABLE_NW = 220;

export class Anatomy {
  /** Result of the last `classify` call (fields, not objects, so the hot loop allocates nothing). */
  tissue = 0;
  region = 0;
  /** 0 = patient's right, 1 = left */
  side = 0;
  /** distance from the articular surface into the bone, mm (bone regions only) */
  depth = 0.5;
  /** position across the joint gap: 0 at the sacral surface, 1 at the iliac surface */
  gapFraction = 0.5;
  /** a second tissue mixed into this voxel (red marrow in marrow, fat in muscle and ligament) */
  second = 0;
  /** its fraction, 0..1 */
  fraction = 0.5;

  /** The point being classified and what the bone and soft-tissue modules share about it. */
  u = 0.5;
  v = 0.5;
  w = 0.5;
  /** |u| */
  a = 0.5;
  /** u of the sacral joint surface on this side */
  hw = 0.5;
  /** sacral thickness, its forward curve, and its anterior and posterior surfaces (w) */
  thickness = 0.5;
  curve = 0.5;
  wAnterior = 0.5;
  wPosterior = 0.5;
  /** forward bulge of the vertebral bodies here (part of wAnterior) */
  bulge = 0.5;
  /** the joint table at (v, w): cartilage and ligament weights */
  cartilage = 0.5;
  ligament = 0.5;
  /** the ilium's medial surface (u), and the distance beyond its outer surface (-1: medial to it) */
  iliumInner = 0.5;
  beyondIlium = 0.5;

  readonly body: PatientBody;
  /** patient LPS -> sacral frame, row-major 3x3 including 1/scale */
  readonly toLocal: number[];
  readonly noise: ValueNoise;
  readonly pelvicOrgans: PelvicOrgans;
  /** the joints' shape parameters, J_STRIDE numbers per side (flat: read in the hot loop) */
  readonly joint: Float64Array;
  /** smooth functions of v that shape the outlines (tabulated for speed; columns in regions.ts) */
  readonly heights: AxisTable;
  readonly redMarrow: number;
  /** L5 leans back against the sacrum by the lumbosacral angle (lordosis): its sine and cosine */
  readonly lumbarSin: number;
  readonly lumbarCos: number;
  private readonly sinTilt: number;
  private readonly cosTilt: number;
  private readonly scale: number;
  /** vertebral-body bulge (column 0) and median-crest bulge (column 1) as functions of |u| */
  private readonly lateral: AxisTable;
  private readonly midV: Float32Array;
  /** (v, w) table at 1 mm, interleaved per node: cartilage weight, ligament weight, undulation right, left */
  private readonly table: Float32Array;
  /** last `sample`: interpolated undulation of the two joint surfaces */
  private undulation0 = 0.5;
  private undulation1 = 0.5;

  constructor(body: PatientBody) {
    this.body = body;
    const t = (body.sacralTiltDeg * Math.PI) / 180;
    this.sinTilt = Math.sin(t);
    this.cosTilt = Math.cos(t);
    // The lumbar spine above a more tilted sacrum is more lordotic.
    this.lumbarSin = Math.sin(LUMBOSACRAL_PER_TILT * t);
    this.lumbarCos = Math.cos(LUMBOSACRAL_PER_TILT * t);
    this.scale = body.scale;
    this.redMarrow = body.redMarrowFraction;
    this.joint = new Float64Array(2 * J_STRIDE);
    body.joints.forEach((j, side) => {
      const o = side * J_STRIDE;
      this.joint[o + J_HALF_WIDTH] = j.halfWidth;
      this.joint[o + J_SLOPE] = j.slope;
      this.joint[o + J_CARTILAGE_GAP] = j.cartilageGap;
      this.joint[o + J_LIGAMENT_GAP] = j.ligamentGap;
      this.joint[o + J_ILIUM] = j.iliumThickness;
    });
    this.noise = new ValueNoise(new Rng(body.textureSeed));
    this.pelvicOrgans = new PelvicOrgans(this.noise, this.sinTilt, this.cosTilt);
    this.heights = new AxisTable(-320, 320, 0.25, V_COLUMNS, (v, column) => this.heightFunction(v, column));
    this.lateral = new AxisTable(0, 400, 0.25, 2, (a, column) =>
      // Vertebral bodies bulge forwards in the midline; the median sacral crest bulges back.
      column === 0 ? 4.5 * Math.exp(-(a * a) / 420) : 4 * Math.exp(-(a * a) / 40),
    );
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
          // The articular surfaces undulate (~0.7 mm) in a pattern of their own per joint.
          const n = this.noise.at(v / 9 + 40 * side, w / 9, 7.5);
          this.table[idx + 2 + side] = 2.2 * (n - 0.5);
        }
      }
    }
    this.midV = this.computeJointMidpoints();
  }

  /** The outlines' dependence on the height v along the sacrum (one column of `heights`). */
  private heightFunction(v: number, column: number): number {
    const J = this.joint;
    const side = column & 1;
    switch (column) {
      case V_THICKNESS:
        return this.sacrumThickness(v);
      case V_CURVE: {
        // The sacrum's kyphosis: below S3 it curves forwards (towards -w), so the lower sacrum
        // shows in more anterior semicoronal slices than its base.
        const below = ramp(-30 - v, 6);
        return -0.003 * below * below;
      }
      case V_HALF_WIDTH:
      case V_HALF_WIDTH + 1:
        // Widens upwards along the joint, its border bowed outwards along the auricular surface
        // and flaring into the ala at S1; below the joint the sacrum tapers fast towards its apex.
        // (A straight border from base to apex drew a triangle.)
        return (
          J[side * J_STRIDE + J_SLOPE] * softClamp(v, -60, 48, 6) +
          SACRAL_BOW * (1 - smoothstep(0, 1, Math.abs(v + 6) / 54)) +
          0.18 * ramp(v - 22, 8) -
          0.55 * ramp(-60 - v, 8)
        );
      case V_FLARE: {
        // The ilium's medial surface leaves the sacrum above (iliac fossa) and below (notch).
        const up = ramp(v - 44, 8);
        return 0.5 * up + 0.004 * up * up + 1.1 * ramp(-56 - v, 6);
      }
      case V_ILIUM_BACK:
        return 3 + 12 * smoothstep(-48, -28, v);
      case V_ILIUM_OUTER:
        return 0.62 * softClamp(v, -40, 60, 10) + 0.8 * ramp(v - 60, 10) + 0.25 * ramp(-40 - v, 10);
      case V_CREST_GATE:
        return smoothstep(-100, -80, v);
      case V_VESSEL:
      case V_VESSEL + 1:
        return J[side * J_STRIDE + J_SLOPE] * softClamp(v, -60, 40, 6) - 0.8 * ramp(v - 40, 4);
      case V_CANAL_HALF_WIDTH:
        return softClamp(8 + 0.05 * (v + 100), 6, 13, 2);
      case V_HIATUS:
        return ramp(-88 - v, 4) / 10;
      default:
        throw new Error(`no height column ${column}`);
    }
  }

  /** Bilinear interpolation of the (v, w) table at (this.v, this.w) into the joint fields; 0 outside. */
  private sample(): void {
    const fv = this.v - TABLE_V0;
    const fw = this.w - TABLE_W0;
    if (fv < 0 || fw < 0 || fv >= TABLE_NV - 1 || fw >= TABLE_NW - 1) {
      this.cartilage = this.ligament = this.undulation0 = this.undulation1 = 0;
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
    this.cartilage = w00 * T[i00] + w01 * T[i01] + w10 * T[i10] + w11 * T[i11];
    this.ligament = w00 * T[i00 + 1] + w01 * T[i01 + 1] + w10 * T[i10 + 1] + w11 * T[i11 + 1];
    this.undulation0 = w00 * T[i00 + 2] + w01 * T[i01 + 2] + w10 * T[i10 + 2] + w11 * T[i11 + 2];
    this.undulation1 = w00 * T[i00 + 3] + w01 * T[i01 + 3] + w10 * T[i10 + 3] + w11 * T[i11 + 3];
  }

  /** Sacral half-width (u of the sacral joint surface) on one side at (v, w). */
  halfWidth(side: number, v: number, w: number): number {
    this.v = v;
    this.w = w;
    this.sample();
    this.heights.seek(v);
    return this.sampledHalfWidth(side);
  }

  /** halfWidth at (this.v, this.w) once `sample` and `heights.seek` have run there. */
  private sampledHalfWidth(side: number): number {
    const hw =
      this.joint[side * J_STRIDE + J_HALF_WIDTH] +
      this.heights.value(V_HALF_WIDTH + side) -
      0.22 * this.w +
      (side === 0 ? this.undulation0 : this.undulation1);
    const x = hw - 6;
    // 6 mm + a rounded max(0, x): the sacral apex stays a few millimetres wide.
    return 6 + 0.5 * (x + Math.sqrt(x * x + 9));
  }

  /** 1 inside the cartilaginous (auricular) joint, 0 outside, smooth at the border. */
  cartilageWeight(v: number, w: number): number {
    this.v = v;
    this.w = w;
    this.sample();
    return this.cartilage;
  }

  /** 1 in the interosseous (ligamentous) compartment: posterior-superior to the auricular band. */
  ligamentWeight(v: number, w: number): number {
    this.v = v;
    this.w = w;
    this.sample();
    return this.ligament;
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
    this.v = v;
    this.w = w;
    this.sample();
    return this.sampledGap(side);
  }

  /** gap at (this.v, this.w) once `sample` has run there. */
  sampledGap(side: number): number {
    const o = side * J_STRIDE;
    const c = this.cartilage;
    const l = this.ligament;
    return (
      this.joint[o + J_CARTILAGE_GAP] * c + (1 - c) * (l * this.joint[o + J_LIGAMENT_GAP] + (1 - l) * 11)
    );
  }

  sacrumThickness(v: number): number {
    return softClamp(18 + 0.2 * (v + 105), 18, 50, 4);
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
   * gapFraction, second and fraction; returns the tissue code.
   */
  classify(u: number, v: number, w: number): number {
    this.u = u;
    this.v = v;
    this.w = w;
    return this.classifyPoint();
  }

  private classifyPoint(): number {
    const b = this.body;
    const s = this.scale;
    const u = this.u;
    const v = this.v;
    const w = this.w;
    // Body outline: an ellipse in the axial plane, in mm of the patient, wider over the hips and
    // reaching further back over the buttocks below the sacral base.
    const bx = u * s;
    const by = s * (w * this.cosTilt - v * this.sinTilt) - b.bodyCentreY;
    const bz = s * (v * this.cosTilt + w * this.sinTilt);
    const hips = -40 - bz;
    const buttocks = -10 - bz;
    const ax = b.bodyHalfWidth + 0.125 * (hips + Math.sqrt(hips * hips + 400));
    const ay =
      b.bodyHalfDepth + 0.15 * (buttocks + Math.sqrt(buttocks * buttocks + 400)) * smoothstep(-30, 40, by);
    const r2 = (bx * bx) / (ax * ax) + (by * by) / (ay * ay);
    this.region = Region.soft;
    this.side = u >= 0 ? 1 : 0;
    this.depth = 0;
    this.fraction = 0;
    // Depth below the skin (negative outside); within SKIN_EDGE of it the voxel is part air
    // (analytic partial volume: a sampled outline of that contrast shows stair steps).
    const skin = (1 - Math.sqrt(r2)) * (ay < ax ? ay : ax);
    if (skin < 0.5 * SKIN_EDGE) {
      if (skin <= -0.5 * SKIN_EDGE) return (this.tissue = AIR);
      this.second = AIR;
      this.fraction = 0.5 - skin / SKIN_EDGE;
      return (this.tissue = FAT);
    }
    // Below the subcutaneous fat, muscle: the boundary blended over SKIN_EDGE the same way.
    let fatEdge = 0;
    if (skin < (SUBCUTANEOUS_MAX * b.subcutaneousFat) / s + SKIN_EDGE) {
      const d = skin - this.subcutaneousThickness();
      if (d < -0.5 * SKIN_EDGE) return (this.tissue = FAT);
      if (d < 0.5 * SKIN_EDGE) fatEdge = 0.5 - d / SKIN_EDGE;
    }
    const t = this.classifyInside();
    if (fatEdge > 0 && t === MUSCLE && fatEdge > this.fraction) {
      this.second = FAT;
      this.fraction = fatEdge;
    }
    return t;
  }

  /** classifyPoint below the subcutaneous fat. */
  private classifyInside(): number {
    const u = this.u;
    const v = this.v;
    const a = u < 0 ? -u : u;
    this.a = a;
    this.sample();
    const H = this.heights;
    H.seek(v);
    this.lateral.seek(a);
    const hw = this.sampledHalfWidth(this.side);
    this.hw = hw;
    const th = H.value(V_THICKNESS);
    const curve = H.value(V_CURVE);
    const bulge = this.lateral.value(0);
    this.thickness = th;
    this.curve = curve;
    this.bulge = bulge;
    // Anterior surface: the vertebral bodies bulge forwards in the midline; posterior surface:
    // the median sacral crest.
    this.wAnterior = curve - 0.55 * th - bulge;
    this.wPosterior = curve + 0.45 * th + this.lateral.value(1) * H.value(V_CREST_GATE);
    if (a < hw) {
      const bone = classifySacrum(this);
      if (bone >= 0) return bone;
      const lumbar = classifyLumbar(this);
      if (lumbar >= 0) return lumbar;
      this.beyondIlium = -1;
      this.iliumInner = hw;
      return classifySoft(this);
    }
    return classifyIlium(this);
  }

  /**
   * Subcutaneous fat thickness here: it varies around the body over a hand's breadth and, less,
   * over a few centimetres (two noises), from SUBCUTANEOUS_MIN to SUBCUTANEOUS_MAX times the
   * patient's mean. (Where a slice grazes the skin, the few-centimetre part shows magnified: as
   * strong as the broad one, it drew a jagged outline there.)
   */
  private subcutaneousThickness(): number {
    const broad = this.noise.at(this.u / 80 + 3.1, this.v / 80, this.w / 80 + 9.7);
    const local = this.noise.at(this.u / 35 + 6.7, this.v / 35 + 2.3, this.w / 35);
    const spread = SUBCUTANEOUS_MAX - SUBCUTANEOUS_MIN;
    return (
      ((SUBCUTANEOUS_MIN + spread * (0.75 * broad + 0.25 * local)) * this.body.subcutaneousFat) / this.scale
    );
  }

  /**
   * Fatty marrow at the current point, with haematopoietic (red) islands of ~1-2 cm and a fine
   * trabecular mottle, both band-limited noise; the amount of red marrow falls with age.
   */
  marrow(): number {
    const u = this.u;
    const v = this.v;
    const w = this.w;
    const islands = this.noise.at(u / 13, v / 13, w / 13);
    const mottle = this.noise.at(u / 2.8 + 17.3, v / 2.8 + 5.1, w / 2.8);
    // Subchondral marrow of the cartilaginous joint holds a little more water (normally slightly
    // brighter on STIR, Wittram and Whitehouse 1995).
    const subchondral = this.depth < 4 ? 0.12 * this.cartilage * (1 - this.depth / 4) : 0;
    this.second = RED_MARROW;
    this.fraction = clamp(
      this.redMarrow * (2.4 * islands - 0.25) + TRABECULAR_MOTTLE * (mottle - 0.5) + subchondral,
      0,
      0.85,
    );
    return (this.tissue = MARROW);
  }
}
