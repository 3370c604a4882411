// Small pure SVG builders for the report: heatmap, bar chart, scatter with reference lines, 2-D vector
// (polygon) plot, line chart. Each returns an inline `<svg>` string (no xmlns, which inline SVG in HTML
// does not need; `standalone()` adds it for .svg files). Every text is escaped; colours come from
// colour-blind-safe palettes (ColorBrewer RdBu, viridis, Okabe–Ito). Elements carry `<title>` tooltips.

/** Escapes text for XML/HTML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** A compact, human number: 3 significant digits, no trailing zeros, − for minus. */
export function fmt(x: number, digits = 3): string {
  if (x === null || x === undefined || Number.isNaN(x)) return "–";
  if (!Number.isFinite(x)) return x > 0 ? "∞" : "−∞";
  if (x === 0) return "0";
  const a = Math.abs(x);
  let s: string;
  if (a >= 1e5 || a < 1e-3) s = x.toExponential(Math.max(0, digits - 1)).replace(/\.?0+e/, "e").replace("e+", "e");
  else s = String(Number(x.toPrecision(digits)));
  return s.replace(/^-/, "−");
}

/** A coordinate, rounded to 0.01. */
const c = (x: number) => String(Math.round(x * 100) / 100);

/**
 * The style of the classes these builders emit, for the report and the explorable page alike (each adds
 * its own page layout; colours of text come from their `--ink` and `--muted`).
 */
export const CHART_CSS = `svg { display: block; overflow: visible; font-family: inherit; }
svg text { fill: var(--ink); }
.tick { font-size: 9.5px; fill: var(--muted); }
.axis-label { font-size: 11px; }
.panel-title { font-size: 11px; font-weight: 600; }
.grid { stroke: #e6e7eb; stroke-width: 1; }
.plot-frame, .cell-frame { fill: none; stroke: #9a9ca3; stroke-width: 0.8; }
.ref line { stroke: #6b6e76; stroke-width: 0.9; stroke-dasharray: 4 3; }
.ref-label { font-size: 9px; fill: #4b4e55; }
.bar { stroke: #2a2a2e; stroke-width: 0.4; }
.dot { stroke: #1b1b1f; stroke-width: 0.35; fill-opacity: 0.9; }
.series { fill: none; stroke-width: 1.6; }
.series.dashed { stroke-dasharray: 5 3; }
.vec line { stroke-width: 1.8; }
.vec circle { stroke: #1b1b1f; stroke-width: 0.5; }
.vec-label { font-size: 9.5px; font-weight: 600; }
.unit { fill: none; stroke: #b9bbc1; stroke-dasharray: 3 3; }
.outline { fill: #0072b21a; stroke: #0072b2; stroke-width: 1; }
.path { fill: none; stroke-width: 1; stroke-opacity: 0.75; }`;

// ————— palettes —————

const RDBU = ["#2166ac", "#4393c3", "#92c5de", "#d1e5f0", "#f7f7f7", "#fddbc7", "#f4a582", "#d6604d", "#b2182b"];
const VIRIDIS = ["#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6ece58", "#b5de2b", "#fde725"];
/** Okabe–Ito categorical colours (yellow last: weak on white). */
export const CATEGORICAL = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"];

function interpolate(stops: string[], t: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0.5)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = hex(stops[i]), b = hex(stops[i + 1]);
  const mix = (k: number) => Math.round(a[k] + (b[k] - a[k]) * f).toString(16).padStart(2, "0");
  return `#${mix(0)}${mix(1)}${mix(2)}`;
}
const hex = (s: string) => [1, 3, 5].map((k) => parseInt(s.slice(k, k + 2), 16));

/** Diverging colour for t ∈ [−1, 1]: blue (negative), white (0), red (positive). */
export const diverging = (t: number) => interpolate(RDBU, (t + 1) / 2);
/** Sequential colour for t ∈ [0, 1] (viridis: dark purple → yellow). */
export const sequential = (t: number) => interpolate(VIRIDIS, t);
/** The RGB triple of a palette colour. */
export const rgb = (color: string) => hex(color);

// ————— scales and axes —————

export interface Scale {
  (v: number): number;
  domain: [number, number];
  ticks: number[];
  log: boolean;
}

