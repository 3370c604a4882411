import { fc, test } from "@fast-check/vitest";
import { beforeAll, describe, expect, it } from "vitest";
import { combinations, embeddingDim, findBundles, gramOf, subsetEmbeddings, type BundleResult } from "../src/index.js";
import { screenSubsets } from "../src/span-screen.js";
import { use } from "./backends.js";
import * as F from "./fixtures/polytopes.js";
import { mixedColumns } from "./geometry-helpers.js";

describe("span screen (span-screen.ts)", () => {
  beforeAll(() => use("simd"));

  test.prop(
    [fc.integer({ min: 2, max: 6 }), fc.integer({ min: 3, max: 10 }), fc.integer({ min: 1, max: 4 }), fc.constantFrom(0, 1e-3, 0.05, 0.3), fc.double({ min: 0.02, max: 0.6, noNaN: true }), fc.integer({ min: 0, max: 2 ** 31 })],
    { numRuns: 60 },
  )("never drops a subset of rank k that has another rank-k subset within the radius", (m, n, kk, noise, radius, seed) => {
    const k = Math.min(kk, m, n);
    const w = mixedColumns(m, n, noise, seed);
    const items = Array.from({ length: n }, (_, i) => i);
    const subsets = combinations(items, k);
    const count = subsets.length / k;
    const { keep } = screenSubsets(gramOf(w, m, n), n, items, subsets, k, radius);
    const dim = embeddingDim(m);
    const x = new Float64Array(count * dim);
    const ranks = new Int32Array(count);
    subsetEmbeddings(x, ranks, w, m, n, subsets, k, count, 0.05);
    let dropped = 0;
    for (let s = 0; s < count; s++) {
      if (keep[s] || ranks[s] < k) continue;
      dropped++;
      for (let t = 0; t < count; t++) {
        if (t === s || ranks[t] < k) continue;
        let d2 = 0;
        for (let d = 0; d < dim; d++) d2 += (x[d * count + s] - x[d * count + t]) ** 2;
        expect(Math.sqrt(d2), `subset ${s} dropped with subset ${t} in reach`).toBeGreaterThan(radius);
      }
    }
    expect(dropped).toBeLessThanOrEqual(count);
  });

  // Screening is on by default in hardened mode; reportSingletons lists every singleton, so it turns
  // the screen off: both runs must agree on everything the screen may not change.
  const sameOutcome = (a: BundleResult, b: BundleResult) => {
    expect(a.bundles).toEqual(b.bundles);
    expect(a.levels.map((l) => [l.k, l.eps, l.bundles, l.clusters - l.singletons, l.discarded.filter((d) => d.reason !== "singleton")])).toEqual(
      b.levels.map((l) => [l.k, l.eps, l.bundles, l.clusters - l.singletons, l.discarded.filter((d) => d.reason !== "singleton")]),
    );
    // every enumerated subset is accounted for: screened out, embedded or rank deficient
    for (const l of a.levels) expect(l.isolated + l.points + l.deficient).toBe(l.enumerated);
  };

  test.prop([fc.constantFrom(0, 1, 2, 3), fc.constantFrom(1e-6, 1e-3, 1e-2), fc.integer({ min: 0, max: 2 ** 31 })], { numRuns: 12 })(
    "findBundles gives the same bundles, eps and clusters with and without the screen (planted fixtures)",
    (which, sigma, seed) => {
      const c = F.rotateAndPerturb([F.pentagonTriangle(), F.gonGonDigon(7, 5), F.pentagonTetrahedron(), F.thomson7()][which], sigma, seed);
      const screened = findBundles(c.w, c.m, c.n);
      sameOutcome(screened, findBundles(c.w, c.m, c.n, { reportSingletons: true }));
    },
  );

  it("… and when subsets of two factors span the same plane (points are clustered within their factor)", () => {
    // Factors {a1, a2} and {b1, b2} under gramTol 0.3 (cross cosines 0.15 and 0.27); both pairs span the
    // xy-plane of R³, so their points coincide. The screen only looks inside a factor; so does the linkage.
    const cols = [[0, 1, 0], [Math.sin(0.12), Math.cos(0.12), 0], [1, 0.15, 0], [-1, 0.15, 0]];
    const w = new Float64Array(12);
    cols.forEach((c, j) => c.forEach((x, i) => (w[i * 4 + j] = x)));
    const screened = findBundles(w, 3, 4, { gramTol: 0.3, minK: 2, maxK: 2 });
    expect(screened.factors).toEqual([[0, 1], [2, 3]]);
    sameOutcome(screened, findBundles(w, 3, 4, { gramTol: 0.3, minK: 2, maxK: 2, reportSingletons: true }));
    expect(screened.bundles).toEqual([]);
  });

  test.prop([fc.integer({ min: 3, max: 6 }), fc.integer({ min: 5, max: 14 }), fc.constantFrom(1e-3, 0.05), fc.integer({ min: 0, max: 2 ** 31 })], { numRuns: 20 })(
    "… and on random columns with noisy dependencies (one factor, many near misses)",
    (m, n, noise, seed) => {
      const w = mixedColumns(m, n, noise, seed);
      const screened = findBundles(w, m, n, { gramTol: 1e-3 });
      sameOutcome(screened, findBundles(w, m, n, { gramTol: 1e-3, reportSingletons: true }));
    },
  );
});
