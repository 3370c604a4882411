import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  binomial, checkWork, combinations, graphComponents, connectedSubsets, countConnectedSubsets, estimateWork, gramAdjacency,
  isConnectedSubset, levelFlops, TegumError,
} from "../src/index.js";
import { Rng } from "./fixtures/polytopes.js";

/** A random graph on n vertices with edge probability p (symmetric n×n adjacency). */
function randomGraph(n: number, p: number, seed: number): Uint8Array {
  const rng = new Rng(seed);
  const adj = new Uint8Array(n * n);
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) if (rng.uniform() < p) adj[a * n + b] = adj[b * n + a] = 1;
  return adj;
}

const rows = (flat: Int32Array, k: number) => Array.from({ length: flat.length / k }, (_, c) => Array.from(flat.subarray(c * k, c * k + k)));

describe("subset enumeration", () => {
  it("counts and lists combinations in lexicographic order", () => {
    expect(binomial(20, 4)).toBe(4845);
    expect(binomial(40, 4)).toBe(91390);
    expect(binomial(200, 4)).toBe(64684950);
    expect(binomial(5, 0)).toBe(1);
    expect(binomial(3, 5)).toBe(0);
    expect(rows(combinations([2, 5, 7, 9], 2), 2)).toEqual([[2, 5], [2, 7], [2, 9], [5, 7], [5, 9], [7, 9]]);
    expect(combinations([1, 2, 3], 3)).toEqual(Int32Array.from([1, 2, 3]));
    expect(combinations([1, 2], 3).length).toBe(0);
  });

  test.prop([fc.integer({ min: 0, max: 40 }), fc.double({ min: 0, max: 0.3, noNaN: true }), fc.integer({ min: 0, max: 1e6 })], { numRuns: 120 })(
    "isConnectedSubset = union-find over the induced edges (up to 40 vertices: the scratch grows)",
    (k, p, seed) => {
      const n = 48;
      const adj = randomGraph(n, p, seed);
      const subset = Array.from({ length: n }, (_, i) => (i * 29 + seed) % n).slice(0, k).sort((a, b) => a - b);
      const root = subset.map((_, i) => i);
      const find = (i: number): number => (root[i] === i ? i : (root[i] = find(root[i])));
      for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) if (adj[subset[a] * n + subset[b]]) root[find(b)] = find(a);
      const components = new Set(subset.map((_, i) => find(i))).size;
      expect(isConnectedSubset(adj, n, subset)).toBe(components <= 1);
    },
  );

  test.prop([fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 5 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 1e6 })], { numRuns: 60 })(
    "connectedSubsets = the combinations whose induced subgraph is connected (dense and sparse paths)",
    (n, k, p, seed) => {
      const adj = randomGraph(n, p, seed);
      // a subset of the vertices as the "factor"
      const items = Array.from({ length: n }, (_, i) => i).filter((i) => (i * 7 + seed) % 5 !== 0 || n < 4);
      const expected = rows(combinations(items, k), k).filter((s) => isConnectedSubset(adj, n, s));
      const got = rows(connectedSubsets(adj, n, items, k), k);
      expect(got).toEqual(expected); // same sets, same (lexicographic) order
      expect(countConnectedSubsets(adj, n, items, k)).toBe(expected.length);
      if (expected.length > 2) expect(countConnectedSubsets(adj, n, items, k, 2)).toBe(3); // stops past the limit
    },
  );

  test.prop([fc.double({ min: 0.02, max: 0.15, noNaN: true }), fc.integer({ min: 0, max: 1e6 })], { numRuns: 5 })(
    "countConnectedSubsets past 2^16 combinations (ESU) = connectedSubsets, and stops past the limit",
    (p, seed) => {
      const n = 40, k = 4; // C(40, 4) = 91 390
      const adj = randomGraph(n, p, seed);
      const items = Array.from({ length: n }, (_, i) => i);
      const expected = connectedSubsets(adj, n, items, k).length / k;
      expect(countConnectedSubsets(adj, n, items, k)).toBe(expected);
      if (expected > 2) expect(countConnectedSubsets(adj, n, items, k, 2)).toBe(3);
    },
  );

  it("builds the thresholded Gram graph and its components", () => {
    // e1, e1+1e-4·e2 (joined), e3 (alone), e3 + e4 (joined with e3)
    const w = Float64Array.from([1, 1, 0, 0, 0, 1e-4, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1]); // 4×4, columns are features
    const adj = gramAdjacency(w, 4, 4, 1e-3);
    expect(Array.from(adj)).toEqual([0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0]);
    expect(graphComponents(adj, 4, [0, 1, 2, 3])).toEqual([[0, 1], [2, 3]]);
    expect(graphComponents(adj, 4, [1, 3])).toEqual([[1], [3]]);
    // zero columns have no edges
    expect(Array.from(gramAdjacency(new Float64Array(4), 2, 2, 0))).toEqual([0, 0, 0, 0]);
  });

  it("estimates the work per level from the factors, counting connected subsets exactly", () => {
    const n = 10;
    const adj = randomGraph(n, 0.5, 1);
    const factors = [[0, 1, 2, 3, 4, 5], [6, 7, 8, 9]];
    const est = estimateWork(factors, 5, 1, 4, adj, n);
    expect(est.levels.map((l) => l.k)).toEqual([1, 2, 3, 4]);
    for (const l of est.levels) {
      const exact = factors.reduce((s, f) => s + connectedSubsets(adj, n, f, l.k).length / l.k, 0);
      expect(l.points).toBe(exact);
      expect(l.exact).toBe(true);
      expect(l.flops).toBe(levelFlops(l.points, 5, l.k));
    }
    expect(est.factorSizes).toEqual([6, 4]);
    // without a graph: the binomial bound
    const bound = estimateWork([Array.from({ length: 40 }, (_, i) => i)], 8, 2, 4, null, 40);
    expect(bound.levels.map((l) => l.points)).toEqual([780, 9880, 91390]);
    expect(bound.levels.every((l) => !l.exact)).toBe(true);
  });

  it("refuses before any work with the estimate and the options that reduce it", () => {
    const est = estimateWork([Array.from({ length: 200 }, (_, i) => i)], 20, 1, 4, null, 200);
    expect(() => checkWork(est, 1e10)).toThrow(TegumError);
    try {
      checkWork(est, 1e10);
    } catch (e) {
      const msg = (e as Error).message;
      expect((e as TegumError).parameter).toBe("maxWork");
      expect(msg).toMatch(/k=4: 6\.5e\+7 subsets \(bound\)/);
      for (const option of ["maxK", "gramTol", "features", "deadTol", "maxWork"]) expect(msg).toContain(option);
    }
    expect(() => checkWork(estimateWork([[0, 1, 2]], 3, 1, 2, null, 3), 1e10)).not.toThrow();
  });

  it("validates its arguments", () => {
    expect(() => combinations([1, 2], 0)).toThrow(TegumError);
    expect(() => connectedSubsets(new Uint8Array(4), 2, [1, 0], 1)).toThrow(/increasing/);
    expect(() => connectedSubsets(new Uint8Array(4), 2, [0, 2], 1)).toThrow(/items/);
    expect(() => connectedSubsets(new Uint8Array(3), 2, [0, 1], 1)).toThrow(/adjacency/);
    expect(() => gramAdjacency(new Float64Array(3), 2, 2, 0.1)).toThrow(/w needs/);
    expect(() => gramAdjacency(new Float64Array(4), 2, 2, 2)).toThrow(/tol/);
  });
});