/** Round tick values covering [a, b], about `count` of them. */
export function niceTicks(a: number, b: number, count = 5): number[] {
  if (!(b > a)) return [a];
  const raw = (b - a) / count;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((k) => k * p).find((s) => (b - a) / s <= count * 1.5) ?? 10 * p;
  const out: number[] = [];
  for (let v = Math.ceil(a / step - 1e-9) * step; v <= b + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  return out;
}

/** A linear (or log10) map from `domain` to `range`, with ticks. */
export function scale(domain: [number, number], range: [number, number], log = false, integer = false): Scale {
  let [d0, d1] = domain;
  if (log) {
    d0 = Math.log10(d0);
    d1 = Math.log10(d1);
  }
  if (!(d1 > d0)) {
    d0 -= 0.5;
    d1 += 0.5;
  }
  const f = ((v: number) => range[0] + (((log ? Math.log10(v) : v) - d0) / (d1 - d0)) * (range[1] - range[0])) as Scale;
  f.domain = domain;
  f.log = log;
  if (log) {
    const lo = Math.floor(d0 + 1e-9), hi = Math.ceil(d1 - 1e-9);
    const span = d1 - d0;
    const ticks: number[] = [];
    for (let e = lo; e <= hi; e++) {
      for (const k of span <= 1.6 ? [1, 2, 5] : span <= 3 ? [1, 3] : [1]) {
        const v = k * 10 ** e;
        if (Math.log10(v) >= d0 - 1e-9 && Math.log10(v) <= d1 + 1e-9) ticks.push(v);
      }
    }
    f.ticks = ticks.length >= 2 ? ticks : [10 ** d0, 10 ** d1];
  } else f.ticks = integer ? niceTicks(d0, d1).filter(Number.isInteger) : niceTicks(d0, d1);
  if (integer && f.ticks.length < 2) f.ticks = niceTicks(Math.ceil(d0), Math.floor(d1), Math.max(1, Math.min(5, Math.floor(d1) - Math.ceil(d0))));
  return f;
}

/** The extent of finite values, padded; falls back to [0, 1]. */
export function extent(values: Iterable<number>, pad = 0.05, include: number[] = []): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const v of [...values, ...include]) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) return [0, 1];
  if (lo === hi) return [lo - 0.5, hi + 0.5];
  const d = (hi - lo) * pad;
  return [lo - d, hi + d];
}

export interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

const frame = (width: number, height: number, m: Partial<Frame> = {}): Frame => ({ width, height, left: 46, right: 12, top: 22, bottom: 36, ...m });

function open(f: Frame, label: string, cls = "chart"): string {
  return `<svg class="${cls}" viewBox="0 0 ${f.width} ${f.height}" width="${f.width}" height="${f.height}" role="img" aria-label="${escapeXml(label)}"><title>${escapeXml(label)}</title>`;
}

function axes(f: Frame, x: Scale, y: Scale, xLabel: string, yLabel: string, title?: string): string {
  const out: string[] = [];
  const x0 = f.left, x1 = f.width - f.right, y0 = f.height - f.bottom, y1 = f.top;
  for (const t of y.ticks) {
    const py = y(t);
    if (py < y1 - 0.5 || py > y0 + 0.5) continue;
    out.push(`<line class="grid" x1="${c(x0)}" x2="${c(x1)}" y1="${c(py)}" y2="${c(py)}"/>`);
    out.push(`<text class="tick" x="${c(x0 - 4)}" y="${c(py + 3)}" text-anchor="end">${escapeXml(fmt(t))}</text>`);
  }
  for (const t of x.ticks) {
    const px = x(t);
    if (px < x0 - 0.5 || px > x1 + 0.5) continue;
    out.push(`<line class="grid" x1="${c(px)}" x2="${c(px)}" y1="${c(y1)}" y2="${c(y0)}"/>`);
    out.push(`<text class="tick" x="${c(px)}" y="${c(y0 + 12)}" text-anchor="middle">${escapeXml(fmt(t))}</text>`);
  }
  out.push(`<rect class="plot-frame" x="${c(x0)}" y="${c(y1)}" width="${c(x1 - x0)}" height="${c(y0 - y1)}"/>`);
  out.push(`<text class="axis-label" x="${c((x0 + x1) / 2)}" y="${c(f.height - 6)}" text-anchor="middle">${escapeXml(xLabel)}</text>`);
  out.push(`<text class="axis-label" transform="translate(11 ${c((y0 + y1) / 2)}) rotate(-90)" text-anchor="middle">${escapeXml(yLabel)}</text>`);
  if (title) out.push(`<text class="panel-title" x="${c(x0)}" y="${c(f.top - 7)}">${escapeXml(title)}</text>`);
  return out.join("");
}

