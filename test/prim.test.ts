import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { f64, i32, scoped, twin } from "../src/index.js";
import { primKernels } from "../src/linkage.js";
import { BACKENDS, use } from "./backends.js";
import { expectSameBits, transpose } from "./geometry-helpers.js";
import { planeAxes } from "../src/plane-axes.js";
import * as F from "./fixtures/polytopes.js";

// primForest (assembly/prim.ts) against its twin, bit for bit in both builds. That its forest is the
// minimum spanning forest under (d, i, j) — Kruskal's on all pairs — is tested through radiusLinkage
// (bundles.test.ts, strategy denseFraction 0).

type Forest = { parent: Int32Array; key: Float64Array };
type TreeRun = Forest & { tree: number };

/** A twin kernel's parent and key, into fresh arrays, and what it returned (whether the tree ran). */
function twinRun(count: number, call: (parent: Int32Array, key: Float64Array) => number | void): TreeRun {
  const f = { parent: new Int32Array(count), key: new Float64Array(count) };
  return { ...f, tree: Number(call(f.parent, f.key)) };
}

/** The active build's kernel on x (operands in arena scratch, freed after): parent, key and what it returned. */
function wasmRun(x: Float64Array, count: number, call: (parent: number, key: number, x: number) => number | void): TreeRun {
  return scoped(() => {
    const p = i32(count), k = f64(count);
    const tree = Number(call(p.ptr, k.ptr, f64(x).ptr));
    return { parent: p.toArray(), key: k.toArray(), tree };
  });
}

/** The twin's primForest. */
const twinForest = (x: Float64Array, dim: number, count: number, radius: number) => twinRun(count, (p, k) => twin.primForest(p, k, x, dim, count, radius));

/** The active build's primForest. */
const wasmForest = (x: Float64Array, dim: number, count: number, radius: number) => wasmRun(x, count, (p, k, xp) => primKernels().primForest(p, k, xp, dim, count, radius));

/** The same forest: equal parents, keys bit for bit. */
function expectSameForest(got: Forest, want: Forest): void {
  expect(Array.from(got.parent)).toEqual(Array.from(want.parent));
  expectSameBits(got.key, want.key, "key");
}

describe("primForest (assembly/prim.ts)", () => {
  for (const backend of BACKENDS) {
    test.prop(
      [fc.integer({ min: 0, max: 2 ** 31 }), fc.oneof(fc.constantFrom(0, 1, 7, 8, 9, 16, 80), fc.integer({ min: 0, max: 150 })), fc.integer({ min: 0, max: 21 }), fc.constantFrom("clusters", "lattice", "equal"), fc.double({ min: 0, max: 2, noNaN: true })],
      { numRuns: 40 },
    )(`${backend} = twin, bit for bit (sizes around the lane width and the check interval, 0 and 1 included)`, async (seed, count, dim, kind, radius) => {
      await use(backend);
      const x = F.pointCloud(seed, count, dim, kind, { centres: 3, spread: 0.2 }); // a few noisy clusters, a coarse lattice, or all equal
      const want = twinForest(x, dim, count, radius);
      expectSameForest(wasmForest(x, dim, count, radius), want);
    });

    it(`${backend}: an edge at d = ∞ within a radius whose square overflows joins (no edge yet is no tie to lose)`, async () => {
      // radius 1e160: r² = ∞, so the pair 1e200 apart (d² = ∞) is within it.
      await use(backend);
      const x = Float64Array.from([0, 1e200, -1e200]);
      const want = twinForest(x, 1, 3, 1e160);
      expect(Array.from(want.parent)).toEqual([-1, 0, 0]);
      expect(Array.from(want.key)).toEqual([0, Infinity, Infinity]);
      expectSameForest(wasmForest(x, 1, 3, 1e160), want);
    });

    test.prop([fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 3 })], { numRuns: 24 })(
      `${backend}: padding and vacated slots never join (points far apart on a line, one at the origin where padding sits)`,
      async (count, dims) => {
        await use(backend);
        const dim = dims + 1;
        const x = new Float64Array(dim * count);
        for (let i = 0; i < count; i++) x[i] = 5 * i; // coordinate 0 of point i; the others 0
        const want = twinForest(x, dim, count, 1);
        expect(Array.from(want.parent)).toEqual(Array(count).fill(-1)); // every point a tree of its own
        expectSameForest(wasmForest(x, dim, count, 1), want);
      },
    );
  }
});

