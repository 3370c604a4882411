import { fc, test } from "@fast-check/vitest";
import { beforeAll, describe, expect, it } from "vitest";
import { dbscan } from "../src/index.js";
import { partition, randomPermutation, rng } from "./analysis-fixtures.js";
import { BACKENDS, use } from "./backends.js";
import { withGraphLimits } from "./graph-limits.js";

/** Points given as rows → the kernels' dimension-major layout. */
function layout(points: number[][]): { x: Float64Array; dim: number; count: number } {
  const count = points.length, dim = points[0].length;
  const x = new Float64Array(dim * count);
  points.forEach((p, i) => p.forEach((v, d) => (x[d * count + i] = v)));
  return { x, dim, count };
}

/** Brute-force reference: scikit-learn's expansion for cores, the nearest-core rule for border points. */
function reference(points: number[][], eps: number, minSamples: number): number[] {
  const n = points.length;
  const d2 = (a: number[], b: number[]) => a.reduce((s, v, t) => s + (v - b[t]) ** 2, 0);
  const nb = points.map((p) => points.map((q, j) => (d2(p, q) <= eps * eps ? j : -1)).filter((j) => j >= 0));
  const core = nb.map((s) => s.length >= minSamples);
  const labels = Array(n).fill(-1);
  let c = 0;
  for (let i = 0; i < n; i++) {
    if (!core[i] || labels[i] !== -1) continue;
    const stack = [i];
    labels[i] = c;
    while (stack.length) {
      const q = stack.pop()!;
      for (const j of nb[q]) if (core[j] && labels[j] === -1) { labels[j] = c; stack.push(j); }
    }
    c++;
  }
  return labels.map((l, j) => {
    if (core[j]) return l;
    let best = -1, bd = Infinity;
    for (const q of nb[j]) if (core[q] && d2(points[q], points[j]) < bd) { bd = d2(points[q], points[j]); best = q; }
    return best < 0 ? -1 : labels[best];
  });
}

