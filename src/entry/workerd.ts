// Cloudflare workerd: code generation from bytes is forbidden, so both builds are imported
// statically as WebAssembly.Module (import.meta.url is undefined there).
import simd from "../../build/tegum.simd.wasm";
import scalar from "../../build/tegum.scalar.wasm";
import { withDefaults } from "./defaults.js";
export * from "../index.js";

export const init = withDefaults(() => ({ simd, scalar }));
