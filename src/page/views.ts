// The page's views, as SVG/HTML strings built with the report's chart builders (src/report/svg.ts):
// WᵀW with bias, the feature polygon (m ≤ 2), norm bars coloured by superposition, D_i with the
// tight-frame reference lines, loss curves, the instance strip and the detected structure as text.
// The 3-D view is view3d.ts. Pure functions of the data: app.ts decides where they go.
import { DIMENSIONALITY_LINES } from "../report/html.js";
import { barChart, colorBar, escapeXml as esc, fmt, heatmap, lineChart, scatter, sequential, vectorPlot, type Point, type Series } from "../report/svg.js";
import type { InstanceAnalysis, InstanceSnapshot, PolytopeInfo } from "./protocol.js";
import { WEAK } from "./protocol.js";
import { instanceLabel } from "./state.js";
import { coordinates3, render3d, type Mat3, type Point3 } from "./view3d.js";

/** Feature i of n: viridis from dark (most important) to yellow-green. */
export const featColor = (i: number, n: number) => sequential(n === 1 ? 0.1 : (i / (n - 1)) * 0.9);
/** Instance k of I (ordered dense → sparse). */
export const instColor = (k: number, count: number) => sequential(count === 1 ? 0.15 : (k / (count - 1)) * 0.9);

/** The polytopes worth outlining: rank-2 sets of at least three features. */
function outlined(a: InstanceAnalysis): number[] | undefined {
  const poly = a.polytopes.filter((p) => p.rank === 2 && p.features.length >= 3).sort((x, y) => y.features.length - x.features.length)[0];
  return poly?.features;
}

/** One column of W (m×n row-major). */
const column = (W: ArrayLike<number>, m: number, n: number, i: number) => Array.from({ length: m }, (_, r) => W[r * n + i]);

/** The features of an m ≤ 2 model in the hidden plane (m = 1: on a line). */
export function polygonView(inst: InstanceSnapshot, a: InstanceAnalysis, m: number, n: number, size: number, title?: string): string {
  const vectors = Array.from({ length: n }, (_, i) => {
    const c = column(inst.W, m, n, i);
    return {
      x: c[0], y: m > 1 ? c[1] : 0, label: String(i), color: featColor(i, n),
      title: `feature ${i}: ‖W‖ = ${fmt(a.norms[i])}, D = ${fmt(a.dimensionality[i])}, b = ${fmt(inst.b[i])}`,
    };
  });
  return vectorPlot({ vectors, label: `feature directions in the hidden ${m === 1 ? "line" : "plane"}`, title, outline: outlined(a), unitCircle: true, size });
}

/** Edges of the named polytopes for the 3-D view: each feature to its nearest neighbours (largest cosine) in its set. */
export function polytopeEdges(a: InstanceAnalysis, n: number): [number, number][] {
  const edges: [number, number][] = [];
  const cos = (i: number, j: number) => a.gram[i * n + j] / Math.sqrt(a.gram[i * n + i] * a.gram[j * n + j]);
  for (const p of a.polytopes) {
    if (p.features.length < 3 || p.kind === "irregular") continue;
    for (const i of p.features) {
      let best = -Infinity;
      for (const j of p.features) if (j !== i) best = Math.max(best, cos(i, j));
      if (best < -0.95) continue;
      for (const j of p.features) if (j > i && cos(i, j) >= best - 0.05 && cos(i, j) > -0.95) edges.push([i, j]);
    }
  }
  return edges;
}

/** The 3-D view (m ≥ 3) of one instance at a given rotation. */
export function spaceView(inst: InstanceSnapshot, a: InstanceAnalysis, m: number, n: number, rotation: Mat3, size: number, labels = true, axes = true): { svg: string; exact: boolean; captured: number } {
  const { points: coords, exact, captured } = coordinates3(inst.W, m, n);
  const points: Point3[] = coords.map((v, i) => ({
    v, color: featColor(i, n), label: String(i),
    title: `feature ${i}: ‖W‖ = ${fmt(a.norms[i])}, D = ${fmt(a.dimensionality[i])}, b = ${fmt(inst.b[i])}`,
  }));
  const svg = render3d({
    points, edges: polytopeEdges(a, n), rotation, size, labels,
    label: exact ? "feature directions in the 3-D hidden space" : "feature directions on the top three principal directions",
    axes: !axes ? null : m === 3 ? ["h₁", "h₂", "h₃"] : ["u₁", "u₂", "u₃"],
  });
  return { svg, exact, captured };
}

/** WᵀW (scale ±1, widened when an off-diagonal entry exceeds 1) with the bias as a side column, and the colour bar. */
export function gramView(inst: InstanceSnapshot, a: InstanceAnalysis, n: number): string {
  let max = 1;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) max = Math.max(max, Math.abs(a.gram[i * n + j]));
  const cell = Math.max(4, Math.min(34, Math.floor(300 / n)));
  const map = heatmap({
    values: a.gram, rows: n, cols: n, max, cell, label: "WᵀW and bias",
    cellTitle: (r, c, v) => `W${r}·W${c} = ${fmt(v)}`,
    side: { values: inst.b, label: "bias", cellTitle: (r, v) => `b${r} = ${fmt(v)}` },
  });
  const bar = colorBar({ kind: "diverging", lo: -max, hi: max, label: "WᵀW (bias column: its own scale)", width: 200 });
  return `<div class="heat">${map}${n <= 24 ? axisLabels(n, cell) : ""}</div>${bar}`;
}

