// The runtime matrix: the built package, imported through its `exports` map, runs one kernel chain
// (test/runtime/chain.js) with the SIMD build and with forced scalar in Node, Deno, Bun, headless
// Chromium and workerd; every runtime must print Node's digest for each backend. Launchers:
// test/runtime/harness.ts.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS } from "./runtime/chain.js";
import {
  CONDITIONS,
  ROOT,
  checkBuilt,
  fetchJson,
  killAll,
  launchChromium,
  makeSandbox,
  resolveExport,
  runBun,
  runDeno,
  runNode,
  serveBrowser,
  startWorkerd,
  staticImports,
  version,
  type Browser,
  type ChainResult,
  type RuntimeReport,
  type Sandbox,
  type StaticServer,
  type Workerd,
} from "./runtime/harness.js";

let sandbox: Sandbox;
let node: RuntimeReport; // the reference
const reports: RuntimeReport[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
const started = performance.now();

beforeAll(() => {
  checkBuilt();
  sandbox = makeSandbox();
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  killAll();
  sandbox?.dispose();
  if (reports.length) {
    const lines = reports.flatMap((r) => r.results.map((x) => `  ${r.runtime.padEnd(34)} ${x.asked.padEnd(7)} ${x.digest ?? x.error?.split("\n")[0]}`));
    console.log(`runtime matrix (${((performance.now() - started) / 1000).toFixed(1)} s), kernels: ${node?.results[0]?.kernels?.join(", ") || "none"}\n${lines.join("\n")}`);
  }
});

/** Every backend ran, reported the backend asked for, and matched Node's digest for it. */
function expectLikeNode(report: RuntimeReport, file: string) {
  reports.push(report);
  if (report !== node && node === undefined) throw new Error("no Node reference to compare with: see the Node test's failure");
  expect(report.entry, `${report.runtime} imported ${report.entry}`).toMatch(new RegExp(`${file.replace(/^\.\//, "/").replace(/\./g, "\\.")}$`));
  expect(report.results.map((r) => r.asked)).toEqual(BACKENDS);
  for (const [i, r] of report.results.entries()) {
    expect(r.error, `${report.runtime}, ${r.asked}: ${r.error}`).toBeUndefined();
    expect(r.init, `${report.runtime}: init({ backend: "${r.asked}" }) returned`).toBe(r.asked);
    expect(r.backend, `${report.runtime}: backend() after init({ backend: "${r.asked}" })`).toBe(r.asked);
    if (report !== node) {
      const ref: ChainResult = node.results[i];
      expect({ ...r, init: undefined }, `${report.runtime}, ${r.asked} vs ${node.runtime}`).toEqual({ ...ref, init: undefined });
    }
  }
}

describe("runtime matrix: the built package through its exports map", () => {
  it("digest() is FNV-1a 64 (the matrix compares its output)", async () => {
    const built = await import("../dist/index.js");
    expect(built.digest(new Uint8Array(0))).toBe("cbf29ce484222325");
    expect(built.digest(new Uint8Array([97]))).toBe("af63dc4c8601ec8c");
    expect(built.digest(new TextEncoder().encode("foobar"))).toBe("85944171f73967e8");
  });

  it("each runtime's conditions select its own entry (the order of keys in `exports` decides)", () => {
    const targets = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).exports["."];
    for (const runtime of Object.keys(CONDITIONS) as (keyof typeof CONDITIONS)[]) {
      expect(resolveExport([...CONDITIONS[runtime]]), `${runtime} resolves with ${CONDITIONS[runtime].join(", ")}`).toBe(targets[runtime]);
    }
  });

  it(`Node ${process.version} (reference)`, async () => {
    node = await runNode(sandbox);
    expectLikeNode(node, resolveExport([...CONDITIONS.node]));
    const [simd, scalar] = node.results;
    // Every intermediate result is digested, and they differ (a constant digest would prove nothing).
    expect(new Set(Object.values(simd.steps!)).size).toBe(Object.keys(simd.steps!).length);
    expect(simd.digest).toMatch(/^[0-9a-f]{16}$/);
    expect(scalar.kernels).toEqual(simd.kernels);
  });

  it("the SIMD and scalar builds agree to the bit on every step (accumulation order is semantics)", () => {
    if (node === undefined) throw new Error("no Node reference: see the Node test's failure");
    const [simd, scalar] = node.results;
    const differ = Object.keys(simd.steps!).filter((step) => simd.steps![step] !== scalar.steps![step]);
    expect(differ, `steps whose simd and scalar results differ: ${differ.join(", ")}`).toEqual([]);
  });

  it("Deno", async () => {
    expectLikeNode(await runDeno(sandbox), resolveExport([...CONDITIONS.deno]));
  });

  it("Bun", async () => {
    expectLikeNode(await runBun(sandbox), resolveExport([...CONDITIONS.bun]));
  });

  describe("headless Chromium (playwright-core, import map from the browser condition)", () => {
    let server: StaticServer;
    let browser: Browser;
    beforeAll(async () => {
      server = await serveBrowser(sandbox);
      cleanups.push(() => server.close());
      browser = await launchChromium();
      cleanups.push(() => browser.close());
    });

    it("runs the chain", async () => {
      expectLikeNode(await browser.run(server.url, server.requests), resolveExport([...CONDITIONS.browser]));
    });
  });

  describe("workerd (generated capnp config, wasm as static `wasm` modules)", () => {
    let wd: Workerd;
    let workerdVersion = "workerd";
    beforeAll(async () => {
      workerdVersion = version("workerd");
      wd = await startWorkerd(sandbox);
      cleanups.push(() => wd.close());
    });

    it("forbids making a module from bytes (so the static import is what is tested)", async () => {
      const got = await fetchJson<Record<string, string>>(wd, `${wd.urls.workerd}/from-bytes`);
      expect(Object.keys(got)).toHaveLength(4);
      for (const [how, message] of Object.entries(got)) expect(message, how).toMatch(/code generation disallowed by embedder/i);
    });

    it("runs the chain", async () => {
      const got = await fetchJson<Omit<RuntimeReport, "runtime">>(wd, `${wd.urls.workerd}/matrix`);
      expectLikeNode({ runtime: workerdVersion, ...got }, resolveExport([...CONDITIONS.workerd]));
    });

    // Vercel Edge cannot be run here. Its entry is checked to parse, to import only files that exist,
    // and run under workerd (the same no-code-generation rule) with its `?module` imports provided
    // as WebAssembly.Modules, the way Vercel's bundler provides them.
    it("edge-light entry: parses, its imports exist, and it runs under workerd with `?module` modules", async () => {
      const file = join(ROOT, resolveExport([...CONDITIONS["edge-light"]]));
      execFileSync(process.execPath, ["--check", file]); // throws with node's message on a syntax error
      const imports = staticImports(readFileSync(file, "utf8"));
      expect(imports.filter((s) => s.endsWith("?module")).length).toBe(2);
      for (const spec of imports) {
        expect(() => readFileSync(new URL(spec.replace(/\?module$/, ""), `file://${file}`)), spec).not.toThrow();
      }
      const got = await fetchJson<Omit<RuntimeReport, "runtime">>(wd, `${wd.urls.edge}/matrix`);
      expectLikeNode({ runtime: `edge-light on ${workerdVersion}`, ...got }, resolveExport([...CONDITIONS["edge-light"]]));
    });
  });
});
