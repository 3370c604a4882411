// Single linkage truncated at a radius by Prim's algorithm on the complete graph: for dense ε-graphs,
// where listing the pairs within the radius (the neighbour kernels, then Borůvka) costs ~N² edges of
// memory and work, this takes N²/2 distance sums and O(N) memory.
//
// Points are dimension-major (x[d*count + i]), the layout of the other distance kernels; the free points
// are copied into compact slots in that layout, so a block of slots is a few vector loads per dimension,
// and a sum usually stops after a few dimensions. Every sum is sequential over d from +0 of (x_jd − x_vd)² — the bits of the neighbour
// kernels and of the twin (src/twin/prim.ts) — and stops once past its limit: r² = radius·radius (pairs
// within the radius are those with d² ≤ r²) or key²·(1 + 2⁻⁴⁹) for a point whose best edge into the
// tree has d = key, d² = key²: past it, √ of the final sum rounds above key, so the pair cannot win even
// on a tie (partial sums of non-negative terms never decrease). Edges compare in the strict total order
// (d, min(i, j), max(i, j)) with d = √(d²), so the forest is the unique minimum spanning forest of the
// ε-graph under that order — the one Kruskal and Borůvka give. A tree grows while some free point is
// within the radius of it; then the next tree starts at the lowest free point.
import { arenaAlloc, arenaRelease, arenaTop } from "./arena";

/** Dimensions between early-exit checks (a check per dimension costs more in mispredictions than it saves). */
const CHECK: i32 = 4;

/** 1 + 2⁻⁴⁹: a sum past key²·SLACK has its √ round above key (see the header). */
const SLACK: f64 = 1 + 1.7763568394002505e-15;

/**
 * primForest(parent, key, x, dim, count, radius): for the points x (dimension-major, x[d·count + i]),
 * parent[j] (i32) = the point j joined its tree by and key[j] (f64) = the distance of that edge (−1 and
 * 0 for the first point of each tree). The free points are kept compact and dimension-major (a leaving
 * point's slot takes the last one), so the key updates run over contiguous slots, eight at a time in
 * four independent sums in the SIMD build, and the next point is a min-scan over the slots' keys. Dead
 * slots (vacated, or padding past count) have key +∞ and limit −∞, which no sum (≥ 0 or NaN) passes.
 * Scratch: (count + 8)·(dim + 2) f64 + 3·(count + 8) i32, released before returning.
 */
