// What the Prim twins (prim.ts, prim-tree.ts) share, as assembly/prim-block.ts does for the kernels: the
// strict total order on edges (d, min, max), a slot's limit and a pair's early-stopped sum. Twin-internal: not re-exported by index.ts.

/** 1 + 2⁻⁴⁹: a sum past key²·SLACK has its √ round above key (see assembly/prim.ts's header). */
const SLACK = 1 + 2 ** -49;

/** The limit of a free point whose best edge has sum s: min(r², s·SLACK). */
export function limitOf(s: number, r2: number): number {
  return Math.min(r2, s * SLACK);
}

/** Whether edge (a, b) at distance d comes before edge (c, f) at distance g in the order (d, min, max). */
export function edgeBefore(d: number, a: number, b: number, g: number, c: number, f: number): boolean {
  if (d !== g) return d < g;
  const lo = Math.min(a, b), lo2 = Math.min(c, f);
  return lo !== lo2 ? lo < lo2 : Math.max(a, b) < Math.max(c, f);
}

/**
 * Σ_d (x_j − x_v)² over the dimension-major x, from +0 in order of d, stopped once past `limit` (then
 * only known to exceed it: the kernels' early exit, the same bits up to there).
 */
export function pairSum(x: Float64Array, count: number, dim: number, j: number, v: number, limit: number): number {
  let s = 0;
  for (let d = 0; d < dim && s <= limit; d++) {
    const u = x[d * count + j] - x[d * count + v];
    s += u * u;
  }
  return s;
}
