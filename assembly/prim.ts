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
import { most, pickLeast, relaxBlock } from "./prim-block";

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

    // Keys against v, eight slots at a time (dead slots in the last block pass no limit).
    for (let t = 0; t < nFree; t += 8) relaxBlock(t, v, vrow, cols + (<usize>t << 3), <usize>ld << 3, dim, id, par, kd, lim, r2);

    // The least edge into the tree: the least d, then (lo, hi) among the slots with it; none (d = +∞):
    // the next tree starts at the lowest free point.
    // Slots nFree … ld − 1 are dead (+∞), so the scan may round up to a multiple of 4 (≤ ld); keys are +∞
    // or √s with s ≥ +0 (never NaN or −0), so the lane-wise pmin agrees with min.
    const least = most(kd, (nFree + 3) & ~3, true);
    if (least < Infinity) {
      at = pickLeast(0, nFree, least, -1, id, par, kd);
    } else {
      while (load<i32>(slotOf + (<usize>lowest << 2)) < 0) lowest++;
      at = load<i32>(slotOf + (<usize>lowest << 2));
    }
  }
  arenaRelease(mark);
}
