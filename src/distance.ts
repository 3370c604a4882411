// Distances over many embedded points (wrappers of assembly/distance.ts), the hot loop of DBSCAN.
// Points are dimension-major: coordinate d of point i at x[d·count + i] (the layout subsetEmbeddings
// writes). Results are the same bits / the same integers with the simd and scalar builds and the twin.
import { i32, input, output, scoped, type Arg } from "./arena.js";
import { array, cells, size, view } from "./geometry-args.js";
import { checkInt, checkNumber, TegumError } from "./errors.js";
import { wasm } from "./wasm.js";

/** The distance kernels' exports (assembly/distance.ts), for the modules that call them on resident data. */
interface DistanceExports {
  chordalDistances(out: number, x: number, dim: number, count: number, q: number): void;
  pairSpread(out: number, x: number, dim: number, count: number): void;
  neighborCounts(counts: number, x: number, dim: number, count: number, eps: number): void;
  neighbors(idx: number, x: number, dim: number, count: number, q: number, eps: number): number;
  neighborLists(idx: number, offsets: number, x: number, dim: number, count: number, eps: number): void;
}
export const distanceKernels = () => wasm() as unknown as DistanceExports;

function points(x: Arg<Float64Array>, dim: number, count: number): number {
  size("dim", dim);
  size("count", count);
  const len = cells("dim·count", dim, count);
  array("x", x, Float64Array, len, true);
  return len;
}

/** out[j] = ‖x_j − x_q‖ (Euclidean; the chordal distance for chordal embeddings) for every j < count. */
export function chordalDistances(out: Arg<Float64Array>, x: Arg<Float64Array>, dim: number, count: number, q: number): void {
  const len = points(x, dim, count);
  checkInt("q", q, 0, count - 1);
  array("out", out, Float64Array, count);
  const e = distanceKernels();
  scoped(() => {
    const xp = input("x", x, Float64Array, len);
    const o = output("out", out, Float64Array, count);
    e.chordalDistances(o.ptr, xp, dim, count, q);
    o.finish();
  });
}

/**
 * counts[i] = |{j : ‖x_i − x_j‖ ≤ eps}|, i included (scikit-learn DBSCAN neighbourhoods; squared
 * distances are compared with eps·eps). Exact, and fast for small eps: the points are sorted by one
 * coordinate and only pairs within eps in that coordinate are examined (see assembly/distance.ts).
 * Scratch in wasm: a sorted copy of x (dim·count f64) during the call.
 */
export function neighborCounts(counts: Arg<Int32Array>, x: Arg<Float64Array>, dim: number, count: number, eps: number): void {
  const len = points(x, dim, count);
  checkNumber("eps", eps, 0);
  array("counts", counts, Int32Array, count);
  const e = distanceKernels();
  scoped(() => {
    const xp = input("x", x, Float64Array, len);
    const o = output("counts", counts, Int32Array, count);
    e.neighborCounts(o.ptr, xp, dim, count, eps);
    o.finish();
  });
}

/**
 * neighbors(idx, x, dim, count, q, eps) → number: the indices j with ‖x_j − x_q‖ ≤ eps (q included),
 * ascending, in idx[0 … number−1] (idx needs room for `count`; entries after `number` are unspecified).
 */
export function neighbors(idx: Arg<Int32Array>, x: Arg<Float64Array>, dim: number, count: number, q: number, eps: number): number {
  const len = points(x, dim, count);
  checkInt("q", q, 0, count - 1);
  checkNumber("eps", eps, 0);
  array("idx", idx, Int32Array, count);
  const e = distanceKernels();
  return scoped(() => {
    const xp = input("x", x, Float64Array, len);
    const o = output("idx", idx, Int32Array, count);
    const num = e.neighbors(o.ptr, xp, dim, count, q, eps);
    o.finish();
    return num;
  });
}

/**
 * neighborLists(idx, offsets, x, dim, count, eps): every ε-neighbourhood at once, in CSR form. `offsets`
 * (count + 1 i32) must hold the prefix sums of neighborCounts (offsets[0] = 0, offsets[i+1] − offsets[i]
 * = counts[i]); row i, idx[offsets[i] … offsets[i+1] − 1], receives the j with ‖x_i − x_j‖ ≤ eps, i
 * included, ascending. Same window pruning as neighborCounts; each pair is examined once. A row is never
 * written past offsets[i+1]. `neighborGraph` does both calls for you.
 */
export function neighborLists(
  idx: Arg<Int32Array>, offsets: Arg<Int32Array>, x: Arg<Float64Array>, dim: number, count: number, eps: number,
): void {
  const len = points(x, dim, count);
  checkNumber("eps", eps, 0);
  array("offsets", offsets, Int32Array, count + 1);
  const ov = view(offsets);
  if (ov[0] !== 0) throw new TegumError(`offsets[0] must be 0, got ${ov[0]}`, "offsets");
  for (let i = 0; i < count; i++) {
    if (!(ov[i + 1] >= ov[i] + 1 && ov[i + 1] - ov[i] <= count)) {
      throw new TegumError(`offsets must be prefix sums of neighbour counts in [1, count]; row ${i} has ${ov[i + 1] - ov[i]}`, "offsets");
    }
  }
  const total = ov[count];
  array("idx", idx, Int32Array, total);
  const e = distanceKernels();
  scoped(() => {
    const xp = input("x", x, Float64Array, len);
    const op = input("offsets", offsets, Int32Array, count + 1);
    const o = output("idx", idx, Int32Array, total);
    e.neighborLists(o.ptr, op, xp, dim, count, eps);
    o.finish();
  });
}

/** CSR ε-neighbourhood graph: row i = indices[offsets[i] … offsets[i+1] − 1], ascending, i included. */
export interface NeighborGraph {
  offsets: Int32Array;
  indices: Int32Array;
}

/**
 * neighborGraph(x, dim, count, eps): neighborCounts, prefix sums and neighborLists in one go (x copied
 * into wasm once when it is a plain array). The graph DBSCAN needs: core points are the rows with
 * length ≥ minSamples.
 */
export function neighborGraph(x: Arg<Float64Array>, dim: number, count: number, eps: number): NeighborGraph {
  const len = points(x, dim, count);
  checkNumber("eps", eps, 0);
  return scoped(() => {
    const graph = countedGraph(input("x", x, Float64Array, len), dim, count, eps, 0x1fffffff);
    if (graph === null) throw new TegumError(`the neighbour graph has more than ${0x1fffffff} entries, too many for wasm memory; lower eps`, "eps");
    return graph;
  });
}

/**
 * The two sweeps of a neighbour graph on resident points at pointer xp: neighborCounts, prefix sums,
 * neighborLists. Null (before the lists) when it would have more than maxEntries entries.
 */
export function countedGraph(xp: number, dim: number, count: number, eps: number, maxEntries: number): NeighborGraph | null {
  const e = distanceKernels();
  return scoped(() => {
    const counts = i32(count);
    e.neighborCounts(counts.ptr, xp, dim, count, eps);
    const cv = counts.array;
    const offsets = new Int32Array(count + 1);
    for (let i = 0; i < count; i++) {
      const next = offsets[i] + cv[i];
      if (next > maxEntries) return null;
      offsets[i + 1] = next;
    }
    const op = i32(offsets);
    const idx = i32(offsets[count]);
    e.neighborLists(idx.ptr, op.ptr, xp, dim, count, eps);
    return { offsets, indices: idx.toArray() };
  });
}
