// The relaxation step shared by the Prim kernels (prim.ts on compact slots, prim-tree.ts on the leaves of
// a tree): the keys of eight consecutive slots against the point v joining the tree, their coordinates
// dimension-major (eight f64 per dimension, `stride` bytes apart). Each slot t has its point id[t], its best edge into the tree
// (par[t], kd[t]) and the limit lim[t] past which its sum cannot win (see prim.ts's header). Every sum
// is sequential over d from +0 of (x_td − x_vd)², stopped past the limit; edges compare in the strict
// total order (d, min(i, j), max(i, j)). Also shared: pickLeast, the slot of the least edge among those
// with the least key, and most, the least key (or largest limit) of a run of slots. Not a wasm export
// (assembly/index.ts does not re-export this file).

/** Dimensions between early-exit checks (a check per dimension costs more in mispredictions than it saves). */
const CHECK: i32 = 4;

/** 1 + 2⁻⁴⁹: a sum past key²·SLACK has its √ round above key (see prim.ts's header). */
const SLACK: f64 = 1 + 1.7763568394002505e-15;

/** The limit of a free slot whose best edge has sum s: min(r², s·SLACK). */
// @ts-ignore: decorator
@inline function limitOf(s: f64, r2: f64): f64 {
  return min(r2, s * SLACK);
}

/**
 * Relaxes slots t … t+7 against v (coordinates at vrow, dim f64): their coordinate d at block +
 * d·stride (eight f64), summed in four independent f64x2 sums by the SIMD build, one by one by the
 * scalar build; dead slots (limit −∞) pass no limit. Returns whether a slot took v as its best edge.
 */
// @ts-ignore: decorator
@inline export function relaxBlock(
  t: i32, v: i32, vrow: usize, block: usize, stride: usize, dim: i32, id: usize, par: usize, kd: usize, lim: usize, r2: f64,
): bool {
  if (ASC_FEATURE_SIMD) {
    const pl = lim + (<usize>t << 3);
    const l0 = v128.load(pl), l1 = v128.load(pl, 16), l2 = v128.load(pl, 32), l3 = v128.load(pl, 48);
    let a0 = f64x2.splat(0), a1 = a0, a2 = a0, a3 = a0;
    let pc = block;
    let pw = vrow;
    let near = true;
    for (let d0 = 0; d0 < dim && near; d0 += CHECK) {
      const de = min(d0 + CHECK, dim);
      for (let d = d0; d < de; d++) {
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
        pw += 8;
      }
      near = v128.any_true(v128.or(v128.or(f64x2.le(a0, l0), f64x2.le(a1, l1)), v128.or(f64x2.le(a2, l2), f64x2.le(a3, l3))));
    }
    if (!near) return false;
    const c0 = settlePair(t, v, a0, l0, id, par, kd, lim, r2);
    const c1 = settlePair(t + 2, v, a1, l1, id, par, kd, lim, r2);
    const c2 = settlePair(t + 4, v, a2, l2, id, par, kd, lim, r2);
    const c3 = settlePair(t + 6, v, a3, l3, id, par, kd, lim, r2);
    return c0 | c1 | c2 | c3;
  } else {
    let changed = false;
    for (let u = t; u < t + 8; u++) {
      const limit = load<f64>(lim + (<usize>u << 3));
      let s = 0.0;
      for (let d0 = 0; d0 < dim && s <= limit; d0 += CHECK) {
        const de = min(d0 + CHECK, dim);
        for (let d = d0; d < de; d++) {
          const w = load<f64>(block + <usize>d * stride + (<usize>(u - t) << 3)) - load<f64>(vrow + (<usize>d << 3));
          s += w * w;
        }
      }
      if (s <= limit) changed |= settle(u, v, s, id, par, kd, lim, r2);
    }
    return changed;
  }
}

/** Slot t's pair with v has sum s ≤ its limit: the edge (v, id[t]) at √s replaces t's key if it comes first. */
function settle(t: i32, v: i32, s: f64, id: usize, par: usize, kd: usize, lim: usize, r2: f64): bool {
  const j = load<i32>(id + (<usize>t << 2));
  const p = load<i32>(par + (<usize>t << 2));
  const dist = sqrt<f64>(s);
  if (p >= 0 && !edgeBefore(dist, min(v, j), max(v, j), load<f64>(kd + (<usize>t << 3)), min(p, j), max(p, j))) return false;
  store<i32>(par + (<usize>t << 2), v);
  store<f64>(kd + (<usize>t << 3), dist);
  store<f64>(lim + (<usize>t << 3), limitOf(s, r2));
  return true;
}

/**
 * settle for slots t, t + 1 (sums s, limits lim) in two lanes: the same updates as two settle calls (√
 * and the new limits computed lane-wise with the same IEEE operations); only ties on d go lane by lane.
 * A dead slot is never within its limit (−∞), so it is never taken.
 */
