// ReLU with a fused bias add, and its backward mask. Element-wise, so the SIMD build, the scalar
// build and the twin (src/twin/relu.ts) agree bit for bit: out = (v ≤ 0) ? +0 : v with v = x + bias
// rounded to f32 (a NaN passes through, as max(0, NaN) would give), and gradIn = pre > 0 ? gradOut : +0.
// In-place use (out = x, gradIn = gradOut) is fine: every element is read before it is written.

/** out[r,c] = max(0, x[r,c] + bias[c]) over a rows×cols row-major matrix. */
export function reluForward(out: usize, x: usize, bias: usize, rows: i32, cols: i32): void {
  if (rows <= 0 || cols <= 0) return;
  const rowBytes = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * rowBytes;
    const or = out + <usize>r * rowBytes;
    let c = 0;
    if (ASC_FEATURE_SIMD) {
      const zero = f32x4.splat(0);
      for (; c + 8 <= cols; c += 8) {
        const off = <usize>c << 2;
        const v0 = f32x4.add(v128.load(xr + off), v128.load(bias + off));
        const v1 = f32x4.add(v128.load(xr + off, 16), v128.load(bias + off, 16));
        // v & ~(v ≤ 0): +0 where v ≤ 0 (−0 included), v elsewhere (NaN kept).
        v128.store(or + off, v128.andnot(v0, f32x4.le(v0, zero)));
        v128.store(or + off, v128.andnot(v1, f32x4.le(v1, zero)), 16);
      }
      for (; c + 4 <= cols; c += 4) {
        const off = <usize>c << 2;
        const v = f32x4.add(v128.load(xr + off), v128.load(bias + off));
        v128.store(or + off, v128.andnot(v, f32x4.le(v, zero)));
      }
    }
    for (; c < cols; c++) {
      const off = <usize>c << 2;
      const v = load<f32>(xr + off) + load<f32>(bias + off);
      // Branch-free (signs are unpredictable): keep v's bits unless v ≤ 0.
      store<i32>(or + off, reinterpret<i32>(v) & -(<i32>!(v <= 0)));
    }
  }
}

/** gradIn[i] = pre[i] > 0 ? gradOut[i] : 0 over `length` elements. */
export function reluBackward(gradIn: usize, gradOut: usize, pre: usize, length: i32): void {
  if (length <= 0) return;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const zero = f32x4.splat(0);
    for (; i + 8 <= length; i += 8) {
      const off = <usize>i << 2;
      const m0 = f32x4.gt(v128.load(pre + off), zero);
      const m1 = f32x4.gt(v128.load(pre + off, 16), zero);
      v128.store(gradIn + off, v128.and(v128.load(gradOut + off), m0));
      v128.store(gradIn + off, v128.and(v128.load(gradOut + off, 16), m1), 16);
    }
    for (; i + 4 <= length; i += 4) {
      const off = <usize>i << 2;
      v128.store(gradIn + off, v128.and(v128.load(gradOut + off), f32x4.gt(v128.load(pre + off), zero)));
    }
  }
  for (; i < length; i++) {
    const off = <usize>i << 2;
    store<i32>(gradIn + off, load<i32>(gradOut + off) & -(<i32>(load<f32>(pre + off) > 0)));
  }
}
