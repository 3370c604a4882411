// The core loader. It never compiles from bytes unless handed bytes: runtimes that forbid code
// generation (workerd, Vercel Edge) pass a precompiled WebAssembly.Module from a static import.
import { TegumError } from "./errors.js";

/** Anything a runtime can give us a module from. */
export type WasmSource = WebAssembly.Module | BufferSource | URL | Response | Promise<Response>;
/** A source, or a function producing one, so that the build not chosen is never fetched. */
export type LazySource = WasmSource | (() => WasmSource | Promise<WasmSource>);
export type Backend = "simd" | "scalar";

export interface InitOptions {
  /** `auto` (default) uses SIMD where `WebAssembly.validate` says it is supported. */
  backend?: "auto" | Backend;
}

/** The raw exports of the wasm module: pointers into linear memory, lengths as i32. */
export interface Exports {
  readonly memory: WebAssembly.Memory;
  arenaTop(): number;
  arenaAlloc(bytes: number): number;
  arenaRelease(mark: number): void;
  simdEnabled(): number;
  // Kernels are listed by the files that wrap them; they are reached through `Exports` as a record.
  readonly [kernel: string]: unknown;
}

// The smallest module using a v128 instruction (REFERENCE §7).
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

let current: Exports | null = null;
let currentModule: WebAssembly.Module | null = null;
let currentBackend: Backend | null = null;

/** Whether this runtime validates fixed-width SIMD. */
export function simdSupported(): boolean {
  return typeof WebAssembly === "object" && WebAssembly.validate(SIMD_PROBE);
}

async function toModule(source: WasmSource): Promise<WebAssembly.Module> {
  source = await source;
  if (source instanceof WebAssembly.Module) return source;
  if (typeof URL !== "undefined" && source instanceof URL) source = await fetch(source);
  if (typeof Response !== "undefined" && source instanceof Response) {
    if (!source.ok) throw new TegumError(`could not load wasm: HTTP ${source.status} ${source.url}`, "source");
    return WebAssembly.compile(await source.arrayBuffer());
  }
  if (ArrayBuffer.isView(source) || source instanceof ArrayBuffer) return WebAssembly.compile(source as BufferSource);
  throw new TegumError("source must be a WebAssembly.Module, bytes, a URL or a Response", "source");
}

/**
 * Instantiates tegum's kernels. `source` is one build, or both builds to choose from
 * (`backend: "auto"` takes SIMD when the runtime supports it). Returns the active backend.
 */
export async function init(
  source: LazySource | { simd: LazySource; scalar: LazySource },
  options: InitOptions = {},
): Promise<Backend> {
  const want = options.backend ?? "auto";
  if (want !== "auto" && want !== "simd" && want !== "scalar") {
    throw new TegumError(`backend must be "auto", "simd" or "scalar", got ${String(want)}`, "backend");
  }
  let chosen: LazySource;
  if (typeof source === "object" && source !== null && "simd" in source && "scalar" in source) {
    const simd = want === "simd" || (want === "auto" && simdSupported());
    if (want === "simd" && !simdSupported()) throw new TegumError("backend \"simd\" requested but this runtime has no WebAssembly SIMD", "backend");
    chosen = simd ? source.simd : source.scalar;
  } else {
    chosen = source as LazySource;
  }
  const module = await toModule(typeof chosen === "function" ? await chosen() : chosen);
  const instance = new WebAssembly.Instance(module, {});
  const exports = instance.exports as unknown as Exports;
  const backend: Backend = exports.simdEnabled() ? "simd" : "scalar";
  if (want !== "auto" && backend !== want) {
    throw new TegumError(`backend "${want}" requested but the module given is the ${backend} build`, "backend");
  }
  current = exports;
  currentModule = module;
  currentBackend = backend;
  return backend;
}

/** The active backend, or null before `init`. */
export function backend(): Backend | null {
  return currentBackend;
}

/** The compiled module in use (workers instantiate it again instead of fetching and compiling). */
export function module(): WebAssembly.Module | null {
  return currentModule;
}

/** The instantiated module's exports; throws a clear error before `init`. */
export function wasm(): Exports {
  if (current === null) throw new TegumError("tegum is not initialised: call `await init()` first", "init");
  return current;
}
