// Launchers for the runtime matrix (test/runtime.test.ts). Each one imports the package *through
// its exports map* from a scratch directory whose node_modules/tegum is a symlink to this repo, runs
// test/runtime/chain.js for both backends and hands back what the runtime printed.
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { CHROMIUM, CHROMIUM_ARGS } from "../chromium.js";
import { binary } from "./bins.mjs";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const HERE = fileURLToPath(new URL(".", import.meta.url));
/** Per-runtime limit; a healthy run takes well under a second (Chromium ≈ 1–2 s). */
export const TIMEOUT_MS = 30_000;

export interface ChainResult {
  asked: string;
  init?: string;
  backend?: string | null;
  digest?: string;
  kernels?: string[];
  steps?: Record<string, string>;
  error?: string;
}
export interface RuntimeReport {
  runtime: string;
  /** The file `tegum` resolved to, as the runtime itself reports it (or as the launcher resolved it). */
  entry: string | null;
  results: ChainResult[];
}

// ---------------------------------------------------------------------------------------------
// exports map

type Exports = string | { [condition: string]: Exports } | null;

/**
 * Resolves `exports["."]` for a set of conditions the way Node's algorithm does: the first key,
 * in object order, that is in the set (recursively). Returns the target, e.g. "./dist/entry/node.js".
 */
export function resolveExport(conditions: string[], subpath = "."): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  const walk = (target: Exports): string | null => {
    if (typeof target === "string") return target;
    if (target === null || Array.isArray(target)) return null;
    for (const [key, value] of Object.entries(target)) {
      if (conditions.includes(key)) {
        const hit = walk(value);
        if (hit !== null) return hit;
      }
    }
    return null;
  };
  const hit = walk(pkg.exports?.[subpath] ?? null);
  if (hit === null) throw new Error(`package.json exports["${subpath}"] has no target for conditions ${conditions.join(", ")}`);
  return hit;
}

/**
 * The conditions each runtime resolves with. workerd: as wrangler bundles for it (workerd, worker,
 * browser); edge-light: as Next.js builds for Vercel Edge (`edgeConditionNames` = edge-light, worker,
 * then webpack's defaults) — so `edge-light` must come before `worker` in package.json.
 */
export const CONDITIONS = {
  node: ["node", "import", "default"],
  deno: ["deno", "node", "import", "default"],
  bun: ["bun", "node", "import", "default"],
  browser: ["browser", "import", "default"],
  workerd: ["workerd", "worker", "browser", "import", "default"],
  "edge-light": ["edge-light", "worker", "browser", "import", "default"],
} as const;

// ---------------------------------------------------------------------------------------------
// processes

const live = new Set<ChildProcess>();
// Should the test process end without afterAll (a crash, a kill), take the runtimes with it.
process.once("exit", () => killAll());

/** Kills every process a launcher started and that is still running. */
export function killAll(): void {
  for (const child of live) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  live.clear();
}

function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", ...extra };
  delete env.NODE_OPTIONS; // vitest's or the caller's; not for the runtimes under test
  delete env.FORCE_COLOR;
  return env;
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (or kills it after `TIMEOUT_MS`). */
function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    live.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => (stdout += d));
    child.stderr!.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      stderr += `\n[harness] killed after ${TIMEOUT_MS} ms`;
      child.kill("SIGKILL");
    }, TIMEOUT_MS);
    child.on("error", (e) => {
      clearTimeout(timer);
      live.delete(child);
      fail(new Error(`could not start ${cmd}: ${e.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      done({ code, signal, stdout, stderr });
    });
  });
}

const MARK = "TEGUM_RESULT ";

/** The report line a runner printed, or an error carrying everything the runtime said. */
function parseReport(runtime: string, cmd: string, r: Run): RuntimeReport {
  const line = r.stdout.split("\n").find((l) => l.startsWith(MARK));
  if (r.code !== 0 || line === undefined) {
    throw new Error(
      `${runtime} failed (${cmd}; exit code ${r.code}${r.signal ? `, signal ${r.signal}` : ""})\n` +
        `--- stderr ---\n${r.stderr.trim()}\n--- stdout ---\n${r.stdout.trim()}`,
    );
  }
  return { runtime, ...JSON.parse(line.slice(MARK.length)) }; // the runner's own runtime/version wins
}

// ---------------------------------------------------------------------------------------------
// the scratch directory

export interface Sandbox {
  dir: string;
  dispose(): void;
}

/** Checks the build exists: the matrix runs the built package, as a user would get it. */
export function checkBuilt(): void {
  const missing = ["dist/entry/node.js", "dist/index.js", "build/tegum.simd.wasm", "build/tegum.scalar.wasm"].filter(
    (f) => !existsSync(join(ROOT, f)),
  );
  if (missing.length) throw new Error(`missing ${missing.join(", ")}: run \`npm run build\` (\`npm test\` does it first)`);
}

// The script Node, Deno and Bun run: a bare `tegum` import, resolved by each runtime's own condition.
const RUNNER = `import * as tegum from "tegum";
import { matrix } from "./chain.js";
const entry = typeof import.meta.resolve === "function" ? import.meta.resolve("tegum") : null;
const runtime = globalThis.Deno ? "deno " + Deno.version.deno : globalThis.Bun ? "bun " + Bun.version : "node " + process.version;
const results = await matrix(tegum);
console.log(${JSON.stringify(MARK)} + JSON.stringify({ runtime, entry, results }));
`;

export function makeSandbox(): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), "tegum-runtime-"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(ROOT, join(dir, "node_modules", "tegum"), "dir");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "tegum-runtime-matrix", private: true, type: "module" }));
  // Deno 2: resolve bare specifiers from the existing node_modules (no npm registry, no install).
  writeFileSync(join(dir, "deno.json"), JSON.stringify({ nodeModulesDir: "manual" }));
  copyFileSync(join(HERE, "chain.js"), join(dir, "chain.js"));
  writeFileSync(join(dir, "run.mjs"), RUNNER);
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

