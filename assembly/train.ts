// The fused training step of the toy models: batch generation, forward, loss, backward and the
// Adam(W) update, one run (instance × replica) at a time, no allocation per step.
//
// One run is described by a context block of i32/f32 slots (below; filled by src/train-engine.ts).
// Parameters live in a transposed, padded layout (mp = m rounded up to 4, np = n rounded up to 4):
//   enc (n×mp): row j = the hidden-space vector of input feature j (h = Σ_j x_j·enc[j])
//   dec (n×mp): row i = the hidden-space vector read by output i (out_i = b_i + dec[i]·h)
// Tied models (W m×n) have enc = dec = Wᵀ (the same pointer); the untied abs model has enc = W1ᵀ,
// dec = W2. G buffers (genc, gdec, gb) receive the step's unscaled gradient; for tied models genc.
//
// Semantics of one step (shared bit for bit by both builds, both kernels and src/twin/train.ts):
// - Rows r = 0…B−1, lane q = r mod 4. Sampling: see src/rng.ts. Feature f is present iff
//   (P − lo_f) <u width_f or always_f — evaluated as the signed comparison i32(P − loB_f) < widthB_f of
//   tables biased by 2^31 (wasm SIMD has no cheap unsigned compare on x64); its value is
//   u = min(f32(u >>> 1)·vscale_f, 1 − 2^-24) with u = P for independent features (own_f; lo_f = 0,
//   vscale_f = f32(2/width_f)) and u = V for set members (vscale 2^-31) (abs model: 2u − 1, target |x|).
// - Rows with no feature present ("empty") all produce the same output: they are counted per lane,
//   empty_q, and added at the end as f32(empty_q)·(their contribution).
// - Each other row: hpre_k = Σ_j x_j·enc[j][k] over present j ascending (from +0); h = relu(hpre) for
//   hidden-ReLU models; out_i = (…(b_i + h_0·dec[i][0]) + h_1·dec[i][1]) …; y = relu(out) (identity for
//   `linear`); err = y − target; ie = imp·err; L[q][i mod 4] += ie·err; g_i = out_i > 0 ? ie : +0
//   (ie for `linear`); GB[q][i] += g_i; gh_k = Σ_i g_i·dec[i][k] (i ascending, from +0), masked by
//   hpre_k > 0 for hidden-ReLU models; GD[q][i][k] += g_i·h_k; GE[q][j][k] += x_j·gh_k.
//   Every sum above may skip terms whose product is ±0 (absent x_j, inactive g_i): accumulators start
//   at +0 and never become −0, so adding ±0 changes no bit. The row kernel skips them, the lane
//   kernel (4 rows in the 4 SIMD lanes) does not — same bits (as long as no activation overflows
//   to ±∞, where 0·∞ = NaN would differ: training has diverged by then anyway).
// - End of step, with red(a) = (a_0 + a_1) + (a_2 + a_3) over the lane copies q:
//   tied: G = red(GD) + red(GE); untied: gdec = red(GD), genc = red(GE);
//   gb_i = red(GB[q][i] + f32(empty_q)·gE_i); loss = red(S_q) / f32(B·n) with
//   S_q = red over c of (L[q][c] + f32(empty_q)·eE_c), where gE, eE are the empty row's g and loss
//   lanes (out = b, target 0). The true gradient is gscale·G, gscale = f32(2/(B·n)).
// - Adam(W), per element (torch 1.13 semantics, every operation in f32, never fused):
//   g = G·gscale [+ l2·p for Adam with L2 decay]; p = p·decay; m = m·β1 + g·(1−β1);
//   v = v·β2 + ((1−β2)·g)·g; p = p − stepSize·(m / (sqrt(v)/bc2sqrt + eps)),
//   with per-step f32 scalars (decay = 1 − lr·wd, stepSize = lr/(1−β1^t), bc2sqrt = sqrt(1−β2^t), l2)
//   from the schedule table (src/schedule.ts).
import { arenaAlloc, arenaRelease, arenaTop } from "./arena";
import { MIX_K, mix32, mix32x4k, rngStepKey } from "./rng";

// ---- context slots (i32 unless marked f32) ------------------------------------------------------
// @ts-ignore: decorator
@inline const C_N = 0;
// @ts-ignore: decorator
@inline const C_M = 1;
// @ts-ignore: decorator
@inline const C_NP = 2;
// @ts-ignore: decorator
@inline const C_MP = 3;
// @ts-ignore: decorator
@inline const C_BATCH = 4;
// @ts-ignore: decorator
@inline const C_FLAGS = 5;
// @ts-ignore: decorator
@inline const C_RUNKEY = 6;
// @ts-ignore: decorator
@inline const C_ENC = 7;
// @ts-ignore: decorator
@inline const C_DEC = 8;
// @ts-ignore: decorator
@inline const C_B = 9;
// @ts-ignore: decorator
@inline const C_GENC = 10;
// @ts-ignore: decorator
@inline const C_GDEC = 11;
// @ts-ignore: decorator
@inline const C_GB = 12;
// @ts-ignore: decorator
@inline const C_MENC = 13;
// @ts-ignore: decorator
@inline const C_VENC = 14;
// @ts-ignore: decorator
@inline const C_MDEC = 15;
// @ts-ignore: decorator
@inline const C_VDEC = 16;
// @ts-ignore: decorator
@inline const C_MB = 17;
// @ts-ignore: decorator
@inline const C_VB = 18;
/** i32 table: 0 … n−1 (the lane kernel's live lists in dense mode). */
// @ts-ignore: decorator
@inline const C_IDENT = 19;
// @ts-ignore: decorator
@inline const C_IMP = 20;
// @ts-ignore: decorator
@inline const C_LO = 21;
// @ts-ignore: decorator
@inline const C_WIDTH = 22;
// @ts-ignore: decorator
@inline const C_ALWAYS = 23;
// @ts-ignore: decorator
@inline const C_LEAD = 24;
// @ts-ignore: decorator
@inline const C_FEAT = 25;
// f32 slots
// @ts-ignore: decorator
@inline const C_BETA1 = 26;
// @ts-ignore: decorator
@inline const C_OMB1 = 27;
// @ts-ignore: decorator
@inline const C_BETA2 = 28;
// @ts-ignore: decorator
@inline const C_OMB2 = 29;
// @ts-ignore: decorator
@inline const C_EPS = 30;
// @ts-ignore: decorator
@inline const C_GSCALE = 31;
// @ts-ignore: decorator
@inline const C_COUNT = 32;
/** i32: 0 row kernel, 1 lane kernel (SIMD build only; same bits either way). */
// @ts-ignore: decorator
@inline const C_KERNEL = 33;
/** i32 table: −1 independent feature (value from its presence word), 0 set member (value word). */
// @ts-ignore: decorator
@inline const C_OWN = 34;
/** f32 table: the value scale (see the header). */
// @ts-ignore: decorator
@inline const C_VSCALE = 35;

/** Number of 4-byte slots in a context block. */
export const TRAIN_CTX_SLOTS: i32 = 40;

// flags: the model's (F_OUT_RELU … F_L2), then strategy choices fixed by the run's sampling tables
// (F_ALL_OWN, F_LANES_DENSE: made once by tableFlags in src/train-engine.ts; same bits either way)
// @ts-ignore: decorator
@inline const F_OUT_RELU = 1;
// @ts-ignore: decorator
@inline const F_HID_RELU = 2;
// @ts-ignore: decorator
@inline const F_UNTIED = 4;
// @ts-ignore: decorator
@inline const F_ABS = 8;
// @ts-ignore: decorator
@inline const F_L2 = 16;
/** Every feature (padding included) is independent: no value hash at all (one specialised loop). */
// @ts-ignore: decorator
@inline const F_ALL_OWN = 32;
/** The lane kernel runs dense (every input and output of every group) rather than over live lists. */
// @ts-ignore: decorator
@inline const F_LANES_DENSE = 64;

/** Rows decoded together (the decode reuses each loaded decT vector across them). */
// @ts-ignore: decorator
@inline const R = 4;

// @ts-ignore: decorator
@inline function ci(ctx: usize, slot: i32): i32 {
  return load<i32>(ctx + (<usize>slot << 2));
}
// @ts-ignore: decorator
@inline function cp(ctx: usize, slot: i32): usize {
  return <usize>load<u32>(ctx + (<usize>slot << 2));
}
// @ts-ignore: decorator
@inline function cf(ctx: usize, slot: i32): f32 {
  return load<f32>(ctx + (<usize>slot << 2));
}

// ---- scratch layout ---------------------------------------------------------------------------
// Common: accumulators GD (4·n·mp), GE (4·n·mp), GB (4·np) f32; L (16 f32); empty (4 i32); eE (4 f32);
// gE (np f32). The row kernel keeps lane copies q-major (copy q at offset q·size); the lane kernel
// keeps them interleaved (element e's four lanes at 16·e) — only the final reduction differs.
// Then the kernel's own scratch:
//   row kernel: R slots of xrow (np), idx (np i32), xs (np), hpre (mp), h (mp), hs (mp v128),
//   out (np); act (np i32), gact (np f32), gh (mp, scalar build), cnt (R i32), row (R i32), decT (m×np).
//   xrow is the dense target row, xs the dense signed inputs (abs model only; otherwise xs = xrow),
//   idx the present features; gact the dense output gradient, act its nonzero entries.
//   lane kernel: xin, xt, out, g (np v128 each), hpre, h (mp v128 each), live lists (2·np i32), any,
//   the interleaved sampling table (n·32 bytes), L (c-major) and the dense mode's gh (mp v128).

// @ts-ignore: decorator
@inline function accBytes(n: i32, np: i32, mp: i32): usize {
  return <usize>(32 * n * mp + 16 * np + 64 + 32 + 4 * np);
}
// @ts-ignore: decorator
@inline function slotBytes(np: i32, mp: i32): usize {
  return <usize>(np * 16 + mp * 24);
}
// @ts-ignore: decorator
@inline function offIdx(np: i32): usize {
  return <usize>np << 2;
}
// @ts-ignore: decorator
@inline function offXs(np: i32): usize {
  return <usize>np << 3;
}
// @ts-ignore: decorator
@inline function offHpre(np: i32): usize {
  return <usize>np * 12;
}
// @ts-ignore: decorator
@inline function offH(np: i32, mp: i32): usize {
  return <usize>(np * 12 + mp * 4);
}
// @ts-ignore: decorator
@inline function offHs(np: i32, mp: i32): usize {
  return <usize>(np * 12 + mp * 8);
}
// @ts-ignore: decorator
@inline function offOut(np: i32, mp: i32): usize {
  return <usize>(np * 12 + mp * 24);
}

/** Bytes of scratch one step needs. */
export function trainScratchBytes(ctx: usize): usize {
  const n = ci(ctx, C_N), m = ci(ctx, C_M), np = ci(ctx, C_NP), mp = ci(ctx, C_MP);
  const rows = slotBytes(np, mp) * R + <usize>(np * 8 + mp * 4 + 32 + m * np * 4);
  const lanes = <usize>(np * 64 + mp * 32 + np * 8 + 16 + n * 32 + 64 + mp * 16);
  return accBytes(n, np, mp) + max(rows, lanes);
}

