import { describe, expect, it, beforeEach } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { f32, f64, mark, matmul, matmulABt, matmulAtB, reluBackward, reluForward, twin, WasmArray } from "../src/index.js";
import { BACKENDS, use } from "./backends.js";
import { edgeValues, expectSameBits, thrownParameter as param } from "./geometry-helpers.js";

type Mm = typeof twin.matmul;
const KERNELS = [
  { name: "matmul", api: matmul, twin: twin.matmul },
  { name: "matmulAtB", api: matmulAtB, twin: twin.matmulAtB },
  { name: "matmulABt", api: matmulABt, twin: twin.matmulABt },
] as const;

const values = (length: number, seed: number) => edgeValues(length, seed, [0.08, 0.11, 0.3], 4);

/** Operand lengths for m, k, n. */
const lengths = (m: number, k: number, n: number) => ({ a: m * k, b: k * n, c: m * n });

/** One kernel through the API on plain arrays vs its twin, bit for bit. */
function checkAgainstTwin(api: Mm, ref: Mm, m: number, k: number, n: number, accumulate: boolean, seed: number): void {
  const len = lengths(m, k, n);
  const a = values(len.a, seed);
  const b = values(len.b, seed + 1);
  const c0 = values(len.c, seed + 2);
  const got = c0.slice();
  const want = c0.slice();
  api(got, a, b, m, k, n, accumulate);
  ref(want, a, b, m, k, n, accumulate);
  expectSameBits(got, want, `m=${m} k=${k} n=${n} accumulate=${accumulate}`);
  expectSameBits(a, values(len.a, seed), "a (must be untouched)");
}

// Sizes biased toward the edge cases: 0, 1, 2, 3, 5, 7, odd sizes, around the 4×8 block, then up to 300.
const small = fc.constantFrom(0, 1, 2, 3, 4, 5, 7, 8, 9, 11, 13, 15, 16, 17);
const size = fc.oneof({ arbitrary: small, weight: 2 }, { arbitrary: fc.integer({ min: 0, max: 300 }), weight: 1 });
const largeSize = fc.oneof(small, fc.integer({ min: 100, max: 300 }));
const seed = fc.integer({ min: 1, max: 2 ** 31 - 1 });

