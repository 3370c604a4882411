// Phase diagrams of the toy model (TMS "The Phase Change"; REFERENCE §3): n = 2 features in m = 1
// dimension and n = 3 in m = 2. The first n − 1 features have importance 1, the last ("extra") feature
// has relative importance r; every feature has density s (= p = 1 − S). Each cell (s, r) is labelled by
// what happens to the extra feature: "dropped" (not represented), "dedicated" (a dimension of its own)
// or "superposed" (sharing a direction with another feature).
//
// Analytic map: the best of these candidate configurations, by their exact expected loss (summed over
// features, as REFERENCE §3; the training loss is this divided by n):
//   n = 2 → m = 1   extra dropped    W = [1, 0],  b = (0, s/2)        r(s/3 − s²/4)
//                   extra dedicated  W = [0, 1],  b = (s/2, 0)        s/3 − s²/4
//                   superposed       W = [1, −1], b = 0               (1 + r)s²/6
//   n = 3 → m = 2   extra dropped    [e1, e2, 0],  b = (0, 0, s/2)    r(s/3 − s²/4)
//                   extra dedicated  [e1, 0, e2],  b = (0, s/2, 0)    s/3 − s²/4
//                   extra dedicated, the others antipodal [e1, −e1, e2]   s²/3
//                   superposed: extra antipodal with one [e1, e2, −e2]     (1 + r)s²/6
//                   superposed: regular triangle (unit norms, b = 0)       exact quadrature
// (`reluExpectedLoss` computes every one of them exactly). Candidates outside this list are not in the
// analytic map: where training finds a lower exact loss than the analytic optimum, the disagreement
// report says so (`trainedBetter`), which is how a missing candidate would show.
//
// Trained map: one `train` run with one instance per cell and best-of-N replicas (`seeds`), each cell's
// kept weights classified by `classifyFeatures` and their exact expected loss computed, then compared.
import { TegumError, checkInt, checkNumber } from "./errors.js";
import { pow } from "./math.js";
import { type Weights, checkWeights } from "./metrics.js";
import { reluExpectedLoss } from "./loss-decomposition.js";
import { linspace } from "./sweeps.js";
import { train, type TrainOptions, type TrainProgress } from "./train.js";
import { type TrainConfig } from "./train-config.js";

export type PhaseProblem = "2-1" | "3-2";
export type FeatureClass = "dropped" | "dedicated" | "superposed";

const SHAPES: Record<PhaseProblem, { n: number; m: number }> = { "2-1": { n: 2, m: 1 }, "3-2": { n: 3, m: 2 } };

function shape(problem: PhaseProblem): { n: number; m: number } {
  const s = SHAPES[problem];
  if (s === undefined) throw new TegumError(`problem must be "2-1" (n=2 → m=1) or "3-2" (n=3 → m=2), got ${JSON.stringify(problem)}`, "problem");
  return s;
}

export interface PhaseCandidate {
  name: string;
  phase: FeatureClass;
  /** m×n row-major. */
  w: Float64Array;
  b: Float64Array;
  /** Exact expected loss, summed over features. */
  loss: number;
}

/** The candidate configurations of a cell with their exact losses (see the file header). */
export function phaseCandidates(problem: PhaseProblem, density: number, importance: number): PhaseCandidate[] {
  const { n, m } = shape(problem);
  const s = checkNumber("density", density, 0, 1);
  const r = checkNumber("importance", importance, 0);
  const imp = n === 2 ? [1, r] : [1, 1, r];
  const make = (name: string, phase: FeatureClass, w: number[], b: number[]): PhaseCandidate => {
    const wf = Float64Array.from(w), bf = Float64Array.from(b);
    return { name, phase, w: wf, b: bf, loss: reluExpectedLoss(wf, m, n, { b: bf, importance: imp, density: s }) };
  };
  if (n === 2) {
    return [
      make("extra dropped", "dropped", [1, 0], [0, s / 2]),
      make("extra dedicated", "dedicated", [0, 1], [s / 2, 0]),
      make("antipodal pair", "superposed", [1, -1], [0, 0]),
    ];
  }
  const h = Math.sqrt(3) / 2;
  return [
    // W is 2×3 row-major: row 0 = x coordinates of the three columns, row 1 = y coordinates.
    make("extra dropped", "dropped", [1, 0, 0, 0, 1, 0], [0, 0, s / 2]),
    make("extra dedicated", "dedicated", [1, 0, 0, 0, 0, 1], [0, s / 2, 0]),
    make("extra dedicated, others antipodal", "dedicated", [1, -1, 0, 0, 0, 1], [0, 0, 0]),
    make("extra antipodal with one", "superposed", [1, 0, 0, 0, 1, -1], [0, 0, 0]),
    make("triangle", "superposed", [1, -0.5, -0.5, 0, h, -h], [0, 0, 0]),
  ];
}

