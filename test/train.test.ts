// The training engine: optimiser, data generator, determinism, resume, snapshots, best-of-N,
// progress/cancellation and validation (correctness only, never wall-clock).
import { describe, expect, it } from "vitest";
import { deserializeState, digest, mergeStates, resultOf, resume, serializeState, sweeps, TegumError, train, TrainAbortError, twin, type TrainConfig } from "../src/index.js";
import { runKey } from "../src/rng.js";
import { scheduleTable } from "../src/schedule.js";
import { normalizeConfig, samplingTables, type ModelKind } from "../src/train-config.js";
import { RunSet } from "../src/train-engine.js";
import { initialParams } from "../src/train-state.js";
import { BACKENDS, use } from "./backends.js";
import { resultDigest } from "./train-digest.js";

const MODELS: ModelKind[] = ["relu-output", "linear", "relu-hidden", "abs"];

describe("Adam(W) step", () => {
  it("matches a hand-computed torch AdamW reference over two steps, weight decay included", async () => {
    await use("simd");
    const cfg = normalizeConfig({ n: 6, m: 3, batch: 32, lr: 0.01, weightDecay: 0.1, betas: [0.8, 0.95], eps: 1e-6, steps: 10 });
    const p = initialParams(cfg, 0, 0);
    p.b.set([0.3, -0.2, 0.1, 0, 0.05, -0.4]);
    const W0 = Float64Array.from(p.W), b0 = Float64Array.from(p.b);
    const set = new RunSet(cfg, [0], [p]);
    const gscale = Math.fround(2 / (32 * 6));
    const G1 = { gW: Float32Array.from(p.W, (_, i) => Math.sin(i + 1) * 3), gW2: null, gb: Float32Array.from(p.b, (_, i) => Math.cos(i) * 2) };
    const G2 = { gW: Float32Array.from(p.W, (_, i) => Math.cos(2 * i) * 3), gW2: null, gb: Float32Array.from(p.b, (_, i) => Math.sin(3 * i)) };
    set.adamFrom(0, G1, scheduleTable(cfg, 0, 1));
    set.adamFrom(0, G2, scheduleTable(cfg, 1, 1));
    const [lr, wd, b1, b2, eps] = [0.01, 0.1, 0.8, 0.95, 1e-6];
    const ref = (x0: number, g1: number, g2: number) => {
      // torch.optim.AdamW, step 1 and 2 (f64)
      let x = x0 * (1 - lr * wd);
      let m = (1 - b1) * g1;
      let v = (1 - b2) * g1 * g1;
      x -= (lr / (1 - b1)) * (m / (Math.sqrt(v) / Math.sqrt(1 - b2) + eps));
      x *= 1 - lr * wd;
      m = b1 * m + (1 - b1) * g2;
      v = b2 * v + (1 - b2) * g2 * g2;
      x -= (lr / (1 - b1 * b1)) * (m / (Math.sqrt(v) / Math.sqrt(1 - b2 * b2) + eps));
      return x;
    };
    for (let i = 0; i < W0.length; i++) {
      expect(p.W[i]).toBeCloseTo(ref(W0[i], G1.gW[i] * gscale, G2.gW[i] * gscale), 6);
    }
    for (let i = 0; i < b0.length; i++) expect(p.b[i]).toBeCloseTo(ref(b0[i], G1.gb[i] * gscale, G2.gb[i] * gscale), 6);
    // Decay really applied: without it the result would differ by ≈ lr·wd·x.
    expect(Math.abs(ref(1, 1, 1) - (ref(1, 1, 1) / (1 - lr * wd) ** 2))).toBeGreaterThan(1e-3);
  });

  it.each(BACKENDS)("kernel = twin bit for bit, AdamW and Adam with L2 (%s)", async (backend) => {
    await use(backend);
    for (const optimizer of ["adamw", "adam"] as const) {
      const cfg = normalizeConfig({ n: 5, m: 2, model: "abs", batch: 16, optimizer, weightDecay: 0.05, steps: 10 });
      const p = initialParams(cfg, 0, 0);
      const t = initialParams(cfg, 0, 0);
      const set = new RunSet(cfg, [0], [p]);
      const gscale = Math.fround(2 / (16 * 5));
      const o = { beta1: cfg.beta1, beta2: cfg.beta2, eps: cfg.eps, l2: optimizer === "adam" };
      for (let s = 0; s < 3; s++) {
        const G = { gW: Float32Array.from(p.W, (_, i) => Math.sin(i * (s + 1))), gW2: Float32Array.from(p.W, (_, i) => Math.cos(i + s)), gb: Float32Array.from(p.b, (_, i) => i - 2) };
        const sched = scheduleTable(cfg, s, 1);
        set.adamFrom(0, G, sched);
        const scaled = (a: Float32Array) => Float32Array.from(a, (x) => Math.fround(x * gscale));
        twin.trainAdam(t.W, scaled(G.gW), t.mW, t.vW, { ...o, sched });
        twin.trainAdam(t.W2!, scaled(G.gW2), t.mW2!, t.vW2!, { ...o, sched });
        twin.trainAdam(t.b, scaled(G.gb), t.mb, t.vb, { ...o, sched });
      }
      for (const k of ["W", "W2", "b", "mW", "vW", "mW2", "vW2", "mb", "vb"] as const) {
        expect(Array.from(p[k]!), `${optimizer} ${k}`).toEqual(Array.from(t[k]!));
      }
    }
  });
});

