// Twin of assembly/gram.ts: same sums in the same order (sequential over the inner index, from +0),
// so the wasm builds must match these bit for bit.

/** G (n×n, f32) = WᵀW for W m×n row-major. */
export function gram(g: Float32Array, w: Float32Array, m: number, n: number): void {
  // Each store into the Float32Array rounds the sum to f32, and fround the product: correctly rounded
  // f32 arithmetic (the f64 sum or product of two f32 values is exact or innocuous).
  gramRows(g, w, m, n, Math.fround);
}

/** G (n×n, f64) = WᵀW for W m×n row-major. */
export function gram64(g: Float64Array, w: Float64Array, m: number, n: number): void {
  gramRows(g, w, m, n, (x) => x);
}

/** The upper triangle row by row (each entry sequential over p from +0), mirrored. */
function gramRows(g: Float32Array | Float64Array, w: Float32Array | Float64Array, m: number, n: number, round: (x: number) => number): void {
  for (let i = 0; i < n; i++) {
    const gi = i * n;
    for (let j = i; j < n; j++) g[gi + j] = 0;
    for (let p = 0; p < m; p++) {
      const wp = p * n;
      const a = w[wp + i];
      for (let j = i; j < n; j++) g[gi + j] = g[gi + j] + round(a * w[wp + j]);
    }
    for (let j = i + 1; j < n; j++) g[j * n + i] = g[gi + j];
  }
}

function columnSumSquares(out: Float64Array, x: Float64Array, rows: number, cols: number): void {
  for (let i = 0; i < cols; i++) out[i] = 0;
  for (let r = 0; r < rows; r++) {
    const xr = r * cols;
    for (let i = 0; i < cols; i++) {
      const v = x[xr + i];
      out[i] += v * v;
    }
  }
}

/** out[i] = ‖W[:, i]‖ (sum of squares sequential over rows, then sqrt). */
export function columnNorms(out: Float64Array, w: Float64Array, m: number, n: number): void {
  columnSumSquares(out, w, m, n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(out[i]);
}

/** out[i] = (Σ_j G[j,i]²) / G[i,i] (G symmetric, read by columns), 0 where G[i,i] = 0. */
export function interference(out: Float64Array, g: Float64Array, n: number): void {
  columnSumSquares(out, g, n, n);
  for (let i = 0; i < n; i++) {
    const d = g[i * n + i];
    out[i] = d === 0 ? 0 : out[i] / d;
  }
}
