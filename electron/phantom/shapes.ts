/**
 * Scalar helpers for the implicit anatomy. Smooth versions of max/clamp keep bone and muscle
 * outlines free of corners: a piecewise-linear boundary shows as a polygon in every slice.
 */

export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

export function smoothstep(e0: number, e1: number, x: number): number {
  const t = clamp((x - e0) / (e1 - e0), 0, 1);
  return t * t * (3 - 2 * t);
}

/** max(0, x) with its corner rounded over about +-k (a hyperbola; exact for |x| >> k). */
export function ramp(x: number, k: number): number {
  return 0.5 * (x + Math.sqrt(x * x + k * k));
}

/** clamp(x, lo, hi) with both corners rounded over about +-k. */
export function softClamp(x: number, lo: number, hi: number, k: number): number {
  return lo + ramp(x - lo, k) - ramp(x - hi, k);
}