// primTreeForest (assembly/prim-tree.ts): Prim on lines and hyperplanes, pruned by a kd-tree over their
// axes. With certified axes (planeAxes) it is primForest, bit for bit; with any axes and slack (bounds
// that certify nothing) both builds still equal the twin, which builds the same tree.
/** The twin's. */
const twinTreeForest = (x: Float64Array, dim: number, count: number, radius: number, axes: Float64Array, m: number, slack: number) =>
  twinRun(count, (p, k) => twin.primTreeForest(p, k, x, dim, count, radius, axes, m, slack));

/** The kernel's forest, and whether it used the tree (1) or ran primForest (0). */
const treeForest = (x: Float64Array, dim: number, count: number, radius: number, axes: Float64Array, m: number, slack: number) =>
  wasmRun(x, count, (p, k, xp) => primKernels().primTreeForest(p, k, xp, dim, count, radius, f64(axes).ptr, m, slack));

/** Runs `check` (returning whether the tree ran) on `runs` inputs; at least a quarter must reach the tree. */
async function reachingTheTree<T>(arb: fc.Arbitrary<T>, runs: number, check: (input: T) => Promise<number>): Promise<void> {
  let tree = 0;
  await fc.assert(fc.asyncProperty(arb, async (input) => void (tree += await check(input))), { numRuns: runs });
  expect(tree).toBeGreaterThanOrEqual(runs / 4);
}

describe("primTreeForest (assembly/prim-tree.ts)", () => {
  // Sizes around the leaf width (these mostly take the fallback: a leaf's list holds itself), and levels
  // of hundreds of planes at radii small enough for the leaves' lists to stay short (the tree).
  const sizes = fc.oneof(fc.constantFrom(0, 1, 7, 8, 9, 16, 63, 64, 65), fc.integer({ min: 200, max: 1200 }));
  const radii = fc.oneof(fc.double({ min: 0, max: 0.2, noNaN: true }), fc.double({ min: 0, max: 1.5, noNaN: true }));
  const spreads = fc.constantFrom(0, 1e-9, 1e-4, 0.05, 0.3, 2);
  for (const backend of BACKENDS) {
    it(`${backend}, certified axes: = primForest (twin), bit for bit (duplicates, antipodal axes, clusters; m = 1 … 5)`, async () => {
      await use(backend);
      const arb = fc.tuple(fc.integer({ min: 0, max: 2 ** 31 }), sizes, fc.integer({ min: 1, max: 5 }), fc.boolean(), spreads, fc.integer({ min: 1, max: 80 }), radii);
      await reachingTheTree(arb, 40, async ([seed, count, m, complement, spread, centres, radius]) => {
        const { x, pts, dim } = F.planeCloud(seed, count, m, complement, { centres, spread });
        const { axes, slack } = planeAxes(pts, dim, count, m, complement);
        expect(slack).toBeLessThan(1e-12);
        const want = twinForest(x, dim, count, radius);
        const got = treeForest(x, dim, count, radius, axes, m, slack);
        expectSameForest(got, want);
        return got.tree;
      });
    });

    it(`${backend} = twin, bit for bit, with axes and slack that certify nothing (any points, any axes)`, async () => {
      await use(backend);
      const arb = fc.tuple(fc.integer({ min: 0, max: 2 ** 31 }), sizes, fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 5 }), radii, fc.constantFrom(0, 1e-3, 0.5));
      await reachingTheTree(arb, 40, async ([seed, count, dim, m, radius, slack]) => {
        const x = F.pointCloud(seed, count, dim, "clusters", { centres: 3, spread: 0.2 });
        const axes = F.pointCloud(seed + 1, count, m, "clusters", { centres: 20, spread: 0.05 }); // any reals
        const want = twinTreeForest(x, dim, count, radius, axes, m, slack);
        const got = treeForest(x, dim, count, radius, axes, m, slack);
        expect(got.tree).toBe(want.tree);
        expectSameForest(got, want);
        return got.tree;
      });
    });
  }

  it("simd = scalar = twin with infinite axes (∞ − ∞ in a bound: it prunes nothing, in every build)", async () => {
    // 256 points at one place, axes (∞, 2⌊i/32⌋): boxes sharing the coordinate +∞.
    const count = 256, m = 2, dim = 1;
    const x = new Float64Array(count);
    const axes = Float64Array.from({ length: count * m }, (_, q) => (q % 2 === 0 ? Infinity : 2 * Math.floor(q / 2 / 32)));
    const want = twinTreeForest(x, dim, count, 0.5, axes, m, 0);
    for (const backend of BACKENDS) {
      await use(backend);
      expectSameForest(treeForest(x, dim, count, 0.5, axes, m, 0), want);
    }
  });

  it("the slack is what keeps near-certified points exact (planes off by ~1e-9, radii of that order)", async () => {
    // 40 clusters of exact duplicates pushed ~6e-10 off their planes: distances within a cluster and
    // the slack (~1e-9) are of one order, so a bound without the slack would drop some of these pairs.
    const rng = new F.Rng(3);
    for (const backend of BACKENDS) {
      await use(backend);
      let tree = 0;
      for (let it = 0; it < 6; it++) {
        const m = 3, complement = it % 2 === 1, count = 1000;
        const { pts, dim } = F.planeCloud(it, count, m, complement, { centres: 40, spread: 0 });
        for (let q = 0; q < pts.length; q++) pts[q] += 6e-10 * rng.normal();
        const x = transpose(pts, count, dim);
        const { axes, slack } = planeAxes(pts, dim, count, m, complement);
        expect(slack).toBeGreaterThan(1e-10);
        expect(slack).toBeLessThan(1e-8);
        for (const radius of [1e-9, 2e-9, 4e-9, 8e-9, 1.6e-8]) {
          const want = twinForest(x, dim, count, radius);
          const got = treeForest(x, dim, count, radius, axes, m, slack);
          expectSameForest(got, want);
          tree += got.tree;
        }
      }
      expect(tree).toBeGreaterThanOrEqual(15);
    }
  });
});

