// Reproduction of the paper's toy-model results (REFERENCE §4) with the OFF defaults: AdamW lr 1e-3,
// wd 0.01, batch 1024, 10 000 steps, constant schedule, importance as stated. Fixed seeds; the
// best-of-N used is stated per test. D_i = ‖W_i‖² / Σ_j (Ŵ_i·W_j)² (j = i included; ‖W_i‖ < 1e-6 → 0).
import { describe, expect, it } from "vitest";
import { sweeps, train } from "../src/index.js";
import { use } from "./backends.js";

function columns(W: Float32Array, n: number, m: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: m }, (_, k) => W[k * n + i]));
}
const dot = (a: number[], b: number[]) => a.reduce((s, x, k) => s + x * b[k], 0);
function dimensionality(cols: number[][]): number[] {
  return cols.map((wi) => {
    const norm = Math.sqrt(dot(wi, wi));
    if (norm < 1e-6) return 0;
    const den = cols.reduce((s, wj) => s + (dot(wi, wj) / norm) ** 2, 0);
    return (norm * norm) / den;
  });
}

describe("reproduction (OFF setup)", () => {
  it("intro n=5, m=2, importance 0.9^i: dense → two orthogonal features; p=0.05 → regular pentagon (seed 0, best of 2)", async () => {
    await use("simd");
    const r = await train({ n: 5, m: 2, instances: 2, p: [1, 0.05], importance: sweeps.geometric(5, 0.9), seeds: 2, seed: 0 }, { workers: 0 });
    // Dense: the two most important features, orthogonal, unit norm; the others dropped with bias ≈ E[x] = p/2.
    const dense = columns(r.instances[0].W, 5, 2);
    const D = dimensionality(dense);
    for (const [i, want] of [1, 1, 0, 0, 0].entries()) expect(Math.abs(D[i] - want)).toBeLessThan(0.02);
    expect(Math.abs(dot(dense[0], dense[1]))).toBeLessThan(0.02);
    for (const i of [0, 1]) expect(Math.abs(Math.sqrt(dot(dense[i], dense[i])) - 1)).toBeLessThan(0.02);
    for (const i of [2, 3, 4]) expect(Math.abs(r.instances[0].b[i] - 0.5)).toBeLessThan(0.02);
    // p = 0.05: all five features on a regular pentagon, negative biases.
    const sparse = columns(r.instances[1].W, 5, 2);
    for (const d of dimensionality(sparse)) {
      expect(d).toBeGreaterThanOrEqual(0.38);
      expect(d).toBeLessThanOrEqual(0.42);
    }
    for (const b of r.instances[1].b) expect(b).toBeLessThan(0);
    const angles = sparse.map(([x, y]) => Math.atan2(y, x)).sort((a, b) => a - b);
    const gaps = angles.map((a, i) => ((i + 1 < 5 ? angles[i + 1] : angles[0] + 2 * Math.PI) - a) * (180 / Math.PI));
    for (const g of gaps) expect(Math.abs(g - 72)).toBeLessThan(4);
  });

  it("n=20, m=5, importance 0.7^i: dense → exactly the top 5, orthonormal; more features as sparsity grows (seed 0, best of 1)", async () => {
    await use("simd");
    const ps = [1, 0.3, 0.1, 0.03, 0.01, 0.003];
    const r = await train({ n: 20, m: 5, instances: ps.length, p: ps, importance: sweeps.geometric(20, 0.7), seed: 0 }, { workers: 0 });
    const counts = r.instances.map((inst) => columns(inst.W, 20, 5).filter((w) => Math.sqrt(dot(w, w)) > 0.5).length);
    const dense = columns(r.instances[0].W, 20, 5);
    const kept = dense.map((w, i) => (Math.sqrt(dot(w, w)) > 0.5 ? i : -1)).filter((i) => i >= 0);
    expect(kept).toEqual([0, 1, 2, 3, 4]);
    for (const i of kept) for (const j of kept) expect(Math.abs(dot(dense[i], dense[j]) - (i === j ? 1 : 0))).toBeLessThan(0.05);
    for (let k = 1; k < counts.length; k++) expect(counts[k]).toBeGreaterThanOrEqual(counts[k - 1]);
    expect(counts[counts.length - 1]).toBeGreaterThan(10);
  });
});
