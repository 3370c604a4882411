// The runtime-independent API. The per-runtime entry files (src/entry/) add an `init()` that finds
// the wasm builds by itself; this core `init(source)` needs to be handed one.
export { init, backend, simdSupported, type Backend, type InitOptions, type WasmSource, type LazySource } from "./wasm.js";
export { WasmArray, f32, f64, i32, mark, release, scoped, type Arg } from "./arena.js";
export { TegumError } from "./errors.js";
export { digest, weightsDigest } from "./digest.js";
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
export { chooseDeadTol, type DeadTolChoice } from "./dead-features.js";
export * from "./polytope.js";
export * from "./thomson.js";
export * from "./loss-decomposition.js";
export * from "./persistence.js";
export * from "./dbscan.js";
export * from "./sphere.js";
export * from "./arrangement.js";
export { train, resume, resultOf, TrainAbortError, finalLoss, type TrainOptions, type TrainProgress, type TrainResult, type InstanceResult, type Snapshot } from "./train.js";
export { serializeState, deserializeState, mergeStates, type TrainState, type RunParams } from "./train-state.js";
export { type TrainConfig, type ModelKind, type ScheduleKind } from "./train-config.js";
export * as sweeps from "./sweeps.js";
export * from "./subsets.js";
export * from "./principal-angles.js";
export * from "./plucker.js";
export * from "./bundles.js";
export * from "./phase.js";
// files and reports
export * from "./half.js";
export { byteSource, MAX_HEADER_BYTES, type Tensor, type ByteSource } from "./tensor.js";
export * from "./npy.js";
export * from "./safetensors.js";
export * from "./tensor-json.js";
export * from "./tensor-file.js";
export { schemaVersion, validateReport, type Report, type ModelReport, type ModelSource, type InstanceReport, type FeatureReport, type BundleReport, type PolytopeReport, type LossCurve, type Snapshot as ReportSnapshot } from "./report/schema.js";
export { renderReport, DIMENSIONALITY_LINES, REPRESENTED_NORM, type RenderOptions } from "./report/html.js";
export { instanceReport, makeReport, modelReport, type InstanceInput } from "./report/build.js";
export * as svg from "./report/svg.js";
