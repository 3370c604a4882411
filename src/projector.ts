// Orthonormal bases (one-sided Jacobi SVD), projectors and chordal embeddings in f64 (wrappers of
// assembly/projector.ts; why Jacobi: see there). All results are the same bits with the simd and scalar
// builds and the twin (src/twin/projector.ts).
import { input, output, scoped, type Arg } from "./arena.js";
import { array, cells, relTolerance, runSubsetKernel, size } from "./geometry-args.js";
import { checkInt } from "./errors.js";
import { wasm } from "./wasm.js";

interface ProjectorExports {
  orthonormalBasis(basis: number, sigma: number, w: number, m: number, k: number, relTol: number): number;
  projector(p: number, basis: number, m: number, k: number, rank: number): void;
  chordalEmbedding(out: number, p: number, m: number): void;
}
const x = () => wasm() as unknown as ProjectorExports;

/** Number of chordal-embedding coordinates of G(m, ·): m(m+1)/2. */
export function embeddingDim(m: number): number {
  size("m", m);
  return (m * (m + 1)) / 2;
}

/**
 * orthonormalBasis(basis, sigma, w, m, k, relTol) → rank. `w` is m×k row-major. `basis` (m×k row-major)
 * receives in its first `rank` columns an orthonormal basis of the dominant singular subspace (left
 * singular vectors, descending σ) and 0 in the others; `sigma` (k) the singular values, descending.
 * rank = #{σ_i > relTol·σ_max} (0 when σ_max = 0), relTol in (0, 1); singular values at the rounding
 * floor k·2⁻⁵²·‖W‖_F are never counted (this only matters for relTol below ~k^1.5·2⁻⁵²; Jacobi treats
 * such columns as zero, which is what makes it terminate when k > m or columns are exactly dependent).
 */
export function orthonormalBasis(
  basis: Arg<Float64Array>, sigma: Arg<Float64Array>, w: Arg<Float64Array>, m: number, k: number, relTol: number,
): number {
  size("m", m);
  size("k", k);
  relTolerance("relTol", relTol);
  const mk = cells("m·k", m, k);
  array("w", w, Float64Array, mk, true);
  array("basis", basis, Float64Array, mk);
  array("sigma", sigma, Float64Array, k);
  const e = x();
  return scoped(() => {
    const wp = input("w", w, Float64Array, mk);
    const b = output("basis", basis, Float64Array, mk);
    const s = output("sigma", sigma, Float64Array, k);
    const rank = e.orthonormalBasis(b.ptr, s.ptr, wp, m, k, relTol);
    b.finish();
    s.finish();
    return rank;
  });
}

/** projector(p, basis, m, k, rank): P (m×m) = A Aᵀ over the first `rank` columns of A (m×k row-major). */
export function projector(p: Arg<Float64Array>, basis: Arg<Float64Array>, m: number, k: number, rank: number): void {
  size("m", m);
  size("k", k);
  checkInt("rank", rank, 0, k);
  const mk = cells("m·k", m, k);
  const mm = cells("m·m", m, m);
  array("basis", basis, Float64Array, mk, true);
  array("p", p, Float64Array, mm);
  const e = x();
  scoped(() => {
    const bp = input("basis", basis, Float64Array, mk);
    const o = output("p", p, Float64Array, mm);
    e.projector(o.ptr, bp, m, k, rank);
    o.finish();
  });
}

/**
 * chordalEmbedding(out, p, m): out (m(m+1)/2) = upper triangle of P row by row, diagonal × 1/√2,
 * off-diagonal × 1, so that the Euclidean distance of two embeddings = ‖P − Q‖_F/√2 = chordal distance.
 */
export function chordalEmbedding(out: Arg<Float64Array>, p: Arg<Float64Array>, m: number): void {
  size("m", m);
  const mm = cells("m·m", m, m);
  const dim = embeddingDim(m);
  array("p", p, Float64Array, mm, true);
  array("out", out, Float64Array, dim);
  const e = x();
  scoped(() => {
    const pp = input("p", p, Float64Array, mm);
    const o = output("out", out, Float64Array, dim);
    e.chordalEmbedding(o.ptr, pp, m);
    o.finish();
  });
}

/**
 * subsetEmbeddings(out, ranks, w, m, n, subsets, k, count, relTol, ld = count): the bundle finder's hot
 * path. For each subset s < count — its k column indices at subsets[s·k … s·k+k−1] (i32, in [0, n)) —
 * of W (m×n row-major f64): the Jacobi orthonormal basis of W_S, its rank into ranks[s] (as
 * orthonormalBasis; a subset with rank < k is still embedded, at its rank), and the chordal embedding of
 * its projector written **dimension-major**: coordinate d (of D = m(m+1)/2) of subset s at
 * out[d·ld + s] — the point layout of chordalDistances / neighborCounts / neighbors (with ld = count).
 * Bit-identical to chordalEmbedding(projector(orthonormalBasis(W_S))). ld ≥ count lets a caller fill a
 * larger D×N buffer in chunks (pass the buffer offset by the chunk's first column, e.g. a subarray or a
 * resident array view; entries outside the chunk are left untouched).
 */
export function subsetEmbeddings(
  out: Arg<Float64Array>, ranks: Arg<Int32Array>, w: Arg<Float64Array>, m: number, n: number,
  subsets: Arg<Int32Array>, k: number, count: number, relTol: number, ld: number = count,
): void {
  runSubsetKernel("subsetEmbeddings", out, ranks, w, m, n, subsets, k, count, relTol, ld);
}
