// Plain-TypeScript twins of the wasm kernels: same names, same semantics; the tests' oracle.
export * from "./matmul.js";
export * from "./relu.js";
export * from "./gram.js";
export * from "./projector.js";
export * from "./col-red.js";
export * from "./distance.js";
export * from "./prim.js";
export * from "./prim-tree.js";
export * from "./train.js";
