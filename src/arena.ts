// Operands resident in wasm linear memory. A WasmArray keeps its pointer and re-derives its typed
// view whenever memory has grown (growth detaches every view of the old buffer), so a caller can
// chain kernel calls on resident data without copying in and out each time.
import { TegumError } from "./errors.js";
import { wasm, type Exports } from "./wasm.js";

type Typed = Float32Array | Float64Array | Int32Array;
type Ctor<T extends Typed> = { new (buffer: ArrayBuffer, offset: number, length: number): T; BYTES_PER_ELEMENT: number; name: string };

export class WasmArray<T extends Typed> {
  #view: T | null = null;
  constructor(
    readonly ptr: number,
    readonly length: number,
    readonly type: Ctor<T>,
    readonly owner: Exports,
  ) {}

  /** A live view of the data; fetch it again after any call that may allocate. */
  get array(): T {
    if (this.owner !== wasm()) throw new TegumError("this WasmArray belongs to a previous init()", "array");
    const buffer = this.owner.memory.buffer;
    if (this.#view === null || this.#view.buffer !== buffer) this.#view = new this.type(buffer, this.ptr, this.length);
    return this.#view;
  }

  /** Copies `source` in at `offset`. */
  set(source: ArrayLike<number>, offset = 0): this {
    this.array.set(source, offset);
    return this;
  }

  /** A copy of the data, independent of wasm memory. */
  toArray(): T {
    return this.array.slice() as T;
  }
}

function alloc<T extends Typed>(type: Ctor<T>, init: number | ArrayLike<number>): WasmArray<T> {
  const length = typeof init === "number" ? init : init.length;
  if (!Number.isInteger(length) || length < 0) throw new TegumError(`length must be a non-negative integer, got ${length}`, "length");
  const exports = wasm();
  const bytes = length * type.BYTES_PER_ELEMENT;
  const ptr = exports.arenaAlloc(bytes);
  if (ptr === 0 && bytes > 0) throw new TegumError(`out of wasm memory allocating ${bytes} bytes`, "length");
  const out = new WasmArray(ptr, length, type, exports);
  if (typeof init === "number") out.array.fill(0);
  else out.set(init);
  return out;
}

/** A resident f32 array: zeroed, or a copy of `init`. */
export const f32 = (init: number | ArrayLike<number>) => alloc(Float32Array, init);
/** A resident f64 array: zeroed, or a copy of `init`. */
export const f64 = (init: number | ArrayLike<number>) => alloc(Float64Array, init);
/** A resident i32 array: zeroed, or a copy of `init`. */
export const i32 = (init: number | ArrayLike<number>) => alloc(Int32Array, init);

/** The arena's current top; `release(mark)` frees everything allocated after it. */
export const mark = (): number => wasm().arenaTop();
export const release = (at: number): void => wasm().arenaRelease(at);

/** Runs `fn`, then frees what it allocated in the arena (WasmArrays made inside become invalid). */
export function scoped<R>(fn: () => R): R {
  const at = mark();
  try {
    return fn();
  } finally {
    release(at);
  }
}

/** An operand of a wasm-backed kernel: a plain typed array (copied) or a resident one (not). */
export type Arg<T extends Typed> = T | WasmArray<T>;

/**
 * Throws a TegumError naming `name` unless `x` is a `type` array (plain, or resident in the current
 * instance) with at least `length` elements. Shared by every kernel wrapper.
 */
export function checkArg<T extends Typed>(name: string, x: unknown, type: abstract new (...args: never[]) => T, length: number): void {
  if (x instanceof WasmArray) {
    if (x.type !== type) throw new TegumError(`${name} must hold ${type.name} data, got a WasmArray of ${x.type.name}`, name);
    if (x.owner !== wasm()) throw new TegumError(`${name} is a WasmArray from a previous init()`, name);
  } else if (!(x instanceof type)) {
    const what = x === null ? "null" : typeof x === "object" ? ((x as object).constructor?.name ?? "object") : typeof x;
    throw new TegumError(`${name} must be a ${type.name} or a resident one (WasmArray), got ${what}`, name);
  }
  const n = (x as Typed | WasmArray<T>).length;
  if (n < length) throw new TegumError(`${name} needs at least ${length} elements, got ${n}`, name);
}

/** Pointer to an input operand's first `length` elements, copying a plain array into scratch. Use inside `scoped`. */
export function input<T extends Typed>(name: string, x: Arg<T>, type: Ctor<T>, length: number): number {
  checkArg(name, x, type, length);
  if (x instanceof WasmArray) return x.ptr;
  return alloc(type, x.length === length ? x : x.subarray(0, length)).ptr;
}

/**
 * Pointer for an output operand; `finish()` copies the result back into a plain array.
 * `copyIn` also copies the current contents in (for accumulating kernels). Use inside `scoped`.
 */
export function output<T extends Typed>(
  name: string,
  x: Arg<T>,
  type: Ctor<T>,
  length: number,
  copyIn = false,
): { ptr: number; finish(): void } {
  checkArg(name, x, type, length);
  if (x instanceof WasmArray) return { ptr: x.ptr, finish() {} };
  const scratch = copyIn ? alloc(type, x.subarray(0, length)) : alloc(type, length);
  return { ptr: scratch.ptr, finish: () => x.set(scratch.array as never) };
}
