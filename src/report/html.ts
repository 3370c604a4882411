// The HTML report: one self-contained document (inline CSS and SVG; no scripts, no fonts, no network)
// rendered from a Report object alone — it never calls an engine. Figures per model: WᵀW and bias
// heatmaps, norm bars coloured by superposition, 2-D feature polygons (m = 2), D_i and dimensions per
// feature against 1/(1−S) with the tight-frame reference lines, loss curves, feature trajectories, and
// the polytope/bundle tables with small 2-D projections. Each figure has a caption saying what to see.
import type { InstanceReport, ModelReport, PhaseDiagramReport, Report } from "./schema.js";
import { columns, project2d } from "./project.js";
import { countList, dPattern, geometryText, REPRESENTED_NORM } from "./summary.js";
import {
  CHART_CSS, barChart, categoryGrid, colorBar, escapeXml as esc, fmt, heatmap, lineChart, scatter, sequential, swatches, vectorPlot, type Point, type Series,
} from "./svg.js";

/** Reference values of D_i for tight frames (REFERENCE §2), drawn on the dimensionality plots. */
export const DIMENSIONALITY_LINES = [
  { y: 1, label: "1" },
  { y: 3 / 4, label: "3/4 tetrahedron" },
  { y: 2 / 3, label: "2/3 triangle" },
  { y: 1 / 2, label: "1/2 digon" },
  { y: 2 / 5, label: "2/5 pentagon" },
  { y: 3 / 8, label: "3/8 sq. antiprism" },
];

export { REPRESENTED_NORM } from "./summary.js";

export interface RenderOptions {
  /** Cap on instances drawn per small-multiple figure (default 24); tables always list all. */
  maxPanels?: number;
}