// primKdForest (assembly/prim-tree.ts): Prim pruned by a kd-tree over the points themselves. Its bound is
// the distance to a box of the points, which holds for any points: it is primForest, bit for bit.
/** The kd kernel's forest, and whether it used the tree (1) or ran primForest (0). */
const kdForest = (x: Float64Array, dim: number, count: number, radius: number) => wasmRun(x, count, (p, k, xp) => primKernels().primKdForest(p, k, xp, dim, count, radius));

/** The kd twin's. */
const twinKdForest = (x: Float64Array, dim: number, count: number, radius: number) => twinRun(count, (p, k) => twin.primKdForest(p, k, x, dim, count, radius));

describe("primKdForest (assembly/prim-tree.ts)", () => {
  // Sizes around the leaf width, and clouds of hundreds of points: many clusters (or a lattice) at radii
  // that keep the leaves' lists short (the tree), or larger ones (the fallback).
  const sizes = fc.oneof(fc.constantFrom(0, 1, 7, 8, 9, 16, 63, 64, 65), fc.integer({ min: 200, max: 1200 }));
  const radii = fc.oneof(fc.double({ min: 0, max: 0.1, noNaN: true }), fc.double({ min: 0, max: 2, noNaN: true }));
  for (const backend of BACKENDS) {
    it(`${backend} = primForest (twin) = the kd twin, bit for bit (clusters, lattice ties, equal points; dim 0 … 20)`, async () => {
      await use(backend);
      const arb = fc.tuple(
        fc.integer({ min: 0, max: 2 ** 31 }), sizes, fc.integer({ min: 0, max: 20 }), fc.constantFrom("clusters", "lattice", "equal"),
        fc.integer({ min: 1, max: 200 }), fc.constantFrom(0, 1e-9, 0.01, 0.2), radii,
      );
      await reachingTheTree(arb, 40, async ([seed, count, dim, kind, centres, spread, radius]) => {
        const x = F.pointCloud(seed, count, dim, kind, { centres, spread });
        const want = twinForest(x, dim, count, radius);
        const twinKd = twinKdForest(x, dim, count, radius);
        expectSameForest(twinKd, want);
        const got = kdForest(x, dim, count, radius);
        expect(got.tree).toBe(twinKd.tree);
        expectSameForest(got, want);
        return got.tree;
      });
    });

    it(`${backend}: a grid whose spacing is just within the radius stays connected (the bound reaches the radius)`, async () => {
      // 40 × 40 points of R³ on a grid of spacing 0.2 (noise 1e-7 in the third coordinate), radius 0.202:
      // every edge of the forest joins grid neighbours, most of them in different leaves, at a distance
      // within 1% of both the radius and the gap between the leaves' boxes. A bound too tight for the
      // radius drops them and splits the grid.
      const side = 40, count = side * side, dim = 3, rng = new F.Rng(11);
      const x = new Float64Array(count * dim);
      for (let i = 0; i < count; i++) {
        x[i] = 0.2 * (i % side);
        x[count + i] = 0.2 * Math.floor(i / side);
        x[2 * count + i] = 1e-7 * rng.normal();
      }
      const radius = 0.202;
      const want = twinForest(x, dim, count, radius);
      expect(want.parent.filter((p) => p < 0).length).toBe(1); // one tree
      await use(backend);
      const got = kdForest(x, dim, count, radius);
      expect(got.tree).toBe(1);
      expectSameForest(got, want);
    });
  }

  it("simd = scalar = twin = primForest with infinite coordinates (∞ − ∞ in a bound prunes nothing; ∞ apart is out)", async () => {
    // A 40 × 25 grid of spacing 0.1 and 16 points at (±∞, y) on it, radius 0.15: the tree runs, with
    // boxes reaching ±∞ in coordinate 0.
    const count = 1016, dim = 2;
    const x = new Float64Array(count * dim);
    for (let i = 0; i < count; i++) {
      x[i] = i < 1000 ? 0.1 * (i % 40) : i % 2 === 0 ? Infinity : -Infinity;
      x[count + i] = 0.1 * (Math.floor(i / 40) % 25);
    }
    const want = twinForest(x, dim, count, 0.15);
    const twinKd = twinKdForest(x, dim, count, 0.15);
    expect(twinKd.tree).toBe(1);
    expectSameForest(twinKd, want);
    for (const backend of BACKENDS) {
      await use(backend);
      const got = kdForest(x, dim, count, 0.15);
      expect(got.tree).toBe(1);
      expectSameForest(got, want);
    }
  });
});