export interface AnalyticPhase {
  phase: FeatureClass;
  loss: number;
  /**
   * (best loss of another phase − loss) / loss: how far the cell is from a phase boundary (0 on a
   * boundary, e.g. r = 1 at density 1 where dropping either feature costs the same).
   */
  margin: number;
  best: PhaseCandidate;
  candidates: PhaseCandidate[];
}

/** The analytic phase of one cell: the candidate with the lowest exact loss (ties: first listed). */
export function analyticPhase(problem: PhaseProblem, density: number, importance: number): AnalyticPhase {
  const candidates = phaseCandidates(problem, density, importance);
  let best = candidates[0];
  for (const c of candidates) if (c.loss < best.loss) best = c;
  let other = Infinity;
  for (const c of candidates) if (c.phase !== best.phase) other = Math.min(other, c.loss);
  const margin = best.loss > 0 ? (other - best.loss) / best.loss : other > 0 ? Infinity : 0;
  return { phase: best.phase, loss: best.loss, margin, best, candidates };
}

export interface PhaseGridOptions {
  /** Densities s (rows). Default 100^(−linspace(0, 1, 10)): 1 down to 0.01. */
  densities?: ArrayLike<number>;
  /** Relative importances r of the extra feature (columns). Default 10^linspace(−1, 1, 10): 0.1 … 10. */
  importances?: ArrayLike<number>;
}

function grid(options: PhaseGridOptions): { densities: number[]; importances: number[] } {
  const densities = options.densities !== undefined ? Array.from(options.densities) : Array.from(linspace(0, 1, 10), (t) => pow(100, -t));
  const importances = options.importances !== undefined ? Array.from(options.importances) : Array.from(linspace(-1, 1, 10), (t) => pow(10, t));
  if (densities.length === 0) throw new TegumError("densities must not be empty", "densities");
  if (importances.length === 0) throw new TegumError("importances must not be empty", "importances");
  densities.forEach((d, i) => checkNumber(`densities[${i}]`, d, Number.MIN_VALUE, 1));
  importances.forEach((r, i) => checkNumber(`importances[${i}]`, r, 0));
  return { densities, importances };
}

export interface AnalyticPhaseDiagram {
  problem: PhaseProblem;
  densities: number[];
  importances: number[];
  /** phases[d][r]: rows are densities, columns relative importances. */
  phases: FeatureClass[][];
  /** The winning candidate's name and exact loss per cell. */
  winners: string[][];
  losses: number[][];
}

/** The analytic phase diagram over a density × relative-importance grid. */
export function analyticPhaseDiagram(problem: PhaseProblem, options: PhaseGridOptions = {}): AnalyticPhaseDiagram {
  shape(problem);
  const { densities, importances } = grid(options);
  const cells = densities.map((s) => importances.map((r) => analyticPhase(problem, s, r)));
  return {
    problem,
    densities,
    importances,
    phases: cells.map((row) => row.map((c) => c.phase)),
    winners: cells.map((row) => row.map((c) => c.best.name)),
    losses: cells.map((row) => row.map((c) => c.loss)),
  };
}

export interface ClassifyOptions {
  /** A feature with ‖W_i‖ < normThreshold is dropped. Default 0.5 (represented features have ‖W_i‖ ≈ 1). */
  normThreshold?: number;
  /** A represented feature is superposed when |cos(W_i, W_j)| > overlapThreshold for another represented j. Default 0.3. */
  overlapThreshold?: number;
}

/** Classifies every feature of W (m×n row-major): dropped, dedicated dimension, or superposed. */
export function classifyFeatures(w: Weights, m: number, n: number, options: ClassifyOptions = {}): FeatureClass[] {
  checkWeights(w, m, n);
  const normThreshold = checkNumber("normThreshold", options.normThreshold ?? 0.5, 0);
  const overlapThreshold = checkNumber("overlapThreshold", options.overlapThreshold ?? 0.3, 0, 1);
  const norms = Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let p = 0; p < m; p++) s += w[p * n + i] * w[p * n + i];
    return Math.sqrt(s);
  });
  return norms.map((ni, i): FeatureClass => {
    if (!(ni >= normThreshold) || ni === 0) return "dropped";
    for (let j = 0; j < n; j++) {
      if (j === i || !(norms[j] >= normThreshold) || norms[j] === 0) continue;
      let d = 0;
      for (let p = 0; p < m; p++) d += w[p * n + i] * w[p * n + j];
      if (Math.abs(d) / (ni * norms[j]) > overlapThreshold) return "superposed";
    }
    return "dedicated";
  });
}

