// The neighbour-graph limits of src/linkage.ts (graphLimits) switched for one test body.
import { graphLimits } from "../src/linkage.js";

/** Runs `fn` with `limits` over the current graphLimits, which are restored afterwards (also on failure). */
export function withGraphLimits<T>(limits: Partial<typeof graphLimits>, fn: () => T): T {
  const saved = { ...graphLimits };
  try {
    Object.assign(graphLimits, limits);
    return fn();
  } finally {
    Object.assign(graphLimits, saved);
  }
}
