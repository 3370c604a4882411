// primForest (prim.ts) pruned by a kd-tree, in two kinds.
// * Lines and hyperplanes (primTreeForest): a level of the bundle finder with k = 1 or k = m − 1, where
//   every plane is P = aaᵀ or I − aaᵀ for a unit axis a ∈ Rᵐ (the line, or the normal). Then the chordal
//   distance is a function of the axes alone, d² = e²(1 − e²/4) with e = min ‖a ∓ a′‖ ≤ √2, increasing
//   in e — so a box around axes bounds the distances of all its points from below, in m dimensions
//   instead of the embedding's m(m+1)/2. The bounds hold when each embedded point is within `slack`
//   (chordal) of its axis' plane (computed by the caller, src/plane-axes.ts).
// * Any points (primKdForest): the tree is over the points themselves and a box bounds the distance of
//   its points by the distance to the box.
// The point joining the tree need only relax the slots whose box may be within reach.
//
// The boxes only prune: every pair relaxed is summed over the embedding exactly as primForest sums it,
// so the forest is primForest's — the unique minimum spanning forest under (d, min, max) — as long as the
// bounds hold. The axes' bounds are shrunk by 2⁻⁴⁰ (relative) for their own rounding and that of the
// sums they are compared with (~(dim + m)·2⁻⁵³: enough below dim ≈ 8000, i.e. m ≈ 125). The points'
// bound needs no shrink at any dim: its terms are rounded exactly as the pair's own, each no larger, and
// rounding is monotone — the shrink only makes it a little weaker.
//
// Layout: a kd-tree over the axes (median splits along the widest coordinate) cuts the points into
// leaves of LEAF slots, in slot order; each leaf keeps its box, the largest limit of its free slots
// (−∞: none) and their least key. Once, a dual traversal of the tree lists for every leaf the leaves
// whose box may be within the radius of its box. A step then checks only those leaves of the joining
// point's leaf — its axis against each box and the box's largest limit — and relaxes the slots of the
// ones left: ~50 checks and ~100 pairs per step instead of N pairs on ~5000 planes in R⁵.
import { arenaAlloc, arenaRelease, arenaTop } from "./arena";
import { primForest } from "./prim";
import { most, pickLeast, relaxBlock } from "./prim-block";

/** Slots per leaf (a multiple of 8, relaxBlock's width). */
const LEAF: i32 = 8;

/** Leaves per group (a multiple of 4): the least key is found from the groups' least keys. */
const GROUP: i32 = 16;

/** 1 − 2⁻⁴⁰: the box bounds' shrink for their rounding (a few ulps of ~m + 5 operations). */
const SHRINK: f64 = 1 - 9.094947017729282e-13;

/** The bound past which no pair of a box is within a limit M (d² ≤ M): M(1 + slack) + slack(1 + slack) ≥ (√M + slack)². */
// @ts-ignore: decorator
@inline function reach(most: f64, slack: f64): f64 {
  return most * (1 + slack) + slack * (1 + slack);
}

/**
 * primTreeForest(parent, key, x, dim, count, radius, axes, m, slack) → 1 (0 when it ran primForest,
 * see below): primForest's parent and key (see
 * prim.ts) for points x (dimension-major) whose planes have the unit axes `axes` (point-major, m f64 per
 * point, either sign), each embedded point within `slack` of its axis' plane. When the leaves' neighbour
 * lists would hold more than min(L²/8, 2²²) pairs (L leaves: a radius that reaches a quarter of them
 * prunes little, and the lists would need O(L²) memory), it runs primForest instead. Scratch: about
 * count·(dim + 2m + 6) f64 (the neighbour lists reuse count·m of it), released before returning.
 */
export function primTreeForest(parent: usize, key: usize, x: usize, dim: i32, count: i32, radius: f64, axes: usize, m: i32, slack: f64): i32 {
  return treeForest(parent, key, x, dim, count, radius, axes, m, slack, true);
}

/**
 * primKdForest(parent, key, x, dim, count, radius) → 1 (0 when it ran primForest): primForest's parent
 * and key pruned by a kd-tree over the points themselves (the axes are the points, m = dim, slack 0).
 * Scratch: about count·(3·dim + 6) f64 (the neighbour lists reuse count·dim of it), released before
 * returning.
 */
export function primKdForest(parent: usize, key: usize, x: usize, dim: i32, count: i32, radius: f64): i32 {
  return treeForest(parent, key, x, dim, count, radius, 0, dim, 0, false);
}

