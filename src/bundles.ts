// Feature bundles: groups of features whose k-subsets all span the same k-plane, found by embedding
// those k-planes in the Grassmannian G(m, k) and clustering them (the seed talk's pipeline; REFERENCE §6).
//
// Two modes, the same output:
//
// * `faithful` reproduces the talk: for k = 2..K, every k-subset S of the columns, A = col-red(W_S)
//   (reduced column echelon form), the chordal-style embedding of AAᵀ, DBSCAN with a fixed eps,
//   discard 1-element and pyramid clusters. A is not orthonormal, and its pivot structure jumps under
//   perturbation (span{(ε, 1)} reduces to (1, 1/ε), to (0, 1) at ε = 0), so `perturb₄(n-gon ⊕ m-gon)`
//   loses bundles: this mode shows that, it does not hide it.
//
// * `hardened` (default): the same question asked robustly.
//   - Features are normalised (directions only: bundles are invariant under positive column scaling)
//     and dead ones (norm ≤ deadTol × the largest selected norm; deadTol from the gap in the norms
//     unless given) are left out.
//   - Each subset gets the orthonormal basis of its dominant singular subspace (one-sided Jacobi) with
//     an application tolerance rankTol relative to σ_max. A subset of numerical rank < k is not
//     projected at full rank — its span is already a point of a lower level (deduplicated) — and
//     P = AAᵀ is then a true projector, smooth in W.
//   - Enumeration is pre-split by tegum factors (|cos| > gramTol, gramTol read from the gap between
//     the noise-sized leakage across factors and the cosines inside them unless given) and restricted
//     to subsets connected in that Gram graph: an indecomposable bundle lies inside one factor, and a
//     connected set spanning k dimensions always contains a connected independent k-subset (grow it
//     greedily: a vector orthogonal to a set is orthogonal to its span), and each factor's points are
//     clustered on their own (a cluster never mixes factors). Work Σ_f connected(n_f, k)
//     instead of C(n, k), estimated beforehand; above maxWork the finder refuses before starting.
//   - eps is chosen per level from the H0-persistence (single-linkage) merge heights when not given:
//     within-bundle distances are plane noise — ∼ noise·‖W_S‖/σ_k(W_S) by Wedin, bounded through the
//     rank tolerance — and distinct planes are O(1) apart, so eps goes in the highest gap of ratio ≥
//     gapRatio below maxEps (see `chooseEps`). It therefore scales with the noise of W; the choice and
//     the bracketing heights are reported. Only heights ≤ maxEps matter, so the linkage is computed up
//     to that radius: the minimum spanning forest of the ε-graph at maxEps (linkage.ts), from the
//     candidate pairs of the span screen when they are few (span-candidates.ts), else from the wasm
//     sort-and-sweep, or by Prim on the complete graph when the ε-graph is dense. A given eps needs
//     only the merges up to the first one above it, found at doubling radii.
//   - DBSCAN with scikit-learn semantics made deterministic (dbscan.ts). With min_samples = 1 (the
//     default, the talk's "discard 1-element clusters") DBSCAN at eps is exactly the cut of the
//     single-linkage tree at eps, which is how the labels are read off; min_samples > 1 runs dbscan().
//
// Filters (both modes), each with its reason: a cluster of one subset ("singleton"); k = m ("whole
// space"); the union of the cluster's columns spanning more than k dimensions ("pyramid-span") or
// decomposing as a direct sum ("pyramid-decomposes", numerical matroid components under rankTol: a
// (k−1)-dimensional bundle plus any one vector spans the same k-plane for every choice from the bundle,
// so it clusters without being a summand); spanning fewer than k ("lower-rank": only in faithful
// mode, which embeds rank-deficient subsets); lying inside a bundle of a higher level ("nested": the
// antipodal pairs of a hexagon are lines, but the summand is the hexagon).
import { type WasmArray, f64, i32, scoped } from "./arena.js";
import { subsetReducedEmbeddings } from "./col-red.js";
import { chooseDeadTol, type DeadTolChoice } from "./dead-features.js";
import { dbscan } from "./dbscan.js";
import { TegumError, checkFinite, checkInt, checkNumber } from "./errors.js";
import { featureMetrics, gramOf, type FeatureMetrics } from "./metrics.js";
import { polytope, type FeatureDimensionality, type Polytope, type PolytopeKind, type PolytopeOptions } from "./polytope.js";
import { embeddingDim, orthonormalBasis, subsetEmbeddings } from "./projector.js";
import { checkWork, combinations, connectedSubsets, estimateWork, candidateLevelFlops, levelFlops, screeningWork, type WorkEstimate } from "./subsets.js";
import { screenSubsets, type Near } from "./span-screen.js";
import { candidatePairs, candidatesPay, concatNear, spanCandidates } from "./span-candidates.js";
import { distanceKernels } from "./distance.js";
import { candidateLinkage, dimensionMajor, radiusLinkage, sortedLinkage, type Linkage } from "./linkage.js";
import { chooseGramTol, matroidComponents, tegumFactors, type GramTolChoice } from "./tegum-factors.js";


