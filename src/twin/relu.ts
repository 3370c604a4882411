// Plain-TypeScript twins of the ReLU kernels (assembly/relu.ts). Element-wise, so exact everywhere.

/** out[r,c] = max(0, x[r,c] + bias[c]) over a rows×cols row-major matrix (`out` may alias `x`). */
export function reluForward(out: Float32Array, x: Float32Array, bias: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) {
      const v = Math.fround(x[o + c] + bias[c]);
      // +0 for every v ≤ 0 (−0 included); a NaN passes through (max(0, NaN) is NaN), as in the kernels.
      out[o + c] = v <= 0 ? 0 : v;
    }
  }
}

/** gradIn[i] = pre[i] > 0 ? gradOut[i] : 0 over `length` elements (`gradIn` may alias `gradOut`). */
export function reluBackward(gradIn: Float32Array, gradOut: Float32Array, pre: Float32Array, length: number): void {
  for (let i = 0; i < length; i++) gradIn[i] = pre[i] > 0 ? gradOut[i] : 0;
}
