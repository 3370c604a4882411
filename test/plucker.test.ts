import { fc, test } from "@fast-check/vitest";
import { beforeAll, describe, expect, it } from "vitest";
import { binomial, plucker, pluckerCosine, pluckerRows, principalAngles, TegumError } from "../src/index.js";
import { use } from "./backends.js";
import { Rng } from "./fixtures/polytopes.js";

/** A·M for A (m×k) and M (k×k), row-major. */
function mulRight(a: Float64Array, mm: number[], m: number, k: number): Float64Array {
  const out = new Float64Array(m * k);
  for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) for (let p = 0; p < k; p++) out[i * k + j] += a[i * k + p] * mm[p * k + j];
  return out;
}

describe("Plücker coordinates", () => {
  beforeAll(() => use("simd")); // principalAngles (for the cross-check) uses the Jacobi kernel

  it("gives the minors in lexicographic row order", () => {
    // span(e1, e2) in R³: only the minor on rows {0,1} is non-zero
    expect(Array.from(plucker([1, 0, 0, 1, 0, 0], 3, 2))).toEqual([1, 0, 0]);
    // raw (unnormalised) minors of [[1,2],[3,4],[5,6]]: rows {0,1} −2, {0,2} −4, {1,2} −2
    const raw = plucker([1, 2, 3, 4, 5, 6], 3, 2, { normalize: false });
    [-2, -4, -2].forEach((v, i) => expect(raw[i]).toBeCloseTo(v, 14)); // Gaussian elimination, so to rounding
    // normalised: divided by √24, sign so that the largest is positive
    const p = plucker([1, 2, 3, 4, 5, 6], 3, 2);
    expect(p[1]).toBeCloseTo(4 / Math.sqrt(24), 15);
    expect(p[0]).toBeCloseTo(2 / Math.sqrt(24), 15);
  });

  it("unranks row sets in the same order", () => {
    for (const [m, k] of [[4, 2], [5, 3], [6, 1], [6, 6]]) {
      const seen = new Set<string>();
      let prev: number[] | null = null;
      for (let i = 0; i < binomial(m, k); i++) {
        const rows = pluckerRows(m, k, i);
        expect(rows.length).toBe(k);
        if (prev !== null) expect(rows.join() > prev.join() || rows.some((r, t) => r !== prev![t])).toBe(true);
        seen.add(rows.join());
        prev = rows;
      }
      expect(seen.size).toBe(binomial(m, k));
    }
    expect(pluckerRows(4, 2, 0)).toEqual([0, 1]);
    expect(pluckerRows(4, 2, 5)).toEqual([2, 3]);
    expect(pluckerRows(5, 3, 9)).toEqual([2, 3, 4]);
  });

  it("satisfies the Plücker relation of G(4, 2): p01 p23 − p02 p13 + p03 p12 = 0", () => {
    const rng = new Rng(3);
    for (let t = 0; t < 20; t++) {
      const a = Float64Array.from({ length: 8 }, () => rng.normal());
      const [p01, p02, p03, p12, p13, p23] = plucker(a, 4, 2, { normalize: false });
      expect(p01 * p23 - p02 * p13 + p03 * p12).toBeCloseTo(0, 12);
    }
  });

  test.prop([fc.integer({ min: 2, max: 6 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 1e6 })], { numRuns: 40 })(
    "is a point of the Grassmannian: unit norm, the same for every basis of the span (canonical sign)",
    (m, kRaw, seed) => {
      const k = Math.min(kRaw, m);
      const rng = new Rng(seed);
      const a = Float64Array.from({ length: m * k }, () => rng.normal());
      const mix = Array.from({ length: k * k }, () => rng.normal()); // invertible almost surely, either sign of det
      const p = plucker(a, m, k);
      const q = plucker(mulRight(a, mix, m, k), m, k);
      expect(p.reduce((s, x) => s + x * x, 0)).toBeCloseTo(1, 12);
      p.forEach((x, i) => expect(x).toBeCloseTo(q[i], 8));
    },
  );

  test.prop([fc.integer({ min: 3, max: 6 }), fc.integer({ min: 0, max: 1e6 })], { numRuns: 30 })(
    "⟨p_A, p_B⟩ = Π cos θ_i",
    (m, seed) => {
      const rng = new Rng(seed);
      const k = 2;
      const a = Float64Array.from({ length: m * k }, () => rng.normal());
      const b = Float64Array.from({ length: m * k }, () => rng.normal());
      const cosProduct = principalAngles(a, b, m, k).reduce((s, t) => s * Math.cos(t), 1);
      expect(pluckerCosine(plucker(a, m, k), plucker(b, m, k))).toBeCloseTo(cosProduct, 10);
    },
  );

  it("saturates once one angle is 90°", () => {
    // span(e1, e2) vs span(e1, e3): angles 0 and 90° → cosine 0 although the planes share a line
    expect(pluckerCosine(plucker([1, 0, 0, 1, 0, 0], 3, 2), plucker([1, 0, 0, 0, 0, 1], 3, 2))).toBe(0);
  });

  it("gives zeros for a rank-deficient basis and validates its arguments", () => {
    expect(Array.from(plucker([1, 2, 2, 4, 0, 0], 3, 2))).toEqual([0, 0, 0]);
    expect(() => plucker([1, 0], 3, 2)).toThrow(TegumError);
    expect(() => plucker([1, 0, 0, 1], 2, 3)).toThrow(/k/);
    expect(() => plucker([1, NaN, 0, 1], 2, 2)).toThrow(/finite/);
    expect(() => pluckerRows(4, 2, 6)).toThrow(/index/);
    expect(() => pluckerCosine([1, 0], [1])).toThrow(TegumError);
  });
});