export type BundleMode = "hardened" | "faithful";

export interface BundleOptions {
  /** `hardened` (default) or `faithful` (the talk's pipeline, including its instability). */
  mode?: BundleMode;
  /** Smallest level k. Default 1 in hardened mode (antipodal digons), 2 in faithful mode (the talk). */
  minK?: number;
  /** Largest level k. Default min(4, m − 1). */
  maxK?: number;
  /**
   * DBSCAN radius on the chordal distance (hardened) or on ‖AAᵀ − BBᵀ‖_F/√2 (faithful). Hardened
   * default "auto" (the persistence gap, per level); faithful default 0.05, fixed, as in the talk.
   */
  eps?: number | "auto";
  /** DBSCAN min_samples (the point itself counts). Default 1: single linkage at eps. */
  minSamples?: number;
  /**
   * Application rank tolerance: a subset's (or a cluster's) rank is #{σ_i > rankTol·σ_max} of its
   * normalised columns. Default 0.05 — features within ~5.7° of each other's span count as dependent.
   * Also the coefficient tolerance of the pyramid filter's direct-sum test.
   */
  rankTol?: number;
  /**
   * Tegum factors and Gram connectivity (hardened): features are joined when |cos| > gramTol.
   * Default "auto": the highest gap of ratio ≥ 8 among the |cos| of the live pairs below 0.1 (the
   * leakage between factors is noise-sized, cosines inside a factor are not), else 1e-3 (see `chooseGramTol`).
   */
  gramTol?: number | "auto";
  /**
   * Dead features: norm ≤ deadTol × the largest selected norm (hardened mode only). Default "auto":
   * the gap in the norms (`chooseDeadTol`: trained models leave dropped features at 0.01–0.2 of the
   * represented ones), else 0.05.
   */
  deadTol?: number | "auto";
  /** Faithful mode: col-red treats entries ≤ colRedTol·max|W_S| as zero. Default 1e-12. */
  colRedTol?: number;
  /** Only look at these columns (default all). */
  features?: ArrayLike<number>;
  /** Refuse (before any numerical work) when the estimated flops exceed this. Default 2e10. */
  maxWork?: number;
  /** Auto eps: a gap counts when the next merge height is ≥ gapRatio × the previous. Default 4. */
  gapRatio?: number;
  /** Auto eps: the largest eps (and within-bundle height) considered. Default 0.25. */
  maxEps?: number;
  /** List every discarded singleton (default false: they are only counted). */
  reportSingletons?: boolean;
  /** Passed to `polytope` when naming the bundles. */
  polytope?: PolytopeOptions;
}

/** Distances between the points (subsets) of one cluster, in the level's embedding. */
export interface BundleSpread {
  /** Largest pairwise distance (0 for one point). */
  max: number;
  /** Mean pairwise distance (0 for one point). */
  mean: number;
}

export interface Bundle {
  /** The level k: the dimension of the bundle's span. */
  rank: number;
  /** Feature indices, ascending: the union of the cluster's subsets. */
  features: number[];
  /** Number of k-subsets (points) in the cluster. */
  subsets: number;
  /** Chordal distances within the cluster (hardened), or AAᵀ distances (faithful). */
  spread: BundleSpread;
  /** The polytope name ("pentagon", "digon", "tetrahedron", "tight frame", "irregular" …). */
  shape: string;
  kind: PolytopeKind;
  /** D_i of the bundle's features (inside the bundle and in the whole W), with fractions. */
  dimensionality: FeatureDimensionality[];
  /** Everything polytope.ts says about the bundle. */
  polytope: Polytope;
}

export type DiscardReason = "singleton" | "whole-space" | "lower-rank" | "pyramid-span" | "pyramid-decomposes" | "nested";

export interface DiscardedCluster {
  features: number[];
  subsets: number;
  spread: BundleSpread;
  reason: DiscardReason;
  /** A sentence: the rank found, the components, … */
  detail: string;
  /** For "nested": the features of the higher-level bundle that contains this one. */
  within?: number[];
}

/** How a level's eps was chosen. */
export interface LevelEps {
  value: number;
  /**
   * `given` (the option), `fixed` (faithful default), `gap` (persistence gap), `no-gap` (merges below
   * maxEps but no gap of ratio ≥ gapRatio: eps below every merge, so no clusters), `separated` (no
   * merge below maxEps), `trivial` (≤ 1 point).
   */
  method: "given" | "fixed" | "gap" | "no-gap" | "separated" | "trivial";
  /** The largest single-linkage merge height ≤ eps (null if none). */
  below: number | null;
  /** The smallest merge height > eps (null if none, or none ≤ max(eps, maxEps): heights are only computed up to there). */
  above: number | null;
  /** above / below (null when either is missing or below is 0). */
  ratio: number | null;
}

export interface LevelTimings {
  enumerate: number;
  embed: number;
  eps: number;
  dbscan: number;
  filter: number;
}

