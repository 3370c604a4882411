import { fc, test } from "@fast-check/vitest";
import { beforeAll, describe, expect, it } from "vitest";
import { TegumError, chooseGramTol, gramOf, matroidComponents, pivotedBasis, tegumFactors, thomson } from "../src/index.js";
import {
  bipyramid, crossPolytope, digon, directSum, gaussian, partition, permute, polygon, randomPermutation, randomRotation, rng, rotate,
  simplex, toW,
} from "./analysis-fixtures.js";
import { BACKENDS, use } from "./backends.js";

const sizes = (f: number[][]) => f.map((x) => x.length);

describe.each(BACKENDS)("tegumFactors (%s)", (backend) => {
  beforeAll(() => use(backend));

  it("splits the exact Thomson 5, 6 and 7 configurations into their factors", () => {
    expect(tegumFactors(toW(bipyramid(3)), 3, 5).factors).toEqual([[0, 1, 2], [3, 4]]);
    expect(tegumFactors(toW(crossPolytope(3)), 3, 6).factors).toEqual([[0, 1], [2, 3], [4, 5]]);
    expect(tegumFactors(toW(bipyramid(5)), 3, 7).factors).toEqual([[0, 1, 2, 3, 4], [5, 6]]);
  });

  it("splits the solver's Thomson 5, 6 and 7 optima (seeded), and reports the bracketing cosines", () => {
    for (const [N, want, above] of [[5, [2, 3], 4], [6, [2, 2, 2], 3], [7, [2, 5], 6]] as const) {
      const t = thomson(N, 3, { seed: 7 });
      const f = tegumFactors(t.points, 3, N, { tolerance: 1e-6 });
      expect(sizes(f.factors).sort()).toEqual([...want]);
      expect(f.largestBelow).toBeLessThan(1e-8); // the solver's optimum is orthogonal to ~1e-12
      expect(f.smallestAbove!).toBeGreaterThan(0.1);
      // A tolerance above every cosine but the antipodal ones leaves the digons and singletons.
      expect(tegumFactors(t.points, 3, N, { tolerance: 0.9999 }).factors.length).toBe(above);
    }
    // Thomson 8 (square antiprism) and 12 (icosahedron) are irreducible.
    for (const N of [8, 12]) expect(tegumFactors(thomson(N, 3, { seed: 1, starts: 3 }).points, 3, N).factors.length).toBe(1);
  });

  it("recovers the summands of randomly rotated and permuted direct sums", () => {
    const blocks = [polygon(5), simplex(3), digon(), polygon(3), crossPolytope(1)];
    const cfg = directSum(...blocks);
    const m = 2 + 3 + 1 + 2 + 1, n = cfg.length;
    const planted: number[] = [];
    blocks.forEach((b, t) => b.forEach(() => planted.push(t)));
    for (let seed = 0; seed < 5; seed++) {
      const perm = randomPermutation(n, seed);
      const w = permute(rotate(randomRotation(m, 100 + seed), toW(cfg, m), m, n), m, n, perm);
      const want = partition(perm.map((i) => planted[i]));
      expect(partition(tegumFactors(w, m, n).labels)).toBe(want);
      expect(partition(tegumFactors(Float32Array.from(w), m, n, { tolerance: 1e-4 }).labels)).toBe(want);
      expect(partition(matroidComponents(w, m, n, { tolerance: 1e-9 }).labels)).toBe(want);
    }
  });

  it("leaves dead features out of every factor", () => {
    const w = toW([[1, 0], [0, 0], [-1, 0], [0, 1]], 2);
    const f = tegumFactors(w, 2, 4);
    expect(f.factors).toEqual([[0, 2], [3]]);
    expect(f.dead).toEqual([1]);
    expect(Array.from(f.labels)).toEqual([0, -1, 0, 1]);
  });

  it("rejects bad options with a TegumError naming the parameter", () => {
    const w = new Float64Array(4);
    expect(() => tegumFactors(w, 2, 2, { tolerance: 2 })).toThrow(expect.objectContaining({ parameter: "tolerance" }));
    expect(() => tegumFactors(w, 2, 2, { gram: new Float64Array(1) })).toThrow(expect.objectContaining({ parameter: "gram" }));
    expect(() => matroidComponents(w, 2, 2, { coefficientTolerance: -1 })).toThrow(TegumError);
    expect(() => pivotedBasis(w, 2, 2, { columns: [0, 0] })).toThrow(expect.objectContaining({ parameter: "columns" }));
    expect(() => pivotedBasis(w, 2, 2, { columns: [2] })).toThrow(expect.objectContaining({ parameter: "columns[]" }));
  });

  /** The plain scan: BFS over the rows, every row scanned in full, bracketing cosines from the pairs j > q. */
  function plainScan(g: ArrayLike<number>, inv: Float64Array, n: number, tolerance: number) {
    const labels = new Int32Array(n).fill(-1);
    const groups: number[][] = [];
    let largestBelow = 0, smallestAbove = Infinity;
    for (let start = 0; start < n; start++) {
      if (inv[start] === 0 || labels[start] !== -1) continue;
      const id = groups.length, members: number[] = [], queue = [start];
      labels[start] = id;
      for (let head = 0; head < queue.length; head++) {
        const q = queue[head];
        members.push(q);
        const sq = inv[q], thr = tolerance / sq;
        for (let j = 0; j < q; j++) {
          const v = g[q * n + j] * inv[j];
          if (labels[j] === -1 && (v > thr || -v > thr)) { labels[j] = id; queue.push(j); }
        }
        let below = largestBelow / sq, above = smallestAbove / sq;
        for (let j = q + 1; j < n; j++) {
          let v = g[q * n + j] * inv[j];
          if (v < 0) v = -v;
          if (v > thr) {
            if (v < above) above = v;
            if (labels[j] === -1) { labels[j] = id; queue.push(j); }
          } else if (v > below) below = v;
        }
        largestBelow = Math.min(tolerance, Math.max(largestBelow, below * sq));
        if (above * sq < smallestAbove) smallestAbove = Math.max(above * sq, tolerance * (1 + Number.EPSILON));
      }
      groups.push(members.sort((a, b) => a - b));
    }
    return { factors: groups, labels, largestBelow, smallestAbove: smallestAbove === Infinity ? null : smallestAbove };
  }

  test.prop([fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 0.6, noNaN: true }), fc.boolean()], { numRuns: 40 })(
    "gives exactly the factors and bracketing cosines of the plain row scan",
    (seed, n, tolerance, f32) => {
      const r = rng(seed), g = gaussian(r);
      const m = 1 + Math.floor(r() * 8);
      // Orthogonal blocks of random sizes, some dead columns, mixed signs.
      const w = f32 ? new Float32Array(m * n) : new Float64Array(m * n);
      for (let i = 0; i < n; i++) {
        if (r() < 0.1) continue;
        const lo = Math.floor(r() * m), hi = Math.min(m, lo + 1 + Math.floor(r() * 3));
        for (let p = lo; p < hi; p++) w[p * n + i] = g();
      }
      const got = tegumFactors(w, m, n, { tolerance, deadTolerance: 1e-6 });
      // The reference reads the same G as tegumFactors (the kernel's bits), so only the scan differs.
      const kernelGram = gramOf(w, m, n);
      let maxNorm = 0;
      const norms = Array.from({ length: n }, (_, i) => { let s = 0; for (let p = 0; p < m; p++) s += w[p * n + i] * w[p * n + i]; return Math.sqrt(s); });
      for (const v of norms) maxNorm = Math.max(maxNorm, v);
      const inv = new Float64Array(n);
      for (let i = 0; i < n; i++) if (!(norms[i] <= 1e-6 * maxNorm) && kernelGram[i * n + i] > 0) inv[i] = 1 / Math.sqrt(kernelGram[i * n + i]);
      const want = plainScan(kernelGram, inv, n, tolerance);
      expect(got.factors).toEqual(want.factors);
      expect(Array.from(got.labels)).toEqual(Array.from(want.labels));
      expect(Object.is(got.largestBelow, want.largestBelow)).toBe(true);
      expect(got.smallestAbove === want.smallestAbove || Object.is(got.smallestAbove, want.smallestAbove)).toBe(true);
    },
  );

  test.prop([fc.integer({ min: 0, max: 1e9 }), fc.array(fc.double({ min: 0.1, max: 10, noNaN: true }), { minLength: 12, maxLength: 12 })], { numRuns: 30 })(
    "gives the same factors after a rotation, a positive column scaling and a permutation",
    (seed, scales) => {
      const cfg = directSum(polygon(5), simplex(3), digon(), [[1]]);
      const m = 7, n = cfg.length;
      const base = toW(cfg, m);
      const perm = randomPermutation(n, seed);
      const w = permute(rotate(randomRotation(m, seed), base, m, n), m, n, perm);
      for (let p = 0; p < m; p++) for (let i = 0; i < n; i++) w[p * n + i] *= scales[i];
      // Exact fixture, columns scaled by up to 100×: the tight dead cut (the default 0.05 is relative to the largest norm).
      const exact = { tolerance: 1e-3, deadTolerance: 1e-6 };
      const want = partition(perm.map((i) => tegumFactors(base, m, n, exact).labels[i]));
      expect(partition(tegumFactors(w, m, n, exact).labels)).toBe(want);
      expect(partition(matroidComponents(w, m, n, { tolerance: 1e-9 }).labels)).toBe(want);
    },
  );
});