/** Both kinds: `planes`, the axes are the planes' (either sign, d² ≥ e²(1 − e²/4)); else x itself (d² ≥ e²). */
function treeForest(parent: usize, key: usize, x: usize, dim: i32, count: i32, radius: f64, axes: usize, m: i32, slack: f64, planes: bool): i32 {
  if (count == 0) return 1;
  const mark = arenaTop();
  let leaves = 1; // of the perfect tree (heap order: node i has children 2i, 2i + 1; leaves L … 2L − 1)
  while (leaves * LEAF < count) leaves <<= 1;
  const live = (count + LEAF - 1) / LEAF; // leaves holding points: the first ones
  const ld = live * LEAF; // slots
  const cols = arenaAlloc(<usize>dim * ld << 3); // leaf by leaf: coordinate d of slot t at cols[((t/8)·dim + d)·8 + t%8]
  const vrow = arenaAlloc(<usize>dim << 3);
  const id = arenaAlloc(<usize>ld << 2); // the point in slot t (its index for padding; the splits touch only slots < count)
  const par = arenaAlloc(<usize>ld << 2);
  const kd = arenaAlloc(<usize>ld << 3);
  const lim = arenaAlloc(<usize>ld << 3);
  const slotOf = arenaAlloc(<usize>count << 2);
  const box = arenaAlloc(<usize>(2 * leaves) * m << 4); // node i's box: lo, hi of coordinate a at box[2(i·m + a)], box[2(i·m + a) + 1]
  const q2 = arenaAlloc(<usize>m << 4); // the joining point's axis as a box (a, a per coordinate)
  const lmax = arenaAlloc(<usize>live << 3); // per leaf: the largest limit of its free slots
  const groups = (live + GROUP - 1) / GROUP;
  const lmin = arenaAlloc(<usize>(groups * GROUP) << 3); // per leaf: the least key of its free slots (+∞ pad)
  const gmin = arenaAlloc(<usize>groups << 3); // per GROUP leaves: the least of their keys
  const r2 = radius * radius;

  // The axes in slot order (the splits move them with the points): needed only to build the tree, so
  // the neighbour lists reuse their space.
  const built = arenaTop();
  const ax = arenaAlloc(<usize>count * m << 3);
  for (let t = 0; t < ld; t++) store<i32>(id + (<usize>t << 2), t);
  if (planes) memory.copy(ax, axes, <usize>count * m << 3);
  else for (let p = 0; p < count; p++) for (let d = 0; d < dim; d++) store<f64>(ax + ((<usize>p * dim + d) << 3), load<f64>(x + ((<usize>d * count + p) << 3)));
  split(1, 0, count, leaves, id, ax, m, box);
  arenaRelease(built);
  for (let t = 0; t < ld; t++) {
    const p = load<i32>(id + (<usize>t << 2));
    const here = t < count;
    for (let d = 0; d < dim; d++) store<f64>(cols + (((<usize>(t >> 3) * dim + d) * 8 + (t & 7)) << 3), here ? load<f64>(x + ((<usize>d * count + p) << 3)) : 0);
    if (here) store<i32>(slotOf + (<usize>p << 2), t);
    store<i32>(par + (<usize>t << 2), -1);
    store<f64>(kd + (<usize>t << 3), Infinity);
    store<f64>(lim + (<usize>t << 3), here ? r2 : -Infinity);
  }
  for (let l = 0; l < groups * GROUP; l++) {
    if (l < live) store<f64>(lmax + (<usize>l << 3), r2);
    store<f64>(lmin + (<usize>l << 3), Infinity);
  }
  for (let g = 0; g < groups; g++) store<f64>(gmin + (<usize>g << 3), Infinity);
  // The leaves' neighbour lists (CSR: nbOff[l] … nbOff[l+1] − 1 in nbIdx), from the leaf pairs the dual
  // traversal finds (each once, at the arena's top so the list may grow), counted and spread.
  const within = reach(r2, slack); // a bound above it: no pair of the boxes within the radius
  const nbOff = arenaAlloc(<usize>(live + 1) << 2);
  pairs = arenaAlloc(0);
  pairCount = 0;
  pairCap = <i32>min(<i64>live * live / 8, 1 << 22);
  dual(1, 1, leaves, count, box, m, within, planes);
  if (pairCount > pairCap) {
    arenaRelease(mark);
    primForest(parent, key, x, dim, count, radius);
    return 0;
  }
  const found = pairs;
  const nbIdx = arenaAlloc(<usize>(2 * pairCount) << 2);
  for (let l = 0; l <= live; l++) store<i32>(nbOff + (<usize>l << 2), 0);
  for (let e = 0; e < pairCount; e++) {
    const a = load<i32>(found + (<usize>e << 3)), b = load<i32>(found + (<usize>e << 3), 4);
    bump(nbOff, a + 1);
    if (b != a) bump(nbOff, b + 1);
  }
  for (let l = 0; l < live; l++) store<i32>(nbOff + (<usize>(l + 1) << 2), load<i32>(nbOff + (<usize>(l + 1) << 2)) + load<i32>(nbOff + (<usize>l << 2)));
  const fill = arenaAlloc(<usize>live << 2);
  for (let l = 0; l < live; l++) store<i32>(fill + (<usize>l << 2), load<i32>(nbOff + (<usize>l << 2)));
  for (let e = 0; e < pairCount; e++) {
    const a = load<i32>(found + (<usize>e << 3)), b = load<i32>(found + (<usize>e << 3), 4);
    store<i32>(nbIdx + (<usize>bump(fill, a) << 2), b);
    if (b != a) store<i32>(nbIdx + (<usize>bump(fill, b) << 2), a);
  }

  let lowest = 0; // no free point below it
  let at = load<i32>(slotOf);
  let nFree = count;
  while (true) {
    // Point v leaves slot `at` (dead from now on) and joins its tree.
    const v = load<i32>(id + (<usize>at << 2));
    const pv = load<i32>(par + (<usize>at << 2));
    const home = at / LEAF;
    store<i32>(parent + (<usize>v << 2), pv);
    store<f64>(key + (<usize>v << 3), pv < 0 ? 0 : load<f64>(kd + (<usize>at << 3)));
    store<f64>(kd + (<usize>at << 3), Infinity);
    store<f64>(lim + (<usize>at << 3), -Infinity);
    store<i32>(slotOf + (<usize>v << 2), -1);
    refresh(home, kd, lim, lmax, lmin, gmin);
    if (--nFree == 0) break;
    for (let d = 0; d < dim; d++) store<f64>(vrow + (<usize>d << 3), load<f64>(cols + (((<usize>(at >> 3) * dim + d) * 8 + (at & 7)) << 3)));
    for (let a = 0; a < m; a++) {
      const c = planes ? load<f64>(axes + ((<usize>v * m + a) << 3)) : load<f64>(vrow + (<usize>a << 3));
      store<f64>(q2 + (<usize>a << 4), c);
      store<f64>(q2 + (<usize>a << 4), c, 8);
    }

    // Keys against v: the slots of the home leaf's neighbours whose box may hold one within its limit.
    const e1 = load<i32>(nbOff + (<usize>(home + 1) << 2));
    for (let e = load<i32>(nbOff + (<usize>home << 2)); e < e1; e++) {
      const l = load<i32>(nbIdx + (<usize>e << 2));
      const most = load<f64>(lmax + (<usize>l << 3));
      if (!(most >= 0) || boxBound(q2, box + (<usize>(leaves + l) * m << 4), m, planes) > reach(most, slack)) continue;
      let changed = false;
      for (let t = l * LEAF; t < (l + 1) * LEAF; t += 8) changed |= relaxBlock(t, v, vrow, cols + (<usize>(t >> 3) * dim << 6), 64, dim, id, par, kd, lim, r2);
      if (changed) refresh(l, kd, lim, lmax, lmin, gmin);
    }

    // The least edge into the tree (least d, then (lo, hi)) from the leaves holding the least key; none:
    // the next tree starts at the lowest free point.
    let least = Infinity;
    for (let g = 0; g < groups; g++) least = min(least, load<f64>(gmin + (<usize>g << 3)));
    if (least < Infinity) {
      at = -1;
      for (let g = 0; g < groups; g++) {
        if (load<f64>(gmin + (<usize>g << 3)) != least) continue;
        for (let l = g * GROUP; l < (g + 1) * GROUP; l++) {
          if (load<f64>(lmin + (<usize>l << 3)) == least) at = pickLeast(l * LEAF, (l + 1) * LEAF, least, at, id, par, kd);
        }
      }
    } else {
      while (load<i32>(slotOf + (<usize>lowest << 2)) < 0) lowest++;
      at = load<i32>(slotOf + (<usize>lowest << 2));
    }
  }
  arenaRelease(mark);
  return 1;
}

