// ReLU with fused bias, and its backward mask, over typed arrays or resident WasmArrays
// (assembly/relu.ts). Bit-identical to `twin.reluForward` / `twin.reluBackward` in both builds.
import { checkArg, input, output, scoped, WasmArray, type Arg } from "./arena.js";
import { checkInt, TegumError } from "./errors.js";
import { wasm } from "./wasm.js";

const MAX_ELEMENTS = 2 ** 30;

/** In place (same array, or resident arrays at the same pointer) is fine; a shifted overlap is not. */
function checkAlias(xName: string, x: Arg<Float32Array>, yName: string, y: Arg<Float32Array>, length: number): void {
  if (!(x instanceof WasmArray) || !(y instanceof WasmArray) || length === 0 || x.ptr === y.ptr) return;
  if (x.ptr < y.ptr + 4 * length && y.ptr < x.ptr + 4 * length) {
    throw new TegumError(`${xName} must be ${yName} itself or not overlap it in wasm memory`, xName);
  }
}

/**
 * out[r,c] = max(0, x[r,c] + bias[c]) over a rows×cols row-major matrix (f32; a NaN stays NaN).
 * `out` may be `x` itself (in place). Float32Arrays are copied; resident f32 WasmArrays are used in place.
 */
export function reluForward(
  out: Arg<Float32Array>,
  x: Arg<Float32Array>,
  bias: Arg<Float32Array>,
  rows: number,
  cols: number,
): void {
  checkInt("rows", rows, 0, MAX_ELEMENTS);
  checkInt("cols", cols, 0, MAX_ELEMENTS);
  const length = rows * cols;
  if (length > MAX_ELEMENTS) throw new TegumError(`x would have rows·cols = ${length} elements, more than ${MAX_ELEMENTS}`, "rows");
  checkArg("out", out, Float32Array, length);
  checkArg("x", x, Float32Array, length);
  checkArg("bias", bias, Float32Array, cols);
  checkAlias("out", out, "x", x, length);
  if (out instanceof WasmArray && bias instanceof WasmArray && out.ptr < bias.ptr + 4 * cols && bias.ptr < out.ptr + 4 * length) {
    throw new TegumError("out must not overlap bias in wasm memory", "out");
  }
  const fn = wasm().reluForward as (out: number, x: number, bias: number, rows: number, cols: number) => void;
  if (length === 0) return;
  scoped(() => {
    const o = output("out", out, Float32Array, length, out === x);
    const px = out === x ? o.ptr : input("x", x, Float32Array, length);
    const pb = input("bias", bias, Float32Array, cols);
    fn(o.ptr, px, pb, rows, cols);
    o.finish();
  });
}

/**
 * gradIn[i] = pre[i] > 0 ? gradOut[i] : 0 over `length` elements (f32). `gradIn` may be `gradOut`
 * (or `pre`) itself, in place. Float32Arrays are copied; resident f32 WasmArrays are used in place.
 */
export function reluBackward(
  gradIn: Arg<Float32Array>,
  gradOut: Arg<Float32Array>,
  pre: Arg<Float32Array>,
  length: number,
): void {
  checkInt("length", length, 0, MAX_ELEMENTS);
  checkArg("gradIn", gradIn, Float32Array, length);
  checkArg("gradOut", gradOut, Float32Array, length);
  checkArg("pre", pre, Float32Array, length);
  checkAlias("gradIn", gradIn, "gradOut", gradOut, length);
  checkAlias("gradIn", gradIn, "pre", pre, length);
  const fn = wasm().reluBackward as (gradIn: number, gradOut: number, pre: number, length: number) => void;
  if (length === 0) return;
  scoped(() => {
    const g = output("gradIn", gradIn, Float32Array, length, gradIn === gradOut || gradIn === pre);
    const pg = gradIn === gradOut ? g.ptr : input("gradOut", gradOut, Float32Array, length);
    const pp = gradIn === pre ? g.ptr : input("pre", pre, Float32Array, length);
    fn(g.ptr, pg, pp, length);
    g.finish();
  });
}
