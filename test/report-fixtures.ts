// Hand-made reports for the renderer tests: exact geometries (a dense orthogonal pair, antipodal pairs, a
// regular pentagon, a tetrahedron ⊕ digon), metrics computed here from the textbook formulas (REFERENCE
// §2) so that the renderer is tested without any engine.
import { schemaVersion, type InstanceReport, type ModelReport, type Report } from "../src/report/schema.js";

const cos = Math.cos, sin = Math.sin, TAU = 2 * Math.PI;

/** Columns → m rows of n. */
export function fromColumns(cols: number[][]): number[][] {
  const m = cols[0].length;
  return Array.from({ length: m }, (_, j) => cols.map((c) => c[j]));
}

/** Metrics by definition, factors as components of |Wᵢ·Wⱼ| > tol. */
export function instance(W: number[][], bias: number[] | null, extra: Partial<InstanceReport> & { index: number; sparsity: number | null }): InstanceReport {
  const m = W.length, n = W[0].length;
  const col = (i: number) => W.map((r) => r[i]);
  const dot = (a: number[], b: number[]) => a.reduce((s, x, k) => s + x * b[k], 0);
  const norms = Array.from({ length: n }, (_, i) => Math.sqrt(dot(col(i), col(i))));
  const features = norms.map((norm, i) => {
    if (norm < 1e-9) return { index: i, norm, superposition: 0, dimensionality: 0, bias: bias ? bias[i] : null };
    let sup = 0, all = 0;
    for (let j = 0; j < n; j++) {
      const d = dot(col(i), col(j)) / norm;
      all += d * d;
      if (j !== i) sup += d * d;
    }
    return { index: i, norm, superposition: sup, dimensionality: (norm * norm) / all, bias: bias ? bias[i] : null };
  });
  const frob = norms.reduce((s, x) => s + x * x, 0);
  // Components of the thresholded Gram graph among represented features.
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (Math.abs(dot(col(i), col(j))) > 1e-6) parent[find(i)] = find(j);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) if (norms[i] > 1e-6) groups.set(find(i), [...(groups.get(find(i)) ?? []), i]);
  return {
    W, bias, features, dimensionsPerFeature: m / frob, tegumFactors: [...groups.values()], bundles: [], polytopes: [],
    ...extra,
  };
}

const polygon = (k: number, r = 1, phase = 0) => Array.from({ length: k }, (_, i) => [r * cos(phase + (TAU * i) / k), r * sin(phase + (TAU * i) / k)]);

/** A decaying loss curve with a plateau, deterministic. */
function curve(final: number, steps = 50): { steps: number[]; loss: number[] } {
  const s = Array.from({ length: steps }, (_, k) => k * 200);
  return { steps: s, loss: s.map((t) => final * (1 + 4 * Math.exp(-t / 1500) + 0.5 / (1 + Math.exp((t - 5000) / 300)))) };
}

/** Snapshots moving each column from a small start to its final position along a curved path. */
function snapshots(W: number[][], count = 12) {
  return Array.from({ length: count }, (_, k) => {
    const t = k / (count - 1);
    const ease = t * t * (3 - 2 * t);
    return {
      step: k * 1000,
      W: W.map((row, j) => row.map((x, i) => ease * x + (1 - ease) * 0.05 * sin(i + 3 * j + 1) + 0.1 * t * (1 - t) * cos(2 * i + j))),
      loss: 0.1 * (1 - 0.8 * t),
    };
  });
}