export interface TrainedPhaseCell {
  density: number;
  importance: number;
  /** The extra (last) feature's class. */
  phase: FeatureClass;
  /** Every feature's class. */
  classes: FeatureClass[];
  /** The kept replica's weights (m×n row-major) and bias. */
  w: Float32Array;
  b: Float32Array;
  /** The trainer's final loss (a mean over features). */
  finalLoss: number;
  /** Exact expected loss of the trained weights, summed over features. */
  loss: number;
  analyticPhase: FeatureClass;
  analyticLoss: number;
  agrees: boolean;
}

export interface PhaseDisagreement {
  densityIndex: number;
  importanceIndex: number;
  density: number;
  importance: number;
  trained: FeatureClass;
  analytic: FeatureClass;
  trainedLoss: number;
  analyticLoss: number;
  /** The analytic cell's margin to the nearest other phase (small: near a boundary). */
  analyticMargin: number;
  /** The trained weights beat the analytic optimum: the candidate list misses a better configuration. */
  trainedBetter: boolean;
}

export interface TrainedPhaseDiagram {
  problem: PhaseProblem;
  densities: number[];
  importances: number[];
  /** cells[d][r]. */
  cells: TrainedPhaseCell[][];
  disagreements: PhaseDisagreement[];
}

export interface TrainedPhaseOptions extends PhaseGridOptions, ClassifyOptions {
  /** Training steps (default 10 000, OFF). */
  steps?: number;
  /** Best-of-N replicas per cell (default 4). */
  seeds?: number;
  /** Seed of the training run (default 0). */
  seed?: number;
  /** Rows per step (default 1024). */
  batch?: number;
  /** Learning rate (default 1e-3). */
  lr?: number;
  /** AdamW weight decay (default 0.01, torch's). */
  weightDecay?: number;
  onProgress?: (progress: TrainProgress) => void;
  workers?: number | "auto";
  signal?: AbortSignal;
}

/** Trains every cell (best-of-N), classifies it, and compares it with the analytic map. Requires `init`. */
export async function trainedPhaseDiagram(problem: PhaseProblem, options: TrainedPhaseOptions = {}): Promise<TrainedPhaseDiagram> {
  const { n, m } = shape(problem);
  const { densities, importances } = grid(options);
  const seeds = checkInt("seeds", options.seeds ?? 4, 1, 1024);
  const classify: ClassifyOptions = { normThreshold: options.normThreshold, overlapThreshold: options.overlapThreshold };
  classifyFeatures(new Float64Array(n * m), m, n, classify); // validates the thresholds before training
  const cellList: { d: number; r: number }[] = [];
  densities.forEach((_, d) => importances.forEach((_, r) => cellList.push({ d, r })));
  const config: TrainConfig = {
    n,
    m,
    model: "relu-output",
    instances: cellList.length,
    p: cellList.map(({ d }) => densities[d]),
    importance: cellList.map(({ r }) => (n === 2 ? [1, importances[r]] : [1, 1, importances[r]])),
    steps: options.steps ?? 10000,
    seeds,
    seed: options.seed ?? 0,
  };
  if (options.batch !== undefined) config.batch = options.batch;
  if (options.lr !== undefined) config.lr = options.lr;
  if (options.weightDecay !== undefined) config.weightDecay = options.weightDecay;
  const trainOptions: TrainOptions = {};
  if (options.onProgress !== undefined) trainOptions.onProgress = options.onProgress;
  if (options.workers !== undefined) trainOptions.workers = options.workers;
  if (options.signal !== undefined) trainOptions.signal = options.signal;
  const run = await train(config, trainOptions);
  const cells: TrainedPhaseCell[][] = densities.map(() => []);
  const disagreements: PhaseDisagreement[] = [];
  cellList.forEach(({ d, r }, idx) => {
    const inst = run.instances[idx];
    const s = densities[d], rel = importances[r];
    const classes = classifyFeatures(inst.W, m, n, classify);
    const imp = n === 2 ? [1, rel] : [1, 1, rel];
    const loss = reluExpectedLoss(Float64Array.from(inst.W), m, n, { b: Float64Array.from(inst.b), importance: imp, density: s });
    const a = analyticPhase(problem, s, rel);
    const phase = classes[n - 1];
    const cell: TrainedPhaseCell = {
      density: s,
      importance: rel,
      phase,
      classes,
      w: inst.W,
      b: inst.b,
      finalLoss: inst.finalLoss,
      loss,
      analyticPhase: a.phase,
      analyticLoss: a.loss,
      agrees: phase === a.phase,
    };
    cells[d][r] = cell;
    if (!cell.agrees) {
      disagreements.push({
        densityIndex: d,
        importanceIndex: r,
        density: s,
        importance: rel,
        trained: phase,
        analytic: a.phase,
        trainedLoss: loss,
        analyticLoss: a.loss,
        analyticMargin: a.margin,
        trainedBetter: loss < a.loss * (1 - 1e-9),
      });
    }
  });
  return { problem, densities, importances, cells, disagreements };
}
