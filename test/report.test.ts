import { mkdirSync, writeFileSync } from "node:fs";
import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { TegumError } from "../src/errors.js";
import { renderReport } from "../src/report/html.js";
import { project2d, symmetricEigen } from "../src/report/project.js";
import { schemaVersion, validateReport, type Report } from "../src/report/schema.js";
import { barChart, diverging, escapeXml, fmt, heatmap, lineChart, niceTicks, pngBase64, scatter, sequential, standalone, vectorPlot } from "../src/report/svg.js";
import { fileModel, fullReport, geometryModel, introModel } from "./report-fixtures.js";

const ARTIFACTS = new URL("./artifacts/", import.meta.url);

/** Every figure a model's fixture should produce. */
function expectedFigures(model: Report["models"][number]): string[] {
  const figs = ["gram", "norms", "dimensionality", "dims-per-feature", "geometry"];
  if (model.nHidden === 2) figs.push("polygons");
  if (model.instances.some((i) => i.lossCurve)) figs.push("loss");
  if (model.instances.some((i) => i.snapshots && i.snapshots.length > 1)) figs.push("trajectories");
  return figs.sort();
}

/** The HTML of one model's section. */
function section(html: string, id: string): string {
  const start = html.indexOf(`<section id="${id}"`);
  return html.slice(start, html.indexOf("</section>", start));
}

/** Checks that tags nest properly (a light well-formedness check for the generated markup). */
function expectBalanced(html: string): void {
  const voids = new Set(["meta", "br", "img", "input", "link", "hr", "wbr"]);
  const stack: string[] = [];
  const body = html.replace(/<style>[\s\S]*?<\/style>/, "").replace(/<!doctype html>/i, "");
  for (const m of body.matchAll(/<(\/?)([a-zA-Z][\w-]*)([^>]*?)(\/?)>/g)) {
    const [, close, name, , selfClose] = m;
    if (selfClose || voids.has(name.toLowerCase())) continue;
    if (close) {
      const top = stack.pop();
      if (top !== name) throw new Error(`</${name}> closes <${top}> at ${m.index}: ${body.slice(Math.max(0, m.index! - 120), m.index! + 20)}`);
    } else stack.push(name);
  }
  expect(stack).toEqual([]);
}

