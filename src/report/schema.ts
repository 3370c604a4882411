// The versioned `report.json` schema (also what `tegum … --json` prints): everything the HTML report
// draws, and nothing it has to compute with an engine. One Report holds one or more models (the demo
// has two sweeps); a model holds instances (one per sparsity, or per instance slice of a weights file);
// an instance holds its weights, its per-feature metrics and the geometry found in it.
//
// Conventions: W is m×n as nested rows (`W[j][i]`, column i = feature i's direction in hidden space);
// features are 0-based indices into the n columns; `sparsity` is S, the probability a feature is
// absent (so the density is p = 1 − S and the x axis of the sparsity plots is 1/(1−S)); numbers are
// plain JSON numbers and NaN is never written (unknown values are null or absent).
//
// Versioning: `schemaVersion` changes on any incompatible change (a field removed, renamed or
// retyped). New optional fields may be added within a version; readers must ignore unknown fields.
import { TegumError } from "../errors.js";

/** The version of this schema, written as `schemaVersion` in every report. */
export const schemaVersion = 1 as const;

export interface Report {
  schemaVersion: typeof schemaVersion;
  generator: { name: "tegum"; version: string };
  title: string;
  /** The command that made it (`demo`, `analyze w.npy` …), for the record. */
  command?: string;
  models: ModelReport[];
  /** Phase diagrams (`tegum phase`), when present. */
  phaseDiagrams?: PhaseDiagramReport[];
}

/** What happens to the last ("extra") feature in a phase-diagram cell. */
export type PhaseClass = "dropped" | "dedicated" | "superposed";

/**
 * A phase diagram of the toy model (TMS "The Phase Change"): n features in m dimensions, the first
 * n − 1 of importance 1, the last of relative importance r, all of density p. Cells [d][r].
 */
export interface PhaseDiagramReport {
  /** "2-1" (n = 2 → m = 1) or "3-2" (n = 3 → m = 2). */
  problem: string;
  nFeatures: number;
  nHidden: number;
  /** Feature densities p (rows). */
  densities: number[];
  /** Relative importances r of the extra feature (columns). */
  importances: number[];
  /** The phase with the lowest exact expected loss among the candidate configurations. */
  analytic: PhaseClass[][];
  /** Name of the winning candidate per cell ("antipodal pair", "triangle", …). */
  winners?: string[][];
  /** The phase of best-of-N trained weights, when trained. */
  trained?: PhaseClass[][] | null;
  /** Training settings, when trained. */
  training?: { steps: number; seeds: number; seed: number } | null;
}

export interface ModelReport {
  /** Short identifier, unique in the report (letters, digits, `-`, `_`); used for anchors. */
  id: string;
  title: string;
  /** A paragraph (plain text) introducing the model in the report. */
  description?: string;
  /** n, the number of features. */
  nFeatures: number;
  /** m, the number of hidden dimensions. */
  nHidden: number;
  source: ModelSource;
  instances: InstanceReport[];
}

/** Where the weights came from. */
export type ModelSource =
  | {
      kind: "trained";
      /** ReLU output model `ReLU(WᵀWx + b)` or linear `WᵀWx + b`. */
      model: "relu" | "linear" | string;
      steps?: number;
      batch?: number;
      lr?: number;
      schedule?: string;
      seed?: number;
      /** Any further training settings, as given. */
      config?: Record<string, unknown>;
    }
  | {
      kind: "file";
      file: string;
      format: "npy" | "safetensors" | "json";
      tensor: string;
      bias?: string;
      layout: "features-by-hidden" | "hidden-by-features";
      storedShape: number[];
    };

export interface InstanceReport {
  /** The instance's index in its model (or in the file's instance axis). */
  index: number;
  /** A short label for figure panels, e.g. `p = 0.05`. */
  label?: string;
  /** S = 1 − p, the probability a feature is absent; null when unknown (weights from a file). */
  sparsity: number | null;
  /** Per-feature importance I_i (n entries), when known. */
  importance?: number[] | null;
  /** W as m rows of n. */
  W: number[][];
  /** b (n entries), or null for a model without bias. */
  bias: number[] | null;
  /** One entry per feature, in feature order. */
  features: FeatureReport[];
  /** m / ‖W‖_F², the dimensions per feature (null when W = 0). */
  dimensionsPerFeature: number | null;
  /** Features grouped into tegum factors (orthogonal subspaces), as arrays of feature indices. */
  tegumFactors: number[][];
  /** Grassmannian bundles found (empty if the finder was not run; see `bundlesStatus`). */
  bundles: BundleReport[];
  /** Why `bundles` is empty, when it is: "not-run", "none-found". */
  bundlesStatus?: "found" | "none-found" | "not-run";
  /** Polytopes recognised in the tegum factors. */
  polytopes: PolytopeReport[];
  /** Final training loss, when trained. */
  loss?: number | null;
  /** Loss history, when trained. */
  lossCurve?: LossCurve | null;
  /** W (and b) at steps during training, in step order. */
  snapshots?: Snapshot[] | null;
}