/** Intro sweep shapes: n = 5, m = 2. */
export function introModel(): ModelReport {
  const dense = fromColumns([[1, 0], [0, 1], [0, 0], [0, 0], [0, 0]]);
  const pairs = fromColumns([[1, 0], [-1, 0], [0, 1], [0, -1], [0, 0]]);
  const penta = fromColumns(polygon(5, 1.12, 0.3));
  const instances = [
    instance(dense, [0, 0, 0.5, 0.5, 0.5], { index: 0, sparsity: 0, label: "p = 1", loss: 0.081, lossCurve: curve(0.081) }),
    instance(pairs, [-0.1, -0.1, -0.1, -0.1, 0.05], {
      index: 1, sparsity: 0.9, label: "p = 0.1", loss: 0.012, lossCurve: curve(0.012),
      polytopes: [{ features: [0, 1], rank: 1, shape: "digon", dimensionality: 0.5, factor: 0 }, { features: [2, 3], rank: 1, shape: "digon", dimensionality: 0.5, factor: 1 }],
    }),
    instance(penta, [-0.24, -0.24, -0.24, -0.24, -0.24], {
      index: 2, sparsity: 0.95, label: "p = 0.05", loss: 0.0061, lossCurve: curve(0.0061), snapshots: snapshots(penta),
      polytopes: [{ features: [0, 1, 2, 3, 4], rank: 2, shape: "pentagon", dimensionality: 0.4, factor: 0 }],
      bundles: [{ rank: 2, features: [0, 1, 2, 3, 4], shape: "pentagon", clusterSize: 10 }], bundlesStatus: "found",
    }),
  ];
  return { id: "intro", title: "Intro: n = 5 features, m = 2 hidden", nFeatures: 5, nHidden: 2, source: { kind: "trained", model: "relu", steps: 10000, batch: 1024, lr: 1e-3, schedule: "constant", seed: 0 }, instances };
}

/** Tetrahedron ⊕ digon ⊕ two orthogonal features in R⁵ (n = 8), plus a dense instance: m = 5. */
export function geometryModel(): ModelReport {
  const s = 1 / Math.sqrt(3);
  const tet = [[s, s, s], [s, -s, -s], [-s, s, -s], [-s, -s, s]].map((v) => [...v, 0, 0]);
  const cols = [...tet, [0, 0, 0, 1, 0], [0, 0, 0, -1, 0], [0, 0, 0, 0, 1], [0, 0, 0, 0, 0]];
  const W = fromColumns(cols);
  const dense = fromColumns(Array.from({ length: 8 }, (_, i) => Array.from({ length: 5 }, (_, j) => (i === j ? 1 : 0))));
  const instances = [
    instance(dense, Array(8).fill(0).map((_, i) => (i < 5 ? 0 : 0.5)), { index: 0, sparsity: 0, loss: 0.2, lossCurve: curve(0.2), snapshots: snapshots(dense, 6) }),
    instance(W, Array(8).fill(-0.1), {
      index: 1, sparsity: 0.97, loss: 0.01, lossCurve: curve(0.01), snapshots: snapshots(W, 6),
      polytopes: [
        { features: [0, 1, 2, 3], rank: 3, shape: "tetrahedron", dimensionality: 0.75, factor: 0 },
        { features: [4, 5], rank: 1, shape: "digon", dimensionality: 0.5, factor: 1 },
      ],
      bundles: [{ rank: 3, features: [0, 1, 2, 3], shape: "tetrahedron", clusterSize: 4 }], bundlesStatus: "found",
    }),
  ];
  return { id: "geometry", title: "Tetrahedron ⊕ digon: n = 8, m = 5", nFeatures: 8, nHidden: 5, source: { kind: "trained", model: "relu" }, instances };
}

/** Weights from a file: unknown sparsity, no training history, n = 60 (the heatmap becomes a PNG). */
export function fileModel(title = "weights.safetensors"): ModelReport {
  const n = 60, m = 3;
  const cols = Array.from({ length: n }, (_, i) => {
    const a = (TAU * i) / n, z = (i % 3) - 1;
    return [cos(a), sin(a), 0.3 * z].map((x) => x * (0.4 + (i % 7) / 10));
  });
  const W = fromColumns(cols);
  const instances = [0, 1].map((k) => instance(k === 0 ? W : W.map((r) => r.map((x) => -x)), null, { index: k, sparsity: null, bundlesStatus: "not-run" }));
  return { id: "file", title, nFeatures: n, nHidden: m, source: { kind: "file", file: "weights.safetensors", format: "safetensors", tensor: "W", layout: "hidden-by-features", storedShape: [2, 3, 60] }, instances };
}

export function fullReport(): Report {
  return {
    schemaVersion, generator: { name: "tegum", version: "0.1.0-test" }, title: "tegum report — fixtures", command: "demo",
    models: [introModel(), geometryModel(), fileModel()],
  };
}
