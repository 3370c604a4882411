// Vercel Edge: static `?module` imports give a WebAssembly.Module (compiling bytes is forbidden).
import simd from "../../build/tegum.simd.wasm?module";
import scalar from "../../build/tegum.scalar.wasm?module";
import { withDefaults } from "./defaults.js";
export * from "../index.js";

export const init = withDefaults(() => ({ simd, scalar }));
