// The matmul family, f32 row-major: C (m×n) = A·B, Aᵀ·B, A·Bᵀ, optionally accumulating into C.
//
// Semantics (shared by both builds and the twin in src/twin/matmul.ts, bit for bit): every C[i,j] is
// one sequential sum over the inner index p = 0, 1, …, k−1, starting from +0 (or from the old C[i,j]
// when accumulating), each product and each sum rounded to f32, never fused. The SIMD build
// vectorises across output columns j (f32x4 lanes over j times a splat of A's element), never across
// p, so its lanes perform exactly the scalar operations. K-blocking stores the partial sums in C (f32)
// between blocks, which changes nothing either.
//
// SIMD design (GotoBLAS-style): B is packed into KC×NR column panels and A into MR×KC row panels
// (zero-padded at the edges; transposing packs use 4×4 shuffles), and a 4×8 register-blocked
// micro-kernel walks a panel pair. V8 on x64 has 15 allocatable xmm registers and its scheduler hoists
// all of an iteration's loads to the top of the loop body, so accumulators + B vectors + A splats + one
// product must fit in 15: 4×8 gives 8 + 2 + 4 + 1. Measured at 256³ on this machine (2-core Zen 4,
// Node 20): 4×8 and 2×16 ~38–45 GFLOPS; 5×8, 6×8, 3×12, 4×16, 8×4, 12×4 spill or starve and give
// 16–26; unrolling p by 4 (four iterations of loads in flight) 22. A row tail (< MR rows) runs the same
// micro-kernel and stores only its valid rows; a column tail (< NR columns) turns the lanes around: 4
// rows per vector, 4 columns at a time, still `acc + a·b` per output in p order. All three variants
// share this: they differ only in how A and B are packed (strides), so A·Bᵀ packs Bᵀ panels.
// If the scratch cannot be allocated, the plain loops below give the same bits.
import { arenaAlloc, arenaRelease, arenaTop } from "./arena";

// @ts-ignore: decorator
@inline const MR: i32 = 4;
// @ts-ignore: decorator
@inline const NR: i32 = 8;
// @ts-ignore: decorator
@inline const KC: i32 = 256;
// @ts-ignore: decorator
@inline const MC: i32 = 128;
// @ts-ignore: decorator
@inline const NC: i32 = 512;

/** C (m×n) = A (m×k) · B (k×n); with `accumulate` ≠ 0, C += A·B. */
export function matmul(c: usize, a: usize, b: usize, m: i32, k: i32, n: i32, accumulate: i32): void {
  gemm(c, a, b, m, k, n, accumulate != 0, k, 1, n, 1);
}

/** C (m×n) = Aᵀ · B with A stored k×m and B stored k×n; with `accumulate` ≠ 0, C += Aᵀ·B. */
export function matmulAtB(c: usize, a: usize, b: usize, m: i32, k: i32, n: i32, accumulate: i32): void {
  gemm(c, a, b, m, k, n, accumulate != 0, 1, m, n, 1);
}

/** C (m×n) = A · Bᵀ with A stored m×k and B stored n×k; with `accumulate` ≠ 0, C += A·Bᵀ. */
export function matmulABt(c: usize, a: usize, b: usize, m: i32, k: i32, n: i32, accumulate: i32): void {
  gemm(c, a, b, m, k, n, accumulate != 0, k, 1, 1, k);
}

// A(i,p) is at a + (i·rsa + p·csa)·4, B(p,j) at b + (p·rsb + j·csb)·4.
function gemm(
  c: usize, a: usize, b: usize, m: i32, k: i32, n: i32, accumulate: bool,
  rsa: i32, csa: i32, rsb: i32, csb: i32,
): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate) memory.fill(c, 0, (<usize>m * <usize>n) << 2);
    return;
  }
  if (ASC_FEATURE_SIMD) {
    if (gemmSimd(c, a, b, m, k, n, accumulate, rsa, csa, rsb, csb)) return;
  }
  gemmPlain(c, a, b, m, k, n, accumulate, rsa, csa, rsb, csb);
}

// ---------------------------------------------------------------------------------------------
// Plain loops: the scalar build, and the SIMD build's fallback when scratch is unavailable.