/** The report as one self-contained HTML document. */
export function renderReport(report: Report, options: RenderOptions = {}): string {
  const maxPanels = options.maxPanels ?? 24;
  const title = esc(report.title);
  const phases = report.phaseDiagrams ?? [];
  const nav = report.models.map((m) => `<li><a href="#${esc(m.id)}">${esc(m.title)}</a> <span class="muted">n = ${m.nFeatures}, m = ${m.nHidden}, ${m.instances.length} instance${m.instances.length === 1 ? "" : "s"}</span></li>`).join("") +
    (phases.length ? `<li><a href="#phase">Phase diagrams</a> <span class="muted">${phases.map((p) => `n = ${p.nFeatures} → m = ${p.nHidden}`).join(", ")}</span></li>` : "");
  const body = report.models.map((m) => renderModel(m, maxPanels)).join("\n") + (phases.length ? "\n" + renderPhases(phases) : "");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${esc(report.generator.name)} ${esc(report.generator.version)}">
<meta name="color-scheme" content="light">
<title>${title}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${title}</h1>
<p class="muted">Made by ${esc(report.generator.name)} ${esc(report.generator.version)}${report.command ? ` (<code>tegum ${esc(report.command)}</code>)` : ""}; data in <code>report.json</code> (schema version ${report.schemaVersion}).</p>
<nav><ul>${nav}</ul></nav>
</header>
<main>
${body}
</main>
<footer class="muted">Toy models of superposition (Elhage et al., 2022). Features are numbered from 0. W is m×n; column i is feature i's direction in the hidden space. Watch these models train live: run <code>npm run serve</code> in the tegum package and open <code>127.0.0.1:8080/dist/page/?n=5&amp;m=2&amp;I=10&amp;p=0.05&amp;r=0.9&amp;steps=10000&amp;seed=3</code> (the explorable page).</footer>
</body>
</html>
`;
}

function figure(id: string, name: string, title: string, content: string, caption: string): string {
  return `<figure id="${esc(id)}" data-figure="${name}"><div class="panels">${content}</div><figcaption><strong>${title}</strong> ${caption}</figcaption></figure>`;
}

const panel = (svg: string) => `<div class="panel">${svg}</div>`;

function gramMatrix(inst: InstanceReport, n: number): Float64Array {
  const G = new Float64Array(n * n);
  for (const row of inst.W) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) G[i * n + j] += row[i] * row[j];
  return G;
}

/** x of the sparsity plots: 1/(1−S), or null when S is unknown. */
const density = (inst: InstanceReport) => (inst.sparsity === null ? null : 1 / (1 - inst.sparsity));
const label = (inst: InstanceReport) => inst.label ?? (inst.sparsity === null ? `instance ${inst.index}` : `1−S = ${fmt(1 - inst.sparsity)}`);

function renderModel(model: ModelReport, maxPanels: number): string {
  const { id, nFeatures: n, nHidden: m, instances } = model;
  const shown = instances.slice(0, maxPanels);
  const more = instances.length > shown.length ? ` <span class="muted">(first ${shown.length} of ${instances.length} instances shown)</span>` : "";
  // Instances ordered by sparsity get colours along viridis; unknown sparsity → by position.
  const order = instances.map((_, k) => k).sort((a, b) => (instances[a].sparsity ?? a) - (instances[b].sparsity ?? b));
  const instColor = new Map(order.map((k, r) => [instances[k], sequential(order.length === 1 ? 0.1 : (r / (order.length - 1)) * 0.9)]));
  const featColor = (i: number) => sequential(n === 1 ? 0.1 : (i / (n - 1)) * 0.9);
  const out: string[] = [];

  out.push(`<section id="${esc(id)}" data-model="${esc(id)}"><h2>${esc(model.title)}</h2>`);
  if (model.description) out.push(`<p class="lede">${esc(model.description)}</p>`);
  out.push(sourceTable(model));
  out.push(summaryTable(model));

  // WᵀW and bias.
  // One colour scale for all panels: ±1 (the official notebook's), widened only when an off-diagonal
  // entry exceeds 1, so that interference stays visible and a large diagonal simply saturates.
  let gmax = 1;
  const grams = shown.map((inst) => gramMatrix(inst, n));
  for (const G of grams) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) gmax = Math.max(gmax, Math.abs(G[i * n + j]));
  const gramPanels = shown.map((inst, k) =>
    panel(heatmap({
      values: grams[k], rows: n, cols: n, max: gmax, title: label(inst), label: `WᵀW and bias, ${label(inst)}`,
      cellTitle: (r, col, v) => `W${r}·W${col} = ${fmt(v)}`,
      side: inst.bias ? { values: inst.bias, label: "bias", cellTitle: (r, v) => `b${r} = ${fmt(v)}` } : undefined,
    })),
  );
  gramPanels.push(panel(colorBar({ kind: "diverging", lo: -gmax, hi: gmax, label: "WᵀW (bias column: own scale)" })));
  out.push(figure(`${id}-gram`, "gram", "WᵀW and bias per instance." + more,
    gramPanels.join(""),
    `Each panel is the n×n matrix WᵀW (red positive, blue negative, white zero; one scale, ±${fmt(gmax)}, for all panels) with the bias b as the separate column on the right (its own scale). ` +
      "A clean diagonal means features kept in their own dimensions; off-diagonal entries mean features sharing dimensions (superposition); " +
      "−1 pairs are antipodal features; an empty row and column is a dropped feature, whose bias then sits near the mean of its input."));

  // Norms coloured by superposition.
  const normPanels = shown.map((inst) =>
    panel(barChart({
      values: inst.features.map((f) => f.norm),
      colors: inst.features.map((f) => sequential(Math.min(1, Math.sqrt(f.superposition)))),
      barTitles: inst.features.map((f) => `feature ${f.index}: ‖W‖ = ${fmt(f.norm)}, √superposition = ${fmt(Math.sqrt(f.superposition))}, D = ${fmt(f.dimensionality)}`),
      label: `feature norms, ${label(inst)}`, title: label(inst), yLabel: "‖Wᵢ‖", width: Math.max(200, Math.min(420, 60 + 10 * n)), height: 150,
      refLines: [{ y: 1 }],
    })),
  );
  normPanels.push(panel(colorBar({ kind: "sequential", lo: 0, hi: 1, label: "√Σⱼ≠ᵢ(Ŵᵢ·Wⱼ)² (superposition)" })));
  out.push(figure(`${id}-norms`, "norms", "Feature norms, coloured by superposition." + more,
    normPanels.join(""),
    `Bar height is ‖Wᵢ‖ (about 1 for a represented feature, 0 for a dropped one); colour is the superposition √Σⱼ≠ᵢ(Ŵᵢ·Wⱼ)²: dark purple means the feature has its dimensions to itself, bright yellow that it shares them. As the data get sparser, more features get bars and the bars get brighter.`));

  // 2-D polygons.
  if (m === 2) {
    const polys = shown.map((inst) =>
      panel(vectorPlot({
        vectors: inst.features.map((f, i) => ({ x: inst.W[0][i], y: inst.W[1][i], label: String(i), color: featColor(i), title: `feature ${i}: (${fmt(inst.W[0][i])}, ${fmt(inst.W[1][i])}), ‖W‖ = ${fmt(f.norm)}` })),
        label: `feature directions in the hidden plane, ${label(inst)}`, title: label(inst), outline: inst.polytopes.find((p) => p.rank === 2 && p.features.length >= 3)?.features, unitCircle: true, size: 190,
      })),
    );
    out.push(figure(`${id}-polygons`, "polygons", "Features in the 2-D hidden space." + more, polys.join(""),
      `Each spoke is one feature's column Wᵢ (colour: feature index, dark = most important; dashed circle: unit norm; shaded: a polygon recognised among the features). Dense data keep two features at right angles; sparser data make antipodal pairs, then a regular pentagon with all five features.`));
  }

  // D_i and dimensions per feature against 1/(1−S).
  const known = instances.every((inst) => density(inst) !== null);
  const xOf = (inst: InstanceReport, k: number) => (known ? density(inst)! : k);
  const xLabel = known ? "1/(1−S)" : "instance";
  const dots: Point[] = [];
  instances.forEach((inst, k) => {
    inst.features.forEach((f) => dots.push({ x: xOf(inst, k), y: f.dimensionality, color: instColor.get(inst), r: 2.6, title: `${label(inst)}, feature ${f.index}: D = ${fmt(f.dimensionality)}` }));
  });
  out.push(figure(`${id}-dimensionality`, "dimensionality", "Feature dimensionality Dᵢ.",
    panel(scatter({ points: dots, xLog: known, xInteger: !known, label: "feature dimensionality against sparsity", xLabel, yLabel: "Dᵢ", refLines: DIMENSIONALITY_LINES, yDomain: [0, Math.max(1.05, ...dots.map((d) => d.y + 0.05))] })),
    "Each dot is one feature of one instance: Dᵢ = ‖Wᵢ‖² / Σⱼ(Ŵᵢ·Wⱼ)², the fraction of a dimension feature i gets. Dots gather on the lines of tight frames: 1 (a dimension of its own), 3/4 (tetrahedron), 2/3 (triangle), 1/2 (antipodal pair or square), 2/5 (pentagon), 3/8 (square antiprism); 0 is a dropped feature." +
      (known ? "" : " Sparsity is unknown for these weights, so the x axis is the instance index.")));

  const dpf = instances.map((inst, k) => ({ x: xOf(inst, k), y: inst.dimensionsPerFeature ?? NaN, color: instColor.get(inst), r: 3.5, title: `${label(inst)}: m/‖W‖²F = ${fmt(inst.dimensionsPerFeature ?? NaN)}` }));
  const sortedDpf = dpf.filter((d) => Number.isFinite(d.y)).sort((a, b) => a.x - b.x);
  out.push(figure(`${id}-dims-per-feature`, "dims-per-feature", "Dimensions per feature, m/‖W‖²F.",
    panel(scatter({ points: dpf, lines: [{ points: sortedDpf, color: "#888" }], xLog: known, xInteger: !known, label: "dimensions per feature against sparsity", xLabel, yLabel: "m / ‖W‖²F", refLines: DIMENSIONALITY_LINES, yDomain: [0, Math.max(1.05, ...dpf.filter((d) => Number.isFinite(d.y)).map((d) => d.y + 0.05))] })),
    "How many hidden dimensions each represented feature gets on average. It is 1 when every kept feature has its own dimension (dense data), tends to stick at 1/2 (antipodal pairs), and falls below as sparser data pack more features into the same dimensions."));

  // Loss curves.
  const curves: Series[] = instances.filter((inst) => inst.lossCurve && inst.lossCurve.steps.length > 0)
    .map((inst) => ({ label: label(inst), x: inst.lossCurve!.steps, y: inst.lossCurve!.loss, color: instColor.get(inst) }));
  if (curves.length > 0) {
    out.push(figure(`${id}-loss`, "loss", "Training loss.",
      panel(lineChart({ series: curves, yLog: true, label: "training loss by step", xLabel: "step", yLabel: "loss", width: 520 })),
      "Loss per instance against training step (log scale). Sparser instances reach lower loss; plateaus followed by drops are the model reorganising its features (for example moving from pairs to a pentagon)."));
  }

  // Trajectories.
  const withSnaps = shown.filter((inst) => inst.snapshots && inst.snapshots.length > 1);
  if (withSnaps.length > 0) {
    const panels = withSnaps.map((inst) => {
      const snaps = inst.snapshots!;
      if (m === 2) {
        return panel(vectorPlot({
          vectors: inst.features.map((_, i) => ({ x: inst.W[0][i], y: inst.W[1][i], label: String(i), color: featColor(i), title: `feature ${i} at the end` })),
          paths: inst.features.map((_, i) => ({ points: snaps.map((s) => ({ x: s.W[0][i], y: s.W[1][i] })), color: featColor(i), title: `feature ${i}, steps ${snaps[0].step}–${snaps[snaps.length - 1].step}` })),
          label: `feature trajectories, ${label(inst)}`, title: label(inst), unitCircle: true, size: 190,
        }));
      }
      const series: Series[] = inst.features.map((_, i) => ({
        label: `feature ${i}`, x: snaps.map((s) => s.step), y: snaps.map((s) => Math.hypot(...s.W.map((row) => row[i]))), color: featColor(i),
      }));
      return panel(lineChart({ series, label: `feature norms during training, ${label(inst)}`, title: label(inst), xLabel: "step", yLabel: "‖Wᵢ‖", legend: false, width: 300, height: 190 }));
    });
    out.push(figure(`${id}-trajectories`, "trajectories", "Feature trajectories during training.", panels.join(""),
      m === 2
        ? "Each thin line is the path of one feature's Wᵢ through the training snapshots, ending at the spoke of its final position. Features that start near the origin and stay there are dropped; the others fan out until they settle into the final polygon."
        : "‖Wᵢ‖ of each feature over the training snapshots (colour: feature index, dark = most important). Features are learned roughly in order of importance; late risers are the ones packed in superposition."));
  }

  out.push(geometryTable(model, featColor));
  out.push("</section>");
  return out.join("\n");
}

