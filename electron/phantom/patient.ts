import type { Rng } from './random';

/** Per-side shape of one sacroiliac joint; index 0 = patient's right, 1 = patient's left. */
export interface JointShape {
  /** half-width of the sacrum at the joint centre, mm */
  halfWidth: number;
  /** widening of the sacrum per mm upwards: the joints converge downwards */
  slope: number;
  /** cartilaginous joint width (both cartilage layers), mm */
  cartilageGap: number;
  /** interosseous (ligamentous) gap, mm */
  ligamentGap: number;
  /** iliac bone thickness at the joint centre, mm */
  iliumThickness: number;
  undulationPhase: number;
}

/** Everything about one simulated patient's body; lengths in mm, angles in degrees. */
export interface PatientBody {
  sex: 'F' | 'M';
  ageYears: number;
  /** overall size factor applied to the bony pelvis */
  scale: number;
  /** inclination of the sacral long axis from the vertical (top tilted forward) */
  sacralTiltDeg: number;
  /** patient rotation on the table: about the vertical axis and about the AP axis */
  yawDeg: number;
  rollDeg: number;
  joints: [JointShape, JointShape];
  /** body cross-section half axes (left-right, anterior-posterior) and subcutaneous fat */
  bodyHalfWidth: number;
  bodyHalfDepth: number;
  bodyCentreY: number;
  subcutaneousFat: number;
  /** fraction of haematopoietic (red) marrow, falls with age */
  redMarrowFraction: number;
  /** seeds this patient's textures (marrow, muscle, ligament, bowel, surface undulation) */
  textureSeed: number;
}

export function samplePatient(rng: Rng, female: boolean, ageRange: readonly [number, number]): PatientBody {
  const age = rng.uniform(ageRange[0], ageRange[1]);
  const scale = (female ? 0.94 : 1.02) * rng.uniform(0.92, 1.08);
  const joint = (): JointShape => ({
    halfWidth: 41 + rng.uniform(-2, 2),
    slope: rng.uniform(0.26, 0.36),
    cartilageGap: rng.uniform(2.4, 3.4),
    ligamentGap: rng.uniform(5, 8),
    iliumThickness: rng.uniform(27, 36),
    undulationPhase: rng.uniform(0, 2 * Math.PI),
  });
  const right = joint();
  // Left-right asymmetry: the left joint differs a little from the right one.
  const left = { ...joint(), halfWidth: right.halfWidth + rng.uniform(-2.5, 2.5) };
  const fat = female ? rng.uniform(15, 45) : rng.uniform(8, 32);
  return {
    sex: female ? 'F' : 'M',
    ageYears: Math.round(age),
    scale,
    sacralTiltDeg: rng.uniform(18, 32),
    yawDeg: rng.uniform(-4, 4),
    rollDeg: rng.uniform(-3, 3),
    joints: [right, left],
    bodyHalfWidth: (female ? 175 : 165) * scale + fat * 0.8 + rng.uniform(-10, 10),
    bodyHalfDepth: 120 * scale + fat * 0.6 + rng.uniform(-8, 8),
    bodyCentreY: rng.uniform(-42, -30),
    subcutaneousFat: fat,
    redMarrowFraction: Math.max(0.05, 0.45 - age * 0.006 + rng.uniform(-0.05, 0.05)),
    textureSeed: rng.int(0, 2 ** 31 - 1),
  };
}
