// Distances over many embedded points (kernel 5 of the foundation issue): the hot loop of DBSCAN.
//
// Point layout: dimension-major (D×N), coordinate d of point i at x[d*count + i] (f64) — the layout
// subsetEmbeddings writes. Lanes run over independent points j; every squared distance is a sequential
// sum over d from +0 of (x_d,j − x_d,i)², so it is the same bits in the simd build, the scalar build and
// the twin (src/twin/distance.ts). (a−b)² = (b−a)² exactly, so d²(i,j) = d²(j,i) bit for bit and the
// neighbour counts may visit each pair once. Neighbourhoods compare d² ≤ eps² with eps² = eps·eps
// (scikit-learn DBSCAN: ≤ eps, the point itself included). A pair's sum may stop early once it exceeds
// eps² (checked every 8 dimensions): partial sums of non-negative terms never decrease under
// round-to-nearest, so the comparison's outcome is unchanged.

/** Dimensions between early-exit checks in the neighbour kernels. */
const CHECK: i32 = 8;

/** chordalDistances(out, x, dim, count, q): out[j] = sqrt(Σ_d (x_dj − x_dq)²) for every j < count. */
export function chordalDistances(out: usize, x: usize, dim: i32, count: i32, q: i32): void {
  for (let j = 0; j < count; j++) store<f64>(out + (<usize>j << 3), 0);
  for (let d = 0; d < dim; d++) {
    const row = x + ((<usize>d * count) << 3);
    const xq = load<f64>(row + (<usize>q << 3));
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      const vq = f64x2.splat(xq);
      for (; j + 4 <= count; j += 4) {
        const o = out + (<usize>j << 3);
        const t0 = f64x2.sub(v128.load(row + (<usize>j << 3)), vq);
        const t1 = f64x2.sub(v128.load(row + (<usize>j << 3), 16), vq);
        v128.store(o, f64x2.add(v128.load(o), f64x2.mul(t0, t0)));
        v128.store(o, f64x2.add(v128.load(o, 16), f64x2.mul(t1, t1)), 16);
      }
      for (; j + 2 <= count; j += 2) {
        const o = out + (<usize>j << 3);
        const t = f64x2.sub(v128.load(row + (<usize>j << 3)), vq);
        v128.store(o, f64x2.add(v128.load(o), f64x2.mul(t, t)));
      }
    }
    for (; j < count; j++) {
      const o = out + (<usize>j << 3);
      const t = load<f64>(row + (<usize>j << 3)) - xq;
      store<f64>(o, load<f64>(o) + t * t);
    }
  }
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    for (; j + 2 <= count; j += 2) {
      const o = out + (<usize>j << 3);
      v128.store(o, f64x2.sqrt(v128.load(o)));
    }
  }
  for (; j < count; j++) {
    const o = out + (<usize>j << 3);
    store<f64>(o, sqrt<f64>(load<f64>(o)));
  }
}

/** Whether d²(i, j) ≤ eps2, with the early exit. */
// @ts-ignore: decorator
@inline function within(x: usize, dim: i32, count: i32, i: i32, j: i32, eps2: f64): bool {
  const rs = <usize>count << 3;
  let pi = x + (<usize>i << 3);
  let pj = x + (<usize>j << 3);
  let s: f64 = 0;
  for (let d0 = 0; d0 < dim; d0 += CHECK) {
    const de = min(d0 + CHECK, dim);
    for (let d = d0; d < de; d++) {
      const t = load<f64>(pj) - load<f64>(pi);
      s = s + t * t;
      pi += rs;
      pj += rs;
    }
    if (s > eps2) return false;
  }
  return true;
}

// @ts-ignore: decorator
@inline function bump(counts: usize, i: i32, by: i32): void {
  const p = counts + (<usize>i << 2);
  store<i32>(p, load<i32>(p) + by);
}

