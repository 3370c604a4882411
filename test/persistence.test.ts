import { fc, test } from "@fast-check/vitest";
import { beforeAll, describe, expect, it } from "vitest";
import { dbscan, persistence, widestGap } from "../src/index.js";
import { rng } from "./analysis-fixtures.js";
import { BACKENDS, use } from "./backends.js";

function layout(points: number[][]): { x: Float64Array; dim: number; count: number } {
  const count = points.length, dim = points[0].length;
  const x = new Float64Array(dim * count);
  points.forEach((p, i) => p.forEach((v, d) => (x[d * count + i] = v)));
  return { x, dim, count };
}

/** Kruskal on all pairs: the sorted MST edge lengths. */
function kruskal(points: number[][]): number[] {
  const n = points.length;
  const edges: [number, number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) edges.push([Math.sqrt(points[i].reduce((s, v, t) => s + (v - points[j][t]) ** 2, 0)), i, j]);
  edges.sort((a, b) => a[0] - b[0]);
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  const out: number[] = [];
  for (const [d, i, j] of edges) {
    const a = find(i), b = find(j);
    if (a !== b) { parent[a] = b; out.push(d); }
  }
  return out;
}

describe.each(BACKENDS)("persistence (%s)", (backend) => {
  beforeAll(() => use(backend));

  it("gives the single-linkage merge heights and the eps of the widest gap", () => {
    const { x, dim, count } = layout([[0], [1], [3], [7]]);
    const p = persistence(x, dim, count);
    expect(Array.from(p.heights)).toEqual([1, 2, 4]);
    expect(Array.from(p.edges)).toEqual([0, 1, 1, 2, 2, 3]);
    expect(p.choice).toEqual({ eps: 3, lower: 2, upper: 4, gap: 2, clusters: 2 });
    expect(persistence(x, dim, 1).choice).toBeNull();
    expect(widestGap([])).toBeNull();
    // The gap may start at 0: all points far apart → eps below every height, every point its own cluster.
    expect(widestGap([5, 5.5, 6])).toEqual({ eps: 2.5, lower: 0, upper: 5, gap: 5, clusters: 4 });
  });

  it("separates tight bundles from O(1) distances (the bundle finder's use)", () => {
    const r = rng(2);
    const centres = [[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]];
    const pts = centres.flatMap((c) => Array.from({ length: 6 }, () => c.map((v) => v + 1e-6 * (r() - 0.5))));
    const { x, dim, count } = layout(pts);
    const p = persistence(x, dim, count);
    expect(p.choice!.clusters).toBe(4);
    expect(p.choice!.lower).toBeLessThan(1e-5);
    expect(p.choice!.upper).toBeCloseTo(1, 4);
    const d = dbscan(x, dim, count, { eps: p.choice!.eps, minSamples: 1 });
    expect(d.clusters).toBe(4);
  });

  test.prop([fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 2, max: 40 }), fc.integer({ min: 1, max: 5 })], { numRuns: 40 })(
    "equals Kruskal's MST, and DBSCAN with min_samples 1 cuts the dendrogram",
    (seed, n, dim) => {
      const r = rng(seed);
      const pts = Array.from({ length: n }, () => Array.from({ length: dim }, () => r()));
      const { x, count } = layout(pts);
      const p = persistence(x, dim, count);
      const want = kruskal(pts);
      want.forEach((h, t) => expect(p.heights[t]).toBeCloseTo(h, 12));
      const eps = p.choice!.eps;
      expect(dbscan(x, dim, count, { eps, minSamples: 1 }).clusters).toBe(p.choice!.clusters);
    },
  );

  it("validates its arguments", () => {
    expect(() => persistence(new Float64Array(3), 2, 2)).toThrow(expect.objectContaining({ parameter: "x" }));
    expect(() => persistence(new Float64Array(4), 0, 2)).toThrow(expect.objectContaining({ parameter: "dim" }));
    expect(() => persistence(new Float64Array(4), 2, -1)).toThrow(expect.objectContaining({ parameter: "count" }));
  });
});

describe.each(BACKENDS)("persistence, Prim's ties (%s)", (backend) => {
  beforeAll(() => use(backend));

  /** Prim over the full distance matrix, the rules persistence documents: strict updates, ties to the lowest index. */
  function prim(x: Float64Array, dim: number, count: number): { heights: number[]; edges: number[] } {
    const dist = (i: number, j: number) => {
      let s = 0;
      for (let d = 0; d < dim; d++) {
        const t = x[d * count + j] - x[d * count + i];
        s += t * t;
      }
      return Math.sqrt(s);
    };
    const best = new Array(count).fill(Infinity), from = new Array(count).fill(0), inTree = new Array(count).fill(false);
    const h: number[] = [], pairs: [number, number][] = [];
    let q = 0;
    inTree[0] = true;
    for (let step = 1; step < count; step++) {
      let next = -1;
      for (let j = 0; j < count; j++) {
        if (inTree[j]) continue;
        const d = dist(q, j);
        if (d < best[j]) { best[j] = d; from[j] = q; }
        if (next < 0 || best[j] < best[next]) next = j;
      }
      inTree[next] = true;
      h.push(best[next]);
      pairs.push([from[next], next]);
      q = next;
    }
    const order = h.map((_, i) => i).sort((a, b) => h[a] - h[b] || a - b);
    return { heights: order.map((o) => h[o]), edges: order.flatMap((o) => [Math.min(...pairs[o]), Math.max(...pairs[o])]) };
  }

  test.prop([fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 2, max: 300 }), fc.integer({ min: 1, max: 4 }), fc.boolean()], { numRuns: 30 })(
    "gives exactly the edges of the plain N×N Prim, on lattices full of ties and duplicates too",
    (seed, n, dim, lattice) => {
      const r = rng(seed);
      const x = Float64Array.from({ length: dim * n }, () => (lattice ? Math.floor(r() * 4) : r()));
      const p = persistence(x, dim, n);
      const want = prim(x, dim, n);
      expect(Array.from(p.heights)).toEqual(want.heights);
      expect(Array.from(p.edges)).toEqual(want.edges);
    },
  );
});