describe("data generator", () => {
  it("exact marginals, correlated sets co-occur, anticorrelated sets never (30 instances × 100k rows)", async () => {
    await use("simd");
    const I = 30, rows = 100_000, n = 10;
    const p = Array.from({ length: I }, (_, i) => 0.02 + (0.31 * i) / (I - 1)); // ≤ 1/3 for the anticorrelated triple
    const cfg = normalizeConfig({ n, m: 2, instances: I, p, batch: 1024, seed: 11, correlated: [[0, 1], [2, 3, 4]], anticorrelated: [[5, 6], [7, 8, 9]] });
    let totalDev = 0;
    for (let i = 0; i < I; i++) {
      const set = new RunSet(cfg, [i], [initialParams(cfg, i, 0)]);
      const x = set.sample(0, 3, 0, rows, NaN); // NaN marks an absent feature
      const count = new Float64Array(n);
      let coOccur = true, exclusive = true;
      for (let r = 0; r < rows; r++) {
        const has = (f: number) => !Number.isNaN(x[r * n + f]);
        for (let f = 0; f < n; f++) if (has(f)) count[f]++;
        coOccur &&= has(0) === has(1) && has(2) === has(3) && has(3) === has(4);
        exclusive &&= !(has(5) && has(6)) && +has(7) + +has(8) + +has(9) <= 1;
      }
      expect(coOccur).toBe(true);
      expect(exclusive).toBe(true);
      for (let f = 0; f < n; f++) totalDev += Math.abs(count[f] / rows - p[i]);
      // The twin draws exactly the kernel's batch (checked on a slice; every row is keyed independently).
      if (i % 10 === 0) {
        const run: twin.TwinRun = {
          n, m: 2, model: "relu-output", batch: 1024, runKey: runKey(cfg.seed, i, 0), tables: samplingTables(cfg, i),
          W: new Float32Array(2 * n), b: new Float32Array(n),
        };
        const t = twin.trainSample(run, 3, 0, 2048);
        expect(Array.from(x.subarray(0, 2048 * n), (v) => (Number.isNaN(v) ? 0 : v))).toEqual(Array.from(t));
      }
    }
    expect(totalDev / (I * n)).toBeLessThan(0.002);
  });

  it("abs model inputs are U[−1, 1), others U[0, 1)", async () => {
    await use("simd");
    for (const [model, lo] of [["abs", -1], ["relu-output", 0]] as const) {
      const cfg = normalizeConfig({ n: 8, m: 2, model, batch: 64 });
      const set = new RunSet(cfg, [0], [initialParams(cfg, 0, 0)]);
      const x = set.sample(0, 0, 0, 20_000);
      let min = Infinity, max = -Infinity, sum = 0;
      for (const v of x) {
        min = Math.min(min, v);
        max = Math.max(max, v);
        sum += v;
      }
      expect(min).toBeGreaterThanOrEqual(lo);
      expect(min).toBeLessThan(lo + 0.001);
      expect(max).toBeLessThan(1);
      expect(max).toBeGreaterThan(0.999);
      expect(sum / x.length).toBeCloseTo((lo + 1) / 2, 1);
    }
  });

  it("a sparse feature's value (drawn from its presence word) is uniform given presence", async () => {
    await use("simd");
    // Independent features take their value from the presence word P <u T: check [0, 1) deciles
    // (abs: [−1, 1)) of the present values, for several p, against the binomial spread.
    for (const model of ["relu-output", "abs"] as const) {
      const p = [0.5, 0.1, 0.01, 0.001];
      const cfg = normalizeConfig({ n: 4, m: 2, model, p: [p], batch: 1024 });
      const set = new RunSet(cfg, [0], [initialParams(cfg, 0, 0)]);
      const rows = 400_000;
      const x = set.sample(0, 1, 0, rows, NaN);
      for (let f = 0; f < 4; f++) {
        const bins = new Float64Array(10);
        let k = 0, lo = Infinity, hi = -Infinity;
        for (let r = 0; r < rows; r++) {
          const v = x[r * 4 + f];
          if (Number.isNaN(v)) continue;
          const u = model === "abs" ? (v + 1) / 2 : v;
          lo = Math.min(lo, u);
          hi = Math.max(hi, u);
          bins[Math.floor(u * 10)]++;
          k++;
        }
        expect(lo).toBeGreaterThanOrEqual(0);
        expect(hi).toBeLessThan(1);
        expect(Math.abs(k / rows - p[f])).toBeLessThan(5 * Math.sqrt(p[f] / rows) + 1e-6);
        const sd = Math.sqrt(k * 0.1 * 0.9);
        for (const c of bins) expect(Math.abs(c - k / 10)).toBeLessThan(5 * sd);
      }
    }
  });
});

