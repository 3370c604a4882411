// Plain-TypeScript twins of the matmul kernels (assembly/matmul.ts): the tests' oracle.
// Every C[i,j] is one sequential sum over the inner index p, starting from +0 (or from the old C[i,j]
// when accumulating); each product and each sum is rounded to f32 (`Math.fround`), never fused.
// Each step is `fround(acc + fround(a·b))`, the correctly rounded f32 result (double rounding is
// innocuous: 53 ≥ 2·24 + 2).

/**
 * C[i,j] (+)= Σ_p A(i,p)·B(p,j) with A(i,p) = a[i·ai + p·ap] and B(p,j) = b[p·bp + j·bj]: the one
 * loop behind the three layouts, summing over p in order.
 */
function strided(
  c: Float32Array, a: Float32Array, b: Float32Array, m: number, k: number, n: number, accumulate: boolean,
  ai: number, ap: number, bp: number, bj: number,
): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = accumulate ? c[i * n + j] : 0;
      for (let p = 0; p < k; p++) acc = Math.fround(acc + Math.fround(a[i * ai + p * ap] * b[p * bp + j * bj]));
      c[i * n + j] = acc;
    }
  }
}

/** C (m×n) = A (m×k) · B (k×n), row-major f32; with `accumulate`, C += A·B. */
export function matmul(c: Float32Array, a: Float32Array, b: Float32Array, m: number, k: number, n: number, accumulate = false): void {
  strided(c, a, b, m, k, n, accumulate, k, 1, n, 1);
}

/** C (m×n) = Aᵀ · B with A stored k×m and B stored k×n; with `accumulate`, C += Aᵀ·B. */
export function matmulAtB(c: Float32Array, a: Float32Array, b: Float32Array, m: number, k: number, n: number, accumulate = false): void {
  strided(c, a, b, m, k, n, accumulate, 1, m, n, 1);
}

/** C (m×n) = A · Bᵀ with A stored m×k and B stored n×k; with `accumulate`, C += A·Bᵀ. */
export function matmulABt(c: Float32Array, a: Float32Array, b: Float32Array, m: number, k: number, n: number, accumulate = false): void {
  strided(c, a, b, m, k, n, accumulate, k, 1, 1, k);
}
