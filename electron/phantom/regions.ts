/** Constants shared by the anatomy's modules (anatomy.ts, bones.ts, softTissue.ts). */

/** What a classified point belongs to, for lesions and the reading grid. */
export const Region = { soft: 0, sacrum: 1, ilium: 2, joint: 3 } as const;

/** Layout of `Anatomy.joint`: the per-joint shape parameters, J_STRIDE numbers per side. */
export const J_HALF_WIDTH = 0;
export const J_SLOPE = 1;
export const J_CARTILAGE_GAP = 2;
export const J_LIGAMENT_GAP = 3;
export const J_ILIUM = 4;
export const J_STRIDE = 5;

/** Columns of `Anatomy.heights`: the outlines' smooth dependence on v (see heightFunction). */
export const V_THICKNESS = 0;
export const V_CURVE = 1;
/** + side */
export const V_HALF_WIDTH = 2;
export const V_FLARE = 4;
export const V_ILIUM_BACK = 5;
export const V_ILIUM_OUTER = 6;
export const V_CREST_GATE = 7;
/** + side: the iliac vessels' distance from the midline, less the joint's half-width */
export const V_VESSEL = 8;
export const V_CANAL_HALF_WIDTH = 10;
export const V_HIATUS = 11;
export const V_COLUMNS = 12;
