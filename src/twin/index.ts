// Plain-TypeScript twins of the wasm kernels: same names, same semantics; the tests' oracle.
export {};