export interface FeatureReport {
  index: number;
  /** ‖W_i‖. */
  norm: number;
  /**
   * Σ_{j≠i} (Ŵ_i·W_j)², as `featureMetrics` computes it: 0 when feature i is orthogonal to every
   * other (and for a dropped feature). The official notebook colours bars by its square root.
   */
  superposition: number;
  /** D_i = ‖W_i‖² / Σ_j (Ŵ_i·W_j)² (0 for a dropped feature). */
  dimensionality: number;
  /** b_i, or null without bias. */
  bias: number | null;
}

export interface BundleReport {
  /** k, the dimension of the subspace the bundle spans. */
  rank: number;
  /** Feature indices (sorted). */
  features: number[];
  /** Recognised shape (`digon`, `triangle`, `pentagon`, `tetrahedron` …) or `unknown`. */
  shape: string;
  /** Number of k-subsets in the cluster, when reported by the finder. */
  clusterSize?: number;
}

export interface PolytopeReport {
  /** Feature indices (sorted). */
  features: number[];
  /** Dimension of the subspace they span. */
  rank: number;
  /** Recognised name, or `unknown`. */
  shape: string;
  /** Mean D_i of its features (d/N for a tight frame). */
  dimensionality?: number;
  /** Index into `tegumFactors` of the factor it occupies. */
  factor?: number;
}

export interface LossCurve {
  steps: number[];
  loss: number[];
}

export interface Snapshot {
  step: number;
  W: number[][];
  bias?: number[] | null;
  loss?: number | null;
}

// ————— validation (reports are read back by `tegum report` and may come from elsewhere) —————