describe("Prim's ties on the least key (pickLeast)", () => {
  it("primForest: of two slots at the least key the edge with the lower endpoint joins (points 3 and 7 both 1 from point 5)", async () => {
    // #0 at 0, #5 at 1, #3 and #7 at 2, the others far: after 0 and 5 join, slots 3 and 7 tie at d = 1 with
    // edges (3, 5) and (5, 7); (3, 5) must come first — the order the twin and Kruskal use.
    const x = Float64Array.from([0, 10, 20, 2, 30, 1, 40, 2]);
    const want = twinForest(x, 1, 8, 1.5);
    expect(Array.from(want.parent)).toEqual([-1, -1, -1, 5, -1, 0, -1, 3]);
    for (const backend of BACKENDS) {
      await use(backend);
      expectSameForest(wasmForest(x, 1, 8, 1.5), want);
    }
  });

  it("primTreeForest: ties across leaves (lines on a few hundred sites, duplicates) = twin in every build", async () => {
    // Many lines share a site, so the least key is held by slots of several leaves at once: the pick must
    // carry the best edge across the leaves' scans.
    const rng = new F.Rng(2);
    let tree = 0;
    for (let run = 0; run < 4; run++) {
      const count = 600 + 300 * run, sites = 60 + 40 * run, step = Math.PI / sites, m = 2, dim = 3;
      const axes = new Float64Array(count * m), pts = new Float64Array(count * dim);
      for (let i = 0; i < count; i++) {
        const a = rng.int(sites) * step, sign = rng.uniform() < 0.5 ? -1 : 1;
        const v = [Math.cos(a), Math.sin(a)];
        pts.set(F.planeEmbedding(v, m, false), i * dim);
        axes[i * m] = sign * v[0];
        axes[i * m + 1] = sign * v[1];
      }
      const x = transpose(pts, count, dim);
      const { slack } = planeAxes(pts, dim, count, m, false); // the same planes: either sign of each axis
      const radius = step * (1 + run / 2);
      const want = twinForest(x, dim, count, radius);
      const wantTree = twinTreeForest(x, dim, count, radius, axes, m, slack);
      expectSameForest(wantTree, want);
      for (const backend of BACKENDS) {
        await use(backend);
        const got = treeForest(x, dim, count, radius, axes, m, slack);
        tree += got.tree;
        expectSameForest(got, want);
      }
    }
    expect(tree).toBeGreaterThanOrEqual(4);
  });
});

