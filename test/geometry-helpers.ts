// Helpers shared by the kernel tests (matmul, relu, gram, projector, col-red, distance, metrics).
import { expect } from "vitest";
import { TegumError } from "../src/index.js";

export { rng, gaussian as gauss } from "./analysis-fixtures.js";
import { gaussian as gauss, rng } from "./analysis-fixtures.js";
import { Rng } from "./fixtures/polytopes.js";

/**
 * A random matrix with edge cases mixed in: mostly uniform in [−1, 1), some exact zeros, some
 * repeated values and a few negative zeros, so that ±0 handling and ties are exercised.
 */
export function matrix(len: number, seed: number): Float64Array {
  const r = rng(seed);
  const out = new Float64Array(len);
  for (let i = 0; i < len; i++) {
    const u = r();
    if (u < 0.04) out[i] = 0;
    else if (u < 0.05) out[i] = -0;
    else if (u < 0.08 && i > 0) out[i] = out[i - 1];
    else out[i] = 2 * r() - 1;
  }
  return out;
}

/** Asserts that two typed arrays hold the same bits (±0 and NaN payloads included). */
export function expectSameBits(actual: ArrayBufferView, expected: ArrayBufferView, what = "value"): void {
  const a = new Uint8Array(actual.buffer, actual.byteOffset, actual.byteLength);
  const b = new Uint8Array(expected.buffer, expected.byteOffset, expected.byteLength);
  expect(a.length, `${what}: byte length`).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      const size = (actual as unknown as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
      const e = Math.floor(i / size);
      const av = (actual as unknown as ArrayLike<number>)[e];
      const bv = (expected as unknown as ArrayLike<number>)[e];
      expect.fail(`${what}: element ${e} differs: ${Object.is(av, -0) ? "-0" : av} vs ${Object.is(bv, -0) ? "-0" : bv}`);
    }
  }
}

/** Max |a_i − b_i|. */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

/** C (r×c) = A (r×n) · B (n×c), all row-major, plain f64. */
export function mul(a: ArrayLike<number>, b: ArrayLike<number>, r: number, n: number, c: number): Float64Array {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let p = 0; p < n; p++) {
    const x = a[i * n + p];
    for (let j = 0; j < c; j++) out[i * c + j] += x * b[p * c + j];
  }
  return out;
}

/** Transpose of an r×c row-major matrix. */
export function transpose(a: ArrayLike<number>, r: number, c: number): Float64Array {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = a[i * c + j];
  return out;
}

/** A random k×k orthogonal matrix (modified Gram–Schmidt on Gaussian columns, twice). */
export function randomOrthogonal(k: number, seed: number): Float64Array {
  const g = gauss(rng(seed));
  const q = Float64Array.from({ length: k * k }, g);
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < k; j++) {
      for (let i = 0; i < j; i++) {
        let d = 0;
        for (let r = 0; r < k; r++) d += q[r * k + i] * q[r * k + j];
        for (let r = 0; r < k; r++) q[r * k + j] -= d * q[r * k + i];
      }
      let nn = 0;
      for (let r = 0; r < k; r++) nn += q[r * k + j] ** 2;
      nn = Math.sqrt(nn);
      for (let r = 0; r < k; r++) q[r * k + j] /= nn;
    }
  }
  return q;
}

/** The columns `cols` of W (m×n row-major) as an m×cols.length row-major block. */
export function columns(w: ArrayLike<number>, m: number, n: number, cols: ArrayLike<number>): Float64Array {
  const k = cols.length;
  const out = new Float64Array(m * k);
  for (let r = 0; r < m; r++) for (let j = 0; j < k; j++) out[r * k + j] = w[r * n + cols[j]];
  return out;
}

/**
 * Deterministic f32 values: exact 0 (r < zero), −0 (r < negZero), small integers in [−half, half]
 * (r < small), else a wide spread of magnitudes of both signs.
 */
export function edgeValues(length: number, seed: number, [zero, negZero, small]: [number, number, number], half: number): Float32Array {
  const next = rng(seed);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const r = next();
    if (r < zero) out[i] = 0;
    else if (r < negZero) out[i] = -0;
    else if (r < small) out[i] = Math.floor(next() * (2 * half + 1)) - half;
    else out[i] = (next() * 2 - 1) * 2 ** Math.floor(next() * 17 - 10);
  }
  return out;
}

/** The parameter named by the TegumError `fn` throws (fails if it throws something else or nothing). */
export function thrownParameter(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TegumError);
    return (e as TegumError).parameter;
  }
  expect.fail("did not throw");
}

/**
 * Unit columns where some columns are noisy combinations of a few others: planes that many subsets
 * share (bundles), near misses and generic subsets, so both sides of the screen are exercised.
 */
export function mixedColumns(m: number, n: number, noise: number, seed: number): Float64Array {
  const r = new Rng(seed);
  const cols: number[][] = [];
  for (let j = 0; j < n; j++) {
    let v: number[];
    if (j >= 2 && r.uniform() < 0.6) {
      const a = cols[Math.floor(r.uniform() * j)], b = cols[Math.floor(r.uniform() * j)];
      const s = r.normal(), t = r.normal();
      v = a.map((x, i) => s * x + t * b[i] + noise * r.normal());
    } else v = Array.from({ length: m }, () => r.normal());
    const norm = Math.hypot(...v) || 1;
    cols.push(v.map((x) => x / norm));
  }
  const w = new Float64Array(m * n);
  cols.forEach((c, j) => c.forEach((x, i) => (w[i * n + j] = x)));
  return w;
}