/** SIMD: rows i0..i0+3 against points j..j+3 (all j > i0+3); updates the counts of both sides. */
function block4x4(counts: usize, x: usize, dim: i32, count: i32, i0: i32, j: i32, eps2: f64): void {
  const rs = <usize>count << 3;
  const e = f64x2.splat(eps2);
  let a00 = f64x2.splat(0), a01 = f64x2.splat(0);
  let a10 = f64x2.splat(0), a11 = f64x2.splat(0);
  let a20 = f64x2.splat(0), a21 = f64x2.splat(0);
  let a30 = f64x2.splat(0), a31 = f64x2.splat(0);
  let pi = x + (<usize>i0 << 3);
  let pj = x + (<usize>j << 3);
  for (let d0 = 0; d0 < dim; d0 += CHECK) {
    const de = min(d0 + CHECK, dim);
    for (let d = d0; d < de; d++) {
      const b0 = v128.load(pj);
      const b1 = v128.load(pj, 16);
      const s0 = v128.load64_splat(pi);
      let t = f64x2.sub(b0, s0);
      a00 = f64x2.add(a00, f64x2.mul(t, t));
      t = f64x2.sub(b1, s0);
      a01 = f64x2.add(a01, f64x2.mul(t, t));
      const s1 = v128.load64_splat(pi, 8);
      t = f64x2.sub(b0, s1);
      a10 = f64x2.add(a10, f64x2.mul(t, t));
      t = f64x2.sub(b1, s1);
      a11 = f64x2.add(a11, f64x2.mul(t, t));
      const s2 = v128.load64_splat(pi, 16);
      t = f64x2.sub(b0, s2);
      a20 = f64x2.add(a20, f64x2.mul(t, t));
      t = f64x2.sub(b1, s2);
      a21 = f64x2.add(a21, f64x2.mul(t, t));
      const s3 = v128.load64_splat(pi, 24);
      t = f64x2.sub(b0, s3);
      a30 = f64x2.add(a30, f64x2.mul(t, t));
      t = f64x2.sub(b1, s3);
      a31 = f64x2.add(a31, f64x2.mul(t, t));
      pi += rs;
      pj += rs;
    }
    // Early exit when all 16 pairs are already beyond eps².
    const far = v128.and(
      v128.and(v128.and(f64x2.gt(a00, e), f64x2.gt(a01, e)), v128.and(f64x2.gt(a10, e), f64x2.gt(a11, e))),
      v128.and(v128.and(f64x2.gt(a20, e), f64x2.gt(a21, e)), v128.and(f64x2.gt(a30, e), f64x2.gt(a31, e))),
    );
    if (i64x2.all_true(far)) return;
  }
  const m0 = i64x2.bitmask(f64x2.le(a00, e)) | (i64x2.bitmask(f64x2.le(a01, e)) << 2);
  const m1 = i64x2.bitmask(f64x2.le(a10, e)) | (i64x2.bitmask(f64x2.le(a11, e)) << 2);
  const m2 = i64x2.bitmask(f64x2.le(a20, e)) | (i64x2.bitmask(f64x2.le(a21, e)) << 2);
  const m3 = i64x2.bitmask(f64x2.le(a30, e)) | (i64x2.bitmask(f64x2.le(a31, e)) << 2);
  if ((m0 | m1 | m2 | m3) == 0) return;
  bump(counts, i0, popcnt(m0));
  bump(counts, i0 + 1, popcnt(m1));
  bump(counts, i0 + 2, popcnt(m2));
  bump(counts, i0 + 3, popcnt(m3));
  for (let l = 0; l < 4; l++) {
    const c = ((m0 >> l) & 1) + ((m1 >> l) & 1) + ((m2 >> l) & 1) + ((m3 >> l) & 1);
    if (c) bump(counts, j + l, c);
  }
}

/** Scalar build: row i against points j..j+3 (j > i), four independent sums. */
function row1x4(counts: usize, x: usize, dim: i32, count: i32, i: i32, j: i32, eps2: f64): void {
  const rs = <usize>count << 3;
  let pi = x + (<usize>i << 3);
  let pj = x + (<usize>j << 3);
  let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
  for (let d0 = 0; d0 < dim; d0 += CHECK) {
    const de = min(d0 + CHECK, dim);
    for (let d = d0; d < de; d++) {
      const xi = load<f64>(pi);
      const t0 = load<f64>(pj) - xi;
      const t1 = load<f64>(pj, 8) - xi;
      const t2 = load<f64>(pj, 16) - xi;
      const t3 = load<f64>(pj, 24) - xi;
      s0 = s0 + t0 * t0;
      s1 = s1 + t1 * t1;
      s2 = s2 + t2 * t2;
      s3 = s3 + t3 * t3;
      pi += rs;
      pj += rs;
    }
    if (s0 > eps2 && s1 > eps2 && s2 > eps2 && s3 > eps2) return;
  }
  let c = 0;
  if (s0 <= eps2) { c++; bump(counts, j, 1); }
  if (s1 <= eps2) { c++; bump(counts, j + 1, 1); }
  if (s2 <= eps2) { c++; bump(counts, j + 2, 1); }
  if (s3 <= eps2) { c++; bump(counts, j + 3, 1); }
  if (c) bump(counts, i, c);
}

