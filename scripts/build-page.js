#!/usr/bin/env node
// Builds the explorable page into dist/page/: tsc has already compiled src/page/*.ts there (npm run
// build:ts); this copies the HTML (with the package version filled in) and the CSS next to them and
// checks that every relative module import of the page resolves to a file under dist/. Serve the
// package root (npm run serve) and open /dist/page/: app.js imports ../report/svg.js …, the worker
// imports ../entry/browser.js, which fetches ../../build/tegum.{simd,scalar}.wasm.
//
//   node scripts/build-page.js          (no dependencies, no bundler)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SRC = join(ROOT, "src", "page");
const OUT = join(ROOT, "dist", "page");

/** Builds the page; resolves to the files written. Throws with a clear message if tsc has not run. */
export async function buildPage() {
  const entry = join(OUT, "app.js");
  if (!existsSync(entry) || !existsSync(join(OUT, "train.worker.js"))) {
    throw new Error(`${relative(ROOT, entry)} is missing: compile first (npm run build:ts, or npm run build)`);
  }
  for (const wasm of ["tegum.simd.wasm", "tegum.scalar.wasm"]) {
    if (!existsSync(join(ROOT, "build", wasm))) throw new Error(`build/${wasm} is missing: npm run build:wasm`);
  }
  mkdirSync(OUT, { recursive: true });
  const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  const html = readFileSync(join(SRC, "index.html"), "utf8").replaceAll("%VERSION%", version);
  writeFileSync(join(OUT, "index.html"), html);
  const { CHART_CSS } = await import(pathToFileURL(join(ROOT, "dist", "report", "svg.js")).href);
  writeFileSync(join(OUT, "page.css"), `${readFileSync(join(SRC, "page.css"), "utf8")}\n/* charts (CHART_CSS, src/report/svg.ts) */\n${CHART_CSS}\n`);
  checkImports(["app.js", "train.worker.js"].map((f) => join(OUT, f)));
  return ["index.html", "page.css"].map((f) => join(OUT, f));
}

/** Follows the static relative imports from the entry modules; every one must be a file under dist/. */
function checkImports(entries) {
  const seen = new Set();
  const dist = join(ROOT, "dist");
  const todo = [...entries];
  while (todo.length) {
    const file = todo.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    if (!existsSync(file)) throw new Error(`${relative(ROOT, file)} is imported but does not exist`);
    const text = readFileSync(file, "utf8");
    const specs = [...text.matchAll(/(?:^|[;\s])(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|^import\s*["']([^"']+)["']/gm)]
      .map((m) => m[1] ?? m[2] ?? m[3]);
    for (const spec of specs) {
      if (!spec.startsWith(".")) throw new Error(`${relative(ROOT, file)} imports ${JSON.stringify(spec)}: a browser cannot resolve a bare specifier`);
      const target = resolve(dirname(file), spec);
      if (!target.startsWith(dist)) throw new Error(`${relative(ROOT, file)} imports ${spec}, outside dist/`);
      todo.push(target);
    }
  }
  return seen;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const files = await buildPage();
    console.log(`page built: ${files.map((f) => relative(ROOT, f)).join(", ")} (serve the package root: npm run serve, then open /dist/page/)`);
  } catch (e) {
    console.error(`build-page: ${e.message}`);
    process.exit(1);
  }
}
