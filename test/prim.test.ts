import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { f64, i32, scoped, twin } from "../src/index.js";
import { wasm } from "../src/wasm.js";
import { BACKENDS, use } from "./backends.js";
import { expectSameBits } from "./geometry-helpers.js";
import * as F from "./fixtures/polytopes.js";

// primForest (assembly/prim.ts) against its twin, bit for bit in both builds. That its forest is the
// minimum spanning forest under (d, i, j) — Kruskal's on all pairs — is tested through radiusLinkage
// (bundles.test.ts, strategy denseFraction 0).

type PrimKernel = { primForest(parent: number, key: number, x: number, dim: number, count: number, radius: number): void };

describe("primForest (assembly/prim.ts)", () => {
  for (const backend of BACKENDS) {
    test.prop(
      [fc.integer({ min: 0, max: 2 ** 31 }), fc.oneof(fc.constantFrom(0, 1, 7, 8, 9, 16, 80), fc.integer({ min: 0, max: 150 })), fc.integer({ min: 0, max: 21 }), fc.constantFrom("clusters", "lattice", "equal"), fc.double({ min: 0, max: 2, noNaN: true })],
      { numRuns: 40 },
    )(`${backend} = twin, bit for bit (sizes around the lane width and the check interval, 0 and 1 included)`, async (seed, count, dim, kind, radius) => {
      await use(backend);
      const x = F.pointCloud(seed, count, dim, kind, { centres: 3, spread: 0.2 }); // a few noisy clusters, a coarse lattice, or all equal
      const wantParent = new Int32Array(count);
      const wantKey = new Float64Array(count);
      twin.primForest(wantParent, wantKey, x, dim, count, radius);
      const { parent, key } = scoped(() => {
        const p = i32(count), k = f64(count);
        (wasm() as unknown as PrimKernel).primForest(p.ptr, k.ptr, f64(x).ptr, dim, count, radius);
        return { parent: p.toArray(), key: k.toArray() };
      });
      expect(Array.from(parent)).toEqual(Array.from(wantParent));
      expectSameBits(key, wantKey, "key");
    });

    test.prop([fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 3 })], { numRuns: 24 })(
      `${backend}: padding and vacated slots never join (points far apart on a line, one at the origin where padding sits)`,
      async (count, dims) => {
        await use(backend);
        const dim = dims + 1;
        const x = new Float64Array(dim * count);
        for (let i = 0; i < count; i++) x[i] = 5 * i; // coordinate 0 of point i; the others 0
        const wantParent = new Int32Array(count), wantKey = new Float64Array(count);
        twin.primForest(wantParent, wantKey, x, dim, count, 1);
        expect(Array.from(wantParent)).toEqual(Array(count).fill(-1)); // every point a tree of its own
        const { parent, key } = scoped(() => {
          const p = i32(count), k = f64(count);
          (wasm() as unknown as PrimKernel).primForest(p.ptr, k.ptr, f64(x).ptr, dim, count, 1);
          return { parent: p.toArray(), key: k.toArray() };
        });
        expect(Array.from(parent)).toEqual(Array.from(wantParent));
        expectSameBits(key, wantKey, "key");
      },
    );
  }
});