describe.each(BACKENDS)("dbscan (%s)", (backend) => {
  beforeAll(() => use(backend));

  it("includes points at exactly eps and counts the point itself (hand-worked scikit-learn cases)", () => {
    const { x, dim, count } = layout([[0], [1], [2], [10], [11], [20]]);
    const r = dbscan(x, dim, count, { eps: 1, minSamples: 2 });
    expect(Array.from(r.labels)).toEqual([0, 0, 0, 1, 1, -1]); // sklearn: [0 0 0 1 1 -1]
    expect(Array.from(r.neighborhoodSizes)).toEqual([2, 3, 2, 2, 2, 1]);
    expect(Array.from(r.core)).toEqual([1, 1, 1, 1, 1, 0]);
    expect(r.clusters).toBe(2);
    // Strictly inside eps nothing is a neighbour: all noise.
    expect(Array.from(dbscan(x, dim, count, { eps: 0.999, minSamples: 2 }).labels)).toEqual([-1, -1, -1, -1, -1, -1]);
    // min_samples counts the point: a pair is a cluster at min_samples 2, noise at 3; min_samples 1 makes singletons clusters.
    const pair = layout([[0], [1]]);
    expect(Array.from(dbscan(pair.x, 1, 2, { eps: 1, minSamples: 2 }).labels)).toEqual([0, 0]);
    expect(Array.from(dbscan(pair.x, 1, 2, { eps: 1, minSamples: 3 }).labels)).toEqual([-1, -1]);
    expect(Array.from(dbscan(x, dim, count, { eps: 0.5, minSamples: 1 }).labels)).toEqual([0, 1, 2, 3, 4, 5]);
    // sklearn's default min_samples is 5.
    expect(dbscan(x, dim, count, { eps: 100 }).clusters).toBe(1);
  });

  it("numbers clusters in discovery order and gives a border point to its nearest core", () => {
    // Cluster B first (indices 0–4), the border point 5, cluster A (6–10); eps = 1.25, min_samples 5.
    const B = [[3, 0], [3, 0.5], [3, -0.5], [3.5, 0], [2.5, 0]];
    const A = [[0, 0], [0, 0.5], [0, -0.5], [-0.5, 0], [0.5, 0]];
    const pts = [...B, [1.25, 0], ...A];
    const { x, dim, count } = layout(pts);
    const r = dbscan(x, dim, count, { eps: 1.25, minSamples: 5 });
    // |N(border)| = 4: (0,0) and (2.5,0) at exactly 1.25 count, (0.5,0) at 0.75.
    expect(r.neighborhoodSizes[5]).toBe(4);
    expect(r.core[5]).toBe(0);
    // scikit-learn would give the border point to B (discovered first, label 0); its nearest core (0.5, 0) is in A.
    expect(Array.from(r.labels)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
    expect(Array.from(r.labels)).toEqual(reference(pts, 1.25, 5));
    // Equidistant cores: ties go to the lower core index.
    const tie = [[0, 0], [0, 0.5], [0, -0.5], [-0.5, 0], [0.5, 0], [1.5, 0], [2.5, 0], [3, 0], [3, 0.5], [3, -0.5], [3.5, 0]];
    const t = layout(tie);
    const rt = dbscan(t.x, t.dim, t.count, { eps: 1, minSamples: 5 });
    expect(rt.core[5]).toBe(0);
    expect(rt.labels[5]).toBe(rt.labels[4]); // core 4 (0.5, 0) and core 6 (2.5, 0) are both at 1
  });

  const cloud = fc.record({
    seed: fc.integer({ min: 0, max: 1e9 }),
    n: fc.integer({ min: 1, max: 60 }),
    dim: fc.integer({ min: 1, max: 4 }),
    eps: fc.double({ min: 0.05, max: 0.6, noNaN: true }),
    minSamples: fc.integer({ min: 1, max: 6 }),
  });

  test.prop([cloud], { numRuns: 60 })("matches the brute-force reference and is invariant under permutation (up to relabelling)", ({ seed, n, dim, eps, minSamples }) => {
    const r = rng(seed);
    const centres = Array.from({ length: 3 }, () => Array.from({ length: dim }, () => 2 * r()));
    const pts = Array.from({ length: n }, () => {
      const c = centres[Math.floor(r() * 3)];
      return c.map((v) => v + 0.4 * (r() - 0.5));
    });
    const { x, count } = layout(pts);
    const res = dbscan(x, dim, count, { eps, minSamples });
    expect(Array.from(res.labels)).toEqual(reference(pts, eps, minSamples));
    const perm = randomPermutation(n, seed + 1);
    const pp = perm.map((i) => pts[i]);
    const rp = dbscan(layout(pp).x, dim, count, { eps, minSamples });
    const back = new Array(n);
    perm.forEach((i, t) => (back[i] = rp.labels[t]));
    expect(partition(back)).toBe(partition(res.labels));
  });

  test.prop([cloud, fc.boolean()], { numRuns: 30 })(
    "matches the reference with every neighbour-graph strategy, on duplicates and equidistant points too",
    ({ seed, n, dim, eps, minSamples }, lattice) => {
      const r = rng(seed);
      const count = 4 * n;
      const pts = Array.from({ length: count }, () => Array.from({ length: dim }, () => (lattice ? Math.floor(r() * 5) / 5 : 2 * r())));
      const { x } = layout(pts);
      const want = reference(pts, eps, minSamples);
      const d2 = (p: number[], q: number[]) => p.reduce((s, v, t) => s + (q[t] - v) * (q[t] - v), 0);
      const sizes = pts.map((p) => pts.filter((q) => d2(p, q) <= eps * eps).length);
      for (const limits of [{ maxEntries: 1 << 26, slotBytes: 8 << 20 }, { maxEntries: 1 << 26, slotBytes: 4 * 16 * 240 }, { maxEntries: 1 << 26, slotBytes: 0 }, { maxEntries: 0, slotBytes: 0 }]) {
        withGraphLimits(limits, () => {
          const res = dbscan(x, dim, count, { eps, minSamples });
          expect(Array.from(res.labels)).toEqual(want);
          expect(Array.from(res.neighborhoodSizes)).toEqual(sizes);
          expect(res.clusters).toBe(Math.max(-1, ...want) + 1);
        });
      }
    },
  );

  it("accepts an empty set and validates its arguments, naming the parameter", () => {
    expect(dbscan(new Float64Array(0), 2, 0, { eps: 1 }).clusters).toBe(0);
    const x = new Float64Array(4);
    expect(() => dbscan(x, 2, 2, { eps: -1 })).toThrow(expect.objectContaining({ parameter: "eps" }));
    expect(() => dbscan(x, 2, 2, { eps: 1, minSamples: 0 })).toThrow(expect.objectContaining({ parameter: "minSamples" }));
    expect(() => dbscan(x, 2, 3, { eps: 1 })).toThrow(expect.objectContaining({ parameter: "x" }));
    expect(() => dbscan(new Float32Array(4) as never, 2, 2, { eps: 1 })).toThrow(expect.objectContaining({ parameter: "x" }));
    expect(() => dbscan(x, 0, 2, { eps: 1 })).toThrow(expect.objectContaining({ parameter: "dim" }));
    expect(() => dbscan(new Float64Array([0, NaN]), 1, 2, { eps: 1 })).toThrow(expect.objectContaining({ parameter: "x" }));
  });
});
