// Single linkage truncated at a radius: the minimum spanning forest of the graph of the pairs within
// R, in Kruskal order — what the bundle finder's eps choice and its min_samples = 1 DBSCAN need
// (bundles.ts), without the O(N²) full dendrogram. Also the ε-graph DBSCAN uses (dbscan.ts).
//
// 1. The ε-graph at R by the wasm sort-and-sweep neighbour kernels (assembly/distance.ts: one coordinate
//    sorted, only pairs inside the window examined, exact: d² ≤ R·R with d² the sequential sum over the
//    dimensions), CSR rows ascending (see epsGraph: usually a single neighborLists sweep).
// 2. Each pair i < j once, in (i, j) lexicographic order, with d = √(Σ_d (x_dj − x_di)²), the sum
//    sequential over d from +0 — the bits the distance kernels and the earlier all-pairs code give.
// 3. Borůvka on those edges: every round each component takes its least outgoing edge under the strict
//    total order (d, i, j) (= (d, edge index), the edges being listed in (i, j) order), edges inside a
//    component are dropped for good. With a strict total order the minimum spanning forest is unique, so
//    this is exactly the forest Kruskal's algorithm builds from the same edges sorted by (d, i, j) (ties
//    by point indices) — and, the graph holding every pair within R, exactly the MST edges ≤ R.
// When a fair share of all pairs is within R, listing them costs more than not listing any: Prim's
// algorithm on the complete graph (assembly/prim.ts) gives the same forest from N²/2 early-stopped sums
// — or, unless too many pairs are within R for that, from the pairs a kd-tree cannot rule out
// (assembly/prim-tree.ts): over the axes of lines and hyperplanes (plane-axes.ts), else over the points.
// With candidate pairs known in advance (the bundle finder's span screen), only those are tested.
import { type WasmArray, f64, i32, scoped } from "./arena.js";
import { countedGraph, distanceKernels, type NeighborGraph } from "./distance.js";
import { grow } from "./grow.js";
import { type PlaneAxes, planeAxes } from "./plane-axes.js";
import { wasm } from "./wasm.js";

/** Merge heights ascending and the edge (edges[2t] < edges[2t+1]) of each. */
export interface Linkage {
  heights: Float64Array;
  edges: Int32Array;
}

/**
 * Sizes that pick the neighbour-graph strategy (see epsGraph, radiusLinkage); only tests change them
 * (to reach every path).
 * maxEntries: entries (i32) a graph may have — above, callers fall back to one query per point, which
 * needs no O(entries) memory (a graph takes 4 bytes per entry in wasm memory and again in JS).
 * slotBytes: memory the one-pass lists may use for their fixed-size rows.
 * denseFraction: the fraction of all pairs within the radius from which radiusLinkage runs Prim instead.
 * An edge costs ~200 ns to list and link (sweep, CSR, Borůvka), a pair 2–5 ns in primForest, and the
 * sweep's window holds most pairs at the bundle finder's radii, so Prim wins from about 1/200 (measured on
 * Gaussian and trained n=20, m=5 levels of 2000–5000 points).
 * treeMin, treeFraction, treeMaxDim: Prim is pruned by a kd-tree (assembly/prim-tree.ts) from treeMin
 * points (below, the set-up costs about what it saves) while that fraction is below treeFraction (above,
 * the tree often prunes too little and gives up after its set-up), the tree over the points themselves
 * only up to treeMaxDim dimensions. `node bench/run.js bundles` measures it (its "break-even" lines; five
 * runs): on 4693 Gaussian hyperplanes of R⁵ the axes' tree is 2.0–3.1× as fast as Prim on all pairs at
 * fractions of 0.009–0.029 and gives up at 0.054 (0.89–0.92×); the points' tree over them (15
 * dimensions) is 1.4–1.8× as fast up to 0.014 and gives up from 0.029 (0.83–0.91×), but over faithful
 * mode's 4845 k=4 points of R⁵ still 3.5–4.3× as fast at 0.046. Over Gaussian 3-planes of R⁷ and R¹⁰ (28
 * and 55 dimensions) it gave up at every fraction from 0.002 to 0.057 (0.79–0.91×).
 */
export const graphLimits = { maxEntries: 1 << 26, slotBytes: 8 << 20, denseFraction: 0.005, treeMin: 64, treeFraction: 1 / 32, treeMaxDim: 21 };