describe.each(BACKENDS)("matmul family (%s)", (name) => {
  beforeEach(async () => {
    await use(name);
  });

  for (const { name: kernel, api, twin: ref } of KERNELS) {
    test.prop([size, size, size, fc.boolean(), seed], { numRuns: 120 })(`${kernel} = twin, bit for bit`, (m, k, n, acc, s) => {
      checkAgainstTwin(api, ref, m, k, n, acc, s);
    });

    test.prop([largeSize, largeSize, largeSize, fc.boolean(), seed], { numRuns: 25 })(`${kernel} = twin on large shapes`, (m, k, n, acc, s) => {
      checkAgainstTwin(api, ref, m, k, n, acc, s);
    });

    it(`${kernel} = twin on every small shape, and across the blocking boundaries`, () => {
      const dims = [0, 1, 2, 3, 4, 5, 7, 8, 9];
      let s = 1;
      for (const m of dims) for (const k of dims) for (const n of dims) for (const acc of [false, true]) checkAgainstTwin(api, ref, m, k, n, acc, s++);
      // KC = 256, MC = 128, NC = 512: k-blocks with C stored between them, several row and column blocks.
      for (const [m, k, n] of [[129, 257, 9], [5, 513, 3], [3, 7, 515], [131, 300, 517]]) {
        checkAgainstTwin(api, ref, m, k, n, false, s++);
        checkAgainstTwin(api, ref, m, k, n, true, s++);
      }
    });

    it(`${kernel} on resident operands equals the plain-array call and frees its scratch`, () => {
      const [m, k, n] = [37, 45, 29];
      const len = lengths(m, k, n);
      const a = values(len.a, 7), b = values(len.b, 8), c0 = values(len.c, 9);
      const A = f32(a), B = f32(b), C = f32(c0);
      const at = mark();
      api(C, A, B, m, k, n, true);
      expect(mark()).toBe(at);
      const want = c0.slice();
      ref(want, a, b, m, k, n, true);
      expectSameBits(C.array, want);
    });

    it(`${kernel}: k = 0 gives zeros, or leaves C unchanged when accumulating`, () => {
      const c = values(12, 3);
      const before = c.slice();
      api(c, new Float32Array(0), new Float32Array(0), 3, 0, 4, true);
      expectSameBits(c, before);
      api(c, new Float32Array(0), new Float32Array(0), 3, 0, 4);
      expectSameBits(c, new Float32Array(12));
    });

    it(`${kernel} accepts longer arrays and touches only the first m·n elements of C`, () => {
      const [m, k, n] = [6, 10, 11];
      const a = values(m * k + 5, 1), b = values(k * n + 3, 2), c = values(m * n + 7, 3);
      const want = c.slice();
      api(c, a, b, m, k, n);
      ref(want, a, b, m, k, n);
      expectSameBits(c, want);
      expectSameBits(c.subarray(m * n), values(m * n + 7, 3).subarray(m * n));
    });

    it(`${kernel} rejects bad input with a TegumError naming the parameter`, () => {
      const ok = new Float32Array(100);
      expect(param(() => api(ok, ok, ok, -1, 2, 2))).toBe("m");
      expect(param(() => api(ok, ok, ok, 2, -3, 2))).toBe("k");
      expect(param(() => api(ok, ok, ok, 2, 2, 1.5))).toBe("n");
      expect(param(() => api(ok, ok, ok, 2, Number.NaN, 2))).toBe("k");
      expect(param(() => api(ok, ok, ok, 2 ** 20, 2 ** 20, 0))).toBe("a");
      expect(param(() => api(ok, new Float32Array(5), ok, 2, 3, 4))).toBe("a");
      expect(param(() => api(ok, ok, new Float32Array(11), 2, 3, 4))).toBe("b");
      expect(param(() => api(new Float32Array(7), ok, ok, 2, 3, 4))).toBe("c");
      expect(param(() => api(ok, new Float64Array(100) as never, ok, 2, 3, 4))).toBe("a");
      expect(param(() => api(ok, ok, [1, 2, 3] as never, 1, 1, 1))).toBe("b");
      expect(param(() => api(f64(100) as never, ok, ok, 2, 3, 4))).toBe("c");
      expect(param(() => api(ok, ok, ok, 2, 3, 4, 1 as never))).toBe("accumulate");
      const R = f32(100);
      expect(param(() => api(R, R, ok, 2, 3, 4))).toBe("c"); // resident C overlapping A
      const ptrs = new WasmArray(R.ptr + 8, 10, Float32Array, R.owner);
      expect(param(() => api(ptrs, ok, R, 2, 3, 4))).toBe("c"); // resident C inside B
    });
  }

  it("a resident chain (matmul → reluForward in place → reluBackward → matmulAtB, matmulABt) equals the twin chain", () => {
    // One layer of a toy model: H = relu(X·W + b); dW = Xᵀ·(dH ⊙ [H>0]); dX = (dH ⊙ [H>0])·Wᵀ.
    const [batch, inDim, outDim] = [33, 20, 7];
    const x = values(batch * inDim, 11), w = values(inDim * outDim, 12), bias = values(outDim, 13), dh = values(batch * outDim, 14);
    const X = f32(x), W = f32(w), Bias = f32(bias), H = f32(batch * outDim), Pre = f32(batch * outDim), G = f32(dh);
    const DW = f32(inDim * outDim), DX = f32(batch * inDim);
    matmul(Pre, X, W, batch, inDim, outDim);
    reluForward(H, Pre, Bias, batch, outDim);
    reluForward(Pre, Pre, Bias, batch, outDim); // in place: now equals H
    reluBackward(G, G, H, batch * outDim); // in place
    matmulAtB(DW, X, G, inDim, batch, outDim);
    matmulABt(DX, G, W, batch, outDim, inDim);

    const pre = new Float32Array(batch * outDim), h = new Float32Array(batch * outDim), g = dh.slice();
    const dw = new Float32Array(inDim * outDim), dx = new Float32Array(batch * inDim);
    twin.matmul(pre, x, w, batch, inDim, outDim);
    twin.reluForward(h, pre, bias, batch, outDim);
    twin.reluBackward(g, g, h, batch * outDim);
    twin.matmulAtB(dw, x, g, inDim, batch, outDim);
    twin.matmulABt(dx, g, w, batch, outDim, inDim);
    expectSameBits(H.array, h, "H");
    expectSameBits(Pre.array, h, "H in place");
    expectSameBits(G.array, g, "dH");
    expectSameBits(DW.array, dw, "dW");
    expectSameBits(DX.array, dx, "dX");
  });
});

