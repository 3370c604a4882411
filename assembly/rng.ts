// Counter-based hashing for training data, identical to src/rng.ts (see its header for the scheme):
// mix32 = lowbias32, hash2(k, x) = mix32(k ^ mix32(x ^ 0x5bd1e995)), word(row, f) = mix32(row + f·φ).
// Integer operations only, so the simd build, the scalar build and the TypeScript twin agree exactly.

// @ts-ignore: decorator
@inline export const PHI: u32 = 0x9e3779b9;

// @ts-ignore: decorator
@inline export function mix32(x: u32): u32 {
  x ^= x >>> 16;
  x *= 0x7feb352d;
  x ^= x >>> 15;
  x *= 0x846ca68b;
  x ^= x >>> 16;
  return x;
}

/**
 * mix32 on four lanes with the two multipliers passed in as vectors: kernels load them from memory
 * once, outside their loops (V8 would otherwise rematerialise a v128.const at every use).
 */
// @ts-ignore: decorator
@inline export function mix32x4k(x: v128, k1: v128, k2: v128): v128 {
  x = v128.xor(x, i32x4.shr_u(x, 16));
  x = i32x4.mul(x, k1);
  x = v128.xor(x, i32x4.shr_u(x, 15));
  x = i32x4.mul(x, k2);
  x = v128.xor(x, i32x4.shr_u(x, 16));
  return x;
}

/** The multipliers of mix32, splatted, as data (for mix32x4k). */
export const MIX_K = memory.data<u32>([0x7feb352d, 0x7feb352d, 0x7feb352d, 0x7feb352d, 0x846ca68b, 0x846ca68b, 0x846ca68b, 0x846ca68b]);

// @ts-ignore: decorator
@inline export function hash2(key: u32, x: u32): u32 {
  return mix32(key ^ mix32(x ^ 0x5bd1e995));
}

/** Key of one stream at one step of a run (stream 1: presence, 2: values). */
export function rngStepKey(run: u32, step: u32, stream: u32): u32 {
  return hash2(hash2(run, step), stream);
}
