import { fc, test } from "@fast-check/vitest";
import { beforeAll, describe, expect, it } from "vitest";
import { featureMetrics, gram, gramOf, interferenceMatrix, simplestFraction, thomson } from "../src/index.js";
import {
  type Config, bipyramid, crossPolytope, digon, directSum, gaussian, icosahedron, permute, polygon, randomPermutation, randomRotation, rng, rotate,
  simplex, squareAntiprism, toW,
} from "./analysis-fixtures.js";
import { BACKENDS, use } from "./backends.js";
import { thrownParameter as param } from "./geometry-helpers.js";

// REFERENCE §2: D_i = d/N for unit-norm tight frames.
const TABLE: [string, Config, number, number][] = [
  ["digon", digon(), 1, 2],
  ["triangle", polygon(3), 2, 3],
  ["square", polygon(4), 1, 2],
  ["pentagon", polygon(5), 2, 5],
  ["hexagon", polygon(6), 1, 3],
  ["heptagon", polygon(7), 2, 7],
  ["tetrahedron", simplex(3), 3, 4],
  ["4-simplex", simplex(4), 4, 5],
  ["6-simplex", simplex(6), 6, 7],
  ["octahedron", crossPolytope(3), 1, 2],
  ["tight square antiprism", squareAntiprism(1 / 3), 3, 8],
  ["icosahedron", icosahedron(), 3, 12],
  ["pentagonal bipyramid (Thomson-7)", bipyramid(5), -1, -1],
];