// Compaction shuffles: for a 4-bit lane mask, the i8x16.swizzle that moves the selected i32 lanes to
// the front, in order (the rest is don't-care). Stores of compacted vectors at the running count
// then build index lists without data-dependent branches.
const COMPACT = memory.data<u8>([
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  4, 5, 6, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 1, 2, 3, 4, 5, 6, 7, 0, 0, 0, 0, 0, 0, 0, 0,
  8, 9, 10, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 1, 2, 3, 8, 9, 10, 11, 0, 0, 0, 0, 0, 0, 0, 0,
  4, 5, 6, 7, 8, 9, 10, 11, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0, 0, 0, 0,
  12, 13, 14, 15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 1, 2, 3, 12, 13, 14, 15, 0, 0, 0, 0, 0, 0, 0, 0,
  4, 5, 6, 7, 12, 13, 14, 15, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15, 0, 0, 0, 0,
  8, 9, 10, 11, 12, 13, 14, 15, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 0, 0, 0, 0,
  4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 0, 0, 0,
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
]);

// Vector constants, loaded from memory once per function: V8 rematerialises a v128.const at every use
// inside a loop (up to 5 instructions), binaryen would fold a local initialised from v128.const back.
const LANE_CONST = memory.data<u32>([
  0x3f800000, 0x3f800000, 0x3f800000, 0x3f800000, // 1
  0x5bd1e995, 0x5bd1e995, 0x5bd1e995, 0x5bd1e995, // row salt
  0, 1, 2, 3, // iota
  4, 4, 4, 4, // four
  0x3f7fffff, 0x3f7fffff, 0x3f7fffff, 0x3f7fffff, // 1 − 2^-24
]);

// ---- sampling (row kernel) ----------------------------------------------------------------------

/**
 * Samples one row: dense target row `xrow` (np, zero where absent), for the abs model the dense signed
 * inputs `xs` (otherwise they equal xrow), and the present features' indices `idx` in ascending order.
 * Returns how many are present.
 */
// @ts-ignore: decorator
@inline function sampleRow(
  np: i32, abs: bool, allOwn: bool, lead: usize, lo: usize, width: usize, always: usize, feat: usize, own: usize, vsc: usize,
  rp: u32, rv: u32, xrow: usize, idx: usize, xs: usize,
): i32 {
  let cnt = 0;
  if (ASC_FEATURE_SIMD) {
    const vrp = i32x4.splat(rp), vrv = i32x4.splat(rv);
    const k1 = v128.load(MIX_K), k2 = v128.load(MIX_K, 16);
    const one = v128.load(LANE_CONST), four = v128.load(LANE_CONST, 48), onem = v128.load(LANE_CONST, 64);
    let cv = v128.load(LANE_CONST, 32); // c + (0, 1, 2, 3)
    for (let c = 0; c < np; c += 4) {
      const o = <usize>c << 2;
      const p = mix32x4k(i32x4.add(vrp, v128.load(lead + o)), k1, k2);
      const pres = v128.or(i32x4.lt_s(i32x4.sub(p, v128.load(lo + o)), v128.load(width + o)), v128.load(always + o));
      // The value word: P itself for independent features (no value hash when no set member exists).
      let u = p;
      if (!allOwn) u = v128.bitselect(p, mix32x4k(i32x4.add(vrv, v128.load(feat + o)), k1, k2), v128.load(own + o));
      // pmin (one instruction; min's NaN/−0 handling is moot: x ≥ +0, never NaN) = min here.
      let x = f32x4.pmin(f32x4.mul(f32x4.convert_i32x4_s(i32x4.shr_u(u, 1)), v128.load(vsc + o)), onem);
      let t = x;
      if (abs) {
        x = f32x4.sub(f32x4.add(x, x), one);
        t = f32x4.abs(x);
        v128.store(xs + o, v128.and(x, pres));
      }
      v128.store(xrow + o, v128.and(t, pres));
      const mask = i32x4.bitmask(pres);
      v128.store(idx + (<usize>cnt << 2), i8x16.swizzle(cv, v128.load(COMPACT + (<usize>mask << 4))));
      cnt += popcnt(mask);
      cv = i32x4.add(cv, four);
    }
  } else {
    const onem = reinterpret<f32>(0x3f7fffff);
    for (let f = 0; f < np; f++) {
      const o = <usize>f << 2;
      const p = mix32(rp + load<u32>(lead + o));
      const present = load<i32>(always + o) != 0 || <i32>(p - load<u32>(lo + o)) < load<i32>(width + o);
      const u = allOwn || load<i32>(own + o) != 0 ? p : mix32(rv + load<u32>(feat + o));
      const y: f32 = <f32>(<i32>(u >>> 1)) * load<f32>(vsc + o);
      let x: f32 = onem < y ? onem : y;
      let t = x;
      if (abs) {
        x = (x + x) - <f32>1;
        t = Mathf.abs(x);
        store<f32>(xs + o, present ? x : 0);
      }
      store<f32>(xrow + o, present ? t : 0);
      store<i32>(idx + (<usize>cnt << 2), f);
      cnt += <i32>present;
    }
  }
  return cnt;
}

// Specialised copies of sampleRow for the row kernel (abs × allOwn constant, so neither flag is tested
// per group); binaryen inlines each into its one caller, rowsSparse. (Kept out of line by a second
// caller they measured ~10% slower.)
function sampleRowPlain(
  np: i32, lead: usize, lo: usize, width: usize, always: usize, feat: usize, own: usize, vsc: usize,
  rp: u32, rv: u32, xrow: usize, idx: usize, xs: usize,
): i32 {
  return sampleRow(np, false, true, lead, lo, width, always, feat, own, vsc, rp, rv, xrow, idx, xs);
}
function sampleRowSets(
  np: i32, lead: usize, lo: usize, width: usize, always: usize, feat: usize, own: usize, vsc: usize,
  rp: u32, rv: u32, xrow: usize, idx: usize, xs: usize,
): i32 {
  return sampleRow(np, false, false, lead, lo, width, always, feat, own, vsc, rp, rv, xrow, idx, xs);
}
function sampleRowAbsPlain(
  np: i32, lead: usize, lo: usize, width: usize, always: usize, feat: usize, own: usize, vsc: usize,
  rp: u32, rv: u32, xrow: usize, idx: usize, xs: usize,
): i32 {
  return sampleRow(np, true, true, lead, lo, width, always, feat, own, vsc, rp, rv, xrow, idx, xs);
}
function sampleRowAbsSets(
  np: i32, lead: usize, lo: usize, width: usize, always: usize, feat: usize, own: usize, vsc: usize,
  rp: u32, rv: u32, xrow: usize, idx: usize, xs: usize,
): i32 {
  return sampleRow(np, true, false, lead, lo, width, always, feat, own, vsc, rp, rv, xrow, idx, xs);
}

// ---- row kernel: forward ----------------------------------------------------------------------

// @ts-ignore: decorator
@inline function storeSplats(hs: usize, v: v128): void {
  v128.store(hs, v128.shuffle<f32>(v, v, 0, 0, 0, 0));
  v128.store(hs, v128.shuffle<f32>(v, v, 1, 1, 1, 1), 16);
  v128.store(hs, v128.shuffle<f32>(v, v, 2, 2, 2, 2), 32);
  v128.store(hs, v128.shuffle<f32>(v, v, 3, 3, 3, 3), 48);
}

/** hpre/h/hs for hidden columns kb … kb + 4·nv − 1 (nv ≤ 5 vectors kept in registers). */
// @ts-ignore: decorator
@inline function encodeBlock(
  enc: usize, rowBytes: usize, idx: usize, xs: usize, cnt: i32, slot: usize, np: i32, mp: i32, kb: i32, nv: i32, hidRelu: bool,
): void {
  const off = <usize>kb << 2;
  const zero = f32x4.splat(0);
  let a0 = zero, a1 = zero, a2 = zero, a3 = zero, a4 = zero;
  const base = enc + off;
  for (let t = 0; t < cnt; t++) {
    const j = <usize>load<i32>(idx + (<usize>t << 2));
    const e = base + j * rowBytes;
    const xv = v128.load32_splat(xs + (j << 2));
    a0 = f32x4.add(a0, f32x4.mul(xv, v128.load(e)));
    if (nv > 1) a1 = f32x4.add(a1, f32x4.mul(xv, v128.load(e, 16)));
    if (nv > 2) a2 = f32x4.add(a2, f32x4.mul(xv, v128.load(e, 32)));
    if (nv > 3) a3 = f32x4.add(a3, f32x4.mul(xv, v128.load(e, 48)));
    if (nv > 4) a4 = f32x4.add(a4, f32x4.mul(xv, v128.load(e, 64)));
  }
  const hpre = slot + offHpre(np) + off, h = slot + offH(np, mp) + off, hs = slot + offHs(np, mp) + (off << 2);
  v128.store(hpre, a0);
  if (hidRelu) a0 = f32x4.max(a0, zero);
  v128.store(h, a0);
  storeSplats(hs, a0);
  if (nv > 1) {
    v128.store(hpre, a1, 16);
    if (hidRelu) a1 = f32x4.max(a1, zero);
    v128.store(h, a1, 16);
    storeSplats(hs + 64, a1);
  }
  if (nv > 2) {
    v128.store(hpre, a2, 32);
    if (hidRelu) a2 = f32x4.max(a2, zero);
    v128.store(h, a2, 32);
    storeSplats(hs + 128, a2);
  }
  if (nv > 3) {
    v128.store(hpre, a3, 48);
    if (hidRelu) a3 = f32x4.max(a3, zero);
    v128.store(h, a3, 48);
    storeSplats(hs + 192, a3);
  }
  if (nv > 4) {
    v128.store(hpre, a4, 64);
    if (hidRelu) a4 = f32x4.max(a4, zero);
    v128.store(h, a4, 64);
    storeSplats(hs + 256, a4);
  }
}

/** hpre = Σ_t xs[idx_t]·enc[idx_t] (ascending t, from +0); h = relu(hpre) or hpre; hs = splats of h. */
function encodeRow(enc: usize, np: i32, mp: i32, hidRelu: bool, abs: bool, slot: usize, cnt: i32): void {
  const idx = slot + offIdx(np), xs = abs ? slot + offXs(np) : slot;
  const hpre = slot + offHpre(np), h = slot + offH(np, mp);
  const rowBytes = <usize>mp << 2;
  if (ASC_FEATURE_SIMD) {
    let kb = 0;
    for (; kb + 20 <= mp; kb += 20) encodeBlock(enc, rowBytes, idx, xs, cnt, slot, np, mp, kb, 5, hidRelu);
    const rest = (mp - kb) >> 2;
    if (rest == 4) encodeBlock(enc, rowBytes, idx, xs, cnt, slot, np, mp, kb, 4, hidRelu);
    else if (rest == 1) encodeBlock(enc, rowBytes, idx, xs, cnt, slot, np, mp, kb, 1, hidRelu);
    else if (rest == 2) encodeBlock(enc, rowBytes, idx, xs, cnt, slot, np, mp, kb, 2, hidRelu);
    else if (rest == 3) encodeBlock(enc, rowBytes, idx, xs, cnt, slot, np, mp, kb, 3, hidRelu);
  } else {
    for (let k = 0; k < mp; k++) store<f32>(hpre + (<usize>k << 2), 0);
    for (let t = 0; t < cnt; t++) {
      const j = <usize>load<i32>(idx + (<usize>t << 2));
      const e = enc + j * rowBytes;
      const xv = load<f32>(xs + (j << 2));
      for (let k = 0; k < mp; k++) {
        const o = <usize>k << 2;
        store<f32>(hpre + o, load<f32>(hpre + o) + xv * load<f32>(e + o));
      }
    }
    for (let k = 0; k < mp; k++) {
      const o = <usize>k << 2;
      const v = load<f32>(hpre + o);
      store<f32>(h + o, hidRelu ? max<f32>(v, 0) : v);
    }
  }
}

