// The rotatable 3-D view of feature directions (m ≥ 3): an orthographic SVG projection redrawn on drag
// or arrow keys. For m = 3 the axes are the hidden dimensions; for m > 3 the view shows the top three
// principal directions of the columns (exact when W has rank ≤ 3).
import { symmetricEigen } from "../report/project.js";
import { escapeXml as esc, fmt } from "../report/svg.js";

export type Mat3 = [number, number, number, number, number, number, number, number, number];

export interface Point3 {
  v: [number, number, number];
  color: string;
  label?: string;
  title?: string;
}

export interface View3DOptions {
  points: Point3[];
  /** Pairs of point indices joined by a line (a polytope's edges). */
  edges?: [number, number][];
  rotation: Mat3;
  size: number;
  /** Half-width of the view in data units (default: the longest vector × 1.2, at least 1.05 for the unit sphere). */
  radius?: number;
  label: string;
  /** Axis names (default h₁ h₂ h₃); null hides the axes. */
  axes?: [string, string, string] | null;
  /** Draw tip labels (default true). */
  labels?: boolean;
}

/** A rotation that shows three axes obliquely (x right-ish, z up-ish). */
export const OBLIQUE: Mat3 = multiply(rotX(-1.05), rotZ(-0.65));

export function rotX(a: number): Mat3 {
  const c = Math.cos(a), s = Math.sin(a);
  return [1, 0, 0, 0, c, -s, 0, s, c];
}
export function rotY(a: number): Mat3 {
  const c = Math.cos(a), s = Math.sin(a);
  return [c, 0, s, 0, 1, 0, -s, 0, c];
}
export function rotZ(a: number): Mat3 {
  const c = Math.cos(a), s = Math.sin(a);
  return [c, -s, 0, s, c, 0, 0, 0, 1];
}
export function multiply(a: Mat3, b: Mat3): Mat3 {
  const out = new Array<number>(9).fill(0) as Mat3;
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) out[3 * i + j] += a[3 * i + k] * b[3 * k + j];
  return out;
}
const apply = (r: Mat3, v: readonly number[]): [number, number, number] => [
  r[0] * v[0] + r[1] * v[1] + r[2] * v[2],
  r[3] * v[0] + r[4] * v[1] + r[5] * v[2],
  r[6] * v[0] + r[7] * v[1] + r[8] * v[2],
];

/**
 * 3-D coordinates of the columns of W (m×n row-major): the hidden coordinates for m = 3, else the
 * coordinates on the top three principal directions of the columns (`exact` = they capture all of W).
 */
export function coordinates3(W: ArrayLike<number>, m: number, n: number): { points: [number, number, number][]; exact: boolean; captured: number } {
  const col = (i: number) => Array.from({ length: m }, (_, r) => W[r * n + i]);
  if (m <= 3) return { points: Array.from({ length: n }, (_, i) => { const c = col(i); return [c[0] ?? 0, c[1] ?? 0, c[2] ?? 0]; }), exact: true, captured: 1 };
  const M = Array.from({ length: m }, (_, a) => Array.from({ length: m }, (_, b) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += W[a * n + i] * W[b * n + i];
    return s;
  }));
  const { values, vectors } = symmetricEigen(M);
  const total = values.reduce((s, v) => s + Math.max(0, v), 0);
  const top = values.slice(0, 3).reduce((s, v) => s + Math.max(0, v), 0);
  const points = Array.from({ length: n }, (_, i) => {
    const c = col(i);
    return [0, 1, 2].map((k) => c.reduce((s, x, r) => s + x * vectors[r][k], 0)) as [number, number, number];
  });
  const captured = total > 0 ? top / total : 1;
  return { points, exact: captured > 1 - 1e-6, captured };
}

const c2 = (x: number) => String(Math.round(x * 100) / 100);