/** A horizontal reference line with a label at the right end. */
export interface RefLine {
  y: number;
  label?: string;
}

function refLines(f: Frame, y: Scale, lines: RefLine[]): string {
  const visible = lines.filter((r) => y(r.y) >= f.top - 0.5 && y(r.y) <= f.height - f.bottom + 0.5).sort((a, b) => y(a.y) - y(b.y));
  let lastRight = -Infinity;
  return visible
    .map((r) => {
      const py = y(r.y);
      let label = "";
      if (r.label) {
        // Labels sit above their line at the right end; one too close to the previous goes below it, at the left end.
        const right = py - lastRight >= 10;
        if (right) lastRight = py;
        const x = right ? f.width - f.right - 3 : f.left + 3;
        label = `<text class="ref-label" x="${c(x)}" y="${c(right ? py - 3 : py + 9)}" text-anchor="${right ? "end" : "start"}">${escapeXml(r.label)}</text>`;
      }
      return `<g class="ref"><line x1="${c(f.left)}" x2="${c(f.width - f.right)}" y1="${c(py)}" y2="${c(py)}"/>${label}</g>`;
    })
    .join("");
}

// ————— heatmap —————

export interface HeatmapOptions {
  /** rows × cols, row-major. */
  values: ArrayLike<number>;
  rows: number;
  cols: number;
  /** Colour scale is symmetric, [−max, max] (default: the largest |value|, at least 1e-12). */
  max?: number;
  title?: string;
  label: string;
  /** Side pixel size of a cell (default: fits 220 px). */
  cell?: number;
  /** Tooltip per cell, e.g. (r, c, v) => `W${r}·W${c} = ${v}`. */
  cellTitle?: (r: number, col: number, v: number) => string;
  /** An extra column drawn after a gap (e.g. the bias), with its own symmetric scale. */
  side?: { values: ArrayLike<number>; label: string; max?: number; cellTitle?: (r: number, v: number) => string };
  /** Above this many cells, draw an embedded PNG instead of rectangles (default 2304 = 48²). */
  rectLimit?: number;
}

/** A diverging heatmap (red positive, blue negative, white zero) with an optional side column. */
export function heatmap(o: HeatmapOptions): string {
  const cell = o.cell ?? Math.max(1, Math.min(24, Math.floor(220 / Math.max(o.rows, o.cols))));
  const max = o.max ?? Math.max(1e-12, maxAbs(o.values));
  const gap = o.side ? Math.max(6, cell) : 0;
  const sideW = o.side ? cell : 0;
  const top = o.title ? 16 : 2;
  const w = o.cols * cell + gap + sideW + 4;
  const h = top + o.rows * cell + 4;
  const out: string[] = [open({ width: w, height: h, left: 0, right: 0, top: 0, bottom: 0 }, o.label, "heatmap")];
  if (o.title) out.push(`<text class="panel-title" x="2" y="11">${escapeXml(o.title)}</text>`);
  const limit = o.rectLimit ?? 2304;
  if (o.rows * o.cols > limit) {
    const colors = new Uint8Array(o.rows * o.cols * 3);
    for (let k = 0; k < o.rows * o.cols; k++) colors.set(rgb(diverging(o.values[k] / max)), 3 * k);
    out.push(`<image x="2" y="${top}" width="${o.cols * cell}" height="${o.rows * cell}" preserveAspectRatio="none" style="image-rendering:pixelated" href="data:image/png;base64,${pngBase64(o.cols, o.rows, colors)}"/>`);
  } else {
    for (let r = 0; r < o.rows; r++) {
      for (let k = 0; k < o.cols; k++) {
        const v = o.values[r * o.cols + k];
        const tip = o.cellTitle ? `<title>${escapeXml(o.cellTitle(r, k, v))}</title>` : "";
        out.push(`<rect x="${2 + k * cell}" y="${top + r * cell}" width="${cell}" height="${cell}" fill="${diverging(v / max)}">${tip}</rect>`);
      }
    }
  }
  if (o.side) {
    const smax = o.side.max ?? Math.max(1e-12, maxAbs(o.side.values));
    const x = 2 + o.cols * cell + gap;
    for (let r = 0; r < o.rows; r++) {
      const v = o.side.values[r];
      const tip = o.side.cellTitle ? `<title>${escapeXml(o.side.cellTitle(r, v))}</title>` : "";
      out.push(`<rect x="${x}" y="${top + r * cell}" width="${cell}" height="${cell}" fill="${diverging(v / smax)}">${tip}</rect>`);
    }
    out.push(`<rect class="cell-frame" x="${x}" y="${top}" width="${cell}" height="${o.rows * cell}"/>`);
  }
  out.push(`<rect class="cell-frame" x="2" y="${top}" width="${o.cols * cell}" height="${o.rows * cell}"/>`);
  out.push("</svg>");
  return out.join("");
}

