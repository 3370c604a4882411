// Column reduction ("col-red" of the seed talk): reduced column echelon form with partial pivoting, in
// f64. This is the faithful-mode kernel of the bundle finder: the RCEF basis is discontinuous under
// perturbation (span{(ε,1)} reduces to (1, 1/ε) for ε ≠ 0 and to (0, 1) at ε = 0; REFERENCE §6), which is
// the talk's failure the finder must be able to show. The hardened mode uses projector.ts instead.
//
// Scalar in both builds (pivot choices make the control flow data-dependent and the sizes are tiny), so
// simd build = scalar build = twin (src/twin/col-red.ts), bit for bit.

import { arenaAlloc, arenaRelease, arenaTop } from "./arena";

/** 1/√2, correctly rounded (same constant as projector.ts). */
const INV_SQRT2: f64 = 0.7071067811865476;

/**
 * In place on A (m×k row-major, a copy of W): RCEF with partial pivoting. For each row r in order,
 * among the not-yet-pivoted columns (positions piv..k−1) pick the largest |A[r,c]| (ties → lowest
 * position); if it is ≤ tol, skip the row and set those candidates to 0; else swap it into position
 * piv, divide the column by the pivot (the pivot becomes exactly 1), and for every other column j with
 * A[r,j] ≠ 0 subtract A[r,j]·(pivot column); A[r,j] is then set to 0. Columns rank..k−1 are zeroed and
 * every zero is +0. Returns rank. Every column's first non-zero entry is then its pivot.
 */
function reduceInPlace(a: usize, m: i32, k: i32, tol: f64): i32 {
  const rs = <usize>k << 3;
  let piv = 0;
  for (let r = 0; r < m && piv < k; r++) {
    const row = a + <usize>r * rs;
    let best = piv;
    let bv = abs(load<f64>(row + (<usize>piv << 3)));
    for (let c = piv + 1; c < k; c++) {
      const v = abs(load<f64>(row + (<usize>c << 3)));
      if (v > bv) {
        best = c;
        bv = v;
      }
    }
    if (!(bv > tol)) {
      // Negligible row: its remaining candidates are set to 0 (as MATLAB's rref does), so that every
      // column's first non-zero entry is its pivot.
      for (let c = piv; c < k; c++) store<f64>(row + (<usize>c << 3), 0);
      continue;
    }
    if (best != piv) {
      for (let i = 0; i < m; i++) {
        const ri = a + <usize>i * rs;
        const x = load<f64>(ri + (<usize>piv << 3));
        store<f64>(ri + (<usize>piv << 3), load<f64>(ri + (<usize>best << 3)));
        store<f64>(ri + (<usize>best << 3), x);
      }
    }
    const pv = load<f64>(row + (<usize>piv << 3));
    for (let i = 0; i < m; i++) {
      const e = a + <usize>i * rs + (<usize>piv << 3);
      store<f64>(e, load<f64>(e) / pv);
    }
    for (let j = 0; j < k; j++) {
      if (j == piv) continue;
      const f = load<f64>(row + (<usize>j << 3));
      if (f != 0) {
        for (let i = 0; i < m; i++) {
          const ri = a + <usize>i * rs;
          store<f64>(ri + (<usize>j << 3), load<f64>(ri + (<usize>j << 3)) - f * load<f64>(ri + (<usize>piv << 3)));
        }
      }
      store<f64>(row + (<usize>j << 3), 0);
    }
    piv++;
  }
  for (let i = 0; i < m; i++) {
    const ri = a + <usize>i * rs;
    for (let j = piv; j < k; j++) store<f64>(ri + (<usize>j << 3), 0);
    // Zeros are +0 (dividing a +0 by a negative pivot gives −0).
    for (let j = 0; j < piv; j++) if (load<f64>(ri + (<usize>j << 3)) == 0) store<f64>(ri + (<usize>j << 3), 0);
  }
  return piv;
}

/** max |x_i| over len f64 values (0 for len 0). */
function maxAbs(x: usize, len: usize): f64 {
  let mx: f64 = 0;
  for (let i: usize = 0; i < len; i++) {
    const v = abs(load<f64>(x + (i << 3)));
    if (v > mx) mx = v;
  }
  return mx;
}

/**
 * columnReduce(out, w, m, k, relTol) → rank. w: m×k row-major f64; out: m×k row-major, its first
 * `rank` columns the RCEF basis (pivot rows strictly increasing, pivot entries 1, zeros in the pivot
 * rows of all other columns, zeros above each pivot), the rest 0. A row whose largest candidate
 * |entry| is ≤ relTol·max|W| is skipped and its candidates set to 0 (MATLAB rref's rule). `out` may
 * equal `w`.
 */
export function columnReduce(out: usize, w: usize, m: i32, k: i32, relTol: f64): i32 {
  const len = <usize>m * k;
  const tol = relTol * maxAbs(w, len);
  if (out != w) memory.copy(out, w, len << 3);
  return reduceInPlace(out, m, k, tol);
}

/**
 * subsetReducedEmbeddings(out, ranks, w, m, n, subsets, k, count, relTol, ld): the faithful-mode batch
 * (the talk's pipeline): for each subset s (k column indices at subsets[s*k…], i32 in [0, n)) of W (m×n
 * row-major f64): A = columnReduce(W_S) with its rank into ranks[s], then the chordal embedding of
 * AAᵀ over the first `rank` columns (not a projector: A is not orthonormal — that is the talk's
 * construction), written dimension-major like subsetEmbeddings: out[d*ld + s]. Bit-identical to
 * chordalEmbedding(projector(columnReduce(…))). Scratch m·k f64 once per call.
 */
export function subsetReducedEmbeddings(
  out: usize, ranks: usize, w: usize, m: i32, n: i32, subsets: usize, k: i32, count: i32, relTol: f64, ld: i32,
): void {
  const mark = arenaTop();
  const rs = <usize>k << 3;
  const a = arenaAlloc(<usize>m * rs);
  for (let s = 0; s < count; s++) {
    const idx = subsets + ((<usize>s * k) << 2);
    for (let j = 0; j < k; j++) {
      const col = load<i32>(idx + (<usize>j << 2));
      for (let r = 0; r < m; r++) {
        store<f64>(a + <usize>r * rs + (<usize>j << 3), load<f64>(w + ((<usize>r * n + col) << 3)));
      }
    }
    const rank = reduceInPlace(a, m, k, relTol * maxAbs(a, <usize>m * k));
    store<i32>(ranks + (<usize>s << 2), rank);
    let d = 0;
    for (let x = 0; x < m; x++) {
      const ax = a + <usize>x * rs;
      for (let y = x; y < m; y++) {
        const ay = a + <usize>y * rs;
        let acc: f64 = 0;
        for (let j = 0; j < rank; j++) acc = acc + load<f64>(ax + (<usize>j << 3)) * load<f64>(ay + (<usize>j << 3));
        if (x == y) acc = acc * INV_SQRT2;
        store<f64>(out + ((<usize>d * ld + s) << 3), acc);
        d++;
      }
    }
  }
  arenaRelease(mark);
}