describe("matmul twins against a float64 reference", () => {
  // Each C[i,j] is a recursive sum of k+1 terms (the old C[i,j] when accumulating, then k products),
  // each product and each partial sum rounded once to f32 (unit roundoff u = 2⁻²⁴). Higham, Accuracy and
  // Stability of Numerical Algorithms, §3.1: |fl(Σ) − Σ| ≤ γ_{k+1} · (|c₀| + Σ_p |a_ip||b_pj|), with
  // γ_n = n·u / (1 − n·u). The float64 reference is exact in its products and off by ≤ γ_k(2⁻⁵³)·Σ|a||b|,
  // about 2⁻²⁹ of the f32 bound; 2⁻⁴⁰·Σ covers it. So the tolerance is a theorem, not a guess.
  const u = 2 ** -24;
  const gamma = (n: number) => (n * u) / (1 - n * u);
  type At = (i: number, p: number) => number;
  const layouts = {
    matmul: (m: number, k: number, n: number, a: Float32Array, b: Float32Array): [At, At] => [(i, p) => a[i * k + p], (p, j) => b[p * n + j]],
    matmulAtB: (m: number, k: number, n: number, a: Float32Array, b: Float32Array): [At, At] => [(i, p) => a[p * m + i], (p, j) => b[p * n + j]],
    matmulABt: (m: number, k: number, n: number, a: Float32Array, b: Float32Array): [At, At] => [(i, p) => a[i * k + p], (p, j) => b[j * k + p]],
  };

  for (const { name, twin: ref } of KERNELS) {
    test.prop([size.filter((x) => x <= 60), size, size.filter((x) => x <= 60), fc.boolean(), seed], { numRuns: 80 })(
      `${name} twin is within γ_(k+1)·Σ|a||b| of the exact sum`,
      (m, k, n, acc, s) => {
        const len = lengths(m, k, n);
        const a = values(len.a, s), b = values(len.b, s + 1), c0 = values(len.c, s + 2);
        const c = c0.slice();
        ref(c, a, b, m, k, n, acc);
        const [A, B] = layouts[name](m, k, n, a, b);
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            const start = acc ? c0[i * n + j] : 0;
            let exact = start;
            let magnitude = Math.abs(start);
            for (let p = 0; p < k; p++) {
              exact += A(i, p) * B(p, j);
              magnitude += Math.abs(A(i, p) * B(p, j));
            }
            const bound = gamma(k + 1) * magnitude + 2 ** -40 * magnitude;
            const err = Math.abs(c[i * n + j] - exact);
            if (!(err <= bound)) expect.fail(`C[${i},${j}] = ${c[i * n + j]}, exact ${exact}, error ${err} > ${bound}`);
          }
        }
      },
    );
  }

  it("agrees with a hand computation, including exact zeros", () => {
    const c = new Float32Array(4);
    twin.matmul(c, Float32Array.of(1, 2, 3, 4), Float32Array.of(5, 6, 7, 8), 2, 2, 2);
    expect(Array.from(c)).toEqual([19, 22, 43, 50]);
    twin.matmulAtB(c, Float32Array.of(1, 3, 2, 4), Float32Array.of(5, 6, 7, 8), 2, 2, 2);
    expect(Array.from(c)).toEqual([19, 22, 43, 50]);
    twin.matmulABt(c, Float32Array.of(1, 2, 3, 4), Float32Array.of(5, 7, 6, 8), 2, 2, 2);
    expect(Array.from(c)).toEqual([19, 22, 43, 50]);
    twin.matmul(c, Float32Array.of(1, 2, 3, 4), Float32Array.of(1, 0, 0, 1), 2, 2, 2, true);
    expect(Array.from(c)).toEqual([20, 24, 46, 54]);
  });
});
