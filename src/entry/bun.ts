// Bun: `import x from "k.wasm"` gives a path string there, so read the file instead.
import { buildUrl, withDefaults } from "./defaults.js";
export * from "../index.js";

declare const Bun: { file(path: URL): { arrayBuffer(): Promise<ArrayBuffer> } };
const load = (name: "simd" | "scalar") => () => Bun.file(buildUrl(import.meta.url, name)).arrayBuffer();
export const init = withDefaults(() => ({ simd: load("simd"), scalar: load("scalar") }));
