// The strict total order on edges the Prim twins (prim.ts, prim-tree.ts) share: (d, min, max).

/** Whether edge (a, b) at distance d comes before edge (c, f) at distance g in the order (d, min, max). */
export function edgeBefore(d: number, a: number, b: number, g: number, c: number, f: number): boolean {
  if (d !== g) return d < g;
  const lo = Math.min(a, b), lo2 = Math.min(c, f);
  return lo !== lo2 ? lo < lo2 : Math.max(a, b) < Math.max(c, f);
}
