// Gram matrix, column norms and interference (kernel 3 of the foundation issue).
//
// W is m×n row-major (column i = feature i). Every output is a sum over one inner index, taken
// sequentially from 0 with a fresh +0 accumulator; the SIMD build vectorises only across independent
// outputs (lanes over j for G[i,j], lanes over i for norms and interference). Products are commutative
// in IEEE 754, so G[i,j] and G[j,i] are the same bits: the kernels compute the upper triangle (plus a few
// lower entries inside diagonal blocks, which are equal anyway) and mirror it. Hence simd build = scalar
// build = twin (src/twin/gram.ts), bit for bit.

import { arenaAlloc, arenaRelease, arenaTop } from "./arena";

// ---------------------------------------------------------------------------------------------------
// Mirror the upper triangle of an n×n matrix into the lower one (tiles keep both sides in cache).

const TILE: i32 = 32;
/** Column-panel widths: a panel of W (m×JB) stays in L2 while 4-row blocks sweep it. */
const JB32: i32 = 256;
const JB64: i32 = 128;

function mirror32(g: usize, n: i32): void {
  for (let ib = 0; ib < n; ib += TILE) {
    const ie = min(ib + TILE, n);
    for (let jb = ib; jb < n; jb += TILE) {
      const je = min(jb + TILE, n);
      for (let i = ib; i < ie; i++) {
        for (let j = max(jb, i + 1); j < je; j++) {
          store<f32>(g + ((<usize>j * n + i) << 2), load<f32>(g + ((<usize>i * n + j) << 2)));
        }
      }
    }
  }
}