/** The 3-D view as an SVG string. Back-facing spokes are drawn first and lighter. */
export function render3d(o: View3DOptions): string {
  const size = o.size;
  const half = size / 2;
  let r = o.radius ?? 0;
  if (!o.radius) {
    for (const p of o.points) r = Math.max(r, Math.hypot(...p.v));
    r = Math.max(1.05, r * 1.2);
  }
  const k = (half - 8) / r;
  const px = (v: number[]) => half + v[0] * k;
  const py = (v: number[]) => half - v[1] * k;
  const out: string[] = [
    `<svg class="view3d" viewBox="0 0 ${size} ${size}" width="${size}" height="${size}" role="img" aria-label="${esc(o.label)}"><title>${esc(o.label)}</title>`,
    `<rect class="plot-frame" x="0.5" y="0.5" width="${size - 1}" height="${size - 1}"/>`,
    `<circle class="sphere" cx="${half}" cy="${half}" r="${c2(k)}"/>`,
  ];
  // Great circles of the unit sphere in the three coordinate planes, back halves dashed.
  for (let a = 0; a < 3; a++) {
    const front: string[] = [], back: string[] = [];
    let seg: string[] = [], segFront: boolean | null = null;
    const flush = () => {
      if (seg.length > 1) (segFront ? front : back).push(seg.join(" "));
      seg = [];
    };
    for (let t = 0; t <= 72; t++) {
      const th = (t / 72) * 2 * Math.PI;
      const v = [0, 0, 0];
      v[(a + 1) % 3] = Math.cos(th);
      v[(a + 2) % 3] = Math.sin(th);
      const w = apply(o.rotation, v);
      const isFront = w[2] >= 0;
      if (segFront !== null && isFront !== segFront) {
        seg.push(`${c2(px(w))},${c2(py(w))}`);
        flush();
      }
      segFront = isFront;
      seg.push(`${c2(px(w))},${c2(py(w))}`);
    }
    flush();
    for (const p of back) out.push(`<polyline class="circle back" points="${p}"/>`);
    for (const p of front) out.push(`<polyline class="circle" points="${p}"/>`);
  }
  const axes = o.axes === undefined ? (["h₁", "h₂", "h₃"] as const) : o.axes;
  if (axes) {
    for (let a = 0; a < 3; a++) {
      const e = [0, 0, 0];
      e[a] = 1;
      const w = apply(o.rotation, e);
      out.push(`<line class="axis3" x1="${half}" y1="${half}" x2="${c2(px(w))}" y2="${c2(py(w))}"/>`);
      out.push(`<text class="axis3-label" x="${c2(px(w.map((x) => x * 1.08)))}" y="${c2(py(w.map((x) => x * 1.08)) + 3)}" text-anchor="middle">${esc(axes[a])}</text>`);
    }
  }
  const proj = o.points.map((p) => apply(o.rotation, p.v));
  // Depth of a spoke: its tip's z (viewer at +z).
  const order = proj.map((_, i) => i).sort((a, b) => proj[a][2] - proj[b][2]);
  for (const [i, j] of o.edges ?? []) {
    const depth = (proj[i][2] + proj[j][2]) / 2;
    out.push(`<line class="edge3${depth < 0 ? " back" : ""}" x1="${c2(px(proj[i]))}" y1="${c2(py(proj[i]))}" x2="${c2(px(proj[j]))}" y2="${c2(py(proj[j]))}"/>`);
  }
  const showLabels = o.labels ?? true;
  for (const i of order) {
    const p = o.points[i], w = proj[i];
    const len = Math.hypot(...p.v);
    const back = w[2] < -0.05 * r;
    const tip = p.title ? `<title>${esc(p.title)}</title>` : "";
    const rad = Math.max(2.2, 3.4 + (1.2 * w[2]) / r);
    out.push(`<g class="vec${back ? " back" : ""}"><line x1="${half}" y1="${half}" x2="${c2(px(w))}" y2="${c2(py(w))}" stroke="${p.color}"/><circle cx="${c2(px(w))}" cy="${c2(py(w))}" r="${c2(rad)}" fill="${p.color}">${tip}</circle></g>`);
    const planar = Math.hypot(w[0], w[1]);
    if (showLabels && p.label !== undefined && len > r * 0.05) {
      const ux = planar > 1e-9 ? w[0] / planar : 0, uy = planar > 1e-9 ? w[1] / planar : 1;
      out.push(`<text class="vec-label${back ? " back" : ""}" x="${c2(px(w) + ux * 10)}" y="${c2(py(w) - uy * 10 + 3)}" text-anchor="middle">${esc(p.label)}</text>`);
    }
  }
  out.push("</svg>");
  return out.join("");
}

/**
 * Makes `host` a rotatable view: drag with a pointer, or focus it and use the arrow keys (Shift: finer;
 * Home: the default view). Calls `draw(rotation)` whenever the rotation changes.
 */
export class Rotator {
  rotation: Mat3 = OBLIQUE;
  private drag: { x: number; y: number; id: number } | null = null;

  constructor(host: HTMLElement, private draw: (r: Mat3) => void) {
    host.tabIndex = 0;
    host.setAttribute("role", "application");
    host.setAttribute("aria-roledescription", "rotatable 3-D view");
    host.addEventListener("pointerdown", (e) => {
      this.drag = { x: e.clientX, y: e.clientY, id: e.pointerId };
      host.setPointerCapture(e.pointerId);
      host.classList.add("dragging");
      e.preventDefault();
    });
    host.addEventListener("pointermove", (e) => {
      if (!this.drag || e.pointerId !== this.drag.id) return;
      const dx = e.clientX - this.drag.x, dy = e.clientY - this.drag.y;
      this.drag.x = e.clientX;
      this.drag.y = e.clientY;
      this.turn(dx * 0.01, dy * 0.01);
    });
    const end = (e: PointerEvent) => {
      if (this.drag?.id !== e.pointerId) return;
      this.drag = null;
      host.classList.remove("dragging");
    };
    host.addEventListener("pointerup", end);
    host.addEventListener("pointercancel", end);
    host.addEventListener("keydown", (e) => {
      const step = e.shiftKey ? 0.05 : 0.2;
      const keys: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
      if (e.key === "Home") {
        this.rotation = OBLIQUE;
        this.draw(this.rotation);
      } else if (keys[e.key]) this.turn(...keys[e.key]);
      else return;
      e.preventDefault();
    });
  }

  /** Turns about the screen's vertical axis by `yaw` and its horizontal axis by `pitch` (radians). */
  turn(yaw: number, pitch: number): void {
    this.rotation = multiply(multiply(rotX(pitch), rotY(yaw)), this.rotation);
    this.draw(this.rotation);
  }
}

/** A short description of the rotation for screen readers. */
export function describeView(points: number, exact: boolean, captured: number): string {
  return exact
    ? `${points} feature directions in 3-D; drag or use the arrow keys to rotate, Home to reset`
    : `${points} feature directions projected on the top three principal directions (${fmt(100 * captured)}% of ‖W‖²); drag or use the arrow keys to rotate`;
}
