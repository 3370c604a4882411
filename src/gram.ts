// Gram matrix, column norms and interference (wrappers of assembly/gram.ts). W is m×n row-major, its
// column i the direction of feature i. Results are the same bits with the simd and scalar builds and
// the twin (src/twin/gram.ts): every sum is sequential over its inner index.
import { input, output, scoped, type Arg } from "./arena.js";
import { array, cells, size } from "./geometry-args.js";
import { wasm } from "./wasm.js";

interface GramExports {
  gram(g: number, w: number, m: number, n: number): void;
  gram64(g: number, w: number, m: number, n: number): void;
  columnNorms(out: number, w: number, m: number, n: number): void;
  interference(out: number, g: number, n: number): void;
}
const k = () => wasm() as unknown as GramExports;

/**
 * G (n×n, f32) = WᵀW for W (m×n row-major f32): G[i,j] = Σ_p W[p,i]·W[p,j], sequential over p in f32.
 * `g` and `w` must not be the same resident array.
 */
export function gram(g: Arg<Float32Array>, w: Arg<Float32Array>, m: number, n: number): void {
  size("m", m);
  size("n", n);
  const mn = cells("m·n", m, n);
  const nn = cells("n·n", n, n);
  array("w", w, Float32Array, mn, true);
  array("g", g, Float32Array, nn);
  const e = k();
  scoped(() => {
    const wp = input("w", w, Float32Array, mn);
    const go = output("g", g, Float32Array, nn);
    e.gram(go.ptr, wp, m, n);
    go.finish();
  });
}

/** G (n×n, f64) = WᵀW for W (m×n row-major f64), sequential over p. */
export function gram64(g: Arg<Float64Array>, w: Arg<Float64Array>, m: number, n: number): void {
  size("m", m);
  size("n", n);
  const mn = cells("m·n", m, n);
  const nn = cells("n·n", n, n);
  array("w", w, Float64Array, mn, true);
  array("g", g, Float64Array, nn);
  const e = k();
  scoped(() => {
    const wp = input("w", w, Float64Array, mn);
    const go = output("g", g, Float64Array, nn);
    e.gram64(go.ptr, wp, m, n);
    go.finish();
  });
}

/** out[i] = ‖W[:, i]‖ for W (m×n row-major f64). */
export function columnNorms(out: Arg<Float64Array>, w: Arg<Float64Array>, m: number, n: number): void {
  size("m", m);
  size("n", n);
  const mn = cells("m·n", m, n);
  array("w", w, Float64Array, mn, true);
  array("out", out, Float64Array, n);
  const e = k();
  scoped(() => {
    const wp = input("w", w, Float64Array, mn);
    const o = output("out", out, Float64Array, n);
    e.columnNorms(o.ptr, wp, m, n);
    o.finish();
  });
}

/**
 * out[i] = Σ_j G_ij² / G_ii = Σ_j (Ŵ_i·W_j)² (j = i included; 0 where G_ii = 0) for a Gram matrix G
 * (n×n f64, symmetric; read by columns, G[j,i]). Feature dimensionality is D_i = G_ii / out[i].
 */
export function interference(out: Arg<Float64Array>, g: Arg<Float64Array>, n: number): void {
  size("n", n);
  const nn = cells("n·n", n, n);
  array("g", g, Float64Array, nn, true);
  array("out", out, Float64Array, n);
  const e = k();
  scoped(() => {
    const gp = input("g", g, Float64Array, nn);
    const o = output("out", out, Float64Array, n);
    e.interference(o.ptr, gp, n);
    o.finish();
  });
}