describe("determinism", () => {
  const small = (model: ModelKind): TrainConfig => ({
    n: 9, m: 3, model, instances: 3, p: [1, 0.3, 0.05], importance: sweeps.geometric(9, 0.9), batch: 128, steps: 60, seed: 5,
    schedule: "cosine", warmup: 5,
  });

  it.each(MODELS)("%s: same config → same bits; simd build = scalar build", async (model) => {
    const digests: string[] = [];
    for (const backend of [...BACKENDS, "simd"] as const) {
      await use(backend);
      digests.push(resultDigest(await train(small(model), { workers: 0 })));
    }
    expect(new Set(digests).size).toBe(1);
  });

  it("an instance's result does not depend on the other instances or on the replica count", async () => {
    await use("simd");
    const all = await train({ ...small("relu-output"), seeds: 2 }, { workers: 0 });
    const one = await train({ ...small("relu-output"), instances: 1, p: [0.3], seed: 5 }, { workers: 0 });
    // instance 1 of `all` and instance 0 of `one` differ in their RNG key (instance index) …
    expect(digest(all.instances[1].W)).not.toBe(digest(one.instances[0].W));
    // … but replica 0 of a seeds: 2 run is exactly the seeds: 1 run.
    const single = await train(small("relu-output"), { workers: 0 });
    for (let i = 0; i < 3; i++) {
      expect(Array.from(all.state.loss[2 * i])).toEqual(Array.from(single.state.loss[i]));
    }
  });

  it("10 000 steps = 5 000 + serialise/deserialise + 5 000, bit for bit", async () => {
    await use("simd");
    const cfg: TrainConfig = { n: 5, m: 2, instances: 2, p: [1, 0.1], importance: sweeps.geometric(5, 0.9), batch: 16, steps: 10_000, schedule: "linear", seed: 3, snapshotEvery: 1000, maxSnapshots: 8 };
    const straight = await train(cfg, { workers: 0 });
    const half = await train(cfg, { steps: 5000, workers: 0 });
    expect(half.step).toBe(5000);
    const bytes = serializeState(half.state);
    const rest = await resume(deserializeState(bytes), { workers: 0 });
    expect(rest.step).toBe(10_000);
    expect(resultDigest(rest)).toBe(resultDigest(straight));
    expect(digest(serializeState(rest.state))).toBe(digest(serializeState(straight.state)));
    expect(rest.instances[0].snapshots.map((s) => s.step)).toEqual(straight.instances[0].snapshots.map((s) => s.step));
    // resuming never mutates its input
    expect(half.state.step).toBe(5000);
  });

  it("resumes every model kind bit for bit", async () => {
    await use("scalar");
    for (const model of MODELS) {
      const straight = await train(small(model), { workers: 0 });
      const a = await train(small(model), { steps: 17, workers: 0 });
      const b = await resume(deserializeState(serializeState(a.state)), { steps: 20, workers: 0 });
      const c = await resume(b.state, { workers: 0 });
      expect(resultDigest(c), model).toBe(resultDigest(straight));
    }
  });

  it("pins the digest of a 200-step run (cross-runtime matrix)", async () => {
    for (const backend of BACKENDS) {
      await use(backend);
      const r = await train(
        { n: 20, m: 5, instances: 4, p: sweeps.falloff(4, 20), importance: sweeps.geometric(20, 0.7), batch: 256, steps: 200, seed: 1 },
        { workers: 0 },
      );
      expect(resultDigest(r)).toBe(DIGEST_200);
    }
  });
});

