// Floor of one training step (bench/train-floor.bench.js only; not part of the module): the arithmetic
// any implementation of assembly/train.ts's semantics must do, each as a minimal f32x4/i32x4 loop
// (mul then add, no FMA) over data that stays in cache. Items are packed ideally: 4 useful lanes in
// every vector, no padding, no skipped-work bookkeeping — the least work the semantics allow, in plain
// loops: a measure of what is reachable, not a design.
import { MIX_K, mix32x4k } from "./rng";

const FLOOR_CONST = memory.data<u32>([
  0x5bd1e995, 0x5bd1e995, 0x5bd1e995, 0x5bd1e995, // row salt
  0, 1, 2, 3, // iota
]);

/**
 * (a) Presence of `groups`·4 rows × n features: the row key (2 mix32), then per feature
 * p = mix32(rowKey + lead_f) and the biased compare i32(p − loB_f) < widthB_f, from the table `tab`
 * (lead, loB, widthB, pad per feature, 16 bytes). Returns the number of present pairs (keeps the
 * work live).
 */
export function floorHash(groups: i32, n: i32, key: u32, tab: usize): i32 {
  const k1 = v128.load(MIX_K), k2 = v128.load(MIX_K, 16);
  const salt = v128.load(FLOOR_CONST), iota = v128.load(FLOOR_CONST, 16);
  const vkey = i32x4.splat(key);
  let cnt = i32x4.sub(k1, k1);
  for (let g = 0; g < groups; g++) {
    const rows = i32x4.add(i32x4.splat(g << 2), iota);
    const rp = mix32x4k(v128.xor(vkey, mix32x4k(v128.xor(rows, salt), k1, k2)), k1, k2);
    // Four features per pass: their hash chains side by side, so the core overlaps them.
    let f = 0;
    for (; f + 4 <= n; f += 4) {
      const e = tab + (<usize>f << 4);
      const p0 = mix32x4k(i32x4.add(rp, v128.load32_splat(e)), k1, k2);
      const p1 = mix32x4k(i32x4.add(rp, v128.load32_splat(e, 16)), k1, k2);
      const p2 = mix32x4k(i32x4.add(rp, v128.load32_splat(e, 32)), k1, k2);
      const p3 = mix32x4k(i32x4.add(rp, v128.load32_splat(e, 48)), k1, k2);
      cnt = i32x4.sub(cnt, i32x4.lt_s(i32x4.sub(p0, v128.load32_splat(e, 4)), v128.load32_splat(e, 8)));
      cnt = i32x4.sub(cnt, i32x4.lt_s(i32x4.sub(p1, v128.load32_splat(e, 20)), v128.load32_splat(e, 24)));
      cnt = i32x4.sub(cnt, i32x4.lt_s(i32x4.sub(p2, v128.load32_splat(e, 36)), v128.load32_splat(e, 40)));
      cnt = i32x4.sub(cnt, i32x4.lt_s(i32x4.sub(p3, v128.load32_splat(e, 52)), v128.load32_splat(e, 56)));
    }
    for (; f < n; f++) {
      const e = tab + (<usize>f << 4);
      const p = mix32x4k(i32x4.add(rp, v128.load32_splat(e)), k1, k2);
      cnt = i32x4.sub(cnt, i32x4.lt_s(i32x4.sub(p, v128.load32_splat(e, 4)), v128.load32_splat(e, 8)));
    }
  }
  return i32x4.extract_lane(cnt, 0) + i32x4.extract_lane(cnt, 1) + i32x4.extract_lane(cnt, 2) + i32x4.extract_lane(cnt, 3);
}

// @ts-ignore: decorator
@inline function mac(a: v128, x: v128, w: v128): v128 {
  return f32x4.add(a, f32x4.mul(x, w));
}