describe("report HTML", () => {
  const report = fullReport();
  const html = renderReport(report);

  it("is one self-contained document: no network, no scripts, no external fonts or styles", () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(new URL("report.html", ARTIFACTS), html);
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toMatch(/https?:/i);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link/i);
    expect(html).not.toMatch(/@import|@font-face|url\(/i);
    expect(html).not.toMatch(/\ssrc=/i);
    for (const m of html.matchAll(/href="([^"]*)"/g)) expect(m[1]).toMatch(/^(#[\w-]+|data:image\/png;base64,[A-Za-z0-9+/=]+)$/);
    expect(html).not.toMatch(/NaN|undefined|\[object Object\]/);
    expectBalanced(html);
  });

  it("draws every figure its fixture calls for, in every model", () => {
    for (const model of report.models) {
      const s = section(html, model.id);
      expect(s.length).toBeGreaterThan(0);
      const figs = [...s.matchAll(/data-figure="([\w-]+)"/g)].map((m) => m[1]).sort();
      expect(figs).toEqual(expectedFigures(model));
      for (const fig of figs) {
        const start = s.indexOf(`data-figure="${fig}"`);
        const body = s.slice(start, s.indexOf("</figure>", start));
        const empty = fig === "geometry" && model.instances.every((i) => i.polytopes.length + i.bundles.length === 0);
        if (empty) expect(body).toContain("No polytopes or bundles");
        else expect(body).toMatch(/<svg /);
        expect(body).toMatch(/<figcaption><strong>/);
      }
    }
    expect(expectedFigures(introModel())).toContain("polygons");
    expect(expectedFigures(fileModel())).not.toContain("loss");
  });

  it("draws one WᵀW panel per instance with the bias column, and polygons for m = 2", () => {
    const intro = section(html, "intro");
    const gram = intro.slice(intro.indexOf('data-figure="gram"'), intro.indexOf("</figure>", intro.indexOf('data-figure="gram"')));
    expect(gram.match(/class="heatmap"/g)).toHaveLength(3);
    expect(gram.match(/<title>b\d = /g)).toHaveLength(15); // 5 biases × 3 instances
    expect(gram.match(/<title>W\d·W\d = /g)).toHaveLength(75);
    const poly = intro.slice(intro.indexOf('data-figure="polygons"'));
    expect(poly.match(/class="vectors"/g)!.length).toBeGreaterThanOrEqual(3);
    expect(poly).toMatch(/class="outline"/); // the pentagon's outline
    // The file model (n = 60) uses an embedded PNG heatmap instead of 3600 rectangles.
    const file = section(html, "file");
    expect(file).toMatch(/<image [^>]*href="data:image\/png;base64,/);
    expect(file).toMatch(/x axis is the instance index/);
  });

  it("draws the tight-frame reference lines on both dimensionality plots", () => {
    for (const fig of ["dimensionality", "dims-per-feature"]) {
      const s = section(html, "intro");
      const body = s.slice(s.indexOf(`data-figure="${fig}"`));
      for (const label of ["3/4 tetrahedron", "2/3 triangle", "1/2 digon", "2/5 pentagon", "3/8 sq. antiprism"]) expect(body).toContain(label);
    }
  });

  it("lists polytopes and bundles with a small projection each, merging a bundle that is a whole polytope", () => {
    const s = section(html, "geometry");
    const table = s.slice(s.indexOf('data-table="geometry"'));
    expect(table.match(/<div class="set"/g)).toHaveLength(2); // tetrahedron (factor and bundle), digon
    expect(table).toMatch(/<strong>tetrahedron<\/strong> \{0 1 2 3\}<br><span class="muted">rank 3 · tegum factor and bundle/);
    expect(table.match(/aria-label="2-D projection of/g)).toHaveLength(2);
  });

  it("escapes every text it is given", () => {
    const evil = fullReport();
    evil.title = `<script>alert("x")</script> & co`;
    evil.models[0].title = `<img src=x onerror=alert(1)>`;
    evil.models[0].instances[0].label = `"><svg onload=alert(1)>`;
    const out = renderReport(evil);
    expect(out).not.toContain("<script>");
    expect(out).not.toContain("<img src");
    expect(out).not.toContain("<svg onload");
    expect(out).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co");
    expectBalanced(out);
  });

  it("renders a report without instances' optional data (weights only)", () => {
    const minimal: Report = { schemaVersion, generator: { name: "tegum", version: "x" }, title: "t", models: [fileModel()] };
    const out = renderReport(validateReport(JSON.parse(JSON.stringify(minimal))));
    expect(out).toContain('data-figure="gram"');
    expect(out).not.toContain('data-figure="loss"');
    expect(out).toContain("not run");
  });
});

describe("report schema", () => {
  it("validates the fixtures, also after a JSON round trip", () => {
    const r = fullReport();
    expect(validateReport(r)).toBe(r);
    expect(validateReport(JSON.parse(JSON.stringify(r))).models).toHaveLength(3);
  });

  const broken: [string, (r: any) => void, RegExp][] = [
    ["a wrong version", (r) => (r.schemaVersion = 2), /schemaVersion is 2; this tegum reads version 1/],
    ["W of the wrong size", (r) => r.models[0].instances[0].W.pop(), /models\[0\]\.instances\[0\]\.W must have 2 rows of 5, has 1 rows/],
    ["a short feature list", (r) => r.models[0].instances[1].features.pop(), /features must have 5 entries/],
    ["a feature index out of range", (r) => (r.models[0].instances[1].tegumFactors = [[0, 9]]), /tegumFactors\[0\]\[1\] must be an integer in \[0, 4\]/],
    ["a NaN norm", (r) => (r.models[1].instances[0].features[2].norm = NaN), /features\[2\]\.norm must be a finite number/],
    ["a sparsity of 1", (r) => (r.models[0].instances[0].sparsity = 1), /sparsity must be in \[0, 1\)/],
    ["duplicate model ids", (r) => (r.models[1].id = "intro"), /models\[1\]\.id must be a unique identifier/],
    ["an id with markup", (r) => (r.models[1].id = '"><b>'), /id must be a unique identifier/],
    ["a loss curve of mismatched length", (r) => r.models[0].instances[0].lossCurve.loss.pop(), /lossCurve\.loss must have 50 entries/],
    ["a bundle of too high rank", (r) => (r.models[0].instances[2].bundles[0].rank = 3), /bundles\[0\]\.rank must be an integer in \[1, 2\]/],
    ["not an object", (r) => (r.models = 5), /models must be an array/],
  ];
  for (const [what, edit, message] of broken) {
    it(`rejects ${what}, naming the path`, () => {
      const r = JSON.parse(JSON.stringify(fullReport()));
      edit(r);
      expect(() => validateReport(r, "report.json")).toThrow(TegumError);
      expect(() => validateReport(r, "report.json")).toThrow(message);
    });
  }
});

describe("SVG builders", () => {
  it("escape text and format numbers", () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    expect(fmt(0.123456)).toBe("0.123");
    expect(fmt(-2)).toBe("−2");
    expect(fmt(1.5e-6)).toBe("1.5e-6");
    expect(fmt(NaN)).toBe("–");
    expect(fmt(Infinity)).toBe("∞");
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-0.3, 0.3)).toContain(0);
  });

  it("use diverging and sequential colour-blind-safe palettes", () => {
    expect(diverging(0)).toBe("#f7f7f7");
    expect(diverging(1)).toBe("#b2182b");
    expect(diverging(-1)).toBe("#2166ac");
    expect(diverging(NaN)).toBe("#f7f7f7");
    expect(sequential(0)).toBe("#440154");
    expect(sequential(1)).toBe("#fde725");
  });

  it("build well-formed charts that survive NaN, empty data and log axes with zeros", () => {
    const charts = [
      heatmap({ values: [1, -1, 0, NaN], rows: 2, cols: 2, label: "h", title: "t<" }),
      barChart({ values: [1, NaN, -0.5], label: "b" }),
      barChart({ values: [], label: "empty" }),
      scatter({ points: [{ x: 0, y: 1 }, { x: 10, y: NaN }, { x: 100, y: 0.5 }], xLog: true, label: "s", xLabel: "x", yLabel: "y", refLines: [{ y: 0.5, label: "1/2" }] }),
      scatter({ points: [], label: "s", xLabel: "x", yLabel: "y" }),
      lineChart({ series: [{ label: "a", x: [0, 1, 2], y: [1, 0, 0.1] }, { label: "b", x: [], y: [] }], yLog: true, label: "l", xLabel: "x", yLabel: "y" }),
      vectorPlot({ vectors: [{ x: 0, y: 0 }, { x: 1, y: 0, label: "1" }], label: "v", outline: [0, 1, 5], unitCircle: true }),
    ];
    for (const svg of charts) {
      expect(svg).toMatch(/^<svg [^>]*viewBox="0 0 [\d.]+ [\d.]+"/);
      expect(svg).not.toMatch(/NaN|Infinity|undefined/);
      expectBalanced(svg);
    }
    expect(standalone(charts[0])).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" /);
  });

  it("encode valid PNGs (checked with zlib and the CRCs)", () => {
    const w = 70, h = 3;
    const rgb = new Uint8Array(w * h * 3).map((_, i) => (i * 37) & 255);
    const png = Buffer.from(pngBase64(w, h, rgb), "base64");
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const idatLength = png.readUInt32BE(33);
    expect(png.toString("latin1", 37, 41)).toBe("IDAT");
    const raw = inflateSync(png.subarray(41, 41 + idatLength));
    expect(raw.length).toBe(h * (1 + 3 * w));
    for (let y = 0; y < h; y++) expect([...raw.subarray(y * (1 + 3 * w) + 1, (y + 1) * (1 + 3 * w))]).toEqual([...rgb.subarray(y * 3 * w, (y + 1) * 3 * w)]);
    // Large enough for several stored blocks.
    const big = Buffer.from(pngBase64(200, 200, new Uint8Array(200 * 200 * 3).fill(7)), "base64");
    expect(inflateSync(big.subarray(41, 41 + big.readUInt32BE(33))).length).toBe(200 * 601);
  });
});