/**
 * The CSR ε-graph of `count` points (dimension-major, resident): row i = indices[offsets[i] …
 * offsets[i+1] − 1], ascending, i included. `offsets` and `indices` are plain copies.
 *
 * Usually one sweep instead of two: neighborLists fills rows of `cap` zeroed slots (a row never runs
 * past its end, and only its written part is sorted: ascending, starting with at least the point itself),
 * so a row ends where its entries stop increasing. cap is 4× the longest row among 32 probed points
 * (one query each), within graphLimits.slotBytes. A full row may have been truncated; it is redone
 * exactly by the one-query kernel (`neighbors`, ascending); `degrees`: the probe's sizes, if the caller
 * has them (probeDegrees). When the rows are too long for the budget,
 * or many come out full: the exact two sweeps, neighborCounts then neighborLists on the prefix sums.
 * Null when the graph has more than graphLimits.maxEntries entries.
 */
export function epsGraph(
  x: WasmArray<Float64Array>, dim: number, count: number, eps: number, degrees?: number[],
): NeighborGraph | null {
  const k = distanceKernels();
  const { maxEntries, slotBytes } = graphLimits;
  return scoped(() => {
    // Slots per row: all of them for a few points; else 4× the longest row of a probe, within the budget.
    let cap = Math.min(count, Math.floor(slotBytes / 4 / Math.max(count, 1)));
    let probe = 0;
    if (count > 64 && cap >= 16) {
      probe = Math.max(...(degrees ?? probeDegrees(x, dim, count, eps)));
      cap = Math.min(cap, Math.max(32, 4 * probe));
    }
    if (cap === count || (cap >= 16 && probe * 2 < cap)) {
      const capOffsets = new Int32Array(count + 1);
      for (let i = 0; i <= count; i++) capOffsets[i] = i * cap;
      const op = i32(capOffsets);
      const slots = i32(count * cap); // zeroed
      k.neighborLists(slots.ptr, op.ptr, x.ptr, dim, count, eps);
      const sv = slots.array;
      const lengths = new Int32Array(count);
      const fullRows: number[] = [];
      for (let i = 0; i < count; i++) {
        // The written part is strictly increasing and the first unwritten slot is 0: the row ends
        // where the sequence stops increasing (a row holding only 0 ends after one entry, too).
        const row = i * cap;
        let len = 1;
        while (len < cap && sv[row + len] > sv[row + len - 1]) len++;
        lengths[i] = len;
        if (len === cap && cap < count) fullRows.push(i);
      }
      if (fullRows.length <= Math.max(8, count >> 6)) {
        const redo: Int32Array[] = [];
        if (fullRows.length > 0) {
          const one = i32(count);
          for (const i of fullRows) {
            const num = k.neighbors(one.ptr, x.ptr, dim, count, i, eps);
            redo.push(one.array.slice(0, num));
            lengths[i] = num;
          }
        }
        const offsets = new Int32Array(count + 1);
        for (let i = 0; i < count; i++) {
          const next = offsets[i] + lengths[i];
          if (next > maxEntries) return null;
          offsets[i + 1] = next;
        }
        const indices = new Int32Array(offsets[count]);
        const all = slots.array;
        let r = 0;
        for (let i = 0; i < count; i++) {
          if (r < fullRows.length && fullRows[r] === i) indices.set(redo[r++], offsets[i]);
          else indices.set(all.subarray(i * cap, i * cap + lengths[i]), offsets[i]);
        }
        return { offsets, indices };
      }
    }
    return countedGraph(x.ptr, dim, count, eps, maxEntries);
  });
}

/** The neighbourhood sizes (point included) of 32 evenly spaced points (one query each). */
function probeDegrees(x: WasmArray<Float64Array>, dim: number, count: number, eps: number): number[] {
  const k = distanceKernels();
  const samples = Math.min(32, count);
  return scoped(() => {
    const idx = i32(count);
    return Array.from({ length: samples }, (_, t) => k.neighbors(idx.ptr, x.ptr, dim, count, Math.floor(((t + 0.5) * count) / samples), eps));
  });
}

/** Points that are chordal embeddings of lines (P = aaᵀ) or hyperplanes (P = I − aaᵀ, complement) of Rᵐ. */
export interface PlaneKind {
  m: number;
  complement: boolean;
}

/**
 * Single linkage of `count` points (x dimension-major, x[d·count + i], resident in wasm memory)
 * truncated at `radius`: the minimum-spanning-forest edges with d² ≤ radius·radius, ascending by
 * (d, i, j). `pts`: the same points point-major, if the caller has them; `plane`: what they embed, if
 * they are lines or hyperplanes. Dense graphs (a probed mean degree above graphLimits.denseFraction of
 * the pairs) by primLinkage, the others from the ε-graph by Borůvka. Requires `init`.
 */