/** out_s = b + Σ_k h_s[k]·decT[k] for the first `rows` slots. */
function decodeBlock(b: usize, decT: usize, np: i32, mp: i32, m: i32, scr: usize, rows: i32): void {
  const sb = slotBytes(np, mp);
  const hsOff = offHs(np, mp), outOff = offOut(np, mp);
  const rowBytes = <usize>np << 2;
  if (ASC_FEATURE_SIMD) {
    const hs0 = scr + hsOff, hs1 = hs0 + sb, hs2 = hs1 + sb, hs3 = hs2 + sb;
    const o0 = scr + outOff, o1 = o0 + sb, o2 = o1 + sb, o3 = o2 + sb;
    let i = 0;
    for (; i + 8 <= np; i += 8) {
      const oi = <usize>i << 2;
      let a0 = v128.load(b + oi), a1 = a0, a2 = a0, a3 = a0;
      let c0 = v128.load(b + oi, 16), c1 = c0, c2 = c0, c3 = c0;
      let d = decT + oi;
      for (let k = 0; k < m; k++) {
        const w0 = v128.load(d), w1 = v128.load(d, 16);
        const ok = <usize>k << 4;
        const s0 = v128.load(hs0 + ok), s1 = v128.load(hs1 + ok), s2 = v128.load(hs2 + ok), s3 = v128.load(hs3 + ok);
        a0 = f32x4.add(a0, f32x4.mul(s0, w0));
        a1 = f32x4.add(a1, f32x4.mul(s1, w0));
        a2 = f32x4.add(a2, f32x4.mul(s2, w0));
        a3 = f32x4.add(a3, f32x4.mul(s3, w0));
        c0 = f32x4.add(c0, f32x4.mul(s0, w1));
        c1 = f32x4.add(c1, f32x4.mul(s1, w1));
        c2 = f32x4.add(c2, f32x4.mul(s2, w1));
        c3 = f32x4.add(c3, f32x4.mul(s3, w1));
        d += rowBytes;
      }
      v128.store(o0 + oi, a0);
      v128.store(o1 + oi, a1);
      v128.store(o2 + oi, a2);
      v128.store(o3 + oi, a3);
      v128.store(o0 + oi, c0, 16);
      v128.store(o1 + oi, c1, 16);
      v128.store(o2 + oi, c2, 16);
      v128.store(o3 + oi, c3, 16);
    }
    for (; i < np; i += 4) {
      const oi = <usize>i << 2;
      let a0 = v128.load(b + oi), a1 = a0, a2 = a0, a3 = a0;
      let d = decT + oi;
      for (let k = 0; k < m; k++) {
        const w0 = v128.load(d);
        const ok = <usize>k << 4;
        a0 = f32x4.add(a0, f32x4.mul(v128.load(hs0 + ok), w0));
        a1 = f32x4.add(a1, f32x4.mul(v128.load(hs1 + ok), w0));
        a2 = f32x4.add(a2, f32x4.mul(v128.load(hs2 + ok), w0));
        a3 = f32x4.add(a3, f32x4.mul(v128.load(hs3 + ok), w0));
        d += rowBytes;
      }
      v128.store(o0 + oi, a0);
      v128.store(o1 + oi, a1);
      v128.store(o2 + oi, a2);
      v128.store(o3 + oi, a3);
    }
  } else {
    const hOff = offH(np, mp);
    for (let s = 0; s < rows; s++) {
      const slot = scr + <usize>s * sb;
      const h = slot + hOff, out = slot + outOff;
      for (let i = 0; i < np; i++) {
        const oi = <usize>i << 2;
        let acc = load<f32>(b + oi);
        let d = decT + oi;
        for (let k = 0; k < m; k++) {
          acc += load<f32>(h + (<usize>k << 2)) * load<f32>(d);
          d += rowBytes;
        }
        store<f32>(out + oi, acc);
      }
    }
  }
}

// ---- row kernel: backward ---------------------------------------------------------------------

/**
 * Hidden columns kb … kb + 4·nv − 1 of the backward pass of one row: gh over the active outputs
 * (updating GD on the way), the hidden-ReLU mask, then GE over the present inputs.
 */
// @ts-ignore: decorator
@inline function backwardBlock(
  dec: usize, gdec: usize, genc: usize, rowBytes: usize, act: usize, gact: usize, na: i32,
  idx: usize, xs: usize, cnt: i32, h: usize, hpre: usize, kb: i32, nv: i32, hidRelu: bool,
): void {
  const off = <usize>kb << 2;
  const zero = f32x4.splat(0);
  const hb = h + off;
  const h0 = v128.load(hb);
  const h1 = nv > 1 ? v128.load(hb, 16) : zero;
  const h2 = nv > 2 ? v128.load(hb, 32) : zero;
  const h3 = nv > 3 ? v128.load(hb, 48) : zero;
  const h4 = nv > 4 ? v128.load(hb, 64) : zero;
  let a0 = zero, a1 = zero, a2 = zero, a3 = zero, a4 = zero;
  const dbase = dec + off, gbase = gdec + off;
  for (let t = 0; t < na; t++) {
    const i = <usize>load<i32>(act + (<usize>t << 2));
    const gi = v128.load32_splat(gact + (i << 2));
    const row = i * rowBytes;
    const d = dbase + row, gd = gbase + row;
    a0 = f32x4.add(a0, f32x4.mul(gi, v128.load(d)));
    v128.store(gd, f32x4.add(v128.load(gd), f32x4.mul(gi, h0)));
    if (nv > 1) {
      a1 = f32x4.add(a1, f32x4.mul(gi, v128.load(d, 16)));
      v128.store(gd, f32x4.add(v128.load(gd, 16), f32x4.mul(gi, h1)), 16);
    }
    if (nv > 2) {
      a2 = f32x4.add(a2, f32x4.mul(gi, v128.load(d, 32)));
      v128.store(gd, f32x4.add(v128.load(gd, 32), f32x4.mul(gi, h2)), 32);
    }
    if (nv > 3) {
      a3 = f32x4.add(a3, f32x4.mul(gi, v128.load(d, 48)));
      v128.store(gd, f32x4.add(v128.load(gd, 48), f32x4.mul(gi, h3)), 48);
    }
    if (nv > 4) {
      a4 = f32x4.add(a4, f32x4.mul(gi, v128.load(d, 64)));
      v128.store(gd, f32x4.add(v128.load(gd, 64), f32x4.mul(gi, h4)), 64);
    }
  }
  if (hidRelu) {
    const hp = hpre + off;
    a0 = v128.and(a0, f32x4.gt(v128.load(hp), zero));
    if (nv > 1) a1 = v128.and(a1, f32x4.gt(v128.load(hp, 16), zero));
    if (nv > 2) a2 = v128.and(a2, f32x4.gt(v128.load(hp, 32), zero));
    if (nv > 3) a3 = v128.and(a3, f32x4.gt(v128.load(hp, 48), zero));
    if (nv > 4) a4 = v128.and(a4, f32x4.gt(v128.load(hp, 64), zero));
  }
  const ebase = genc + off;
  for (let t = 0; t < cnt; t++) {
    const j = <usize>load<i32>(idx + (<usize>t << 2));
    const ge = ebase + j * rowBytes;
    const xv = v128.load32_splat(xs + (j << 2));
    v128.store(ge, f32x4.add(v128.load(ge), f32x4.mul(xv, a0)));
    if (nv > 1) v128.store(ge, f32x4.add(v128.load(ge, 16), f32x4.mul(xv, a1)), 16);
    if (nv > 2) v128.store(ge, f32x4.add(v128.load(ge, 32), f32x4.mul(xv, a2)), 32);
    if (nv > 3) v128.store(ge, f32x4.add(v128.load(ge, 48), f32x4.mul(xv, a3)), 48);
    if (nv > 4) v128.store(ge, f32x4.add(v128.load(ge, 64), f32x4.mul(xv, a4)), 64);
  }
}

/**
 * Loss lanes, output gradient, bias gradient and the sparse weight-gradient accumulation of one row,
 * into the lane-q copies gdec, genc, gb, lq (the row's L[q]).
 */
// @ts-ignore: decorator
@inline function backwardRow(
  np: i32, mp: i32, outRelu: bool, hidRelu: bool, abs: bool, imp: usize, gb: usize, dec: usize, gdec: usize, genc: usize,
  slot: usize, cnt: i32, act: usize, lq: usize, upto: i32,
): void {
  const xrow = slot, idx = slot + offIdx(np), xs = abs ? slot + offXs(np) : slot;
  const hpre = slot + offHpre(np), h = slot + offH(np, mp), out = slot + offOut(np, mp);
  const gact = act + (<usize>np << 2);
  const rowBytes = <usize>mp << 2;
  let na = 0;
  if (ASC_FEATURE_SIMD) {
    const four = v128.load(LANE_CONST, 48);
    const zero = i32x4.sub(four, four);
    let cv = v128.load(LANE_CONST, 32); // c + (0, 1, 2, 3)
    let ln = v128.load(lq);
    for (let c = 0; c < np; c += 4) {
      const o = <usize>c << 2;
      const ov = v128.load(out + o);
      // pmax (one instruction) instead of max: they differ only at ov = −0 (y = −0, not +0), where err,
      // ie are ±0 either way and every accumulated term is +0 (g is masked by ov > 0): same bits.
      const y = outRelu ? f32x4.pmax(ov, zero) : ov;
      const err = f32x4.sub(y, v128.load(xrow + o));
      const ie = f32x4.mul(v128.load(imp + o), err);
      ln = f32x4.add(ln, f32x4.mul(ie, err));
      const g = outRelu ? v128.and(ie, f32x4.gt(ov, zero)) : ie;
      v128.store(gb + o, f32x4.add(v128.load(gb + o), g));
      v128.store(gact + o, g);
      const mask = i32x4.bitmask(f32x4.ne(g, zero));
      v128.store(act + (<usize>na << 2), i8x16.swizzle(cv, v128.load(COMPACT + (<usize>mask << 4))));
      na += popcnt(mask);
      cv = i32x4.add(cv, four);
    }
    v128.store(lq, ln);
    if (upto < 3) return;
    let kb = 0;
    for (; kb + 20 <= mp; kb += 20) backwardBlock(dec, gdec, genc, rowBytes, act, gact, na, idx, xs, cnt, h, hpre, kb, 5, hidRelu);
    const rest = (mp - kb) >> 2;
    if (rest == 4) backwardBlock(dec, gdec, genc, rowBytes, act, gact, na, idx, xs, cnt, h, hpre, kb, 4, hidRelu);
    else if (rest == 1) backwardBlock(dec, gdec, genc, rowBytes, act, gact, na, idx, xs, cnt, h, hpre, kb, 1, hidRelu);
    else if (rest == 2) backwardBlock(dec, gdec, genc, rowBytes, act, gact, na, idx, xs, cnt, h, hpre, kb, 2, hidRelu);
    else if (rest == 3) backwardBlock(dec, gdec, genc, rowBytes, act, gact, na, idx, xs, cnt, h, hpre, kb, 3, hidRelu);
  } else {
    for (let i = 0; i < np; i++) {
      const o = <usize>i << 2;
      const ov = load<f32>(out + o);
      const y = outRelu ? max<f32>(ov, 0) : ov;
      const err = y - load<f32>(xrow + o);
      const ie = load<f32>(imp + o) * err;
      const lo = lq + (<usize>(i & 3) << 2);
      store<f32>(lo, load<f32>(lo) + ie * err);
      const g: f32 = outRelu ? (ov > 0 ? ie : 0) : ie;
      store<f32>(gb + o, load<f32>(gb + o) + g);
      store<f32>(gact + o, g);
      store<i32>(act + (<usize>na << 2), i);
      na += <i32>(g != 0);
    }
    if (upto < 3) return;
    const gh = gact + (<usize>np << 2); // scalar build: gh (mp floats) after gact
    for (let k = 0; k < mp; k++) store<f32>(gh + (<usize>k << 2), 0);
    for (let t = 0; t < na; t++) {
      const i = <usize>load<i32>(act + (<usize>t << 2));
      const gi = load<f32>(gact + (i << 2));
      const d = dec + i * rowBytes, gd = gdec + i * rowBytes;
      for (let k = 0; k < mp; k++) {
        const o = <usize>k << 2;
        store<f32>(gh + o, load<f32>(gh + o) + gi * load<f32>(d + o));
        store<f32>(gd + o, load<f32>(gd + o) + gi * load<f32>(h + o));
      }
    }
    if (hidRelu) {
      for (let k = 0; k < mp; k++) {
        const o = <usize>k << 2;
        if (!(load<f32>(hpre + o) > 0)) store<f32>(gh + o, 0);
      }
    }
    for (let t = 0; t < cnt; t++) {
      const j = <usize>load<i32>(idx + (<usize>t << 2));
      const ge = genc + j * rowBytes;
      const xv = load<f32>(xs + (j << 2));
      for (let k = 0; k < mp; k++) {
        const o = <usize>k << 2;
        store<f32>(ge + o, load<f32>(ge + o) + xv * load<f32>(gh + o));
      }
    }
  }
}