function mirror64(g: usize, n: i32): void {
  for (let ib = 0; ib < n; ib += TILE) {
    const ie = min(ib + TILE, n);
    for (let jb = ib; jb < n; jb += TILE) {
      const je = min(jb + TILE, n);
      for (let i = ib; i < ie; i++) {
        for (let j = max(jb, i + 1); j < je; j++) {
          store<f64>(g + ((<usize>j * n + i) << 3), load<f64>(g + ((<usize>i * n + j) << 3)));
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// f32: G = WᵀW.

/** G[i, j0..j0+3] for one row i, lanes over j (SIMD only). */
// @ts-ignore: decorator
@inline function gram32Row1x4(g: usize, w: usize, m: i32, n: i32, i: i32, j: i32): void {
  const rs = <usize>n << 2;
  let pa = w + (<usize>i << 2);
  let pb = w + (<usize>j << 2);
  let acc = f32x4.splat(0);
  for (let p = 0; p < m; p++) {
    acc = f32x4.add(acc, f32x4.mul(v128.load32_splat(pa), v128.load(pb)));
    pa += rs;
    pb += rs;
  }
  v128.store(g + ((<usize>i * n + j) << 2), acc);
}

// @ts-ignore: decorator
@inline function gram32Scalar1(g: usize, w: usize, m: i32, n: i32, i: i32, j: i32): void {
  const rs = <usize>n << 2;
  let pa = w + (<usize>i << 2);
  let pb = w + (<usize>j << 2);
  let acc: f32 = 0;
  for (let p = 0; p < m; p++) {
    acc = acc + load<f32>(pa) * load<f32>(pb);
    pa += rs;
    pb += rs;
  }
  store<f32>(g + ((<usize>i * n + j) << 2), acc);
}

/**
 * SIMD build, blocked for cache: column panels of JB32 columns of W (m·JB32·4 bytes, L2-resident for
 * m ≤ ~1000) are swept by 4-row blocks whose values W[p, i..i+3] are packed contiguously; each block
 * computes 4×8 entries in registers, every entry a sequential sum over p.
 */
function gram32Simd(g: usize, w: usize, m: i32, n: i32): void {
  const rs = <usize>n << 2;
  const nb = n & ~3;
  const mark = arenaTop();
  // Packed rows: block i0 at pk + i0·m·4 bytes, W[p, i0..i0+3] at + p·16.
  const pk = arenaAlloc((<usize>nb * m) << 2);
  for (let i0 = 0; i0 < nb; i0 += 4) {
    const dst = pk + ((<usize>i0 * m) << 2);
    for (let p = 0; p < m; p++) v128.store(dst + (<usize>p << 4), v128.load(w + <usize>p * rs + (<usize>i0 << 2)));
  }
  for (let jb = 0; jb < n; jb += JB32) {
    const je = min(jb + JB32, n);
    for (let i0 = 0; i0 < nb && i0 < je; i0 += 4) {
      const pa0 = pk + ((<usize>i0 * m) << 2);
      let j = max(jb, i0);
      // 4 rows × 8 columns: 8 accumulators, each a sequential sum over p.
      for (; j + 8 <= je; j += 8) {
        let a00 = f32x4.splat(0), a01 = f32x4.splat(0);
        let a10 = f32x4.splat(0), a11 = f32x4.splat(0);
        let a20 = f32x4.splat(0), a21 = f32x4.splat(0);
        let a30 = f32x4.splat(0), a31 = f32x4.splat(0);
        let pa = pa0;
        let pb = w + (<usize>j << 2);
        for (let p = 0; p < m; p++) {
          const b0 = v128.load(pb);
          const b1 = v128.load(pb, 16);
          const s0 = v128.load32_splat(pa);
          a00 = f32x4.add(a00, f32x4.mul(s0, b0));
          a01 = f32x4.add(a01, f32x4.mul(s0, b1));
          const s1 = v128.load32_splat(pa, 4);
          a10 = f32x4.add(a10, f32x4.mul(s1, b0));
          a11 = f32x4.add(a11, f32x4.mul(s1, b1));
          const s2 = v128.load32_splat(pa, 8);
          a20 = f32x4.add(a20, f32x4.mul(s2, b0));
          a21 = f32x4.add(a21, f32x4.mul(s2, b1));
          const s3 = v128.load32_splat(pa, 12);
          a30 = f32x4.add(a30, f32x4.mul(s3, b0));
          a31 = f32x4.add(a31, f32x4.mul(s3, b1));
          pa += 16;
          pb += rs;
        }
        const o = g + ((<usize>i0 * n + j) << 2);
        v128.store(o, a00);
        v128.store(o, a01, 16);
        v128.store(o + rs, a10);
        v128.store(o + rs, a11, 16);
        v128.store(o + 2 * rs, a20);
        v128.store(o + 2 * rs, a21, 16);
        v128.store(o + 3 * rs, a30);
        v128.store(o + 3 * rs, a31, 16);
      }
      for (; j + 4 <= je; j += 4) {
        for (let r = 0; r < 4; r++) gram32Row1x4(g, w, m, n, i0 + r, j);
      }
      for (; j < je; j++) {
        for (let r = 0; r < 4; r++) gram32Scalar1(g, w, m, n, i0 + r, j);
      }
    }
    for (let i = nb; i < je; i++) {
      let j = max(jb, i);
      for (; j + 4 <= je; j += 4) gram32Row1x4(g, w, m, n, i, j);
      for (; j < je; j++) gram32Scalar1(g, w, m, n, i, j);
    }
  }
  arenaRelease(mark);
}

/**
 * Scalar build: for each column panel, rows of G accumulate in place while the panel of W streams
 * row by row (same order per entry: sequential over p).
 */
function gram32Scalar(g: usize, w: usize, m: i32, n: i32): void {
  for (let jb = 0; jb < n; jb += JB32) {
    const je = min(jb + JB32, n);
    for (let i = 0; i < je; i++) {
      const js = max(jb, i);
      const gi = g + ((<usize>i * n) << 2);
      for (let j = js; j < je; j++) store<f32>(gi + (<usize>j << 2), 0);
      for (let p = 0; p < m; p++) {
        const wp = w + ((<usize>p * n) << 2);
        const a = load<f32>(wp + (<usize>i << 2));
        for (let j = js; j < je; j++) {
          const o = gi + (<usize>j << 2);
          store<f32>(o, load<f32>(o) + a * load<f32>(wp + (<usize>j << 2)));
        }
      }
    }
  }
}

/** G (n×n, f32) = WᵀW for W m×n row-major f32. `g` must not overlap `w`. */
export function gram(g: usize, w: usize, m: i32, n: i32): void {
  if (n <= 0) return;
  if (ASC_FEATURE_SIMD) gram32Simd(g, w, m, n);
  else gram32Scalar(g, w, m, n);
  mirror32(g, n);
}

// ---------------------------------------------------------------------------------------------------
// f64: G = WᵀW.

// @ts-ignore: decorator
@inline function gram64Row1x2(g: usize, w: usize, m: i32, n: i32, i: i32, j: i32): void {
  const rs = <usize>n << 3;
  let pa = w + (<usize>i << 3);
  let pb = w + (<usize>j << 3);
  let acc = f64x2.splat(0);
  for (let p = 0; p < m; p++) {
    acc = f64x2.add(acc, f64x2.mul(v128.load64_splat(pa), v128.load(pb)));
    pa += rs;
    pb += rs;
  }
  v128.store(g + ((<usize>i * n + j) << 3), acc);
}

// @ts-ignore: decorator
@inline function gram64Scalar1(g: usize, w: usize, m: i32, n: i32, i: i32, j: i32): void {
  const rs = <usize>n << 3;
  let pa = w + (<usize>i << 3);
  let pb = w + (<usize>j << 3);
  let acc: f64 = 0;
  for (let p = 0; p < m; p++) {
    acc = acc + load<f64>(pa) * load<f64>(pb);
    pa += rs;
    pb += rs;
  }
  store<f64>(g + ((<usize>i * n + j) << 3), acc);
}

/** SIMD build, blocked like gram32Simd (panels of JB64 columns, packed 4-row blocks, 4×4 registers). */
function gram64Simd(g: usize, w: usize, m: i32, n: i32): void {
  const rs = <usize>n << 3;
  const nb = n & ~3;
  const mark = arenaTop();
  const pk = arenaAlloc((<usize>nb * m) << 3);
  for (let i0 = 0; i0 < nb; i0 += 4) {
    const dst = pk + ((<usize>i0 * m) << 3);
    for (let p = 0; p < m; p++) {
      const src = w + <usize>p * rs + (<usize>i0 << 3);
      v128.store(dst + (<usize>p << 5), v128.load(src));
      v128.store(dst + (<usize>p << 5), v128.load(src, 16), 16);
    }
  }
  for (let jb = 0; jb < n; jb += JB64) {
    const je = min(jb + JB64, n);
    for (let i0 = 0; i0 < nb && i0 < je; i0 += 4) {
      const pa0 = pk + ((<usize>i0 * m) << 3);
      let j = max(jb, i0);
      // 4 rows × 4 columns (two f64x2 per row): 8 accumulators, each sequential over p.
      for (; j + 4 <= je; j += 4) {
        let a00 = f64x2.splat(0), a01 = f64x2.splat(0);
        let a10 = f64x2.splat(0), a11 = f64x2.splat(0);
        let a20 = f64x2.splat(0), a21 = f64x2.splat(0);
        let a30 = f64x2.splat(0), a31 = f64x2.splat(0);
        let pa = pa0;
        let pb = w + (<usize>j << 3);
        for (let p = 0; p < m; p++) {
          const b0 = v128.load(pb);
          const b1 = v128.load(pb, 16);
          const s0 = v128.load64_splat(pa);
          a00 = f64x2.add(a00, f64x2.mul(s0, b0));
          a01 = f64x2.add(a01, f64x2.mul(s0, b1));
          const s1 = v128.load64_splat(pa, 8);
          a10 = f64x2.add(a10, f64x2.mul(s1, b0));
          a11 = f64x2.add(a11, f64x2.mul(s1, b1));
          const s2 = v128.load64_splat(pa, 16);
          a20 = f64x2.add(a20, f64x2.mul(s2, b0));
          a21 = f64x2.add(a21, f64x2.mul(s2, b1));
          const s3 = v128.load64_splat(pa, 24);
          a30 = f64x2.add(a30, f64x2.mul(s3, b0));
          a31 = f64x2.add(a31, f64x2.mul(s3, b1));
          pa += 32;
          pb += rs;
        }
        const o = g + ((<usize>i0 * n + j) << 3);
        v128.store(o, a00);
        v128.store(o, a01, 16);
        v128.store(o + rs, a10);
        v128.store(o + rs, a11, 16);
        v128.store(o + 2 * rs, a20);
        v128.store(o + 2 * rs, a21, 16);
        v128.store(o + 3 * rs, a30);
        v128.store(o + 3 * rs, a31, 16);
      }
      for (; j + 2 <= je; j += 2) {
        for (let r = 0; r < 4; r++) gram64Row1x2(g, w, m, n, i0 + r, j);
      }
      for (; j < je; j++) {
        for (let r = 0; r < 4; r++) gram64Scalar1(g, w, m, n, i0 + r, j);
      }
    }
    for (let i = nb; i < je; i++) {
      let j = max(jb, i);
      for (; j + 2 <= je; j += 2) gram64Row1x2(g, w, m, n, i, j);
      for (; j < je; j++) gram64Scalar1(g, w, m, n, i, j);
    }
  }
  arenaRelease(mark);
}

function gram64Scalar(g: usize, w: usize, m: i32, n: i32): void {
  for (let jb = 0; jb < n; jb += JB64) {
    const je = min(jb + JB64, n);
    for (let i = 0; i < je; i++) {
      const js = max(jb, i);
      const gi = g + ((<usize>i * n) << 3);
      for (let j = js; j < je; j++) store<f64>(gi + (<usize>j << 3), 0);
      for (let p = 0; p < m; p++) {
        const wp = w + ((<usize>p * n) << 3);
        const a = load<f64>(wp + (<usize>i << 3));
        for (let j = js; j < je; j++) {
          const o = gi + (<usize>j << 3);
          store<f64>(o, load<f64>(o) + a * load<f64>(wp + (<usize>j << 3)));
        }
      }
    }
  }
}

/** G (n×n, f64) = WᵀW for W m×n row-major f64. `g` must not overlap `w`. */
export function gram64(g: usize, w: usize, m: i32, n: i32): void {
  if (n <= 0) return;
  if (ASC_FEATURE_SIMD) gram64Simd(g, w, m, n);
  else gram64Scalar(g, w, m, n);
  mirror64(g, n);
}

// ---------------------------------------------------------------------------------------------------
// Column sums of squares over rows: acc[i] = Σ_r X[r,i]², sequential over r, lanes over i. Shared by
// columnNorms (X = W, m rows) and interference (X = G, n rows; G symmetric so column i = row i).

function columnSumSquares(out: usize, x: usize, rows: i32, cols: i32): void {
  for (let i = 0; i < cols; i++) store<f64>(out + (<usize>i << 3), 0);
  for (let r = 0; r < rows; r++) {
    const xr = x + ((<usize>r * cols) << 3);
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      for (; i + 4 <= cols; i += 4) {
        const o = out + (<usize>i << 3);
        const v0 = v128.load(xr + (<usize>i << 3));
        const v1 = v128.load(xr + (<usize>i << 3), 16);
        v128.store(o, f64x2.add(v128.load(o), f64x2.mul(v0, v0)));
        v128.store(o, f64x2.add(v128.load(o, 16), f64x2.mul(v1, v1)), 16);
      }
      for (; i + 2 <= cols; i += 2) {
        const o = out + (<usize>i << 3);
        const v = v128.load(xr + (<usize>i << 3));
        v128.store(o, f64x2.add(v128.load(o), f64x2.mul(v, v)));
      }
    }
    for (; i < cols; i++) {
      const o = out + (<usize>i << 3);
      const v = load<f64>(xr + (<usize>i << 3));
      store<f64>(o, load<f64>(o) + v * v);
    }
  }
}

/** out[i] = ‖W[:, i]‖ = sqrt(Σ_p W[p,i]²) (sequential over p), W m×n row-major f64. */
export function columnNorms(out: usize, w: usize, m: i32, n: i32): void {
  columnSumSquares(out, w, m, n);
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 2 <= n; i += 2) {
      const o = out + (<usize>i << 3);
      v128.store(o, f64x2.sqrt(v128.load(o)));
    }
  }
  for (; i < n; i++) {
    const o = out + (<usize>i << 3);
    store<f64>(o, sqrt<f64>(load<f64>(o)));
  }
}

/**
 * out[i] = (Σ_j G[j,i]²) / G[i,i] = Σ_j (Ŵ_i·W_j)² (j = i included), 0 where G[i,i] = 0.
 * G is n×n f64 and symmetric (a Gram matrix); it is read by columns, G[j,i], so that the lanes run over
 * i with contiguous loads. The sum over j is sequential; the division comes last.
 */
export function interference(out: usize, g: usize, n: i32): void {
  columnSumSquares(out, g, n, n);
  const dstride = (<usize>n + 1) << 3;
  for (let i = 0; i < n; i++) {
    const o = out + (<usize>i << 3);
    const d = load<f64>(g + <usize>i * dstride);
    store<f64>(o, d == 0 ? 0 : load<f64>(o) / d);
  }
}

// ---------------------------------------------------------------------------------------------------
// Input validation helpers for the wrappers (src/geometry-args.ts): finding a NaN/±Infinity in a
// resident operand in wasm is much cheaper than a JS loop over a large Gram matrix. x − x is 0 exactly
// for finite x and NaN otherwise.

/** Index of the first non-finite value among len f64 at p, or −1. */
export function firstNonFinite64(p: usize, len: i32): i32 {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const zero = f64x2.splat(0);
    for (; i + 4 <= len; i += 4) {
      const a = v128.load(p + (<usize>i << 3));
      const b = v128.load(p + (<usize>i << 3), 16);
      if (!i64x2.all_true(v128.and(f64x2.eq(f64x2.sub(a, a), zero), f64x2.eq(f64x2.sub(b, b), zero)))) break;
    }
  }
  for (; i < len; i++) {
    const v = load<f64>(p + (<usize>i << 3));
    if (v - v != 0) return i;
  }
  return -1;
}

/** Index of the first non-finite value among len f32 at p, or −1. */
export function firstNonFinite32(p: usize, len: i32): i32 {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const zero = f32x4.splat(0);
    for (; i + 8 <= len; i += 8) {
      const a = v128.load(p + (<usize>i << 2));
      const b = v128.load(p + (<usize>i << 2), 16);
      if (!i32x4.all_true(v128.and(f32x4.eq(f32x4.sub(a, a), zero), f32x4.eq(f32x4.sub(b, b), zero)))) break;
    }
  }
  for (; i < len; i++) {
    const v = load<f32>(p + (<usize>i << 2));
    if (v - v != 0) return i;
  }
  return -1;
}
