import { beforeAll, describe, expect, it } from "vitest";
import { compareThomson, tegumFactors, thomson, thomsonEnergy } from "../src/index.js";
import { type Config, bipyramid, crossPolytope, digon, directSum, icosahedron, polygon, randomRotation, rotate, simplex, toW } from "./analysis-fixtures.js";
import { use } from "./backends.js";

// REFERENCE §5.
const S2: Record<number, number> = {
  2: 0.5, 3: 1.732050808, 4: 3.674234614, 5: 6.474691495, 6: 9.985281374, 7: 14.452977414, 8: 19.675287861,
  9: 25.759986531, 10: 32.716949460, 11: 40.596450510, 12: 49.165253058,
};
const S1: Record<number, number> = { 2: 0.5, 3: 1.732050808, 4: 3.828427125, 5: 6.881909602, 6: 10.964101615, 7: 16.133354097, 8: 22.438926770 };

const exactS2: Record<number, Config> = {
  2: digon().map(([x]) => [0, 0, x]),
  3: polygon(3).map(([x, y]) => [x, y, 0]),
  4: simplex(3),
  5: bipyramid(3),
  6: crossPolytope(3),
  7: bipyramid(5),
  12: icosahedron(),
};

describe("Thomson", () => {
  beforeAll(() => use("simd"));

  it("has the reference energies at the exact configurations (S² and S¹)", () => {
    for (const [N, cfg] of Object.entries(exactS2)) {
      expect(Math.abs(thomsonEnergy(toW(cfg, 3), 3, Number(N)) - S2[Number(N)]), `S² N=${N}`).toBeLessThan(1e-8);
    }
    for (let N = 2; N <= 8; N++) expect(Math.abs(thomsonEnergy(toW(polygon(N)), 2, N) - S1[N]), `S¹ N=${N}`).toBeLessThan(1e-8);
    expect(thomsonEnergy(new Float64Array([1, 1, 0, 0]), 2, 2)).toBe(Infinity); // coincident points
  });

  it("solves N = 2..12 on S² to the reference energies within 1e-6 (seeded), converged and unit-norm", () => {
    for (let N = 2; N <= 12; N++) {
      const r = thomson(N, 3, { seed: 42 });
      expect(Math.abs(r.energy - S2[N]), `N=${N}: ${r.energy}`).toBeLessThan(1e-6);
      expect(r.converged).toBe(true);
      expect(r.gradientNorm).toBeLessThanOrEqual(1e-10);
      expect(r.energies.length).toBe(8);
      expect(r.hits).toBeGreaterThanOrEqual(1);
      for (let i = 0; i < N; i++) {
        let s = 0;
        for (let p = 0; p < 3; p++) s += r.points[p * N + i] ** 2;
        expect(s).toBeCloseTo(1, 14);
      }
      expect(thomsonEnergy(r.points, 3, N)).toBeCloseTo(r.energy, 12);
    }
  });

  it("solves N = 2..8 on S¹ (regular polygons)", () => {
    for (let N = 2; N <= 8; N++) expect(Math.abs(thomson(N, 2, { seed: 1, starts: 3 }).energy - S1[N])).toBeLessThan(1e-6);
  });

  it("is deterministic for a seed and reaches the same optimum from other seeds", () => {
    const a = thomson(9, 3, { seed: 5, starts: 2 });
    const b = thomson(9, 3, { seed: 5, starts: 2 });
    expect(Array.from(a.points)).toEqual(Array.from(b.points));
    expect(a.energies).toEqual(b.energies);
    const c = thomson(9, 3, { seed: 6, starts: 2 });
    expect(c.energy).toBeCloseTo(a.energy, 8);
    expect(Array.from(c.points)).not.toEqual(Array.from(a.points));
  });

  it("compares a factor with the optimum of its sphere", () => {
    // The pentagon of Thomson-7 in R³ (rotated): 5 points on S¹, already optimal.
    const cfg = bipyramid(5);
    const w = rotate(randomRotation(3, 4), toW(cfg), 3, 7);
    const f = tegumFactors(w, 3, 7).factors;
    const pent = compareThomson(w, 3, 7, f[0], { starts: 2 });
    expect(pent.rank).toBe(2);
    expect(pent.energy).toBeCloseTo(S1[5], 8);
    expect(Math.abs(pent.excess)).toBeLessThan(1e-8);
    // A squashed tetrahedron is worse than the optimum by a positive excess.
    const tet = simplex(3).map(([x, y, z]) => [x, y, 0.8 * z]);
    const c = compareThomson(toW(directSum(tet, [[1]])), 4, 5, [0, 1, 2, 3], { starts: 2 });
    expect(c.rank).toBe(3);
    expect(c.optimum).toBeCloseTo(S2[4], 8);
    expect(c.excess).toBeGreaterThan(1e-3);
    expect(c.relativeExcess).toBeCloseTo(c.excess / c.optimum, 14);
  });

  it("validates its arguments, naming the parameter", () => {
    expect(() => thomson(0, 3)).toThrow(expect.objectContaining({ parameter: "count" }));
    expect(() => thomson(3, 1)).toThrow(expect.objectContaining({ parameter: "count" }));
    expect(() => thomson(3, 0)).toThrow(expect.objectContaining({ parameter: "d" }));
    expect(() => thomson(3, 3, { seed: -1 })).toThrow(expect.objectContaining({ parameter: "seed" }));
    expect(() => thomson(3, 3, { starts: 0 })).toThrow(expect.objectContaining({ parameter: "starts" }));
    expect(() => thomson(3, 3, { tolerance: NaN })).toThrow(expect.objectContaining({ parameter: "tolerance" }));
    expect(() => thomsonEnergy(new Float64Array(2), 3, 1)).toThrow(expect.objectContaining({ parameter: "x" }));
    expect(() => compareThomson(toW([[1, 0]]), 2, 1, [0])).toThrow(expect.objectContaining({ parameter: "features" }));
  });
});