export function radiusLinkage(x: WasmArray<Float64Array>, dim: number, count: number, radius: number, pts?: Float64Array, plane?: PlaneKind): Linkage {
  if (count < 2) return { heights: new Float64Array(0), edges: new Int32Array(0) };
  const degrees = probeDegrees(x, dim, count, radius);
  const mean = degrees.reduce((a, b) => a + b, 0) / degrees.length;
  const fraction = (mean - 1) / (count - 1);
  const { denseFraction, treeMin, treeFraction, treeMaxDim } = graphLimits;
  if (fraction >= denseFraction) {
    const tree = count >= treeMin && fraction < treeFraction;
    const found = tree && plane ? planeAxes(pts ?? pointMajor(x.array, dim, count), dim, count, plane.m, plane.complement) : null;
    const prune = found !== null && found.slack <= 1e-8 ? found : tree && dim <= treeMaxDim ? "points" : null;
    return primLinkage(x, dim, count, radius, prune);
  }
  const graph = epsGraph(x, dim, count, radius, degrees);
  pts ??= pointMajor(x.array, dim, count);
  if (graph === null) return sparseLinkage(x, pts, dim, count, radius);
  const { offsets, indices } = graph;
  const list = new EdgeList((offsets[count] - count) / 2);
  for (let i = 0; i < count; i++) {
    for (let t = offsets[i]; t < offsets[i + 1]; t++) {
      const j = indices[t];
      if (j > i) list.push(i, j, pairDistance(pts, i * dim, j * dim, dim));
    }
  }
  return list.forest(count);
}

/** Edges (i, j, d) in the order they come, for Borůvka; the arrays grow as needed. */
class EdgeList {
  ei: Int32Array;
  ej: Int32Array;
  ed: Float64Array;
  size = 0;
  constructor(capacity = 1024) {
    this.ei = new Int32Array(capacity);
    this.ej = new Int32Array(capacity);
    this.ed = new Float64Array(capacity);
  }
  push(i: number, j: number, d: number): void {
    if (this.size === this.ei.length) [this.ei, this.ej, this.ed] = [grow(this.ei), grow(this.ej), grow(this.ed)];
    this.ei[this.size] = i;
    this.ej[this.size] = j;
    this.ed[this.size++] = d;
  }
  /** The minimum spanning forest of the edges among `count` points (see boruvka). */
  forest(count: number): Linkage {
    return boruvka(count, this.ei, this.ej, this.ed, this.size);
  }
}

/**
 * radiusLinkage of the point-major `pts` when the pairs within the radius are known to be among
 * candidate pairs: `candidates(i)` returns indices j > i, ascending, that include every j > i within the
 * radius (the array may be reused by the next call). Each candidate is tested as the neighbour kernels
 * test (d² ≤ radius·radius, d² summed sequentially over the dimensions from +0), so the edges, their
 * order and the result are radiusLinkage's.
 */
export function candidateLinkage(pts: Float64Array, dim: number, count: number, radius: number, candidates: (i: number) => ArrayLike<number>): Linkage {
  const r2 = radius * radius;
  const list = new EdgeList();
  for (let i = 0; i < count; i++) {
    const js = candidates(i);
    const io = i * dim;
    for (let t = 0; t < js.length; t++) {
      const j = js[t];
      if (!(j > (t > 0 ? js[t - 1] : i))) throw new Error(`candidateLinkage: candidates(${i}) not ascending above ${i}`);
      // The sum grows term by term (each term ≥ 0, so every rounded partial sum is ≥ the previous):
      // once past r², the pair is out.
      const jo = j * dim;
      let d2 = 0;
      for (let d = 0; d < dim && d2 <= r2; d++) {
        const u = pts[jo + d] - pts[io + d];
        d2 += u * u;
      }
      if (d2 <= r2) list.push(i, j, Math.sqrt(d2));
    }
  }
  return list.forest(count);
}

/** The Prim kernels' exports (assembly/prim.ts, prim-tree.ts), on resident data. */
interface PrimKernels {
  primForest(parent: number, key: number, x: number, dim: number, count: number, radius: number): void;
  primTreeForest(parent: number, key: number, x: number, dim: number, count: number, radius: number, axes: number, m: number, slack: number): number;
  primKdForest(parent: number, key: number, x: number, dim: number, count: number, radius: number): number;
}
export const primKernels = () => wasm() as unknown as PrimKernels;