// backwardRow specialised on the output ReLU and abs (the model kinds: relu-output, relu-hidden, abs
// have outRelu; linear has not), so neither is tested per output.
function backwardRowRelu(
  np: i32, mp: i32, hidRelu: bool, imp: usize, gb: usize, dec: usize, gdec: usize, genc: usize, slot: usize, cnt: i32, act: usize, lq: usize, upto: i32,
): void {
  backwardRow(np, mp, true, hidRelu, false, imp, gb, dec, gdec, genc, slot, cnt, act, lq, upto);
}
function backwardRowAbs(
  np: i32, mp: i32, imp: usize, gb: usize, dec: usize, gdec: usize, genc: usize, slot: usize, cnt: i32, act: usize, lq: usize, upto: i32,
): void {
  backwardRow(np, mp, true, true, true, imp, gb, dec, gdec, genc, slot, cnt, act, lq, upto);
}
function backwardRowLinear(
  np: i32, mp: i32, imp: usize, gb: usize, dec: usize, gdec: usize, genc: usize, slot: usize, cnt: i32, act: usize, lq: usize, upto: i32,
): void {
  backwardRow(np, mp, false, false, false, imp, gb, dec, gdec, genc, slot, cnt, act, lq, upto);
}

/** One row's backwardRow with its lane-q accumulators (s: the row's slot in the block). */
// @ts-ignore: decorator
@inline function backwardSlot(
  np: i32, mp: i32, outRelu: bool, hidRelu: bool, abs: bool, imp: usize, gbAcc: usize, dec: usize, gdAcc: usize, geAcc: usize,
  P: usize, scr: usize, sb: usize, s: i32, cntArr: usize, rowArr: usize, act: usize, lAcc: usize, upto: i32,
): void {
  const q = <usize>load<i32>(rowArr + (<usize>s << 2));
  const gb = gbAcc + q * (<usize>np << 2), gd = gdAcc + q * P, ge = geAcc + q * P, lq = lAcc + (q << 4);
  const slot = scr + <usize>s * sb, cnt = load<i32>(cntArr + (<usize>s << 2));
  if (abs) backwardRowAbs(np, mp, imp, gb, dec, gd, ge, slot, cnt, act, lq, upto);
  else if (outRelu) backwardRowRelu(np, mp, hidRelu, imp, gb, dec, gd, ge, slot, cnt, act, lq, upto);
  else backwardRowLinear(np, mp, imp, gb, dec, gd, ge, slot, cnt, act, lq, upto);
}

/** All rows of a step with the row kernel (sparse over present inputs and active outputs). */
function rowsSparse(ctx: usize, sP: u32, sV: u32, acc: usize, scr: usize, upto: i32): void {
  const n = ci(ctx, C_N), m = ci(ctx, C_M), np = ci(ctx, C_NP), mp = ci(ctx, C_MP), batch = ci(ctx, C_BATCH);
  const flags = ci(ctx, C_FLAGS);
  const outRelu = (flags & F_OUT_RELU) != 0, hidRelu = (flags & F_HID_RELU) != 0, abs = (flags & F_ABS) != 0;
  const allOwn = (flags & F_ALL_OWN) != 0;
  const enc = cp(ctx, C_ENC), dec = cp(ctx, C_DEC), b = cp(ctx, C_B), imp = cp(ctx, C_IMP);
  const lead = cp(ctx, C_LEAD), lo = cp(ctx, C_LO), width = cp(ctx, C_WIDTH), always = cp(ctx, C_ALWAYS), feat = cp(ctx, C_FEAT), own = cp(ctx, C_OWN), vsc = cp(ctx, C_VSCALE);
  const P = <usize>n * <usize>mp << 2;
  const gdAcc = acc, geAcc = acc + 4 * P, gbAcc = geAcc + 4 * P, lAcc = gbAcc + (<usize>np << 4), emptyAcc = lAcc + 64;
  const sb = slotBytes(np, mp);
  const act = scr + sb * R;
  const cntArr = act + (<usize>np << 3) + (<usize>mp << 2), rowArr = cntArr + 16, decT = rowArr + 16;
  // decT[k][i] = dec[i][k] (padding columns i ≥ n zero).
  memory.fill(decT, 0, <usize>m * <usize>np << 2);
  for (let i = 0; i < n; i++) {
    const row = dec + <usize>i * <usize>mp * 4;
    for (let k = 0; k < m; k++) store<f32>(decT + ((<usize>k * <usize>np + <usize>i) << 2), load<f32>(row + (<usize>k << 2)));
  }
  let filled = 0;
  for (let r = 0; r < batch; r++) {
    const slot = scr + <usize>filled * sb;
    const t = mix32(<u32>r ^ 0x5bd1e995);
    const rp = mix32(sP ^ t), rv = mix32(sV ^ t), ix = slot + offIdx(np), vl = slot + offXs(np);
    const cnt = abs
      ? (allOwn
        ? sampleRowAbsPlain(np, lead, lo, width, always, feat, own, vsc, rp, rv, slot, ix, vl)
        : sampleRowAbsSets(np, lead, lo, width, always, feat, own, vsc, rp, rv, slot, ix, vl))
      : (allOwn
        ? sampleRowPlain(np, lead, lo, width, always, feat, own, vsc, rp, rv, slot, ix, vl)
        : sampleRowSets(np, lead, lo, width, always, feat, own, vsc, rp, rv, slot, ix, vl));
    if (cnt == 0) {
      const e = emptyAcc + (<usize>(r & 3) << 2);
      store<i32>(e, load<i32>(e) + 1);
      continue;
    }
    if (upto < 2) continue;
    store<i32>(cntArr + (<usize>filled << 2), cnt);
    store<i32>(rowArr + (<usize>filled << 2), r & 3);
    encodeRow(enc, np, mp, hidRelu, abs, slot, cnt);
    filled++;
    if (filled == R || r == batch - 1) {
      decodeBlock(b, decT, np, mp, m, scr, filled);
      for (let s = 0; s < filled; s++) {
        backwardSlot(np, mp, outRelu, hidRelu, abs, imp, gbAcc, dec, gdAcc, geAcc, P, scr, sb, s, cntArr, rowArr, act, lAcc, upto);
      }
      filled = 0;
    }
  }
  if (filled > 0) {
    decodeBlock(b, decT, np, mp, m, scr, filled);
    for (let s = 0; s < filled; s++) {
      backwardSlot(np, mp, outRelu, hidRelu, abs, imp, gbAcc, dec, gdAcc, geAcc, P, scr, sb, s, cntArr, rowArr, act, lAcc, upto);
    }
  }
}

// ---- lane kernel (SIMD build only): four rows in the four lanes --------------------------------

/**
 * Samples the features of rows r0 … r0+3 into xin (signed inputs) and, for the abs model, xt
 * (targets |x|); `ft` is the interleaved per-feature table {lead, loB, widthB, always, feat, own,
 * vscale} (32 bytes a feature). Unless `dense`, appends features present in any lane to liveIn and returns their count
 * (dense: 0); `any` lanes out.
 */
// @ts-ignore: decorator
@inline function lanesSample(
  n: i32, ft: usize, rp: v128, rv: v128, valid: v128, k1: v128, k2: v128, onem: v128, one: v128,
  xin: usize, xt: usize, liveIn: usize, anyOut: usize, abs: bool, allOwn: bool, dense: bool,
): i32 {
  let any = i32x4.sub(k1, k1);
  let nin = 0;
  for (let f = 0; f < n; f++) {
    const e = ft + (<usize>f << 5);
    // Branch-free over lanes: skipping the presence hash of always-present features, or the value hash
    // where no lane is present, gives the same bits but measured slower here (0.29 → 0.35 ms/step at n=20).
    // The value word of an independent feature is its presence word; the value hash only runs (for
    // every feature, selected by the own mask) when the instance has correlated/anticorrelated sets.
    const p = mix32x4k(i32x4.add(rp, v128.load32_splat(e)), k1, k2);
    const pres = v128.and(
      v128.or(i32x4.lt_s(i32x4.sub(p, v128.load32_splat(e, 4)), v128.load32_splat(e, 8)), v128.load32_splat(e, 12)),
      valid,
    );
    let u = p;
    if (!allOwn) u = v128.bitselect(p, mix32x4k(i32x4.add(rv, v128.load32_splat(e, 16)), k1, k2), v128.load32_splat(e, 20));
    let x = f32x4.pmin(f32x4.mul(f32x4.convert_i32x4_s(i32x4.shr_u(u, 1)), v128.load32_splat(e, 24)), onem);
    const o = <usize>f << 4;
    if (abs) {
      x = f32x4.sub(f32x4.add(x, x), one);
      v128.store(xt + o, v128.and(f32x4.abs(x), pres));
    }
    v128.store(xin + o, v128.and(x, pres));
    any = v128.or(any, pres);
    if (!dense) {
      store<i32>(liveIn + (<usize>nin << 2), f);
      nin += <i32>(i32x4.bitmask(pres) != 0);
    }
  }
  v128.store(anyOut, any);
  return nin;
}

