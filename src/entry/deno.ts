// Deno: read the build next to the package.
import { buildUrl, withDefaults } from "./defaults.js";
export * from "../index.js";

declare const Deno: { readFile(path: URL): Promise<Uint8Array> };
const load = (name: "simd" | "scalar") => () => Deno.readFile(buildUrl(import.meta.url, name));
export const init = withDefaults(() => ({ simd: load("simd"), scalar: load("scalar") }));
