import { fc, test } from "@fast-check/vitest";
import { beforeAll, describe, expect, it } from "vitest";
import {
  chordalEmbedding, columnReduce, embeddingDim, orthonormalBasis, projector, subsetEmbeddings, subsetReducedEmbeddings,
  twin,
} from "../src/index.js";
import { BACKENDS, use } from "./backends.js";
import { columns, expectSameBits, gauss, matrix, maxDiff, rng, thrownParameter as param } from "./geometry-helpers.js";

// columnReduce is scalar in both builds with a fixed pivot rule and operation order, so simd build =
// scalar build = twin bit for bit; its structural properties (pivots exactly 1, exact zeros) are
// asserted exactly; span equality with the SVD projector holds to 1e-10 on well-conditioned inputs.

const relTols = fc.constantFrom(1e-15, 1e-10, 1e-6, 0.1, 0.5);

function reduce(w: Float64Array, m: number, k: number, relTol: number) {
  const out = new Float64Array(m * k).fill(NaN);
  const rank = columnReduce(out, w, m, k, relTol);
  return { out, rank };
}

/** Checks the RCEF shape exactly; returns the pivot rows. */
function expectRcef(a: Float64Array, m: number, k: number, rank: number): number[] {
  const pivots: number[] = [];
  for (let j = 0; j < k; j++) {
    if (j >= rank) {
      for (let r = 0; r < m; r++) expect(a[r * k + j], `column ${j} ≥ rank is 0`).toBe(0);
      continue;
    }
    let p = 0;
    while (p < m && a[p * k + j] === 0) p++;
    expect(p, `column ${j} has a pivot`).toBeLessThan(m);
    expect(a[p * k + j], `pivot of column ${j} is 1`).toBe(1);
    if (pivots.length) expect(p, "pivot rows strictly increase").toBeGreaterThan(pivots[pivots.length - 1]);
    pivots.push(p);
  }
  for (let j = 0; j < rank; j++) {
    for (let i = 0; i < k; i++) if (i !== j) expect(a[pivots[j] * k + i], `row ${pivots[j]} is 0 outside column ${j}`).toBe(0);
  }
  return pivots;
}

function svdProjector(w: Float64Array, m: number, k: number, relTol: number) {
  const basis = new Float64Array(m * k), sigma = new Float64Array(k);
  const rank = twin.orthonormalBasis(basis, sigma, w, m, k, relTol);
  const p = new Float64Array(m * m);
  twin.projector(p, basis, m, k, rank);
  return { p, rank, sigma };
}

