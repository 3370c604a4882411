// Which features count as dead (dropped) for the geometry: tegum factors, polytopes, bundles.
// Metrics stay exact regardless (src/metrics.ts). A trained model leaves the features it drops at a
// small but not negligible norm that decays slowly — ~0.01–0.2 of the represented ones after 10k steps
// (n=200, m=20: features at 0.17 beside features at 0.98) — and those weak columns point in similar
// directions, so keeping them joins every factor into one. A fixed cut either misses them or would
// drop real features of a model with graded norms; the gap in the sorted norms finds them.
import { TegumError, checkNumber } from "./errors.js";

/**
 * The fixed cut (× the largest norm) that applies when the norms show no gap, and the floor of the
 * automatic one: a feature this weak is dead either way.
 */
export const DEFAULT_DEAD_TOLERANCE = 0.05;

/** How the dead-feature cut was chosen. */
export interface DeadTolChoice {
  /** The cut relative to the largest norm: dead iff ‖W_i‖ ≤ value × max norm. */
  value: number;
  /** `given`, `gap` (a norm gap), `default` (no gap: DEFAULT_DEAD_TOLERANCE). */
  method: "given" | "gap" | "default";
  /** The gap's relative norms below and above the cut (null unless method is `gap`). */
  below: number | null;
  above: number | null;
}

/** A gap counts when the next relative norm is ≥ this × the previous one. */
const RATIO = 4;
/** Features with at least this relative norm are never cut by a gap. */
const MAX_CUT = 0.5;

/**
 * The dead cut from the feature norms: among the nonzero norms relative to the largest, sorted, the
 * consecutive pair (lo, hi) with the largest ratio hi/lo ≥ 4, lo ≤ 0.5 and hi > DEFAULT_DEAD_TOLERANCE
 * (ties: the lower pair) gives value = max(√(lo·hi), DEFAULT_DEAD_TOLERANCE); without one,
 * DEFAULT_DEAD_TOLERANCE. `tolerance` a number: that value (method `given`).
 */
export function chooseDeadTol(norms: ArrayLike<number>, tolerance: number | "auto" = "auto", name = "deadTolerance"): DeadTolChoice {
  if (tolerance !== "auto") {
    if (typeof tolerance !== "number") throw new TegumError(`${name} must be a number in [0, 1] or "auto", got ${String(tolerance)}`, name);
    return { value: checkNumber(name, tolerance, 0, 1), method: "given", below: null, above: null };
  }
  let max = 0;
  for (let i = 0; i < norms.length; i++) if (norms[i] > max) max = norms[i];
  const rel: number[] = [];
  for (let i = 0; i < norms.length; i++) if (norms[i] > 0) rel.push(norms[i] / max);
  rel.sort((a, b) => a - b);
  let best: DeadTolChoice = { value: DEFAULT_DEAD_TOLERANCE, method: "default", below: null, above: null };
  let bestRatio = 0;
  for (let t = 0; t + 1 < rel.length && rel[t] <= MAX_CUT; t++) {
    const lo = rel[t], hi = rel[t + 1], ratio = hi / lo;
    if (hi <= DEFAULT_DEAD_TOLERANCE || ratio < RATIO || (best.method === "gap" && ratio <= bestRatio)) continue;
    bestRatio = ratio;
    best = { value: Math.max(Math.sqrt(lo * hi), DEFAULT_DEAD_TOLERANCE), method: "gap", below: lo, above: hi };
  }
  return best;
}