/**
 * radiusLinkage by Prim's algorithm on the complete graph (the wasm kernel primForest, see
 * assembly/prim.ts), for dense ε-graphs: N²/2 distance sums, most stopped after a few dimensions, and no
 * edge list. The same forest, so the same heights and edges — also when Prim is pruned by a kd-tree
 * (assembly/prim-tree.ts), `prune`: over the certified axes of lines and hyperplanes, or over the
 * "points" — the same forest from the pairs the tree cannot rule out.
 */
function primLinkage(x: WasmArray<Float64Array>, dim: number, count: number, radius: number, prune: PlaneAxes | "points" | null): Linkage {
  const k = primKernels();
  const { parent, key } = scoped(() => {
    const p = i32(count);
    const d = f64(count);
    if (prune === "points") k.primKdForest(p.ptr, d.ptr, x.ptr, dim, count, radius);
    else if (prune !== null) k.primTreeForest(p.ptr, d.ptr, x.ptr, dim, count, radius, f64(prune.axes).ptr, prune.m, prune.slack);
    else k.primForest(p.ptr, d.ptr, x.ptr, dim, count, radius);
    return { parent: p.toArray(), key: d.toArray() };
  });
  let edgeCount = 0;
  for (let j = 0; j < count; j++) if (parent[j] >= 0) edgeCount++;
  const heights = new Float64Array(edgeCount);
  const edges = new Int32Array(2 * edgeCount);
  for (let j = 0, t = 0; j < count; j++) {
    if (parent[j] < 0) continue;
    heights[t] = key[j];
    edges[2 * t] = Math.min(j, parent[j]);
    edges[2 * t + 1] = Math.max(j, parent[j]);
    t++;
  }
  return sortedLinkage(heights, edges);
}

/** radiusLinkage for graphs too large to hold as CSR: each row by its own query, edges j > i kept. */
function sparseLinkage(x: WasmArray<Float64Array>, pts: Float64Array, dim: number, count: number, radius: number): Linkage {
  const k = distanceKernels();
  const list = new EdgeList(1 << 20);
  scoped(() => {
    const idx = i32(count);
    for (let i = 0; i < count; i++) {
      const num = k.neighbors(idx.ptr, x.ptr, dim, count, i, radius);
      const nb = idx.array;
      for (let t = 0; t < num; t++) if (nb[t] > i) list.push(i, nb[t], pairDistance(pts, i * dim, nb[t] * dim, dim));
    }
  });
  return list.forest(count);
}

/** The points of dimension-major x (x[d·count + i]) copied point-major: each pair's sum reads two rows. */
function pointMajor(x: Float64Array, dim: number, count: number): Float64Array {
  const pts = new Float64Array(count * dim);
  for (let d = 0; d < dim; d++) for (let i = 0; i < count; i++) pts[i * dim + d] = x[d * count + i];
  return pts;
}

/**
 * Point-major pts copied dimension-major (x[d·count + i]) into wasm memory (the current scope), for the
 * sweep kernels. In blocks of 8 points: the block's rows and the lines it writes stay in cache.
 */
export function dimensionMajor(pts: Float64Array, dim: number, count: number): WasmArray<Float64Array> {
  const x = f64(count * dim);
  const out = x.array;
  for (let i0 = 0; i0 < count; i0 += 8) {
    const i1 = Math.min(i0 + 8, count);
    for (let d = 0; d < dim; d++) for (let i = i0; i < i1; i++) out[d * count + i] = pts[i * dim + d];
  }
  return x;
}

/** √(Σ_d (p_jd − p_id)²), sequential over d from +0 (the same bits as (p_id − p_jd)²: negation is exact). */
export function pairDistance(pts: Float64Array, io: number, jo: number, dim: number): number {
  let s = 0;
  for (let d = 0; d < dim; d++) {
    const u = pts[jo + d] - pts[io + d];
    s += u * u;
  }
  return Math.sqrt(s);
}

/**
 * Minimum spanning forest of the edges (ei[e], ej[e], ed[e]), e < m, under the order (ed[e], e):
 * Borůvka with the edges inside a component dropped as they appear. Returns its edges sorted by that
 * order.
 */
