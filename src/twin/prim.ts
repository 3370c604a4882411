// Twin of assembly/prim.ts (same semantics, bit for bit): Prim's truncated single linkage over
// dimension-major points (x[d·count + i]), each sum sequential over d from +0 and stopped past r² or
// past key²·(1 + 2⁻⁴⁹).
import { edgeBefore, limitOf, pairSum } from "./prim-block.js";

/** primForest(parent, key, x, dim, count, radius): see assembly/prim.ts. */
export function primForest(parent: Int32Array, key: Float64Array, x: Float64Array, dim: number, count: number, radius: number): void {
  const keyS = new Float64Array(count);
  const free = new Int32Array(count);
  const r2 = radius * radius;
  for (let j = 0; j < count; j++) {
    parent[j] = -1;
    key[j] = 0;
    free[j] = j;
  }
  let nFree = count;
  let at = 0;
  while (nFree > 0) {
    const v = free[at];
    free[at] = free[--nFree];
    let best = -1;
    for (let t = 0; t < nFree; t++) {
      const j = free[t];
      const p = parent[j];
      const limit = p < 0 ? r2 : limitOf(keyS[j], r2);
      const s = pairSum(x, count, dim, j, v, limit);
      if (s <= limit) {
        const dist = Math.sqrt(s);
        if (p < 0 || edgeBefore(dist, v, j, key[j], p, j)) {
          key[j] = dist;
          keyS[j] = s;
          parent[j] = v;
        }
      }
      const b = best < 0 ? -1 : free[best];
      if (parent[j] >= 0 && (b < 0 || edgeBefore(key[j], parent[j], j, key[b], parent[b], b))) best = t;
    }
    if (best >= 0) at = best;
    else {
      at = 0;
      for (let t = 1; t < nFree; t++) if (free[t] < free[at]) at = t;
    }
  }
}