// ---------------------------------------------------------------------------------------------
// Node, Deno, Bun

export async function runNode(sb: Sandbox): Promise<RuntimeReport> {
  const r = await run(process.execPath, ["run.mjs"], sb.dir, childEnv());
  return parseReport("node", "node run.mjs", r);
}

export async function runDeno(sb: Sandbox): Promise<RuntimeReport> {
    // Read access to the scratch dir and the package only; no network, no lockfile, no prompt.
  const args = ["run", "--no-prompt", "--no-remote", "--no-lock", `--allow-read=${sb.dir},${ROOT}`, "run.mjs"];
  const env = childEnv({ DENO_DIR: join(sb.dir, ".deno"), DENO_NO_UPDATE_CHECK: "1", DENO_NO_PROMPT: "1" });
  const r = await run(binary("deno").path, args, sb.dir, env);
  return parseReport("deno", `deno ${args.join(" ")}`, r);
}

export async function runBun(sb: Sandbox): Promise<RuntimeReport> {
  // --no-install: never auto-install from the registry; `tegum` must come from node_modules.
  const args = ["--no-install", "run.mjs"];
  const env = childEnv({ DO_NOT_TRACK: "1", BUN_RUNTIME_TRANSPILER_CACHE_PATH: "0" });
  const r = await run(binary("bun").path, args, sb.dir, env);
  return parseReport("bun", `bun ${args.join(" ")}`, r);
}

/** `<binary> --version`, first line, for the report. */
export function version(name: "deno" | "bun" | "workerd"): string {
  return binary(name).version;
}

// ---------------------------------------------------------------------------------------------
// Chromium: a static server on 127.0.0.1 and an import map built from the `browser` condition

const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
};

export interface StaticServer {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

/** Serves `/` (the page), `/chain.js`, and the package under `/node_modules/tegum/` (dist/, build/ only). */
export async function serveBrowser(sb: Sandbox): Promise<StaticServer> {
  const target = resolveExport([...CONDITIONS.browser]);
  const importMap = { imports: { tegum: new URL(target, "http://x/node_modules/tegum/").pathname } };
  const page = `<!doctype html>
<meta charset="utf-8">
<title>tegum runtime matrix</title>
<script type="importmap">${JSON.stringify(importMap)}</script>
<script type="module">
try {
  const tegum = await import("tegum");
  const { matrix } = await import("/chain.js");
  window.__tegum = { entry: import.meta.resolve("tegum"), results: await matrix(tegum) };
} catch (e) {
  window.__tegum = { error: String((e && e.stack) || e) };
}
</script>
`;
  const pkgRoot = resolve(ROOT);
  const allowed = ["dist", "build"].map((d) => join(pkgRoot, d) + sep);
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    let body: string | Buffer | null = null;
    let type = "text/plain";
    if (path === "/") [body, type] = [page, MIME[".html"]];
    else if (path === "/chain.js") [body, type] = [readFileSync(join(sb.dir, "chain.js")), MIME[".js"]];
    else if (path.startsWith("/node_modules/tegum/")) {
      const file = resolve(pkgRoot, "." + path.slice("/node_modules/tegum".length));
      if (allowed.some((a) => file.startsWith(a)) && existsSync(file)) [body, type] = [readFileSync(file), MIME[extname(file)] ?? "application/octet-stream"];
    }
    requests.push(`${req.method} ${path} ${body === null ? 404 : 200}`);
    res.writeHead(body === null ? 404 : 200, { "content-type": type, "cache-control": "no-store" });
    res.end(body ?? "not found");
  });
  await new Promise<void>((ok, fail) => server.once("error", fail).listen(0, "127.0.0.1", () => ok()));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

