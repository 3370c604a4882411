import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  crossTermIntegral, linearExpectedLoss, linearLossTerms, reluExpectedLoss, reluLossMonteCarlo, reluLossTerm, reluLossTerms, selfTermIntegral,
} from "../src/index.js";
import { gaussian, rng } from "./analysis-fixtures.js";

const within3SE = (exact: number, mc: { mean: number; standardError: number }) =>
  expect(Math.abs(mc.mean - exact), `MC ${mc.mean} ± ${mc.standardError} vs ${exact}`).toBeLessThanOrEqual(3 * mc.standardError + 1e-15);

function randomModel(seed: number, m: number, n: number) {
  const r = rng(seed);
  const g = gaussian(r);
  const w = Float64Array.from({ length: m * n }, () => 0.8 * g());
  const b = Array.from({ length: n }, () => 0.3 * g());
  const importance = Array.from({ length: n }, () => 0.2 + r());
  return { w, b, importance };
}

/** Brute-force 1-D integral (composite Simpson, many panels) for the closed forms. */
function simpson(f: (x: number) => number, panels = 20000): number {
  const h = 1 / panels;
  let s = f(0) + f(1);
  for (let i = 1; i < panels; i++) s += (i % 2 ? 4 : 2) * f(i * h);
  return (s * h) / 3;
}

