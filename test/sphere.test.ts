import { fc, test } from "@fast-check/vitest";
import { beforeAll, describe, expect, it } from "vitest";
import { circumsphere, clusterSpheres, featureSphere, fitSphere, sphereDistance, sphereEmbeddings, type Sphere } from "../src/index.js";
import { directSum, gaussian, polygon, randomRotation, rng, rotate, simplex, toW } from "./analysis-fixtures.js";
import { use } from "./backends.js";

const dist = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.sqrt(Array.from(a).reduce((s, v, i) => s + (v - b[i]) ** 2, 0));
const col = (x: ArrayLike<number>, m: number, n: number, i: number) => Array.from({ length: m }, (_, p) => x[p * n + i]);

describe("spheres", () => {
  beforeAll(() => use("simd"));

  test.prop([fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 4 })], { numRuns: 60 })(
    "circumsphere: every point is equidistant from the centre, which lies in their affine span",
    (seed, k, extra) => {
      const m = k + extra;
      const g = gaussian(rng(seed));
      const x = Float64Array.from({ length: m * (k + 1) }, g);
      const s = circumsphere(x, m, k + 1);
      // Nearly affinely dependent Gaussian draws have huge spheres whose errors grow like R²: not this test's subject.
      fc.pre(s.radius < 20);
      for (let i = 0; i <= k; i++) expect(Math.abs(dist(col(x, m, k + 1, i), s.centre) - s.radius)).toBeLessThan(1e-9 * Math.max(1, s.radius));
      expect(s.barycentric.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
      const fit = fitSphere(x, m, k + 1);
      expect(fit.dimension).toBe(k);
      expect(fit.cospherical).toBe(true);
      expect(fit.radius).toBeCloseTo(s.radius, 6);
      expect(dist(fit.centre, s.centre)).toBeLessThan(1e-6 * Math.max(1, s.radius));
    },
  );

  it("matches the triangle circumradius abc / (4·area) and rejects affinely dependent points", () => {
    const x = toW([[0, 0, 0], [4, 0, 0], [0, 3, 0]]);
    const s = circumsphere(x, 3, 3);
    expect(s.radius).toBeCloseTo((3 * 4 * 5) / (4 * 6), 14);
    expect(Array.from(s.centre)).toEqual([2, 1.5, 0].map((v) => expect.closeTo(v, 14)));
    expect(() => circumsphere(toW([[0, 0], [1, 1], [2, 2]]), 2, 3)).toThrow(expect.objectContaining({ parameter: "x" }));
    expect(() => circumsphere(toW([[0, 0], [1, 1], [2, 2]]), 2, 1)).toThrow(expect.objectContaining({ parameter: "count" }));
  });

  it("finds that a factor's features lie on a sphere centred at 0, and a face of a simplex on one that is not", () => {
    const cfg = directSum(polygon(5), simplex(3));
    const m = 5, n = 9;
    const w = rotate(randomRotation(m, 6), toW(cfg, m), m, n);
    const pent = featureSphere(w, m, n, [0, 1, 2, 3, 4]);
    expect(pent.dimension).toBe(2);
    expect(pent.cospherical).toBe(true);
    expect(pent.centredAtOrigin).toBe(true);
    expect(pent.radius).toBeCloseTo(1, 12);
    const tet = featureSphere(w, m, n, [5, 6, 7, 8]);
    expect(tet.dimension).toBe(3);
    expect(tet.centredAtOrigin).toBe(true);
    const face = featureSphere(w, m, n, [5, 6, 7]);
    expect(face.dimension).toBe(2);
    expect(face.cospherical).toBe(true);
    expect(face.centredAtOrigin).toBe(false);
    expect(face.centreNorm).toBeCloseTo(1 / 3, 12); // the face is at distance 1/d from the centre
    expect(face.radius).toBeCloseTo(Math.sqrt(1 - 1 / 9), 12);
    // A square with one corner moved is not cospherical.
    const bad = fitSphere(toW([[1, 0], [0, 1], [-1, 0], [0, -1.2]]), 2, 4);
    expect(bad.cospherical).toBe(false);
    expect(bad.residual).toBeGreaterThan(1e-3);
    // One point: a sphere of radius 0.
    expect(fitSphere(toW([[1, 2]]), 2, 1).radius).toBe(0);
  });

  it("has a distance that is 0 for the same sphere, rotation invariant, a metric, and the Euclidean distance of the embeddings", () => {
    const g = gaussian(rng(4));
    const m = 4;
    const spheres: Sphere[] = [];
    for (let t = 0; t < 8; t++) {
      const k = 1 + (t % 3);
      spheres.push(fitSphere(Float64Array.from({ length: m * (k + 1) }, g), m, k + 1));
    }
    const { x, dim, count } = sphereEmbeddings(spheres, 0.7);
    for (let a = 0; a < count; a++) {
      expect(sphereDistance(spheres[a], spheres[a], 0.7)).toBeLessThan(1e-7);
      for (let b = 0; b < count; b++) {
        let e = 0;
        for (let d = 0; d < dim; d++) e += (x[d * count + a] - x[d * count + b]) ** 2;
        expect(sphereDistance(spheres[a], spheres[b], 0.7)).toBeCloseTo(Math.sqrt(e), 9);
        for (let c = 0; c < count; c++) {
          expect(sphereDistance(spheres[a], spheres[c], 0.7)).toBeLessThanOrEqual(sphereDistance(spheres[a], spheres[b], 0.7) + sphereDistance(spheres[b], spheres[c], 0.7) + 1e-12);
        }
      }
    }
    // Rotating everything changes nothing.
    const pts = Float64Array.from({ length: m * 3 }, g), pts2 = Float64Array.from({ length: m * 4 }, g);
    const R = randomRotation(m, 9);
    const d0 = sphereDistance(fitSphere(pts, m, 3), fitSphere(pts2, m, 4));
    const d1 = sphereDistance(fitSphere(rotate(R, pts, m, 3), m, 3), fitSphere(rotate(R, pts2, m, 4), m, 4));
    expect(d1).toBeCloseTo(d0, 10);
    expect(() => sphereDistance(spheres[0], spheres[1], 0)).toThrow(expect.objectContaining({ parameter: "scale" }));
  });

  it("clusters the spheres through feature triples: one circle per planar summand", () => {
    const cfg = directSum(polygon(5), polygon(3));
    const m = 4, n = 8;
    const w = rotate(randomRotation(m, 12), toW(cfg, m), m, n);
    const triples: number[][] = [];
    for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) for (let c = b + 1; c < n; c++) triples.push([a, b, c]);
    const spheres = triples.map((t) => featureSphere(w, m, n, t));
    const res = clusterSpheres(spheres, { minSamples: 1 });
    const pentLabels = new Set(triples.map((t, i) => (t.every((f) => f < 5) ? res.labels[i] : -2)).filter((l) => l !== -2));
    const triLabel = res.labels[triples.findIndex((t) => t.every((f) => f >= 5))];
    expect(pentLabels.size).toBe(1);
    const pl = [...pentLabels][0];
    expect(triLabel).not.toBe(pl);
    // Mixed triples are on other circles (not centred at 0).
    triples.forEach((t, i) => {
      const mixed = t.some((f) => f < 5) && t.some((f) => f >= 5);
      if (mixed) {
        expect(res.labels[i]).not.toBe(pl);
        expect(res.labels[i]).not.toBe(triLabel);
        expect(spheres[i].centredAtOrigin).toBe(false);
      }
    });
    expect(res.choice).not.toBeNull();
    expect(res.scale).toBeGreaterThan(0);
  });
});