describe("primTreeForest: the bounds reach as far as the radius", () => {
  for (const backend of BACKENDS) {
    for (const complement of [false, true]) {
      it(`${backend}, ${complement ? "hyperplanes" : "lines"}: two tight clusters just within the radius of each other merge`, async () => {
        await use(backend);
        // 80 + 80 planes of R³ whose axes sit near e1 and near (cos θ, sin θ, 0): the clusters are
        // sin θ ≈ 0.2 apart and the radius is 1.05·sin θ, so the one edge between them is near the edge
        // of every bound; a bound too tight for the radius drops it. 2000 more planes spread over the
        // rest of RP², none within 0.3 of the clusters, keep the leaves' neighbour lists short enough for
        // the tree (a level where most leaves neighbour most others goes to primForest instead).
        const m = 3, near = 160, theta = 0.2, dim = 6;
        const rng = new F.Rng(7);
        const axesOf: number[][] = [];
        const centres = [[1, 0, 0], [Math.cos(theta), Math.sin(theta), 0]];
        for (let i = 0; i < near; i++) axesOf.push(centres[i < 80 ? 0 : 1].map((x) => x + 1e-6 * rng.normal()));
        while (axesOf.length < near + 2000) {
          const v = [rng.normal(), rng.normal(), rng.normal()];
          const n = Math.hypot(...v);
          // chordal distance of two lines = sin of their angle: keep |cos| < cos(asin 0.3) from both
          if (centres.every((c) => Math.abs(c[0] * v[0] + c[1] * v[1] + c[2] * v[2]) / n < Math.sqrt(1 - 0.09))) axesOf.push(v);
        }
        const count = axesOf.length;
        const pts = new Float64Array(count * dim);
        axesOf.forEach((v, i) => {
          const n = Math.hypot(...v);
          pts.set(F.planeEmbedding(v.map((c) => c / n), m, complement), i * dim);
        });
        const x = transpose(pts, count, dim);
        const radius = 1.05 * Math.sin(theta);
        const want = twinForest(x, dim, count, radius);
        // the two clusters merge (point 0's tree holds point 80), by an edge near the radius
        let root = 80;
        const heights: number[] = [];
        while (want.parent[root] >= 0) {
          heights.push(want.key[root]);
          root = want.parent[root];
        }
        expect(root).toBe(0);
        expect(Math.max(...heights)).toBeGreaterThan(0.95 * Math.sin(theta));
        const { axes, slack } = planeAxes(pts, dim, count, m, complement);
        const got = treeForest(x, dim, count, radius, axes, m, slack);
        expect(got.tree).toBe(1);
        expectSameForest(got, want);
      });
    }
  }
});

describe("planeAxes (src/plane-axes.ts)", () => {
  test.prop([fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 9 }), fc.boolean()], { numRuns: 60 })(
    "unit axes whose planes are the points (slack ≤ 1e-13), signed by their largest entry, either sign of the input",
    (seed, count, m, complement) => {
      const { pts, dim } = F.planeCloud(seed, count, m, complement, { centres: 3, spread: 0.1 });
      const { axes, slack } = planeAxes(pts, dim, count, m, complement);
      expect(slack).toBeLessThan(1e-13);
      for (let i = 0; i < count; i++) {
        const a = Array.from(axes.subarray(i * m, i * m + m));
        expect(Math.abs(Math.hypot(...a) - 1)).toBeLessThan(1e-15);
        const big = a.reduce((b, v, j) => (Math.abs(v) > Math.abs(a[b]) ? j : b), 0);
        expect(a[big]).toBeGreaterThan(0);
        // the plane of the axis embeds to the point
        const e = F.planeEmbedding(a, m, complement);
        for (let d = 0; d < dim; d++) expect(Math.abs(e[d] - pts[i * dim + d])).toBeLessThan(1e-14);
      }
    },
  );

  it("a point that is no line or hyperplane gets a slack far above the 1e-8 the linkage asks for", () => {
    // The projector onto a 2-plane of R⁴ read as a hyperplane (I − P has rank 2): ‖Q − aaᵀ‖/√2 = 1/√2.
    const m = 4, dim = 10;
    const p = new Array<number>(dim);
    const P = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]];
    for (let a = 0, d = 0; a < m; a++) for (let b = a; b < m; b++, d++) p[d] = P[a][b] * (a === b ? Math.SQRT1_2 : 1);
    const { slack } = planeAxes(Float64Array.from(p), dim, 1, m, true);
    expect(slack).toBeCloseTo(2 * Math.SQRT1_2, 12);
  });
});