describe("projections", () => {
  it("find eigenpairs of symmetric matrices", () => {
    const { values, vectors } = symmetricEigen([[2, 1, 0], [1, 2, 0], [0, 0, 5]]);
    expect(values.map((v) => Number(v.toFixed(12)))).toEqual([5, 3, 1]);
    expect(Math.abs(vectors[2][0])).toBeCloseTo(1, 12);
  });

  it("show a pentagon in R⁵ as a regular pentagon, and keep an antipodal pair antipodal", () => {
    const c = Math.cos, s = Math.sin;
    const basis = [[1, 2, 0, 0, 1], [0, 1, -1, 3, 0]].map((v) => v.map((x) => x / Math.hypot(...v)));
    // Orthonormalise the second against the first.
    const d = basis[0].reduce((a, x, k) => a + x * basis[1][k], 0);
    basis[1] = basis[1].map((x, k) => x - d * basis[0][k]);
    basis[1] = basis[1].map((x) => x / Math.hypot(...basis[1]));
    const penta = Array.from({ length: 5 }, (_, i) => basis[0].map((x, k) => c((2 * Math.PI * i) / 5) * x + s((2 * Math.PI * i) / 5) * basis[1][k]));
    const pts = project2d(penta);
    for (let i = 0; i < 5; i++) {
      expect(Math.hypot(pts[i].x, pts[i].y)).toBeCloseTo(1, 10);
      const j = (i + 1) % 5;
      expect(Math.hypot(pts[i].x - pts[j].x, pts[i].y - pts[j].y)).toBeCloseTo(2 * Math.sin(Math.PI / 5), 10);
    }
    expect(pts[0].y).toBeCloseTo(0, 12);
    const pair = project2d([[0, 1, 0], [0, -1, 0]]);
    expect(pair[0].x).toBeCloseTo(1, 12);
    expect(pair[1].x).toBeCloseTo(-1, 12);
  });

  it("picture every geometry fixture", () => {
    for (const model of [introModel(), geometryModel()]) {
      for (const inst of model.instances) {
        for (const p of inst.polytopes) expect(project2d(p.features.map((i) => inst.W.map((r) => r[i]))).every((q) => Number.isFinite(q.x + q.y))).toBe(true);
      }
    }
  });
});