export interface LevelReport {
  k: number;
  /** Subsets enumerated at this level. */
  enumerated: number;
  /**
   * Hardened (without reportSingletons; levels below the hyperplanes k = m − 1): enumerated subsets
   * screened out before embedding — no other column of their factor lies within the linkage radius of
   * their span, so no subset's plane can be within it (span-screen.ts): singletons at every eps, counted
   * here and not in points or singletons.
   */
  isolated: number;
  /** Points clustered (hardened: the subsets of numerical rank k). */
  points: number;
  /** Subsets of rank < k: hardened drops them (their span is a lower level's point); faithful keeps them. */
  deficient: number;
  eps: LevelEps;
  /** DBSCAN clusters (kept and discarded), and points labelled noise (min_samples > 1 only). */
  clusters: number;
  noise: number;
  /** Bundles kept at this level. */
  bundles: number;
  /** Clusters of one subset (discarded; listed in `discarded` only with reportSingletons). */
  singletons: number;
  /** Every discarded cluster with its reason (singletons only with reportSingletons). */
  discarded: DiscardedCluster[];
  /** Milliseconds per stage. */
  timings: LevelTimings;
}

export interface BundleResult {
  mode: BundleMode;
  bundles: Bundle[];
  levels: LevelReport[];
  /** The resolved options. */
  options: Required<Omit<BundleOptions, "features" | "polytope" | "eps" | "gramTol" | "deadTol">> & { eps: number | "auto"; gramTol: number | "auto"; deadTol: number | "auto"; features: number[] };
  /**
   * The work estimate checked against maxWork before starting: hardened mode without reportSingletons
   * — enumeration and screening (the clustering worst case is `screened`); otherwise the whole run.
   */
  work: WorkEstimate;
  /** Hardened with screening: the clustering estimate on the subsets left, checked before embedding them. */
  screened: WorkEstimate | null;
  /** The Gram tolerance used for factors and connectivity, and how it was chosen. */
  gram: GramTolChoice;
  /** The factors enumeration was split by (hardened), or all selected live columns as one (faithful). */
  factors: number[][];
  /** Selected features left out as dead (hardened). */
  dead: number[];
  /** The dead cut used (hardened; faithful: given 0), and how it was chosen. */
  deadTol: DeadTolChoice;
  /** Milliseconds: preparation (normalisation, factors, estimate), per level (see levels), total. */
  timings: { prepare: number; total: number };
}

const now: () => number =
  typeof globalThis.performance?.now === "function" ? () => globalThis.performance.now() : () => Date.now();

// ---------------------------------------------------------------------------------------------------
// eps from the H0-persistence gap.

/** Floor under which merge heights count as exact zeros when forming ratios. */
const HEIGHT_FLOOR = 1e-15;

/**
 * Chooses eps from single-linkage merge heights. Only heights ≤ maxEps matter: the ones above are
 * replaced by one virtual height maxEps ("the next merge is above maxEps"). Scanning from the top, the
 * first consecutive pair (lo, hi) with hi ≥ gapRatio·max(lo, 1e-15) gives eps = √(max(lo, 1e-15)·hi)
 * (method "gap"; within-bundle distances are ≤ lo, distinct planes ≥ hi). Without such a pair eps goes
 * below the first merge (method "no-gap": every point its own cluster), and when nothing merges below
 * maxEps, eps = maxEps (method "separated").
 */
export function chooseEps(heights: ArrayLike<number>, gapRatio = 4, maxEps = 0.25): LevelEps {
  const known = Array.from(heights).filter((h) => h <= maxEps).sort((a, b) => a - b);
  const nextAbove = (v: number) => {
    let a: number | null = null;
    for (let i = 0; i < heights.length; i++) if (heights[i] > v && (a === null || heights[i] < a)) a = heights[i];
    return a;
  };
  if (known.length === 0) return { value: maxEps, method: "separated", below: null, above: nextAbove(maxEps), ratio: null };
  const list = [...known, maxEps];
  for (let i = list.length - 2; i >= 0; i--) {
    const lo = list[i];
    const hi = list[i + 1];
    const base = Math.max(lo, HEIGHT_FLOOR);
    if (hi >= gapRatio * base) {
      const value = Math.max(lo, Math.min(Math.sqrt(base * hi), maxEps));
      const above = nextAbove(value);
      return { value, method: "gap", below: lo, above, ratio: lo > 0 && above !== null ? above / lo : null };
    }
  }
  return { value: known[0] / 2, method: "no-gap", below: null, above: known[0], ratio: null };
}

// ---------------------------------------------------------------------------------------------------

/**
 * DBSCAN labels for min_samples = 1 from the single-linkage MST: union of the edges ≤ eps, clusters
 * numbered in the order of their lowest point (scikit-learn's discovery order when every point is core).
 */
function cutLabels(pers: { heights: Float64Array; edges: Int32Array } | null, count: number, eps: number): Int32Array {
  const parent = new Int32Array(count);
  for (let i = 0; i < count; i++) parent[i] = i;
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  if (pers !== null) {
    for (let t = 0; t < pers.heights.length && pers.heights[t] <= eps; t++) {
      const a = find(pers.edges[2 * t]);
      const b = find(pers.edges[2 * t + 1]);
      if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
    }
  }
  const labels = new Int32Array(count);
  const id = new Int32Array(count).fill(-1);
  let next = 0;
  for (let i = 0; i < count; i++) {
    const r = find(i);
    if (id[r] < 0) id[r] = next++;
    labels[i] = id[r];
  }
  return labels;
}