function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]) && Math.abs(values[i]) > m) m = Math.abs(values[i]);
  return m;
}

/** A horizontal colour bar legend: `kind` diverging over [−max, max] or sequential over [lo, hi]. */
export function colorBar(o: { kind: "diverging" | "sequential"; lo: number; hi: number; label: string; width?: number }): string {
  const width = o.width ?? 180;
  const steps = 24;
  const f = { width: width + 20, height: 40, left: 10, right: 10, top: 0, bottom: 0 };
  const out = [open(f, o.label, "colorbar")];
  out.push(`<text class="tick" x="10" y="9" text-anchor="start">${escapeXml(o.label)}</text>`);
  for (let k = 0; k < steps; k++) {
    const t = (k + 0.5) / steps;
    const color = o.kind === "diverging" ? diverging(2 * t - 1) : sequential(t);
    out.push(`<rect x="${c(10 + (k * width) / steps)}" y="13" width="${c(width / steps + 0.5)}" height="10" fill="${color}"/>`);
  }
  out.push(`<rect class="cell-frame" x="10" y="13" width="${width}" height="10"/>`);
  out.push(`<text class="tick" x="10" y="34" text-anchor="start">${escapeXml(fmt(o.lo))}</text>`);
  if (o.kind === "diverging") out.push(`<text class="tick" x="${10 + width / 2}" y="34" text-anchor="middle">0</text>`);
  out.push(`<text class="tick" x="${10 + width}" y="34" text-anchor="end">${escapeXml(fmt(o.hi))}</text>`);
  out.push("</svg>");
  return out.join("");
}

// ————— categorical grid (phase diagrams) —————

export interface CategoryGridOptions {
  /** rows × cols category keys, row-major (row 0 is drawn at the bottom). */
  cells: string[][];
  /** Colour of each category. */
  colors: Record<string, string>;
  /** Row and column values (for the axis ticks), e.g. densities and relative importances. */
  rowValues: number[];
  colValues: number[];
  /** Cells to mark with a cross (e.g. disagreements). */
  marked?: boolean[][];
  cellTitle?: (r: number, col: number) => string;
  label: string;
  title?: string;
  xLabel: string;
  yLabel: string;
  cell?: number;
}

