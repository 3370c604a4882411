// Node: fs (Node 20's fetch cannot read file: URLs).
import { readFile } from "node:fs/promises";
import { buildUrl, withDefaults } from "./defaults.js";
export * from "../index.js";

const load = (name: "simd" | "scalar") => () => readFile(buildUrl(import.meta.url, name));
export const init = withDefaults(() => ({ simd: load("simd"), scalar: load("scalar") }));