describe.each(BACKENDS)("column reduction (%s)", (name) => {
  beforeAll(async () => {
    await use(name);
  });

  test.prop(
    { m: fc.integer({ min: 0, max: 300 }), k: fc.integer({ min: 0, max: 12 }), relTol: relTols, seed: fc.integer() },
    { numRuns: 40 },
  )("columnReduce = twin, bit for bit, and is a true RCEF (tall)", ({ m, k, relTol, seed }) => {
    check(matrix(m * k, seed), m, k, relTol);
  });

  test.prop(
    { m: fc.integer({ min: 0, max: 12 }), k: fc.integer({ min: 0, max: 40 }), relTol: relTols, seed: fc.integer() },
    { numRuns: 40 },
  )("columnReduce = twin, bit for bit, and is a true RCEF (wide)", ({ m, k, relTol, seed }) => {
    const { rank } = check(matrix(m * k, seed), m, k, relTol);
    expect(rank).toBeLessThanOrEqual(Math.min(m, k));
  });

  test.prop(
    { m: fc.integer({ min: 1, max: 12 }), k: fc.integer({ min: 1, max: 6 }), seed: fc.integer(), dup: fc.nat(5) },
    { numRuns: 40 },
  )("rank-deficient inputs (repeated / combined columns, zero rows) reduce to a true RCEF", ({ m, k, seed, dup }) => {
    const w = matrix(m * k, seed);
    const r = rng(seed);
    if (k >= 2) for (let i = 0; i < m; i++) w[i * k + (dup % k)] = w[i * k + ((dup + 1) % k)] * 3 - (k >= 3 ? w[i * k + ((dup + 2) % k)] : 0);
    if (m >= 2) for (let j = 0; j < k; j++) w[Math.floor(r() * m) * k + j] = 0;
    check(w, m, k, 1e-10);
  });

  function check(w: Float64Array, m: number, k: number, relTol: number) {
    const { out, rank } = reduce(w, m, k, relTol);
    const want = new Float64Array(m * k);
    expect(rank).toBe(twin.columnReduce(want, w, m, k, relTol));
    expectSameBits(out, want, "RCEF");
    expectRcef(out, m, k, rank);
    return { rank };
  }

  test.prop(
    { m: fc.integer({ min: 1, max: 12 }), k: fc.integer({ min: 1, max: 6 }), seed: fc.integer() },
    { numRuns: 60 },
  )("its span equals the input's: orthonormalised RCEF projector = SVD projector (well-conditioned)", ({ m, k, seed }) => {
    fc.pre(k <= m);
    const w = Float64Array.from({ length: m * k }, gauss(rng(seed)));
    const svd = svdProjector(w, m, k, 1e-10);
    fc.pre(svd.sigma[k - 1] / svd.sigma[0] > 1e-2);
    const { out, rank } = reduce(w, m, k, 1e-12);
    expect(rank).toBe(k);
    const basis = new Float64Array(m * k), sigma = new Float64Array(k);
    const r2 = orthonormalBasis(basis, sigma, out, m, k, 1e-12);
    expect(r2).toBe(k);
    const p = new Float64Array(m * m);
    projector(p, basis, m, k, r2);
    expect(maxDiff(p, svd.p)).toBeLessThan(1e-10);
  });

  it("is discontinuous: span{(ε,1)} reduces to (1, 1/ε) for ε ≠ 0 and to (0, 1) at ε = 0 (REFERENCE §6)", () => {
    for (const eps of [0.5, 1e-3, 1e-8, -1e-12]) {
      const { out, rank } = reduce(Float64Array.of(eps, 1), 2, 1, 1e-15);
      expect(rank).toBe(1);
      expect(out[0]).toBe(1);
      expect(out[1]).toBe(1 / eps);
    }
    const { out, rank } = reduce(Float64Array.of(0, 1), 2, 1, 1e-15);
    expect(rank).toBe(1);
    expect(Array.from(out)).toEqual([0, 1]);
    // The talk's embedding of AAᵀ jumps with ε; the projector embedding varies smoothly.
    const m = 2, n = 2, k = 1, count = 2;
    const w = Float64Array.of(1e-9, 0, 1, 1); // columns (1e-9, 1) and (0, 1)
    const sub = Int32Array.of(0, 1);
    const d = embeddingDim(m);
    const talk = new Float64Array(d * count), proj = new Float64Array(d * count), ranks = new Int32Array(count);
    subsetReducedEmbeddings(talk, ranks, w, m, n, sub, k, count, 1e-15);
    subsetEmbeddings(proj, ranks, w, m, n, sub, k, count, 1e-15);
    const dist = (x: Float64Array) => Math.hypot(...Array.from({ length: d }, (_, i) => x[i * count] - x[i * count + 1]));
    expect(dist(talk)).toBeGreaterThan(1e9);
    expect(dist(proj)).toBeLessThan(2e-9);
  });

  it("ties pick the lowest column, and a row at or below relTol·max|W| is skipped (its candidates zeroed)", () => {
    // Row 0: |−2| ties with |2| → column 0 pivots. Row 1 after elimination is (0, 1e-13·…) → skipped at
    // relTol 1e-10 (rank 1); kept at 1e-15 (rank 2).
    const w = Float64Array.of(-2, 2, 1, -1 + 2e-13);
    const a = reduce(w, 2, 2, 1e-10);
    expect(a.rank).toBe(1);
    expect(Array.from(a.out)).toEqual([1, 0, -0.5, 0]);
    const b = reduce(w, 2, 2, 1e-15);
    expect(b.rank).toBe(2);
    expectRcef(b.out, 2, 2, 2);
    expect(Array.from(b.out)).toEqual([1, 0, 0, 1]);
  });

  test.prop(
    {
      m: fc.integer({ min: 0, max: 9 }),
      n: fc.integer({ min: 1, max: 20 }),
      k: fc.integer({ min: 0, max: 5 }),
      count: fc.integer({ min: 0, max: 15 }),
      extra: fc.integer({ min: 0, max: 2 }),
      relTol: relTols,
      seed: fc.integer(),
    },
    { numRuns: 40 },
  )("subsetReducedEmbeddings = twin = chordalEmbedding(projector(columnReduce(W_S))), bit for bit", (a) => {
    const { m, n, k, count, extra, relTol, seed } = a;
    const w = matrix(m * n, seed);
    const r = rng(seed ^ 0x1234567);
    const subsets = Int32Array.from({ length: k * count }, () => Math.floor(r() * n));
    const d = embeddingDim(m);
    const ld = count + extra;
    const len = d === 0 || count === 0 ? 0 : (d - 1) * ld + count;
    const out = new Float64Array(len).fill(-3), want = new Float64Array(len).fill(-3);
    const ranks = new Int32Array(count), wantRanks = new Int32Array(count);
    subsetReducedEmbeddings(out, ranks, w, m, n, subsets, k, count, relTol, ld);
    twin.subsetReducedEmbeddings(want, wantRanks, w, m, n, subsets, k, count, relTol, ld);
    expectSameBits(ranks, wantRanks, "ranks");
    expectSameBits(out, want, "embeddings");
    for (let s = 0; s < count; s++) {
      const ws = columns(w, m, n, subsets.subarray(s * k, s * k + k));
      const { out: A, rank } = reduce(ws, m, k, relTol);
      expect(ranks[s]).toBe(rank);
      const p = new Float64Array(m * m);
      projector(p, A, m, k, rank);
      const e = new Float64Array(d);
      chordalEmbedding(e, p, m);
      expectSameBits(Float64Array.from({ length: d }, (_, i) => out[i * ld + s]), e, `subset ${s}`);
    }
  });

  it("rejects bad arguments with a TegumError naming the parameter", () => {
    const w = Float64Array.of(1, 2, 3, 4, 5, 6);
    for (const bad of [0, 1, -1, NaN]) expect(param(() => columnReduce(new Float64Array(6), w, 3, 2, bad))).toBe("relTol");
    expect(param(() => columnReduce(new Float64Array(6), w, -3, 2, 0.1))).toBe("m");
    expect(param(() => columnReduce(new Float64Array(6), w, 3, 2.2, 0.1))).toBe("k");
    expect(param(() => columnReduce(new Float64Array(5), w, 3, 2, 0.1))).toBe("out");
    expect(param(() => columnReduce(new Float64Array(6), Float64Array.of(1, 2, 3, 4, 5, -Infinity), 3, 2, 0.1))).toBe("w");
    expect(param(() => subsetReducedEmbeddings(new Float64Array(3), new Int32Array(1), w, 2, 3, Int32Array.of(5), 1, 1, 0.1))).toBe("subsets");
  });
});
