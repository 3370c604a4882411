// Internal (not re-exported): argument checks shared by the geometry wrappers (gram, projector,
// col-red, distance), and the subset-embedding kernel call projector and col-red share. Everything is
// validated before any wasm work (beyond the finiteness check of resident operands), with a TegumError
// naming the parameter and the allowed range.
import { checkArg, input, output, scoped, WasmArray, type Arg } from "./arena.js";
import { TegumError, checkInt } from "./errors.js";
import { wasm } from "./wasm.js";

interface FiniteExports {
  firstNonFinite64(p: number, len: number): number;
  firstNonFinite32(p: number, len: number): number;
}

type Typed = Float32Array | Float64Array | Int32Array;
type Ctor<T extends Typed> = { new (buffer: ArrayBuffer, offset: number, length: number): T; name: string };

/** Largest size or element count a kernel takes (sizes are i32 in wasm). */
export const I32_MAX = 0x7fffffff;

/** A size: an integer in [0, 2³¹−1]. */
export function size(name: string, value: number): number {
  return checkInt(name, value, 0, I32_MAX);
}

/** The product of sizes as an element count, which must fit in an i32. */
export function cells(name: string, ...factors: number[]): number {
  let p = 1;
  for (const f of factors) p *= f;
  if (p > I32_MAX) throw new TegumError(`${name} = ${p} elements is more than a kernel can address (${I32_MAX})`, name);
  return p;
}

/** The typed view of an operand (re-derived for resident arrays). */
export function view<T extends Typed>(x: Arg<T>): T {
  return x instanceof WasmArray ? x.array : x;
}

/** Type and length of an operand; with `finite`, also that its first `length` values are finite. */
export function array<T extends Typed>(name: string, x: Arg<T>, type: Ctor<T>, length: number, finite = false): void {
  checkArg(name, x, type, length);
  if (finite) {
    let at = -1;
    if (x instanceof WasmArray && type !== (Int32Array as unknown)) {
      // Resident operands are checked in wasm (SIMD), cheap even for a large Gram matrix.
      const k = wasm() as unknown as FiniteExports;
      at = type === (Float64Array as unknown) ? k.firstNonFinite64(x.ptr, length) : k.firstNonFinite32(x.ptr, length);
    } else {
      const a = view(x);
      for (let i = 0; i < length; i++) {
        const v = a[i];
        if (v - v !== 0) {
          at = i;
          break;
        }
      }
    }
    if (at >= 0) throw new TegumError(`${name}[${at}] is ${String(view(x)[at])}; only finite values are accepted`, name);
  }
}

/** A relative tolerance in the open interval (0, 1). */
export function relTolerance(name: string, value: number): number {
  if (typeof value !== "number" || !(value > 0 && value < 1)) {
    throw new TegumError(`${name} must be a number in the open interval (0, 1), got ${String(value)}`, name);
  }
  return value;
}

/** Elements a dimension-major D×ld output needs for `count` points: (D−1)·ld + count (0 if empty). */
function spanOf(dim: number, count: number, ld: number): number {
  return dim === 0 || count === 0 ? 0 : (dim - 1) * ld + count;
}

/** Validates the arguments shared by subsetEmbeddings and subsetReducedEmbeddings; returns sizes. */
function checkSubsetArgs(
  out: Arg<Float64Array>, ranks: Arg<Int32Array>, w: Arg<Float64Array>, m: number, n: number,
  subsets: Arg<Int32Array>, k: number, count: number, relTol: number, ld: number,
): { mn: number; kc: number; span: number } {
  size("m", m);
  size("n", n);
  size("k", k);
  size("count", count);
  checkInt("ld", ld, count, 0x7fffffff);
  relTolerance("relTol", relTol);
  const mn = cells("m·n", m, n);
  const kc = cells("k·count", k, count);
  const dim = (m * (m + 1)) / 2;
  const span = spanOf(dim, count, ld);
  cells("out span", span);
  array("w", w, Float64Array, mn, true);
  array("subsets", subsets, Int32Array, kc);
  const sv = view(subsets);
  for (let i = 0; i < kc; i++) {
    const c = sv[i];
    if (!(c >= 0 && c < n)) {
      throw new TegumError(`subsets[${i}] = ${c} is not a column index in [0, ${n - 1}]`, "subsets");
    }
  }
  array("ranks", ranks, Int32Array, count);
  array("out", out, Float64Array, span);
  return { mn, kc, span };
}

type SubsetKernel = (out: number, ranks: number, w: number, m: number, n: number, subsets: number, k: number, count: number, relTol: number, ld: number) => void;

/** Validates, then runs subsetEmbeddings or subsetReducedEmbeddings (same arguments, same layout). */
export function runSubsetKernel(
  kernel: "subsetEmbeddings" | "subsetReducedEmbeddings",
  out: Arg<Float64Array>, ranks: Arg<Int32Array>, w: Arg<Float64Array>, m: number, n: number,
  subsets: Arg<Int32Array>, k: number, count: number, relTol: number, ld: number,
): void {
  const { mn, kc, span } = checkSubsetArgs(out, ranks, w, m, n, subsets, k, count, relTol, ld);
  const fn = wasm()[kernel] as SubsetKernel;
  scoped(() => {
    const wp = input("w", w, Float64Array, mn);
    const sp = input("subsets", subsets, Int32Array, kc);
    const o = output("out", out, Float64Array, span, ld > count);
    const r = output("ranks", ranks, Int32Array, count);
    fn(o.ptr, r.ptr, wp, m, n, sp, k, count, relTol, ld);
    o.finish();
    r.finish();
  });
}