function gemmPlain(
  c: usize, a: usize, b: usize, m: i32, k: i32, n: i32, accumulate: bool,
  rsa: i32, csa: i32, rsb: i32, csb: i32,
): void {
  const rowBytes = <usize>n << 2;
  if (csb == 1) {
    // B rows contiguous (A·B, Aᵀ·B): C's row is the accumulator, updated once per p (i-p-j order;
    // each C[i,j] still receives its products in order p = 0, 1, …).
    for (let i = 0; i < m; i++) {
      const ci = c + <usize>i * rowBytes;
      if (!accumulate) memory.fill(ci, 0, rowBytes);
      for (let p = 0; p < k; p++) {
        const aip = load<f32>(a + ((<usize>i * <usize>rsa + <usize>p * <usize>csa) << 2));
        const bp = b + ((<usize>p * <usize>rsb) << 2);
        let j = 0;
        for (; j + 4 <= n; j += 4) {
          const q = ci + (<usize>j << 2);
          const r = bp + (<usize>j << 2);
          store<f32>(q, load<f32>(q) + aip * load<f32>(r));
          store<f32>(q, load<f32>(q, 4) + aip * load<f32>(r, 4), 4);
          store<f32>(q, load<f32>(q, 8) + aip * load<f32>(r, 8), 8);
          store<f32>(q, load<f32>(q, 12) + aip * load<f32>(r, 12), 12);
        }
        for (; j < n; j++) {
          const q = ci + (<usize>j << 2);
          store<f32>(q, load<f32>(q) + aip * load<f32>(bp + (<usize>j << 2)));
        }
      }
    }
  } else {
    // A·Bᵀ: A's row and B's row are both contiguous along p: one dot product per C[i,j].
    for (let i = 0; i < m; i++) {
      const ai = a + ((<usize>i * <usize>rsa) << 2);
      const ci = c + <usize>i * rowBytes;
      for (let j = 0; j < n; j++) {
        const bj = b + ((<usize>j * <usize>csb) << 2);
        const q = ci + (<usize>j << 2);
        let acc: f32 = accumulate ? load<f32>(q) : 0;
        for (let p = 0; p < k; p++) {
          acc += load<f32>(ai + ((<usize>p * <usize>csa) << 2)) * load<f32>(bj + ((<usize>p * <usize>rsb) << 2));
        }
        store<f32>(q, acc);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// SIMD: packed panels and a 4×8 micro-kernel.

function gemmSimd(
  c: usize, a: usize, b: usize, m: i32, k: i32, n: i32, accumulate: bool,
  rsa: i32, csa: i32, rsb: i32, csb: i32,
): bool {
  const kcMax = min<i32>(k, KC);
  const ncMax = (min<i32>(n, NC) + NR - 1) / NR * NR;
  const mcMax = (min<i32>(m, MC) + MR - 1) / MR * MR;
  const mark = arenaTop();
  const bpack = arenaAlloc(<usize>kcMax * <usize>ncMax * 4);
  const apack = bpack != 0 ? arenaAlloc(<usize>mcMax * <usize>kcMax * 4) : 0;
  if (apack == 0) {
    arenaRelease(mark);
    return false;
  }
  const ldc = <usize>n << 2;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min<i32>(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min<i32>(KC, k - pc);
      const fromC = accumulate || pc > 0;
      packB(bpack, b, pc, jc, kc, nc, rsb, csb);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min<i32>(MC, m - ic);
        packA(apack, a, ic, pc, mc, kc, rsa, csa);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min<i32>(NR, nc - jr);
          const bp = bpack + <usize>jr * <usize>kc * 4;
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min<i32>(MR, mc - ir);
            const ap = apack + <usize>ir * <usize>kc * 4;
            const cp = c + <usize>(ic + ir) * ldc + (<usize>(jc + jr) << 2);
            if (nr == NR) microKernel(ap, bp, cp, ldc, kc, fromC, mr);
            else columnTail(ap, bp, cp, ldc, kc, fromC, mr, nr);
          }
        }
      }
    }
  }
  arenaRelease(mark);
  return true;
}

/** Packs B(pc…pc+kc, jc…jc+nc) into NR-wide panels: panel q holds B(p, jc+q·NR+jj) at (q·kc + p)·NR + jj. */
function packB(dst: usize, b: usize, pc: i32, jc: i32, kc: i32, nc: i32, rsb: i32, csb: i32): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = min<i32>(NR, nc - jr);
    const panel = dst + <usize>jr * <usize>kc * 4;
    if (csb == 1 && nr == NR) {
      // B rows contiguous (A·B, Aᵀ·B): one panel row is 8 consecutive floats.
      let src = b + ((<usize>pc * <usize>rsb + <usize>(jc + jr)) << 2);
      const step = <usize>rsb << 2;
      let d = panel;
      for (let p = 0; p < kc; p++) {
        v128.store(d, v128.load(src));
        v128.store(d, v128.load(src, 16), 16);
        src += step;
        d += NR * 4;
      }
    } else if (rsb == 1 && nr == NR) {
      // Bᵀ stored (A·Bᵀ): B's columns are contiguous along p; transpose 4×4 blocks.
      const step = <usize>csb << 2;
      for (let g = 0; g < NR; g += 4) {
        const src = b + ((<usize>(jc + jr + g) * <usize>csb + <usize>pc) << 2);
        transpose4(panel + (<usize>g << 2), src, step, kc, NR * 4);
      }
    } else {
      // A ragged last panel: element by element, zero-padded to NR columns.
      let d = panel;
      for (let p = 0; p < kc; p++) {
        for (let jj = 0; jj < NR; jj++) {
          store<f32>(d + (<usize>jj << 2), jj < nr ? load<f32>(b + ((<usize>(pc + p) * <usize>rsb + <usize>(jc + jr + jj) * <usize>csb) << 2)) : 0);
        }
        d += NR * 4;
      }
    }
  }
}