describe("loss decomposition", () => {
  it("has closed-form 1-sparse integrals equal to brute-force quadrature", () => {
    const relu = (x: number) => (x > 0 ? x : 0);
    for (const [a, b] of [[1, 0], [0.5, -0.2], [2, -1.5], [-1, 0.5], [0, 0.3], [0, -0.3], [1.3, 0.4], [-0.7, -0.1]]) {
      expect(selfTermIntegral(a, b)).toBeCloseTo(simpson((x) => (x - relu(a * x + b)) ** 2), 8);
      expect(crossTermIntegral(a, b)).toBeCloseTo(simpson((x) => relu(a * x + b) ** 2), 8);
    }
  });

  it("gives the n=2 → m=1 phase-change losses of REFERENCE §3 exactly, and Monte-Carlo agrees", () => {
    for (const s of [0.05, 0.3, 1]) {
      for (const r of [0.3, 1, 2]) {
        const dropFirst = reluExpectedLoss(new Float64Array([0, 1]), 1, 2, { b: [s / 2, 0], importance: [1, r], density: s });
        const dropSecond = reluExpectedLoss(new Float64Array([1, 0]), 1, 2, { b: [0, s / 2], importance: [1, r], density: s });
        const antipodal = reluExpectedLoss(new Float64Array([1, -1]), 1, 2, { importance: [1, r], density: s });
        expect(dropFirst).toBeCloseTo(s / 3 - s * s / 4, 13);
        expect(dropSecond).toBeCloseTo(r * (s / 3 - s * s / 4), 13);
        expect(antipodal).toBeCloseTo(((1 + r) * s * s) / 6, 13);
      }
    }
    // Monte Carlo (seeded) at s = 0.3, r = 1 (s²/3 per antipodal pair).
    const s = 0.3;
    const mc = (w: number[], b: number[]) => reluLossMonteCarlo(new Float64Array(w), 1, 2, { b, density: s, samples: 400000, seed: 9 });
    const a = mc([1, -1], [0, 0]);
    within3SE((s * s) / 3, a);
    expect(a.standardError).toBeLessThan(1e-3);
    within3SE(s / 3 - (s * s) / 4, mc([0, 1], [s / 2, 0]));
    within3SE(s / 3 - (s * s) / 4, mc([1, 0], [0, s / 2]));
  });

  test.prop([fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 6 })], { numRuns: 12 })(
    "L_1 closed form agrees with Monte-Carlo within 3 standard errors, and with the exact quadrature",
    (seed, m, n) => {
      const { w, b, importance } = randomModel(seed, m, n);
      const t = reluLossTerms(w, m, n, { b, importance });
      expect(t.l1).toBeCloseTo(t.l1Benefit + t.l1Interference, 14);
      expect(t.l1PerFeature.reduce((x, y) => x + y, 0)).toBeCloseTo(t.l1, 12);
      expect(reluLossTerm(w, m, n, 1, { b, importance })).toBeCloseTo(t.l1, 12);
      expect(reluLossTerm(w, m, n, 0, { b, importance })).toBeCloseTo(t.l0, 14);
      within3SE(t.l1, reluLossMonteCarlo(w, m, n, { b, importance, k: 1, samples: 20000, seed }));
    },
  );

  it("sums the sparsity expansion to the exact loss, which Monte-Carlo confirms", () => {
    const m = 2, n = 4;
    const { w, b, importance } = randomModel(3, m, n);
    for (const p of [0.05, 0.4]) {
      const exact = reluExpectedLoss(w, m, n, { b, importance, density: p });
      const t = reluLossTerms(w, m, n, { b, importance, density: p });
      let sum = t.truncated!;
      for (let k = 2; k <= n; k++) sum += p ** k * (1 - p) ** (n - k) * reluLossTerm(w, m, n, k, { b, importance });
      expect(sum).toBeCloseTo(exact, 13);
      expect(t.remainderMass!).toBeCloseTo(1 - (1 - p) ** n - n * p * (1 - p) ** (n - 1), 14);
      within3SE(exact, reluLossMonteCarlo(w, m, n, { b, importance, density: p, samples: 100000, seed: 1 }));
    }
    // L_k estimates too.
    for (const k of [2, 3]) within3SE(reluLossTerm(w, m, n, k, { b, importance }), reluLossMonteCarlo(w, m, n, { b, importance, k, samples: 50000, seed: 2 }));
  });

  it("gives the linear model's terms and exact expected loss", () => {
    // W = [[1, 0, 1], [0, 2, 1]]: G = [[1,0,1],[0,4,2],[1,2,2]].
    const w = new Float64Array([1, 0, 1, 0, 2, 1]);
    const t = linearLossTerms(w, 2, 3, { importance: [1, 0.5, 2] });
    expect(Array.from(t.benefitPerFeature)).toEqual([0, 0.5 * 9, 2 * 1]);
    expect(Array.from(t.interferencePerFeature)).toEqual([1, 0.5 * 4, 2 * 5]);
    expect(t.total).toBeCloseTo(t.featureBenefit + t.interference, 14);
    // Exact expectation vs a direct Monte-Carlo in the test.
    const r = rng(3);
    const p = 0.3, bias = [0.1, -0.2, 0.05], imp = [1, 0.5, 2];
    const G = [[1, 0, 1], [0, 4, 2], [1, 2, 2]];
    let sum = 0, sum2 = 0;
    const N = 200000;
    for (let s = 0; s < N; s++) {
      const x = [0, 1, 2].map(() => (r() < p ? r() : 0));
      let loss = 0;
      for (let i = 0; i < 3; i++) {
        const out = G[i][0] * x[0] + G[i][1] * x[1] + G[i][2] * x[2] + bias[i];
        loss += imp[i] * (x[i] - out) ** 2;
      }
      sum += loss;
      sum2 += loss * loss;
    }
    const mean = sum / N, se = Math.sqrt((sum2 / N - mean * mean) / N);
    within3SE(linearExpectedLoss(w, 2, 3, { density: p, b: bias, importance: imp }), { mean, standardError: se });
    // To first order in p (b = 0) the expected loss is (p/3)·(benefit + interference).
    const tiny = 1e-7;
    const e = linearExpectedLoss(w, 2, 3, { density: tiny, importance: imp });
    expect(e / (tiny / 3)).toBeCloseTo(t.total, 4);
  });

  it("validates its arguments, naming the parameter", () => {
    const w = new Float64Array([1, 0]);
    expect(() => reluExpectedLoss(w, 1, 2, {} as never)).toThrow(expect.objectContaining({ parameter: "density" }));
    expect(() => reluExpectedLoss(w, 1, 2, { density: 1.5 })).toThrow(expect.objectContaining({ parameter: "density" }));
    expect(() => reluLossTerms(w, 1, 2, { importance: -1 })).toThrow(expect.objectContaining({ parameter: "importance" }));
    expect(() => reluLossTerms(w, 1, 2, { importance: [1] })).toThrow(expect.objectContaining({ parameter: "importance" }));
    expect(() => reluLossTerms(w, 1, 2, { b: [0, NaN] })).toThrow(expect.objectContaining({ parameter: "b" }));
    expect(() => reluLossTerm(w, 1, 2, 3)).toThrow(expect.objectContaining({ parameter: "k" }));
    expect(() => reluExpectedLoss(new Float64Array(6), 1, 6, { density: 0.1 })).toThrow(expect.objectContaining({ parameter: "n" }));
    expect(() => reluLossMonteCarlo(w, 1, 2, { density: 0.1, samples: 1 })).toThrow(expect.objectContaining({ parameter: "samples" }));
    expect(() => reluLossMonteCarlo(w, 1, 2, { density: 0.1, seed: 1.5 })).toThrow(expect.objectContaining({ parameter: "seed" }));
  });
});
