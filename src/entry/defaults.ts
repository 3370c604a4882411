// Shared by the per-runtime entry files: `init()` with the runtime's own way of finding the builds.
import { init as core, type Backend, type InitOptions, type LazySource } from "../wasm.js";

export type Sources = LazySource | { simd: LazySource; scalar: LazySource };

function isOptions(x: unknown): x is InitOptions {
  return typeof x === "object" && x !== null && Object.getPrototypeOf(x) === Object.prototype && !("simd" in x) && !("scalar" in x);
}

/** Builds `init(source?, options?)` / `init(options?)` around a runtime's default sources. */
export function withDefaults(defaults: () => Sources) {
  return function init(source?: Sources | InitOptions, options?: InitOptions): Promise<Backend> {
    if (source === undefined || isOptions(source)) return core(defaults(), (source as InitOptions | undefined) ?? options);
    return core(source, options);
  };
}

/** The URL of a build next to the package root, for runtimes that have `import.meta.url`. */
export const buildUrl = (base: string, name: Backend) => new URL(`../../build/tegum.${name}.wasm`, base);
