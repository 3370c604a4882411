// Gradients of the fused training kernel: the same bits as the f32 twin (src/twin/train.ts) in both
// builds, and within f32 rounding of central finite differences of the twin in f64, for every model.
import { describe, expect, it } from "vitest";
import { twin } from "../src/index.js";
import { runKey } from "../src/rng.js";
import { normalizeConfig, samplingTables, type ModelKind, type TrainConfig } from "../src/train-config.js";
import { F_ALL_OWN, F_LANES_DENSE, RunSet, tableFlags, type KernelKind } from "../src/train-engine.js";
import { initialParams } from "../src/train-state.js";
import { BACKENDS, use } from "./backends.js";

const MODELS: ModelKind[] = ["relu-output", "linear", "relu-hidden", "abs"];

function setup(model: ModelKind, extra: Partial<TrainConfig> = {}, kernel?: KernelKind) {
  const cfg = normalizeConfig({
    n: 7, m: 3, model, instances: 2, p: [0.6, 0.3], importance: [1, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4], batch: 64, seed: 7, ...extra,
  });
  const params = initialParams(cfg, 1, 0);
  // Non-zero biases (some positive) so that both ReLU branches and the empty-row path are exercised.
  params.b.set(Array.from({ length: cfg.n }, (_, i) => [0.05, -0.1, 0.2, -0.02, 0.1, -0.3, 0.01][i % 7]));
  const set = new RunSet(cfg, [1], [params], kernel);
  const run: twin.TwinRun = {
    n: cfg.n, m: cfg.m, model, batch: cfg.batch, runKey: runKey(cfg.seed, 1, 0), tables: samplingTables(cfg, 1),
    W: params.W, W2: params.W2, b: params.b,
  };
  return { cfg, params, set, run };
}

describe.each(BACKENDS)("training gradients (%s)", (backend) => {
  // Both kernels of the SIMD build (the scalar build always runs the row kernel), odd shapes:
  // batch not a multiple of 4, m not a multiple of 4, correlated/anticorrelated sets, empty rows; the
  // lane kernel's dense mode (n ≤ 8, or mostly live inputs as in [10, 5] and [12, 10]) and live-list mode.
  it.each(MODELS.flatMap((model) => (["rows", "lanes"] as const).map((kernel) => [model, kernel] as const)))(
    "%s, %s kernel: = f32 twin bit for bit on odd shapes",
    async (model, kernel) => {
      await use(backend);
      for (const [n, m, batch, p] of [[5, 2, 37, [0.9, 0.05]], [13, 6, 50, [0.3, 0.02]], [9, 9, 23, [0.32, 0.01]], [6, 3, 16, [1, 0.7]], [22, 17, 21, [0.33, 0.1]], [15, 24, 9, [0.3, 0.2]], [10, 5, 27, [0.1, 0.33]], [12, 10, 30, [0.2, 0.3]], [8, 4, 30, [0.3, 0.33]], [7, 1, 19, [0.2, 0.3]]] as const) {
        const { set, run } = setup(model, {
          n, m, batch, p: [...p], importance: 1, correlated: [[0, 2]], anticorrelated: n > 6 ? [[1, 3, 5]] : undefined,
        }, kernel);
        const k = set.gradient(0, 4);
        const t = twin.trainGrad(run, 4, "f32");
        expect(k.loss).toBe(t.loss);
        expect(Array.from(k.gW)).toEqual(Array.from(t.gW));
        expect(Array.from(k.gb)).toEqual(Array.from(t.gb));
        if (model === "abs") expect(Array.from(k.gW2!)).toEqual(Array.from(t.gW2!));
      }
    },
  );

  it.each(MODELS)("%s: kernel = f32 twin, bit for bit", async (model) => {
    await use(backend);
    const { set, run } = setup(model);
    for (const step of [0, 3]) {
      const k = set.gradient(0, step);
      const t = twin.trainGrad(run, step, "f32");
      expect(k.loss).toBe(t.loss);
      expect(Array.from(k.gW)).toEqual(Array.from(t.gW));
      expect(Array.from(k.gb)).toEqual(Array.from(t.gb));
      if (model === "abs") expect(Array.from(k.gW2!)).toEqual(Array.from(t.gW2!));
      else expect(k.gW2).toBeNull();
    }
  });

  it("kernel samples = twin samples", async () => {
    await use(backend);
    for (const model of ["relu-output", "abs"] as ModelKind[]) {
      const { set, run } = setup(model, { p: [0.3, 0.25], correlated: [[0, 2]], anticorrelated: [[1, 3, 4]] });
      expect(Array.from(set.sample(0, 5, 10, 50))).toEqual(Array.from(twin.trainSample(run, 5, 10, 50)));
    }
  });
});