/** The linkages of disjoint point ranges (each's indices offset) as one: edges ordered by (d, i, j). */
function mergeLinkages(parts: { offset: number; link: Linkage }[]): Linkage {
  if (parts.length === 1) {
    // One part is already in order: an offset on every index keeps (d, i, j) order.
    const { offset, link } = parts[0];
    return offset === 0 ? link : { heights: link.heights, edges: link.edges.map((i) => i + offset) };
  }
  const total = parts.reduce((a, p) => a + p.link.heights.length, 0);
  const h = new Float64Array(total);
  const e = new Int32Array(2 * total);
  let at = 0;
  for (const { offset, link } of parts) {
    h.set(link.heights, at);
    for (let t = 0; t < 2 * link.heights.length; t++) e[2 * at + t] = offset + link.edges[t];
    at += link.heights.length;
  }
  return sortedLinkage(h, e);
}

/**
 * Spread of a cluster from the level's point-major embedding (at most 2000 members: pairwise): the
 * largest and the mean distance, by the pairSpread kernel (assembly/distance.ts) on a dimension-major
 * copy of the members.
 */
function spreadOf(pts: Float64Array, dim: number, members: number[]): BundleSpread {
  const c = Math.min(members.length, 2000);
  if (c < 2) return { max: 0, mean: 0 };
  const [max, sum] = scoped(() => {
    const mc = f64(c * dim);
    const dst = mc.array;
    for (let a = 0; a < c; a++) {
      const so = members[a] * dim;
      for (let d = 0; d < dim; d++) dst[d * c + a] = pts[so + d];
    }
    const out = f64(2);
    distanceKernels().pairSpread(out.ptr, mc.ptr, dim, c);
    return out.toArray();
  });
  return { max, mean: sum / ((c * (c - 1)) / 2) };
}

/** Subsets embedded per kernel call: a chunk's output (D·(chunk + 8) f64) stays in the L2 cache. */
const EMBED_CHUNK = 256;

/** Memory one level's points may take (point-major rows + the sweeps' dimension-major copy). */
const MAX_LEVEL_BYTES = 2 ** 30;

/** The columns `cols` of wn (m×n) as an m×k matrix, or its transpose (row j = column cols[j]). */
function columnsOf(wn: Float64Array, m: number, n: number, cols: number[], transposed: boolean): Float64Array {
  const k = cols.length;
  const sub = new Float64Array(m * k);
  for (let j = 0; j < k; j++) {
    for (let i = 0; i < m; i++) sub[transposed ? j * m + i : i * k + j] = wn[i * n + cols[j]];
  }
  return sub;
}

/**
 * Numerical rank of the (normalised) columns `cols` of wn (m×n): #{σ_i > rankTol·σ_max}. Of the
 * transpose when there are more columns than rows: the same singular values, and Jacobi rotates
 * min(m, k) columns instead of k (a cluster's union may hold ~n columns in m dimensions).
 */
function rankOf(wn: Float64Array, m: number, n: number, cols: number[], rankTol: number): number {
  const k = cols.length;
  const t = k > m;
  const [rows, c] = t ? [k, m] : [m, k];
  return orthonormalBasis(new Float64Array(rows * c), new Float64Array(c), columnsOf(wn, m, n, cols, t), rows, c, rankTol);
}

/** Direct-sum components of the columns `cols` (numerical: coefficients and residuals under rankTol). */
function sumComponents(wn: Float64Array, m: number, n: number, cols: number[], rankTol: number): number[][] {
  const mc = matroidComponents(columnsOf(wn, m, n, cols, false), m, cols.length, { tolerance: rankTol, coefficientTolerance: rankTol, deadTolerance: 0 });
  return mc.components.map((c) => c.map((j) => cols[j]));
}

interface Resolved {
  mode: BundleMode;
  minK: number;
  maxK: number;
  eps: number | "auto";
  minSamples: number;
  rankTol: number;
  gramTol: number | "auto";
  deadTol: number | "auto";
  colRedTol: number;
  features: number[];
  maxWork: number;
  gapRatio: number;
  maxEps: number;
  reportSingletons: boolean;
}

