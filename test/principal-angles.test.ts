import { fc, test } from "@fast-check/vitest";
import { beforeAll, describe, expect, it } from "vitest";
import { chordalDistance, chordalEmbedding, orthonormalBasis, principalAngles, projector, TegumError } from "../src/index.js";
import { BACKENDS, use } from "./backends.js";
import { randomRotation, Rng } from "./fixtures/polytopes.js";

/** The m×k matrix with columns e_1 … e_k (row-major). */
function firstAxes(m: number, k: number): Float64Array {
  const a = new Float64Array(m * k);
  for (let j = 0; j < k; j++) a[j * k + j] = 1;
  return a;
}

/** Columns rotated in the (e_j, e_{k+j}) planes by angles θ_j: principal angles exactly θ. */
function tilted(m: number, theta: number[]): Float64Array {
  const k = theta.length;
  const b = new Float64Array(m * k);
  theta.forEach((t, j) => {
    b[j * k + j] = Math.cos(t);
    b[(k + j) * k + j] = Math.sin(t);
  });
  return b;
}

/** R·A for an m×m R and an m×k A (row-major). */
function mul(r: Float64Array, a: Float64Array, m: number, k: number): Float64Array {
  const out = new Float64Array(m * k);
  for (let i = 0; i < m; i++) for (let p = 0; p < m; p++) for (let j = 0; j < k; j++) out[i * k + j] += r[i * m + p] * a[p * k + j];
  return out;
}

/** Chordal distance through the projector embedding (a different road to the same number). */
function viaEmbedding(a: Float64Array, b: Float64Array, m: number, ka: number, kb: number): number {
  const embed = (x: Float64Array, k: number) => {
    const basis = new Float64Array(m * k);
    const rank = orthonormalBasis(basis, new Float64Array(k), x, m, k, 1e-12);
    const p = new Float64Array(m * m);
    projector(p, basis, m, k, rank);
    const e = new Float64Array((m * (m + 1)) / 2);
    chordalEmbedding(e, p, m);
    return e;
  };
  const ea = embed(a, ka);
  const eb = embed(b, kb);
  return Math.sqrt(ea.reduce((s, x, i) => s + (x - eb[i]) ** 2, 0));
}