/** Packs A(ic…ic+mc, pc…pc+kc) into MR-tall panels: panel q holds A(ic+q·MR+ii, p) at (q·kc + p)·MR + ii. */
function packA(dst: usize, a: usize, ic: i32, pc: i32, mc: i32, kc: i32, rsa: i32, csa: i32): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const mr = min<i32>(MR, mc - ir);
    const panel = dst + <usize>ir * <usize>kc * 4;
    if (rsa == 1 && mr == MR) {
      // Aᵀ stored (Aᵀ·B): the MR values for one p are contiguous.
      let src = a + ((<usize>pc * <usize>csa + <usize>(ic + ir)) << 2);
      const step = <usize>csa << 2;
      let d = panel;
      for (let p = 0; p < kc; p++) {
        v128.store(d, v128.load(src));
        src += step;
        d += MR * 4;
      }
    } else if (csa == 1 && mr == MR) {
      // A rows contiguous along p (A·B, A·Bᵀ): transpose 4×4 blocks.
      const src = a + ((<usize>(ic + ir) * <usize>rsa + <usize>pc) << 2);
      transpose4(panel, src, <usize>rsa << 2, kc, MR * 4);
    } else {
      // A ragged last panel: element by element, zero-padded to MR rows.
      let d = panel;
      for (let p = 0; p < kc; p++) {
        for (let ii = 0; ii < MR; ii++) {
          store<f32>(d + (<usize>ii << 2), ii < mr ? load<f32>(a + ((<usize>(ic + ir + ii) * <usize>rsa + <usize>(pc + p) * <usize>csa) << 2)) : 0);
        }
        d += MR * 4;
      }
    }
  }
}

/**
 * Four source rows r (at src + r·rowStep, kc floats each) become kc destination quadruples:
 * dst + p·dstStep holds (row0[p], row1[p], row2[p], row3[p]). 4×4 blocks by shuffles, then the tail.
 */
