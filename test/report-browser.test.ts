// The report opened in headless Chromium (Debian's, driven by playwright-core): no console errors, no
// network requests, every figure laid out with a visible size; screenshots kept in test/artifacts/.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { type Browser } from "playwright-core";
import { CHROMIUM, figureBoxes, launch, watch } from "./chromium.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderReport } from "../src/report/html.js";
import { fullReport } from "./report-fixtures.js";

const ARTIFACTS = new URL("./artifacts/", import.meta.url);

describe.skipIf(!existsSync(CHROMIUM))("report in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    // playwright-core gives the browser a fresh temporary profile itself.
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("loads with no console errors or requests, every figure visible; keeps screenshots", async () => {
    const report = fullReport();
    const html = renderReport(report);
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = new URL("report.html", ARTIFACTS);
    writeFileSync(file, html);

    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const { problems, requests } = watch(page);
    await page.goto(file.href);
    await page.waitForLoadState("load");

    expect(problems).toEqual([]);
    expect(requests.filter((u) => !u.startsWith("file:") && !u.startsWith("data:"))).toEqual([]);

    const figures = await figureBoxes(page);
    const want = report.models.flatMap((m) => {
      const figs = ["gram", "norms", "dimensionality", "dims-per-feature", "geometry"];
      if (m.nHidden === 2) figs.push("polygons");
      if (m.instances.some((i) => i.lossCurve)) figs.push("loss");
      if (m.instances.some((i) => i.snapshots && i.snapshots.length > 1)) figs.push("trajectories");
      return figs.map((f) => `${m.id}-${f}`);
    });
    expect(figures.map((f) => f.id).sort()).toEqual(want.sort());
    for (const f of figures) {
      expect(f.caption, f.id).toBe(true);
      expect(f.width, f.id).toBeGreaterThan(100);
      expect(f.height, f.id).toBeGreaterThan(40);
      if (f.id !== "file-geometry") expect(f.svgs, f.id).toBeGreaterThan(0);
    }
    // The PNG heatmap decoded (an <image> with a natural size is drawn).
    const imageOk = await page.$eval("#file-gram image", (img) => (img as SVGImageElement).getBBox().width > 50);
    expect(imageOk).toBe(true);

    await page.screenshot({ path: new URL("report.png", ARTIFACTS).pathname, fullPage: true });
    await page.locator("#intro-polygons").screenshot({ path: new URL("report-polygons.png", ARTIFACTS).pathname });
    await page.emulateMedia({ media: "print" });
    await page.pdf?.({ path: new URL("report.pdf", ARTIFACTS).pathname }).catch(() => undefined);
    await page.close();
  });
});
