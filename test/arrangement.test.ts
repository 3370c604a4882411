import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { arrangementRegionCount, arrangementRegions } from "../src/index.js";
import { gaussian, polygon, rng, toW } from "./analysis-fixtures.js";

function check(w: Float64Array, n: number, b: number[]) {
  const a = arrangementRegions(w, 2, n, { b });
  // Every region's point has exactly the region's active set, and the sets are distinct.
  const keys = new Set<string>();
  for (const r of a.regions) {
    const [x, y] = r.point;
    const act = [];
    for (let i = 0; i < n; i++) if (w[i] * x + w[n + i] * y + b[i] > 0) act.push(i);
    expect(act).toEqual(r.active);
    keys.add(r.active.join(","));
  }
  expect(keys.size).toBe(a.regions.length);
  return a;
}

describe("arrangement", () => {
  it("finds the 7 regions of three lines in general position, one of them bounded", () => {
    // Lines x = 0, y = 0, x + y = 1 (outputs active on x > 0, y > 0, x + y < 1).
    const w = toW([[1, 0], [0, 1], [-1, -1]]);
    const a = check(w, 3, [0, 0, 1]);
    expect(a.regions.length).toBe(7);
    expect(a.lines).toBe(3);
    expect(a.crossings).toBe(3);
    const bounded = a.regions.filter((r) => r.bounded);
    expect(bounded.length).toBe(1);
    expect(bounded[0].active).toEqual([0, 1, 2]); // the triangle x, y > 0, x + y < 1
    expect(bounded[0].vertices.length).toBe(6);
    expect(bounded[0].point[0]).toBeCloseTo(1 / 3, 12);
    expect(arrangementRegionCount(w, 2, 3, { b: [0, 0, 1] })).toEqual({ regions: 7, hyperplanes: 3, generalPosition: 7 });
  });

  it("handles concurrent, parallel, coincident and absent lines", () => {
    // Three lines through 0: 6 unbounded sectors.
    const conc = check(toW(polygon(3)), 3, [0, 0, 0]);
    expect(conc.regions.length).toBe(6);
    expect(conc.regions.every((r) => !r.bounded)).toBe(true);
    expect(conc.crossings).toBe(1);
    // Two parallel lines and a transversal: 6.
    expect(check(toW([[1, 0], [1, 0], [0, 1]]), 3, [0, -1, 0]).regions.length).toBe(6);
    // An antipodal pair with b = 0: one line, two regions, each with one active output.
    const dig = check(toW([[1, 0], [-1, 0]]), 2, [0, 0]);
    expect(dig.lines).toBe(1);
    expect(dig.regions.map((r) => r.active)).toEqual([[0], [1]]);
    // Dead features: active everywhere or nowhere.
    const dead = check(toW([[0, 0], [0, 0], [1, 0]]), 3, [0.5, -0.5, 0]);
    expect(dead.alwaysActive).toEqual([0]);
    expect(dead.neverActive).toEqual([1]);
    expect(dead.regions.map((r) => r.active)).toEqual([[0], [0, 2]]);
    const none = check(toW([[0, 0]]), 1, [1]);
    expect(none.regions).toEqual([{ active: [0], point: [0, 0], bounded: false, vertices: [] }]);
  });

  it("gives a pentagon with negative biases its 16 regions (6 bounded), none active at 0", () => {
    const w = toW(polygon(5, 0.3, 1.1));
    const b = Array(5).fill(-0.24);
    const a = check(w, 5, b);
    expect(a.regions.length).toBe(16);
    expect(a.regions.filter((r) => r.bounded).length).toBe(6);
    expect(a.regions[0].active).toEqual([]); // the central pentagon
    expect(a.regions[0].bounded).toBe(true);
    expect(a.regions[0].vertices.length).toBe(10);
    // Each feature direction (scaled) activates its own output only.
    for (let i = 0; i < 5; i++) {
      const h = [w[i] * 0.5, w[5 + i] * 0.5];
      const act = [0, 1, 2, 3, 4].filter((j) => w[j] * h[0] + w[5 + j] * h[1] + b[j] > 0);
      expect(act).toEqual([i]);
    }
  });

  it("counts regions in R³", () => {
    // The three coordinate planes: 8 octants; plus x + y + z = 1: 15 = general position.
    expect(arrangementRegionCount(toW([[1, 0, 0], [0, 1, 0], [0, 0, 1]]), 3, 3).regions).toBe(8);
    expect(arrangementRegionCount(toW([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]]), 3, 4, { b: [0, 0, 0, -1] }).regions).toBe(15);
    // Four planes through one line (the z axis): 8 regions.
    expect(arrangementRegionCount(toW(polygon(8, 0.1).slice(0, 4).map(([x, y]) => [x, y, 0])), 3, 4).regions).toBe(8);
    // A square's normals are two antipodal pairs: 2 distinct planes, 4 regions.
    expect(arrangementRegionCount(toW(polygon(4, 0.1).map(([x, y]) => [x, y, 0])), 3, 4)).toEqual({ regions: 4, hyperplanes: 2, generalPosition: 4 });
    expect(() => arrangementRegionCount(new Float64Array(3 * 200).map((_, i) => Math.sin(i)), 3, 200, { maxWork: 1000 })).toThrow(
      expect.objectContaining({ parameter: "maxWork" }),
    );
    expect(() => arrangementRegions(new Float64Array(3), 3, 1)).toThrow(expect.objectContaining({ parameter: "m" }));
  });

  test.prop([fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 1, max: 7 })], { numRuns: 40 })(
    "agrees with the deletion–restriction count and the general-position formula for random lines",
    (seed, n) => {
      const g = gaussian(rng(seed));
      const w = Float64Array.from({ length: 2 * n }, g);
      const b = Array.from({ length: n }, g);
      const a = check(w, n, b);
      const c = arrangementRegionCount(w, 2, n, { b });
      expect(a.regions.length).toBe(c.regions);
      expect(c.regions).toBe(1 + n + (n * (n - 1)) / 2);
      expect(a.regions.filter((r) => r.bounded).length).toBe(Math.abs(((n - 1) * (n - 2)) / 2));
    },
  );
});
