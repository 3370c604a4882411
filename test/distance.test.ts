import { fc, test } from "@fast-check/vitest";
import { beforeAll, describe, expect, it } from "vitest";
import {
  chordalDistances, embeddingDim, f64, i32, neighborCounts, neighborGraph, neighborLists, neighbors, scoped, subsetEmbeddings,
  twin,
} from "../src/index.js";
import { BACKENDS, use } from "./backends.js";
import { distanceKernels } from "../src/distance.js";
import { expectSameBits, gauss, rng, thrownParameter as param } from "./geometry-helpers.js";

// Points are dimension-major (x[d*count + i]). Every squared distance is a sequential sum over d in all
// three implementations, so chordalDistances is compared bit for bit, and neighbour counts / lists must
// equal a brute-force oracle exactly (the neighbourhood test is d² ≤ eps·eps, boundary included). The
// kernels prune pairs with a sort window on one coordinate; the oracle does not, so any pruning that
// changed a result would show.

/** Clustered points: `clusters` centres, each point a centre plus noise of scale `spread`; some exact duplicates. */
function points(dim: number, count: number, clusters: number, spread: number, seed: number): Float64Array {
  const r = rng(seed);
  const g = gauss(r);
  const centres = Float64Array.from({ length: Math.max(1, clusters) * dim }, g);
  const x = new Float64Array(dim * count);
  for (let i = 0; i < count; i++) {
    const c = Math.floor(r() * Math.max(1, clusters));
    const dup = i > 0 && r() < 0.05;
    for (let d = 0; d < dim; d++) x[d * count + i] = dup ? x[d * count + i - 1] : centres[c * dim + d] + spread * g();
  }
  return x;
}

/** Brute force: d²(i,j) = Σ_d (x_dj − x_di)², sequential over d. */
function d2(x: Float64Array, dim: number, count: number, i: number, j: number): number {
  let s = 0;
  for (let d = 0; d < dim; d++) {
    const t = x[d * count + j] - x[d * count + i];
    s += t * t;
  }
  return s;
}

/** The active build's pairSpread (largest, sum), checked equal to the twin's bit for bit. */
function spreadVsTwin(x: Float64Array, dim: number, count: number): Float64Array {
  const got = scoped(() => {
    const out = f64(2);
    distanceKernels().pairSpread(out.ptr, f64(x).ptr, dim, count);
    return out.toArray();
  });
  const want = new Float64Array(2);
  twin.pairSpread(want, x, dim, count);
  expectSameBits(got, want, "spread");
  return got;
}

const cloud = {
  dim: fc.integer({ min: 0, max: 40 }),
  count: fc.integer({ min: 0, max: 300 }),
  clusters: fc.integer({ min: 1, max: 8 }),
  spread: fc.constantFrom(0, 1e-6, 0.05, 0.3, 1),
  seed: fc.integer(),
};