/**
 * neighborCounts(counts, x, dim, count, eps): counts[i] = |{j : d(i,j) ≤ eps}| (i included), i32.
 * Each unordered pair is visited once (SIMD: blocks of 4 rows × 4 points).
 */
export function neighborCounts(counts: usize, x: usize, dim: i32, count: i32, eps: f64): void {
  const eps2 = eps * eps;
  for (let i = 0; i < count; i++) store<i32>(counts + (<usize>i << 2), 1);
  if (ASC_FEATURE_SIMD) {
    let i0 = 0;
    for (; i0 + 4 <= count; i0 += 4) {
      for (let a = i0; a < i0 + 3; a++) {
        for (let b = a + 1; b < i0 + 4; b++) {
          if (within(x, dim, count, a, b, eps2)) { bump(counts, a, 1); bump(counts, b, 1); }
        }
      }
      let j = i0 + 4;
      for (; j + 4 <= count; j += 4) block4x4(counts, x, dim, count, i0, j, eps2);
      for (; j < count; j++) {
        for (let a = i0; a < i0 + 4; a++) {
          if (within(x, dim, count, a, j, eps2)) { bump(counts, a, 1); bump(counts, j, 1); }
        }
      }
    }
    for (let a = i0; a < count; a++) {
      for (let b = a + 1; b < count; b++) {
        if (within(x, dim, count, a, b, eps2)) { bump(counts, a, 1); bump(counts, b, 1); }
      }
    }
  } else {
    for (let i = 0; i < count; i++) {
      let j = i + 1;
      for (; j + 4 <= count; j += 4) row1x4(counts, x, dim, count, i, j, eps2);
      for (; j < count; j++) {
        if (within(x, dim, count, i, j, eps2)) { bump(counts, i, 1); bump(counts, j, 1); }
      }
    }
  }
}

/**
 * neighbors(idx, x, dim, count, q, eps) → number: writes the indices j with d(q,j) ≤ eps (q included)
 * into idx in ascending order and returns how many there are (idx needs room for `count`).
 */
export function neighbors(idx: usize, x: usize, dim: i32, count: i32, q: i32, eps: f64): i32 {
  const eps2 = eps * eps;
  const rs = <usize>count << 3;
  let num = 0;
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    const e = f64x2.splat(eps2);
    for (; j + 4 <= count; j += 4) {
      let a0 = f64x2.splat(0), a1 = f64x2.splat(0);
      let pq = x + (<usize>q << 3);
      let pj = x + (<usize>j << 3);
      let far = false;
      for (let d0 = 0; d0 < dim; d0 += CHECK) {
        const de = min(d0 + CHECK, dim);
        for (let d = d0; d < de; d++) {
          const s = v128.load64_splat(pq);
          const t0 = f64x2.sub(v128.load(pj), s);
          const t1 = f64x2.sub(v128.load(pj, 16), s);
          a0 = f64x2.add(a0, f64x2.mul(t0, t0));
          a1 = f64x2.add(a1, f64x2.mul(t1, t1));
          pq += rs;
          pj += rs;
        }
        if (i64x2.all_true(v128.and(f64x2.gt(a0, e), f64x2.gt(a1, e)))) { far = true; break; }
      }
      if (far) continue;
      const bits = i64x2.bitmask(f64x2.le(a0, e)) | (i64x2.bitmask(f64x2.le(a1, e)) << 2);
      for (let l = 0; l < 4; l++) {
        if ((bits >> l) & 1) {
          store<i32>(idx + (<usize>num << 2), j + l);
          num++;
        }
      }
    }
  }
  for (; j < count; j++) {
    if (within(x, dim, count, q, j, eps2)) {
      store<i32>(idx + (<usize>num << 2), j);
      num++;
    }
  }
  return num;
}
