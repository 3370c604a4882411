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
// (zero-padded at the edges), and a 4×8 register-blocked micro-kernel walks a panel pair. V8 on x64
// has 15 allocatable xmm registers and its scheduler hoists all of an iteration's loads to its top, so
// the block must hold accumulators + B vectors + A splats + one product ≤ 15: 4×8 gives 8 + 2 + 4 + 1.
// Bigger blocks (5×8, 6×8, 3×12, 4×16) spill and run at 20–25 GFLOPS instead of ~38 (256³, this
// machine). Edge tiles run the same micro-kernel on a zero-padded MR×NR copy of C. All three
// variants share it: they differ only in how A and B are packed (strides), so A·Bᵀ packs Bᵀ panels.
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
  const tile = apack != 0 ? arenaAlloc(MR * NR * 4) : 0;
  if (tile == 0) {
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
            if (mr == MR && nr == NR) {
              microKernel(ap, bp, cp, ldc, kc, fromC);
            } else {
              edgeTile(ap, bp, cp, ldc, kc, fromC, tile, mr, nr);
            }
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
    if (csb == 1) {
      let src = b + ((<usize>pc * <usize>rsb + <usize>(jc + jr)) << 2);
      const step = <usize>rsb << 2;
      let d = panel;
      if (nr == NR) {
        for (let p = 0; p < kc; p++) {
          v128.store(d, v128.load(src));
          v128.store(d, v128.load(src, 16), 16);
          src += step;
          d += NR * 4;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          for (let jj = 0; jj < NR; jj++) {
            store<f32>(d + (<usize>jj << 2), jj < nr ? load<f32>(src + (<usize>jj << 2)) : 0);
          }
          src += step;
          d += NR * 4;
        }
      }
    } else {
      // Bᵀ stored (A·Bᵀ): column j of B is a contiguous row of the stored matrix.
      for (let jj = 0; jj < NR; jj++) {
        let d = panel + (<usize>jj << 2);
        if (jj < nr) {
          const src = b + ((<usize>(jc + jr + jj) * <usize>csb + <usize>pc * <usize>rsb) << 2);
          const step = <usize>rsb << 2;
          let s = src;
          for (let p = 0; p < kc; p++) {
            store<f32>(d, load<f32>(s));
            s += step;
            d += NR * 4;
          }
        } else {
          for (let p = 0; p < kc; p++) {
            store<f32>(d, 0);
            d += NR * 4;
          }
        }
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
    } else {
      for (let ii = 0; ii < MR; ii++) {
        let d = panel + (<usize>ii << 2);
        if (ii < mr) {
          let s = a + ((<usize>(ic + ir + ii) * <usize>rsa + <usize>pc * <usize>csa) << 2);
          const step = <usize>csa << 2;
          for (let p = 0; p < kc; p++) {
            store<f32>(d, load<f32>(s));
            s += step;
            d += MR * 4;
          }
        } else {
          for (let p = 0; p < kc; p++) {
            store<f32>(d, 0);
            d += MR * 4;
          }
        }
      }
    }
  }
}

/** A partial tile: the valid mr×nr part of C goes through a zero-padded MR×NR copy. */
function edgeTile(ap: usize, bp: usize, cp: usize, ldc: usize, kc: i32, fromC: bool, tile: usize, mr: i32, nr: i32): void {
  for (let i = 0; i < MR; i++) {
    for (let j = 0; j < NR; j++) {
      const t = tile + (<usize>(i * NR + j) << 2);
      store<f32>(t, fromC && i < mr && j < nr ? load<f32>(cp + <usize>i * ldc + (<usize>j << 2)) : 0);
    }
  }
  microKernel(ap, bp, tile, NR * 4, kc, true);
  for (let i = 0; i < mr; i++) {
    for (let j = 0; j < nr; j++) {
      store<f32>(cp + <usize>i * ldc + (<usize>j << 2), load<f32>(tile + (<usize>(i * NR + j) << 2)));
    }
  }
}

/**
 * C[0…4, 0…8] (row stride `ldc` bytes) = (fromC ? C : 0) + Σ_p Apanel[p]ᵀ · Bpanel[p], over kc steps,
 * each lane `acc = acc + a·b` in f32, p in order.
 */
// @ts-ignore: decorator
@inline function microKernel(ap: usize, bp: usize, cp: usize, ldc: usize, kc: i32, fromC: bool): void {
  const zero = f32x4.splat(0);
  let c00 = fromC ? v128.load(cp) : zero;
  let c01 = fromC ? v128.load(cp, 16) : zero;
  let c10 = fromC ? v128.load(cp + ldc) : zero;
  let c11 = fromC ? v128.load(cp + ldc, 16) : zero;
  let c20 = fromC ? v128.load(cp + 2 * ldc) : zero;
  let c21 = fromC ? v128.load(cp + 2 * ldc, 16) : zero;
  let c30 = fromC ? v128.load(cp + 3 * ldc) : zero;
  let c31 = fromC ? v128.load(cp + 3 * ldc, 16) : zero;
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
  v128.store(cp + ldc, c10);
  v128.store(cp + ldc, c11, 16);
  v128.store(cp + 2 * ldc, c20);
  v128.store(cp + 2 * ldc, c21, 16);
  v128.store(cp + 3 * ldc, c30);
  v128.store(cp + 3 * ldc, c31, 16);
}