export function primForest(parent: usize, key: usize, x: usize, dim: i32, count: i32, radius: f64): void {
  const mark = arenaTop();
  const ld = (count + 7) & ~7; // slots per coordinate row, padded for the last block of eight
  const cols = arenaAlloc(<usize>dim * ld << 3); // cols[d·ld + t]: coordinate d of the point in slot t
  const vrow = arenaAlloc(<usize>dim << 3); // the point joining
  const id = arenaAlloc(<usize>ld << 2);
  const par = arenaAlloc(<usize>ld << 2); // best edge into the tree: its tree end, −1 if none yet
  const kd = arenaAlloc(<usize>ld << 3); // its d, +∞ if none (and in dead slots)
  const lim = arenaAlloc(<usize>ld << 3); // the sum past which slot t's pair cannot win (see the header); −∞ if dead
  const slotOf = arenaAlloc(<usize>ld << 2); // the slot of each free point, −1 once it has joined
  let lowest = 0; // no free point below it
  const r2 = radius * radius;
  for (let t = 0; t < ld; t++) {
    for (let d = 0; d < dim; d++) store<f64>(cols + ((<usize>d * ld + t) << 3), t < count ? load<f64>(x + ((<usize>d * count + t) << 3)) : 0);
    store<i32>(id + (<usize>t << 2), t);
    store<i32>(slotOf + (<usize>t << 2), t);
    store<i32>(par + (<usize>t << 2), -1);
    store<f64>(kd + (<usize>t << 3), Infinity);
    store<f64>(lim + (<usize>t << 3), t < count ? r2 : -Infinity);
  }
  let nFree = count;
  let at = 0;
  while (nFree > 0) {
    // Point v leaves slot `at` (the last slot moves in, its old place is marked dead) and joins its tree.
    const v = load<i32>(id + (<usize>at << 2));
    const pv = load<i32>(par + (<usize>at << 2));
    store<i32>(parent + (<usize>v << 2), pv);
    store<f64>(key + (<usize>v << 3), pv < 0 ? 0 : load<f64>(kd + (<usize>at << 3)));
    nFree--;
    for (let d = 0; d < dim; d++) {
      const row = cols + ((<usize>d * ld) << 3);
      store<f64>(vrow + (<usize>d << 3), load<f64>(row + (<usize>at << 3)));
      store<f64>(row + (<usize>at << 3), load<f64>(row + (<usize>nFree << 3)));
    }
    const moved = load<i32>(id + (<usize>nFree << 2));
    store<i32>(id + (<usize>at << 2), moved);
    store<i32>(slotOf + (<usize>moved << 2), at);
    store<i32>(par + (<usize>at << 2), load<i32>(par + (<usize>nFree << 2)));
    store<f64>(kd + (<usize>at << 3), load<f64>(kd + (<usize>nFree << 3)));
    store<f64>(lim + (<usize>at << 3), load<f64>(lim + (<usize>nFree << 3)));
    store<f64>(kd + (<usize>nFree << 3), Infinity);
    store<f64>(lim + (<usize>nFree << 3), -Infinity);
    store<i32>(slotOf + (<usize>v << 2), -1); // after the move: if at == nFree, moved == v
    if (nFree == 0) break;

    // Keys against v: the sums of eight slots at a time (dead slots in the last block pass no limit), the
    // few within their limits settled one by one.
    if (ASC_FEATURE_SIMD) {
      for (let t = 0; t < nFree; t += 8) {
        const pl = lim + (<usize>t << 3);
        const l0 = v128.load(pl), l1 = v128.load(pl, 16), l2 = v128.load(pl, 32), l3 = v128.load(pl, 48);
        let a0 = f64x2.splat(0), a1 = a0, a2 = a0, a3 = a0;
        let pc = cols + (<usize>t << 3);
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
            pc += <usize>ld << 3;
            pw += 8;
          }
          near = v128.any_true(v128.or(v128.or(f64x2.le(a0, l0), f64x2.le(a1, l1)), v128.or(f64x2.le(a2, l2), f64x2.le(a3, l3))));
        }
        if (!near) continue;
        settlePair(t, v, a0, l0, id, par, kd, lim, r2);
        settlePair(t + 2, v, a1, l1, id, par, kd, lim, r2);
        settlePair(t + 4, v, a2, l2, id, par, kd, lim, r2);
        settlePair(t + 6, v, a3, l3, id, par, kd, lim, r2);
      }
    } else {
      for (let t = 0; t < nFree; t++) {
        const limit = load<f64>(lim + (<usize>t << 3));
        let s = 0.0;
        for (let d0 = 0; d0 < dim && s <= limit; d0 += CHECK) {
          const de = min(d0 + CHECK, dim);
          for (let d = d0; d < de; d++) {
            const u = load<f64>(cols + ((<usize>d * ld + t) << 3)) - load<f64>(vrow + (<usize>d << 3));
            s += u * u;
          }
        }
        if (s <= limit) settle(t, v, s, id, par, kd, lim, r2);
      }
    }

    // The least edge into the tree: the least d, then (lo, hi) among the slots with it; none (d = +∞):
    // the next tree starts at the lowest free point.
    let least = Infinity;
    if (ASC_FEATURE_SIMD) {
      let m0 = f64x2.splat(Infinity), m1 = m0;
      for (let t = 0; t < nFree; t += 4) {
        m0 = f64x2.min(m0, v128.load(kd + (<usize>t << 3)));
        m1 = f64x2.min(m1, v128.load(kd + (<usize>t << 3), 16));
      }
      const m = f64x2.min(m0, m1);
      least = min(f64x2.extract_lane(m, 0), f64x2.extract_lane(m, 1));
    } else {
      for (let t = 0; t < nFree; t++) least = min(least, load<f64>(kd + (<usize>t << 3)));
    }
    if (least < Infinity) {
      let bestLo = 0, bestHi = 0;
      at = -1;
      for (let t = 0; t < nFree; t += 4) {
        let bits = 15;
        if (ASC_FEATURE_SIMD) {
          const l = f64x2.splat(least);
          bits = i64x2.bitmask(f64x2.eq(v128.load(kd + (<usize>t << 3)), l)) | (i64x2.bitmask(f64x2.eq(v128.load(kd + (<usize>t << 3), 16), l)) << 2);
        }
        for (let u = t; bits != 0 && u < min(t + 4, nFree); u++, bits >>= 1) {
          if ((bits & 1) == 0 || load<f64>(kd + (<usize>u << 3)) != least) continue;
          const j = load<i32>(id + (<usize>u << 2)), p = load<i32>(par + (<usize>u << 2));
          const lo = min(p, j), hi = max(p, j);
          if (at < 0 || lo < bestLo || (lo == bestLo && hi < bestHi)) {
            at = u;
            bestLo = lo;
            bestHi = hi;
          }
        }
      }
    } else {
      while (load<i32>(slotOf + (<usize>lowest << 2)) < 0) lowest++;
      at = load<i32>(slotOf + (<usize>lowest << 2));
    }
  }
  arenaRelease(mark);
}