describe("strategy flags of the sampling tables (speed only)", () => {
  const flags = (n: number, p: number, extra: Partial<TrainConfig> = {}) =>
    tableFlags(samplingTables(normalizeConfig({ n, m: 3, p: [p], ...extra }), 0), n);
  it("lane kernel: dense for n ≤ 8, else when the live fraction 1 − (1 − p)^4 ≥ 0.4 (p ≥ 0.1199…)", () => {
    expect(flags(8, 0.001) & F_LANES_DENSE).toBe(F_LANES_DENSE);
    expect(flags(20, 0.119) & F_LANES_DENSE).toBe(0);
    expect(flags(20, 0.12) & F_LANES_DENSE).toBe(F_LANES_DENSE);
    expect(flags(20, 1) & F_LANES_DENSE).toBe(F_LANES_DENSE);
  });
  it("all-independent only without correlated or anticorrelated sets", () => {
    expect(flags(10, 0.2) & F_ALL_OWN).toBe(F_ALL_OWN);
    expect(flags(10, 0.2, { correlated: [[0, 1]] }) & F_ALL_OWN).toBe(0);
    expect(flags(10, 0.2, { anticorrelated: [[0, 1]] }) & F_ALL_OWN).toBe(0);
  });
});

describe("gradients vs central finite differences (f64 twin)", () => {
  it.each(MODELS)("%s", async (model) => {
    await use("simd");
    const { params, set, run } = setup(model);
    const k = set.gradient(0, 2);
    const exact = twin.trainGrad(run, 2, "f64");
    const W = Float64Array.from(params.W), W2 = params.W2 ? Float64Array.from(params.W2) : null, b = Float64Array.from(params.b);
    const h = 1e-6;
    const fd = (arr: Float64Array, i: number) => {
      const x = arr[i];
      arr[i] = x + h;
      const up = twin.trainLoss({ ...run, W, W2, b }, 2);
      arr[i] = x - h;
      const dn = twin.trainLoss({ ...run, W, W2, b }, 2);
      arr[i] = x;
      return (up - dn) / (2 * h);
    };
    const groups: [Float64Array, Float32Array, Float64Array][] = [[W, k.gW, exact.gW], [b, k.gb, exact.gb]];
    if (W2) groups.push([W2, k.gW2!, exact.gW2!]);
    let maxG = 0;
    for (const [, , e] of groups) for (const v of e) maxG = Math.max(maxG, Math.abs(v));
    expect(maxG).toBeGreaterThan(1e-3);
    for (const [arr, kern, ex] of groups) {
      for (let i = 0; i < arr.length; i++) {
        // analytic f64 vs finite differences (a ReLU kink inside ±h is vanishingly unlikely here)
        expect(Math.abs(fd(arr, i) - ex[i])).toBeLessThan(1e-6 * maxG + 1e-8);
        // f32 kernel vs f64 analytic
        expect(Math.abs(kern[i] - ex[i])).toBeLessThan(1e-4 * maxG);
      }
    }
    expect(Math.abs(k.loss - exact.loss)).toBeLessThan(1e-6 * exact.loss);
  });
});