/** hpre/h for hidden units kb … kb+nk−1 (nk ≤ 8, in registers) of a group, over the live inputs. */
// @ts-ignore: decorator
@inline function lanesEncode(enc: usize, mpb: usize, xin: usize, liveIn: usize, nin: i32, hpre: usize, h: usize, kb: i32, nk: i32, hidRelu: bool): void {
  const zero = f32x4.splat(0);
  let a0 = zero, a1 = zero, a2 = zero, a3 = zero, a4 = zero, a5 = zero, a6 = zero, a7 = zero;
  const base = enc + (<usize>kb << 2);
  for (let t = 0; t < nin; t++) {
    const f = <usize>load<i32>(liveIn + (<usize>t << 2));
    const x = v128.load(xin + (f << 4));
    const e = base + f * mpb;
    a0 = f32x4.add(a0, f32x4.mul(x, v128.load32_splat(e)));
    if (nk > 1) a1 = f32x4.add(a1, f32x4.mul(x, v128.load32_splat(e, 4)));
    if (nk > 2) a2 = f32x4.add(a2, f32x4.mul(x, v128.load32_splat(e, 8)));
    if (nk > 3) a3 = f32x4.add(a3, f32x4.mul(x, v128.load32_splat(e, 12)));
    if (nk > 4) a4 = f32x4.add(a4, f32x4.mul(x, v128.load32_splat(e, 16)));
    if (nk > 5) a5 = f32x4.add(a5, f32x4.mul(x, v128.load32_splat(e, 20)));
    if (nk > 6) a6 = f32x4.add(a6, f32x4.mul(x, v128.load32_splat(e, 24)));
    if (nk > 7) a7 = f32x4.add(a7, f32x4.mul(x, v128.load32_splat(e, 28)));
  }
  const o = <usize>kb << 4;
  v128.store(hpre + o, a0);
  v128.store(h + o, hidRelu ? f32x4.max(a0, zero) : a0);
  if (nk > 1) {
    v128.store(hpre + o, a1, 16);
    v128.store(h + o, hidRelu ? f32x4.max(a1, zero) : a1, 16);
  }
  if (nk > 2) {
    v128.store(hpre + o, a2, 32);
    v128.store(h + o, hidRelu ? f32x4.max(a2, zero) : a2, 32);
  }
  if (nk > 3) {
    v128.store(hpre + o, a3, 48);
    v128.store(h + o, hidRelu ? f32x4.max(a3, zero) : a3, 48);
  }
  if (nk > 4) {
    v128.store(hpre + o, a4, 64);
    v128.store(h + o, hidRelu ? f32x4.max(a4, zero) : a4, 64);
  }
  if (nk > 5) {
    v128.store(hpre + o, a5, 80);
    v128.store(h + o, hidRelu ? f32x4.max(a5, zero) : a5, 80);
  }
  if (nk > 6) {
    v128.store(hpre + o, a6, 96);
    v128.store(h + o, hidRelu ? f32x4.max(a6, zero) : a6, 96);
  }
  if (nk > 7) {
    v128.store(hpre + o, a7, 112);
    v128.store(h + o, hidRelu ? f32x4.max(a7, zero) : a7, 112);
  }
}

/** out_i (+)= Σ_{k in kb…kb+nk−1} h_k·dec[i][k] for all i (nk ≤ 8), from b_i when kb = 0 (h in registers). */
// @ts-ignore: decorator
@inline function lanesDecode(n: i32, dec: usize, mpb: usize, b: usize, h: usize, out: usize, kb: i32, nk: i32): void {
  const ho = <usize>kb << 4;
  const h0 = v128.load(h + ho);
  const h1 = nk > 1 ? v128.load(h + ho, 16) : h0;
  const h2 = nk > 2 ? v128.load(h + ho, 32) : h0;
  const h3 = nk > 3 ? v128.load(h + ho, 48) : h0;
  const h4 = nk > 4 ? v128.load(h + ho, 64) : h0;
  const h5 = nk > 5 ? v128.load(h + ho, 80) : h0;
  const h6 = nk > 6 ? v128.load(h + ho, 96) : h0;
  const h7 = nk > 7 ? v128.load(h + ho, 112) : h0;
  let d = dec + (<usize>kb << 2);
  for (let i = 0; i < n; i++) {
    const op = out + (<usize>i << 4);
    let a = kb == 0 ? v128.load32_splat(b + (<usize>i << 2)) : v128.load(op);
    a = f32x4.add(a, f32x4.mul(h0, v128.load32_splat(d)));
    if (nk > 1) a = f32x4.add(a, f32x4.mul(h1, v128.load32_splat(d, 4)));
    if (nk > 2) a = f32x4.add(a, f32x4.mul(h2, v128.load32_splat(d, 8)));
    if (nk > 3) a = f32x4.add(a, f32x4.mul(h3, v128.load32_splat(d, 12)));
    if (nk > 4) a = f32x4.add(a, f32x4.mul(h4, v128.load32_splat(d, 16)));
    if (nk > 5) a = f32x4.add(a, f32x4.mul(h5, v128.load32_splat(d, 20)));
    if (nk > 6) a = f32x4.add(a, f32x4.mul(h6, v128.load32_splat(d, 24)));
    if (nk > 7) a = f32x4.add(a, f32x4.mul(h7, v128.load32_splat(d, 28)));
    v128.store(op, a);
    d += mpb;
  }
}

/** Loss lane, g, GB and the live-output list entry for output i (returns the lane loss term). */
// @ts-ignore: decorator
@inline function lanesOutput(
  i: i32, out: usize, xt: usize, imp: usize, any: v128, zero: v128, gbAcc: usize, gbuf: usize, outRelu: bool,
): v128 {
  const o = <usize>i << 4;
  const a = v128.load(out + o);
  const y = outRelu ? f32x4.pmax(a, zero) : a; // pmax = max here (see backwardRow)
  const err = f32x4.sub(y, v128.load(xt + o));
  const ie = f32x4.mul(v128.load32_splat(imp + (<usize>i << 2)), err);
  let g = outRelu ? v128.and(ie, f32x4.gt(a, zero)) : ie;
  g = v128.and(g, any);
  const gbp = gbAcc + o;
  v128.store(gbp, f32x4.add(v128.load(gbp), g));
  v128.store(gbuf + o, g);
  return v128.and(f32x4.mul(ie, err), any);
}

// @ts-ignore: decorator
@inline function rmw(acc: usize, off: usize, x: v128, a: v128): void {
  v128.store(acc + off, f32x4.add(v128.load(acc + off), f32x4.mul(x, a)));
}

/**
 * gh for hidden units kb … kb+nk−1 (nk ≤ 8) over the live outputs with GD updates (h from memory),
 * the hidden-ReLU mask, then GE over the live inputs.
 */
// @ts-ignore: decorator
@inline function lanesBackward(
  dec: usize, mpb: usize, gbuf: usize, liveOut: usize, nout: i32, xin: usize, liveIn: usize, nin: i32,
  hpre: usize, h: usize, gd: usize, ge: usize, kb: i32, nk: i32, hidRelu: bool,
): void {
  const zero = f32x4.splat(0);
  const ho = <usize>kb << 4;
  const hb = h + ho;
  let a0 = zero, a1 = zero, a2 = zero, a3 = zero, a4 = zero, a5 = zero, a6 = zero, a7 = zero;
  const dbase = dec + (<usize>kb << 2);
  const accRow = mpb << 2; // bytes per (i, ·) row of interleaved accumulators: mp v128
  // h in registers for small blocks (the GD stores could alias it, so the engine cannot hoist the loads).
  const hr = nk <= 6;
  const h0 = v128.load(hb);
  const h1 = hr && nk > 1 ? v128.load(hb, 16) : h0;
  const h2 = hr && nk > 2 ? v128.load(hb, 32) : h0;
  const h3 = hr && nk > 3 ? v128.load(hb, 48) : h0;
  const h4 = hr && nk > 4 ? v128.load(hb, 64) : h0;
  const h5 = hr && nk > 5 ? v128.load(hb, 80) : h0;
  for (let t = 0; t < nout; t++) {
    const i = <usize>load<i32>(liveOut + (<usize>t << 2));
    const g = v128.load(gbuf + (i << 4));
    const d = dbase + i * mpb;
    const acc = gd + i * accRow + ho;
    a0 = f32x4.add(a0, f32x4.mul(g, v128.load32_splat(d)));
    rmw(acc, 0, g, hr ? h0 : v128.load(hb));
    if (nk > 1) {
      a1 = f32x4.add(a1, f32x4.mul(g, v128.load32_splat(d, 4)));
      rmw(acc, 16, g, hr ? h1 : v128.load(hb, 16));
    }
    if (nk > 2) {
      a2 = f32x4.add(a2, f32x4.mul(g, v128.load32_splat(d, 8)));
      rmw(acc, 32, g, hr ? h2 : v128.load(hb, 32));
    }
    if (nk > 3) {
      a3 = f32x4.add(a3, f32x4.mul(g, v128.load32_splat(d, 12)));
      rmw(acc, 48, g, hr ? h3 : v128.load(hb, 48));
    }
    if (nk > 4) {
      a4 = f32x4.add(a4, f32x4.mul(g, v128.load32_splat(d, 16)));
      rmw(acc, 64, g, hr ? h4 : v128.load(hb, 64));
    }
    if (nk > 5) {
      a5 = f32x4.add(a5, f32x4.mul(g, v128.load32_splat(d, 20)));
      rmw(acc, 80, g, hr ? h5 : v128.load(hb, 80));
    }
    if (nk > 6) {
      a6 = f32x4.add(a6, f32x4.mul(g, v128.load32_splat(d, 24)));
      rmw(acc, 96, g, v128.load(hb, 96));
    }
    if (nk > 7) {
      a7 = f32x4.add(a7, f32x4.mul(g, v128.load32_splat(d, 28)));
      rmw(acc, 112, g, v128.load(hb, 112));
    }
  }
  if (hidRelu) {
    const hp = hpre + ho;
    a0 = v128.and(a0, f32x4.gt(v128.load(hp), zero));
    if (nk > 1) a1 = v128.and(a1, f32x4.gt(v128.load(hp, 16), zero));
    if (nk > 2) a2 = v128.and(a2, f32x4.gt(v128.load(hp, 32), zero));
    if (nk > 3) a3 = v128.and(a3, f32x4.gt(v128.load(hp, 48), zero));
    if (nk > 4) a4 = v128.and(a4, f32x4.gt(v128.load(hp, 64), zero));
    if (nk > 5) a5 = v128.and(a5, f32x4.gt(v128.load(hp, 80), zero));
    if (nk > 6) a6 = v128.and(a6, f32x4.gt(v128.load(hp, 96), zero));
    if (nk > 7) a7 = v128.and(a7, f32x4.gt(v128.load(hp, 112), zero));
  }
  for (let t = 0; t < nin; t++) {
    const f = <usize>load<i32>(liveIn + (<usize>t << 2));
    const x = v128.load(xin + (f << 4));
    const acc = ge + f * accRow + ho;
    rmw(acc, 0, x, a0);
    if (nk > 1) rmw(acc, 16, x, a1);
    if (nk > 2) rmw(acc, 32, x, a2);
    if (nk > 3) rmw(acc, 48, x, a3);
    if (nk > 4) rmw(acc, 64, x, a4);
    if (nk > 5) rmw(acc, 80, x, a5);
    if (nk > 6) rmw(acc, 96, x, a6);
    if (nk > 7) rmw(acc, 112, x, a7);
  }
}

