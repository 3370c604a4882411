// Distances over many embedded points (wrappers of assembly/distance.ts), the hot loop of DBSCAN.
// Points are dimension-major: coordinate d of point i at x[d·count + i] (the layout subsetEmbeddings
// writes). Results are the same bits / the same integers with the simd and scalar builds and the twin.
import { input, output, scoped, type Arg } from "./arena.js";
import { array, cells, size } from "./geometry-args.js";
import { checkInt, checkNumber } from "./errors.js";
import { wasm } from "./wasm.js";

interface DistanceExports {
  chordalDistances(out: number, x: number, dim: number, count: number, q: number): void;
  neighborCounts(counts: number, x: number, dim: number, count: number, eps: number): void;
  neighbors(idx: number, x: number, dim: number, count: number, q: number, eps: number): number;
}
const k = () => wasm() as unknown as DistanceExports;

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
  const e = k();
  scoped(() => {
    const xp = input("x", x, Float64Array, len);
    const o = output("out", out, Float64Array, count);
    e.chordalDistances(o.ptr, xp, dim, count, q);
    o.finish();
  });
}

/**
 * counts[i] = |{j : ‖x_i − x_j‖ ≤ eps}|, i included (scikit-learn DBSCAN neighbourhoods; squared
 * distances are compared with eps·eps).
 */
export function neighborCounts(counts: Arg<Int32Array>, x: Arg<Float64Array>, dim: number, count: number, eps: number): void {
  const len = points(x, dim, count);
  checkNumber("eps", eps, 0);
  array("counts", counts, Int32Array, count);
  const e = k();
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
  const e = k();
  return scoped(() => {
    const xp = input("x", x, Float64Array, len);
    const o = output("idx", idx, Int32Array, count);
    const num = e.neighbors(o.ptr, xp, dim, count, q, eps);
    o.finish();
    return num;
  });
}
