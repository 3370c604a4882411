/**
 * FNV-1a (64-bit, as two 32-bit halves so every engine computes the same bits) over the bytes of
 * typed arrays: the fingerprint printed by the runtime matrix and the training determinism checks.
 */
export function digest(...arrays: ArrayBufferView[]): string {
  // 64-bit FNV offset basis 0xcbf29ce484222325 and prime 0x100000001b3.
  let hi = 0xcbf29ce4 >>> 0;
  let lo = 0x84222325 >>> 0;
  for (const a of arrays) {
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    for (let i = 0; i < bytes.length; i++) {
      lo ^= bytes[i];
      // (hi, lo) *= 0x100000001b3 mod 2^64: lo*0x1b3 + ((lo << 8) into hi) + hi*0x1b3.
      const loLo = (lo & 0xffff) * 0x1b3;
      const loHi = (lo >>> 16) * 0x1b3;
      const carry = (loHi + (loLo >>> 16)) / 65536;
      const newLo = (((loHi << 16) >>> 0) + loLo) >>> 0;
      hi = (Math.imul(hi, 0x1b3) + (lo << 8) + Math.floor(carry)) >>> 0;
      lo = newLo;
    }
  }
  return hi.toString(16).padStart(8, "0") + lo.toString(16).padStart(8, "0");
}

/**
 * The weights digest shown by `tegum train` and the explorable page: `digest(W, [W2,] b)` of every
 * instance in order (the kept replica). Same settings and seed → the same string everywhere.
 */
export function weightsDigest(instances: readonly { W: Float32Array; W2?: Float32Array; b: Float32Array }[]): string {
  return digest(...instances.flatMap((x) => (x.W2 ? [x.W, x.W2, x.b] : [x.W, x.b])));
}
