// The analysis every command shares: per instance the metrics (exact, as src/metrics.ts defines them),
// tegum factors and polytopes (with a dead-feature cut and a Gram tolerance suited to trained weights),
// and the bundle finder; mapped into the report schema. Plus the trained-model report and the short
// text summaries the commands print.
import { findBundles, type BundleOptions, type BundleResult } from "../bundles.js";
import { TegumError } from "../errors.js";
import { featureMetrics } from "../metrics.js";
import { DEFAULT_RANK_TOLERANCE, DEFAULT_SHAPE_TOLERANCE, factorPolytopes } from "../polytope.js";
import { instanceReport, modelReport, type InstanceInput } from "../report/build.js";
import { bundlesText, dPattern, geometryText, REPRESENTED_NORM } from "../report/summary.js";

import type { InstanceReport, LossCurve, ModelReport, Snapshot as ReportSnapshot } from "../report/schema.js";
import { fmt } from "../report/svg.js";
import type { NormalizedConfig } from "../train-config.js";
import type { TrainResult } from "../train.js";
import { perInstanceSparsity } from "./model-file.js";

export interface AnalysisSettings {
  /** |cos| above which features share a tegum factor; "auto": the gap rule of the bundle finder. */
  factorTol: number | "auto";
  /** Features with ‖W_i‖ ≤ deadTol × max norm are in no factor (and left out by the bundle finder); "auto": the norm gap. */
  deadTol: number | "auto";
  /** Largest |cos − reference| for a polytope's name (trained weights are a few degrees off). */
  shapeTol: number;
  /** Relative singular-value tolerance for the rank of a set of features (polytopes and bundles). */
  rankTol: number;
  /** "run" (errors propagate), "if-cheap" (skip when above the work budget), "off". */
  bundles: "run" | "if-cheap" | "off";
  bundleOptions: Omit<BundleOptions, "gramTol" | "deadTol" | "rankTol" | "polytope">;
}

export const defaultSettings = (): AnalysisSettings => ({
  factorTol: "auto", deadTol: "auto", shapeTol: DEFAULT_SHAPE_TOLERANCE, rankTol: DEFAULT_RANK_TOLERANCE, bundles: "if-cheap", bundleOptions: {},
});

export interface AnalyzedInstance {
  report: InstanceReport;
  bundles: BundleResult | "not-run";
  /** Why the bundle finder was skipped ("if-cheap" above the budget), else null. */
  skipped: string | null;
}

/** Analyses one instance's W (m×n row-major) into the report schema. Requires `init`. */
export function analyzeInstance(input: InstanceInput & { W: Float32Array | Float64Array }, s: AnalysisSettings): AnalyzedInstance {
  const { W, m, n } = input;
  const metrics = featureMetrics(W, m, n);
  const shapes = { tolerance: s.shapeTol, rankTolerance: s.rankTol, deadTolerance: s.deadTol };
  // "auto": tegumFactors picks the tolerance with the bundle finder's gap rule (`chooseGramTol`).
  const analysis = factorPolytopes(W, m, n, { ...shapes, metrics, factorTolerance: s.factorTol });
  const factorTol = analysis.factors.tolerance;
  let bundles: BundleResult | "not-run" = "not-run";
  let skipped: string | null = null;
  if (s.bundles !== "off" && m >= 2) {
    try {
      bundles = findBundles(W, m, n, { ...s.bundleOptions, gramTol: factorTol, deadTol: s.deadTol, rankTol: s.rankTol, polytope: { tolerance: s.shapeTol } });
    } catch (e) {
      if (!(e instanceof TegumError)) throw e;
      if (e.parameter === "maxWork" && s.bundles === "if-cheap") skipped = cliNames(e.message);
      else throw new TegumError(cliNames(e.message), e.parameter);
    }
  }
  return { report: instanceReport(input, analysis, bundles), bundles, skipped };
}

