import { beforeAll, describe, expect, it } from "vitest";
import { factorPolytopes, featureMetrics, nearestFraction, polytope, simplestFraction, thomson, TegumError } from "../src/index.js";
import {
  type Config, bipyramid, crossPolytope, cube, digon, directSum, dodecahedron, gaussian, icosahedron, polygon, randomRotation, rng,
  rotate, simplex, squareAntiprism, toW,
} from "./analysis-fixtures.js";
import { use } from "./backends.js";

const all = (n: number) => Array.from({ length: n }, (_, i) => i);

function nameOf(cfg: Config, options = {}) {
  const m = Math.max(...cfg.map((c) => c.length));
  const n = cfg.length;
  const w = rotate(randomRotation(m, 3), toW(cfg, m), m, n);
  return polytope(w, m, n, all(n), { tolerance: 1e-9, fractionTolerance: 1e-9, ...options });
}

describe("polytope", () => {
  beforeAll(() => use("simd"));

  it("names the exact shapes, with rank, count and D_i = d/N as fractions", () => {
    const cases: [Config, string, string, number, string][] = [
      [[[1, 0]], "dedicated", "dedicated", 1, "1"],
      [digon(), "digon", "digon", 1, "1/2"],
      [polygon(3), "polygon", "triangle", 2, "2/3"],
      [polygon(5), "polygon", "pentagon", 2, "2/5"],
      [polygon(6), "polygon", "hexagon", 2, "1/3"],
      [polygon(7), "polygon", "heptagon", 2, "2/7"],
      [polygon(11), "polygon", "regular 11-gon", 2, "2/11"],
      [simplex(3), "simplex", "tetrahedron", 3, "3/4"],
      [simplex(4), "simplex", "4-simplex", 4, "4/5"],
      [crossPolytope(3), "cross-polytope", "octahedron", 3, "1/2"],
      [crossPolytope(4), "cross-polytope", "4-cross-polytope", 4, "1/2"],
      [cube(), "cube", "cube", 3, "3/8"],
      [icosahedron(), "icosahedron", "icosahedron", 3, "1/4"],
      [dodecahedron(), "dodecahedron", "dodecahedron", 3, "3/20"],
      [squareAntiprism(1 / 3), "square-antiprism", "square antiprism", 3, "3/8"],
    ];
    for (const [cfg, kind, name, rank, d] of cases) {
      const p = nameOf(cfg);
      expect(p.kind, name).toBe(kind);
      expect(p.name).toBe(name);
      expect(p.rank).toBe(rank);
      expect(p.count).toBe(cfg.length);
      expect(p.deviation!).toBeLessThan(1e-9);
      expect(p.tight).toBe(true);
      expect(p.tightDimensionality.text).toBe(d);
      for (const di of p.dimensionality) {
        expect(di.localFraction?.text, name).toBe(d);
        expect(Math.abs(di.localFraction!.deviation)).toBeLessThan(1e-12);
      }
      expect(p.norms.spread).toBeLessThan(1e-12);
    }
  });

  it("tells the tight square antiprism (D = 3/8) from the Thomson-8 one (D ≈ 0.3744)", () => {
    const tight = nameOf(squareAntiprism(1 / 3));
    expect(tight.antiprism?.tight).toBe(true);
    expect(tight.antiprism?.height2).toBeCloseTo(1 / 3, 12);
    const t8 = thomson(8, 3, { seed: 2, starts: 4 });
    const p = polytope(t8.points, 3, 8, all(8), { tolerance: 1e-6, fractionTolerance: 1e-4 });
    expect(p.name).toBe("square antiprism");
    expect(p.antiprism!.tight).toBe(false);
    expect(p.tight).toBe(false);
    expect(p.frameDefect).toBeGreaterThan(1e-4);
    for (const d of p.dimensionality) {
      expect(d.local).toBeCloseTo(0.3744, 3);
      expect(d.localFraction).toBeNull(); // not 3/8 at 1e-4 …
    }
    const loose = polytope(t8.points, 3, 8, all(8), { tolerance: 1e-6, fractionTolerance: 1e-3 });
    expect(loose.dimensionality[0].localFraction?.text).toBe("3/8"); // … but 3/8 at 1e-3, with its deviation
    expect(Math.abs(loose.dimensionality[0].localFraction!.deviation)).toBeGreaterThan(1e-4);
  });

  it("calls an unnamed equal-norm tight frame a tight frame and a random set irregular", () => {
    // Five vectors on a cone: (√(2/3) cos, √(2/3) sin, √(1/3)) — frame operator 5/3·I.
    const cone = Array.from({ length: 5 }, (_, j) => [Math.sqrt(2 / 3) * Math.cos((2 * Math.PI * j) / 5), Math.sqrt(2 / 3) * Math.sin((2 * Math.PI * j) / 5), Math.sqrt(1 / 3)]);
    const p = nameOf(cone);
    expect(p.name).toBe("tight frame");
    expect(p.dimensionality[0].localFraction?.text).toBe("3/5");
    const g = gaussian(rng(1));
    const rand = Array.from({ length: 6 }, () => [g(), g(), g()]);
    const q = nameOf(rand, { tolerance: 0.02 });
    expect(q.kind).toBe("irregular");
    expect(q.deviation).toBeNull();
  });

  it("names by direction and reports the norm spread (a trained-like pentagon)", () => {
    const r = rng(4);
    const pent = polygon(5).map(([x, y], j) => {
      const a = (2 * Math.PI * j) / 5 + 0.01 * (r() - 0.5);
      const s = 1.1 + 0.02 * r();
      return [s * Math.cos(a), s * Math.sin(a)];
    });
    const p = polytope(toW(pent), 2, 5, all(5));
    expect(p.name).toBe("pentagon");
    expect(p.norms.spread).toBeGreaterThan(0);
    expect(p.norms.spread).toBeLessThan(0.02);
    expect(p.norms.min).toBeGreaterThanOrEqual(1.1);
    expect(p.dimensionality.every((d) => d.localFraction?.text === "2/5")).toBe(true);
    expect(polytope(toW(pent), 2, 5, all(5), { tolerance: 1e-4 }).kind).toBe("irregular");
  });

  it("names every tegum factor of a rotated direct sum, with global D_i", () => {
    const cfg = directSum(polygon(5), simplex(3), digon(), [[1]]);
    const m = 7, n = cfg.length;
    const w = rotate(randomRotation(m, 8), toW(cfg, m), m, n);
    const fp = factorPolytopes(w, m, n);
    expect(fp.polytopes.map((p) => p.name)).toEqual(["pentagon", "tetrahedron", "digon", "dedicated"]);
    expect(fp.polytopes[1].dimensionality.map((d) => d.globalFraction?.text)).toEqual(["3/4", "3/4", "3/4", "3/4"]);
    // The octahedron is three digon factors, and is named as a whole.
    const oct = toW(crossPolytope(3));
    expect(factorPolytopes(oct, 3, 6).polytopes.map((p) => p.name)).toEqual(["digon", "digon", "digon"]);
    expect(polytope(oct, 3, 6, all(6)).name).toBe("octahedron");
    // Thomson-7 = pentagon ⊕ digon.
    expect(factorPolytopes(toW(bipyramid(5)), 3, 7).polytopes.map((p) => p.name)).toEqual(["pentagon", "digon"]);
  });

  it("leaves dead features out and validates its arguments", () => {
    const w = toW([[1, 0], [0, 0], [-1, 0]], 2);
    const p = polytope(w, 2, 3, [0, 1, 2]);
    expect(p.name).toBe("digon");
    expect(p.dead).toEqual([1]);
    expect(() => polytope(w, 2, 3, [])).toThrow(expect.objectContaining({ parameter: "features" }));
    expect(() => polytope(w, 2, 3, [0, 0])).toThrow(expect.objectContaining({ parameter: "features" }));
    expect(() => polytope(w, 2, 3, [3])).toThrow(expect.objectContaining({ parameter: "features[]" }));
    expect(() => polytope(w, 2, 3, [0], { tolerance: -1 })).toThrow(TegumError);
    expect(() => polytope(w, 2, 3, [0], { metrics: featureMetrics(toW([[1]]), 1, 1) })).toThrow(expect.objectContaining({ parameter: "metrics" }));
  });
});