function boruvka(count: number, ei: Int32Array, ej: Int32Array, ed: Float64Array, m: number): Linkage {
  const parent = new Int32Array(count);
  for (let i = 0; i < count; i++) parent[i] = i;
  const best = new Int32Array(count).fill(-1);
  const bestD = new Float64Array(count);
  const live = new Int32Array(m);
  for (let t = 0; t < m; t++) live[t] = t;
  const roots = new Int32Array(count); // the components with a least edge this round
  const chosen: number[] = [];
  let touched = 0;
  // Edge e is root r's least so far? Edges come in increasing index order, so on equal d the earlier stays.
  const offer = (r: number, e: number, d: number) => {
    if (best[r] < 0) {
      roots[touched++] = r;
    } else if (!(d < bestD[r])) return;
    best[r] = e;
    bestD[r] = d;
  };
  for (let n = m; n > 0; ) {
    // One pass over the live edges; parent[i] is i's root (flattened below), the component minimum.
    let w = 0;
    touched = 0;
    for (let t = 0; t < n; t++) {
      const e = live[t];
      const a = parent[ei[e]];
      const b = parent[ej[e]];
      if (a === b) continue;
      live[w++] = e;
      offer(a, e, ed[e]);
      offer(b, e, ed[e]);
    }
    n = w;
    if (touched === 0) break;
    for (let r = 0; r < touched; r++) {
      const root = roots[r];
      const e = best[root];
      best[root] = -1;
      let a = ei[e];
      while (parent[a] !== a) a = parent[a];
      let b = ej[e];
      while (parent[b] !== b) b = parent[b];
      if (a === b) continue; // the other side chose the same edge
      if (a < b) parent[b] = a;
      else parent[a] = b;
      chosen.push(e);
    }
    // Flatten: every point's parent is its root again (roots are minima, so parent[r] for r < i is final).
    for (let i = 0; i < count; i++) {
      let r = parent[i];
      while (parent[r] !== r) r = parent[r];
      parent[i] = r;
    }
  }
  const heights = new Float64Array(chosen.length);
  const edges = new Int32Array(2 * chosen.length);
  chosen.forEach((c, t) => {
    heights[t] = ed[c];
    edges[2 * t] = ei[c];
    edges[2 * t + 1] = ej[c];
  });
  return sortedLinkage(heights, edges);
}

/** Little-endian platform: word 0 of a double is its low half. */
const LITTLE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * A linkage's edges (edges[2t] < edges[2t+1] at heights[t] ≥ 0, any order) sorted by (d, i, j). Heights
 * are distances, so non-negative doubles, which order as their bit patterns: an LSD radix sort over the
 * 64 bits (six stable passes of ≤ 11 bits, a pass skipped when all share its digit), then the runs of
 * equal d by (i, j) — linear where a comparison sort of 5000 edges took milliseconds.
 */
export function sortedLinkage(heights: Float64Array, edges: Int32Array): Linkage {
  const n = heights.length;
  const d = new Float64Array(n);
  for (let t = 0; t < n; t++) d[t] = heights[t] + 0; // −0 → +0
  const words = new Uint32Array(d.buffer);
  let order = new Int32Array(n);
  let next = new Int32Array(n);
  for (let t = 0; t < n; t++) order[t] = t;
  const count = new Int32Array(1 << 11);
  for (let pass = 0; pass < 6; pass++) {
    const word = (pass < 3) === LITTLE ? 0 : 1;
    const shift = (pass % 3) * 11;
    const mask = pass % 3 === 2 ? 0x3ff : 0x7ff;
    count.fill(0);
    for (let t = 0; t < n; t++) count[(words[2 * t + word] >>> shift) & mask]++;
    if (n === 0 || count[(words[word] >>> shift) & mask] === n) continue;
    for (let b = 0, sum = 0; b <= mask; b++) {
      const c = count[b];
      count[b] = sum;
      sum += c;
    }
    for (let t = 0; t < n; t++) {
      const o = order[t];
      next[count[(words[2 * o + word] >>> shift) & mask]++] = o;
    }
    [order, next] = [next, order];
  }
  for (let t = 0; t < n; ) {
    let u = t + 1;
    while (u < n && d[order[u]] === d[order[t]]) u++;
    if (u - t > 1) order.subarray(t, u).sort((a, b) => edges[2 * a] - edges[2 * b] || edges[2 * a + 1] - edges[2 * b + 1]);
    t = u;
  }
  const sorted = { heights: new Float64Array(n), edges: new Int32Array(2 * n) };
  for (let t = 0; t < n; t++) {
    const o = order[t];
    sorted.heights[t] = d[o];
    sorted.edges[2 * t] = edges[2 * o];
    sorted.edges[2 * t + 1] = edges[2 * o + 1];
  }
  return sorted;
}