// @ts-ignore: decorator
@inline function settlePair(t: i32, v: i32, s: v128, limit: v128, id: usize, par: usize, kd: usize, lim: usize, r2: f64): bool {
  const within = f64x2.le(s, limit);
  if (!v128.any_true(within)) return false;
  const pk = kd + (<usize>t << 3);
  const dist = f64x2.sqrt(s);
  const old = v128.load(pk);
  let take = i64x2.bitmask(v128.and(within, f64x2.lt(dist, old)));
  let ties = i64x2.bitmask(v128.and(within, f64x2.eq(dist, old)));
  for (let l = 0; ties != 0; l++, ties >>= 1) {
    if ((ties & 1) == 0) continue;
    const j = load<i32>(id + (<usize>(t + l) << 2)), p = load<i32>(par + (<usize>(t + l) << 2));
    const d = l == 0 ? f64x2.extract_lane(dist, 0) : f64x2.extract_lane(dist, 1);
    // No edge yet (p < 0) ties only at d = +∞ (r² overflowed): taken, as settle takes it.
    if (p < 0 || edgeBefore(d, min(v, j), max(v, j), d, min(p, j), max(p, j))) take |= 1 << l;
  }
  if (take == 0) return false;
  const m = i64x2(take & 1 ? -1 : 0, take & 2 ? -1 : 0);
  v128.store(pk, v128.bitselect(dist, old, m));
  const pl = lim + (<usize>t << 3);
  const next = f64x2.min(f64x2.splat(r2), f64x2.mul(s, f64x2.splat(SLACK)));
  v128.store(pl, v128.bitselect(next, v128.load(pl), m));
  if (take & 1) store<i32>(par + (<usize>t << 2), v);
  if (take & 2) store<i32>(par + (<usize>(t + 1) << 2), v);
  return true;
}

/** Whether edge (lo, hi) at distance d comes before edge (lo2, hi2) at distance g in the order (d, lo, hi). */
// @ts-ignore: decorator
@inline function edgeBefore(d: f64, lo: i32, hi: i32, g: f64, lo2: i32, hi2: i32): bool {
  return d != g ? d < g : lo != lo2 ? lo < lo2 : hi < hi2;
}

/**
 * The slot among t0 … t1−1 (t0 a multiple of 4; kd padded to a multiple of 4 past t1) with kd = least
 * whose edge (min(par, id), max(par, id)) comes first, or `at` if none comes before its edge (at < 0:
 * none yet). Scans of one extraction chain through `at`: each compares with the best of the previous ones.
 */
export function pickLeast(t0: i32, t1: i32, least: f64, at: i32, id: usize, par: usize, kd: usize): i32 {
  let bestLo = 0, bestHi = 0; // the edge of slot `at`
  if (at >= 0) {
    const j = load<i32>(id + (<usize>at << 2)), p = load<i32>(par + (<usize>at << 2));
    bestLo = min(p, j);
    bestHi = max(p, j);
  }
  for (let t = t0; t < t1; t += 4) {
    let bits = 15;
    if (ASC_FEATURE_SIMD) {
      const l = f64x2.splat(least);
      bits = i64x2.bitmask(f64x2.eq(v128.load(kd + (<usize>t << 3)), l)) | (i64x2.bitmask(f64x2.eq(v128.load(kd + (<usize>t << 3), 16), l)) << 2);
    }
    for (let u = t; bits != 0 && u < min(t + 4, t1); u++, bits >>= 1) {
      if ((bits & 1) == 0 || load<f64>(kd + (<usize>u << 3)) != least) continue;
      const j = load<i32>(id + (<usize>u << 2)), p = load<i32>(par + (<usize>u << 2));
      const lo = min(p, j), hi = max(p, j);
      if (at < 0 || lo < bestLo || (lo == bestLo && hi < bestHi)) { // edgeBefore at equal d
        at = u;
        bestLo = lo;
        bestHi = hi;
      }
    }
  }
  return at;
}

/** The largest (or, with least, the least) of `len` f64 at p (len a multiple of 4, at least 4; no NaN). */
// @ts-ignore: decorator
@inline export function most(p: usize, len: i32, least: bool): f64 {
  if (ASC_FEATURE_SIMD) {
    let a = v128.load(p), b = v128.load(p, 16);
    for (let u = 4; u < len; u += 4) {
      a = least ? f64x2.pmin(a, v128.load(p + (<usize>u << 3))) : f64x2.pmax(a, v128.load(p + (<usize>u << 3)));
      b = least ? f64x2.pmin(b, v128.load(p + (<usize>u << 3), 16)) : f64x2.pmax(b, v128.load(p + (<usize>u << 3), 16));
    }
    a = least ? f64x2.pmin(a, b) : f64x2.pmax(a, b);
    const x = f64x2.extract_lane(a, 0), y = f64x2.extract_lane(a, 1);
    return least ? min(x, y) : max(x, y);
  }
  let r = load<f64>(p);
  for (let u = 1; u < len; u++) r = least ? min(r, load<f64>(p + (<usize>u << 3))) : max(r, load<f64>(p + (<usize>u << 3)));
  return r;
}