/**
 * A lower bound on d² (less the slack) between any axes of two boxes (lo, hi per coordinate; a point is
 * the box lo = hi), shrunk for rounding: e², the squared distance between the boxes — of planes, either
 * sign (e² ≤ 2) and e²(1 − e²/4). (d ≥ √that − slack, so d² > M once that exceeds
 * M(1 + slack) + slack(1 + slack) ≥ (√M + slack)².)
 */
// @ts-ignore: decorator
@inline function boxBound(a: usize, b: usize, m: i32, planes: bool): f64 {
  let e2: f64;
  if (ASC_FEATURE_SIMD) {
    // Lanes (+, −): the gap between [lb, hb] and [la, ha] is max(lb − ha, la − hb, 0), and between
    // [−hb, −lb] and [la, ha] max(la + lb, −ha − hb, 0).
    const zero = f64x2.splat(0);
    const flip = f64x2(1, -1);
    let g = zero;
    for (let c = 0; c < m; c++) {
      const va = v128.load(a + (<usize>c << 4));
      const u = f64x2.sub(v128.load64_splat(b + (<usize>c << 4)), f64x2.mul(v128.shuffle<f64>(va, va, 1, 0), flip));
      const w = f64x2.sub(f64x2.mul(va, flip), v128.load64_splat(b + (<usize>c << 4), 8));
      const p = f64x2.pmax(f64x2.pmax(u, w), zero);
      g = f64x2.add(g, f64x2.mul(p, p));
    }
    e2 = planes ? min(f64x2.extract_lane(g, 0), f64x2.extract_lane(g, 1)) : f64x2.extract_lane(g, 0);
  } else {
    // The SIMD lanes' pmax(pmax(u, w), 0), pmax(a, b) = a < b ? b : a — the same bits, NaN included
    // (∞ − ∞ from infinite axes: such a bound prunes nothing).
    let gp = 0.0, gn = 0.0;
    for (let c = 0; c < m; c++) {
      const la = load<f64>(a + (<usize>c << 4)), ha = load<f64>(a + (<usize>c << 4), 8);
      const lb = load<f64>(b + (<usize>c << 4)), hb = load<f64>(b + (<usize>c << 4), 8);
      const p = gap(lb - ha, la - hb);
      const n = gap(lb + la, -ha - hb);
      gp += p * p;
      gn += n * n;
    }
    e2 = planes ? min(gp, gn) : gp;
  }
  if (!planes) return e2 * SHRINK;
  e2 = min(e2, 2.0);
  return e2 * (1 - 0.25 * e2) * SHRINK;
}