/**
 * Dense mode, m ≤ 7: decode, outputs and the output side of the backward pass (gh over every output,
 * GD) in one pass over the outputs; gh is stored to `gh` (unmasked). Same operations in the same order
 * as lanesDecode, lanesOutput and lanesBackward. The dec splats are reloaded for gh and the loss lanes
 * kept in memory: held in registers they spilled (x64 has 16 vector registers).
 */
// @ts-ignore: decorator
@inline function lanesFused(
  n: i32, nk: i32, dec: usize, mpb: usize, b: usize, imp: usize, h: usize, xt: usize, gbAcc: usize, gd: usize,
  any: v128, zero: v128, lAcc4: usize, gh: usize, outRelu: bool, upto: i32,
): void {
  const h0 = v128.load(h);
  const h1 = nk > 1 ? v128.load(h, 16) : h0;
  const h2 = nk > 2 ? v128.load(h, 32) : h0;
  const h3 = nk > 3 ? v128.load(h, 48) : h0;
  const h4 = nk > 4 ? v128.load(h, 64) : h0;
  const h5 = nk > 5 ? v128.load(h, 80) : h0;
  const h6 = nk > 6 ? v128.load(h, 96) : h0;
  let a0 = zero, a1 = zero, a2 = zero, a3 = zero, a4 = zero, a5 = zero, a6 = zero;
  const back = upto >= 3;
  const accRow = mpb << 2;
  let d = dec;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 4;
    const w0 = v128.load32_splat(d);
    const w1 = nk > 1 ? v128.load32_splat(d, 4) : w0;
    const w2 = nk > 2 ? v128.load32_splat(d, 8) : w0;
    const w3 = nk > 3 ? v128.load32_splat(d, 12) : w0;
    const w4 = nk > 4 ? v128.load32_splat(d, 16) : w0;
    const w5 = nk > 5 ? v128.load32_splat(d, 20) : w0;
    const w6 = nk > 6 ? v128.load32_splat(d, 24) : w0;
    let a = f32x4.add(v128.load32_splat(b + (<usize>i << 2)), f32x4.mul(h0, w0));
    if (nk > 1) a = f32x4.add(a, f32x4.mul(h1, w1));
    if (nk > 2) a = f32x4.add(a, f32x4.mul(h2, w2));
    if (nk > 3) a = f32x4.add(a, f32x4.mul(h3, w3));
    if (nk > 4) a = f32x4.add(a, f32x4.mul(h4, w4));
    if (nk > 5) a = f32x4.add(a, f32x4.mul(h5, w5));
    if (nk > 6) a = f32x4.add(a, f32x4.mul(h6, w6));
    const y = outRelu ? f32x4.pmax(a, zero) : a; // pmax = max here (see backwardRow)
    const err = f32x4.sub(y, v128.load(xt + o));
    const ie = f32x4.mul(v128.load32_splat(imp + (<usize>i << 2)), err);
    let g = outRelu ? v128.and(ie, f32x4.gt(a, zero)) : ie;
    g = v128.and(g, any);
    const gbp = gbAcc + o;
    v128.store(gbp, f32x4.add(v128.load(gbp), g));
    const lp = lAcc4 + (<usize>(i & 3) << 4);
    v128.store(lp, f32x4.add(v128.load(lp), v128.and(f32x4.mul(ie, err), any)));
    if (back) {
      const acc = gd + <usize>i * accRow;
      a0 = f32x4.add(a0, f32x4.mul(g, v128.load32_splat(d)));
      rmw(acc, 0, g, h0);
      if (nk > 1) {
        a1 = f32x4.add(a1, f32x4.mul(g, v128.load32_splat(d, 4)));
        rmw(acc, 16, g, h1);
      }
      if (nk > 2) {
        a2 = f32x4.add(a2, f32x4.mul(g, v128.load32_splat(d, 8)));
        rmw(acc, 32, g, h2);
      }
      if (nk > 3) {
        a3 = f32x4.add(a3, f32x4.mul(g, v128.load32_splat(d, 12)));
        rmw(acc, 48, g, h3);
      }
      if (nk > 4) {
        a4 = f32x4.add(a4, f32x4.mul(g, v128.load32_splat(d, 16)));
        rmw(acc, 64, g, h4);
      }
      if (nk > 5) {
        a5 = f32x4.add(a5, f32x4.mul(g, v128.load32_splat(d, 20)));
        rmw(acc, 80, g, h5);
      }
      if (nk > 6) {
        a6 = f32x4.add(a6, f32x4.mul(g, v128.load32_splat(d, 24)));
        rmw(acc, 96, g, h6);
      }
    }
    d += mpb;
  }
  if (!back) return;
  v128.store(gh, a0);
  if (nk > 1) v128.store(gh, a1, 16);
  if (nk > 2) v128.store(gh, a2, 32);
  if (nk > 3) v128.store(gh, a3, 48);
  if (nk > 4) v128.store(gh, a4, 64);
  if (nk > 5) v128.store(gh, a5, 80);
  if (nk > 6) v128.store(gh, a6, 96);
}

/** Dense mode, m ≤ 7: the hidden-ReLU mask of gh, then GE over every input (as lanesBackward). */
// @ts-ignore: decorator
@inline function lanesDenseGE(n: i32, nk: i32, mpb: usize, xin: usize, hpre: usize, gh: usize, ge: usize, zero: v128, hidRelu: bool): void {
  let a0 = v128.load(gh);
  let a1 = nk > 1 ? v128.load(gh, 16) : zero;
  let a2 = nk > 2 ? v128.load(gh, 32) : zero;
  let a3 = nk > 3 ? v128.load(gh, 48) : zero;
  let a4 = nk > 4 ? v128.load(gh, 64) : zero;
  let a5 = nk > 5 ? v128.load(gh, 80) : zero;
  let a6 = nk > 6 ? v128.load(gh, 96) : zero;
  if (hidRelu) {
    a0 = v128.and(a0, f32x4.gt(v128.load(hpre), zero));
    if (nk > 1) a1 = v128.and(a1, f32x4.gt(v128.load(hpre, 16), zero));
    if (nk > 2) a2 = v128.and(a2, f32x4.gt(v128.load(hpre, 32), zero));
    if (nk > 3) a3 = v128.and(a3, f32x4.gt(v128.load(hpre, 48), zero));
    if (nk > 4) a4 = v128.and(a4, f32x4.gt(v128.load(hpre, 64), zero));
    if (nk > 5) a5 = v128.and(a5, f32x4.gt(v128.load(hpre, 80), zero));
    if (nk > 6) a6 = v128.and(a6, f32x4.gt(v128.load(hpre, 96), zero));
  }
  const accRow = mpb << 2;
  for (let f = 0; f < n; f++) {
    const x = v128.load(xin + (<usize>f << 4));
    const acc = ge + <usize>f * accRow;
    rmw(acc, 0, x, a0);
    if (nk > 1) rmw(acc, 16, x, a1);
    if (nk > 2) rmw(acc, 32, x, a2);
    if (nk > 3) rmw(acc, 48, x, a3);
    if (nk > 4) rmw(acc, 64, x, a4);
    if (nk > 5) rmw(acc, 80, x, a5);
    if (nk > 6) rmw(acc, 96, x, a6);
  }
}

/** Encode, decode, outputs and backward of one group for hidden units in blocks of ≤ 8 (nk = m ≤ 8: one pass). */
// @ts-ignore: decorator
@inline function lanesGroup(
  n: i32, m: i32, nk: i32, enc: usize, dec: usize, b: usize, imp: usize, mpb: usize, xin: usize, xt: usize,
  liveIn: usize, nin: i32, liveOut: usize, hpre: usize, h: usize, out: usize, gbuf: usize, gbAcc: usize,
  gd: usize, ge: usize, any: v128, zero: v128, lAcc4: usize, gh: usize, outRelu: bool, hidRelu: bool, dense: bool, upto: i32,
): void {
  // nk = 8 means "blocks of 8, then the remainder" (m > 8, only when the lane kernel is forced).
  let kb = 0;
  if (dense && nk < 8) {
    lanesEncode(enc, mpb, xin, liveIn, n, hpre, h, 0, nk, hidRelu);
    // outRelu as a constant: tested per output it cost ~8 instructions there.
    if (outRelu) lanesFused(n, nk, dec, mpb, b, imp, h, xt, gbAcc, gd, any, zero, lAcc4, gh, true, upto);
    else lanesFused(n, nk, dec, mpb, b, imp, h, xt, gbAcc, gd, any, zero, lAcc4, gh, false, upto);
    if (upto >= 3) lanesDenseGE(n, nk, mpb, xin, hpre, gh, ge, zero, hidRelu);
    return;
  }
  if (nk < 8) lanesEncode(enc, mpb, xin, liveIn, nin, hpre, h, 0, nk, hidRelu);
  else {
    for (; kb + 8 <= m; kb += 8) lanesEncode(enc, mpb, xin, liveIn, nin, hpre, h, kb, 8, hidRelu);
    for (; kb < m; kb++) lanesEncode(enc, mpb, xin, liveIn, nin, hpre, h, kb, 1, hidRelu);
  }
  if (nk < 8) lanesDecode(n, dec, mpb, b, h, out, 0, nk);
  else {
    for (kb = 0; kb + 8 <= m; kb += 8) lanesDecode(n, dec, mpb, b, h, out, kb, 8);
    for (; kb < m; kb++) lanesDecode(n, dec, mpb, b, h, out, kb, 1);
  }
  let l0 = v128.load(lAcc4), l1 = v128.load(lAcc4, 16), l2 = v128.load(lAcc4, 32), l3 = v128.load(lAcc4, 48);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    l0 = f32x4.add(l0, lanesOutput(i, out, xt, imp, any, zero, gbAcc, gbuf, outRelu));
    l1 = f32x4.add(l1, lanesOutput(i + 1, out, xt, imp, any, zero, gbAcc, gbuf, outRelu));
    l2 = f32x4.add(l2, lanesOutput(i + 2, out, xt, imp, any, zero, gbAcc, gbuf, outRelu));
    l3 = f32x4.add(l3, lanesOutput(i + 3, out, xt, imp, any, zero, gbAcc, gbuf, outRelu));
  }
  if (i < n) l0 = f32x4.add(l0, lanesOutput(i, out, xt, imp, any, zero, gbAcc, gbuf, outRelu));
  if (i + 1 < n) l1 = f32x4.add(l1, lanesOutput(i + 1, out, xt, imp, any, zero, gbAcc, gbuf, outRelu));
  if (i + 2 < n) l2 = f32x4.add(l2, lanesOutput(i + 2, out, xt, imp, any, zero, gbAcc, gbuf, outRelu));
  v128.store(lAcc4, l0);
  v128.store(lAcc4, l1, 16);
  v128.store(lAcc4, l2, 32);
  v128.store(lAcc4, l3, 48);
  if (upto < 3) return;
  let nout = n; // dense: liveOut is the identity
  if (!dense) {
    nout = 0;
    for (i = 0; i < n; i++) {
      store<i32>(liveOut + (<usize>nout << 2), i);
      nout += <i32>(i32x4.bitmask(f32x4.ne(v128.load(gbuf + (<usize>i << 4)), zero)) != 0);
    }
  }
  if (nk < 8) lanesBackward(dec, mpb, gbuf, liveOut, nout, xin, liveIn, nin, hpre, h, gd, ge, 0, nk, hidRelu);
  else {
    for (kb = 0; kb + 8 <= m; kb += 8) lanesBackward(dec, mpb, gbuf, liveOut, nout, xin, liveIn, nin, hpre, h, gd, ge, kb, 8, hidRelu);
    for (; kb < m; kb++) lanesBackward(dec, mpb, gbuf, liveOut, nout, xin, liveIn, nin, hpre, h, gd, ge, kb, 1, hidRelu);
  }
}