/** A grid of coloured categories with tick labels from the row/column values (log-spaced values show as such). */
export function categoryGrid(o: CategoryGridOptions): string {
  const rows = o.cells.length, cols = rows ? o.cells[0].length : 0;
  const cell = o.cell ?? Math.max(8, Math.min(40, Math.floor(260 / Math.max(rows, cols, 1))));
  const f = frame(Math.max(46 + cols * cell + 12, 230), 22 + rows * cell + 36, { left: 46, right: 12, top: 22, bottom: 36 });
  const out = [open(f, o.label)];
  const x0 = f.left, y0 = f.height - f.bottom;
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < cols; k++) {
      const key = o.cells[r][k];
      const tip = o.cellTitle ? `<title>${escapeXml(o.cellTitle(r, k))}</title>` : "";
      const x = x0 + k * cell, y = y0 - (r + 1) * cell;
      out.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${o.colors[key] ?? "#ffffff"}" stroke="#ffffff" stroke-width="0.6">${tip}</rect>`);
      if (o.marked?.[r]?.[k]) {
        const a = cell * 0.28;
        out.push(`<path class="mark" d="M${c(x + a)} ${c(y + a)}L${c(x + cell - a)} ${c(y + cell - a)}M${c(x + cell - a)} ${c(y + a)}L${c(x + a)} ${c(y + cell - a)}" stroke="#000000" stroke-width="1.4"/>`);
      }
    }
  }
  out.push(`<rect class="plot-frame" x="${x0}" y="${y0 - rows * cell}" width="${cols * cell}" height="${rows * cell}"/>`);
  const every = (count: number) => Math.max(1, Math.ceil(count / 5));
  for (let k = 0; k < cols; k += every(cols)) out.push(`<text class="tick" x="${c(x0 + (k + 0.5) * cell)}" y="${c(y0 + 12)}" text-anchor="middle">${escapeXml(fmt(o.colValues[k], 2))}</text>`);
  for (let r = 0; r < rows; r += every(rows)) out.push(`<text class="tick" x="${c(x0 - 4)}" y="${c(y0 - (r + 0.5) * cell + 3)}" text-anchor="end">${escapeXml(fmt(o.rowValues[r], 2))}</text>`);
  out.push(`<text class="axis-label" x="${c(x0 + (cols * cell) / 2)}" y="${c(f.height - 6)}" text-anchor="middle">${escapeXml(o.xLabel)}</text>`);
  out.push(`<text class="axis-label" transform="translate(11 ${c(y0 - (rows * cell) / 2)}) rotate(-90)" text-anchor="middle">${escapeXml(o.yLabel)}</text>`);
  if (o.title) out.push(`<text class="panel-title" x="${c(x0)}" y="${c(f.top - 7)}">${escapeXml(o.title)}</text>`);
  out.push("</svg>");
  return out.join("");
}

/** A legend of coloured swatches. */
export function swatches(items: { label: string; color: string }[], label: string): string {
  const widths = items.map((it) => 22 + it.label.length * 6.2);
  const w = widths.reduce((a, b) => a + b, 0) + 8;
  const out = [open({ width: w, height: 22, left: 0, right: 0, top: 0, bottom: 0 }, label, "legend")];
  let x = 4;
  items.forEach((it, k) => {
    out.push(`<rect x="${c(x)}" y="5" width="12" height="12" fill="${it.color}" stroke="#9a9ca3" stroke-width="0.6"/><text class="tick" x="${c(x + 16)}" y="15">${escapeXml(it.label)}</text>`);
    x += widths[k];
  });
  out.push("</svg>");
  return out.join("");
}

// ————— bar chart —————

export interface BarChartOptions {
  values: number[];
  /** Bar fill colours (default one colour). */
  colors?: string[];
  /** Tick labels under the bars (default the indices; thinned when crowded). */
  labels?: string[];
  barTitles?: string[];
  label: string;
  title?: string;
  xLabel?: string;
  yLabel?: string;
  width?: number;
  height?: number;
  yMax?: number;
  refLines?: RefLine[];
}

/** Vertical bars from zero (negative values go down). */
export function barChart(o: BarChartOptions): string {
  const f = frame(o.width ?? 260, o.height ?? 170, { left: 38 });
  const [lo, hi] = extent(o.values, 0.05, [0, ...(o.yMax !== undefined ? [o.yMax] : [])]);
  const y = scale([Math.min(0, lo), o.yMax ?? hi], [f.height - f.bottom, f.top]);
  const n = o.values.length;
  const band = (f.width - f.left - f.right) / Math.max(1, n);
  const x = Object.assign((v: number) => f.left + band * (v + 0.5), { domain: [0, n] as [number, number], ticks: [] as number[], log: false }) as Scale;
  const out = [open(f, o.label), axes(f, x, y, o.xLabel ?? "feature", o.yLabel ?? "", o.title)];
  const every = Math.max(1, Math.ceil((n * 16) / (f.width - f.left - f.right))); // ≥ 16 px per label
  for (let i = 0; i < n; i++) {
    const v = o.values[i];
    const y0 = y(0), y1 = y(Number.isFinite(v) ? v : 0);
    const tip = o.barTitles?.[i] ? `<title>${escapeXml(o.barTitles[i])}</title>` : "";
    out.push(`<rect class="bar" x="${c(f.left + band * i + band * 0.1)}" y="${c(Math.min(y0, y1))}" width="${c(band * 0.8)}" height="${c(Math.abs(y1 - y0))}" fill="${o.colors?.[i] ?? CATEGORICAL[0]}">${tip}</rect>`);
    if (i % every === 0) out.push(`<text class="tick" x="${c(x(i))}" y="${c(f.height - f.bottom + 12)}" text-anchor="middle">${escapeXml(o.labels?.[i] ?? String(i))}</text>`);
  }
  if (o.refLines) out.push(refLines(f, y, o.refLines));
  out.push("</svg>");
  return out.join("");
}

