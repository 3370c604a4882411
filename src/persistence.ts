// H0 persistence of a point set: the merge heights of single-linkage clustering, i.e. the edge lengths
// of a Euclidean minimum spanning tree (every component is born at 0 and dies when it merges). With
// min_samples = 1, DBSCAN at any eps is a cut of this dendrogram: the clusters are the components of
// the MST edges ≤ eps. So a wide gap between the small (within-cluster) heights and the large (between-
// cluster) ones picks eps (REFERENCE §6) — the bundle finder uses it when eps is not given.
//
// Prim's algorithm, O(N²): each step adds the nearest outside point and updates the distances to the
// tree from the new point, one row of distances at a time by the wasm distance kernel (points resident
// in wasm memory, validated once). Points are in the distance kernels' layout, dimension-major:
// coordinate d of point i at x[d·count + i].
import { WasmArray, f64, scoped, type Arg } from "./arena.js";
import { TegumError, checkFinite, checkInt } from "./errors.js";
import { wasm } from "./wasm.js";

interface DistanceKernel {
  chordalDistances(out: number, x: number, dim: number, count: number, q: number): void;
}

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
  const kernel = wasm() as unknown as DistanceKernel;
  const best = new Float64Array(count).fill(Infinity);
  const from = new Int32Array(count);
  const inTree = new Uint8Array(count);
  const h: number[] = [];
  const pairs: [number, number][] = [];
  scoped(() => {
    const xr = x instanceof WasmArray ? x : f64(x.subarray(0, dim * count));
    const row = f64(count);
    let q = 0;
    inTree[0] = 1;
    for (let step = 1; step < count; step++) {
      kernel.chordalDistances(row.ptr, xr.ptr, dim, count, q);
      const d = row.array;
      let next = -1;
      let nextD = Infinity;
      for (let j = 0; j < count; j++) {
        if (inTree[j]) continue;
        if (d[j] < best[j]) {
          best[j] = d[j];
          from[j] = q;
        }
        if (best[j] < nextD || next < 0) {
          nextD = best[j];
          next = j;
        }
      }
      inTree[next] = 1;
      h.push(nextD);
      pairs.push([from[next], next]);
      q = next;
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
