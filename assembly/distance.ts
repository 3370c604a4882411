// Distances over many embedded points (kernel 5 of the foundation issue): the hot loop of DBSCAN.
//
// Point layout: dimension-major (D×N), coordinate d of point i at x[d*count + i] (f64) — the layout
// subsetEmbeddings writes. Lanes run over independent points j; every squared distance is a sequential
// sum over d from +0 of (x_d,j − x_d,i)², so it is the same bits in the simd build, the scalar build and
// the twin (src/twin/distance.ts). (a−b)² = (b−a)² exactly, so d²(i,j) = d²(j,i) bit for bit and the
// neighbour counts may visit each pair once. Neighbourhoods compare d² ≤ eps² with eps² = eps·eps
// (scikit-learn DBSCAN: ≤ eps, the point itself included). A pair's sum may stop early once it exceeds
// eps² (checked every 8 dimensions): partial sums of non-negative terms never decrease under
// round-to-nearest, so the comparison's outcome is unchanged. neighborCounts and neighborLists also skip
// the pairs outside a sort window on one coordinate (exact for the same reason; see `sweep`), so a
// sparse neighbourhood graph costs far less than N²/2 distances. `neighbors` (one query) is brute force.

import { arenaAlloc, arenaRelease, arenaTop } from "./arena";

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

/**
 * pairSpread(out, x, dim, count): out[0] = the largest and out[1] the sum of the distances of all pairs
 * a < b (chordalDistances' bits) — a cluster's spread. The sum runs in SPREAD_LANES partial sums, pair
 * (a, b) into lane (b − a − 1) mod 8, each from +0 in the order (a, b) ascending, then
 * ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)): one sequential sum would wait on the adder's
 * latency for every pair (millions in a large cluster). Blocks of eight b's keep their sums over the
 * dimensions in registers. Scratch: 8 f64.
 */
export function pairSpread(out: usize, x: usize, dim: i32, count: i32): void {
  const mark = arenaTop();
  const lanes = arenaAlloc(SPREAD_LANES << 3);
  for (let l = 0; l < SPREAD_LANES; l++) store<f64>(lanes + (<usize>l << 3), 0);
  let most = 0.0;
  const stride = <usize>count << 3;
  for (let a = 0; a + 1 < count; a++) {
    const len = count - a - 1;
    const pa = x + (<usize>a << 3); // coordinate 0 of a; of the points after it from pa + 8
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      for (; j + 8 <= len; j += 8) {
        let a0 = f64x2.splat(0), a1 = a0, a2 = a0, a3 = a0;
        let pc = pa + 8 + (<usize>j << 3);
        let pw = pa;
        for (let d = 0; d < dim; d++) {
          const xv = v128.load64_splat(pw);
          const u0 = f64x2.sub(v128.load(pc), xv);
          const u1 = f64x2.sub(v128.load(pc, 16), xv);
          const u2 = f64x2.sub(v128.load(pc, 32), xv);
          const u3 = f64x2.sub(v128.load(pc, 48), xv);
          a0 = f64x2.add(a0, f64x2.mul(u0, u0));
          a1 = f64x2.add(a1, f64x2.mul(u1, u1));
          a2 = f64x2.add(a2, f64x2.mul(u2, u2));
          a3 = f64x2.add(a3, f64x2.mul(u3, u3));
          pc += stride;
          pw += stride;
        }
        a0 = f64x2.sqrt(a0);
        a1 = f64x2.sqrt(a1);
        a2 = f64x2.sqrt(a2);
        a3 = f64x2.sqrt(a3);
        v128.store(lanes, f64x2.add(v128.load(lanes), a0));
        v128.store(lanes, f64x2.add(v128.load(lanes, 16), a1), 16);
        v128.store(lanes, f64x2.add(v128.load(lanes, 32), a2), 32);
        v128.store(lanes, f64x2.add(v128.load(lanes, 48), a3), 48);
        // pmax(m, d) = m < d ? d : m, as the scalar `if (d > m) m = d`: a NaN distance is passed over.
        const mv = f64x2.pmax(f64x2.pmax(f64x2.pmax(f64x2.pmax(f64x2.splat(most), a0), a1), a2), a3);
        most = f64x2.extract_lane(mv, 0);
        const m1 = f64x2.extract_lane(mv, 1);
        if (m1 > most) most = m1;
      }
    }
    for (; j < len; j++) {
      let s = 0.0;
      for (let d = 0; d < dim; d++) {
        const u = load<f64>(pa + 8 + <usize>d * stride + (<usize>j << 3)) - load<f64>(pa + <usize>d * stride);
        s += u * u;
      }
      const dist = sqrt<f64>(s);
      const lane = lanes + (<usize>(j & 7) << 3);
      store<f64>(lane, load<f64>(lane) + dist);
      if (dist > most) most = dist;
    }
  }
  store<f64>(out, most);
  store<f64>(out, lane(lanes, 0) + lane(lanes, 1) + (lane(lanes, 2) + lane(lanes, 3)) + (lane(lanes, 4) + lane(lanes, 5) + (lane(lanes, 6) + lane(lanes, 7))), 8);
  arenaRelease(mark);
}

