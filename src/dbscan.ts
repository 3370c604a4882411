// DBSCAN with scikit-learn's semantics (sklearn/cluster/_dbscan.py, _dbscan_inner.pyx; REFERENCE §6),
// made deterministic:
//   - the neighbourhood of p is {q : ‖p − q‖ ≤ eps} (inclusive), p itself included;
//   - p is a core point iff |N(p)| ≥ minSamples (so minSamples counts the point itself);
//   - clusters are the components of core points joined within eps, numbered in discovery order
//     scanning the indices ascending (cluster c starts at its lowest-index core point), noise is −1;
//   - a border point (non-core, within eps of a core point) joins the cluster of its **nearest** core
//     point, ties to the lower core index. scikit-learn gives it to whichever cluster reaches it first,
//     which depends on the order of the points; this rule does not, so the partition is invariant under
//     permuting the points (up to relabelling), and it agrees with scikit-learn whenever a border point
//     is reachable from one cluster only.
// Neighbourhoods come from the wasm neighbour graph (linkage.ts `epsGraph`: the sort-and-sweep kernels,
// each pair within the sort window examined once, exact d² ≤ eps·eps), the clusters are the connected
// components of the core points in it, and each border point takes the nearest of its core neighbours.
// A graph too large for memory falls back to one neighbour query per core point (O(N²·dim) time,
// O(N) memory). Points are dimension-major: x[d·count + i].
import { WasmArray, f64, i32, scoped, type Arg } from "./arena.js";
import { TegumError, checkInt, checkNumber } from "./errors.js";
import { distanceKernels } from "./distance.js";
import { epsGraph } from "./linkage.js";
import { checkPoints } from "./persistence.js";

export interface DbscanOptions {
  /** Neighbourhood radius (inclusive: d ≤ eps). */
  eps: number;
  /** Core iff |N(p)| ≥ minSamples, p included. Default 5 (scikit-learn's default). */
  minSamples?: number;
}

export interface DbscanResult {
  /** Cluster of each point (0, 1, … in discovery order), −1 for noise. */
  labels: Int32Array;
  /** 1 for core points. */
  core: Uint8Array;
  /** |N(p)|, p included. */
  neighborhoodSizes: Int32Array;
  /** Number of clusters. */
  clusters: number;
}

/** DBSCAN of `count` points of dimension `dim` (dimension-major). Requires `init`. */
export function dbscan(x: Arg<Float64Array>, dim: number, count: number, options: DbscanOptions): DbscanResult {
  const view = checkPoints(x, dim, count);
  if (options === null || typeof options !== "object") throw new TegumError("options must be an object { eps, minSamples? }", "options");
  const eps = checkNumber("eps", options.eps, 0);
  const minSamples = checkInt("minSamples", options.minSamples ?? 5, 1);
  const labels = new Int32Array(count).fill(-1);
  const core = new Uint8Array(count);
  const sizes = new Int32Array(count);
  if (count === 0) return { labels, core, neighborhoodSizes: sizes, clusters: 0 };
  let clusters = 0;
  const bestCore = new Int32Array(count).fill(-1);
  const bestDist = new Float64Array(count).fill(Infinity);
  // Border candidate j of core point q: keep the nearest core point (squared distance, ties: lower q).
  const offer = (pts: Float64Array, q: number, j: number) => {
    let s = 0;
    for (let d = 0; d < dim; d++) {
      const u = pts[d * count + j] - pts[d * count + q];
      s += u * u;
    }
    if (s < bestDist[j] || (s === bestDist[j] && q < bestCore[j])) {
      bestDist[j] = s;
      bestCore[j] = q;
    }
  };
  scoped(() => {
    const xr = x instanceof WasmArray ? x : f64(view.subarray(0, dim * count));
    const graph = epsGraph(xr, dim, count, eps);
    if (graph === null) {
      clusters = perPoint(xr, dim, count, eps, minSamples, labels, core, sizes, offer);
      return;
    }
    const { offsets, indices } = graph;
    for (let i = 0; i < count; i++) {
      sizes[i] = offsets[i + 1] - offsets[i];
      core[i] = sizes[i] >= minSamples ? 1 : 0;
    }
    // Clusters: components of the core points, numbered by their lowest core point.
    const stack = new Int32Array(count);
    for (let start = 0; start < count; start++) {
      if (!core[start] || labels[start] !== -1) continue;
      const label = clusters++;
      labels[start] = label;
      let top = 0;
      stack[top++] = start;
      while (top > 0) {
        const q = stack[--top];
        for (let t = offsets[q]; t < offsets[q + 1]; t++) {
          const j = indices[t];
          if (core[j] && labels[j] === -1) {
            labels[j] = label;
            stack[top++] = j;
          }
        }
      }
    }
    const pts = xr.array;
    for (let q = 0; q < count; q++) {
      if (!core[q]) continue;
      for (let t = offsets[q]; t < offsets[q + 1]; t++) if (!core[indices[t]]) offer(pts, q, indices[t]);
    }
  });
  for (let j = 0; j < count; j++) if (!core[j] && bestCore[j] >= 0) labels[j] = labels[bestCore[j]];
  return { labels, core, neighborhoodSizes: sizes, clusters };
}

/** DBSCAN by one neighbour query per core point (graphs too large to hold); returns the cluster count. */
function perPoint(
  xr: WasmArray<Float64Array>, dim: number, count: number, eps: number, minSamples: number,
  labels: Int32Array, core: Uint8Array, sizes: Int32Array, offer: (pts: Float64Array, q: number, j: number) => void,
): number {
  const kernel = distanceKernels();
  const counts = i32(count);
  kernel.neighborCounts(counts.ptr, xr.ptr, dim, count, eps);
  sizes.set(counts.array);
  for (let i = 0; i < count; i++) core[i] = sizes[i] >= minSamples ? 1 : 0;
  const idx = i32(count);
  const stack: number[] = [];
  let clusters = 0;
  for (let start = 0; start < count; start++) {
    if (!core[start] || labels[start] !== -1) continue;
    const label = clusters++;
    labels[start] = label;
    stack.push(start);
    while (stack.length > 0) {
      const q = stack.pop()!;
      const num = kernel.neighbors(idx.ptr, xr.ptr, dim, count, q, eps);
      const nb = idx.array;
      const pts = xr.array;
      for (let t = 0; t < num; t++) {
        const j = nb[t];
        if (core[j]) {
          if (labels[j] === -1) {
            labels[j] = label;
            stack.push(j);
          }
        } else offer(pts, q, j);
      }
    }
  }
  return clusters;
}
