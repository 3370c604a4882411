// Plain-TypeScript twins of the matmul kernels (assembly/matmul.ts): the tests' oracle.
// Every C[i,j] is one sequential sum over the inner index p, starting from +0 (or from the old C[i,j]
// when accumulating); each product and each sum is rounded to f32 (`Math.fround`), never fused.
// Storing into a Float32Array rounds the sum; the product is rounded explicitly first, so the pair
// is `fround(acc + fround(a·b))`, the correctly rounded f32 result (double rounding is innocuous).

/** C (m×n) = A (m×k) · B (k×n), row-major f32; with `accumulate`, C += A·B. */
export function matmul(
  c: Float32Array,
  a: Float32Array,
  b: Float32Array,
  m: number,
  k: number,
  n: number,
  accumulate = false,
): void {
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    if (!accumulate) c.fill(0, ci, ci + n);
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p];
      const bp = p * n;
      for (let j = 0; j < n; j++) c[ci + j] = c[ci + j] + Math.fround(aip * b[bp + j]);
    }
  }
}

/** C (m×n) = Aᵀ · B with A stored k×m and B stored k×n; with `accumulate`, C += Aᵀ·B. */
export function matmulAtB(
  c: Float32Array,
  a: Float32Array,
  b: Float32Array,
  m: number,
  k: number,
  n: number,
  accumulate = false,
): void {
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    if (!accumulate) c.fill(0, ci, ci + n);
    for (let p = 0; p < k; p++) {
      const api = a[p * m + i];
      const bp = p * n;
      for (let j = 0; j < n; j++) c[ci + j] = c[ci + j] + Math.fround(api * b[bp + j]);
    }
  }
}

/** C (m×n) = A · Bᵀ with A stored m×k and B stored n×k; with `accumulate`, C += A·Bᵀ. */
export function matmulABt(
  c: Float32Array,
  a: Float32Array,
  b: Float32Array,
  m: number,
  k: number,
  n: number,
  accumulate = false,
): void {
  for (let i = 0; i < m; i++) {
    const ai = i * k;
    for (let j = 0; j < n; j++) {
      const bj = j * k;
      let acc = accumulate ? c[i * n + j] : 0;
      for (let p = 0; p < k; p++) acc = Math.fround(acc + Math.fround(a[ai + p] * b[bj + p]));
      c[i * n + j] = acc;
    }
  }
}
