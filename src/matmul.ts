// The matmul family over typed arrays or resident WasmArrays (assembly/matmul.ts does the work).
// Plain Float32Arrays are copied through arena scratch; resident operands are used in place, so a
// chain of calls on WasmArrays copies nothing. Results are bit-identical to `twin.matmul*` and
// between the SIMD and scalar builds: every C[i,j] is the sequential f32 sum over p, no FMA.
import { checkArg, input, output, scoped, WasmArray, type Arg } from "./arena.js";
import { checkInt, TegumError } from "./errors.js";
import { wasm } from "./wasm.js";

type Kernel = (c: number, a: number, b: number, m: number, k: number, n: number, accumulate: number) => void;

/** Largest element count of one operand: 2³⁰ f32 fill the 4 GiB a 32-bit wasm memory can address. */
const MAX_ELEMENTS = 2 ** 30;

/** Throws when `x` and `y` are resident arrays whose first `xn`, `yn` elements overlap. */
function checkDisjoint(xName: string, x: Arg<Float32Array>, xn: number, yName: string, y: Arg<Float32Array>, yn: number): void {
  if (!(x instanceof WasmArray) || !(y instanceof WasmArray) || xn === 0 || yn === 0) return;
  if (x.ptr < y.ptr + 4 * yn && y.ptr < x.ptr + 4 * xn) {
    throw new TegumError(`${xName} must not overlap ${yName} in wasm memory`, xName);
  }
}

function checkSizes(m: number, k: number, n: number, accumulate: unknown): void {
  checkInt("m", m, 0, MAX_ELEMENTS);
  checkInt("k", k, 0, MAX_ELEMENTS);
  checkInt("n", n, 0, MAX_ELEMENTS);
  for (const [name, dims, size] of [["a", "m·k", m * k], ["b", "k·n", k * n], ["c", "m·n", m * n]] as const) {
    if (size > MAX_ELEMENTS) throw new TegumError(`${name} would have ${dims} = ${size} elements, more than ${MAX_ELEMENTS}`, name);
  }
  if (typeof accumulate !== "boolean") throw new TegumError(`accumulate must be a boolean, got ${typeof accumulate}`, "accumulate");
}

function run(
  kernel: string,
  c: Arg<Float32Array>,
  a: Arg<Float32Array>,
  b: Arg<Float32Array>,
  m: number,
  k: number,
  n: number,
  accumulate: boolean,
): void {
  checkSizes(m, k, n, accumulate);
  checkArg("c", c, Float32Array, m * n);
  checkArg("a", a, Float32Array, m * k);
  checkArg("b", b, Float32Array, k * n);
  checkDisjoint("c", c, m * n, "a", a, m * k);
  checkDisjoint("c", c, m * n, "b", b, k * n);
  const fn = wasm()[kernel] as Kernel;
  if (m === 0 || n === 0) return;
  scoped(() => {
    const pa = input("a", a, Float32Array, m * k);
    const pb = input("b", b, Float32Array, k * n);
    const out = output("c", c, Float32Array, m * n, accumulate);
    fn(out.ptr, pa, pb, m, k, n, accumulate ? 1 : 0);
    out.finish();
  });
}

/**
 * C (m×n) = A (m×k) · B (k×n), f32 row-major; with `accumulate`, C += A·B.
 * Operands are Float32Arrays (copied) or resident f32 WasmArrays (used in place; `c` must not overlap `a`, `b`).
 */
export function matmul(
  c: Arg<Float32Array>,
  a: Arg<Float32Array>,
  b: Arg<Float32Array>,
  m: number,
  k: number,
  n: number,
  accumulate = false,
): void {
  run("matmul", c, a, b, m, k, n, accumulate);
}

/** C (m×n) = Aᵀ · B with A stored k×m and B stored k×n, f32 row-major; with `accumulate`, C += Aᵀ·B. */
export function matmulAtB(
  c: Arg<Float32Array>,
  a: Arg<Float32Array>,
  b: Arg<Float32Array>,
  m: number,
  k: number,
  n: number,
  accumulate = false,
): void {
  run("matmulAtB", c, a, b, m, k, n, accumulate);
}

/** C (m×n) = A · Bᵀ with A stored m×k and B stored n×k, f32 row-major; with `accumulate`, C += A·Bᵀ. */
export function matmulABt(
  c: Arg<Float32Array>,
  a: Arg<Float32Array>,
  b: Arg<Float32Array>,
  m: number,
  k: number,
  n: number,
  accumulate = false,
): void {
  run("matmulABt", c, a, b, m, k, n, accumulate);
}