/** Feature numbers along the heatmap's top, as HTML (the SVG builder draws none). */
function axisLabels(n: number, cell: number): string {
  const every = cell >= 12 ? 1 : Math.ceil(12 / cell);
  const labels = Array.from({ length: n }, (_, i) => (i % every === 0 ? `<span style="left:${2 + i * cell}px;width:${cell}px">${i}</span>` : "")).join("");
  return `<div class="heat-cols" aria-hidden="true">${labels}<span class="bias-label" style="left:${2 + n * cell + Math.max(6, cell)}px;width:${cell}px">b</span></div>`;
}

/** Norm bars coloured by √superposition. */
export function normsView(a: InstanceAnalysis, n: number, width: number): string {
  const chart = barChart({
    values: Array.from(a.norms),
    colors: Array.from(a.superposition, (s) => sequential(Math.min(1, Math.sqrt(s)))),
    barTitles: Array.from(a.norms, (v, i) => `feature ${i}: ‖W‖ = ${fmt(v)}, √superposition = ${fmt(Math.sqrt(a.superposition[i]))}, D = ${fmt(a.dimensionality[i])}`),
    label: "feature norms coloured by superposition", yLabel: "‖Wᵢ‖", xLabel: "feature", width, height: 190,
    yMax: Math.max(1.2, ...Array.from(a.norms, (v) => v * 1.05)), refLines: [{ y: 1 }],
  });
  return chart + colorBar({ kind: "sequential", lo: 0, hi: 1, label: "√Σⱼ≠ᵢ(Ŵᵢ·Wⱼ)²: 0 = a dimension of its own, 1 = shared", width: 200 });
}

/**
 * D_i: against the feature index for one instance; for a sweep, every feature of every instance
 * against 1/p (log), with m/‖W‖²_F as a grey line and the selected instance ringed.
 */
export function dimensionalityView(analyses: InstanceAnalysis[], ps: number[], selected: number, n: number, width: number): string {
  const yMax = Math.max(1.05, ...analyses.flatMap((a) => Array.from(a.dimensionality, (d) => d + 0.05)));
  if (analyses.length === 1) {
    const a = analyses[0];
    const points: Point[] = Array.from(a.dimensionality, (d, i) => ({ x: i, y: d, color: featColor(i, n), r: 4.5, title: `feature ${i}: D = ${fmt(d)}` }));
    return scatter({
      points, label: "feature dimensionality by feature", xLabel: "feature", yLabel: "Dᵢ", xInteger: true, xDomain: [-0.5, n - 0.5],
      yDomain: [0, yMax], refLines: DIMENSIONALITY_LINES, width, height: 250,
    });
  }
  const points: Point[] = [];
  const line: { x: number; y: number }[] = [];
  analyses.forEach((a, k) => {
    const x = 1 / ps[k];
    a.dimensionality.forEach((d, i) => points.push({ x, y: d, color: instColor(k, analyses.length), r: k === selected ? 4.2 : 2.8, title: `${instanceLabel(ps[k])}, feature ${i}: D = ${fmt(d)}` }));
    line.push({ x, y: a.dimensionsPerFeature });
  });
  // The selected instance on top.
  points.sort((p, q) => (p.r ?? 0) - (q.r ?? 0));
  return scatter({
    points, lines: [{ points: line, color: "#8a8d94" }], label: "feature dimensionality against 1/p", xLabel: "1/p = 1/(1−S)", yLabel: "Dᵢ", xLog: true,
    yDomain: [0, yMax], refLines: DIMENSIONALITY_LINES, width, height: 250,
  });
}

/** Loss curves (log y), one per instance. */
export function lossView(instances: InstanceSnapshot[], ps: number[], lossEvery: number, step: number, steps: number, width: number): string {
  const series: Series[] = instances.map((inst, k) => {
    const x = Array.from(inst.loss, (_, b) => Math.min(step, (b + 0.5) * lossEvery));
    return { label: instances.length === 1 ? "loss" : instanceLabel(ps[k]), x, y: inst.loss, color: instColor(k, instances.length) };
  });
  // Pin the x axis to the whole run so the curve grows from left to right.
  const anyLoss = instances.flatMap((inst) => Array.from(inst.loss)).find((v) => v > 0 && Number.isFinite(v));
  if (anyLoss !== undefined) series.push({ label: "", x: [0, steps], y: [anyLoss, anyLoss], color: "transparent" });
  return lineChart({ series, label: "training loss by step", xLabel: "step", yLabel: "loss", yLog: true, width, height: 250, legend: instances.length > 1 && instances.length <= 12 })
    .replace(/<line[^>]*stroke="transparent"[^>]*\/><text[^>]*><\/text>/, "");
}

