// Loads the built wasm modules for tests: `use("simd")` / `use("scalar")` switches the active backend.
import { readFileSync } from "node:fs";
import { init, type Backend } from "../src/index.js";

const bytes = {
  simd: readFileSync(new URL("../build/tegum.simd.wasm", import.meta.url)),
  scalar: readFileSync(new URL("../build/tegum.scalar.wasm", import.meta.url)),
};
const modules: Partial<Record<Backend, WebAssembly.Module>> = {};

export const BACKENDS: Backend[] = ["simd", "scalar"];

export async function use(backend: Backend): Promise<void> {
  modules[backend] ??= new WebAssembly.Module(bytes[backend]);
  await init(modules[backend]!, { backend });
}