describe("matroidComponents", () => {
  beforeAll(() => use("simd"));

  it("separates the non-orthogonal direct sum [e1, e2, e1+e2, e1+e3, −(e1+e3)] that the Gram graph joins", () => {
    const w = toW([[1, 0, 0], [0, 1, 0], [1, 1, 0], [1, 0, 1], [-1, 0, -1]], 3);
    expect(tegumFactors(w, 3, 5).factors).toEqual([[0, 1, 2, 3, 4]]);
    const mc = matroidComponents(w, 3, 5);
    expect(mc.components).toEqual([[0, 1, 2], [3, 4]]);
    expect(mc.rank).toBe(3);
    expect(mc.loops).toEqual([]);
  });

  it("keeps loops out and coloops alone", () => {
    // e1, e2, e1+e2 (a circuit), e3 (a coloop: in no circuit), 0 (a loop)
    const w = toW([[1, 0, 0], [0, 1, 0], [1, 1, 0], [0, 0, 1], [0, 0, 0]], 3);
    const mc = matroidComponents(w, 3, 5);
    expect(mc.components).toEqual([[0, 1, 2], [3]]);
    expect(mc.loops).toEqual([4]);
    expect(Array.from(mc.labels)).toEqual([0, 0, 0, 1, -1]);
  });

  it("is one component for generic vectors (the uniform matroid), and splits noisy sums only above the noise", () => {
    const g = gaussian(rng(5));
    const w = Float64Array.from({ length: 3 * 7 }, g);
    expect(matroidComponents(w, 3, 7).components.length).toBe(1);
    const cfg = directSum(polygon(3), polygon(3));
    const clean = rotate(randomRotation(4, 2), toW(cfg, 4), 4, 6);
    const noisy = clean.map((x) => x + 1e-6 * g());
    expect(matroidComponents(noisy, 4, 6).components.length).toBe(1); // default tolerance 1e-8 < noise
    expect(matroidComponents(noisy, 4, 6, { tolerance: 1e-4 }).components).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(tegumFactors(noisy, 4, 6, { tolerance: 1e-4 }).factors).toEqual([[0, 1, 2], [3, 4, 5]]);
  });

  it("pivotedBasis gives an orthonormal basis, coordinates and the numerical rank", () => {
    const w = toW([[1, 0, 0], [0, 1, 0], [1, 1, 0], [3, 0, 0]], 3);
    const pb = pivotedBasis(w, 3, 4);
    expect(pb.rank).toBe(2);
    for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) {
      let s = 0;
      for (let p = 0; p < 3; p++) s += pb.q[p * 2 + a] * pb.q[p * 2 + b];
      expect(s).toBeCloseTo(a === b ? 1 : 0, 14);
    }
    // Q·coordinates reproduces W.
    for (let p = 0; p < 3; p++) for (let c = 0; c < 4; c++) {
      let s = 0;
      for (let l = 0; l < 2; l++) s += pb.q[p * 2 + l] * pb.coordinates[l * 4 + c];
      expect(s).toBeCloseTo(w[p * 4 + c], 14);
    }
  });
});

