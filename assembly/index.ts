// One source, two builds (asconfig.json targets `simd` and `scalar`); ASC_FEATURE_SIMD picks the path.
export * from "./arena";
export * from "./matmul";
export * from "./relu";
export * from "./gram";
export * from "./projector";
export * from "./col-red";
export * from "./distance";
export * from "./prim";
export * from "./prim-tree";
export * from "./train";