/** Colours of the phase classes (Okabe–Ito blue and vermillion; grey for dropped). */
export const PHASE_COLORS: Record<string, string> = { dropped: "#c9cbd1", dedicated: "#0072B2", superposed: "#D55E00" };

function renderPhases(phases: PhaseDiagramReport[]): string {
  const out = [`<section id="phase" data-model="phase"><h2>Phase diagrams</h2>`];
  out.push(`<p class="lede">Which geometry is optimal as the feature density p and the relative importance r of one extra feature vary (Toy Models of Superposition, "The Phase Change"). The other features have importance 1; each cell says what happens to the extra feature: dropped, given a dimension of its own, or stored in superposition.</p>`);
  phases.forEach((pd) => {
    const id = `phase-${pd.problem.replace(/[^A-Za-z0-9_-]/g, "_")}`;
    const axes = { rowValues: pd.densities, colValues: pd.importances, xLabel: "relative importance r", yLabel: "density p", colors: PHASE_COLORS };
    const panels = [categoryGrid({
      ...axes, cells: pd.analytic, label: `analytic phase diagram, n = ${pd.nFeatures} → m = ${pd.nHidden}`, title: "analytic",
      cellTitle: (d, r) => `p = ${fmt(pd.densities[d])}, r = ${fmt(pd.importances[r])}: ${pd.analytic[d][r]}${pd.winners ? ` (${pd.winners[d][r]})` : ""}`,
    })];
    if (pd.trained) {
      const marked = pd.trained.map((row, d) => row.map((x, r) => x !== pd.analytic[d][r]));
      panels.push(categoryGrid({
        ...axes, cells: pd.trained, marked, label: `trained phase diagram, n = ${pd.nFeatures} → m = ${pd.nHidden}`, title: `trained, best of ${pd.training?.seeds ?? "?"}`,
        cellTitle: (d, r) => `p = ${fmt(pd.densities[d])}, r = ${fmt(pd.importances[r])}: trained ${pd.trained![d][r]}, analytic ${pd.analytic[d][r]}`,
      }));
    }
    panels.push(swatches([{ label: "dropped", color: PHASE_COLORS.dropped }, { label: "dedicated dimension", color: PHASE_COLORS.dedicated }, { label: "superposition", color: PHASE_COLORS.superposed }], "legend"));
    const disagree = pd.trained ? pd.trained.flat().filter((x, k) => x !== pd.analytic.flat()[k]).length : 0;
    out.push(figure(id, "phase", `n = ${pd.nFeatures} features in m = ${pd.nHidden} dimension${pd.nHidden === 1 ? "" : "s"}.`, panels.map(panel).join(""),
      `Left: the analytic map, the candidate configuration with the lowest exact expected loss. Rows: feature density p (dense at the bottom, sparse at the top); columns: relative importance r of the extra feature. Dense data make the model drop the less important feature or give the extra one a dimension of its own; sparse data make superposition win, first when r ≈ 1. ` +
        (pd.trained ? `The trained map trains every cell (${pd.training?.steps ?? "?"} steps, best of ${pd.training?.seeds ?? "?"} seeds) and classifies the extra feature; a cross marks a cell where it disagrees with the analytic map (${disagree} of ${pd.densities.length * pd.importances.length}), which happens near phase boundaries.` : "Run tegum phase --trained to compare with trained models.")));
  });
  out.push("</section>");
  return out.join("\n");
}

