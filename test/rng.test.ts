// Deterministic math, the counter-based RNG, sweeps, schedules and initialisation of training.
import { describe, expect, it } from "vitest";
import { sweeps } from "../src/index.js";
import { cos, exp, log, pow, powInt } from "../src/math.js";
import { hash2, mix32, normals, runKey } from "../src/rng.js";
import { lrFactor, scheduleTable } from "../src/schedule.js";
import { normalizeConfig } from "../src/train-config.js";
import { initialParams } from "../src/train-state.js";

const ulps = (a: number, b: number) => Math.abs(a - b) / (Math.abs(b) * Number.EPSILON || Number.MIN_VALUE);

describe("deterministic math (+ − × ÷ √ only)", () => {
  it("log, exp, pow, cos agree with the engine's to a few ulp over wide ranges", () => {
    for (let i = 0; i < 2000; i++) {
      const x = Math.exp((i - 1000) / 7); // 1e-62 … 1e62
      expect(ulps(log(x), Math.log(x))).toBeLessThan(4);
      const y = (i - 1000) / 3;
      expect(ulps(exp(y), Math.exp(y))).toBeLessThan(4);
      const z = (i - 1000) / 50;
      expect(Math.abs(cos(z) - Math.cos(z))).toBeLessThan(4e-16);
    }
    expect(log(1)).toBe(0);
    expect(log(0)).toBe(-Infinity);
    expect(Number.isNaN(log(-1))).toBe(true);
    expect(exp(0)).toBe(1);
    expect(exp(1000)).toBe(Infinity);
    expect(ulps(log(5e-324), Math.log(5e-324))).toBeLessThan(4); // subnormal
    expect(powInt(0.9, 4)).toBe(0.9 * 0.9 * (0.9 * 0.9));
    expect(powInt(2, -3)).toBe(0.125);
    expect(ulps(pow(20, -0.5), 1 / Math.sqrt(20))).toBeLessThan(4);
    expect(cos(0)).toBe(1);
  });

  it("sweeps: OFF's p = 20^(−linspace(0,1,I)), importance 0.9^i and 100^(−linspace)", () => {
    const p = sweeps.falloff(10, 20);
    expect(p[0]).toBe(1);
    expect(p[9]).toBeCloseTo(0.05, 15);
    for (let i = 0; i < 10; i++) expect(ulps(p[i], Math.pow(20, -i / 9))).toBeLessThan(8);
    expect(Array.from(sweeps.geometric(3, 0.7))).toEqual([1, 0.7, 0.7 * 0.7]);
    expect(sweeps.falloff(100, 100)[99]).toBeCloseTo(0.01, 15);
    expect(Array.from(sweeps.linspace(0, 1, 5))).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });
});