/** Slot t's pair with v has sum s ≤ its limit: the edge (v, id[t]) at √s replaces t's key if it comes first. */
function settle(t: i32, v: i32, s: f64, id: usize, par: usize, kd: usize, lim: usize, r2: f64): void {
  const j = load<i32>(id + (<usize>t << 2));
  const p = load<i32>(par + (<usize>t << 2));
  const dist = sqrt<f64>(s);
  if (p >= 0 && !edgeBefore(dist, min(v, j), max(v, j), load<f64>(kd + (<usize>t << 3)), min(p, j), max(p, j))) return;
  store<i32>(par + (<usize>t << 2), v);
  store<f64>(kd + (<usize>t << 3), dist);
  store<f64>(lim + (<usize>t << 3), min(r2, s * SLACK));
}

/**
 * settle for slots t, t + 1 (sums s, limits lim) in two lanes: the same updates as two settle calls (√
 * and the new limits computed lane-wise with the same IEEE operations); only ties on d go lane by lane.
 * A dead slot is never within its limit (−∞), so it is never taken.
 */
// @ts-ignore: decorator
@inline function settlePair(t: i32, v: i32, s: v128, limit: v128, id: usize, par: usize, kd: usize, lim: usize, r2: f64): void {
  const within = f64x2.le(s, limit);
  if (!v128.any_true(within)) return;
  const pk = kd + (<usize>t << 3);
  const dist = f64x2.sqrt(s);
  const old = v128.load(pk);
  let take = i64x2.bitmask(v128.and(within, f64x2.lt(dist, old)));
  let ties = i64x2.bitmask(v128.and(within, f64x2.eq(dist, old)));
  for (let l = 0; ties != 0; l++, ties >>= 1) {
    if ((ties & 1) == 0) continue;
    const j = load<i32>(id + (<usize>(t + l) << 2)), p = load<i32>(par + (<usize>(t + l) << 2));
    const d = l == 0 ? f64x2.extract_lane(dist, 0) : f64x2.extract_lane(dist, 1);
    if (edgeBefore(d, min(v, j), max(v, j), d, min(p, j), max(p, j))) take |= 1 << l;
  }
  if (take == 0) return;
  const m = i64x2(take & 1 ? -1 : 0, take & 2 ? -1 : 0);
  v128.store(pk, v128.bitselect(dist, old, m));
  const pl = lim + (<usize>t << 3);
  const next = f64x2.min(f64x2.splat(r2), f64x2.mul(s, f64x2.splat(SLACK)));
  v128.store(pl, v128.bitselect(next, v128.load(pl), m));
  if (take & 1) store<i32>(par + (<usize>t << 2), v);
  if (take & 2) store<i32>(par + (<usize>(t + 1) << 2), v);
}

/** Whether edge (lo, hi) at distance d comes before edge (lo2, hi2) at distance g in the order (d, lo, hi). */
// @ts-ignore: decorator
@inline function edgeBefore(d: f64, lo: i32, hi: i32, g: f64, lo2: i32, hi2: i32): bool {
  return d != g ? d < g : lo != lo2 ? lo < lo2 : hi < hi2;
}