describe("fractions", () => {
  it("finds the simplest fraction within a tolerance and the best approximation under a denominator bound", () => {
    expect(simplestFraction(0.4000001, 1e-6)?.text).toBe("2/5");
    expect(simplestFraction(0.3744, 1e-4)).toBeNull();
    expect(simplestFraction(0.3744, 1e-3)?.text).toBe("3/8");
    expect(simplestFraction(0.3744, 1e-3)?.deviation).toBeCloseTo(0.3744 - 0.375, 15);
    expect(simplestFraction(-0.5, 0)?.text).toBe("-1/2");
    expect(simplestFraction(1, 0)?.text).toBe("1");
    expect(simplestFraction(0, 0)?.text).toBe("0");
    expect(nearestFraction(Math.PI, 1000).text).toBe("355/113");
    expect(nearestFraction(Math.PI, 100).text).toBe("311/99");
    expect(nearestFraction(0.3744, 24).text).toBe("3/8");
    expect(nearestFraction(-2 / 7, 10).text).toBe("-2/7");
    expect(() => nearestFraction(NaN)).toThrow(expect.objectContaining({ parameter: "x" }));
    expect(() => simplestFraction(0.5, -1)).toThrow(expect.objectContaining({ parameter: "tolerance" }));
  });
});

describe("defaults suit trained weights", () => {
  beforeAll(() => use("simd"));
  const deg = Math.PI / 180;

  it("names the Thomson-8 antiprism (h² ≈ 0.314, D ≈ 0.3744) a square antiprism but not tight at the default shape tolerance", () => {
    const t8 = thomson(8, 3, { seed: 2, starts: 4 });
    const p = polytope(t8.points, 3, 8, all(8));
    expect(p.name).toBe("square antiprism");
    expect(p.antiprism!.tight).toBe(false);
    expect(Math.abs(p.antiprism!.height2 - 1 / 3)).toBeGreaterThan(0.015);
    expect(nameOf(squareAntiprism(1 / 3), { tolerance: undefined }).antiprism?.tight).toBe(true);
  });

  it("names a noisy antipodal pair a digon and a pentagon with 70–74° gaps a pentagon", () => {
    // cos ≈ −0.999 with a little off-axis leakage (rank 2 at 1e-6).
    const pair = new Float64Array([1, -0.999, 0, 0.0447]); // 2×2, columns are the features
    expect(polytope(pair, 2, 2, [0, 1]).name).toBe("digon");
    const gaps = [70, 74, 70, 74, 72];
    let a = 0;
    const angles = gaps.map((g) => ((a += g), a - g));
    const pent = new Float64Array(10);
    angles.forEach((t, i) => ((pent[i] = Math.cos(t * deg)), (pent[5 + i] = Math.sin(t * deg))));
    expect(polytope(pent, 2, 5, all(5)).name).toBe("pentagon");
  });

  it("leaves dropped features (norm ~0.01) out of the factors", () => {
    // A pentagon ⊕ a digon in R⁴ plus three dropped features of norm 0.01 pointing anywhere.
    const cfg = directSum(polygon(5), digon());
    const m = 4, n = cfg.length + 3;
    const base = toW(cfg, m);
    const w = new Float64Array(m * n);
    const g = gaussian(rng(7));
    for (let p = 0; p < m; p++) {
      for (let i = 0; i < cfg.length; i++) w[p * n + i] = base[p * cfg.length + i] + 0.003 * g();
      for (let i = cfg.length; i < n; i++) w[p * n + i] = 0.005 * g();
    }
    const fp = factorPolytopes(w, m, n);
    expect(fp.factors.factors).toEqual([[0, 1, 2, 3, 4], [5, 6]]);
    expect(fp.factors.dead).toEqual([7, 8, 9]);
    expect(fp.polytopes.map((p) => p.name)).toEqual(["pentagon", "digon"]);
  });
});
