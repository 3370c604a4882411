// Column reduction ("col-red" of the seed talk): reduced column echelon form with partial pivoting, and
// the faithful-mode batch embedding built on it (wrappers of assembly/col-red.ts). The RCEF basis is
// discontinuous under perturbation (REFERENCE §6) — use it to reproduce the talk, not for robust work.
import { input, output, scoped, type Arg } from "./arena.js";
import { array, cells, relTolerance, runSubsetKernel, size } from "./geometry-args.js";
import { wasm } from "./wasm.js";

interface ColRedExports {
  columnReduce(out: number, w: number, m: number, k: number, relTol: number): number;
}
const x = () => wasm() as unknown as ColRedExports;

/**
 * columnReduce(out, w, m, k, relTol) → rank: RCEF of W (m×k row-major f64) with partial pivoting. For
 * each row in order, the not-yet-pivoted column with the largest |entry| (ties → lowest index) becomes the
 * next pivot column unless that entry is ≤ relTol·max|W| (then the row is skipped and its candidate
 * entries set to 0, as MATLAB's rref does); the pivot is scaled to 1 and eliminated from every other
 * column. `out` (m×k) gets the RCEF basis in its first `rank` columns (pivot rows strictly increasing,
 * pivots exactly 1, exact zeros above each pivot and in the pivot rows of the other columns) and 0 after.
 */
export function columnReduce(out: Arg<Float64Array>, w: Arg<Float64Array>, m: number, k: number, relTol: number): number {
  size("m", m);
  size("k", k);
  relTolerance("relTol", relTol);
  const mk = cells("m·k", m, k);
  array("w", w, Float64Array, mk, true);
  array("out", out, Float64Array, mk);
  const e = x();
  return scoped(() => {
    const wp = input("w", w, Float64Array, mk);
    const o = output("out", out, Float64Array, mk);
    const rank = e.columnReduce(o.ptr, wp, m, k, relTol);
    o.finish();
    return rank;
  });
}

/**
 * subsetReducedEmbeddings(out, ranks, w, m, n, subsets, k, count, relTol, ld = count): the talk's
 * faithful pipeline, batched like subsetEmbeddings (same arguments and dimension-major layout
 * out[d·ld + s]): A = columnReduce(W_S) with its rank into ranks[s], then the chordal embedding of AAᵀ
 * over the first rank columns (not a projector: A is not orthonormal — the talk's construction).
 * Bit-identical to chordalEmbedding(projector(columnReduce(W_S))).
 */
export function subsetReducedEmbeddings(
  out: Arg<Float64Array>, ranks: Arg<Int32Array>, w: Arg<Float64Array>, m: number, n: number,
  subsets: Arg<Int32Array>, k: number, count: number, relTol: number, ld: number = count,
): void {
  runSubsetKernel("subsetReducedEmbeddings", out, ranks, w, m, n, subsets, k, count, relTol, ld);
}