describe.each(BACKENDS)("distances (%s)", (name) => {
  beforeAll(async () => {
    await use(name);
  });

  test.prop(cloud, { numRuns: 40 })("chordalDistances = twin, bit for bit", ({ dim, count, clusters, spread, seed }) => {
    fc.pre(count > 0);
    const x = points(dim, count, clusters, spread, seed);
    const q = Math.floor(rng(seed + 1)() * count);
    const out = new Float64Array(count).fill(NaN), want = new Float64Array(count);
    chordalDistances(out, x, dim, count, q);
    twin.chordalDistances(want, x, dim, count, q);
    expectSameBits(out, want, "distances");
    expect(out[q]).toBe(0);
    for (let j = 0; j < count; j++) expect(out[j]).toBe(Math.sqrt(d2(x, dim, count, q, j)));
  });

  test.prop(cloud, { numRuns: 40 })("pairSpread = twin, bit for bit; its largest = the pairs' largest, its sum theirs to the summation bound", ({ dim, count, clusters, spread, seed }) => {
    const x = points(dim, count, clusters, spread, seed);
    const got = spreadVsTwin(x, dim, count);
    // A plain sequential loop over the pairs: the same largest; the sum, in another order: a sum of
    // n = count(count − 1)/2 non-negative terms is within (n − 1)·2⁻⁵³ of the exact one, relative, in
    // any order, so the two are within count²·2⁻⁵³.
    let most = 0, sum = 0;
    for (let a = 0; a < count; a++) {
      for (let b = a + 1; b < count; b++) {
        const dist = Math.sqrt(d2(x, dim, count, a, b));
        sum += dist;
        most = Math.max(most, dist);
      }
    }
    expect(got[0]).toBe(most);
    expect(Math.abs(got[1] - sum)).toBeLessThanOrEqual(count * count * 2 ** -53 * sum);
  });

  it("pairSpread passes over NaN distances in its largest, as the twin's `if (d > largest)` (the sum is NaN)", () => {
    // 21 points on a line, one of them NaN: pairs through it are NaN, in SIMD blocks and in the tail.
    const count = 21;
    const x = Float64Array.from({ length: count }, (_, i) => (i === 9 ? NaN : i));
    const got = spreadVsTwin(x, 1, count);
    expect(got[0]).toBe(20);
    expect(got[1]).toBeNaN();
  });

  test.prop({ ...cloud, quantile: fc.double({ min: 0, max: 1, noNaN: true }) }, { numRuns: 40 })(
    "neighborCounts and neighbors = brute force = twin (eps at an exact pair distance: boundary included)",
    ({ dim, count, clusters, spread, seed, quantile }) => {
      const x = points(dim, count, clusters, spread, seed);
      // eps from the data: sqrt of the squared distance of some pair, so the boundary is hit exactly
      // for that pair whenever sqrt(s)² = s; scaled variants move it off.
      let eps = 0;
      if (count > 1) {
        const r = rng(seed + 2);
        const i = Math.floor(r() * count), j = Math.floor(r() * count);
        eps = Math.sqrt(d2(x, dim, count, i, j)) * (0.5 + quantile);
      }
      const eps2 = eps * eps;
      const counts = new Int32Array(count).fill(-1), want = new Int32Array(count);
      neighborCounts(counts, x, dim, count, eps);
      twin.neighborCounts(want, x, dim, count, eps);
      expectSameBits(counts, want, "counts vs twin");
      const graph = neighborGraph(x, dim, count, eps);
      expect(graph.offsets.length).toBe(count + 1);
      const offsets = new Int32Array(count + 1);
      for (let i = 0; i < count; i++) offsets[i + 1] = offsets[i] + counts[i];
      expectSameBits(graph.offsets, offsets, "offsets");
      const lists = new Int32Array(offsets[count]).fill(-1), wantLists = new Int32Array(offsets[count]);
      neighborLists(lists, offsets, x, dim, count, eps);
      twin.neighborLists(wantLists, offsets, x, dim, count, eps);
      expectSameBits(lists, graph.indices, "lists vs graph");
      expectSameBits(lists, wantLists, "lists vs twin");
      for (let i = 0; i < count; i++) {
        const list: number[] = [];
        for (let j = 0; j < count; j++) if (d2(x, dim, count, i, j) <= eps2) list.push(j);
        expect(counts[i], `count of ${i}`).toBe(list.length);
        expect(Array.from(graph.indices.subarray(graph.offsets[i], graph.offsets[i + 1])), `row ${i}`).toEqual(list);
        if (i % 7 === 0) {
          const idx = new Int32Array(count);
          const num = neighbors(idx, x, dim, count, i, eps);
          expect(Array.from(idx.subarray(0, num))).toEqual(list);
          const tidx = new Int32Array(count);
          expect(twin.neighbors(tidx, x, dim, count, i, eps)).toBe(num);
          expect(Array.from(tidx.subarray(0, num))).toEqual(list);
        }
      }
    },
  );

  it("large sparse clouds: the sort window prunes, results stay exact (2000 points, tight clusters)", () => {
    const dim = 6, count = 2000;
    const x = points(dim, count, 40, 1e-3, 77);
    for (const eps of [0, 1e-3, 5e-3, 0.5]) {
      const counts = new Int32Array(count), want = new Int32Array(count);
      neighborCounts(counts, x, dim, count, eps);
      twin.neighborCounts(want, x, dim, count, eps);
      expectSameBits(counts, want, `counts at eps ${eps}`);
      const graph = neighborGraph(x, dim, count, eps);
      for (let i = 0; i < count; i += 37) {
        const list: number[] = [];
        for (let j = 0; j < count; j++) if (d2(x, dim, count, i, j) <= eps * eps) list.push(j);
        expect(counts[i]).toBe(list.length);
        expect(Array.from(graph.indices.subarray(graph.offsets[i], graph.offsets[i + 1]))).toEqual(list);
      }
    }
  });

  it("dim = 0: all points coincide; count 0 and 1", () => {
    const c = new Int32Array(3);
    neighborCounts(c, new Float64Array(0), 0, 3, 0);
    expect(Array.from(c)).toEqual([3, 3, 3]);
    const g = neighborGraph(new Float64Array(0), 0, 3, 1);
    expect(Array.from(g.offsets)).toEqual([0, 3, 6, 9]);
    expect(Array.from(g.indices)).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2]);
    expect(neighborGraph(new Float64Array(0), 4, 0, 1).indices.length).toBe(0);
    const one = neighborGraph(Float64Array.of(1, 2), 2, 1, 0);
    expect(Array.from(one.offsets)).toEqual([0, 1]);
    expect(Array.from(one.indices)).toEqual([0]);
  });

  it("eps is inclusive: a 3-4-5 pair is a neighbour at eps = 5, not at 5 − 1e-12; a point counts itself", () => {
    // 11 points on a line in R² at (3i, 4i): consecutive ones are exactly 5 apart, eps² = 25 exactly.
    const count = 11, dim = 2;
    const x = new Float64Array(dim * count);
    for (let i = 0; i < count; i++) {
      x[i] = 3 * i;
      x[count + i] = 4 * i;
    }
    const counts = new Int32Array(count);
    neighborCounts(counts, x, dim, count, 5);
    expect(Array.from(counts)).toEqual([2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2]);
    neighborCounts(counts, x, dim, count, 5 - 1e-12);
    expect(Array.from(counts)).toEqual(new Array(count).fill(1));
    neighborCounts(counts, x, dim, count, 0);
    expect(Array.from(counts)).toEqual(new Array(count).fill(1));
    const idx = new Int32Array(count);
    expect(neighbors(idx, x, dim, count, 4, 10)).toBe(5);
    expect(Array.from(idx.subarray(0, 5))).toEqual([2, 3, 4, 5, 6]);
    expect(neighbors(idx, x, dim, count, 0, 0)).toBe(1);
    expect(idx[0]).toBe(0);
  });

  it("embeddings from subsetEmbeddings feed the distance kernels directly (resident, no copies)", () => {
    const m = 4, n = 6, k = 2;
    // Columns 0..2 in the plane e1,e2 (with different bases), 3..5 in e3,e4.
    const w = new Float64Array(m * n);
    const cols = [[1, 0, 0, 0], [0, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 0], [0, 0, 1, 2], [0, 0, 0, 1]];
    cols.forEach((c, j) => c.forEach((v, r) => (w[r * n + j] = v)));
    const subsets = Int32Array.of(0, 1, 1, 2, 0, 2, 3, 4, 4, 5, 3, 5, 0, 3);
    const count = subsets.length / k;
    const dim = embeddingDim(m);
    scoped(() => {
      const x = f64(dim * count), ranks = i32(count), counts = i32(count);
      subsetEmbeddings(x, ranks, f64(w), m, n, i32(subsets), k, count, 1e-10);
      neighborCounts(counts, x, dim, count, 1e-9);
      expect(Array.from(counts.array)).toEqual([3, 3, 3, 3, 3, 3, 1]);
      const dist = f64(count);
      chordalDistances(dist, x, dim, count, 0);
      expect(dist.array[1]).toBeLessThan(1e-15);
      expect(dist.array[3]).toBeCloseTo(Math.SQRT2, 14); // orthogonal planes: √(sin²90° + sin²90°)
      expect(dist.array[6]).toBeCloseTo(1, 14); // one common direction, one orthogonal
    });
  });

  it("rejects bad arguments with a TegumError naming the parameter", () => {
    const x = Float64Array.of(0, 1, 2, 3, 4, 5);
    const c = new Int32Array(3);
    expect(param(() => neighborCounts(c, x, 2, 3, NaN))).toBe("eps");
    expect(param(() => neighborCounts(c, x, 2, 3, -1))).toBe("eps");
    expect(param(() => neighborCounts(c, x, 2, 3, Infinity))).toBe("eps");
    expect(param(() => neighborCounts(c, x, 3, 3, 1))).toBe("x");
    expect(param(() => neighborCounts(c, Float64Array.of(0, 1, NaN, 3, 4, 5), 2, 3, 1))).toBe("x");
    expect(param(() => neighborCounts(new Int32Array(2), x, 2, 3, 1))).toBe("counts");
    expect(param(() => neighborCounts(c, x, -2, 3, 1))).toBe("dim");
    expect(param(() => chordalDistances(new Float64Array(3), x, 2, 3, 3))).toBe("q");
    expect(param(() => chordalDistances(new Float64Array(3), x, 2, 3, -1))).toBe("q");
    expect(param(() => chordalDistances(new Float64Array(2), x, 2, 3, 0))).toBe("out");
    expect(param(() => neighbors(c, x, 2, 3, 0.5, 1))).toBe("q");
    expect(param(() => neighbors(new Int32Array(1), x, 2, 3, 0, 1))).toBe("idx");
    expect(param(() => neighbors(c, x, 2, 3, 0, NaN))).toBe("eps");
    expect(param(() => neighbors(c, x, 2, 1.5, 0, 1))).toBe("count");
    expect(param(() => neighborLists(new Int32Array(9), Int32Array.of(0, 1, 2), x, 2, 3, 1))).toBe("offsets");
    expect(param(() => neighborLists(new Int32Array(9), Int32Array.of(1, 2, 3, 4), x, 2, 3, 1))).toBe("offsets");
    expect(param(() => neighborLists(new Int32Array(9), Int32Array.of(0, 1, 1, 4), x, 2, 3, 1))).toBe("offsets");
    expect(param(() => neighborLists(new Int32Array(3), Int32Array.of(0, 1, 2, 4), x, 2, 3, 1))).toBe("idx");
    expect(param(() => neighborGraph(x, 2, 3, -1))).toBe("eps");
  });
});