/** The bundle finder's option names in its messages, as the CLI's flags. */
export function cliNames(message: string): string {
  return message.replace(/\bmaxK\b/g, "--k-max").replace(/\bmaxWork\b/g, "--max-work").replace(/\bgramTol\b/g, "--factor-tol")
    .replace(/\bminSamples\b/g, "--min-samples").replace(/\brankTol\b/g, "--rank-tol").replace(/\bdeadTol\b/g, "--dead-tol")
    .replace(/features: a subset of the columns, /, "").replace(/--dead-tol to drop weak features, /, "");
}

// ————— trained models —————

/** At most `points` loss values: bucket means, x = steps completed at the bucket's end. */
export function lossCurve(loss: Float32Array, points = 400): LossCurve {
  const T = loss.length;
  const steps: number[] = [];
  const values: number[] = [];
  const buckets = Math.min(T, points);
  for (let k = 0; k < buckets; k++) {
    const a = Math.floor((k * T) / buckets), b = Math.floor(((k + 1) * T) / buckets);
    let s = 0;
    for (let i = a; i < b; i++) s += loss[i];
    const v = s / (b - a);
    if (!Number.isFinite(v) || v <= 0) continue;
    steps.push(b);
    values.push(v);
  }
  return { steps, loss: values };
}

/** `p = 0.05` style label of an instance with feature probability p. */
export function densityLabel(cfg: NormalizedConfig, i: number): string {
  const row = cfg.p[i];
  return row.every((x) => x === row[0]) ? `p = ${fmt(row[0])}` : `instance ${i}`;
}

export interface TrainedReportOptions {
  id: string;
  title: string;
  settings: AnalysisSettings;
  /** Called once when the bundle finder is skipped for budget reasons. */
  onSkip?: (message: string) => void;
}

/** The report entry of a trained model: analysis of every instance's kept weights, loss curves, snapshots. */
export function trainedModelReport(result: TrainResult, o: TrainedReportOptions): ModelReport {
  const cfg = result.config;
  const { n, m } = cfg;
  const sparsity = perInstanceSparsity(cfg);
  let warned = false;
  const analyses = result.instances.map((inst, i) => {
    const snapshots: ReportSnapshot[] | null = inst.snapshots.length > 1
      ? inst.snapshots.map((snap) => ({ step: snap.step, W: rowsOf(snap.W, m, n), bias: Array.from(snap.b) }))
      : null;
    const a = analyzeInstance({
      index: i, W: inst.W, m, n, bias: inst.b, label: densityLabel(cfg, i), sparsity: sparsity[i], importance: cfg.importance[i],
      loss: inst.finalLoss, lossCurve: lossCurve(inst.loss), snapshots,
    }, o.settings);
    if (a.skipped && !warned) {
      warned = true;
      o.onSkip?.(a.skipped);
    }
    return a;
  });
  const source = {
    kind: "trained" as const, model: cfg.model, steps: cfg.steps, batch: cfg.batch, lr: cfg.lr, schedule: cfg.schedule, seed: cfg.seed,
    config: { ...cfg, stepsCompleted: result.step } as unknown as Record<string, unknown>,
  };
  return modelReport(o.id, o.title, n, m, source, analyses.map((a) => a.report));
}

function rowsOf(W: ArrayLike<number>, m: number, n: number): number[][] {
  return Array.from({ length: m }, (_, j) => Array.from({ length: n }, (_, i) => W[j * n + i]));
}

// ————— text summaries —————

/** A plain-text table (columns padded; the last column is not). */
export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((x, c) => (c === r.length - 1 ? x : x.padEnd(widths[c]))).join("  ").trimEnd();
  return [line(head), ...rows.map(line)].join("\n") + "\n";
}

/** The per-instance summary of a model: p, loss, represented features, D pattern, polytopes, bundles. */
export function modelSummary(model: ModelReport): string {
  const rows = model.instances.map((inst) => [
    String(inst.index),
    inst.sparsity === null ? "–" : fmt(1 - inst.sparsity),
    inst.loss == null ? "–" : fmt(inst.loss),
    `${inst.features.filter((f) => f.norm > REPRESENTED_NORM).length}/${model.nFeatures}`,
    dPattern(inst),
    geometryText(inst),
    bundlesText(inst),
  ]);
  return table(["inst", "p", "loss", "kept", "D_i (kept)", "geometry", "bundles"], rows);
}
