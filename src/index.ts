// The runtime-independent API. The per-runtime entry files (src/entry/) add an `init()` that finds
// the wasm builds by itself; this core `init(source)` needs to be handed one.
export { init, backend, simdSupported, type Backend, type InitOptions, type WasmSource, type LazySource } from "./wasm.js";
export { WasmArray, f32, f64, i32, mark, release, scoped, type Arg } from "./arena.js";
export { TegumError } from "./errors.js";
export { digest } from "./digest.js";
export * as twin from "./twin/index.js";
// kernels
export * from "./matmul.js";
export * from "./relu.js";
export * from "./gram.js";
export * from "./projector.js";
export * from "./col-red.js";
export * from "./distance.js";
// analysis
export * from "./fraction.js";
export * from "./metrics.js";
export * from "./tegum-factors.js";
export * from "./polytope.js";
export * from "./thomson.js";
export * from "./loss-decomposition.js";
export * from "./persistence.js";
export * from "./dbscan.js";
