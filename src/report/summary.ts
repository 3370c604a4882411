// One-line descriptions of an instance's geometry, shared by the HTML summary table and the CLI's text
// tables: the represented features' D_i as a pattern of fractions, and the shapes found.
import { closestFraction } from "../fraction.js";
import type { InstanceReport } from "./schema.js";

/** Features whose norm exceeds this count as represented in the summaries and outlines. */
export const REPRESENTED_NORM = 0.5;

/** Represented features' D_i as a compact pattern: `2×1`, `4×1/2`, `5×2/5`, `0.37 0.31`. */
export function dPattern(inst: InstanceReport): string {
  const ds = inst.features.filter((f) => f.norm > REPRESENTED_NORM).map((f) => f.dimensionality).sort((a, b) => b - a);
  if (ds.length === 0) return "–";
  const labels = ds.map((d) => closestFraction(d, 0.03, 8)?.text ?? d.toFixed(2));
  const out: string[] = [];
  for (let k = 0; k < labels.length; ) {
    let j = k;
    while (j < labels.length && labels[j] === labels[k]) j++;
    out.push(j - k > 1 ? `${j - k}×${labels[k]}` : labels[k]);
    k = j;
  }
  return out.join(" ");
}

/**
 * The polytopes of an instance, with dedicated features counted: single-feature tegum factors, and
 * sets of independent features that each keep a whole dimension (D_i > 0.9: orthogonal up to noise).
 */
export function geometryText(inst: InstanceReport): string {
  let dedicated = inst.tegumFactors.filter((f) => f.length === 1 && inst.features[f[0]].norm > REPRESENTED_NORM).length;
  const shapes: string[] = [];
  for (const p of inst.polytopes) {
    if (p.rank === p.features.length && p.features.every((i) => inst.features[i].dimensionality > 0.9)) dedicated += p.features.length;
    else shapes.push(p.shape);
  }
  return [...(dedicated ? [`${dedicated} dedicated`] : []), ...(shapes.length ? [countList(shapes)] : [])].join(", ") || "–";
}

/** Items with their multiplicity, first-seen order: `3× digon, pentagon`. */
export function countList(items: string[]): string {
  const counts = new Map<string, number>();
  for (const s of items) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts].map(([s, k]) => (k > 1 ? `${k}× ${s}` : s)).join(", ");
}

/** The bundles of an instance: `digon{0 1} pentagon{2 3 4 5 6}`, `none`, or `not run`. */
export function bundlesText(inst: InstanceReport): string {
  if (inst.bundlesStatus === "not-run") return "not run";
  if (inst.bundles.length === 0) return "none";
  return inst.bundles.map((b) => `${b.shape}{${b.features.join(" ")}}`).join(" ");
}
