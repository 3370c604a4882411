import { beforeAll, describe, expect, it } from "vitest";
import { analyticPhase, analyticPhaseDiagram, classifyFeatures, phaseCandidates, trainedPhaseDiagram } from "../src/index.js";
import { polygon, toW } from "./analysis-fixtures.js";
import { use } from "./backends.js";

describe("phase diagrams", () => {
  beforeAll(() => use("simd"));

  it("uses the exact losses of REFERENCE §3 for n = 2 → m = 1", () => {
    for (const s of [0.02, 0.2, 0.7, 1]) {
      for (const r of [0.1, 0.5, 1, 4]) {
        const [drop, ded, sup] = phaseCandidates("2-1", s, r);
        expect(drop.loss).toBeCloseTo(r * (s / 3 - (s * s) / 4), 13);
        expect(ded.loss).toBeCloseTo(s / 3 - (s * s) / 4, 13);
        expect(sup.loss).toBeCloseTo(((1 + r) * s * s) / 6, 13);
        const a = analyticPhase("2-1", s, r);
        expect(a.loss).toBe(Math.min(drop.loss, ded.loss, sup.loss));
        expect(a.margin).toBeGreaterThanOrEqual(0);
      }
    }
    // On the boundary r = 1 at density 1 both "drop one" options tie.
    expect(analyticPhase("2-1", 1, 1).margin).toBeCloseTo(0, 12);
  });

  it("has the three phases where TMS draws them", () => {
    for (const problem of ["2-1", "3-2"] as const) {
      const d = analyticPhaseDiagram(problem, { densities: [1, 0.01], importances: [0.2, 5] });
      expect(d.phases).toEqual([["dropped", "dedicated"], [problem === "2-1" ? "superposed" : "superposed", problem === "2-1" ? "superposed" : "dedicated"]]);
    }
    // n = 3 → m = 2 at low density and r > 1: the extra feature takes a dimension, the two others share one.
    expect(analyticPhase("3-2", 0.01, 5).best.name).toBe("extra dedicated, others antipodal");
    // The default grid is 10 × 10, densities 1 → 0.01, importances 0.1 → 10.
    const g = analyticPhaseDiagram("2-1");
    expect(g.densities.length).toBe(10);
    expect(g.densities[0]).toBe(1);
    expect(g.densities[9]).toBeCloseTo(0.01, 14);
    expect(g.importances[0]).toBeCloseTo(0.1, 14);
    expect(g.importances[9]).toBeCloseTo(10, 14);
    // Each row is monotone in r: never "dedicated" left of "dropped".
    for (const row of g.phases) expect(row.lastIndexOf("dropped")).toBeLessThan(row.indexOf("dedicated") === -1 ? 99 : row.indexOf("dedicated"));
  });

  it("classifies weights: dropped, dedicated dimension, superposed", () => {
    expect(classifyFeatures(new Float64Array([1, 0]), 1, 2)).toEqual(["dedicated", "dropped"]);
    expect(classifyFeatures(new Float64Array([1, -1]), 1, 2)).toEqual(["superposed", "superposed"]);
    expect(classifyFeatures(toW([[1, 0], [0, 1], [0, 0.1]]), 2, 3)).toEqual(["dedicated", "dedicated", "dropped"]);
    expect(classifyFeatures(toW(polygon(3)), 2, 3)).toEqual(["superposed", "superposed", "superposed"]);
    expect(classifyFeatures(toW([[1, 0], [0.2, 1]]), 2, 2, { overlapThreshold: 0.1 })).toEqual(["superposed", "superposed"]);
    expect(() => classifyFeatures(new Float64Array(2), 1, 2, { normThreshold: -1 })).toThrow(expect.objectContaining({ parameter: "normThreshold" }));
  });

  it("trains a small diagram (best-of-2) that agrees with the analytic map away from boundaries", async () => {
    const t = await trainedPhaseDiagram("2-1", { densities: [1, 0.05], importances: [0.3, 3], steps: 1500, seeds: 2, seed: 1 });
    expect(t.cells.map((row) => row.map((c) => c.phase))).toEqual([["dropped", "dedicated"], ["superposed", "superposed"]]);
    expect(t.disagreements).toEqual([]);
    for (const row of t.cells) {
      for (const c of row) {
        expect(c.agrees).toBe(true);
        expect(c.loss).toBeGreaterThan(0);
        expect(c.loss).toBeLessThan(2 * c.analyticLoss); // 1500 steps: close, not converged
        expect(c.w.length).toBe(2);
      }
    }
  });

  it("validates its arguments, naming the parameter", async () => {
    expect(() => phaseCandidates("4-2" as never, 0.1, 1)).toThrow(expect.objectContaining({ parameter: "problem" }));
    expect(() => phaseCandidates("2-1", 2, 1)).toThrow(expect.objectContaining({ parameter: "density" }));
    expect(() => phaseCandidates("2-1", 0.5, -1)).toThrow(expect.objectContaining({ parameter: "importance" }));
    expect(() => analyticPhaseDiagram("2-1", { densities: [] })).toThrow(expect.objectContaining({ parameter: "densities" }));
    expect(() => analyticPhaseDiagram("2-1", { importances: [1, NaN] })).toThrow(expect.objectContaining({ parameter: "importances[1]" }));
    await expect(trainedPhaseDiagram("2-1", { seeds: 0 })).rejects.toThrow(expect.objectContaining({ parameter: "seeds" }));
  });
});
