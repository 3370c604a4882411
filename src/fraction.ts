// Small fractions for naming measured values: D_i = 2/5, 3/8, m/‖W‖_F² = 1/2 … A measured value is
// reported as a fraction only together with its deviation, so "2/5" never hides a 0.3744.
import { checkInt, checkNumber } from "./errors.js";

/** p/q in lowest terms (q ≥ 1) with the signed deviation `value − p/q` of the value it approximates. */
export interface Fraction {
  numerator: number;
  denominator: number;
  /** The value that was approximated. */
  value: number;
  /** `value − numerator/denominator`. */
  deviation: number;
  /** `"2/5"`, or `"1"` / `"0"` / `"-1"` for integers. */
  text: string;
}

function make(p: number, q: number, x: number): Fraction {
  if (p === 0) q = 1; // also turns −0 into 0
  return { numerator: p === 0 ? 0 : p, denominator: q, value: x, deviation: x - p / q, text: q === 1 ? String(p === 0 ? 0 : p) : `${p}/${q}` };
}

/**
 * The best rational approximation of `x` with denominator ≤ `maxDenominator` (the closest fraction,
 * from the continued-fraction convergents and semiconvergents, like Python's `limit_denominator`).
 */
export function nearestFraction(x: number, maxDenominator = 64): Fraction {
  checkNumber("x", x);
  checkInt("maxDenominator", maxDenominator, 1, 1 << 26);
  const sign = x < 0 ? -1 : 1;
  const ax = Math.abs(x);
  // Convergents p/q of ax; stop before the denominator exceeds the bound.
  let p0 = 0, q0 = 1, p1 = 1, q1 = 0;
  let r = ax;
  for (let it = 0; it < 64; it++) {
    const a = Math.floor(r);
    const q2 = q0 + a * q1;
    if (q2 > maxDenominator) break;
    const p2 = p0 + a * p1;
    p0 = p1; q0 = q1; p1 = p2; q1 = q2;
    const frac = r - a;
    if (frac <= 1e-15 * Math.max(1, r) || p1 / q1 === ax) break;
    r = 1 / frac;
  }
  if (q1 === 0) return make(sign * Math.round(ax), 1, x); // unreachable for finite x, kept for safety
  // Semiconvergent between the last two convergents.
  const k = Math.floor((maxDenominator - q0) / q1);
  const pb = p0 + k * p1, qb = q0 + k * q1;
  const best = qb >= 1 && Math.abs(pb / qb - ax) < Math.abs(p1 / q1 - ax) ? [pb, qb] : [p1, q1];
  return make(sign * best[0], best[1], x);
}

/**
 * The fraction with the smallest denominator (≤ `maxDenominator`) within `tolerance` of `x`, or null.
 * This is the naming rule: 0.37501 → 3/8 at tolerance 1e-4, 0.3744 → null at 1e-4 and 3/8 at 1e-3.
 */
export function simplestFraction(x: number, tolerance = 1e-6, maxDenominator = 64): Fraction | null {
  checkNumber("x", x);
  checkNumber("tolerance", tolerance, 0);
  checkInt("maxDenominator", maxDenominator, 1, 1 << 26);
  for (let q = 1; q <= maxDenominator; q++) {
    const p = Math.round(x * q);
    if (Math.abs(x - p / q) <= tolerance) {
      // Lowest terms: a smaller q would have matched first unless gcd(p, q) = 1 already.
      return make(p, q, x);
    }
  }
  return null;
}

/**
 * The fraction p/q closest to `x` with |p| ≤ maxNumerator and q ≤ maxDenominator (ties: smaller q), or
 * null when it is farther than `tolerance`. Feature dimensionalities are named this way with
 * maxNumerator = the rank d of the set (a unit-norm tight frame of N vectors in d dimensions has
 * D_i = d/N), which keeps dense large-numerator fractions like 9/23 from shadowing 2/5.
 */
export function closestFraction(x: number, tolerance = 1e-6, maxDenominator = 64, maxNumerator = Infinity): Fraction | null {
  checkNumber("x", x);
  checkNumber("tolerance", tolerance, 0);
  checkInt("maxDenominator", maxDenominator, 1, 1 << 26);
  if (maxNumerator !== Infinity) checkInt("maxNumerator", maxNumerator, 0, Number.MAX_SAFE_INTEGER);
  let best: [number, number] | null = null;
  let bestDev = Infinity;
  for (let q = 1; q <= maxDenominator; q++) {
    let p = Math.round(x * q);
    if (Math.abs(p) > maxNumerator) p = Math.sign(p) * maxNumerator;
    const dev = Math.abs(x - p / q);
    if (dev < bestDev) {
      bestDev = dev;
      best = [p, q];
    }
  }
  if (best === null || bestDev > tolerance) return null;
  const g = gcd(Math.abs(best[0]), best[1]);
  return make(best[0] / g, best[1] / g, x);
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