function transpose4(dst: usize, src: usize, rowStep: usize, kc: i32, dstStep: usize): void {
  const s1 = src + rowStep;
  const s2 = src + 2 * rowStep;
  const s3 = src + 3 * rowStep;
  let p = 0;
  for (; p + 4 <= kc; p += 4) {
    const off = <usize>p << 2;
    const r0 = v128.load(src + off);
    const r1 = v128.load(s1 + off);
    const r2 = v128.load(s2 + off);
    const r3 = v128.load(s3 + off);
    const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
    const t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
    const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
    const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
    const d = dst + <usize>p * dstStep;
    v128.store(d, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
    v128.store(d + dstStep, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
    v128.store(d + 2 * dstStep, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
    v128.store(d + 3 * dstStep, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
  }
  for (; p < kc; p++) {
    const off = <usize>p << 2;
    const d = dst + <usize>p * dstStep;
    store<f32>(d, load<f32>(src + off));
    store<f32>(d, load<f32>(s1 + off), 4);
    store<f32>(d, load<f32>(s2 + off), 8);
    store<f32>(d, load<f32>(s3 + off), 12);
  }
}

/**
 * C[0…mr, 0…8] (row stride `ldc` bytes) = (fromC ? C : 0) + Σ_p Apanel[p]ᵀ · Bpanel[p], over kc steps:
 * each lane `acc = acc + a·b` in f32, p in order. Rows ≥ mr (zero padding of A) are neither read nor
 * written.
 */
// @ts-ignore: decorator
@inline function microKernel(ap: usize, bp: usize, cp: usize, ldc: usize, kc: i32, fromC: bool, mr: i32): void {
  const zero = f32x4.splat(0);
  const c1p = cp + ldc;
  const c2p = cp + 2 * ldc;
  const c3p = cp + 3 * ldc;
  let c00 = fromC ? v128.load(cp) : zero;
  let c01 = fromC ? v128.load(cp, 16) : zero;
  let c10 = fromC && mr > 1 ? v128.load(c1p) : zero;
  let c11 = fromC && mr > 1 ? v128.load(c1p, 16) : zero;
  let c20 = fromC && mr > 2 ? v128.load(c2p) : zero;
  let c21 = fromC && mr > 2 ? v128.load(c2p, 16) : zero;
  let c30 = fromC && mr > 3 ? v128.load(c3p) : zero;
  let c31 = fromC && mr > 3 ? v128.load(c3p, 16) : zero;
  const bend = bp + <usize>kc * (NR * 4);
  while (bp < bend) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    const a0 = v128.load32_splat(ap);
    c00 = f32x4.add(c00, f32x4.mul(a0, b0));
    c01 = f32x4.add(c01, f32x4.mul(a0, b1));
    const a1 = v128.load32_splat(ap, 4);
    c10 = f32x4.add(c10, f32x4.mul(a1, b0));
    c11 = f32x4.add(c11, f32x4.mul(a1, b1));
    const a2 = v128.load32_splat(ap, 8);
    c20 = f32x4.add(c20, f32x4.mul(a2, b0));
    c21 = f32x4.add(c21, f32x4.mul(a2, b1));
    const a3 = v128.load32_splat(ap, 12);
    c30 = f32x4.add(c30, f32x4.mul(a3, b0));
    c31 = f32x4.add(c31, f32x4.mul(a3, b1));
    ap += MR * 4;
    bp += NR * 4;
  }
  v128.store(cp, c00);
  v128.store(cp, c01, 16);
  if (mr > 1) {
    v128.store(c1p, c10);
    v128.store(c1p, c11, 16);
  }
  if (mr > 2) {
    v128.store(c2p, c20);
    v128.store(c2p, c21, 16);
  }
  if (mr > 3) {
    v128.store(c3p, c30);
    v128.store(c3p, c31, 16);
  }
}

/**
 * The column tail (nr < NR): lanes run over the MR rows of the A panel instead of over columns, four
 * columns at a time, `acc = acc + a·b` per lane with p in order as in the micro-kernel. Only rows < mr
 * and columns < nr are read from and written to C.
 */
function columnTail(ap: usize, bp: usize, cp: usize, ldc: usize, kc: i32, fromC: bool, mr: i32, nr: i32): void {
  for (let jj = 0; jj < nr; jj += 4) {
    const nc = nr - jj;
    const cj = cp + (<usize>jj << 2);
    let c0 = fromC ? gatherColumn(cj, ldc, mr) : f32x4.splat(0);
    let c1 = fromC && nc > 1 ? gatherColumn(cj + 4, ldc, mr) : f32x4.splat(0);
    let c2 = fromC && nc > 2 ? gatherColumn(cj + 8, ldc, mr) : f32x4.splat(0);
    let c3 = fromC && nc > 3 ? gatherColumn(cj + 12, ldc, mr) : f32x4.splat(0);
    let a = ap;
    let b = bp + (<usize>jj << 2);
    const aend = ap + <usize>kc * (MR * 4);
    while (a < aend) {
      const av = v128.load(a);
      c0 = f32x4.add(c0, f32x4.mul(av, v128.load32_splat(b)));
      c1 = f32x4.add(c1, f32x4.mul(av, v128.load32_splat(b, 4)));
      c2 = f32x4.add(c2, f32x4.mul(av, v128.load32_splat(b, 8)));
      c3 = f32x4.add(c3, f32x4.mul(av, v128.load32_splat(b, 12)));
      a += MR * 4;
      b += NR * 4;
    }
    scatterColumn(cj, ldc, mr, c0);
    if (nc > 1) scatterColumn(cj + 4, ldc, mr, c1);
    if (nc > 2) scatterColumn(cj + 8, ldc, mr, c2);
    if (nc > 3) scatterColumn(cj + 12, ldc, mr, c3);
  }
}

// @ts-ignore: decorator
@inline function gatherColumn(cp: usize, ldc: usize, mr: i32): v128 {
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(cp));
  if (mr > 1) v = f32x4.replace_lane(v, 1, load<f32>(cp + ldc));
  if (mr > 2) v = f32x4.replace_lane(v, 2, load<f32>(cp + 2 * ldc));
  if (mr > 3) v = f32x4.replace_lane(v, 3, load<f32>(cp + 3 * ldc));
  return v;
}

// @ts-ignore: decorator
@inline function scatterColumn(cp: usize, ldc: usize, mr: i32, v: v128): void {
  store<f32>(cp, f32x4.extract_lane(v, 0));
  if (mr > 1) store<f32>(cp + ldc, f32x4.extract_lane(v, 1));
  if (mr > 2) store<f32>(cp + 2 * ldc, f32x4.extract_lane(v, 2));
  if (mr > 3) store<f32>(cp + 3 * ldc, f32x4.extract_lane(v, 3));
}