/**
 * All rows of a step with the lane kernel: rows 4g … 4g+3 in the lanes, over every feature (dense
 * mode, F_LANES_DENSE) or skipping inputs absent from all four rows and outputs inactive in all four
 * (exact, see header).
 * Accumulators interleaved: element e's lane q at acc + 16e + 4q. L is kept c-major here
 * (l_c = v128 over q) and stored q-major at the end.
 */
function rowsLanes(ctx: usize, sP: u32, sV: u32, acc: usize, scr: usize, upto: i32): void {
  const n = ci(ctx, C_N), m = ci(ctx, C_M), np = ci(ctx, C_NP), mp = ci(ctx, C_MP), batch = ci(ctx, C_BATCH);
  const flags = ci(ctx, C_FLAGS);
  const outRelu = (flags & F_OUT_RELU) != 0, hidRelu = (flags & F_HID_RELU) != 0, abs = (flags & F_ABS) != 0;
  const allOwn = (flags & F_ALL_OWN) != 0, dense = (flags & F_LANES_DENSE) != 0;
  const enc = cp(ctx, C_ENC), dec = cp(ctx, C_DEC), b = cp(ctx, C_B), imp = cp(ctx, C_IMP);
  const P = <usize>n * <usize>mp << 2;
  const gd = acc, ge = acc + 4 * P, gbAcc = ge + 4 * P, lAcc = gbAcc + (<usize>np << 4), emptyAcc = lAcc + 64;
  const xin = scr, xtAbs = xin + (<usize>np << 4), out = xtAbs + (<usize>np << 4), gbuf = out + (<usize>np << 4);
  const hpre = gbuf + (<usize>np << 4), h = hpre + (<usize>mp << 4);
  const liveIn = h + (<usize>mp << 4), liveOut = liveIn + (<usize>np << 2), anyAt = liveOut + (<usize>np << 2);
  const ft = anyAt + 16;
  const xt = abs ? xtAbs : xin;
  const mpb = <usize>mp << 2;
  // Interleaved sampling table.
  const lead = cp(ctx, C_LEAD), lo = cp(ctx, C_LO), width = cp(ctx, C_WIDTH), always = cp(ctx, C_ALWAYS), feat = cp(ctx, C_FEAT), own = cp(ctx, C_OWN), vsc = cp(ctx, C_VSCALE);
  for (let f = 0; f < n; f++) {
    const o = <usize>f << 2, e = ft + (<usize>f << 5);
    store<u32>(e, load<u32>(lead + o));
    store<u32>(e, load<u32>(lo + o), 4);
    store<u32>(e, load<u32>(width + o), 8);
    store<u32>(e, load<u32>(always + o), 12);
    store<u32>(e, load<u32>(feat + o), 16);
    store<u32>(e, load<u32>(own + o), 20);
    store<u32>(e, load<u32>(vsc + o), 24);
  }
  // Constants loaded from memory so that they stay in registers across the loops.
  const k1 = v128.load(MIX_K), k2 = v128.load(MIX_K, 16);
  const zero = i32x4.sub(k1, k1);
  const onem = v128.load(LANE_CONST, 64), one = v128.load(LANE_CONST), salt = v128.load(LANE_CONST, 16), iota = v128.load(LANE_CONST, 32);
  const vsP = i32x4.splat(sP), vsV = i32x4.splat(sV), vbatch = i32x4.splat(batch);
  const lAcc4 = ft + (<usize>n << 5); // c-major loss lanes during the loop
  const ghb = lAcc4 + 64; // dense mode's gh (mp v128)
  v128.store(lAcc4, zero);
  v128.store(lAcc4, zero, 16);
  v128.store(lAcc4, zero, 32);
  v128.store(lAcc4, zero, 48);
  let empty = zero;
  const ident = cp(ctx, C_IDENT);
  const lin = dense ? ident : liveIn, lout = dense ? ident : liveOut;
  const nkSel = m < 8 ? m : 8;
  for (let r0 = 0; r0 < batch; r0 += 4) {
    const rows = i32x4.add(i32x4.splat(r0), iota);
    const valid = i32x4.lt_s(rows, vbatch);
    const t = mix32x4k(v128.xor(rows, salt), k1, k2);
    const rp = mix32x4k(v128.xor(vsP, t), k1, k2);
    const rv = allOwn ? zero : mix32x4k(v128.xor(vsV, t), k1, k2); // value row keys: set members only
    // Specialised for abs × allOwn × dense (none of the flags tested per feature).
    const ns = dense
      ? (abs
        ? (allOwn ? lanesSample(n, ft, rp, rv, valid, k1, k2, onem, one, xin, xtAbs, liveIn, anyAt, true, true, true)
          : lanesSample(n, ft, rp, rv, valid, k1, k2, onem, one, xin, xtAbs, liveIn, anyAt, true, false, true))
        : (allOwn ? lanesSample(n, ft, rp, rv, valid, k1, k2, onem, one, xin, xtAbs, liveIn, anyAt, false, true, true)
          : lanesSample(n, ft, rp, rv, valid, k1, k2, onem, one, xin, xtAbs, liveIn, anyAt, false, false, true)))
      : (abs
        ? (allOwn ? lanesSample(n, ft, rp, rv, valid, k1, k2, onem, one, xin, xtAbs, liveIn, anyAt, true, true, false)
          : lanesSample(n, ft, rp, rv, valid, k1, k2, onem, one, xin, xtAbs, liveIn, anyAt, true, false, false))
        : (allOwn ? lanesSample(n, ft, rp, rv, valid, k1, k2, onem, one, xin, xtAbs, liveIn, anyAt, false, true, false)
          : lanesSample(n, ft, rp, rv, valid, k1, k2, onem, one, xin, xtAbs, liveIn, anyAt, false, false, false)));
    const any = v128.load(anyAt);
    // any ⊆ valid; empty rows are the valid lanes with nothing present.
    empty = i32x4.sub(empty, v128.andnot(valid, any));
    if (upto < 2 || !v128.any_true(any)) continue;
    const nin = dense ? n : ns;
    // One specialised copy per hidden width m ≤ 7; 8 = blocks of 8 (+ single units) for any larger m.
    switch (nkSel) {
      case 1: lanesGroup(n, m, 1, enc, dec, b, imp, mpb, xin, xt, lin, nin, lout, hpre, h, out, gbuf, gbAcc, gd, ge, any, zero, lAcc4, ghb, outRelu, hidRelu, dense, upto); break;
      case 2: lanesGroup(n, m, 2, enc, dec, b, imp, mpb, xin, xt, lin, nin, lout, hpre, h, out, gbuf, gbAcc, gd, ge, any, zero, lAcc4, ghb, outRelu, hidRelu, dense, upto); break;
      case 3: lanesGroup(n, m, 3, enc, dec, b, imp, mpb, xin, xt, lin, nin, lout, hpre, h, out, gbuf, gbAcc, gd, ge, any, zero, lAcc4, ghb, outRelu, hidRelu, dense, upto); break;
      case 4: lanesGroup(n, m, 4, enc, dec, b, imp, mpb, xin, xt, lin, nin, lout, hpre, h, out, gbuf, gbAcc, gd, ge, any, zero, lAcc4, ghb, outRelu, hidRelu, dense, upto); break;
      case 5: lanesGroup(n, m, 5, enc, dec, b, imp, mpb, xin, xt, lin, nin, lout, hpre, h, out, gbuf, gbAcc, gd, ge, any, zero, lAcc4, ghb, outRelu, hidRelu, dense, upto); break;
      case 6: lanesGroup(n, m, 6, enc, dec, b, imp, mpb, xin, xt, lin, nin, lout, hpre, h, out, gbuf, gbAcc, gd, ge, any, zero, lAcc4, ghb, outRelu, hidRelu, dense, upto); break;
      case 7: lanesGroup(n, m, 7, enc, dec, b, imp, mpb, xin, xt, lin, nin, lout, hpre, h, out, gbuf, gbAcc, gd, ge, any, zero, lAcc4, ghb, outRelu, hidRelu, dense, upto); break;
      default: lanesGroup(n, m, 8, enc, dec, b, imp, mpb, xin, xt, lin, nin, lout, hpre, h, out, gbuf, gbAcc, gd, ge, any, zero, lAcc4, ghb, outRelu, hidRelu, dense, upto);
    }
  }
  const l0 = v128.load(lAcc4), l1 = v128.load(lAcc4, 16), l2 = v128.load(lAcc4, 32), l3 = v128.load(lAcc4, 48);
  // L[q][c] (q-major) from the c-major lanes; empty counts.
  const t0 = v128.shuffle<f32>(l0, l1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(l2, l3, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(l0, l1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(l2, l3, 2, 6, 3, 7);
  v128.store(lAcc, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
  v128.store(lAcc, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), 16);
  v128.store(lAcc, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), 32);
  v128.store(lAcc, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), 48);
  v128.store(emptyAcc, empty);
}

// ---- one step's gradient ----------------------------------------------------------------------

// @ts-ignore: decorator
@inline function red(a0: f32, a1: f32, a2: f32, a3: f32): f32 {
  return (a0 + a1) + (a2 + a3);
}

/**
 * The (unscaled) gradient of step `step` into G; returns the batch loss. `upto` stops early for the
 * benchmark's phase breakdown: 1 sampling only, 2 + forward, 3 + backward.
 */
function gradStep(ctx: usize, step: i32, scr: usize, upto: i32): f32 {
  const n = ci(ctx, C_N), np = ci(ctx, C_NP), mp = ci(ctx, C_MP);
  const flags = ci(ctx, C_FLAGS);
  const outRelu = (flags & F_OUT_RELU) != 0;
  const b = cp(ctx, C_B), imp = cp(ctx, C_IMP);
  const P = <usize>n * <usize>mp << 2;
  const acc = scr, gdAcc = acc, geAcc = acc + 4 * P, gbAcc = geAcc + 4 * P, lAcc = gbAcc + (<usize>np << 4);
  const emptyAcc = lAcc + 64, eE = emptyAcc + 16, gE = eE + 16;
  memory.fill(acc, 0, gE - acc);
  // The empty row: out = b, target 0; its loss lanes eE[c] (i ≡ c mod 4, ascending) and g.
  let e0: f32 = 0, e1: f32 = 0, e2: f32 = 0, e3: f32 = 0;
  for (let i = 0; i < np; i++) {
    const o = <usize>i << 2;
    const ov = load<f32>(b + o);
    const y = outRelu ? max<f32>(ov, 0) : ov;
    const err = y - <f32>0;
    const ie = load<f32>(imp + o) * err;
    const e = ie * err;
    const l = i & 3;
    if (l == 0) e0 += e;
    else if (l == 1) e1 += e;
    else if (l == 2) e2 += e;
    else e3 += e;
    store<f32>(gE + o, outRelu ? (ov > 0 ? ie : 0) : ie);
  }
  const runKey = <u32>ci(ctx, C_RUNKEY);
  const sP = rngStepKey(runKey, <u32>step, 1), sV = rngStepKey(runKey, <u32>step, 2);
  const lanes = ASC_FEATURE_SIMD && ci(ctx, C_KERNEL) == 1;
  const kscr = gE + (<usize>np << 2);
  if (ASC_FEATURE_SIMD && lanes) rowsLanes(ctx, sP, sV, acc, kscr, upto);
  else rowsSparse(ctx, sP, sV, acc, kscr, upto);

  // Reduce the lane copies into G, gb and the loss.
  const genc = cp(ctx, C_GENC), gdec = cp(ctx, C_GDEC), gb = cp(ctx, C_GB);
  const untied = (flags & F_UNTIED) != 0;
  const len = n * mp;
  // lane (q) of element e: row kernel at base + q·size + 4e; lane kernel at base + 16e + 4q.
  const qs: usize = lanes ? 4 : P, es: usize = lanes ? 16 : 4;
  for (let e = 0; e < len; e++) {
    const pd = gdAcc + <usize>e * es, pe = geAcc + <usize>e * es;
    const d = red(load<f32>(pd), load<f32>(pd + qs), load<f32>(pd + 2 * qs), load<f32>(pd + 3 * qs));
    const x = red(load<f32>(pe), load<f32>(pe + qs), load<f32>(pe + 2 * qs), load<f32>(pe + 3 * qs));
    if (untied) {
      store<f32>(gdec + (<usize>e << 2), d);
      store<f32>(genc + (<usize>e << 2), x);
    } else {
      store<f32>(genc + (<usize>e << 2), d + x);
    }
  }
  const f0 = <f32>load<i32>(emptyAcc), f1 = <f32>load<i32>(emptyAcc, 4), f2 = <f32>load<i32>(emptyAcc, 8), f3 = <f32>load<i32>(emptyAcc, 12);
  const bqs: usize = lanes ? 4 : <usize>np << 2;
  for (let i = 0; i < np; i++) {
    const p = gbAcc + <usize>i * es;
    const ge = load<f32>(gE + (<usize>i << 2));
    store<f32>(gb + (<usize>i << 2), red(
      load<f32>(p) + f0 * ge, load<f32>(p + bqs) + f1 * ge, load<f32>(p + 2 * bqs) + f2 * ge, load<f32>(p + 3 * bqs) + f3 * ge,
    ));
  }
  const s0 = red(load<f32>(lAcc) + f0 * e0, load<f32>(lAcc, 4) + f0 * e1, load<f32>(lAcc, 8) + f0 * e2, load<f32>(lAcc, 12) + f0 * e3);
  const s1 = red(load<f32>(lAcc, 16) + f1 * e0, load<f32>(lAcc, 20) + f1 * e1, load<f32>(lAcc, 24) + f1 * e2, load<f32>(lAcc, 28) + f1 * e3);
  const s2 = red(load<f32>(lAcc, 32) + f2 * e0, load<f32>(lAcc, 36) + f2 * e1, load<f32>(lAcc, 40) + f2 * e2, load<f32>(lAcc, 44) + f2 * e3);
  const s3 = red(load<f32>(lAcc, 48) + f3 * e0, load<f32>(lAcc, 52) + f3 * e1, load<f32>(lAcc, 56) + f3 * e2, load<f32>(lAcc, 60) + f3 * e3);
  return red(s0, s1, s2, s3) / cf(ctx, C_COUNT);
}

// ---- optimiser --------------------------------------------------------------------------------

function adamArray(
  p: usize, g: usize, mm: usize, vv: usize, len: i32, gscale: f32, l2: f32, useL2: bool,
  decay: f32, stepSize: f32, bc2sqrt: f32, beta1: f32, omb1: f32, beta2: f32, omb2: f32, eps: f32,
): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vgs = f32x4.splat(gscale), vl2 = f32x4.splat(l2), vdecay = f32x4.splat(decay), vss = f32x4.splat(stepSize);
    const vbc = f32x4.splat(bc2sqrt), vb1 = f32x4.splat(beta1), vo1 = f32x4.splat(omb1), vb2 = f32x4.splat(beta2);
    const vo2 = f32x4.splat(omb2), veps = f32x4.splat(eps);
    for (; i + 4 <= len; i += 4) {
      const o = <usize>i << 2;
      let pv = v128.load(p + o);
      let gv = f32x4.mul(v128.load(g + o), vgs);
      if (useL2) gv = f32x4.add(gv, f32x4.mul(vl2, pv));
      pv = f32x4.mul(pv, vdecay);
      const mv = f32x4.add(f32x4.mul(v128.load(mm + o), vb1), f32x4.mul(gv, vo1));
      const v2 = f32x4.add(f32x4.mul(v128.load(vv + o), vb2), f32x4.mul(f32x4.mul(vo2, gv), gv));
      const den = f32x4.add(f32x4.div(f32x4.sqrt(v2), vbc), veps);
      pv = f32x4.sub(pv, f32x4.mul(vss, f32x4.div(mv, den)));
      v128.store(p + o, pv);
      v128.store(mm + o, mv);
      v128.store(vv + o, v2);
    }
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    let pv = load<f32>(p + o);
    let gv = load<f32>(g + o) * gscale;
    if (useL2) gv = gv + l2 * pv;
    pv = pv * decay;
    const mv = load<f32>(mm + o) * beta1 + gv * omb1;
    const v2 = load<f32>(vv + o) * beta2 + (omb2 * gv) * gv;
    const den = Mathf.sqrt(v2) / bc2sqrt + eps;
    pv = pv - stepSize * (mv / den);
    store<f32>(p + o, pv);
    store<f32>(mm + o, mv);
    store<f32>(vv + o, v2);
  }
}