/** h_k·w_k over k for chains a (group 0) and c (group 1, starting at a) of one output, w splats from `d`. */
// @ts-ignore: decorator
@inline function decodeChains(m4: i32, rem: i32, d: usize, h0: usize, h1: usize, a: v128, out: usize): void {
  let c = a;
  let k = 0;
  for (; k < m4; k += 4) {
    const o = <usize>k << 4;
    const w0 = v128.load32_splat(d), w1 = v128.load32_splat(d, 4), w2 = v128.load32_splat(d, 8), w3 = v128.load32_splat(d, 12);
    a = mac(a, v128.load(h0 + o), w0);
    c = mac(c, v128.load(h1 + o), w0);
    a = mac(a, v128.load(h0 + o, 16), w1);
    c = mac(c, v128.load(h1 + o, 16), w1);
    a = mac(a, v128.load(h0 + o, 32), w2);
    c = mac(c, v128.load(h1 + o, 32), w2);
    a = mac(a, v128.load(h0 + o, 48), w3);
    c = mac(c, v128.load(h1 + o, 48), w3);
    d += 16;
  }
  const o = <usize>k << 4;
  if (rem > 0) {
    const w0 = v128.load32_splat(d);
    a = mac(a, v128.load(h0 + o), w0);
    c = mac(c, v128.load(h1 + o), w0);
  }
  if (rem > 1) {
    const w1 = v128.load32_splat(d, 4);
    a = mac(a, v128.load(h0 + o, 16), w1);
    c = mac(c, v128.load(h1 + o, 16), w1);
  }
  if (rem > 2) {
    const w2 = v128.load32_splat(d, 8);
    a = mac(a, v128.load(h0 + o, 32), w2);
    c = mac(c, v128.load(h1 + o, 32), w2);
  }
  v128.store(out, a);
  v128.store(out, c, 16);
}

/**
 * (b) Decode of `groups` groups of 4 rows (rows in lanes; two groups per pass share each dec splat):
 * out_i = b_i + Σ_k h_k·dec[i][k] (dec n×m packed, h m v128 per group), one sequential chain per
 * (row, output) as the semantics require, two chains per output in flight. Pairs of out vectors go to
 * `out` (2n v128). `groups` even.
 */
export function floorDecode(groups: i32, n: i32, m: i32, dec: usize, b: usize, h: usize, out: usize): void {
  const m4 = m & ~3, rem = m & 3, rowW = <usize>m << 2;
  const h1 = h + (<usize>m << 4);
  for (let g = 0; g < groups; g += 2) {
    let d = dec;
    for (let i = 0; i < n; i++) {
      const a = v128.load32_splat(b + (<usize>i << 2));
      decodeChains(m4, rem, d, h, h1, a, out + (<usize>i << 5));
      d += rowW;
    }
  }
}

/**
 * (b′) The output stage that follows the decode, per (row, output): y = max(out, 0), err = y − target,
 * ie = imp·err, loss lanes += ie·err, g = out > 0 ? ie : 0, gb_i += g, g stored for the backward pass.
 * Over `groups` groups of 4 rows (out: n v128, overwritten by g). Returns a loss lane (keeps it live).
 */
export function floorOutputs(groups: i32, n: i32, out: usize, xt: usize, imp: usize, gb: usize): f32 {
  const zero = f32x4.splat(0);
  let l0 = zero, l1 = zero;
  for (let g = 0; g < groups; g++) {
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 4;
      const a = v128.load(out + o);
      const err = f32x4.sub(f32x4.pmax(a, zero), v128.load(xt + o));
      const ie = f32x4.mul(v128.load32_splat(imp + (<usize>i << 2)), err);
      const lt = f32x4.mul(ie, err);
      if (i & 1) l1 = f32x4.add(l1, lt);
      else l0 = f32x4.add(l0, lt);
      const gv = v128.and(ie, f32x4.gt(a, zero));
      v128.store(gb + o, f32x4.add(v128.load(gb + o), gv));
      v128.store(out + o, gv);
    }
  }
  return f32x4.extract_lane(f32x4.add(l0, l1), 0);
}

/** Peak mul-then-add rate: `iters` × 8 independent chains of f32x4 products (operands in registers). */
export function floorPeak(iters: i32, x: usize): f32 {
  const v = v128.load(x), w = v128.load(x, 16);
  let a0 = v128.load(x, 32), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
  for (let t = 0; t < iters; t++) {
    a0 = mac(a0, v, w);
    a1 = mac(a1, v, w);
    a2 = mac(a2, v, w);
    a3 = mac(a3, v, w);
    a4 = mac(a4, v, w);
    a5 = mac(a5, v, w);
    a6 = mac(a6, v, w);
    a7 = mac(a7, v, w);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)));
  return f32x4.extract_lane(s, 0);
}