/** pairSpread's partial sums. */
const SPREAD_LANES: i32 = 8;

// @ts-ignore: decorator
@inline function lane(lanes: usize, i: i32): f64 {
  return load<f64>(lanes + (<usize>i << 3));
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

/** SIMD: pair masks of rows i0..i0+3 against points j..j+3 (bit 4r + l ⇔ d²(i0+r, j+l) ≤ eps2). */
function block4x4(x: usize, dim: i32, count: i32, i0: i32, j: i32, eps2: f64): i32 {
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
    if (i64x2.all_true(far)) return 0;
  }
  return (
    i64x2.bitmask(f64x2.le(a00, e)) | (i64x2.bitmask(f64x2.le(a01, e)) << 2) |
    (i64x2.bitmask(f64x2.le(a10, e)) << 4) | (i64x2.bitmask(f64x2.le(a11, e)) << 6) |
    (i64x2.bitmask(f64x2.le(a20, e)) << 8) | (i64x2.bitmask(f64x2.le(a21, e)) << 10) |
    (i64x2.bitmask(f64x2.le(a30, e)) << 12) | (i64x2.bitmask(f64x2.le(a31, e)) << 14)
  );
}

/** Scalar build: mask of row i against points j..j+3 (bit l ⇔ d²(i, j+l) ≤ eps2), four independent sums. */
function row1x4(x: usize, dim: i32, count: i32, i: i32, j: i32, eps2: f64): i32 {
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
    if (s0 > eps2 && s1 > eps2 && s2 > eps2 && s3 > eps2) return 0;
  }
  return <i32>(s0 <= eps2) | (<i32>(s1 <= eps2) << 1) | (<i32>(s2 <= eps2) << 2) | (<i32>(s3 <= eps2) << 3);
}

// ---------------------------------------------------------------------------------------------------
// The pair sweep shared by neighborCounts and neighborLists. The points are sorted by one coordinate c
// (the one with the largest range; a stable merge sort of the indices) and copied in that order; a pair
// (a, b) of sorted positions, a < b, is only examined while (x_c,b − x_c,a)² ≤ eps² — beyond that window
// d² ≥ (x_c,b − x_c,a)² > eps² holds in floating point too (the partial sums of non-negative terms never
// decrease, and the c-term is one of them), so skipping it cannot change a result: the counts and lists
// are exactly those of the brute-force definition, whatever c is. Inside the window every pair's d² is
// the sequential sum over d = 0…dim−1 of the same values (permuted positions only).

/** Sweep state: the sorted copy and the permutation, in arena scratch. */
let swX: usize = 0; // dim×count f64, sorted by coordinate swC
let swPerm: usize = 0; // count i32: sorted position → original index

const MODE_COUNT: i32 = 0;
const MODE_LIST: i32 = 1;

