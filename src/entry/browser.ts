// Browsers and bundlers: fetch the build relative to this file (bundlers rewrite `new URL(…, import.meta.url)`).
import { buildUrl, withDefaults } from "./defaults.js";
export * from "../index.js";

const load = (name: "simd" | "scalar") => () => fetch(buildUrl(import.meta.url, name));
export const init = withDefaults(() => ({ simd: load("simd"), scalar: load("scalar") }));
