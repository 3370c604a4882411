// Messages between the page (app.ts) and its training worker (train.worker.ts). Types only.
import type { TrainConfig } from "../train-config.js";

export type ToWorker =
  /** Train `config` from step 0. */
  | { type: "start"; runId: number; config: TrainConfig }
  /** Stop after the current chunk and hand back the serialised state. */
  | { type: "pause"; runId: number }
  /** Continue from a state serialised by a previous `paused` message. */
  | { type: "resume"; runId: number; state: Uint8Array; trainMs: number }
  /** Abort the run (AbortSignal); the worker answers `cancelled`. */
  | { type: "cancel"; runId: number };

export interface PolytopeInfo {
  features: number[];
  name: string;
  kind: string;
  rank: number;
  /** Largest |cos − reference| of a named shape, else null. */
  deviation: number | null;
  tight: boolean;
  frameDefect: number;
  /** Mean D_i of the set (global). */
  dimensionality: number;
}

export interface BundleInfo {
  rank: number;
  features: number[];
  shape: string;
  subsets: number;
}

export interface InstanceAnalysis {
  norms: Float64Array;
  superposition: Float64Array;
  dimensionality: Float64Array;
  /** m / ‖W‖²_F. */
  dimensionsPerFeature: number;
  /** WᵀW, n×n. */
  gram: Float32Array | Float64Array;
  /** Tegum factors of the represented features (‖W_i‖ > WEAK × the largest norm). */
  factors: number[][];
  /** Features left out of the geometry as dropped (norm ≤ WEAK × the largest). */
  dropped: number[];
  /** One per factor. */
  polytopes: PolytopeInfo[];
  /** Only computed for the last snapshot of a run (and when paused). */
  bundles: { status: "not-run" | "found" | "none-found" | "skipped"; list: BundleInfo[]; note: string };
}

export interface InstanceSnapshot {
  /** m×n row-major (the abs model's W1). */
  W: Float32Array;
  W2?: Float32Array;
  b: Float32Array;
  /** Loss of the kept replica, averaged over buckets of `lossEvery` steps. */
  loss: Float32Array;
  finalLoss: number;
  replica: number;
}

export interface Snapshot {
  type: "snapshot";
  runId: number;
  step: number;
  steps: number;
  /** The last snapshot of the run. */
  final: boolean;
  /** digest(W, [W2,] b of every instance in order) — see app.ts. */
  digest: string;
  backend: string;
  /** Loss curves: bucket k covers steps [k·lossEvery, (k+1)·lossEvery). */
  lossEvery: number;
  instances: InstanceSnapshot[];
  analysis: InstanceAnalysis[];
  /** Milliseconds inside train()/resume() so far (this run, all chunks), and the analysis of this snapshot. */
  trainMs: number;
  analysisMs: number;
  stepsPerSecond: number;
}

export type FromWorker =
  | { type: "ready"; backend: string }
  | Snapshot
  | { type: "paused"; runId: number; step: number; state: Uint8Array; trainMs: number }
  | { type: "cancelled"; runId: number }
  | { type: "error"; runId: number; message: string; parameter: string | null };

/** Features with ‖W_i‖ ≤ WEAK × the largest norm count as dropped in the geometry (factors, polytopes, bundles). */
export const WEAK = 0.5;

/**
 * Two features are in one tegum factor when |cos| exceeds this. A fixed value rather than the library's
 * default "auto" (the gap rule of `chooseGramTol`): the page re-analyses weights mid-training, where the
 * gap moves from snapshot to snapshot, and a fixed cut keeps the factors from flickering; trained weights
 * leak ~1e-3 between orthogonal summands for thousands of steps (`tegum analyze --factor-tol 0.01` gives
 * the same factors). Shape and rank tolerances are the library's defaults (DEFAULT_SHAPE_TOLERANCE,
 * DEFAULT_RANK_TOLERANCE), which suit trained weights.
 */
export const FACTOR_TOL = 0.01;