/** Stable merge sort of perm (count i32, initially 0..count−1) by keys[perm[·]] (f64), tmp scratch. */
function argsort(perm: usize, tmp: usize, keys: usize, count: i32): void {
  for (let i = 0; i < count; i++) store<i32>(perm + (<usize>i << 2), i);
  let src = perm, dst = tmp;
  for (let width = 1; width < count; width <<= 1) {
    for (let lo = 0; lo < count; lo += width << 1) {
      const mid = min(lo + width, count);
      const hi = min(lo + (width << 1), count);
      let l = lo, r = mid, o = lo;
      while (l < mid && r < hi) {
        const il = load<i32>(src + (<usize>l << 2));
        const ir = load<i32>(src + (<usize>r << 2));
        if (load<f64>(keys + (<usize>ir << 3)) < load<f64>(keys + (<usize>il << 3))) {
          store<i32>(dst + (<usize>o << 2), ir);
          r++;
        } else {
          store<i32>(dst + (<usize>o << 2), il);
          l++;
        }
        o++;
      }
      for (; l < mid; l++, o++) store<i32>(dst + (<usize>o << 2), load<i32>(src + (<usize>l << 2)));
      for (; r < hi; r++, o++) store<i32>(dst + (<usize>o << 2), load<i32>(src + (<usize>r << 2)));
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src != perm) memory.copy(perm, src, <usize>count << 2);
}

/** Sorts and copies the points (sets swX, swPerm; scratch stays allocated); returns the key coordinate. */
function prepare(x: usize, dim: i32, count: i32): i32 {
  let c = 0;
  let best: f64 = -1;
  for (let d = 0; d < dim; d++) {
    const row = x + ((<usize>d * count) << 3);
    let lo = load<f64>(row), hi = lo;
    for (let i = 1; i < count; i++) {
      const v = load<f64>(row + (<usize>i << 3));
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (hi - lo > best) {
      best = hi - lo;
      c = d;
    }
  }
  swPerm = arenaAlloc(<usize>count << 2);
  const mark = arenaTop();
  const tmp = arenaAlloc(<usize>count << 2);
  argsort(swPerm, tmp, x + ((<usize>c * count) << 3), count);
  arenaRelease(mark);
  swX = arenaAlloc((<usize>dim * count) << 3);
  for (let d = 0; d < dim; d++) {
    const row = x + ((<usize>d * count) << 3);
    const dst = swX + ((<usize>d * count) << 3);
    for (let a = 0; a < count; a++) {
      store<f64>(dst + (<usize>a << 3), load<f64>(row + (<usize>load<i32>(swPerm + (<usize>a << 2)) << 3)));
    }
  }
  return c;
}

/** Records a neighbour pair of sorted positions a < b. */
// @ts-ignore: decorator
@inline function hit(mode: i32, counts: usize, offsets: usize, cursor: usize, idx: usize, a: i32, b: i32): void {
  const i = load<i32>(swPerm + (<usize>a << 2));
  const j = load<i32>(swPerm + (<usize>b << 2));
  if (mode == MODE_COUNT) {
    bump(counts, i, 1);
    bump(counts, j, 1);
  } else {
    push(offsets, cursor, idx, i, j);
    push(offsets, cursor, idx, j, i);
  }
}

// @ts-ignore: decorator
@inline function bump(counts: usize, i: i32, by: i32): void {
  const p = counts + (<usize>i << 2);
  store<i32>(p, load<i32>(p) + by);
}

/** Appends j to row i (never past the row's end, offsets[i+1]). */
// @ts-ignore: decorator
@inline function push(offsets: usize, cursor: usize, idx: usize, i: i32, j: i32): void {
  const pc = cursor + (<usize>i << 2);
  const at = load<i32>(pc);
  if (at < load<i32>(offsets + (<usize>(i + 1) << 2))) {
    store<i32>(idx + (<usize>at << 2), j);
    store<i32>(pc, at + 1);
  }
}

/** The window end for sorted position a: first b ≥ from with (key_b − key_a)² > eps2. */
// @ts-ignore: decorator
@inline function windowEnd(keys: usize, count: i32, a: i32, from: i32, eps2: f64): i32 {
  let e = max(from, a + 1);
  const ka = load<f64>(keys + (<usize>a << 3));
  while (e < count) {
    const t = load<f64>(keys + (<usize>e << 3)) - ka;
    if (t * t > eps2) break;
    e++;
  }
  return e;
}

/** Visits every pair of sorted positions within eps exactly once (a < b) and records it. */
function sweep(mode: i32, counts: usize, offsets: usize, cursor: usize, idx: usize, dim: i32, count: i32, c: i32, eps2: f64): void {
  const xs = swX;
  const keys = xs + ((<usize>c * count) << 3);
  let e = 0;
  let a0 = 0;
  if (ASC_FEATURE_SIMD) {
    for (; a0 + 4 <= count; a0 += 4) {
      e = windowEnd(keys, count, a0 + 3, e, eps2);
      for (let a = a0; a < a0 + 3; a++) {
        for (let b = a + 1; b < a0 + 4; b++) if (within(xs, dim, count, a, b, eps2)) hit(mode, counts, offsets, cursor, idx, a, b);
      }
      let j = a0 + 4;
      for (; j + 4 <= e; j += 4) {
        const bits = block4x4(xs, dim, count, a0, j, eps2);
        if (bits == 0) continue;
        for (let r = 0; r < 4; r++) {
          for (let l = 0; l < 4; l++) if ((bits >> (4 * r + l)) & 1) hit(mode, counts, offsets, cursor, idx, a0 + r, j + l);
        }
      }
      for (; j < e; j++) {
        for (let a = a0; a < a0 + 4; a++) if (within(xs, dim, count, a, j, eps2)) hit(mode, counts, offsets, cursor, idx, a, j);
      }
    }
  }
  for (let a = a0; a < count; a++) {
    e = windowEnd(keys, count, a, e, eps2);
    let j = a + 1;
    for (; j + 4 <= e; j += 4) {
      const bits = row1x4(xs, dim, count, a, j, eps2);
      if (bits == 0) continue;
      for (let l = 0; l < 4; l++) if ((bits >> l) & 1) hit(mode, counts, offsets, cursor, idx, a, j + l);
    }
    for (; j < e; j++) if (within(xs, dim, count, a, j, eps2)) hit(mode, counts, offsets, cursor, idx, a, j);
  }
}

/**
 * neighborCounts(counts, x, dim, count, eps): counts[i] = |{j : d(i,j) ≤ eps}| (i included), i32.
 * Each unordered pair within the sort window is examined once (SIMD: blocks of 4 rows × 4 points).
 * Scratch: dim·count f64 + 2·count i32, released before returning.
 */
export function neighborCounts(counts: usize, x: usize, dim: i32, count: i32, eps: f64): void {
  const eps2 = eps * eps;
  if (dim == 0) {
    // Every point coincides with every other (d = 0 ≤ eps).
    for (let i = 0; i < count; i++) store<i32>(counts + (<usize>i << 2), count);
    return;
  }
  for (let i = 0; i < count; i++) store<i32>(counts + (<usize>i << 2), 1);
  if (count < 2) return;
  const mark = arenaTop();
  const c = prepare(x, dim, count);
  sweep(MODE_COUNT, counts, 0, 0, 0, dim, count, c, eps2);
  arenaRelease(mark);
}

/** Heap sort of n i32 at p, ascending. */
function sortI32(p: usize, n: i32): void {
  for (let start = (n >> 1) - 1; start >= 0; start--) siftDown(p, start, n);
  for (let end = n - 1; end > 0; end--) {
    const t = load<i32>(p);
    store<i32>(p, load<i32>(p + (<usize>end << 2)));
    store<i32>(p + (<usize>end << 2), t);
    siftDown(p, 0, end);
  }
}

function siftDown(p: usize, root: i32, n: i32): void {
  let r = root;
  while (true) {
    let child = 2 * r + 1;
    if (child >= n) return;
    if (child + 1 < n && load<i32>(p + (<usize>(child + 1) << 2)) > load<i32>(p + (<usize>child << 2))) child++;
    const vr = load<i32>(p + (<usize>r << 2));
    const vc = load<i32>(p + (<usize>child << 2));
    if (vr >= vc) return;
    store<i32>(p + (<usize>r << 2), vc);
    store<i32>(p + (<usize>child << 2), vr);
    r = child;
  }
}

/**
 * neighborLists(idx, offsets, x, dim, count, eps): all ε-neighbourhoods at once, CSR. `offsets`
 * (count+1 i32) must hold the prefix sums of neighborCounts (offsets[0] = 0, offsets[i+1] − offsets[i]
 * = counts[i]); row i, idx[offsets[i] … offsets[i+1]−1], receives the indices j with d(i,j) ≤ eps (i
 * included) in ascending order. Never writes outside a row (with wrong offsets a row is truncated or
 * partly unwritten). Scratch: dim·count f64 + 3·count i32, released before returning.
 */
export function neighborLists(idx: usize, offsets: usize, x: usize, dim: i32, count: i32, eps: f64): void {
  const eps2 = eps * eps;
  const mark = arenaTop();
  const cursor = arenaAlloc(<usize>count << 2);
  for (let i = 0; i < count; i++) store<i32>(cursor + (<usize>i << 2), load<i32>(offsets + (<usize>i << 2)));
  if (dim == 0) {
    for (let i = 0; i < count; i++) for (let j = 0; j < count; j++) push(offsets, cursor, idx, i, j);
  } else {
    for (let i = 0; i < count; i++) push(offsets, cursor, idx, i, i);
    if (count >= 2) {
      const c = prepare(x, dim, count);
      sweep(MODE_LIST, 0, offsets, cursor, idx, dim, count, c, eps2);
    }
    for (let i = 0; i < count; i++) {
      const lo = load<i32>(offsets + (<usize>i << 2));
      sortI32(idx + (<usize>lo << 2), load<i32>(cursor + (<usize>i << 2)) - lo);
    }
  }
  arenaRelease(mark);
}

/**
 * neighbors(idx, x, dim, count, q, eps) → number: writes the indices j with d(q,j) ≤ eps (q included)
 * into idx in ascending order and returns how many there are (idx needs room for `count`). One query,
 * O(count·dim); for every point's neighbourhood use neighborLists (one sweep for all).
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