export interface Browser {
  run(url: string, requests: string[]): Promise<RuntimeReport>;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium)`);
  const { chromium } = await import("playwright-core");
  const profile = mkdtempSync(join(tmpdir(), "tegum-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: TIMEOUT_MS,
  });
  return {
    async run(url, requests) {
      const page = await context.newPage();
      const log: string[] = [];
      page.on("console", (m) => log.push(`console.${m.type()}: ${m.text()}`));
      page.on("pageerror", (e) => log.push(`pageerror: ${e.message}`));
      page.on("requestfailed", (r) => log.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`));
      try {
        await page.goto(url, { timeout: TIMEOUT_MS });
        await page.waitForFunction(() => "__tegum" in window, undefined, { timeout: TIMEOUT_MS });
        const got = (await page.evaluate(() => (window as unknown as { __tegum: unknown }).__tegum)) as
          | { error: string }
          | { entry: string; results: ChainResult[] };
        if ("error" in got) throw new Error(got.error);
        const cdp = await context.newCDPSession(page);
        const { product } = (await cdp.send("Browser.getVersion")) as { product: string }; // "HeadlessChrome/156.0.…"
        await cdp.detach();
        return { runtime: `chromium ${product.split("/")[1] ?? product}`, ...got };
      } catch (e) {
        throw new Error(
          `chromium failed: ${(e as Error).message}\n--- page log ---\n${log.join("\n")}\n--- requests ---\n${requests.join("\n")}`,
        );
      } finally {
        await page.close();
      }
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// workerd: a generated capnp config, modules named as the `workerd` condition resolves them

const WORKER = `import * as tegum from "tegum";
import { matrix } from "./chain.js";
import scalarBytes from "./bytes/tegum.scalar.wasm";

// Each of the ways of making a module from bytes, which workerd must refuse.
async function fromBytes() {
  const bytes = new Uint8Array(scalarBytes);
  const tries = {
    "WebAssembly.compile(bytes)": () => WebAssembly.compile(bytes),
    "new WebAssembly.Module(bytes)": () => new WebAssembly.Module(bytes),
    "WebAssembly.instantiate(bytes)": () => WebAssembly.instantiate(bytes, {}),
    "tegum.init(bytes)": () => tegum.init(bytes, { backend: "scalar" }),
  };
  const out = {};
  for (const [name, f] of Object.entries(tries)) {
    try {
      await f();
      out[name] = "allowed";
    } catch (e) {
      out[name] = String((e && e.message) || e);
    }
  }
  return out;
}

export default {
  async fetch(request) {
    const { pathname } = new URL(request.url);
    try {
      if (pathname === "/from-bytes") return Response.json(await fromBytes());
      if (pathname === "/validate") return Response.json({ simd: tegum.simdSupported() });
      if (pathname === "/matrix") return Response.json({ entry: ENTRY, results: await matrix(tegum) });
      return new Response("not found", { status: 404 });
    } catch (e) {
      return new Response(String((e && e.stack) || e), { status: 500 });
    }
  },
};
`;

/** A capnp string literal. */
const capnp = (s: string) => JSON.stringify(s);