/** One Adam(W) update from the gradient in G; `sched` points at this step's 4 f32 scalars. */
export function trainAdam(ctx: usize, sched: usize): void {
  const n = ci(ctx, C_N), mp = ci(ctx, C_MP), np = ci(ctx, C_NP), flags = ci(ctx, C_FLAGS);
  const decay = load<f32>(sched), stepSize = load<f32>(sched, 4), bc2sqrt = load<f32>(sched, 8), l2 = load<f32>(sched, 12);
  const useL2 = (flags & F_L2) != 0;
  const gs = cf(ctx, C_GSCALE), b1 = cf(ctx, C_BETA1), o1 = cf(ctx, C_OMB1), b2 = cf(ctx, C_BETA2), o2 = cf(ctx, C_OMB2), eps = cf(ctx, C_EPS);
  const len = n * mp;
  adamArray(cp(ctx, C_ENC), cp(ctx, C_GENC), cp(ctx, C_MENC), cp(ctx, C_VENC), len, gs, l2, useL2, decay, stepSize, bc2sqrt, b1, o1, b2, o2, eps);
  if (flags & F_UNTIED) {
    adamArray(cp(ctx, C_DEC), cp(ctx, C_GDEC), cp(ctx, C_MDEC), cp(ctx, C_VDEC), len, gs, l2, useL2, decay, stepSize, bc2sqrt, b1, o1, b2, o2, eps);
  }
  adamArray(cp(ctx, C_B), cp(ctx, C_GB), cp(ctx, C_MB), cp(ctx, C_VB), np, gs, l2, useL2, decay, stepSize, bc2sqrt, b1, o1, b2, o2, eps);
}

// ---- exported entry points --------------------------------------------------------------------

/**
 * Trains `steps` steps from global step `step0`: loss of step s → lossOut[s − step0] (f32), then the
 * update with sched[(s − step0)·4 …]. `upto` < 4 stops each step after a phase (benchmark only; no
 * update then). Returns 0, or −1 when scratch could not be allocated.
 */
export function trainChunk(ctx: usize, step0: i32, steps: i32, sched: usize, lossOut: usize, upto: i32): i32 {
  const mark = arenaTop();
  const scr = arenaAlloc(trainScratchBytes(ctx));
  if (scr == 0) return -1;
  for (let s = 0; s < steps; s++) {
    const loss = gradStep(ctx, step0 + s, scr, upto);
    store<f32>(lossOut + (<usize>s << 2), loss);
    if (upto >= 4) trainAdam(ctx, sched + (<usize>s << 4));
  }
  arenaRelease(mark);
  return 0;
}

/** The unscaled gradient of step `step` into G (true gradient = gscale·G); returns the loss (NaN on OOM). */
export function trainGrad(ctx: usize, step: i32): f32 {
  const mark = arenaTop();
  const scr = arenaAlloc(trainScratchBytes(ctx));
  if (scr == 0) return NaN;
  const loss = gradStep(ctx, step, scr, 4);
  arenaRelease(mark);
  return loss;
}

/**
 * Dense signed inputs of rows row0…row0+rows−1 of step `step` into out (rows×n f32), `absent` where a
 * feature is absent (0 is what the model sees; NaN lets tests see presence). Returns 0 / −1.
 */
export function trainSample(ctx: usize, step: i32, row0: i32, rows: i32, out: usize, absent: f32): i32 {
  const n = ci(ctx, C_N), np = ci(ctx, C_NP);
  const mark = arenaTop();
  const scr = arenaAlloc(<usize>np * 12 + 16);
  if (scr == 0) return -1;
  const flags = ci(ctx, C_FLAGS);
  const abs = (flags & F_ABS) != 0, allOwn = (flags & F_ALL_OWN) != 0;
  const lead = cp(ctx, C_LEAD), lo = cp(ctx, C_LO), width = cp(ctx, C_WIDTH), always = cp(ctx, C_ALWAYS), feat = cp(ctx, C_FEAT), own = cp(ctx, C_OWN), vsc = cp(ctx, C_VSCALE);
  const runKey = <u32>ci(ctx, C_RUNKEY);
  const sP = rngStepKey(runKey, <u32>step, 1), sV = rngStepKey(runKey, <u32>step, 2);
  const idx = scr + (<usize>np << 2), xs = abs ? scr + (<usize>np << 3) : scr;
  for (let r = 0; r < rows; r++) {
    const t = mix32(<u32>(row0 + r) ^ 0x5bd1e995);
    const rp = mix32(sP ^ t), rv = mix32(sV ^ t);
    const cnt = sampleRow(np, abs, allOwn, lead, lo, width, always, feat, own, vsc, rp, rv, scr, idx, xs);
    const o = out + ((<usize>r * <usize>n) << 2);
    for (let f = 0; f < n; f++) store<f32>(o + (<usize>f << 2), absent);
    for (let q = 0; q < cnt; q++) {
      const f = <usize>load<i32>(idx + (<usize>q << 2)) << 2;
      store<f32>(o + f, load<f32>(xs + f));
    }
  }
  arenaRelease(mark);
  return 0;
}
