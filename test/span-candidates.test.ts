import { fc, test } from "@fast-check/vitest";
import { beforeAll, describe, expect } from "vitest";
import { combinations, embeddingDim, gramOf, subsetEmbeddings } from "../src/index.js";
import { f64, scoped } from "../src/arena.js";
import { candidateLinkage, radiusLinkage } from "../src/linkage.js";
import { spanCandidates } from "../src/span-candidates.js";
import { screenSubsets } from "../src/span-screen.js";
import { use } from "./backends.js";
import { mixedColumns, transpose } from "./geometry-helpers.js";

/** A level as the bundle finder builds it: screened subsets, their near columns, the rank-k points. */
function level(m: number, n: number, k: number, noise: number, radius: number, seed: number) {
  const w = mixedColumns(m, n, noise, seed);
  const cos = gramOf(w, m, n);
  const items = Array.from({ length: n }, (_, i) => i);
  const all = combinations(items, k);
  const { subsets, near } = screenSubsets(cos, n, items, all, k, radius);
  const embedded = subsets.length / k;
  const dim = embeddingDim(m);
  const x = new Float64Array(embedded * dim);
  const ranks = new Int32Array(embedded);
  subsetEmbeddings(x, ranks, w, m, n, subsets, k, embedded, 0.05);
  const point: number[] = [];
  for (let s = 0; s < embedded; s++) if (ranks[s] === k) point.push(s);
  const count = point.length;
  const pts = new Float64Array(count * dim); // point-major
  point.forEach((s, c) => {
    for (let d = 0; d < dim; d++) pts[c * dim + d] = x[d * embedded + s];
  });
  return { subsets, near, point, pts, dim, count };
}

describe("span candidates (span-candidates.ts)", () => {
  beforeAll(() => use("simd"));

  const args = [
    fc.integer({ min: 2, max: 6 }), fc.integer({ min: 3, max: 11 }), fc.integer({ min: 1, max: 4 }),
    fc.constantFrom(0, 1e-3, 0.05, 0.3), fc.double({ min: 0.02, max: 0.6, noNaN: true }), fc.integer({ min: 0, max: 2 ** 31 }),
  ] as const;

  test.prop(args, { numRuns: 60 })("list every pair within the radius once, from its lower point, ascending", (m, n, kk, noise, radius, seed) => {
    const k = Math.min(kk, m, n);
    const { subsets, near, point, pts, dim, count } = level(m, n, k, noise, radius, seed);
    const candidates = spanCandidates(near, subsets, k, point);
    for (let i = 0; i < count; i++) {
      const js = Array.from(candidates(i));
      for (let t = 0; t < js.length; t++) expect(js[t]).toBeGreaterThan(t > 0 ? js[t - 1] : i);
      for (let j = i + 1; j < count; j++) {
        let d2 = 0;
        for (let d = 0; d < dim; d++) d2 += (pts[j * dim + d] - pts[i * dim + d]) ** 2;
        if (d2 <= radius * radius) expect(js, `pair ${i}, ${j} at ${Math.sqrt(d2)} ≤ ${radius}`).toContain(j);
      }
    }
  });

  test.prop(args, { numRuns: 40 })("candidateLinkage over them equals radiusLinkage, bit for bit", (m, n, kk, noise, radius, seed) => {
    const k = Math.min(kk, m, n);
    const { subsets, near, point, pts, dim, count } = level(m, n, k, noise, radius, seed);
    const got = candidateLinkage(pts, dim, count, radius, spanCandidates(near, subsets, k, point));
    const want = scoped(() => radiusLinkage(f64(transpose(pts, count, dim)), dim, count, radius));
    expect(Array.from(got.heights)).toEqual(Array.from(want.heights));
    expect(Array.from(got.edges)).toEqual(Array.from(want.edges));
  });
});