function sourceTable(model: ModelReport): string {
  const s = model.source;
  const rows: [string, string][] = [["features n", String(model.nFeatures)], ["hidden m", String(model.nHidden)], ["instances", String(model.instances.length)]];
  if (s.kind === "file") {
    rows.push(["file", `<code>${esc(s.file)}</code> (${esc(s.format)})`], ["tensor", `<code>${esc(s.tensor || "(the whole file)")}</code>${s.bias ? `, bias <code>${esc(s.bias)}</code>` : ", no bias"}`]);
    rows.push(["stored as", `${esc(s.layout)} ${esc(JSON.stringify(s.storedShape))}`]);
  } else {
    rows.push(["model", esc(String(s.model))]);
    const extra = ([["steps", s.steps], ["batch", s.batch], ["lr", s.lr], ["schedule", s.schedule], ["seed", s.seed]] as [string, unknown][]).filter(([, v]) => v !== undefined);
    if (extra.length) rows.push(["training", esc(extra.map(([k, v]) => `${k} ${v}`).join(", "))]);
  }
  return `<table class="facts">${rows.map(([k, v]) => `<tr><th scope="row">${k}</th><td>${v}</td></tr>`).join("")}</table>`;
}

function summaryTable(model: ModelReport): string {
  const head = ["instance", "1−S", "loss", "m/‖W‖²F", `features with ‖W‖ > ${REPRESENTED_NORM}`, "their Dᵢ", "tegum factors", "geometry", "bundles"];
  const rows = model.instances.map((inst) => {
    const kept = inst.features.filter((f) => f.norm > REPRESENTED_NORM).length;
    const factors = inst.tegumFactors.filter((f) => f.length > 0);
    const bundleShapes = inst.bundles.map((b) => b.shape);
    return [
      esc(label(inst)),
      inst.sparsity === null ? "–" : fmt(1 - inst.sparsity),
      inst.loss == null ? "–" : fmt(inst.loss),
      fmt(inst.dimensionsPerFeature ?? NaN),
      `${kept} / ${model.nFeatures}`,
      esc(dPattern(inst)),
      String(factors.length),
      esc(geometryText(inst)),
      inst.bundlesStatus === "not-run" ? '<span class="muted">not run</span>' : bundleShapes.length ? esc(countList(bundleShapes)) : "none",
    ];
  });
  return `<table class="summary" data-table="summary"><thead><tr>${head.map((h) => `<th scope="col">${h}</th>`).join("")}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((x) => `<td>${x}</td>`).join("")}</tr>`).join("")}</tbody></table>`;
}

interface GeometrySet {
  features: number[];
  rank: number;
  shape: string;
  polytope: boolean;
  bundle: boolean;
  dimensionality?: number;
  clusterSize?: number;
}

/** Polytopes and bundles of one instance, merged by feature set (a bundle that is a whole tegum factor is one entry). */
export function geometrySets(inst: InstanceReport): GeometrySet[] {
  const sets: GeometrySet[] = [];
  const key = (f: number[]) => f.join(",");
  for (const p of inst.polytopes) sets.push({ features: p.features, rank: p.rank, shape: p.shape, polytope: true, bundle: false, dimensionality: p.dimensionality });
  for (const b of inst.bundles) {
    const same = sets.find((x) => key(x.features) === key(b.features));
    if (same) {
      same.bundle = true;
      same.clusterSize = b.clusterSize;
      if (same.shape === "irregular" || same.shape === "unknown") same.shape = b.shape;
    } else sets.push({ features: b.features, rank: b.rank, shape: b.shape, polytope: false, bundle: true, clusterSize: b.clusterSize });
  }
  return sets;
}

function geometryTable(model: ModelReport, featColor: (i: number) => string): string {
  const rows: string[] = [];
  const picture = (inst: InstanceReport, features: number[], rank: number, what: string) => {
    const pts = project2d(columns(inst.W, features));
    return vectorPlot({
      vectors: pts.map((p, s) => ({ x: p.x, y: p.y, label: features.length <= 8 ? String(features[s]) : undefined, color: featColor(features[s]), title: `feature ${features[s]}` })),
      label: `2-D projection of ${what} ${features.join(", ")}`, size: 84, outline: rank === 2 && features.length >= 3 ? features.map((_, s) => s) : undefined,
    });
  };
  const list = (f: number[]) => (f.length > 12 ? `${f.slice(0, 10).join(" ")} … ${f[f.length - 1]} (${f.length})` : f.join(" "));
  for (const inst of model.instances) {
    const sets = geometrySets(inst);
    if (sets.length === 0) continue;
    const cards = sets.map((g) => {
      const found = g.polytope && g.bundle ? "tegum factor and bundle" : g.polytope ? "tegum factor" : "bundle";
      const what = g.polytope ? "polytope" : "bundle";
      const detail = [`rank ${g.rank}`, found, g.dimensionality !== undefined ? `mean Dᵢ ${fmt(g.dimensionality)}` : "", g.clusterSize !== undefined ? `${g.clusterSize} subsets` : ""].filter(Boolean).join(" · ");
      return `<div class="set" data-kind="${g.polytope ? "polytope" : "bundle"}">${picture(inst, g.features, g.rank, what)}<div><strong>${esc(g.shape)}</strong> {${list(g.features)}}<br><span class="muted">${esc(detail)}</span></div></div>`;
    });
    rows.push(`<tr><th scope="row">${esc(label(inst))}</th><td><div class="sets">${cards.join("")}</div></td></tr>`);
  }
  const notRun = model.instances.some((inst) => inst.bundlesStatus === "not-run");
  const caption = `<figcaption><strong>Polytopes and bundles.</strong> Every set of features recognised as a polytope filling one tegum factor (features orthogonal to all others), or as a Grassmannian bundle (features whose k-subsets all span one k-plane), with its shape, rank and how it was found. The picture shows the set's vectors in their plane of largest spread (exact for sets spanning a plane): a regular polygon appears as itself, an antipodal pair (digon) as a line through the origin; sets of higher rank are shown from the direction that separates their vectors best.${notRun ? " The bundle finder was not run for some instances." : ""}</figcaption>`;
  const table = rows.length
    ? `<table class="geometry" data-table="geometry"><thead><tr><th>instance</th><th>sets of features</th></tr></thead><tbody>${rows.join("")}</tbody></table>`
    : `<p class="muted">No polytopes or bundles are listed for this model.</p>`;
  return `<figure id="${esc(model.id)}-geometry" data-figure="geometry">${table}${caption}</figure>`;
}