/** Checks that `value` is a Report of this schema version with consistent sizes; returns it typed. */
export function validateReport(value: unknown, where = "report"): Report {
  const fail = (path: string, problem: string): never => {
    throw new TegumError(`${where}: ${path} ${problem}`, "report");
  };
  const obj = (v: unknown, path: string): Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : fail(path, "must be an object");
  const arr = (v: unknown, path: string): unknown[] => (Array.isArray(v) ? v : fail(path, "must be an array"));
  const num = (v: unknown, path: string): number => (typeof v === "number" && Number.isFinite(v) ? v : fail(path, "must be a finite number"));
  const int = (v: unknown, path: string, min = 0, max = Number.MAX_SAFE_INTEGER): number =>
    Number.isInteger(v) && (v as number) >= min && (v as number) <= max ? (v as number) : fail(path, `must be an integer in [${min}, ${max}]`);
  const str = (v: unknown, path: string): string => (typeof v === "string" ? v : fail(path, "must be a string"));
  const nums = (v: unknown, path: string, length?: number): number[] => {
    const a = arr(v, path);
    if (length !== undefined && a.length !== length) fail(path, `must have ${length} entries, has ${a.length}`);
    a.forEach((x, i) => num(x, `${path}[${i}]`));
    return a as number[];
  };
  const matrix = (v: unknown, path: string, rows: number, cols: number) => {
    const a = arr(v, path);
    if (a.length !== rows) fail(path, `must have ${rows} rows of ${cols}, has ${a.length} rows`);
    a.forEach((row, j) => nums(row, `${path}[${j}]`, cols));
  };
  const indices = (v: unknown, path: string, n: number) => arr(v, path).forEach((x, i) => int(x, `${path}[${i}]`, 0, n - 1));

  const r = obj(value, "the report");
  if (r.schemaVersion !== schemaVersion) fail("schemaVersion", `is ${JSON.stringify(r.schemaVersion)}; this tegum reads version ${schemaVersion}`);
  obj(r.generator, "generator");
  str(r.title, "title");
  const ids = new Set<string>();
  arr(r.models, "models").forEach((mv, k) => {
    const p = `models[${k}]`;
    const model = obj(mv, p);
    const id = str(model.id, `${p}.id`);
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id) || ids.has(id)) fail(`${p}.id`, "must be a unique identifier of letters, digits, - and _");
    ids.add(id);
    str(model.title, `${p}.title`);
    if (model.description !== undefined) str(model.description, `${p}.description`);
    const n = int(model.nFeatures, `${p}.nFeatures`, 1, 1 << 20);
    const m = int(model.nHidden, `${p}.nHidden`, 1, 1 << 20);
    if (n * m > 1 << 24) fail(p, "has more than 2^24 weights per instance");
    obj(model.source, `${p}.source`);
    arr(model.instances, `${p}.instances`).forEach((iv, t) => {
      const q = `${p}.instances[${t}]`;
      const inst = obj(iv, q);
      int(inst.index, `${q}.index`);
      if (inst.label !== undefined) str(inst.label, `${q}.label`);
      if (inst.sparsity !== null) {
        const s = num(inst.sparsity, `${q}.sparsity`);
        if (s < 0 || s >= 1) fail(`${q}.sparsity`, "must be in [0, 1)");
      }
      if (inst.importance != null) nums(inst.importance, `${q}.importance`, n);
      matrix(inst.W, `${q}.W`, m, n);
      if (inst.bias !== null) nums(inst.bias, `${q}.bias`, n);
      const feats = arr(inst.features, `${q}.features`);
      if (feats.length !== n) fail(`${q}.features`, `must have ${n} entries`);
      feats.forEach((fv, i) => {
        const f = obj(fv, `${q}.features[${i}]`);
        if (f.index !== i) fail(`${q}.features[${i}].index`, `must be ${i}`);
        for (const key of ["norm", "superposition", "dimensionality"]) num(f[key], `${q}.features[${i}].${key}`);
        if (f.bias !== null) num(f.bias, `${q}.features[${i}].bias`);
      });
      if (inst.dimensionsPerFeature !== null) num(inst.dimensionsPerFeature, `${q}.dimensionsPerFeature`);
      arr(inst.tegumFactors, `${q}.tegumFactors`).forEach((fv, i) => indices(fv, `${q}.tegumFactors[${i}]`, n));
      arr(inst.bundles, `${q}.bundles`).forEach((bv, i) => {
        const b = obj(bv, `${q}.bundles[${i}]`);
        int(b.rank, `${q}.bundles[${i}].rank`, 1, m);
        indices(b.features, `${q}.bundles[${i}].features`, n);
        str(b.shape, `${q}.bundles[${i}].shape`);
      });
      arr(inst.polytopes, `${q}.polytopes`).forEach((pv, i) => {
        const pt = obj(pv, `${q}.polytopes[${i}]`);
        int(pt.rank, `${q}.polytopes[${i}].rank`, 0, m);
        indices(pt.features, `${q}.polytopes[${i}].features`, n);
        str(pt.shape, `${q}.polytopes[${i}].shape`);
      });
      if (inst.loss != null) num(inst.loss, `${q}.loss`);
      if (inst.lossCurve != null) {
        const c = obj(inst.lossCurve, `${q}.lossCurve`);
        const steps = nums(c.steps, `${q}.lossCurve.steps`);
        nums(c.loss, `${q}.lossCurve.loss`, steps.length);
      }
      if (inst.snapshots != null) {
        arr(inst.snapshots, `${q}.snapshots`).forEach((sv, i) => {
          const s = obj(sv, `${q}.snapshots[${i}]`);
          num(s.step, `${q}.snapshots[${i}].step`);
          matrix(s.W, `${q}.snapshots[${i}].W`, m, n);
          if (s.bias != null) nums(s.bias, `${q}.snapshots[${i}].bias`, n);
        });
      }
    });
  });
  if (r.phaseDiagrams !== undefined) {
    const classes = ["dropped", "dedicated", "superposed"];
    arr(r.phaseDiagrams, "phaseDiagrams").forEach((pv, k) => {
      const p = `phaseDiagrams[${k}]`;
      const pd = obj(pv, p);
      str(pd.problem, `${p}.problem`);
      int(pd.nFeatures, `${p}.nFeatures`, 1, 64);
      int(pd.nHidden, `${p}.nHidden`, 1, 64);
      const rows = nums(pd.densities, `${p}.densities`).length;
      const cols = nums(pd.importances, `${p}.importances`).length;
      if (rows === 0 || cols === 0 || rows * cols > 1 << 16) fail(p, "must have between 1 and 65536 cells");
      const grid = (v: unknown, path: string) => {
        const g = arr(v, path);
        if (g.length !== rows) fail(path, `must have ${rows} rows`);
        g.forEach((row, d) => {
          const a = arr(row, `${path}[${d}]`);
          if (a.length !== cols) fail(`${path}[${d}]`, `must have ${cols} entries`);
          a.forEach((x, i) => {
            if (!classes.includes(x as string)) fail(`${path}[${d}][${i}]`, `must be one of ${classes.join(", ")}`);
          });
        });
      };
      grid(pd.analytic, `${p}.analytic`);
      if (pd.trained != null) grid(pd.trained, `${p}.trained`);
    });
  }
  return value as Report;
}