/**
 * nk (≤ 5) columns kb… of the accumulate-and-update pattern over `items` vectors (item t is row
 * vector i = t mod n of some group): acc_k += v_i·mat[i][k] in registers, upd[i][k] += v_i·s_k in
 * memory (s_k in registers); acc stored to `accOut`.
 */
// @ts-ignore: decorator
@inline function pairBlock(items: i32, n: i32, m: i32, v: usize, mat: usize, s: usize, upd: usize, accOut: usize, kb: i32, nk: i32): void {
  const zero = f32x4.splat(0);
  let a0 = zero, a1 = zero, a2 = zero, a3 = zero, a4 = zero;
  const so = <usize>kb << 4;
  const s0 = v128.load(s + so);
  const s1 = nk > 1 ? v128.load(s + so, 16) : zero;
  const s2 = nk > 2 ? v128.load(s + so, 32) : zero;
  const s3 = nk > 3 ? v128.load(s + so, 48) : zero;
  const s4 = nk > 4 ? v128.load(s + so, 64) : zero;
  const rowW = <usize>m << 2, rowU = <usize>m << 4;
  let i = 0;
  let w = mat + (<usize>kb << 2), u = upd + so, x = v;
  for (let t = 0; t < items; t++) {
    const vi = v128.load(x);
    a0 = mac(a0, vi, v128.load32_splat(w));
    v128.store(u, mac(v128.load(u), vi, s0));
    if (nk > 1) {
      a1 = mac(a1, vi, v128.load32_splat(w, 4));
      v128.store(u, mac(v128.load(u, 16), vi, s1), 16);
    }
    if (nk > 2) {
      a2 = mac(a2, vi, v128.load32_splat(w, 8));
      v128.store(u, mac(v128.load(u, 32), vi, s2), 32);
    }
    if (nk > 3) {
      a3 = mac(a3, vi, v128.load32_splat(w, 12));
      v128.store(u, mac(v128.load(u, 48), vi, s3), 48);
    }
    if (nk > 4) {
      a4 = mac(a4, vi, v128.load32_splat(w, 16));
      v128.store(u, mac(v128.load(u, 64), vi, s4), 64);
    }
    w += rowW;
    u += rowU;
    x += 16;
    if (++i == n) {
      i = 0;
      w = mat + (<usize>kb << 2);
      u = upd + so;
      x = v;
    }
  }
  v128.store(accOut + so, a0);
  if (nk > 1) v128.store(accOut + so, a1, 16);
  if (nk > 2) v128.store(accOut + so, a2, 32);
  if (nk > 3) v128.store(accOut + so, a3, 48);
  if (nk > 4) v128.store(accOut + so, a4, 64);
}

/**
 * (c) and (d): `items` vectors of 4 (row, feature) pairs, each m products accumulated in registers
 * and m products added into memory. Backward over active outputs: gh += g_i·dec[i], GD[i] += g_i·h.
 * Input side over present inputs: h += x_j·enc[j] (encode) and GE[j] += x_j·gh.
 */
export function floorPairs(items: i32, n: i32, m: i32, v: usize, mat: usize, s: usize, upd: usize, accOut: usize): void {
  let kb = 0;
  for (; kb + 5 <= m; kb += 5) pairBlock(items, n, m, v, mat, s, upd, accOut, kb, 5);
  const rest = m - kb;
  if (rest == 1) pairBlock(items, n, m, v, mat, s, upd, accOut, kb, 1);
  else if (rest == 2) pairBlock(items, n, m, v, mat, s, upd, accOut, kb, 2);
  else if (rest == 3) pairBlock(items, n, m, v, mat, s, upd, accOut, kb, 3);
  else if (rest == 4) pairBlock(items, n, m, v, mat, s, upd, accOut, kb, 4);
}