/** digest(...W, b, loss of every instance) of the 200-step run above; identical in every runtime and build. */
const DIGEST_200 = "077c8abc952e2be7";

describe("snapshots, best-of-N, progress, cancellation", () => {
  it("snapshots every K steps, thinned to stay under the cap, equal to training that far", async () => {
    await use("simd");
    const cfg: TrainConfig = { n: 6, m: 2, instances: 2, p: 0.2, batch: 32, steps: 100, snapshotEvery: 5, maxSnapshots: 6, seed: 2 };
    const r = await train(cfg, { workers: 0 });
    const steps = r.instances[0].snapshots.map((s) => s.step);
    expect(steps.length).toBeLessThan(6);
    expect(steps[0]).toBe(0);
    for (let k = 1; k < steps.length; k++) expect(steps[k] - steps[k - 1]).toBe(steps[1] - steps[0]);
    const s = r.instances[1].snapshots[2];
    const partial = await train(cfg, { steps: s.step, workers: 0 });
    expect(Array.from(s.W)).toEqual(Array.from(partial.instances[1].W));
    expect(Array.from(s.b)).toEqual(Array.from(partial.instances[1].b));
  });

  it("best-of-N keeps the lowest final loss and reports every replica", async () => {
    await use("simd");
    const r = await train({ n: 5, m: 2, instances: 2, p: [0.1, 0.05], batch: 64, steps: 300, seeds: 4, seed: 9 }, { workers: 0 });
    for (const inst of r.instances) {
      expect(inst.replicaLosses.length).toBe(4);
      expect(inst.finalLoss).toBe(Math.min(...inst.replicaLosses));
      expect(inst.replicaLosses[inst.replica]).toBe(inst.finalLoss);
      // final loss = mean of the last ⌈300/100⌉ = 3 losses
      const l = inst.loss;
      expect(inst.finalLoss).toBeCloseTo((l[297] + l[298] + l[299]) / 3, 12);
    }
  });

  it("reports progress every K steps and stops on abort", async () => {
    await use("simd");
    const seen: number[] = [];
    const r = await train({ n: 5, m: 2, instances: 3, batch: 32, steps: 50 }, {
      progressEvery: 20, workers: 0,
      onProgress: ({ step, steps, loss, stepsPerSecond }) => {
        seen.push(step);
        expect(steps).toBe(50);
        expect(loss.length).toBe(3);
        expect(stepsPerSecond).toBeGreaterThan(0);
      },
    });
    expect(seen).toEqual([20, 40, 50]);
    expect(r.instances[0].loss.length).toBe(50);

    const ac = new AbortController();
    const reason = new Error("stop");
    let last = 0;
    const cfg: TrainConfig = { n: 5, m: 2, instances: 2, batch: 32, steps: 100, snapshotEvery: 20 };
    const err = await train(cfg, { progressEvery: 10, workers: 0, signal: ac.signal, onProgress: ({ step }) => {
      last = step;
      if (step === 30) ac.abort(reason);
    } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrainAbortError);
    const abort = err as TrainAbortError;
    expect(abort.reason).toBe(reason);
    expect(abort.cause).toBe(reason);
    expect(last).toBe(30);
    // The state at the last finished chunk, resumable bit for bit.
    expect(abort.state.step).toBe(30);
    expect(abort.result.step).toBe(30);
    expect(abort.result.instances[0].loss.length).toBe(30);
    const straight = await train(cfg, { workers: 0 });
    const resumed = await resume(deserializeState(serializeState(abort.state)), { workers: 0 });
    expect(resultDigest(resumed)).toBe(resultDigest(straight));
    expect(digest(serializeState(resumed.state))).toBe(digest(serializeState(straight.state)));
    const early = await train({ n: 5, m: 2, steps: 10 }, { signal: AbortSignal.abort(reason), workers: 0 }).catch((e: unknown) => e);
    expect(early).toBeInstanceOf(TrainAbortError);
    expect((early as TrainAbortError).reason).toBe(reason);
    expect((early as TrainAbortError).state.step).toBe(0);
  });
});

describe("subsets of instances, partial states, resultOf", () => {
  it("training a subset gives the same bits as those instances of the full run; partial states merge", async () => {
    await use("simd");
    const cfg: TrainConfig = { n: 8, m: 3, instances: 5, p: sweeps.falloff(5, 20), batch: 64, steps: 60, seeds: 2, seed: 3, snapshotEvery: 20 };
    const full = await train(cfg, { workers: 0 });
    const a = await train(cfg, { workers: 0, instances: [0, 1, 3] });
    expect(a.instances.map((x) => x.instance)).toEqual([0, 1, 3]);
    expect(a.state.instances).toEqual([0, 1, 3]);
    expect(a.state.runs.length).toBe(6);
    for (const x of a.instances) expect(resultDigest({ ...a, instances: [x] })).toBe(resultDigest({ ...full, instances: [full.instances[x.instance]] }));
    for (const x of a.instances) expect(x.snapshots).toEqual(full.instances[x.instance].snapshots);
    // A partial state serialises, resumes (and narrows further) like a full one.
    const half = await train(cfg, { workers: 0, instances: [2, 4], steps: 25 });
    const rest = await resume(deserializeState(serializeState(half.state)), { workers: 0 });
    expect(rest.state.instances).toEqual([2, 4]);
    const only4 = await resume(half.state, { workers: 0, instances: [4] });
    expect(resultDigest(only4)).toBe(resultDigest({ ...full, instances: [full.instances[4]] }));
    const merged = mergeStates([rest.state, a.state]);
    expect(merged.instances).toBeUndefined();
    expect(digest(serializeState(merged))).toBe(digest(serializeState(full.state)));
    expect(resultDigest(resultOf(merged))).toBe(resultDigest(full));
    expect(mergeStates([a.state]).instances).toEqual([0, 1, 3]);
    expect(() => mergeStates([a.state, a.state])).toThrow(TegumError);
    expect(() => mergeStates([a.state, half.state])).toThrow(/different steps/);
    await expect(train(cfg, { instances: [1, 1] })).rejects.toThrow(TegumError);
    await expect(train(cfg, { instances: [5] })).rejects.toThrow(TegumError);
    await expect(resume(half.state, { instances: [0] })).rejects.toThrow(/not in this partial state/);
  });

  it("resultOf(state) equals resume(state, { steps: 0 }) and does not train", async () => {
    await use("simd");
    const r = await train({ n: 6, m: 2, instances: 2, batch: 32, steps: 40, seeds: 2 }, { workers: 0, steps: 15 });
    const a = resultOf(r.state), b = await resume(r.state, { steps: 0, workers: 0 });
    expect(a.step).toBe(15);
    expect(resultDigest(a)).toBe(resultDigest(b));
    expect(a.instances.map((x) => x.replica)).toEqual(b.instances.map((x) => x.replica));
  });
});

describe("validation", () => {
  const bad: [string, TrainConfig | Record<string, unknown>, string][] = [
    ["n", { n: 0, m: 2 }, "n"],
    ["m", { n: 5, m: 1.5 }, "m"],
    ["model", { n: 5, m: 2, model: "relu" }, "model"],
    ["p range", { n: 5, m: 2, p: 1.5 }, "p"],
    ["p per instance length", { n: 5, m: 2, instances: 3, p: [0.1, 0.2] }, "p"],
    ["p per feature length", { n: 5, m: 2, p: [[0.1, 0.2]] }, "p"],
    ["importance length", { n: 5, m: 2, importance: [1, 2] }, "importance"],
    ["importance negative", { n: 2, m: 1, importance: [1, -1] }, "importance"],
    ["anticorrelated bound", { n: 4, m: 2, p: 0.6, anticorrelated: [[0, 1]] }, "p"],
    ["anticorrelated triple bound", { n: 4, m: 2, p: 0.34, anticorrelated: [[0, 1, 2]] }, "p"],
    ["correlated unequal p", { n: 3, m: 2, p: [[0.1, 0.2, 0.3]], correlated: [[0, 1]] }, "p"],
    ["set index", { n: 3, m: 2, correlated: [[0, 3]] }, "correlated"],
    ["set overlap", { n: 4, m: 2, correlated: [[0, 1]], anticorrelated: [[1, 2]] }, "anticorrelated"],
    ["batch", { n: 5, m: 2, batch: 0 }, "batch"],
    ["batch·n", { n: 10_000, m: 2, batch: 4096 }, "batch"],
    ["steps", { n: 5, m: 2, steps: -1 }, "steps"],
    ["lr", { n: 5, m: 2, lr: 0 }, "lr"],
    ["schedule", { n: 5, m: 2, schedule: "exp" }, "schedule"],
    ["warmup", { n: 5, m: 2, steps: 10, warmup: 11 }, "warmup"],
    ["optimizer", { n: 5, m: 2, optimizer: "sgd" }, "optimizer"],
    ["betas", { n: 5, m: 2, betas: [0.9, 1] }, "betas"],
    ["init", { n: 5, m: 2, init: "he" }, "init"],
    ["seed", { n: 5, m: 2, seed: 2 ** 32 }, "seed"],
    ["seeds", { n: 5, m: 2, seeds: 0 }, "seeds"],
    ["unknown key", { n: 5, m: 2, sparsity: 0.9 }, "sparsity"],
    ["weights per instance", { n: 65536, m: 128, batch: 1 }, "n"],
    ["runs", { n: 5, m: 2, instances: 300, seeds: 300 }, "seeds"],
    ["loss history", { n: 5, m: 2, instances: 1000, seeds: 10, steps: 100_000 }, "steps"],
  ];
  it.each(bad)("rejects bad %s before any work", async (_, cfg, parameter) => {
    await use("simd");
    const err = await train(cfg as TrainConfig, { workers: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TegumError);
    expect((err as TegumError).parameter).toBe(parameter);
  });

  it("rejects bad options and states", async () => {
    await use("simd");
    const cfg = { n: 5, m: 2, steps: 10 };
    for (const [o, parameter] of [[{ steps: 11 }, "steps"], [{ progressEvery: 0 }, "progressEvery"], [{ workers: -1 }, "workers"], [{ onProgress: 3 }, "onProgress"]] as const) {
      const err = await train(cfg, o as never).catch((e: unknown) => e);
      expect((err as TegumError).parameter).toBe(parameter);
    }
    const r = await train(cfg, { workers: 0 });
    await expect(resume(r.state, { steps: 1 })).rejects.toBeInstanceOf(TegumError); // nothing left
    expect(() => deserializeState(new Uint8Array([1, 2, 3]))).toThrow(TegumError);
    const bytes = serializeState(r.state);
    expect(() => deserializeState(bytes.subarray(0, bytes.length - 4))).toThrow(TegumError);
  });
});