const CSS = `
:root { --ink: #1b1b1f; --muted: #5d6068; --rule: #d9dbe0; --bg: #ffffff; --panel: #fafafb; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; max-width: 1180px; padding: 24px 28px 48px; color: var(--ink); background: var(--bg);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 10px; padding-top: 12px; border-top: 2px solid var(--ink); }
code { font: 12.5px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.muted { color: var(--muted); }
.lede { max-width: 880px; }
nav ul { margin: 8px 0 0; padding-left: 18px; }
a { color: #0b5cad; }
table { border-collapse: collapse; margin: 10px 0 16px; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 10px 3px 0; text-align: left; vertical-align: middle; border-bottom: 1px solid var(--rule); }
thead th { border-bottom: 1.5px solid var(--ink); font-weight: 600; }
table.facts th { font-weight: 600; padding-right: 18px; }
figure { margin: 18px 0 26px; }
figcaption { max-width: 880px; color: var(--ink); margin-top: 6px; }
figcaption strong { margin-right: 4px; }
.panels { display: flex; flex-wrap: wrap; gap: 10px 14px; align-items: flex-start; }
.panel { background: var(--panel); border: 1px solid var(--rule); border-radius: 4px; padding: 4px; }
${CHART_CSS}
.legend text { font-size: 10px; }
table.geometry svg { width: 84px; height: 84px; flex: none; }
table.geometry th[scope="row"] { white-space: nowrap; font-weight: 600; padding-right: 16px; }
.sets { display: flex; flex-wrap: wrap; gap: 6px 18px; padding: 4px 0; }
.set { display: flex; align-items: center; gap: 8px; max-width: 320px; font-size: 12.5px; }
footer { margin-top: 40px; font-size: 12px; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav { display: none; }
  h2 { break-before: page; }
  section:first-of-type h2 { break-before: auto; }
  figure, table, .panel { break-inside: avoid; }
  .panel { background: none; }
  a { color: inherit; text-decoration: none; }
}
@page { margin: 14mm; }
`;
