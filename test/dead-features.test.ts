import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { chooseDeadTol, DEFAULT_DEAD_TOLERANCE } from "../src/index.js";
import { thrownParameter } from "./geometry-helpers.js";

describe("chooseDeadTol (dead-features.ts)", () => {
  it("cuts at the norm gap a trained model leaves (n=200, m=20, p=0.3: weak features ≤ 0.17, represented ≥ 0.98)", () => {
    const norms = [...Array.from({ length: 162 }, (_, i) => 0.02 + (0.15 * i) / 161), ...Array.from({ length: 38 }, (_, i) => 0.98 + i / 1000)];
    const c = chooseDeadTol(norms);
    expect(c.method).toBe("gap");
    expect(c.below).toBeCloseTo(0.17 / 1.017, 12);
    expect(c.above).toBeCloseTo(0.98 / 1.017, 12);
    expect(c.value).toBeCloseTo(Math.sqrt(c.below! * c.above!), 15);
  });

  it("without a gap (or a gap only among features ≥ half the largest): the fixed default", () => {
    expect(chooseDeadTol([1, 0.9, 0.7, 0.6, 0.55])).toEqual({ value: DEFAULT_DEAD_TOLERANCE, method: "default", below: null, above: null });
    expect(chooseDeadTol([1, 0.55, 0.6]).method).toBe("default");
    expect(chooseDeadTol([]).method).toBe("default");
    expect(chooseDeadTol([0, 0, 1]).method).toBe("default"); // zero norms are dead anyway, not a gap
  });

  it("gaps entirely below the default cut do not lower it; the largest ratio wins, ties to the lower pair", () => {
    expect(chooseDeadTol([1, 0.5, 0.25, 0.125, 0.0625, 0.03, 0.003]).method).toBe("default"); // ×10 below 0.05 only
    expect(chooseDeadTol([1, 0.9, 0.001]).value).toBe(DEFAULT_DEAD_TOLERANCE); // √(0.001·0.9) < 0.05
    const c = chooseDeadTol([1, 0.2, 0.04]); // 0.04 → 0.2 (×5) and 0.2 → 1 (×5): the lower pair
    expect([c.below, c.above]).toEqual([0.04, 0.2]);
    expect(chooseDeadTol([1, 0.1, 0.05]).above).toBe(1); // ×10 beats ×2
  });

  it("a given number is used as is; anything else is refused naming the parameter", () => {
    expect(chooseDeadTol([1, 0.01], 0.3)).toEqual({ value: 0.3, method: "given", below: null, above: null });
    for (const bad of [-0.1, 1.5, NaN, "0.1" as unknown as number]) expect(thrownParameter(() => chooseDeadTol([1], bad, "deadTol"))).toBe("deadTol");
  });

  test.prop([fc.array(fc.double({ min: 1e-6, max: 10, noNaN: true }), { minLength: 1, maxLength: 60 }), fc.double({ min: 1e-3, max: 1e3, noNaN: true })])(
    "depends on the relative norms only, never cuts a feature ≥ half the largest, and never cuts less than the default",
    (norms, scale) => {
      const a = chooseDeadTol(norms);
      expect(chooseDeadTol(norms.map((x) => x * scale)).method).toBe(a.method);
      expect(a.value).toBeGreaterThanOrEqual(DEFAULT_DEAD_TOLERANCE);
      expect(a.value).toBeLessThan(1);
      if (a.method === "gap") {
        expect(a.above! / a.below!).toBeGreaterThanOrEqual(4);
        expect(a.below!).toBeLessThanOrEqual(0.5);
        expect(a.value).toBeLessThan(a.above!);
      }
    },
  );
});
