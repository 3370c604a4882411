// Runs every bench/*.bench.{js,mjs,ts} file in turn (`npm run bench`): imports it and awaits its
// default export when that is a function (top-level code simply runs on import). A .ts file is
// transpiled with the TypeScript devDependency to a temporary .mjs beside it, so its imports resolve.
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";

const dir = new URL("./", import.meta.url);
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => /\.bench\.(js|mjs|ts)$/.test(f) && (only.length === 0 || only.some((o) => f.includes(o))))
  .sort();
for (const file of files) {
  console.log(`\n# ${file}`);
  let url = new URL(file, dir);
  let temp = null;
  if (file.endsWith(".ts")) {
    const ts = (await import("typescript")).default;
    const { outputText } = ts.transpileModule(readFileSync(url, "utf8"), {
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
    });
    temp = url = new URL(`.${file}.${process.pid}.mjs`, dir);
    writeFileSync(url, outputText);
  }
  try {
    const mod = await import(url.href);
    if (typeof mod.default === "function") await mod.default();
  } finally {
    if (temp) rmSync(temp, { force: true });
  }
}