/** pmax(pmax(u, w), 0) of one lane. */
// @ts-ignore: decorator
@inline function gap(u: f64, w: f64): f64 {
  const t = u < w ? w : u;
  return t < 0 ? 0 : t;
}

let pairs: usize = 0; // the dual traversal's leaf pairs (a, b), a ≤ b, at the arena's top (room: arenaTop() − pairs bytes)
let pairCount: i32 = 0;
let pairCap: i32 = 0; // past it the traversal stops (pairCount = pairCap + 1)

/** Adds 1 to the i32 at p[i]; returns its old value. */
// @ts-ignore: decorator
@inline function bump(p: usize, i: i32): i32 {
  const c = load<i32>(p + (<usize>i << 2));
  store<i32>(p + (<usize>i << 2), c + 1);
  return c;
}

/** Lists the leaf pairs under nodes a ≤ b (same depth) whose boxes may be within the radius. */
function dual(a: i32, b: i32, leaves: i32, count: i32, box: usize, m: i32, within: f64, planes: bool): void {
  if (pairCount > pairCap) return;
  const ba = box + (<usize>a * m << 4), bb = box + (<usize>b * m << 4);
  if (m > 0 && (load<f64>(ba) > load<f64>(ba, 8) || load<f64>(bb) > load<f64>(bb, 8))) return; // no points
  if (boxBound(ba, bb, m, planes) > within) return;
  if (a >= leaves) {
    if (max(a, b) - leaves >= (count + LEAF - 1) / LEAF) return; // a leaf without points (m = 0 has no boxes)
    if ((<usize>pairCount + 1) << 3 > arenaTop() - pairs) arenaAlloc(4096); // contiguous with `pairs`: nothing else is allocated meanwhile
    store<i32>(pairs + (<usize>pairCount << 3), a - leaves);
    store<i32>(pairs + (<usize>pairCount << 3), b - leaves, 4);
    pairCount++;
  } else if (a == b) {
    dual(2 * a, 2 * a, leaves, count, box, m, within, planes);
    dual(2 * a, 2 * a + 1, leaves, count, box, m, within, planes);
    dual(2 * a + 1, 2 * a + 1, leaves, count, box, m, within, planes);
  } else {
    dual(2 * a, 2 * b, leaves, count, box, m, within, planes);
    dual(2 * a, 2 * b + 1, leaves, count, box, m, within, planes);
    dual(2 * a + 1, 2 * b, leaves, count, box, m, within, planes);
    dual(2 * a + 1, 2 * b + 1, leaves, count, box, m, within, planes);
  }
}