// ————— scatter —————

export interface Point {
  x: number;
  y: number;
  color?: string;
  r?: number;
  title?: string;
}

export interface ScatterOptions {
  points: Point[];
  label: string;
  title?: string;
  xLabel: string;
  yLabel: string;
  xLog?: boolean;
  /** Only integer ticks on x (an index axis). */
  xInteger?: boolean;
  xDomain?: [number, number];
  yDomain?: [number, number];
  refLines?: RefLine[];
  /** Draw lines through points sharing a series index, in order. */
  lines?: { points: { x: number; y: number }[]; color?: string }[];
  width?: number;
  height?: number;
}

/** Points (with optional horizontal reference lines and connecting lines). */
export function scatter(o: ScatterOptions): string {
  const f = frame(o.width ?? 420, o.height ?? 280, { right: 14 });
  const finite = o.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!o.xLog || p.x > 0));
  const xd = o.xDomain ?? (o.xLog ? logExtent(finite.map((p) => p.x)) : extent(finite.map((p) => p.x)));
  const yd = o.yDomain ?? extent(finite.map((p) => p.y), 0.05, (o.refLines ?? []).map((r) => r.y));
  const x = scale(xd, [f.left, f.width - f.right], o.xLog, o.xInteger);
  const y = scale(yd, [f.height - f.bottom, f.top]);
  const out = [open(f, o.label), axes(f, x, y, o.xLabel, o.yLabel, o.title)];
  if (o.refLines) out.push(refLines(f, y, o.refLines));
  for (const line of o.lines ?? []) {
    const pts = line.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!o.xLog || p.x > 0));
    if (pts.length > 1) out.push(`<polyline class="series" points="${pts.map((p) => `${c(x(p.x))},${c(y(p.y))}`).join(" ")}" stroke="${line.color ?? CATEGORICAL[0]}"/>`);
  }
  for (const p of finite) {
    const tip = p.title ? `<title>${escapeXml(p.title)}</title>` : "";
    out.push(`<circle class="dot" cx="${c(x(p.x))}" cy="${c(y(p.y))}" r="${p.r ?? 3}" fill="${p.color ?? CATEGORICAL[0]}">${tip}</circle>`);
  }
  out.push("</svg>");
  return out.join("");
}

function logExtent(values: number[]): [number, number] {
  const pos = values.filter((v) => v > 0 && Number.isFinite(v));
  if (pos.length === 0) return [1, 10];
  let lo = Math.min(...pos), hi = Math.max(...pos);
  if (lo === hi) {
    lo /= 2;
    hi *= 2;
  }
  const pad = (Math.log10(hi) - Math.log10(lo)) * 0.05;
  return [lo / 10 ** pad, hi * 10 ** pad];
}

// ————— line chart —————

export interface Series {
  label: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  color?: string;
  dashed?: boolean;
}

export interface LineChartOptions {
  series: Series[];
  label: string;
  title?: string;
  xLabel: string;
  yLabel: string;
  xLog?: boolean;
  yLog?: boolean;
  refLines?: RefLine[];
  /** Show a legend (default: when there are at most 12 series). */
  legend?: boolean;
  width?: number;
  height?: number;
}

