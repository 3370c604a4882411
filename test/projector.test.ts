import { fc, test } from "@fast-check/vitest";
import { beforeAll, describe, expect, it } from "vitest";
import {
  chordalEmbedding, embeddingDim, f64, i32, orthonormalBasis, projector, scoped, subsetEmbeddings, twin,
} from "../src/index.js";
import { BACKENDS, use } from "./backends.js";
import { columns, expectSameBits, gauss, matrix, maxDiff, mul, randomOrthogonal, rng, transpose, thrownParameter as param } from "./geometry-helpers.js";

// Bit equality: the Jacobi SVD has a fixed sweep order, sequential dot products, a deterministic
// rotation test and only + − × ÷ √; the SIMD batch runs two subsets in two lanes with masked (never
// approximated) updates. So simd build = scalar build = twin exactly, and the batch = the chain
// chordalEmbedding(projector(orthonormalBasis(W_S))) exactly.
// Properties of the results (P = Pᵀ, P² = P, invariances, distances) hold to rounding: 1e-12 for
// well-conditioned inputs (subspace perturbation ≈ κ·2⁻⁵²).

const relTols = fc.constantFrom(1e-14, 1e-10, 1e-6, 0.1, 0.5);

/** Runs the wasm orthonormalBasis and returns its outputs. */
function basisOf(w: Float64Array, m: number, k: number, relTol: number) {
  const basis = new Float64Array(m * k).fill(NaN);
  const sigma = new Float64Array(k).fill(NaN);
  const rank = orthonormalBasis(basis, sigma, w, m, k, relTol);
  return { basis, sigma, rank };
}

/** The wasm projector of the dominant subspace of W (m×k). */
function projectorOf(w: Float64Array, m: number, k: number, relTol = 1e-10) {
  const { basis, rank } = basisOf(w, m, k, relTol);
  const p = new Float64Array(m * m);
  projector(p, basis, m, k, rank);
  return { p, rank, basis };
}

function gaussian(len: number, seed: number): Float64Array {
  return Float64Array.from({ length: len }, gauss(rng(seed)));
}

/** σ_min/σ_max of W (m×k, k ≤ m) from the twin (reciprocal condition number). */
function rcond(w: Float64Array, m: number, k: number): number {
  const sigma = new Float64Array(k);
  twin.orthonormalBasis(new Float64Array(m * k), sigma, w, m, k, 0.5);
  return sigma[0] === 0 ? 0 : sigma[k - 1] / sigma[0];
}

