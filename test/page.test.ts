// The explorable page (src/page/): its settings/URL codec and CLI mapping, the static server, and the
// page itself in headless Debian Chromium driven by playwright-core — the intro sweep trains (its time
// is logged, not asserted), n = 5, m = 2, p = 0.05 forms a pentagon with the same weights digest as
// training in Node, pause/resume is bit-exact, a slider moved mid-run restarts cleanly, a shared link
// reproduces the run, and no console errors. Screenshot: test/artifacts/page.png.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type Page } from "playwright-core";
import { CHROMIUM, launch, watch } from "./chromium.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { digest, sweeps, train } from "../src/index.js";
import {
  DEFAULTS, P_STOPS, cliCommand, clampSettings, fromQuery, instanceP, nearestStop, parseSets, toConfig, toQuery, type Settings,
} from "../src/page/state.js";
import { normalizeConfig } from "../src/train-config.js";
import { use } from "./backends.js";
// Plain-JS build scripts (no types needed: vitest runs them as they are).
// @ts-expect-error -- JS module without declarations
import { buildPage } from "../scripts/build-page.js";
// @ts-expect-error -- JS module without declarations
import { startServer } from "../scripts/serve.js";

const ARTIFACTS = new URL("./artifacts/", import.meta.url);

describe("page settings", () => {
  it("round-trips through the URL and defaults to the intro sweep", () => {
    const s: Settings = { ...DEFAULTS, n: 7, m: 3, instances: 1, p: 0.03, decay: 0.8, correlated: "0:1,2:3", anticorrelated: "4:5", seed: 12, seeds: 3, steps: 2500, view: 0, model: "linear" };
    expect(fromQuery(toQuery(s))).toEqual({ settings: s, ignored: [] });
    expect(toQuery(s)).toContain("corr=0:1,2:3");
    expect(fromQuery("").settings).toEqual(DEFAULTS);
    const intro = toConfig(DEFAULTS);
    expect(intro.error).toBeNull();
    const cfg = normalizeConfig(intro.config!);
    expect(cfg.instances).toBe(10);
    expect(cfg.p.map((r) => r[0])).toEqual(Array.from(sweeps.falloff(10, 20)));
    expect(cfg.importance[0]).toEqual(Array.from(sweeps.geometric(5, 0.9)));
  });

  it("falls back on bad link values and names them", () => {
    const { settings, ignored } = fromQuery("n=abc&m=99&p=5&model=quadratic&corr=0-1&I=3");
    expect(settings.n).toBe(DEFAULTS.n);
    expect(settings.m).toBe(settings.n); // clamped to m ≤ n
    expect(settings.p).toBe(1);
    expect(settings.model).toBe("relu-output");
    expect(settings.correlated).toBe("");
    expect(settings.view).toBe(2);
    expect(ignored).toEqual(expect.arrayContaining(["n", "model", "corr", "m (out of range)", "p (out of range)"]));
    expect(clampSettings({ ...DEFAULTS, view: 40 }).view).toBe(9);
  });

  it("parses correlated sets with clear errors", () => {
    expect(parseSets(" 0:1, 2:3:4 ", 5)).toEqual({ sets: [[0, 1], [2, 3, 4]], error: null });
    expect(parseSets("0:5", 5).error).toMatch(/feature 5 does not exist/);
    expect(parseSets("0", 5).error).toMatch(/not a set/);
    expect(parseSets("1:1", 5).error).toMatch(/repeats/);
  });

  it("prints the equivalent tegum train command", () => {
    expect(cliCommand(DEFAULTS)).toBe("tegum train --features 5 --hidden 2 --instances 10 --p-falloff 20 --importance 0.9 --steps 10000 --seed 3 --out model.safetensors");
    expect(cliCommand({ ...DEFAULTS, instances: 1, seed: 0, seeds: 4, model: "abs", correlated: "0:1, 2:3", decay: 1 }))
      .toBe("tegum train --features 5 --hidden 2 --model abs --instances 1 --p 0.05 --correlated 0:1,2:3 --steps 10000 --seed 0 --seeds 4 --out model.safetensors");
    // Numbers read back as the same doubles (the CLI parses them with Number).
    for (const p of [...P_STOPS, 0.123456789, 1 / 3]) {
      const c = cliCommand({ ...DEFAULTS, p });
      expect(Number(c.match(/--p-falloff (\S+)/)![1])).toBe(1 / p);
    }
    expect(instanceP({ ...DEFAULTS, instances: 1 })).toEqual([0.05]);
    expect(P_STOPS[nearestStop(0.05)]).toBe(0.05);
    expect(P_STOPS[0]).toBe(1);
    expect(P_STOPS[P_STOPS.length - 1]).toBe(0.001);
  });
});

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Runs the page's `tegum train …` command (bin/tegum.js, built) into a temporary .json; digest(W, b) of every instance. */
async function cliDigest(command: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "tegum-page-"));
  try {
    const args = command.trim().split(/\s+/).slice(2).map((a) => (a === "model.safetensors" ? join(dir, "model.json") : a));
    await new Promise<void>((done, fail) =>
      execFile(process.execPath, [join(ROOT, "bin", "tegum.js"), "train", ...args, "--no-bundles", "--progress", "never"], { cwd: dir, timeout: 60_000 }, (err, _out, stderr) =>
        err ? fail(new Error(`${command}: ${err.message}\n${stderr}`)) : done()),
    );
    const file = JSON.parse(readFileSync(join(dir, "model.json"), "utf8")) as { W: { shape: number[]; data: number[] }; b: { shape: number[]; data: number[] } };
    const [I, m, n] = file.W.shape;
    const parts: Float32Array[] = [];
    for (let i = 0; i < I; i++) parts.push(Float32Array.from(file.W.data.slice(i * m * n, (i + 1) * m * n)), Float32Array.from(file.b.data.slice(i * n, (i + 1) * n)));
    return digest(...parts);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const get = (url: string, path: string) =>
  new Promise<{ status: number; type: string | undefined; location: string | undefined }>((done, fail) => {
    const u = new URL(url);
    const req = request({ host: u.hostname, port: u.port, path, method: "GET" }, (res) => {
      res.resume();
      res.on("end", () => done({ status: res.statusCode ?? 0, type: res.headers["content-type"], location: res.headers.location }));
    });
    req.on("error", fail);
    req.end();
  });

describe.skipIf(!existsSync(CHROMIUM))("page in Chromium", () => {
  let server: { url: string; close(): Promise<void> };
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  /** digest(W, b) of n = 5, m = 2, p = 0.05, importance 0.9^i, 10k steps, seed 0 — trained in Node (once, when first needed). */
  let pentagon: Promise<string> | null = null;
  const nodeDigest = () =>
    (pentagon ??= (async () => {
      await use("simd");
      const r = await train({ n: 5, m: 2, p: 0.05, importance: sweeps.geometric(5, 0.9), steps: 10_000, seed: 0 }, { workers: 0 });
      return digest(...r.instances.flatMap((x) => [x.W, x.b]));
    })());

  beforeAll(async () => {
    await buildPage();
    server = await startServer({ port: 0 });
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    watch(page, problems);
    // Main-thread tasks over 50 ms (the page must stay responsive while the worker trains).
    await page.addInitScript(() => {
      const w = window as unknown as { longTasks: number[] };
      w.longTasks = [];
      new PerformanceObserver((list) => list.getEntries().forEach((e) => w.longTasks.push(e.duration))).observe({ type: "longtask", buffered: true });
    });
    page.on("requestfailed", (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  type Run = { runId: number; status: string; wallMs: number | null; trainMs: number | null; step: number; digest: string | null; settings: Settings };
  const runs = () => page.evaluate(() => (window as unknown as { tegumPage: { runs: Run[] } }).tegumPage.runs);
  /** Waits for the run with this id to finish (done); returns its record. */
  async function finished(runId: number, timeout = 60_000): Promise<Run> {
    await page.waitForFunction((id) => {
      const r = (window as unknown as { tegumPage: { runs: Run[] } }).tegumPage.runs.find((x) => x.runId === id);
      return r && (r.status === "done" || r.status === "error");
    }, runId, { timeout, polling: 50 });
    const r = (await runs()).find((x) => x.runId === runId)!;
    expect(r.status, JSON.stringify(problems)).toBe("done");
    return r;
  }
  /** Resolves after the page has drawn its latest state (views are drawn on the next animation frame). */
  const drawn = (p: Page) => p.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const lastRunId = async () => (await runs()).at(-1)?.runId ?? 0;

  it("serves with the right MIME types, refuses escapes and hidden files", async () => {
    expect((await get(server.url, "/build/tegum.simd.wasm")).type).toBe("application/wasm");
    expect((await get(server.url, "/dist/page/app.js")).type).toMatch(/^text\/javascript/);
    expect((await get(server.url, "/dist/page/")).type).toMatch(/^text\/html/);
    expect((await get(server.url, "/")).location).toBe("/dist/page/");
    expect((await get(server.url, "/..%2f..%2f..%2f..%2fetc/passwd")).status).toBe(403);
    expect((await get(server.url, "/.git/config")).status).toBe(404);
    expect((await get(server.url, "/nope.js")).status).toBe(404);
  });

  it("trains the intro sweep on load (n=5, m=2, 10 instances, 10k steps) and keeps a screenshot", async () => {
    await page.goto(`${server.url}dist/page/`);
    await page.waitForFunction(() => (window as unknown as { tegumPage?: unknown }).tegumPage !== undefined);
    const r = await finished(1, 90_000);
    expect(r.settings).toMatchObject({ n: 5, m: 2, instances: 10, p: 0.05, steps: 10_000, seed: 3 });
    await drawn(page);
    const backend = await page.evaluate(() => (window as unknown as { tegumPage: { backend: string } }).tegumPage.backend);
    const long = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
    console.log(`[page] intro sweep (n=5, m=2, 10 instances, 10k steps, ${backend}) in Chromium: ${Math.round(r.trainMs!)} ms training in the worker, ${Math.round(r.wallMs!)} ms from Run to the last view (${Math.round(10_000 / (r.trainMs! / 1000))} steps/s); main thread: ${long.length} tasks over 50 ms, longest ${Math.round(Math.max(0, ...long))} ms`);
    // Every view drawn.
    for (const id of ["geometry", "gram", "norms", "dims", "loss", "structure", "summary", "strip"]) {
      expect(await page.locator(`#${id} svg, #${id} table, #${id} p`).count(), id).toBeGreaterThan(0);
    }
    expect(await page.locator("#strip .strip-item").count()).toBe(10);
    expect(await page.locator("#digest").textContent()).toBe(r.digest);
    // The same weights as training the same configuration in Node.
    await use("simd");
    const intro = await train({ n: 5, m: 2, instances: 10, p: sweeps.falloff(10, 20), importance: sweeps.geometric(5, 0.9), steps: 10_000, seed: 3 }, { workers: 0 });
    expect(r.digest).toBe(digest(...intro.instances.flatMap((x) => [x.W, x.b])));
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: new URL("page.png", ARTIFACTS).pathname, fullPage: true });
  }, 120_000);

  it("n=5, m=2, p=0.05 forms a pentagon with the digest of the same training in Node", async () => {
    const before = await lastRunId();
    await page.fill("#n", "5");
    await page.fill("#m", "2");
    await page.fill("#instances", "1");
    await page.fill("#p", "0.05");
    await page.fill("#seed", "0");
    await page.click("#run");
    // (Moving between fields may already have retrained once: the Run click is the last run.)
    const id = await lastRunId();
    expect(id).toBeGreaterThan(before);
    const r = await finished(id);
    expect(r.settings).toMatchObject({ n: 5, m: 2, instances: 1, p: 0.05, decay: 0.9, seed: 0, steps: 10_000 });
    const data = await page.evaluate(() => {
      const t = (window as unknown as { tegumPage: { metrics: { dimensionality: Float64Array; polytopes: { name: string; features: number[] }[] }[]; result: { step: number; final: boolean } } }).tegumPage;
      return { D: Array.from(t.metrics[0].dimensionality), polytopes: t.metrics[0].polytopes, step: t.result.step, final: t.result.final };
    });
    expect(data.final).toBe(true);
    expect(data.step).toBe(10_000);
    expect(data.D).toHaveLength(5);
    for (const d of data.D) {
      expect(d).toBeGreaterThanOrEqual(0.38);
      expect(d).toBeLessThanOrEqual(0.42);
    }
    expect(data.polytopes.map((p) => p.features)).toEqual([[0, 1, 2, 3, 4]]);
    expect(r.digest).toBe(await nodeDigest());
    // The command the page shows trains the same weights with the CLI.
    await drawn(page);
    const command = (await page.textContent("#command"))!;
    expect(command).toContain("--p 0.05");
    expect(await cliDigest(command)).toBe(r.digest);
    expect(page.url()).toMatch(/[?&]I=1(&|$)/);
    expect(page.url()).toMatch(/[?&]p=0\.05(&|$)/);
  }, 90_000);

  it("pause and resume continue bit-exactly (the same digest)", async () => {
    const before = await lastRunId();
    // Press Pause the moment it is enabled (training is too fast to catch by a second click from here):
    // the worker finishes its current chunk and hands back the serialised state.
    await page.evaluate(() => {
      const pause = document.getElementById("pause") as HTMLButtonElement;
      const watch = new MutationObserver(() => {
        if (!pause.disabled) {
          watch.disconnect();
          pause.click();
        }
      });
      watch.observe(pause, { attributes: true, attributeFilter: ["disabled"] });
    });
    await page.click("#run");
    await page.waitForFunction(() => (window as unknown as { tegumPage: { status: string } }).tegumPage.status === "paused");
    await drawn(page);
    const paused = (await runs()).find((x) => x.runId === before + 1)!;
    expect(paused.step).toBeGreaterThan(0);
    expect(paused.step).toBeLessThan(10_000);
    // The paused weights are fully analysed (bundles too).
    expect(await page.evaluate(() => (window as unknown as { tegumPage: { metrics: { bundles: { status: string } }[] } }).tegumPage.metrics[0].bundles.status)).not.toBe("not-run");
    expect(await page.isEnabled("#resume")).toBe(true);
    expect(await page.isEnabled("#pause")).toBe(false);
    await page.click("#resume");
    const r = await finished(before + 1);
    expect(r.digest).toBe(await nodeDigest());
  }, 90_000);

  it("survives sliders moved mid-run: the run restarts with the new settings; Reset stops it", async () => {
    const before = await lastRunId();
    await page.fill("#steps", "40000"); // long enough to be mid-run for sure
    await page.fill("#instances", "10");
    await page.click("#run");
    await page.waitForFunction((id) => {
      const r = (window as unknown as { tegumPage: { runs: Run[] } }).tegumPage.runs.find((x) => x.runId === id);
      return r !== undefined && r.step > 0;
    }, before + 1, { polling: 20 });
    // Keyboard on the (log) sparsity slider, then a drag-like burst on the decay slider.
    await page.focus("#p-range");
    await page.keyboard.press("ArrowRight");
    for (const v of ["0.85", "0.8", "0.75"]) await page.fill("#decay-range", v);
    await page.waitForFunction(() => (window as unknown as { tegumPage: { state: Settings } }).tegumPage.state.decay === 0.75);
    const id = await lastRunId();
    expect(id).toBeGreaterThan(before + 1);
    expect((await runs()).find((x) => x.runId === before + 1)!.status).toBe("cancelled");
    // The new run trains with the new settings and draws.
    await page.waitForFunction((rid) => {
      const t = (window as unknown as { tegumPage: { runs: Run[]; result: { step: number } | null } }).tegumPage;
      const r = t.runs.find((x) => x.runId === rid);
      return r !== undefined && r.step >= 1000 && t.result !== null;
    }, id, { polling: 20, timeout: 60_000 });
    const r = (await runs()).find((x) => x.runId === id)!;
    expect(r.settings).toMatchObject({ decay: 0.75, p: 0.03, steps: 40_000, instances: 10 });
    expect(r.status).toBe("running");
    expect(await page.inputValue("#p")).toBe("0.03");
    expect(await page.inputValue("#decay")).toBe("0.75");
    await page.click("#reset");
    await page.waitForFunction(() => (window as unknown as { tegumPage: { status: string; result: unknown } }).tegumPage.status === "idle");
    expect(await page.evaluate(() => (window as unknown as { tegumPage: { result: unknown } }).tegumPage.result)).toBeNull();
    expect((await runs()).find((x) => x.runId === id)!.status).toBe("cancelled");
  }, 90_000);

  it("m = 3: a 3-D view that turns by drag and by keyboard", async () => {
    const p3 = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    p3.on("pageerror", (err) => problems.push(`pageerror (3-D): ${err.message}`));
    await p3.goto(`${server.url}dist/page/?n=6&m=3&I=1&p=0.02&steps=2000&seed=0`);
    await p3.waitForFunction(() => (window as unknown as { tegumPage: { status: string } }).tegumPage.status === "done", null, { timeout: 60_000, polling: 50 });
    await drawn(p3);
    const svg = () => p3.locator("#space svg").innerHTML();
    const before = await svg();
    expect(await p3.locator("#space svg .vec").count()).toBe(6);
    const box = (await p3.locator("#space").boundingBox())!;
    await p3.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await p3.mouse.down();
    await p3.mouse.move(box.x + box.width / 2 + 60, box.y + box.height / 2 + 20, { steps: 5 });
    await p3.mouse.up();
    await drawn(p3);
    const dragged = await svg();
    expect(dragged).not.toBe(before);
    await p3.focus("#space");
    await p3.keyboard.press("ArrowLeft");
    await drawn(p3);
    expect(await svg()).not.toBe(dragged);
    await p3.keyboard.press("Home");
    await drawn(p3);
    expect(await svg()).toBe(before);
    expect(await p3.getAttribute("#space", "aria-label")).toMatch(/rotate/);
    await p3.close();
  }, 90_000);

  it("a shared link reproduces the run; every control has a name and takes the keyboard", async () => {
    const link = `${server.url}dist/page/?n=5&m=2&I=1&p=0.05&r=0.9&steps=10000&seed=0`;
    const other = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    other.on("pageerror", (err) => problems.push(`pageerror (link): ${err.message}`));
    other.on("console", (msg) => {
      if (msg.type() === "error" || msg.type() === "warning") problems.push(`${msg.type()} (link): ${msg.text()}`);
    });
    await other.goto(link);
    expect(await other.inputValue("#instances")).toBe("1");
    expect(await other.inputValue("#p")).toBe("0.05");
    await other.waitForFunction(() => (window as unknown as { tegumPage: { status: string } }).tegumPage.status === "done", null, { timeout: 60_000, polling: 50 });
    await drawn(other);
    expect(await other.locator("#digest").textContent()).toBe(await nodeDigest());

    const unnamed = await other.evaluate(() =>
      [...document.querySelectorAll("input, select, button, [tabindex='0']")]
        .filter((el) => {
          const e = el as HTMLInputElement;
          const named = (e.labels && e.labels.length > 0) || e.getAttribute("aria-label") || e.getAttribute("aria-labelledby") || (el.tagName === "BUTTON" && el.textContent!.trim());
          return !named;
        })
        .map((el) => el.outerHTML.slice(0, 80)),
    );
    expect(unnamed).toEqual([]);
    // Tab reaches the first setting; arrow keys change a number field.
    await other.focus("#n");
    await other.keyboard.press("ArrowUp");
    expect(await other.inputValue("#n")).toBe("6");
    await other.close();
    expect(problems).toEqual([]);
  }, 90_000);
});