/** Polylines, one per series, with an optional legend. Points ≤ 0 are dropped on log axes. */
export function lineChart(o: LineChartOptions): string {
  const legend = o.legend ?? o.series.length <= 12;
  const f = frame(o.width ?? 420, o.height ?? 260, { right: legend ? 110 : 14 });
  const ok = (v: number, log?: boolean) => Number.isFinite(v) && (!log || v > 0);
  const xs: number[] = [], ys: number[] = [];
  for (const s of o.series) {
    for (let i = 0; i < Math.min(s.x.length, s.y.length); i++) {
      if (ok(s.x[i], o.xLog) && ok(s.y[i], o.yLog)) {
        xs.push(s.x[i]);
        ys.push(s.y[i]);
      }
    }
  }
  const x = scale(o.xLog ? logExtent(xs) : extent(xs, 0), [f.left, f.width - f.right], o.xLog);
  const y = scale(o.yLog ? logExtent(ys) : extent(ys, 0.05, (o.refLines ?? []).map((r) => r.y)), [f.height - f.bottom, f.top], o.yLog);
  const out = [open(f, o.label), axes(f, x, y, o.xLabel, o.yLabel, o.title)];
  if (o.refLines) out.push(refLines(f, y, o.refLines));
  o.series.forEach((s, k) => {
    const color = s.color ?? CATEGORICAL[k % CATEGORICAL.length];
    const pts: string[] = [];
    for (let i = 0; i < Math.min(s.x.length, s.y.length); i++) if (ok(s.x[i], o.xLog) && ok(s.y[i], o.yLog)) pts.push(`${c(x(s.x[i]))},${c(y(s.y[i]))}`);
    if (pts.length === 1) pts.push(pts[0]);
    out.push(`<polyline class="series${s.dashed ? " dashed" : ""}" points="${pts.join(" ")}" stroke="${color}"><title>${escapeXml(s.label)}</title></polyline>`);
    if (legend) {
      const ly = f.top + 6 + k * 13;
      out.push(`<line x1="${f.width - f.right + 8}" x2="${f.width - f.right + 22}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="4 2"' : ""}/>`);
      out.push(`<text class="tick" x="${f.width - f.right + 26}" y="${ly + 3}">${escapeXml(s.label)}</text>`);
    }
  });
  out.push("</svg>");
  return out.join("");
}

// ————— 2-D vectors (feature polygons) —————

export interface Vector2 {
  x: number;
  y: number;
  label?: string;
  color?: string;
  title?: string;
}

export interface VectorPlotOptions {
  vectors: Vector2[];
  label: string;
  title?: string;
  /** Half-width of the square view (default: the longest vector × 1.15, at least 0.1). */
  radius?: number;
  size?: number;
  /** Indices of vectors whose tips are joined in angular order (a polygon's outline). */
  outline?: number[];
  /** Paths to draw under the vectors (e.g. trajectories), each a list of points. */
  paths?: { points: { x: number; y: number }[]; color?: string; title?: string }[];
  /** A unit circle for reference. */
  unitCircle?: boolean;
}

/** Vectors from the origin in a square view: spokes, tips, labels, the polygon outline. */
export function vectorPlot(o: VectorPlotOptions): string {
  const size = o.size ?? 200;
  const top = o.title ? 16 : 0;
  let r = o.radius ?? 0;
  if (!o.radius) {
    for (const v of o.vectors) r = Math.max(r, Math.hypot(v.x, v.y));
    for (const p of o.paths ?? []) for (const q of p.points) r = Math.max(r, Math.hypot(q.x, q.y));
    r = Math.max(0.1, r * 1.15, o.unitCircle ? 1.05 : 0);
  }
  const half = size / 2;
  const px = (x: number) => half + (x / r) * (half - 6);
  const py = (y: number) => top + half - (y / r) * (half - 6);
  const out = [open({ width: size, height: size + top, left: 0, right: 0, top: 0, bottom: 0 }, o.label, "vectors")];
  if (o.title) out.push(`<text class="panel-title" x="2" y="11">${escapeXml(o.title)}</text>`);
  out.push(`<rect class="plot-frame" x="0.5" y="${top + 0.5}" width="${size - 1}" height="${size - 1}"/>`);
  out.push(`<line class="grid" x1="${c(px(-r))}" x2="${c(px(r))}" y1="${c(py(0))}" y2="${c(py(0))}"/><line class="grid" x1="${c(px(0))}" x2="${c(px(0))}" y1="${c(py(-r))}" y2="${c(py(r))}"/>`);
  if (o.unitCircle) out.push(`<circle class="unit" cx="${c(px(0))}" cy="${c(py(0))}" r="${c((half - 6) / r)}"/>`);
  for (const p of o.paths ?? []) {
    if (p.points.length < 2) continue;
    const tip = p.title ? `<title>${escapeXml(p.title)}</title>` : "";
    out.push(`<polyline class="path" points="${p.points.map((q) => `${c(px(q.x))},${c(py(q.y))}`).join(" ")}" stroke="${p.color ?? "#777"}">${tip}</polyline>`);
  }
  if (o.outline) {
    const tips = o.outline.map((i) => o.vectors[i]).filter((v) => v !== undefined).sort((a, b) => Math.atan2(a.y, a.x) - Math.atan2(b.y, b.x));
    if (tips.length >= 3) out.push(`<polygon class="outline" points="${tips.map((v) => `${c(px(v.x))},${c(py(v.y))}`).join(" ")}"/>`);
  }
  for (const v of o.vectors) {
    const color = v.color ?? CATEGORICAL[0];
    const tip = v.title ? `<title>${escapeXml(v.title)}</title>` : "";
    out.push(`<g class="vec"><line x1="${c(px(0))}" y1="${c(py(0))}" x2="${c(px(v.x))}" y2="${c(py(v.y))}" stroke="${color}"/><circle cx="${c(px(v.x))}" cy="${c(py(v.y))}" r="3.2" fill="${color}">${tip}</circle></g>`);
    if (v.label !== undefined && Math.hypot(v.x, v.y) > r * 0.05) {
      const len = Math.hypot(v.x, v.y);
      const lx = px(v.x) + (v.x / len) * 9, ly = py(v.y) - (v.y / len) * 9 + 3;
      out.push(`<text class="vec-label" x="${c(lx)}" y="${c(ly)}" text-anchor="middle">${escapeXml(v.label)}</text>`);
    }
  }
  out.push("</svg>");
  return out.join("");
}

