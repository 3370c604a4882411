// One source, two builds (asconfig.json targets `simd` and `scalar`); ASC_FEATURE_SIMD picks the path.
export * from "./arena";
