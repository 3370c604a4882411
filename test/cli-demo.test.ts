// `tegum demo` end to end through the built binary (fewer steps than the real demo), its report.json
// checked against the paper's qualitative results, and its index.html opened in headless Chromium:
// no console errors, no requests, every figure laid out; screenshots kept in test/artifacts/.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CHROMIUM, figureBoxes, launch, watch } from "./chromium.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateReport, type Report } from "../src/report/schema.js";
import { built, tegumBin, type Ran } from "./cli-helpers.js";

const ARTIFACTS = new URL("./artifacts/", import.meta.url);
const dir = mkdtempSync(join(tmpdir(), "tegum-cli-demo-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const represented = (inst: Report["models"][number]["instances"][number]) => inst.features.filter((f) => f.norm > 0.5).map((f) => f.index);

describe.skipIf(!built)("tegum demo (built binary)", () => {
  let ran: Ran;
  let report: Report;
  beforeAll(async () => {
    ran = await tegumBin(dir, ["demo", "--steps", "4000", "--seeds", "1", "--out", "demo-out"]);
    if (ran.code === 0) report = validateReport(JSON.parse(readFileSync(join(dir, "demo-out", "report.json"), "utf8")));
  });

  it("exits 0, silent on stderr, and prints the summary tables", () => {
    expect(ran.stderr).toBe("");
    expect(ran.code).toBe(0);
    const lines = ran.stdout.split("\n");
    expect(lines[0]).toMatch(/^tegum demo — 4000 steps, batch 1024, best of 1 seed; trained in [\d.]+ s, analysed in [\d.]+ s$/);
    expect(ran.stdout).toContain("Intro: n = 5 features in m = 2 dimensions");
    expect(ran.stdout).toContain("Varying sparsity: n = 20 features in m = 5 dimensions");
    expect(lines.filter((l) => /^inst\s+p\s+loss\s+kept\s+D_i \(kept\)\s+geometry\s+bundles$/.test(l))).toHaveLength(2);
    expect(lines.filter((l) => /^\d+\s+[\d.e−-]+\s+[\d.e−-]+\s+\d+\/\d+\s/.test(l))).toHaveLength(17);
    expect(ran.stdout).toMatch(/wrote demo-out\/index\.html \(open it in a browser\) and demo-out\/report\.json in [\d.]+ s\n$/);
    expect(readdirSync(join(dir, "demo-out")).sort()).toEqual(["index.html", "report.json"]);
  });

  it("writes a report.json with the paper's results in it", () => {
    const [intro, sparsity] = report.models;
    expect([intro.id, intro.nFeatures, intro.nHidden, intro.instances.length]).toEqual(["intro", 5, 2, 10]);
    expect([sparsity.id, sparsity.nFeatures, sparsity.nHidden, sparsity.instances.length]).toEqual(["sparsity", 20, 5, 7]);
    expect(intro.instances.map((i) => 1 - i.sparsity!)).toEqual(intro.instances.map((_, k) => expect.closeTo(20 ** (-k / 9), 12)));
    // Dense data: the two most important features, each with a dimension of its own; the rest dropped, bias towards E[x] = 1/2.
    const dense = intro.instances[0];
    expect(represented(dense)).toEqual([0, 1]);
    expect(dense.features[0].dimensionality).toBeGreaterThan(0.85);
    expect(dense.features[1].dimensionality).toBeGreaterThan(0.85);
    for (const f of dense.features.slice(2)) expect(f.bias).toBeGreaterThan(0.2);
    expect(dense.dimensionsPerFeature).toBeCloseTo(1, 1);
    // Sparse data: (nearly) all five features, in superposition.
    const sparse = intro.instances[9];
    expect(represented(sparse).length).toBeGreaterThanOrEqual(4);
    expect(sparse.dimensionsPerFeature!).toBeLessThan(0.6);
    // Varying sparsity: dense keeps exactly the 5 most important features, orthogonal; sparser keeps more.
    expect(represented(sparsity.instances[0])).toEqual([0, 1, 2, 3, 4]);
    expect(sparsity.instances[0].dimensionsPerFeature).toBeCloseTo(1, 1);
    expect(represented(sparsity.instances[6]).length).toBeGreaterThan(8);
    for (const model of report.models) {
      for (const inst of model.instances) {
        expect(inst.lossCurve!.steps.length).toBeGreaterThan(50);
        expect(inst.snapshots!.length).toBe(51);
        expect(inst.bundlesStatus).not.toBe("not-run");
      }
    }
  });

  it("writes a self-contained index.html", () => {
    const html = readFileSync(join(dir, "demo-out", "index.html"), "utf8");
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|<link|@import|https?:\/\//i);
    expect(html).not.toMatch(/\s(src|href)="(?!data:|#)/);
    for (const f of ["gram", "norms", "polygons", "dimensionality", "dims-per-feature", "loss", "trajectories", "geometry"]) expect(html).toContain(`id="intro-${f}"`);
  });

  it.skipIf(!existsSync(CHROMIUM))("renders in Chromium: no console errors or requests, every figure visible; keeps screenshots", async () => {
    const browser = await launch();
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const { problems, requests } = watch(page);
      await page.goto(new URL(`file://${join(dir, "demo-out", "index.html")}`).href);
      await page.waitForLoadState("load");
      expect(problems).toEqual([]);
      expect(requests.filter((u) => !u.startsWith("file:") && !u.startsWith("data:"))).toEqual([]);

      const figures = await figureBoxes(page);
      const want = [
        ...["gram", "norms", "polygons", "dimensionality", "dims-per-feature", "loss", "trajectories", "geometry"].map((f) => `intro-${f}`),
        ...["gram", "norms", "dimensionality", "dims-per-feature", "loss", "trajectories", "geometry"].map((f) => `sparsity-${f}`),
      ];
      expect(figures.map((f) => f.id).sort()).toEqual(want.sort());
      for (const f of figures) {
        expect(f.caption, f.id).toBe(true);
        expect(f.width, f.id).toBeGreaterThan(100);
        expect(f.height, f.id).toBeGreaterThan(40);
        expect(f.svgs, f.id).toBeGreaterThan(0);
      }
      // The summary tables list every instance.
      expect(await page.$$eval("table.summary tbody tr", (rows) => rows.length)).toBe(17);

      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: new URL("demo-report-top.png", ARTIFACTS).pathname });
      await page.screenshot({ path: new URL("demo-report.png", ARTIFACTS).pathname, fullPage: true });
      await page.locator("#intro-polygons").screenshot({ path: new URL("demo-report-polygons.png", ARTIFACTS).pathname });
      await page.locator("#sparsity-geometry").screenshot({ path: new URL("demo-report-geometry.png", ARTIFACTS).pathname });
      await page.close();
    } finally {
      await browser.close();
    }
  });
});