describe("counter-based RNG", () => {
  it("lowbias32 and the keyed hash are fixed functions (values pinned)", () => {
    expect(mix32(0)).toBe(0);
    // Pinned: any change to the scheme changes every trained model.
    expect([mix32(1), mix32(0xdeadbeef), hash2(7, 11), runKey(0, 0, 0), runKey(1, 2, 3)].map((x) => x.toString(16))).toEqual(PINNED);
  });

  it("hash2 is injective in its argument for a fixed key (no collisions over 2^20 counters)", () => {
    const seen = new Set<number>();
    for (let c = 0; c < 1 << 20; c++) seen.add(hash2(0x12345678, c));
    expect(seen.size).toBe(1 << 20);
  });

  it("uniform words are fair: bit frequencies and mean of (w >>> 8)·2^-24", () => {
    const N = 1 << 18;
    const bits = new Float64Array(32);
    let sum = 0;
    for (let c = 0; c < N; c++) {
      const w = hash2(99, c);
      for (let b = 0; b < 32; b++) bits[b] += (w >>> b) & 1;
      sum += (w >>> 8) * 2 ** -24; // f32-exact uniform in [0, 1)
    }
    for (const f of bits) expect(Math.abs(f / N - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(sum / N - 0.5)).toBeLessThan(0.003);
  });

  it("normals have mean 0, variance 1, no tail truncation, and are reproducible", () => {
    const z = normals(runKey(5, 1, 0), 200_000);
    let m = 0, v = 0, big = 0;
    for (const x of z) m += x;
    m /= z.length;
    for (const x of z) {
      v += (x - m) ** 2;
      if (Math.abs(x) > 4) big++;
    }
    v /= z.length;
    expect(Math.abs(m)).toBeLessThan(0.01);
    expect(Math.abs(v - 1)).toBeLessThan(0.01);
    expect(big).toBeGreaterThan(2); // P(|z| > 4) ≈ 6.3e-5 → ~13 expected
    expect(Array.from(normals(runKey(5, 1, 0), 10))).toEqual(Array.from(z.subarray(0, 10)));
  });
});

describe("schedules and initialisation", () => {
  it("lr multipliers: constant, linear 1 − s/S, cosine cos(0.5π·s/(S−1)), warmup", () => {
    expect(lrFactor("constant", 500, 1000)).toBe(1);
    expect(lrFactor("linear", 250, 1000)).toBe(0.75);
    expect(lrFactor("cosine", 0, 1001)).toBe(1);
    expect(lrFactor("cosine", 1000, 1001)).toBeLessThan(1e-15);
    expect(lrFactor("cosine", 500, 1001)).toBeCloseTo(Math.SQRT1_2, 15);
    expect(lrFactor("constant", 4, 1000, 10)).toBe(0.5);
    expect(lrFactor("constant", 10, 1000, 10)).toBe(1);
  });

  it("per-step Adam(W) scalars: decay 1 − lr·wd, bias corrections", () => {
    const cfg = normalizeConfig({ n: 2, m: 1, lr: 0.01, weightDecay: 0.1, steps: 10 });
    const t = scheduleTable(cfg, 0, 2);
    expect(t[0]).toBe(Math.fround(1 - 0.001));
    expect(t[1]).toBe(Math.fround(0.01 / (1 - 0.9)));
    expect(t[2]).toBe(Math.fround(Math.sqrt(1 - 0.999)));
    expect(t[3]).toBe(0);
    expect(t[5]).toBe(Math.fround(0.01 / (1 - 0.81)));
    const adam = scheduleTable(normalizeConfig({ n: 2, m: 1, optimizer: "adam", weightDecay: 0.1, steps: 10 }), 0, 1);
    expect(adam[0]).toBe(1);
    expect(adam[3]).toBe(Math.fround(0.1));
  });

  it("Xavier init per instance N(0, 2/(n+m)); torch fans N(0, 2/(m(n+I))); b = 0; replicas differ", () => {
    const stdOf = (a: Float32Array) => Math.sqrt(a.reduce((s, x) => s + x * x, 0) / a.length);
    const x = normalizeConfig({ n: 400, m: 100, instances: 3 });
    const p = initialParams(x, 2, 0);
    expect(stdOf(p.W) / Math.sqrt(2 / 500)).toBeCloseTo(1, 1);
    expect(p.b.every((v) => v === 0)).toBe(true);
    const t = initialParams(normalizeConfig({ n: 400, m: 100, instances: 3, init: "torch" }), 2, 0);
    expect(stdOf(t.W) / Math.sqrt(2 / (100 * 403))).toBeCloseTo(1, 1);
    expect(Array.from(initialParams(x, 2, 1).W.subarray(0, 5))).not.toEqual(Array.from(p.W.subarray(0, 5)));
    const abs = initialParams(normalizeConfig({ n: 40, m: 10, model: "abs" }), 0, 0);
    expect(abs.W2!.length).toBe(400);
  });
});

// Cross-checked against an independent Python implementation of the same definitions.
const PINNED = ["688990c0", "e628c683", "36390603", "4f836862", "fb86f8af"];