describe.each(BACKENDS)("principal angles and chordal distance (%s)", (backend) => {
  beforeAll(() => use(backend));

  it("recovers known angles, tiny ones to relative accuracy", () => {
    for (const theta of [[1e-12, 1e-9], [1e-6, 0.3], [0.7, 1.2], [Math.PI / 2, 1e-10], [0, 0]]) {
      const m = 5;
      const angles = principalAngles(firstAxes(m, 2), tilted(m, theta), m, 2);
      const want = [...theta].sort((x, y) => x - y);
      angles.forEach((a, i) => {
        if (want[i] === 0) expect(a).toBe(0);
        else expect(Math.abs(a - want[i]) / want[i]).toBeLessThan(1e-6);
      });
      const d = chordalDistance(firstAxes(m, 2), tilted(m, theta), m, 2);
      const dWant = Math.sqrt(theta.reduce((s, t) => s + Math.sin(t) ** 2, 0));
      if (dWant === 0) expect(d).toBe(0);
      else expect(Math.abs(d - dWant) / dWant).toBeLessThan(1e-6);
    }
  });

  it("keeps a 1e-9 angle that cosines (and √(k − ‖AᵀB‖²)) lose", () => {
    const m = 4;
    const a = firstAxes(m, 2);
    const b = tilted(m, [1e-9, 0]);
    // the naive formula floors at ~1e-8 and the cosine of 1e-9 is exactly 1
    expect(Math.cos(1e-9)).toBe(1);
    expect(principalAngles(a, b, m, 2)[1]).toBeCloseTo(1e-9, 15);
    expect(chordalDistance(a, b, m, 2)).toBeCloseTo(1e-9, 15);
  });

  it("depends on the spans only: any bases, any column scaling, any rotation of R^m applied to both", () => {
    const rng = new Rng(5);
    const m = 6;
    const theta = [0.05, 0.4, 1.1];
    const a = firstAxes(m, 3);
    const b = tilted(m, theta);
    // mix the columns of b (an invertible 3×3) and rotate everything
    const mix = [2, 1, 0, -1, 3, 1, 0.5, 0, 1];
    const b2 = new Float64Array(m * 3);
    for (let i = 0; i < m; i++) for (let j = 0; j < 3; j++) for (let p = 0; p < 3; p++) b2[i * 3 + j] += b[i * 3 + p] * mix[p * 3 + j];
    const r = randomRotation(m, rng);
    const angles = principalAngles(mul(r, a, m, 3), mul(r, b2, m, 3), m, 3);
    angles.forEach((t, i) => expect(t).toBeCloseTo(theta[i], 12));
    expect(chordalDistance(mul(r, a, m, 3), mul(r, b2, m, 3), m, 3)).toBeCloseTo(Math.sqrt(theta.reduce((s, t) => s + Math.sin(t) ** 2, 0)), 12);
  });

  it("handles spans of different dimension: min(p, q) angles, (p − q)/2 under the root", () => {
    const m = 4;
    const a = firstAxes(m, 3); // e1, e2, e3
    const b = Float64Array.from([Math.cos(0.3), 0, 0, Math.sin(0.3)]); // m×1: a line at 0.3 from e1 towards e4
    const angles = principalAngles(a, b, m, 3, 1);
    expect(angles.length).toBe(1);
    expect(angles[0]).toBeCloseTo(0.3, 14);
    expect(chordalDistance(a, b, m, 3, 1)).toBeCloseTo(Math.sqrt(Math.sin(0.3) ** 2 + (3 - 1) / 2), 14);
    expect(chordalDistance(a, b, m, 3, 1)).toBeCloseTo(chordalDistance(b, a, m, 1, 3), 15);
  });

  it("orthonormalises with a rank tolerance: a dependent column does not add a dimension", () => {
    const m = 4;
    // w3 = w1 + w2 + 1e-13·e4: rank 3 at machine precision, rank 2 under an application tolerance
    const a = Float64Array.from([1, 0, 1, 0, 1, 1, 0, 0, 0, 0, 0, 1e-13]);
    expect(principalAngles(a, firstAxes(m, 2), m, 3, 2, { relTol: 1e-8 }).length).toBe(2);
    expect(chordalDistance(a, firstAxes(m, 2), m, 3, 2, { relTol: 1e-8 })).toBeLessThan(1e-12);
    // at machine precision the noise direction counts
    expect(chordalDistance(a, firstAxes(m, 2), m, 3, 2, { relTol: 1e-15 })).toBeCloseTo(Math.sqrt(0.5), 12);
  });

  it("takes orthonormal bases as they are with { orthonormal: true }", () => {
    const m = 5;
    const a = firstAxes(m, 2);
    const b = tilted(m, [0.2, 0.9]);
    expect(chordalDistance(a, b, m, 2, 2, { orthonormal: true })).toBeCloseTo(chordalDistance(a, b, m, 2), 15);
  });

  test.prop([fc.integer({ min: 2, max: 7 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 1e6 })], { numRuns: 40 })(
    "agrees with the projector embedding and with √(Σ sin²θ)",
    (m, kRaw, seed) => {
      const k = Math.min(kRaw, m);
      const rng = new Rng(seed);
      const a = Float64Array.from({ length: m * k }, () => rng.normal());
      const b = Float64Array.from({ length: m * k }, () => rng.normal());
      const d = chordalDistance(a, b, m, k);
      const angles = principalAngles(a, b, m, k);
      for (const t of angles) {
        expect(t).toBeGreaterThanOrEqual(0);
        expect(t).toBeLessThanOrEqual(Math.PI / 2 + 1e-15);
      }
      for (let i = 1; i < angles.length; i++) expect(angles[i]).toBeGreaterThanOrEqual(angles[i - 1]);
      expect(d).toBeCloseTo(Math.sqrt(angles.reduce((s, t) => s + Math.sin(t) ** 2, 0)), 10);
      expect(d).toBeCloseTo(viaEmbedding(a, b, m, k, k), 10);
      expect(chordalDistance(a, a, m, k)).toBeLessThan(1e-12);
    },
  );

  it("validates its arguments", () => {
    expect(() => principalAngles(new Float64Array(3), new Float64Array(4), 2, 2)).toThrow(TegumError);
    expect(() => chordalDistance(firstAxes(3, 2), firstAxes(3, 2), 3, 4)).toThrow(/ka/);
    expect(() => chordalDistance([NaN, 0, 0, 1], firstAxes(2, 2), 2, 2)).toThrow(/finite/);
    expect(() => chordalDistance(firstAxes(3, 2), firstAxes(3, 2), 3, 2, 2, { relTol: 0 })).toThrow(/relTol/);
  });
});