/** Relative specifiers a built ES module imports or re-exports (tsc output: one per line). */
export function staticImports(source: string): string[] {
  return [...source.matchAll(/^\s*(?:import|export)\b[^;'"]*?(?:\bfrom\s*)?["'](\.{1,2}\/[^"']+)["']/gm)].map((m) => m[1]);
}

/**
 * One worker's modules, the way a bundler following the exports map would see them: its script,
 * chain.js, an alias module `tegum` re-exporting the entry the conditions resolve to, and every file
 * reachable from that entry by static imports — JS as ES modules, `.wasm` (with any `?module`
 * suffix kept in the name) as `wasm` modules, i.e. a WebAssembly.Module, as wrangler and Vercel
 * provide them. Names are `node_modules/tegum/<path>`, so relative imports resolve as on disk.
 */
function workerModules(conditions: readonly string[]): { entry: string; modules: string[] } {
  const target = resolveExport([...conditions]).replace(/^\.\//, "");
  const entry = `node_modules/tegum/${target}`;
  const modules = [
    `(name = "worker.js", esModule = ${capnp(`const ENTRY = ${JSON.stringify(entry)};\n${WORKER}`)})`,
    `(name = "chain.js", esModule = embed "chain.js")`,
    `(name = "tegum", esModule = ${capnp(`export * from "./${entry}";\n`)})`,
    `(name = "bytes/tegum.scalar.wasm", data = embed "node_modules/tegum/build/tegum.scalar.wasm")`,
  ];
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const path = name.replace(/\?.*$/, "");
    const file = join(ROOT, path.slice("node_modules/tegum/".length));
    if (!existsSync(file)) throw new Error(`${name}, imported by the ${conditions[0]} entry, does not exist (is the package built?)`);
    if (path.endsWith(".wasm")) {
      modules.push(`(name = ${capnp(name)}, wasm = embed ${capnp(path)})`);
      return;
    }
    modules.push(`(name = ${capnp(name)}, esModule = embed ${capnp(path)})`);
    for (const spec of staticImports(readFileSync(file, "utf8"))) {
      visit(new URL(spec, `file:///${name}`).href.slice("file:///".length));
    }
  };
  visit(entry);
  return { entry, modules };
}

export interface Workerd {
  /** Base URLs per socket: `workerd` (the workerd entry) and `edge` (the edge-light entry). */
  urls: { workerd: string; edge: string };
  entries: { workerd: string; edge: string };
  stderr(): string;
  close(): Promise<void>;
}

/**
 * Starts workerd with two workers: `workerd` imports the package by the `workerd` condition;
 * `edge` imports the `edge-light` entry with its `?module` wasm imports named as such — workerd
 * standing in for Vercel Edge (same rule: no code generation from bytes), not Vercel itself.
 * Sockets bind port 0; workerd reports the ports on a control fd.
 */
export async function startWorkerd(sb: Sandbox): Promise<Workerd> {
  const main = workerModules(CONDITIONS.workerd);
  const edge = workerModules(CONDITIONS["edge-light"]);
  const config = `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "workerd", worker = .workerdWorker),
    (name = "edge", worker = .edgeWorker),
  ],
  sockets = [
    (name = "workerd", address = "127.0.0.1:0", http = (), service = "workerd"),
    (name = "edge", address = "127.0.0.1:0", http = (), service = "edge"),
  ],
);

const workerdWorker :Workerd.Worker = (
  compatibilityDate = "2025-09-01",
  modules = [
    ${main.modules.join(",\n    ")}
  ],
);

const edgeWorker :Workerd.Worker = (
  compatibilityDate = "2025-09-01",
  modules = [
    ${edge.modules.join(",\n    ")}
  ],
);
`;
  writeFileSync(join(sb.dir, "config.capnp"), config);
  const child = spawn(binary("workerd").path, ["serve", "config.capnp", "--control-fd", "3"], {
    cwd: sb.dir,
    env: childEnv(),
    stdio: ["ignore", "pipe", "pipe", "pipe"],
  });
  live.add(child);
  let stderr = "";
  let stdout = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => (stderr += d));
  const ports: Record<string, number> = {};
  const fail = (why: string) =>
    new Error(`workerd ${why}\n--- stderr ---\n${stderr.trim()}\n--- stdout ---\n${stdout.trim()}\n--- config: ${join(sb.dir, "config.capnp")}`);
  await new Promise<void>((ok, no) => {
    let control = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      no(fail(`did not report listening within ${TIMEOUT_MS} ms`));
    }, TIMEOUT_MS);
    (child.stdio[3] as NodeJS.ReadableStream).on("data", (d) => {
      control += d;
      for (const line of control.split("\n")) {
        try {
          const msg = JSON.parse(line);
          if (msg.event === "listen") ports[msg.socket] = msg.port;
        } catch {
          /* partial line */
        }
      }
      if (ports.workerd && ports.edge) {
        clearTimeout(timer);
        ok();
      }
    });
    child.on("error", (e) => {
      clearTimeout(timer);
      no(fail(`could not start: ${e.message}`));
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      no(fail(`exited before listening (code ${code}, signal ${signal})`));
    });
  });
  return {
    urls: { workerd: `http://127.0.0.1:${ports.workerd}`, edge: `http://127.0.0.1:${ports.edge}` },
    entries: { workerd: main.entry, edge: edge.entry },
    stderr: () => stderr,
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((ok) => child.once("exit", ok));
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 2000);
        await exited;
        clearTimeout(timer);
      }
      live.delete(child);
    },
  };
}

/** GETs a workerd route as JSON, failing with workerd's stderr. */
export async function fetchJson<T>(wd: Workerd, url: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (e) {
    throw new Error(`fetch ${url} failed: ${(e as Error).message}\n--- workerd stderr ---\n${wd.stderr().trim()}`);
  }
  const text = await response.text();
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}\n${text}\n--- workerd stderr ---\n${wd.stderr().trim()}`);
  return JSON.parse(text) as T;
}