function resolve(m: number, n: number, o: BundleOptions): Resolved {
  if (o === null || typeof o !== "object") throw new TegumError("options must be an object", "options");
  const mode = o.mode ?? "hardened";
  if (mode !== "hardened" && mode !== "faithful") throw new TegumError(`mode must be "hardened" or "faithful", got ${String(mode)}`, "mode");
  const faithful = mode === "faithful";
  const maxK = checkInt("maxK", o.maxK ?? Math.max(1, Math.min(4, m - 1)), 1, m);
  const minK = checkInt("minK", o.minK ?? Math.min(faithful ? 2 : 1, maxK), 1, maxK);
  let eps: number | "auto";
  if (o.eps === undefined) eps = faithful ? 0.05 : "auto";
  else if (o.eps === "auto") eps = "auto";
  else eps = checkNumber("eps", o.eps, 0);
  const openUnit = (name: string, v: number) => {
    if (typeof v !== "number" || !(v > 0 && v < 1)) throw new TegumError(`${name} must be a number in the open interval (0, 1), got ${String(v)}`, name);
    return v;
  };
  const features: number[] = [];
  if (o.features !== undefined) {
    if (o.features === null || typeof o.features !== "object" || typeof o.features.length !== "number") {
      throw new TegumError("features must be an array of column indices", "features");
    }
    const seen = new Uint8Array(n);
    for (let i = 0; i < o.features.length; i++) {
      const f = checkInt("features[]", o.features[i], 0, n - 1);
      if (seen[f]) throw new TegumError(`features must be distinct, ${f} appears twice`, "features");
      seen[f] = 1;
    }
    for (let f = 0; f < n; f++) if (seen[f]) features.push(f);
  } else for (let f = 0; f < n; f++) features.push(f);
  return {
    mode,
    minK,
    maxK,
    eps,
    minSamples: checkInt("minSamples", o.minSamples ?? 1, 1),
    rankTol: openUnit("rankTol", o.rankTol ?? 0.05),
    gramTol: o.gramTol === undefined || o.gramTol === "auto" ? "auto" : checkNumber("gramTol", o.gramTol, 0, 0.999999),
    deadTol: o.deadTol === undefined || o.deadTol === "auto" ? "auto" : chooseDeadTol([], o.deadTol, "deadTol").value,
    colRedTol: openUnit("colRedTol", o.colRedTol ?? 1e-12),
    features,
    maxWork: checkNumber("maxWork", o.maxWork ?? 2e10, 0),
    gapRatio: checkNumber("gapRatio", o.gapRatio ?? 4, 1),
    maxEps: checkNumber("maxEps", o.maxEps ?? 0.25, Number.MIN_VALUE),
    reportSingletons: Boolean(o.reportSingletons ?? false),
  };
}

/**
 * Finds the feature bundles of W (m×n row-major, column j = feature j; Float32Array or Float64Array).
 * Requires `init`. Throws a TegumError before any numerical work when the estimated work exceeds
 * `maxWork`, with the estimate and the options that reduce it.
 */
