// Runs every bench/*.bench.js file in turn (`npm run bench`; `node bench/run.js matmul train` for a
// subset): imports it and awaits its default export when that is a function.
import { readdirSync } from "node:fs";

const dir = new URL("./", import.meta.url);
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.js") && (only.length === 0 || only.some((o) => f === `${o}.bench.js`)))
  .sort();
for (const file of files) {
  console.log(`\n# ${file}`);
  const mod = await import(new URL(file, dir).href);
  if (typeof mod.default === "function") await mod.default();
}