describe.each(BACKENDS)("featureMetrics (%s)", (backend) => {
  beforeAll(() => use(backend));

  it("reproduces the D_i table of REFERENCE §2 from exact coordinates (f64 and f32)", () => {
    for (const [name, cfg, p, q] of TABLE) {
      const n = cfg.length;
      const m = Math.max(...cfg.map((c) => c.length));
      const w = toW(cfg, m);
      const r64 = featureMetrics(w, m, n);
      const r32 = featureMetrics(Float32Array.from(w), m, n);
      for (let i = 0; i < n; i++) {
        if (p > 0) {
          expect(r64.dimensionality[i], `${name} D_${i}`).toBeCloseTo(p / q, 12);
          expect(Math.abs(r32.dimensionality[i] - p / q), `${name} f32 D_${i}`).toBeLessThan(1e-6);
          const f = simplestFraction(r64.dimensionality[i], 1e-9)!;
          expect(f.numerator * q).toBe(p * f.denominator);
        }
        expect(r64.norms[i]).toBeCloseTo(1, 12);
      }
      // Σ D_i = m for a tight frame spanning R^m.
      if (p > 0) expect(r64.totalDimensionality).toBeCloseTo(m, 10);
      expect(r64.dimensionsPerFeature).toBeCloseTo(m / n, 12);
    }
  });

  it("gives the pentagonal bipyramid its factors' values: 2/5 on the pentagon, 1/2 on the digon", () => {
    const r = featureMetrics(toW(bipyramid(5)), 3, 7);
    for (let i = 0; i < 5; i++) expect(r.dimensionality[i]).toBeCloseTo(2 / 5, 12);
    expect(r.dimensionality[5]).toBeCloseTo(1 / 2, 12);
    expect(r.dimensionality[6]).toBeCloseTo(1 / 2, 12);
  });

  it("gives the Thomson-8 square antiprism D ≈ 0.3744, not 3/8", () => {
    const t = thomson(8, 3, { seed: 3, starts: 4 });
    const r = featureMetrics(t.points, 3, 8);
    for (let i = 0; i < 8; i++) {
      expect(r.dimensionality[i]).toBeGreaterThan(0.374);
      expect(r.dimensionality[i]).toBeLessThan(0.3749);
      expect(simplestFraction(r.dimensionality[i], 1e-4)).toBeNull();
    }
  });

  it("computes norms, superposition, m/‖W‖_F² and WᵀW on a small example", () => {
    // W = [[1, 0, 1], [0, 2, 1]] : columns (1,0), (0,2), (1,1).
    const w = new Float64Array([1, 0, 1, 0, 2, 1]);
    const r = featureMetrics(w, 2, 3, { b: [0.5, -1, 0] });
    expect(Array.from(r.norms)).toEqual([1, 2, Math.SQRT2].map((x) => expect.closeTo(x, 14)));
    expect(Array.from(r.gram)).toEqual([1, 0, 1, 0, 4, 2, 1, 2, 2]);
    // superposition_0 = (G01² + G02²)/G00 = 1; _1 = (0 + 4)/4 = 1; _2 = (1 + 4)/2 = 2.5
    expect(Array.from(r.superposition)).toEqual([1, 1, 2.5]);
    // D_0 = 1/(1+1), D_1 = 16/(16+4), D_2 = 4/(4+5)
    expect(r.dimensionality[0]).toBeCloseTo(0.5, 14);
    expect(r.dimensionality[1]).toBeCloseTo(0.8, 14);
    expect(r.dimensionality[2]).toBeCloseTo(4 / 9, 14);
    expect(r.frobenius2).toBeCloseTo(7, 14);
    expect(r.dimensionsPerFeature).toBeCloseTo(2 / 7, 14);
    expect(Array.from(r.bias!)).toEqual([0.5, -1, 0]);
    const im = interferenceMatrix(r);
    expect(im[0 * 3 + 2]).toBeCloseTo(1, 14); // Ŵ_0·W_2 = 1
    expect(im[2 * 3 + 0]).toBeCloseTo(1 / Math.SQRT2, 14);
    for (let i = 0; i < 3; i++) {
      let s = 0;
      for (let j = 0; j < 3; j++) s += im[i * 3 + j] ** 2;
      expect(s).toBeCloseTo(r.superposition[i], 12);
      expect(im[i * 3 + i]).toBe(0);
    }
  });

  it("computes large f32 Gram matrices through the matmul kernel with the Gram kernel's bits", () => {
    // 600: the Gram kernel; 1024 and above: the matmul kernel on block rows of the upper triangle,
    // mirrored (1290 = 5 blocks of 256 + 10, ragged in both the block rows and the kernel's tiles).
    for (const [m, n] of [[7, 600], [7, 1024], [9, 1290]]) {
      const g = gaussian(rng(77 + n));
      const w = Float32Array.from({ length: m * n }, g);
      const ref = new Float32Array(n * n);
      gram(ref, w, m, n);
      const got = gramOf(w, m, n) as Float32Array;
      expect(got).toBeInstanceOf(Float32Array);
      let same = true;
      for (let i = 0; i < n * n; i++) if (!Object.is(got[i], ref[i])) same = false;
      expect(same).toBe(true);
      const met = featureMetrics(w, m, n);
      expect(met.totalDimensionality).toBeLessThanOrEqual(m + 1e-3);
      // superposition_i = Σ_{j≠i} G_ij² / G_ii, the sum sequential over j: exactly, every row.
      let exact = true;
      for (let i = 0; i < n; i++) {
        let off = 0;
        for (let j = 0; j < n; j++) if (j !== i) off += ref[i * n + j] * ref[i * n + j];
        if (met.superposition[i] !== off / ref[i * n + i]) exact = false;
      }
      expect(exact).toBe(true);
    }
  });

  it("gives dead features D = 0 and never NaN", () => {
    const w = new Float64Array([1, 0, 1e-9, 0, 1, 0]); // column 2 has norm 1e-9 ≤ 1e-6 × 1
    const r = featureMetrics(w, 2, 3);
    expect(Array.from(r.dead)).toEqual([0, 0, 1]);
    expect(r.dimensionality[2]).toBe(0);
    expect(r.superposition[2]).toBe(0);
    expect(r.alive).toBe(2);
    const z = featureMetrics(new Float32Array(6), 2, 3);
    expect(Array.from(z.dimensionality)).toEqual([0, 0, 0]);
    expect(z.dimensionsPerFeature).toBe(Infinity);
    expect(z.alive).toBe(0);
    for (const v of [...z.superposition, ...z.norms]) expect(Number.isNaN(v)).toBe(false);
    // With deadTolerance 0 a tiny feature is alive and gets its honest D (parallel to W_0: ≈ ‖W_2‖²/‖W_0‖²).
    const t = featureMetrics(w, 2, 3, { deadTolerance: 0 });
    expect(t.dead[2]).toBe(0);
    expect(t.dimensionality[2]).toBeCloseTo(1e-18, 30);
    expect(t.dimensionality[2]).toBeGreaterThan(0);
  });

  it("rejects bad input with a TegumError naming the parameter", () => {
    const w = new Float64Array(6);
    expect(param(() => featureMetrics(w, 0, 3))).toBe("m");
    expect(param(() => featureMetrics(w, 2, 1.5))).toBe("n");
    expect(param(() => featureMetrics(w, 3, 3))).toBe("w");
    expect(param(() => featureMetrics([1, 2] as unknown as Float64Array, 1, 2))).toBe("w");
    expect(param(() => featureMetrics(new Float64Array([1, NaN]), 1, 2))).toBe("w");
    expect(param(() => featureMetrics(w, 2, 3, { b: [1] }))).toBe("b");
    expect(param(() => featureMetrics(w, 2, 3, { deadTolerance: -1 }))).toBe("deadTolerance");
    expect(param(() => featureMetrics(w, 2, 3, { gram: new Float64Array(4) }))).toBe("gram");
  });

  const shape = fc.record({ m: fc.integer({ min: 1, max: 6 }), n: fc.integer({ min: 1, max: 12 }), seed: fc.integer({ min: 0, max: 1e9 }) });

  test.prop([shape], { numRuns: 60 })("is invariant under rotations of hidden space and permutations of features", ({ m, n, seed }) => {
    const g = gaussian(rng(seed));
    const w = Float64Array.from({ length: m * n }, g);
    const base = featureMetrics(w, m, n);
    const rot = featureMetrics(rotate(randomRotation(m, seed + 1), w, m, n), m, n);
    const uniq = randomPermutation(n, seed + 2);
    const per = featureMetrics(permute(w, m, n, uniq), m, n);
    for (let i = 0; i < n; i++) {
      expect(rot.dimensionality[i]).toBeCloseTo(base.dimensionality[i], 9);
      expect(rot.superposition[i]).toBeCloseTo(base.superposition[i], 8);
      expect(rot.norms[i]).toBeCloseTo(base.norms[i], 10);
      expect(per.dimensionality[i]).toBeCloseTo(base.dimensionality[uniq[i]], 14);
      expect(per.norms[i]).toBe(base.norms[uniq[i]]);
    }
    expect(rot.dimensionsPerFeature).toBeCloseTo(base.dimensionsPerFeature, 9);
  });

  test.prop([shape, fc.boolean(), fc.double({ min: 0, max: 1, noNaN: true })], { numRuns: 80 })(
    "has D_i ∈ [0, 1] and Σ D_i ≤ m, also with dead and duplicate features",
    ({ m, n, seed }, f32, deadFraction) => {
      const r = rng(seed);
      const g = gaussian(r);
      const w = (f32 ? new Float32Array(m * n) : new Float64Array(m * n)).map(g);
      for (let i = 0; i < n; i++) {
        if (r() < deadFraction * 0.5) for (let p = 0; p < m; p++) w[p * n + i] = 0;
        else if (i > 0 && r() < 0.2) for (let p = 0; p < m; p++) w[p * n + i] = -w[p * n + i - 1];
      }
      const res = featureMetrics(w, m, n);
      let total = 0;
      for (const d of res.dimensionality) {
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(1);
        total += d;
      }
      // Exact for the exact Gram; an f32 Gram perturbs each D_i by ~1e-7.
      expect(total).toBeLessThanOrEqual(m + (f32 ? 1e-6 : 1e-12) * n);
      expect(res.totalDimensionality).toBeCloseTo(total, 12);
    },
  );
});

describe("featureMetrics on direct sums", () => {
  beforeAll(() => use("simd"));
  it("gives each factor of a rotated direct sum its own D values", () => {
    const cfg = directSum(polygon(5), simplex(3), digon());
    const m = 6, n = cfg.length;
    const w = rotate(randomRotation(m, 11), toW(cfg, m), m, n);
    const r = featureMetrics(w, m, n);
    const want = [...Array(5).fill(2 / 5), ...Array(4).fill(3 / 4), 1 / 2, 1 / 2];
    want.forEach((d, i) => expect(r.dimensionality[i]).toBeCloseTo(d, 12));
  });
});
