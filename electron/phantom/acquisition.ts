import type { Rng } from './random';
import type { Range, ScannerProfile, SeriesProtocol } from './profiles';
import type { SlicePlan } from './geometry';

/** The concrete parameters one series was acquired with (drawn from its profile's ranges). */
export interface SeriesAcquisition {
  role: 't1' | 'stir';
  protocol: SeriesProtocol;
  tr: number;
  te: number;
  ti?: number;
  echoTrainLength: number;
  matrix: number;
  snr: number;
  /** real-world value of a unit signal */
  intensityScale: number;
  rescaleSlope: number;
  rescaleIntercept: number;
  writesRescale: boolean;
  flipAngle: number;
  pixelBandwidth: number;
  /**
   * Samples actually acquired: frequency encoding along the columns (at most MAX_ACQUIRED; larger
   * display matrices are interpolated, as scanners do) and phase encoding along the rows (70-90 %
   * phase resolution). They set the in-plane resolution, i.e. the image's blur.
   */
  acquired: { frequency: number; phase: number };
}

/** Frequency samples beyond this are rarely acquired for a 2D TSE of the pelvis; the rest is interpolation. */
const MAX_ACQUIRED = 320;

const draw = (rng: Rng, r: Range): number => rng.uniform(r[0], r[1]);
const round = (x: number, step: number): number => Math.round(x / step) * step;

/**
 * Draw one series' parameters. `maxMatrix` caps the matrix (a training set may trade in-plane
 * resolution it will not use for generation speed); the draw sequence is the same either way.
 */
export function sampleSeries(
  rng: Rng,
  profile: ScannerProfile,
  role: 't1' | 'stir',
  maxMatrix = Infinity,
): SeriesAcquisition {
  const p = role === 't1' ? profile.t1 : profile.stir;
  const slope = profile.pixel.rescaleSlope ? Number(draw(rng, profile.pixel.rescaleSlope).toFixed(5)) : 1;
  const tr = round(draw(rng, p.tr), 10);
  const te = round(draw(rng, p.te), 0.5);
  const ti = p.ti ? round(draw(rng, p.ti), 5) : undefined;
  const echoTrainLength = Math.round(draw(rng, p.echoTrainLength));
  const matrix = Math.min(rng.pick(p.matrices), maxMatrix);
  return {
    role,
    protocol: p,
    tr,
    te,
    ti,
    echoTrainLength,
    matrix,
    snr: draw(rng, p.snr),
    intensityScale: draw(rng, p.intensityScale),
    rescaleSlope: slope,
    rescaleIntercept: profile.pixel.rescaleIntercept ?? 0,
    writesRescale: profile.pixel.rescaleSlope !== undefined,
    flipAngle: role === 't1' ? 150 : 150,
    pixelBandwidth: round(rng.uniform(130, 260), 1),
    acquired: acquiredSamples(matrix, rng.uniform(0.7, 0.9)),
  };
}

function acquiredSamples(matrix: number, phaseResolution: number): { frequency: number; phase: number } {
  const frequency = Math.min(matrix, MAX_ACQUIRED);
  return { frequency, phase: 2 * Math.round((frequency * phaseResolution) / 2) };
}

/** Acquired in-plane resolution (mm): [along the rows (phase), along the columns (frequency)]. */
export function acquiredResolution(acq: SeriesAcquisition, fovMm: number): [number, number] {
  return [fovMm / acq.acquired.phase, fovMm / acq.acquired.frequency];
}

/** One slab plan shared by both series (same positions, so the grid's slices are the same). */
export function sampleSlicePlan(
  rng: Rng,
  profile: ScannerProfile,
  orientation: 'semicoronal' | 'axial',
): SlicePlan {
  const g = profile.geometry;
  const thickness = round(draw(rng, g.thicknessMm), 0.5);
  const slices = Math.round(draw(rng, g.slices));
  return {
    orientation,
    tiltDeg: draw(rng, g.tiltDeg),
    inPlaneDeg: rng.uniform(-3, 3),
    yawDeg: rng.uniform(-3, 3),
    // The technologist centres on the joints, to within a few millimetres; slices A->P.
    centre: [rng.uniform(-8, 8), rng.uniform(-6, 4), rng.uniform(-10, 6)],
    fovMm: round(draw(rng, g.fovMm), 10),
    slices,
    thickness,
    gap: round(thickness * draw(rng, g.gapFraction), 0.1),
  };
}
