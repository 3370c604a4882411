// The counter-based random numbers of training, identical in TypeScript and AssemblyScript
// (assembly/rng.ts): every word is a pure function of (seed, instance, replica, step, row, feature), so
// the data never depends on chunking, threads, replicas trained alongside or the runtime.
//
//   mix32(x)          lowbias32 (C. Wellons): x ^= x>>>16; x *= 0x7feb352d; x ^= x>>>15; x *= 0x846ca68b; x ^= x>>>16
//   hash2(k, x)       mix32(k ^ mix32(x ^ 0x5bd1e995))          — a bijection of x for fixed k
//   runKey            hash2(hash2(mix32(seed ^ 0x6a09e667), instance), replica)
//   stepKey(stream)   hash2(hash2(runKey, step), stream)        — stream 1: presence, 2: values, 3: init
//   rowKey            hash2(stepKey, row)
//   word(f)           mix32(rowKey + f·0x9e3779b9)               — per feature (or group leader)
//
// A batch at one step draws, per row r and feature f: a presence word P = word(leader(f)) from the
// presence row key and, for features of correlated/anticorrelated sets only, a value word V = word(f)
// from the value row key. Within one step and stream the words of different (row, feature) are
// distinct: hash2 is injective in the row and f·φ in f.
// An independent feature with threshold T = round(p·2^32) is present iff P <u T, and then takes its
// value from P itself: P is uniform on [0, T) given presence, so value(P, f32(2/T)) is uniform on [0, 1)
// (resolution ≥ 24 significant bits and 1/T absolute). Set members use value(V, 2^-31).
import { log } from "./math.js";

/** The golden-ratio increment 0x9e3779b9. */
export const PHI = 0x9e3779b9;
export const STREAM_PRESENCE = 1;
export const STREAM_VALUE = 2;
export const STREAM_INIT = 3;

/** lowbias32: a 32-bit integer bijection with good avalanche. */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b | 0);
  x ^= x >>> 16;
  return x >>> 0;
}

/** A keyed hash, injective in `x` for a fixed key. */
export function hash2(key: number, x: number): number {
  return mix32(key ^ mix32(x ^ 0x5bd1e995));
}

/** The key of one training run: (seed, instance, replica). */
export function runKey(seed: number, instance: number, replica: number): number {
  return hash2(hash2(mix32(seed ^ 0x6a09e667), instance), replica);
}

/** The key of one stream at one step of a run. */
export function stepKey(run: number, step: number, stream: number): number {
  return hash2(hash2(run, step), stream);
}

/** The key of one row of a step's batch. */
export function rowKey(step: number, row: number): number {
  return hash2(step, row);
}

/** The word of feature (or counter) `f` in a row. */
export function word(row: number, f: number): number {
  return mix32((row + Math.imul(f, PHI)) >>> 0);
}

/**
 * The f32 value of a word u with scale s (an f32): min(f32(f32(u >>> 1)·s), 1 − 2^-24), every step
 * correctly rounded (as the kernels' convert, mul and min).
 */
export function value(u: number, s: number): number {
  return Math.min(Math.fround(Math.fround(u >>> 1) * s), ONE_MINUS);
}
const ONE_MINUS = 1 - 2 ** -24;

/**
 * `count` standard normal samples from the init stream of a run (Marsaglia's polar method over
 * 32-bit uniforms (w + 0.5)·2^-32, with the deterministic log of src/math.ts).
 */
export function normals(run: number, count: number): Float64Array {
  const key = stepKey(run, 0, STREAM_INIT);
  const out = new Float64Array(count);
  let c = 0;
  const uniform = () => (hash2(key, c++) + 0.5) * 2.3283064365386963e-10;
  for (let i = 0; i < count; ) {
    const x = 2 * uniform() - 1;
    const y = 2 * uniform() - 1;
    const s = x * x + y * y;
    if (s >= 1 || s === 0) continue;
    const f = Math.sqrt((-2 * log(s)) / s);
    out[i++] = x * f;
    if (i < count) out[i++] = y * f;
  }
  return out;
}
