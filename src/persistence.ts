// H0 persistence of a point set: the merge heights of single-linkage clustering, i.e. the edge lengths
// of a Euclidean minimum spanning tree (every component is born at 0 and dies when it merges). With
// min_samples = 1, DBSCAN at any eps is a cut of this dendrogram: the clusters are the components of
// the MST edges ≤ eps. So a wide gap between the small (within-cluster) heights and the large (between-
// cluster) ones picks eps (REFERENCE §6) — the bundle finder uses it when eps is not given.
//
// Prim's algorithm, O(N²): each step adds the nearest outside point and updates the distances to the
// tree from the new point, one row of distances at a time by the wasm distance kernel. The kernel works
// on a compacted copy of the points still outside the tree (plus the new tree point in slot 0), rebuilt
// whenever a quarter of it has joined the tree, so the rows and the scans shrink as the tree grows
// (about 0.6·N² distances instead of N²). The same distances (sequential sums over d, then √), the same
// strict updates and the same choice (smallest distance, ties to the lowest index) as the plain N×N
// loop. Points are in the distance kernels' layout, dimension-major: coordinate d of point i at
// x[d·count + i].
import { WasmArray, f64, mark, release, scoped, type Arg } from "./arena.js";
import { TegumError, checkFinite, checkInt } from "./errors.js";
import { distanceKernels } from "./distance.js";

/** Validates points in the kernels' layout; returns the typed view. */
export function checkPoints(x: Arg<Float64Array>, dim: number, count: number, name = "x"): Float64Array {
  checkInt("dim", dim, 1, 0x7fffffff);
  checkInt("count", count, 0, 0x7fffffff);
  const view = x instanceof WasmArray ? x.array : x;
  if (!(view instanceof Float64Array)) throw new TegumError(`${name} must be a Float64Array (dimension-major: x[d·count + i])`, name);
  if (view.length < dim * count) throw new TegumError(`${name} needs at least dim·count = ${dim * count} elements, got ${view.length}`, name);
  checkFinite(name, view, dim * count);
  return view;
}

export interface EpsChoice {
  /** The suggested eps: the middle of the widest gap. */
  eps: number;
  /** The heights bracketing the gap (lower is 0 when the gap starts at 0). */
  lower: number;
  upper: number;
  /** upper − lower. */
  gap: number;
  /** Number of clusters (min_samples = 1) at this eps: count − #{heights ≤ eps}. */
  clusters: number;
}

export interface Persistence {
  count: number;
  /** The N − 1 merge heights, ascending. */
  heights: Float64Array;
  /** The MST edge of each height: points (edges[2t], edges[2t+1]). */
  edges: Int32Array;
  /** eps from the widest gap in 0 ≤ h_1 ≤ … ≤ h_{N−1} (null for fewer than 2 points). */
  choice: EpsChoice | null;
}

/** H0 persistence (single-linkage merge heights) of `count` points of dimension `dim`. Requires `init`. */
export function persistence(x: Arg<Float64Array>, dim: number, count: number): Persistence {
  checkPoints(x, dim, count);
  const heights = new Float64Array(Math.max(0, count - 1));
  const edges = new Int32Array(2 * Math.max(0, count - 1));
  if (count < 2) return { count, heights, edges, choice: null };
  const kernel = distanceKernels();
  const best = new Float64Array(count).fill(Infinity);
  const from = new Int32Array(count);
  const inTree = new Uint8Array(count);
  const h: number[] = [];
  const pairs: [number, number][] = [];
  scoped(() => {
    const xr = x instanceof WasmArray ? x : f64(x.subarray(0, dim * count));
    const base = mark();
    // cand: the outside points (ascending) the compacted copy holds in slots 1 … width − 1.
    let cand = new Int32Array(count - 1);
    let width = 0;
    let stale = 0;
    let xc = xr;
    let row = xr;
    const compact = () => {
      release(base);
      const keep: number[] = [];
      for (let j = 0; j < count; j++) if (!inTree[j]) keep.push(j);
      cand = Int32Array.from(keep);
      width = cand.length + 1;
      stale = 0;
      xc = f64(dim * width);
      row = f64(width);
      const src = xr.array;
      const dst = xc.array;
      for (let d = 0; d < dim; d++) {
        const so = d * count;
        const dO = d * width + 1;
        for (let t = 0; t < cand.length; t++) dst[dO + t] = src[so + cand[t]];
      }
    };
    let q = 0;
    inTree[0] = 1;
    compact();
    for (let step = 1; step < count; step++) {
      const src = xr.array;
      const xa = xc.array;
      for (let d = 0; d < dim; d++) xa[d * width] = src[d * count + q];
      kernel.chordalDistances(row.ptr, xc.ptr, dim, width, 0);
      const next = primStep(cand, row.array, best, from, inTree, q);
      inTree[next] = 1;
      h.push(best[next]);
      pairs.push([from[next], next]);
      q = next;
      if (++stale * 4 > cand.length && step + 1 < count) compact();
    }
  });
  const order = h.map((_, i) => i).sort((a, b) => h[a] - h[b] || a - b);
  order.forEach((o, t) => {
    heights[t] = h[o];
    edges[2 * t] = Math.min(pairs[o][0], pairs[o][1]);
    edges[2 * t + 1] = Math.max(pairs[o][0], pairs[o][1]);
  });
  return { count, heights, edges, choice: widestGap(heights, count) };
}

/**
 * One Prim update over the candidates (ascending indices; dist[t + 1] = distance from q to cand[t]):
 * best/from of the outside points, then the next point — the smallest best, ties to the lowest index.
 */
function primStep(cand: Int32Array, dist: Float64Array, best: Float64Array, from: Int32Array, inTree: Uint8Array, q: number): number {
  let next = -1;
  let nextD = Infinity;
  for (let t = 0; t < cand.length; t++) {
    const j = cand[t];
    if (inTree[j]) continue;
    let bj = best[j];
    const dj = dist[t + 1];
    if (dj < bj) {
      best[j] = bj = dj;
      from[j] = q;
    }
    if (bj < nextD || next < 0) {
      nextD = bj;
      next = j;
    }
  }
  return next;
}

/** eps in the widest gap of 0 ≤ h_1 ≤ … (ties: the lowest gap). */
export function widestGap(heights: ArrayLike<number>, count = heights.length + 1): EpsChoice | null {
  if (heights.length === 0) return null;
  let lower = 0, upper = heights[0], gap = heights[0];
  for (let t = 1; t < heights.length; t++) {
    const g = heights[t] - heights[t - 1];
    if (g > gap) {
      gap = g;
      lower = heights[t - 1];
      upper = heights[t];
    }
  }
  const eps = (lower + upper) / 2;
  let merged = 0;
  for (let t = 0; t < heights.length; t++) if (heights[t] <= eps) merged++;
  return { eps, lower, upper, gap, clusters: count - merged };
}