describe("phase diagrams in the report", () => {
  const D = "dropped", E = "dedicated", S = "superposed";
  const phaseReport = (): Report => ({
    schemaVersion, generator: { name: "tegum", version: "test" }, title: "phase", models: [],
    phaseDiagrams: [{
      problem: "2-1", nFeatures: 2, nHidden: 1, densities: [1, 0.1, 0.01], importances: [0.1, 1, 10],
      analytic: [[D, D, E], [S, S, S], [S, S, S]], winners: [["extra dropped", "extra dropped", "extra dedicated"], ["antipodal pair", "antipodal pair", "antipodal pair"], ["antipodal pair", "antipodal pair", "antipodal pair"]],
      trained: [[D, E, E], [S, S, S], [S, S, D]], training: { steps: 100, seeds: 2, seed: 0 },
    }],
  } as Report);

  it("validates them and refuses a grid of the wrong size or an unknown class", () => {
    expect(validateReport(JSON.parse(JSON.stringify(phaseReport())))).toBeTruthy();
    const short = phaseReport();
    short.phaseDiagrams![0].analytic.pop();
    expect(() => validateReport(short)).toThrow(/phaseDiagrams\[0\]\.analytic must have 3 rows/);
    const odd = phaseReport();
    (odd.phaseDiagrams![0].trained![1] as string[])[2] = "sideways";
    expect(() => validateReport(odd)).toThrow(/phaseDiagrams\[0\]\.trained\[1\]\[2\] must be one of dropped, dedicated, superposed/);
  });

  it("draws the analytic and trained grids with the disagreements crossed out", () => {
    const out = renderReport(phaseReport());
    expectBalanced(out);
    const fig = out.slice(out.indexOf('data-figure="phase"'));
    expect(out).toContain('<figure id="phase-2-1" data-figure="phase">');
    expect(fig.match(/<path class="mark"/g)).toHaveLength(2);
    expect(fig).toContain("2 of 9");
    expect(out).toContain('<a href="#phase">Phase diagrams</a>');
    expect(fig).toContain("<title>p = 1, r = 10: dedicated (extra dedicated)</title>");
  });
});