describe("chooseGramTol", () => {
  // The rule as first written: sort every |cos|, take the highest consecutive (lo ≤ 0.1, hi ≥ 8·max(lo, 1e-15)).
  function bySorting(values: number[]) {
    const v = Float64Array.from(values).sort();
    for (let i = v.length - 2; i >= 0; i--) {
      const lo = v[i], hi = v[i + 1];
      if (lo > 0.1) continue;
      const base = Math.max(lo, 1e-15);
      if (hi >= 8 * base) return { value: Math.max(lo, Math.min(Math.sqrt(base * hi), 0.1)), method: "gap", below: lo, above: hi };
    }
    let below: number | null = null, above: number | null = null;
    for (const c of v) if (c <= 1e-3) below = c; else if (above === null) above = c;
    return { value: 1e-3, method: "default", below, above };
  }
  const magnitude = fc.oneof(
    fc.constant(0),
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.integer({ min: -1074, max: 0 }).map((e) => 2 ** e),
    fc.tuple(fc.integer({ min: -60, max: -1 }), fc.double({ min: 1, max: 2, noNaN: true })).map(([e, f]) => f * 2 ** e),
  );
  test.prop([fc.array(magnitude, { minLength: 1, maxLength: 40 })], { numRuns: 500 })("equals the sort-based rule exactly", (cos) => {
    // A symmetric n×n matrix whose upper triangle over `live` = all features is `cos` (padded with 0.5).
    let n = 2;
    while ((n * (n - 1)) / 2 < cos.length) n++;
    const g = new Float64Array(n * n).fill(0.5);
    const vals: number[] = [];
    let t = 0;
    for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) {
      const v = t < cos.length ? cos[t++] : 0.5;
      g[a * n + b] = g[b * n + a] = v;
      vals.push(v);
    }
    expect(chooseGramTol(g, n, Array.from({ length: n }, (_, i) => i))).toEqual(bySorting(vals));
  });
});
