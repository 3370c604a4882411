// Twin of assembly/col-red.ts (scalar in every build): same pivot rule, same operations in the same
// order, so the wasm builds must match bit for bit.

const INV_SQRT2 = 0.7071067811865476;

function reduceInPlace(a: Float64Array, m: number, k: number, tol: number): number {
  let piv = 0;
  for (let r = 0; r < m && piv < k; r++) {
    const row = r * k;
    let best = piv;
    let bv = Math.abs(a[row + piv]);
    for (let c = piv + 1; c < k; c++) {
      const v = Math.abs(a[row + c]);
      if (v > bv) {
        best = c;
        bv = v;
      }
    }
    if (!(bv > tol)) {
      for (let c = piv; c < k; c++) a[row + c] = 0;
      continue;
    }
    if (best !== piv) {
      for (let i = 0; i < m; i++) {
        const x = a[i * k + piv];
        a[i * k + piv] = a[i * k + best];
        a[i * k + best] = x;
      }
    }
    const pv = a[row + piv];
    for (let i = 0; i < m; i++) a[i * k + piv] = a[i * k + piv] / pv;
    for (let j = 0; j < k; j++) {
      if (j === piv) continue;
      const f = a[row + j];
      if (f !== 0) for (let i = 0; i < m; i++) a[i * k + j] = a[i * k + j] - f * a[i * k + piv];
      a[row + j] = 0;
    }
    piv++;
  }
  for (let i = 0; i < m; i++) {
    for (let j = piv; j < k; j++) a[i * k + j] = 0;
    for (let j = 0; j < piv; j++) if (a[i * k + j] === 0) a[i * k + j] = 0; // −0 → +0
  }
  return piv;
}

function maxAbs(x: Float64Array, len: number): number {
  let mx = 0;
  for (let i = 0; i < len; i++) {
    const v = Math.abs(x[i]);
    if (v > mx) mx = v;
  }
  return mx;
}

/**
 * columnReduce(out, w, m, k, relTol) → rank: reduced column echelon form of W (m×k row-major) with
 * partial pivoting; rows whose best candidate is ≤ relTol·max|W| are skipped; columns ≥ rank are 0.
 */
export function columnReduce(out: Float64Array, w: Float64Array, m: number, k: number, relTol: number): number {
  const len = m * k;
  const tol = relTol * maxAbs(w, len);
  if (out !== w) out.set(w.subarray(0, len));
  return reduceInPlace(out, m, k, tol);
}

/**
 * subsetReducedEmbeddings(out, ranks, w, m, n, subsets, k, count, relTol, ld = count): the talk's
 * faithful pipeline per subset: A = columnReduce(W_S) (rank into ranks[s]), embedding of AAᵀ over the
 * first rank columns, dimension-major out[d*ld + s].
 */
export function subsetReducedEmbeddings(
  out: Float64Array, ranks: Int32Array, w: Float64Array, m: number, n: number, subsets: Int32Array,
  k: number, count: number, relTol: number, ld: number = count,
): void {
  const a = new Float64Array(m * k);
  for (let s = 0; s < count; s++) {
    for (let j = 0; j < k; j++) {
      const col = subsets[s * k + j];
      for (let r = 0; r < m; r++) a[r * k + j] = w[r * n + col];
    }
    const rank = reduceInPlace(a, m, k, relTol * maxAbs(a, m * k));
    ranks[s] = rank;
    let d = 0;
    for (let x = 0; x < m; x++) {
      for (let y = x; y < m; y++) {
        let acc = 0;
        for (let j = 0; j < rank; j++) acc = acc + a[x * k + j] * a[y * k + j];
        if (x === y) acc = acc * INV_SQRT2;
        out[d * ld + s] = acc;
        d++;
      }
    }
  }
}
