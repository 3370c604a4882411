// Maps analysis results (metrics, tegum factors, polytopes, bundles — computed by the caller) into the
// report schema. Pure data shaping: it calls no engine, so the CLI, the demo and a browser page can all
// run the engines their own way and hand the results here.
import type { BundleResult } from "../bundles.js";
import type { FactorPolytopes } from "../polytope.js";
import { schemaVersion, type InstanceReport, type LossCurve, type ModelReport, type ModelSource, type Report, type Snapshot } from "./schema.js";

/** Weights of one instance and what is known about how they were made. */
export interface InstanceInput {
  index: number;
  /** m×n row-major. */
  W: ArrayLike<number>;
  m: number;
  n: number;
  bias?: ArrayLike<number> | null;
  label?: string;
  sparsity?: number | null;
  importance?: ArrayLike<number> | null;
  loss?: number | null;
  lossCurve?: LossCurve | null;
  snapshots?: Snapshot[] | null;
}

/** Nested rows of an m×n row-major matrix. */
export function rows(W: ArrayLike<number>, m: number, n: number): number[][] {
  return Array.from({ length: m }, (_, j) => Array.from({ length: n }, (_, i) => W[j * n + i]));
}

const finiteOrNull = (x: number) => (Number.isFinite(x) ? x : null);

/**
 * One instance of the report from its weights, `factorPolytopes(W, m, n)` and optionally
 * `findBundles(W, m, n)` (or "not-run"). Polytopes are listed for factors of two or more features.
 */
export function instanceReport(input: InstanceInput, analysis: FactorPolytopes, bundles: BundleResult | "not-run" = "not-run"): InstanceReport {
  const { m, n } = input;
  const { metrics, factors, polytopes } = analysis;
  const bias = input.bias ? Array.from(input.bias) : null;
  const out: InstanceReport = {
    index: input.index,
    ...(input.label !== undefined ? { label: input.label } : {}),
    sparsity: input.sparsity ?? null,
    importance: input.importance ? Array.from(input.importance) : null,
    W: rows(input.W, m, n),
    bias,
    features: Array.from({ length: n }, (_, i) => ({
      index: i,
      norm: metrics.norms[i],
      superposition: metrics.superposition[i],
      dimensionality: metrics.dimensionality[i],
      bias: bias ? bias[i] : null,
    })),
    dimensionsPerFeature: finiteOrNull(metrics.dimensionsPerFeature),
    tegumFactors: factors.factors.map((f) => f.slice()),
    bundles: bundles === "not-run" ? [] : bundles.bundles.map((b) => ({ rank: b.rank, features: b.features.slice(), shape: b.shape, clusterSize: b.subsets })),
    bundlesStatus: bundles === "not-run" ? "not-run" : bundles.bundles.length ? "found" : "none-found",
    polytopes: polytopes.flatMap((p, k) => {
      if (p.features.length < 2) return [];
      const d = p.features.reduce((s, i) => s + metrics.dimensionality[i], 0) / p.features.length;
      return [{ features: p.features.slice(), rank: p.rank, shape: p.name, dimensionality: d, factor: k }];
    }),
  };
  if (input.loss !== undefined) out.loss = input.loss === null ? null : finiteOrNull(input.loss);
  if (input.lossCurve) out.lossCurve = input.lossCurve;
  if (input.snapshots) out.snapshots = input.snapshots;
  return out;
}

/** A report of one or more models. */
export function makeReport(title: string, models: ModelReport[], options: { version?: string; command?: string } = {}): Report {
  return {
    schemaVersion,
    generator: { name: "tegum", version: options.version ?? "unknown" },
    title,
    ...(options.command !== undefined ? { command: options.command } : {}),
    models,
  };
}

/** A model entry from its instances. */
export function modelReport(id: string, title: string, nFeatures: number, nHidden: number, source: ModelSource, instances: InstanceReport[]): ModelReport {
  return { id, title, nFeatures, nHidden, source, instances };
}