describe.each(BACKENDS)("projectors (%s)", (name) => {
  beforeAll(async () => {
    await use(name);
  });

  test.prop(
    { m: fc.integer({ min: 0, max: 300 }), k: fc.integer({ min: 0, max: 12 }), relTol: relTols, seed: fc.integer() },
    { numRuns: 40 },
  )("orthonormalBasis, projector, chordalEmbedding = twin, bit for bit (tall)", ({ m, k, relTol, seed }) => {
    checkAgainstTwin(matrix(m * k, seed), m, k, relTol);
  });

  test.prop(
    { m: fc.integer({ min: 0, max: 12 }), k: fc.integer({ min: 0, max: 40 }), relTol: relTols, seed: fc.integer() },
    { numRuns: 40 },
  )("orthonormalBasis, projector, chordalEmbedding = twin, bit for bit (wide, k > m: rank ≤ m)", ({ m, k, relTol, seed }) => {
    const { rank } = checkAgainstTwin(matrix(m * k, seed), m, k, relTol);
    expect(rank).toBeLessThanOrEqual(Math.min(m, k));
  });

  function checkAgainstTwin(w: Float64Array, m: number, k: number, relTol: number) {
    const got = basisOf(w, m, k, relTol);
    const basis = new Float64Array(m * k), sigma = new Float64Array(k);
    const rank = twin.orthonormalBasis(basis, sigma, w, m, k, relTol);
    expect(got.rank).toBe(rank);
    expectSameBits(got.basis, basis, "basis");
    expectSameBits(got.sigma, sigma, "sigma");
    for (let j = 1; j < k; j++) expect(sigma[j]).toBeLessThanOrEqual(sigma[j - 1]);
    for (let r = 0; r < m; r++) for (let j = rank; j < k; j++) expect(Object.is(basis[r * k + j], 0)).toBe(true);

    const p = new Float64Array(m * m).fill(NaN), wantP = new Float64Array(m * m);
    projector(p, basis, m, k, rank);
    twin.projector(wantP, basis, m, k, rank);
    expectSameBits(p, wantP, "P");

    const d = embeddingDim(m);
    const e = new Float64Array(d).fill(NaN), wantE = new Float64Array(d);
    chordalEmbedding(e, p, m);
    twin.chordalEmbedding(wantE, wantP, m);
    expectSameBits(e, wantE, "embedding");
    return { rank };
  }

  test.prop(
    {
      m: fc.integer({ min: 0, max: 21 }),
      n: fc.integer({ min: 1, max: 30 }),
      k: fc.integer({ min: 0, max: 7 }),
      count: fc.integer({ min: 0, max: 25 }),
      extra: fc.integer({ min: 0, max: 3 }),
      relTol: relTols,
      seed: fc.integer(),
    },
    { numRuns: 60 },
  )("subsetEmbeddings = twin = the single-subset chain, bit for bit; ld > count leaves the rest alone", (a) => {
    const { m, n, k, count, extra, relTol, seed } = a;
    const w = matrix(m * n, seed);
    const r = rng(seed ^ 0x5bd1e995);
    // Random subsets, sometimes with repeated columns (rank < k).
    const subsets = Int32Array.from({ length: k * count }, () => Math.floor(r() * n));
    const d = embeddingDim(m);
    const ld = count + extra;
    const len = d === 0 || count === 0 ? 0 : (d - 1) * ld + count;
    const out = new Float64Array(len).fill(7.5);
    const ranks = new Int32Array(count).fill(-1);
    subsetEmbeddings(out, ranks, w, m, n, subsets, k, count, relTol, ld);
    const want = new Float64Array(len).fill(7.5);
    const wantRanks = new Int32Array(count);
    twin.subsetEmbeddings(want, wantRanks, w, m, n, subsets, k, count, relTol, ld);
    expectSameBits(ranks, wantRanks, "ranks");
    expectSameBits(out, want, "embeddings");
    // The chain, per subset.
    for (let s = 0; s < count; s++) {
      const ws = columns(w, m, n, subsets.subarray(s * k, s * k + k));
      const basis = new Float64Array(m * k), sigma = new Float64Array(k);
      const rank = twin.orthonormalBasis(basis, sigma, ws, m, k, relTol);
      expect(ranks[s]).toBe(rank);
      const p = new Float64Array(m * m);
      twin.projector(p, basis, m, k, rank);
      const e = new Float64Array(d);
      twin.chordalEmbedding(e, p, m);
      const col = Float64Array.from({ length: d }, (_, i) => out[i * ld + s]);
      expectSameBits(col, e, `subset ${s}`);
    }
    for (let i = 0; i < len; i++) if (i % ld >= count) expect(out[i]).toBe(7.5);
  });

  test.prop(
    { m: fc.integer({ min: 1, max: 20 }), k: fc.integer({ min: 1, max: 8 }), seed: fc.integer(), nearly: fc.boolean() },
    { numRuns: 60 },
  )("P = Pᵀ, P² = P, trace P = rank, ‖P − (r/m)I‖_F = √(r(m−r)/m); nearly dependent columns", ({ m, k, seed, nearly }) => {
    const w = gaussian(m * k, seed);
    const near = nearly && k >= 3 && m >= k;
    const keep = [0, 1, ...Array.from({ length: Math.max(0, k - 3) }, (_, i) => i + 3)];
    if (near) {
      // w3 = w1 + w2 + 1e-13 z, z ⟂ the other columns with ‖z‖ = √m (a column's size), so that the
      // noise direction is really there at the 1e-13 level: σ_k/σ_1 ≈ 1e-13/√k.
      const clean = columns(w, m, k, keep);
      fc.pre(rcond(clean, m, k - 1) > 1e-6);
      const q = new Float64Array(m * (k - 1));
      twin.orthonormalBasis(q, new Float64Array(k - 1), clean, m, k - 1, 1e-12);
      const z = gaussian(m, seed + 1);
      for (let pass = 0; pass < 2; pass++) {
        for (let j = 0; j < k - 1; j++) {
          let dot = 0;
          for (let r = 0; r < m; r++) dot += q[r * (k - 1) + j] * z[r];
          for (let r = 0; r < m; r++) z[r] -= dot * q[r * (k - 1) + j];
        }
      }
      const zn = Math.hypot(...z);
      fc.pre(zn > 1e-3);
      for (let r = 0; r < m; r++) w[r * k + 2] = w[r * k] + w[r * k + 1] + 1e-13 * (z[r] / zn) * Math.sqrt(m);
    }
    for (const relTol of [1e-15, 1e-8]) {
      const { p, rank } = projectorOf(w, m, k, relTol);
      for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) expect(Object.is(p[a * m + b], p[b * m + a])).toBe(true);
      expect(maxDiff(mul(p, p, m, m, m), p)).toBeLessThan(1e-12);
      let trace = 0;
      for (let a = 0; a < m; a++) trace += p[a * m + a];
      expect(Math.abs(trace - rank)).toBeLessThan(1e-12);
      let dev = 0;
      for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) dev += (p[a * m + b] - (a === b ? rank / m : 0)) ** 2;
      expect(Math.abs(Math.sqrt(dev) - Math.sqrt((rank * (m - rank)) / m))).toBeLessThan(1e-12);
      if (near) {
        // Numerically rank k at relTol 1e-15 (as numpy's ε rule would say: the projector then contains
        // the noise direction), rank k − 1 at relTol 1e-8, and then P is the projector without it.
        expect(rank).toBe(relTol === 1e-15 ? k : k - 1);
        if (relTol === 1e-8) {
          const clean = columns(w, m, k, keep);
          const pc = projectorOf(clean, m, k - 1).p;
          expect(maxDiff(p, pc)).toBeLessThan(1e-11);
        }
      }
    }
  });

  test.prop(
    { m: fc.integer({ min: 1, max: 20 }), k: fc.integer({ min: 1, max: 6 }), seed: fc.integer() },
    { numRuns: 60 },
  )("P is unchanged by A → AQ, positive column scaling and column permutation (well-conditioned)", ({ m, k, seed }) => {
    fc.pre(k <= m);
    const w = gaussian(m * k, seed);
    fc.pre(rcond(w, m, k) > 1e-3);
    const { p, rank } = projectorOf(w, m, k);
    expect(rank).toBe(k);
    const q = randomOrthogonal(k, seed + 7);
    expect(maxDiff(projectorOf(mul(w, q, m, k, k), m, k).p, p)).toBeLessThan(1e-12);
    const r = rng(seed + 11);
    const scaled = w.slice();
    const scale = Array.from({ length: k }, () => 0.1 + 10 * r());
    for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) scaled[i * k + j] *= scale[j];
    expect(maxDiff(projectorOf(scaled, m, k).p, p)).toBeLessThan(1e-12);
    const perm = Array.from({ length: k }, (_, j) => j);
    for (let j = k - 1; j > 0; j--) {
      const t = Math.floor(r() * (j + 1));
      [perm[j], perm[t]] = [perm[t], perm[j]];
    }
    expect(maxDiff(projectorOf(columns(w, m, k, perm), m, k).p, p)).toBeLessThan(1e-12);
  });

  test.prop(
    {
      m: fc.integer({ min: 2, max: 16 }),
      k: fc.integer({ min: 1, max: 5 }),
      delta: fc.constantFrom(1e-9, 1e-6, 1e-3, 1, 10),
      seed: fc.integer(),
    },
    { numRuns: 60 },
  )("embedding distance = chordal distance ‖B − A(AᵀB)‖_F = √Σ sin²θ", ({ m, k, delta, seed }) => {
    fc.pre(k <= m);
    const wa = gaussian(m * k, seed);
    const noise = gaussian(m * k, seed + 1);
    const wb = wa.map((x, i) => x + delta * noise[i]);
    fc.pre(rcond(wa, m, k) > 1e-3 && rcond(wb, m, k) > 1e-3);
    const A = projectorOf(wa, m, k);
    const B = projectorOf(wb, m, k);
    expect(A.rank).toBe(k);
    expect(B.rank).toBe(k);
    const d = embeddingDim(m);
    const ea = new Float64Array(d), eb = new Float64Array(d);
    chordalEmbedding(ea, A.p, m);
    chordalEmbedding(eb, B.p, m);
    let de = 0;
    for (let i = 0; i < d; i++) de += (ea[i] - eb[i]) ** 2;
    de = Math.sqrt(de);
    // Independent: residual of B's orthonormal basis after projecting on A's.
    const atb = mul(transpose(A.basis, m, k), B.basis, k, m, k);
    const res = mul(A.basis, atb, m, k, k);
    let dc = 0;
    for (let i = 0; i < m * k; i++) dc += (B.basis[i] - res[i]) ** 2;
    dc = Math.sqrt(dc);
    // Also ‖P − Q‖_F/√2.
    let pf = 0;
    for (let i = 0; i < m * m; i++) pf += (A.p[i] - B.p[i]) ** 2;
    pf = Math.sqrt(pf / 2);
    expect(Math.abs(de - dc)).toBeLessThan(1e-13 + 1e-12 * dc);
    expect(Math.abs(de - pf)).toBeLessThan(1e-13 + 1e-12 * dc);
    expect(de).toBeLessThanOrEqual(Math.sqrt(k) + 1e-12);
  });

  it("σ are the singular values: Σσ² = ‖W‖_F², and A Aᵀ W = W at full rank", () => {
    const m = 9, k = 4;
    const w = gaussian(m * k, 3);
    const { basis, sigma, rank } = basisOf(w, m, k, 1e-12);
    expect(rank).toBe(4);
    let f2 = 0;
    for (const x of w) f2 += x * x;
    expect(Math.abs(sigma.reduce((s, x) => s + x * x, 0) - f2)).toBeLessThan(1e-12 * f2);
    const p = new Float64Array(m * m);
    projector(p, basis, m, k, rank);
    expect(maxDiff(mul(p, w, m, m, k), w)).toBeLessThan(1e-13);
    // The first basis column maximises ‖Wᵀa‖: it equals σ_0.
    const wta = mul(transpose(w, m, k), basis, k, m, k);
    let n0 = 0;
    for (let i = 0; i < k; i++) n0 += wta[i * k] ** 2;
    expect(Math.sqrt(n0)).toBeCloseTo(sigma[0], 12);
  });

  it("zero and empty inputs: rank 0, P = 0", () => {
    const { basis, sigma, rank } = basisOf(new Float64Array(6), 3, 2, 0.1);
    expect(rank).toBe(0);
    expect(Array.from(basis)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(sigma)).toEqual([0, 0]);
    expect(basisOf(new Float64Array(0), 0, 0, 0.1).rank).toBe(0);
    expect(basisOf(new Float64Array(0), 4, 0, 0.1).rank).toBe(0);
    expect(basisOf(new Float64Array(0), 0, 3, 0.1).rank).toBe(0);
  });

  it("works on resident arrays (the bundle finder's chained use)", () => {
    const m = 5, n = 8, k = 3, count = 7;
    const host = matrix(m * n, 9);
    const sub = Int32Array.from({ length: k * count }, (_, i) => (i * 5 + 1) % n);
    const d = embeddingDim(m);
    const want = new Float64Array(d * count), wantRanks = new Int32Array(count);
    twin.subsetEmbeddings(want, wantRanks, host, m, n, sub, k, count, 1e-8);
    scoped(() => {
      const w = f64(host), s = i32(sub), out = f64(d * count), ranks = i32(count);
      subsetEmbeddings(out, ranks, w, m, n, s, k, count, 1e-8);
      expectSameBits(out.array, want, "embeddings");
      expectSameBits(ranks.array, wantRanks, "ranks");
    });
  });

  it("rejects bad arguments with a TegumError naming the parameter", () => {
    const w = gaussian(6, 1);
    const b = new Float64Array(6), s = new Float64Array(2);
    for (const bad of [0, 1, -0.5, 2, NaN, Infinity]) expect(param(() => orthonormalBasis(b, s, w, 3, 2, bad))).toBe("relTol");
    expect(param(() => orthonormalBasis(b, s, w, 3, -2, 0.1))).toBe("k");
    expect(param(() => orthonormalBasis(b, s, w, 2.5, 2, 0.1))).toBe("m");
    expect(param(() => orthonormalBasis(b, s, Float64Array.of(1, 2, 3, NaN, 5, 6), 3, 2, 0.1))).toBe("w");
    expect(param(() => orthonormalBasis(b, new Float64Array(1), w, 3, 2, 0.1))).toBe("sigma");
    expect(param(() => projector(new Float64Array(9), b, 3, 2, 3))).toBe("rank");
    expect(param(() => projector(new Float64Array(8), b, 3, 2, 2))).toBe("p");
    expect(param(() => chordalEmbedding(new Float64Array(5), new Float64Array(9), 3))).toBe("out");
    expect(param(() => chordalEmbedding(new Float64Array(6), new Float64Array(9).fill(NaN), 3))).toBe("p");
    const out = new Float64Array(12), ranks = new Int32Array(2);
    expect(param(() => subsetEmbeddings(out, ranks, w, 2, 3, Int32Array.of(0, 3), 1, 2, 0.1))).toBe("subsets");
    expect(param(() => subsetEmbeddings(out, ranks, w, 2, 3, Int32Array.of(0, -1), 1, 2, 0.1))).toBe("subsets");
    expect(param(() => subsetEmbeddings(out, ranks, w, 2, 3, Int32Array.of(0, 1), 1, 2, 0))).toBe("relTol");
    expect(param(() => subsetEmbeddings(out, ranks, w, 2, 3, Int32Array.of(0, 1), 1, 2, 0.1, 1))).toBe("ld");
    expect(param(() => subsetEmbeddings(out, new Int32Array(1), w, 2, 3, Int32Array.of(0, 1), 1, 2, 0.1))).toBe("ranks");
    expect(param(() => subsetEmbeddings(new Float64Array(5), ranks, w, 2, 3, Int32Array.of(0, 1), 1, 2, 0.1))).toBe("out");
    expect(param(() => subsetEmbeddings(out, ranks, w, 2, 3, Int32Array.of(0), 1, 2, 0.1))).toBe("subsets");
    expect(param(() => subsetEmbeddings(out, ranks, w, 2, 3, Int32Array.of(0, 1), 1, -1, 0.1))).toBe("count");
  });
});