export function findBundles(w: Float32Array | Float64Array, m: number, n: number, options: BundleOptions = {}): BundleResult {
  const t0 = now();
  checkInt("m", m, 1);
  checkInt("n", n, 1);
  if (!(w instanceof Float32Array) && !(w instanceof Float64Array)) {
    throw new TegumError("w must be a Float32Array or Float64Array (m×n row-major)", "w");
  }
  if (w.length < m * n) throw new TegumError(`w needs at least ${m * n} elements (m×n), got ${w.length}`, "w");
  checkFinite("w", w, m * n);
  const o = resolve(m, n, options);
  const faithful = o.mode === "faithful";
  const w64 = Float64Array.from(w.subarray(0, m * n));

  // Norms; dead and unselected columns; directions.
  const norms = new Float64Array(n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) norms[j] += w64[i * n + j] * w64[i * n + j];
  for (let j = 0; j < n; j++) norms[j] = Math.sqrt(norms[j]);
  const deadTol = faithful ? chooseDeadTol([], 0) : chooseDeadTol(o.features.map((f) => norms[f]), o.deadTol, "deadTol");
  let maxSelected = 0;
  for (const f of o.features) maxSelected = Math.max(maxSelected, norms[f]);
  const dead: number[] = [];
  const live: number[] = [];
  for (const f of o.features) {
    if (norms[f] <= deadTol.value * maxSelected) dead.push(f);
    else live.push(f);
  }
  const wn = new Float64Array(m * n); // unit columns for live features, 0 elsewhere
  for (const f of live) for (let i = 0; i < m; i++) wn[i * n + f] = w64[i * n + f] / norms[f];

  // Factors, Gram graph, work estimate.
  let factors: number[][];
  let adjacency: Uint8Array | null = null;
  let cosines: Float32Array | Float64Array | null = null;
  let gram: GramTolChoice = { value: 0, method: "unused", below: null, above: null };
  if (faithful) {
    factors = o.features.length > 0 ? [o.features.slice()] : [];
  } else {
    const g = (cosines = gramOf(wn, m, n)); // wn has unit (or zero) columns
    gram = o.gramTol === "auto" ? chooseGramTol(g, n, live) : { value: o.gramTol, method: "given", below: null, above: null };
    adjacency = new Uint8Array(n * n);
    for (let a = 0; a < live.length; a++) {
      for (let b = a + 1; b < live.length; b++) {
        const i = live[a];
        const j = live[b];
        if (Math.abs(g[i * n + j]) > gram.value) adjacency[i * n + j] = adjacency[j * n + i] = 1;
      }
    }
    factors = live.length > 0 ? tegumFactors(wn, m, n, { gram: g, tolerance: gram.value, deadTolerance: 0.5 }).factors : [];
  }
  // Hardened mode screens the subsets (span-screen.ts) unless every singleton is to be listed.
  const radius = o.eps === "auto" ? o.maxEps : Math.max(o.eps, o.maxEps);
  const screen = cosines !== null && !o.reportSingletons;
  const full = estimateWork(factors, m, o.minK, o.maxK, adjacency, n, o.maxWork);
  const work = screen ? screeningWork(full) : full;
  checkWork(work, o.maxWork);
  const tPrepared = now();

  const dim = embeddingDim(m);
  // Enumerate (and screen) every level first: the clustering estimate is checked on what is left.
  const plan: { k: number; subsets: Int32Array; groupEnds: number[]; near: Near | null; flops: number; enumerated: number; isolated: number; ms: number }[] = [];
  for (let k = o.minK; k <= o.maxK; k++) {
    const t = now();
    // Not the hyperplanes (k = m − 1 > 1): a column lies within R of a hyperplane unless nearly normal to
    // it, so the screen isolates almost nothing there (3–4 of 2322–4845 subsets on trained and Gaussian
    // n=20, m=5) at ~0.4 µs a subset, and the level is linked by the kd-tree over its normals anyway.
    const screenLevel = screen && !(k > 1 && k === m - 1);
    let groups: { subsets: Int32Array; near: Near | null }[];
    let enumerated = 0;
    if (faithful) groups = factors.length > 0 ? [{ subsets: combinations(factors[0], k), near: null }] : [];
    else {
      groups = factors.map((f) => {
        const all = connectedSubsets(adjacency!, n, f, k);
        enumerated += all.length / k;
        return screenLevel ? screenSubsets(cosines!, n, f, all, k, radius) : { subsets: all, near: null };
      });
    }
    const parts = groups.map((g) => g.subsets);
    const subsets = new Int32Array(parts.reduce((a, p) => a + p.length, 0));
    let at = 0;
    for (const p of parts) {
      subsets.set(p, at);
      at += p.length;
    }
    if (faithful) enumerated = subsets.length / k;
    // The screen's near columns give the linkage's candidate pairs (spanCandidates) and their count.
    const count = subsets.length / k;
    const near = screenLevel ? concatNear(groups.map((g) => g.near!)) : null;
    const pairs = near === null ? Infinity : candidatePairs(near, k, count);
    const flops = candidatesPay(pairs, count) ? candidateLevelFlops(count, m, k, pairs) : levelFlops(count, m, k);
    const groupEnds: number[] = [];
    for (const g of groups) groupEnds.push((groupEnds.at(-1) ?? 0) + g.subsets.length / k);
    plan.push({ k, subsets, groupEnds, near, flops, enumerated, isolated: enumerated - count, ms: now() - t });
  }
  let screened: WorkEstimate | null = null;
  if (screen) {
    const levels = plan.map((p) => ({ k: p.k, points: p.subsets.length / p.k, exact: true, dim, flops: p.flops }));
    screened = { levels, points: levels.reduce((a, l) => a + l.points, 0), flops: levels.reduce((a, l) => a + l.flops, 0), factorSizes: full.factorSizes };
    checkWork(screened, o.maxWork, "left after screening");
  }
  // Memory: a level's embedding (in wasm memory) and its point-major copy for the linkage.
  for (const p of plan) {
    const bytes = (p.subsets.length / p.k) * dim * 16;
    if (bytes > MAX_LEVEL_BYTES) {
      throw new TegumError(
        `level k=${p.k} would embed ${p.subsets.length / p.k} subsets in ${dim} dimensions: ${(bytes / 2 ** 20).toFixed(0)} MiB, above ${MAX_LEVEL_BYTES / 2 ** 20} MiB. ` +
          `Reduce it with: maxK < ${p.k}, a larger gramTol, features: a subset of the columns, or deadTol to drop weak features.`,
        "maxK",
      );
    }
  }

  const bundles: Bundle[] = [];
  const levels: LevelReport[] = [];
  const wEmbed = faithful ? w64 : wn;
  let metrics: FeatureMetrics | null = null;

  for (const { k, subsets, groupEnds, near, enumerated, isolated, ms } of plan) {
    const embedded = subsets.length / k;
    const tl1 = now();

    const level = scoped(() => {
      // Embed, in chunks whose dimension-major output (the kernels' layout) is copied point-major while
      // it is in cache: rows for the pairs (linkage, spreads) without a second level-sized array.
      // Subsets of rank < k are dropped (hardened) or kept at their rank (faithful).
      const keep: number[] = [];
      let deficient = 0;
      const pts = new Float64Array(embedded * dim);
      scoped(() => {
        const ld = EMBED_CHUNK + 8; // not a multiple of 4 KiB: the chunk's rows would share cache sets
        const wr = f64(wEmbed); // resident once for all chunks
        const buf = f64(ld * dim);
        const ranks = i32(EMBED_CHUNK);
        for (let s0 = 0; s0 < embedded; s0 += EMBED_CHUNK) {
          const len = Math.min(EMBED_CHUNK, embedded - s0);
          const part = subsets.subarray(s0 * k, (s0 + len) * k);
          if (faithful) subsetReducedEmbeddings(buf, ranks, wr, m, n, part, k, len, o.colRedTol, ld);
          else subsetEmbeddings(buf, ranks, wr, m, n, part, k, len, o.rankTol, ld);
          const b = buf.array;
          const r = ranks.array;
          for (let a = 0; a < len; a++) {
            if (r[a] < k) deficient++;
            if (!faithful && r[a] !== k) continue;
            const row = keep.length * dim;
            for (let d = 0; d < dim; d++) pts[row + d] = b[d * ld + a];
            keep.push(s0 + a);
          }
        }
      });
      const count = keep.length;
      // Points are clustered within their factor: [c0, c1) per group (keep ascending, groups in order).
      const ranges: [number, number][] = [];
      for (let g = 0, c = 0; g < groupEnds.length; g++) {
        const c0 = c;
        while (c < count && keep[c] < groupEnds[g]) c++;
        if (c > c0) ranges.push([c0, c]);
      }
      // Each range's dimension-major copy, for the wasm sweeps (made once, kept for DBSCAN).
      const xs: WasmArray<Float64Array>[] = [];
      const xOf = (r: number) => (xs[r] ??= dimensionMajor(pts.subarray(ranges[r][0] * dim, ranges[r][1] * dim), dim, ranges[r][1] - ranges[r][0]));
      const tl2 = now();

      // eps, from the H0 persistence (single-linkage merge heights) up to the radius that matters.
      // Screened-out subsets are (isolated) points too: with them, a level of < 2 embedded points is
      // "separated", not "trivial".
      let link: Linkage | null = null;
      if (count + isolated > 1) {
        // With the screen's near columns the pairs within the radius are among the k-subsets of
        // S ∪ near(S) (span-screen.ts), all in S's factor: candidates instead of the sweep when they are
        // fewer; else each factor's points by radiusLinkage.
        const candidates = near !== null && candidatesPay(candidatePairs(near, k, count, keep), count) ? spanCandidates(near, subsets, k, keep) : null;
        // Lines and hyperplanes: Prim may prune by their axes (linkage.ts). Not faithful mode's points
        // AAᵀ: A is column-reduced, not orthonormal.
        const plane = !faithful && (k === 1 || k === m - 1) ? { m, complement: k !== 1 } : undefined;
        const linkageTo = (r: number) =>
          candidates !== null
            ? candidateLinkage(pts, dim, count, r, candidates)
            : mergeLinkages(ranges.map(([c0, c1], g) => ({ offset: c0, link: radiusLinkage(xOf(g), dim, c1 - c0, r, pts.subarray(c0 * dim, c1 * dim), plane) })));
        if (o.eps === "auto") link = linkageTo(radius);
        else {
          // A given eps needs the merges up to it (the clusters) and the first above (reported): radii
          // 2·eps, 4·eps, … up to the radius, until one holds a merge above eps. A linkage truncated at r
          // holds exactly the full one's merges ≤ r, so this is the linkage at the radius up to there —
          // and a sparse graph instead of the dense one at maxEps when eps is small. The candidate pairs
          // are fixed at the radius and cost the same at any r: one pass there.
          const first = o.eps > 0 && candidates === null ? Math.min(2 * o.eps, radius) : radius;
          for (let r = first; ; r = Math.min(2 * r, radius)) {
            link = linkageTo(r);
            const h = link.heights;
            if (r >= radius || (h.length > 0 && h[h.length - 1] > o.eps)) break;
          }
        }
      }
      let eps: LevelEps;
      const givenMethod = options.eps === undefined ? "fixed" : "given";
      if (link === null) eps = { value: o.eps === "auto" ? o.maxEps : o.eps, method: o.eps === "auto" ? "trivial" : givenMethod, below: null, above: null, ratio: null };
      else if (o.eps !== "auto") {
        let below: number | null = null;
        let above: number | null = null;
        for (const v of link.heights) {
          if (v <= o.eps) below = v;
          else if (above === null) above = v;
        }
        eps = { value: o.eps, method: givenMethod, below, above, ratio: below !== null && above !== null && below > 0 ? above / below : null };
      } else eps = chooseEps(link.heights, o.gapRatio, o.maxEps);
      const tl3 = now();

      // DBSCAN. With min_samples = 1 every point is core and the clusters are the components of the
      // eps-graph = the components of the minimum-spanning-forest edges ≤ eps: read them off the
      // linkage instead of an O(N²) pass (same partition, numbered by lowest index as DBSCAN's).
      let labels: Int32Array;
      if (count === 0) labels = new Int32Array(0);
      else if (o.minSamples === 1) labels = cutLabels(link, count, eps.value);
      else {
        // Factor by factor, clusters numbered on (the lower factors' points come first: discovery order).
        labels = new Int32Array(count).fill(-1);
        let next = 0;
        for (const [r, [c0, c1]] of ranges.entries()) {
          const { labels: part, clusters } = dbscan(xOf(r), dim, c1 - c0, { eps: eps.value, minSamples: o.minSamples });
          for (let c = 0; c < part.length; c++) if (part[c] >= 0) labels[c0 + c] = next + part[c];
          next += clusters;
        }
      }
      const tl4 = now();

      // Clusters and filters.
      const members = new Map<number, number[]>();
      let noise = 0;
      for (let c = 0; c < count; c++) {
        const l = labels[c];
        if (l < 0) {
          noise++;
          continue;
        }
        let list = members.get(l);
        if (list === undefined) members.set(l, (list = []));
        list.push(c);
      }
      const discarded: DiscardedCluster[] = [];
      const kept: Bundle[] = [];
      let singletons = 0;
      const clusterIds = [...members.keys()].sort((a, b) => a - b);
      for (const id of clusterIds) {
        const cluster = members.get(id)!;
        if (cluster.length === 1 && !o.reportSingletons) {
          singletons++; // its features and spread would be reported only with reportSingletons
          continue;
        }
        const feats = new Set<number>();
        for (const p of cluster) for (let i = 0; i < k; i++) feats.add(subsets[keep[p] * k + i]);
        const features = [...feats].sort((a, b) => a - b);
        const spread = spreadOf(pts, dim, cluster);
        const discard = (reason: DiscardReason, detail: string) => discarded.push({ features, subsets: cluster.length, spread, reason, detail });
        if (cluster.length === 1) {
          singletons++;
          if (o.reportSingletons) discard("singleton", "a cluster of one subset");
          continue;
        }
        if (k >= m) {
          discard("whole-space", `k = m = ${m}: every subset of rank m spans the whole space`);
          continue;
        }
        const liveFeatures = features.filter((f) => norms[f] > 0);
        const rank = liveFeatures.length > 0 ? rankOf(wn, m, n, liveFeatures, o.rankTol) : 0;
        if (rank < k) {
          discard("lower-rank", `the columns span ${rank} < k = ${k} dimensions: a point of level ${rank}`);
          continue;
        }
        if (rank > k) {
          discard("pyramid-span", `the columns span ${rank} > k = ${k} dimensions`);
          continue;
        }
        const comps = sumComponents(wn, m, n, liveFeatures, o.rankTol);
        if (comps.length > 1) {
          const text = comps.map((c) => `{${c.join(", ")}}`).join(" ⊕ ");
          discard("pyramid-decomposes", `the columns decompose as ${text}`);
          continue;
        }
        metrics ??= featureMetrics(w64, m, n);
        const poly = polytope(w64, m, n, features, { rankTolerance: o.rankTol, ...options.polytope, metrics });
        kept.push({
          rank: k,
          features,
          subsets: cluster.length,
          spread,
          shape: poly.name,
          kind: poly.kind,
          dimensionality: poly.dimensionality,
          polytope: poly,
        });
      }
      const tl5 = now();
      return {
        report: {
          k,
          enumerated,
          isolated,
          points: count,
          deficient,
          eps,
          clusters: members.size,
          noise,
          bundles: kept.length,
          singletons,
          discarded,
          timings: { enumerate: ms, embed: tl2 - tl1, eps: tl3 - tl2, dbscan: tl4 - tl3, filter: tl5 - tl4 },
        } satisfies LevelReport,
        kept,
      };
    });
    levels.push(level.report);
    bundles.push(...level.kept);
  }

  // Nested: a bundle whose features lie inside a higher-level bundle is a part of that bundle (the
  // antipodal pairs of a hexagon are lines, but the summand is the hexagon), not a summand itself.
  const maximal: Bundle[] = [];
  for (const b of bundles) {
    const host = bundles
      .filter((c) => c.rank > b.rank && b.features.every((f) => c.features.includes(f)))
      .sort((x, y) => x.rank - y.rank || x.features.length - y.features.length)[0];
    if (host === undefined) {
      maximal.push(b);
      continue;
    }
    const level = levels.find((l) => l.k === b.rank)!;
    level.bundles--;
    level.discarded.push({
      features: b.features,
      subsets: b.subsets,
      spread: b.spread,
      reason: "nested",
      detail: `inside the rank-${host.rank} bundle {${host.features.join(", ")}} (${host.shape})`,
      within: host.features,
    });
  }

  return {
    mode: o.mode,
    bundles: maximal,
    levels,
    options: {
      mode: o.mode,
      minK: o.minK,
      maxK: o.maxK,
      eps: o.eps,
      minSamples: o.minSamples,
      rankTol: o.rankTol,
      gramTol: o.gramTol,
      deadTol: o.deadTol,
      colRedTol: o.colRedTol,
      features: o.features,
      maxWork: o.maxWork,
      gapRatio: o.gapRatio,
      maxEps: o.maxEps,
      reportSingletons: o.reportSingletons,
    },
    work,
    screened,
    gram,
    factors,
    dead,
    deadTol,
    timings: { prepare: tPrepared - t0, total: now() - t0 },
  };
}