/** Leaf l's largest limit and least key, from its slots, and its group's least key. */
function refresh(l: i32, kd: usize, lim: usize, lmax: usize, lmin: usize, gmin: usize): void {
  store<f64>(lmax + (<usize>l << 3), most(lim + (<usize>(l * LEAF) << 3), LEAF, false));
  store<f64>(lmin + (<usize>l << 3), most(kd + (<usize>(l * LEAF) << 3), LEAF, true));
  const g = l / GROUP;
  store<f64>(gmin + (<usize>g << 3), most(lmin + (<usize>(g * GROUP) << 3), GROUP, true));
}

/** The box (lo, hi per coordinate, interleaved at out) of the axes of slots s0 … s1 − 1 (empty: +∞, −∞). */
function boundingBox(out: usize, ax: usize, m: i32, s0: i32, s1: i32): void {
  for (let a = 0; a < m; a++) {
    let l = Infinity, h = -Infinity;
    for (let t = s0; t < s1; t++) {
      const c = load<f64>(ax + ((<usize>t * m + a) << 3));
      if (c < l) l = c;
      if (c > h) h = c;
    }
    store<f64>(out + (<usize>a << 4), l);
    store<f64>(out + (<usize>a << 4), h, 8);
  }
}

/**
 * Builds node i over the points of slots s0 … s1 − 1 (its `span` leaves from s0; their ids in id, their
 * axes in ax): its box, then the lower half of its leaves gets the points smallest along the box's
 * widest coordinate (by (coordinate, point) — a strict order, so the split is the same on every build),
 * recursively.
 */
function split(i: i32, s0: i32, s1: i32, span: i32, id: usize, ax: usize, m: i32, box: usize): void {
  const bi = box + (<usize>i * m << 4);
  boundingBox(bi, ax, m, s0, s1);
  if (span == 1) return;
  let wide = 0;
  for (let a = 1; a < m; a++) {
    if (load<f64>(bi + (<usize>a << 4), 8) - load<f64>(bi + (<usize>a << 4)) > load<f64>(bi + (<usize>wide << 4), 8) - load<f64>(bi + (<usize>wide << 4))) wide = a;
  }
  const half = span >> 1;
  const sm = min(s0 + half * LEAF, s1);
  if (sm > s0 && sm < s1) select(id, ax, m, wide, s0, s1, sm);
  split(2 * i, s0, sm, half, id, ax, m, box);
  split(2 * i + 1, sm, s1, half, id, ax, m, box);
}

/**
 * Quickselect (Hoare partition, middle pivot) of slots s0 … s1 − 1 by (coordinate a, point): afterwards
 * slots s0 … sm − 1 hold the sm − s0 first; ids and axes move together.
 */
function select(id: usize, ax: usize, m: i32, a: i32, s0: i32, s1: i32, sm: i32): void {
  let l = s0, r = s1 - 1;
  while (l < r) {
    const pm = (l + r) >>> 1;
    const kp = load<f64>(ax + ((<usize>pm * m + a) << 3)), p = load<i32>(id + (<usize>pm << 2));
    let i = l, j = r;
    while (i <= j) {
      while (before(load<f64>(ax + ((<usize>i * m + a) << 3)), load<i32>(id + (<usize>i << 2)), kp, p)) i++;
      while (before(kp, p, load<f64>(ax + ((<usize>j * m + a) << 3)), load<i32>(id + (<usize>j << 2)))) j--;
      if (i <= j) {
        const t = load<i32>(id + (<usize>i << 2));
        store<i32>(id + (<usize>i << 2), load<i32>(id + (<usize>j << 2)));
        store<i32>(id + (<usize>j << 2), t);
        for (let c = 0; c < m; c++) {
          const pi = ax + ((<usize>i * m + c) << 3), pj = ax + ((<usize>j * m + c) << 3);
          const u = load<f64>(pi);
          store<f64>(pi, load<f64>(pj));
          store<f64>(pj, u);
        }
        i++;
        j--;
      }
    }
    // (l … j) ≤ pivot ≤ (i … r): keep the side holding the boundary between sm − 1 and sm.
    if (sm <= j) r = j;
    else if (sm - 1 >= i) l = i;
    else break;
  }
}

/** Whether (key kp, point p) comes before (kq, q). */
// @ts-ignore: decorator
@inline function before(kp: f64, p: i32, kq: f64, q: i32): bool {
  return kp != kq ? kp < kq : p < q;
}