/** The strip of instances (small multiples), as buttons. */
export function stripItem(inst: InstanceSnapshot | null, a: InstanceAnalysis | null, m: number, n: number, p: number, k: number, selected: boolean, rotation: Mat3): string {
  let pic = `<div class="strip-empty" aria-hidden="true"></div>`;
  if (inst && a) {
    if (m <= 2) pic = polygonView(inst, a, m, n, 92);
    else pic = spaceView(inst, a, m, n, rotation, 92, false, false).svg;
  }
  const shape = a ? summaryShape(a) : "";
  return `<button type="button" class="strip-item${selected ? " selected" : ""}" data-instance="${k}" aria-pressed="${selected}" aria-label="instance ${k}, ${esc(instanceLabel(p))}${shape ? `, ${esc(shape)}` : ""}">${pic}<span class="strip-label">${esc(instanceLabel(p))}</span><span class="strip-shape">${esc(shape) || "&nbsp;"}</span></button>`;
}

/** One phrase for an instance's geometry: "pentagon", "2 digons", "3 dedicated + 1 dropped" … */
export function summaryShape(a: InstanceAnalysis): string {
  const counts = new Map<string, number>();
  for (const p of a.polytopes) {
    const name = p.kind === "dedicated" ? "dedicated" : p.name;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const parts = [...counts].map(([name, k]) => (k > 1 ? `${k} ${plural(name)}` : name));
  return parts.join(" + ");
}

/** "digon" → "digons", "octahedron" → "octahedra", "4-simplex" → "4-simplices", "irregular" → "irregular sets". */
function plural(name: string): string {
  if (name === "dedicated") return name;
  if (name === "irregular") return "irregular sets";
  if (name.endsWith("hedron")) return `${name.slice(0, -2)}a`;
  if (name.endsWith("simplex")) return `${name.slice(0, -2)}ices`;
  return `${name}s`;
}

const set = (xs: number[]) => `{${xs.join(", ")}}`;

function polytopeLine(p: PolytopeInfo): string {
  const quality = p.deviation !== null && p.kind !== "dedicated"
    ? `cosines within ${fmt(p.deviation)} of the ideal shape`
    : p.kind === "dedicated" ? "a dimension of its own" : `frame defect ${fmt(p.frameDefect)}${p.tight ? " (tight)" : ""}`;
  return `<li><strong>${esc(p.name)}</strong> ${set(p.features)} <span class="muted">— rank ${p.rank}, mean D = ${fmt(p.dimensionality)}, ${quality}</span></li>`;
}

/** The detected structure of one instance, as HTML. */
export function structureView(a: InstanceAnalysis, n: number, final: boolean): string {
  const represented = n - a.dropped.length;
  const out: string[] = [];
  out.push(`<p><strong>${represented} of ${n}</strong> features represented; m/‖W‖²<sub>F</sub> = <strong>${fmt(a.dimensionsPerFeature)}</strong> dimensions per feature.${a.dropped.length ? ` Dropped (‖Wᵢ‖ ≤ ${WEAK} × the largest): ${set(a.dropped)}.` : ""}</p>`);
  out.push(`<h3>Tegum factors</h3><p>${a.factors.length ? a.factors.map((f) => `<span class="factor">${set(f)}</span>`).join(" ⊕ ") : '<span class="muted">none</span>'}</p>`);
  out.push(`<h3>Polytopes</h3><ul class="plain">${a.polytopes.map(polytopeLine).join("") || '<li class="muted">none</li>'}</ul>`);
  const b = a.bundles;
  let bundles: string;
  if (b.status === "found") bundles = `<ul class="plain">${b.list.map((x) => `<li><strong>${esc(x.shape)}</strong> ${set(x.features)} <span class="muted">— a ${x.rank}-plane shared by ${x.subsets} subsets</span></li>`).join("")}</ul>`;
  else if (b.status === "none-found") bundles = `<p class="muted">none found</p>`;
  else bundles = `<p class="muted">${esc(final && b.status === "not-run" ? b.note : b.note || "not run")}</p>`;
  out.push(`<h3>Grassmannian bundles</h3>${bundles}`);
  return out.join("");
}

/** The per-instance summary table of a sweep. */
export function summaryTable(analyses: InstanceAnalysis[], instances: InstanceSnapshot[], ps: number[], selected: number, n: number): string {
  const rows = analyses.map((a, k) => {
    const kept = n - a.dropped.length;
    return `<tr${k === selected ? ' class="selected"' : ""}><th scope="row"><button type="button" class="link" data-instance="${k}">${k}</button></th><td>${esc(fmt(ps[k]))}</td><td>${esc(fmt(instances[k].finalLoss))}</td><td>${kept} / ${n}</td><td>${esc(fmt(a.dimensionsPerFeature))}</td><td>${esc(summaryShape(a)) || "–"}</td></tr>`;
  });
  return `<table class="summary"><thead><tr><th scope="col">instance</th><th scope="col">p</th><th scope="col">loss</th><th scope="col">represented</th><th scope="col">m/‖W‖²<sub>F</sub></th><th scope="col">geometry</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}