/** Adds the SVG namespace so a builder's output can be saved as a standalone .svg file. */
export function standalone(svg: string): string {
  return svg.replace(/^<svg /, '<svg xmlns="http://www.w3.org/2000/svg" ');
}

// ————— a tiny PNG encoder (uncompressed deflate), for large heatmaps —————

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let k = n;
    for (let j = 0; j < 8; j++) k = k & 1 ? 0xedb88320 ^ (k >>> 1) : k >>> 1;
    t[n] = k >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array, start: number, end: number): number {
  let crc = 0xffffffff;
  for (let i = start; i < end; i++) crc = CRC_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** A width×height RGB image (row-major, 3 bytes per pixel) as a base64 PNG. */
export function pngBase64(width: number, height: number, rgbBytes: Uint8Array): string {
  const raw = new Uint8Array(height * (1 + 3 * width));
  for (let y = 0; y < height; y++) raw.set(rgbBytes.subarray(y * 3 * width, (y + 1) * 3 * width), y * (1 + 3 * width) + 1); // filter 0
  // zlib stream of stored blocks (≤ 65535 bytes each) + Adler-32.
  const blocks = Math.max(1, Math.ceil(raw.length / 65535));
  const z = new Uint8Array(2 + raw.length + 5 * blocks + 4);
  z[0] = 0x78;
  z[1] = 0x01;
  let at = 2;
  for (let b = 0; b < blocks; b++) {
    const chunk = raw.subarray(b * 65535, Math.min(raw.length, (b + 1) * 65535));
    z[at++] = b === blocks - 1 ? 1 : 0;
    z[at++] = chunk.length & 0xff;
    z[at++] = chunk.length >> 8;
    z[at++] = ~chunk.length & 0xff;
    z[at++] = (~chunk.length >> 8) & 0xff;
    z.set(chunk, at);
    at += chunk.length;
  }
  let a = 1, s = 0;
  for (let i = 0; i < raw.length; i++) {
    a = (a + raw[i]) % 65521;
    s = (s + a) % 65521;
  }
  new DataView(z.buffer).setUint32(at, ((s << 16) | a) >>> 0);
  const chunk = (type: string, data: Uint8Array) => {
    const out = new Uint8Array(12 + data.length);
    const v = new DataView(out.buffer);
    v.setUint32(0, data.length);
    for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
    out.set(data, 8);
    v.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
    return out;
  };
  const ihdr = new Uint8Array(13);
  const hv = new DataView(ihdr.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, no filter, no interlace
  const parts = [Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", z), chunk("IEND", new Uint8Array(0))];
  const total = parts.reduce((k, p) => k + p.length, 0);
  const png = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    png.set(p, o);
    o += p.length;
  }
  return base64(png);
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
function base64(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63] + (i + 1 < bytes.length ? B64[(n >> 6) & 63] : "=") + (i + 2 < bytes.length ? B64[n & 63] : "=");
  }
  return out;
}
