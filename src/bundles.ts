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
//     and dead ones (norm ≤ deadTol × max norm) are left out.
//   - Each subset gets the orthonormal basis of its dominant singular subspace (one-sided Jacobi) with
//     an application tolerance rankTol relative to σ_max. A subset of numerical rank < k is not
//     projected at full rank — its span is already a point of a lower level (deduplicated) — and
//     P = AAᵀ is then a true projector, smooth in W.
//   - Enumeration is pre-split by tegum factors (|cos| > gramTol) and restricted to subsets connected
//     in that Gram graph: an indecomposable bundle lies inside one factor, and a connected set spanning
//     k dimensions always contains a connected independent k-subset. Work Σ_f connected(n_f, k)
//     instead of C(n, k), estimated beforehand; above maxWork the finder refuses before starting.
//   - eps is chosen per level from the H0-persistence (single-linkage) merge heights when not given:
//     within-bundle distances are plane noise — ∼ noise·‖W_S‖/σ_k(W_S) by Wedin, bounded by the rank
//     tolerance — and distinct planes are O(1) apart, so eps goes in the highest gap of ratio ≥
//     gapRatio below maxEps (see `chooseEps`). It therefore scales with the noise of W; the choice and
//     the bracketing heights are reported.
//   - DBSCAN with scikit-learn semantics made deterministic (dbscan.ts); min_samples = 1 by default,
//     where DBSCAN at eps is exactly a cut of the single-linkage dendrogram the eps was read from.
//
// Filters (both modes), each with its reason: a cluster of one subset ("singleton"); k = m ("whole
// space"); the union of the cluster's columns spanning more than k dimensions ("pyramid-span") or
// decomposing as a direct sum ("pyramid-decomposes": a (k−1)-dimensional bundle plus any one vector
// spans the same k-plane for every choice from the bundle, so it clusters without being a summand);
// spanning fewer than k ("lower-rank": only in faithful mode, which embeds rank-deficient subsets).
import { WasmArray, f64, i32, scoped } from "./arena.js";
import { subsetReducedEmbeddings } from "./col-red.js";
import { chordalDistances, neighbors } from "./distance.js";
import { TegumError, checkFinite, checkInt, checkNumber } from "./errors.js";
import { featureMetrics, type FeatureMetrics } from "./metrics.js";
import { polytope, type FeatureDimensionality, type Polytope, type PolytopeKind, type PolytopeOptions } from "./polytope.js";
import { embeddingDim, orthonormalBasis, subsetEmbeddings } from "./projector.js";
import { checkWork, combinations, connectedSubsets, estimateWork, gramAdjacency, type WorkEstimate } from "./subsets.js";
import { matroidComponents, tegumFactors } from "./tegum-factors.js";

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
  /** Tegum factors and Gram connectivity: features are joined when |cos| > gramTol. Default 1e-3. */
  gramTol?: number;
  /** Dead features: norm ≤ deadTol × the largest norm (hardened mode only). Default 1e-3. */
  deadTol?: number;
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
export interface Spread {
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
  spread: Spread;
  /** The polytope name ("pentagon", "digon", "tetrahedron", "tight frame", "irregular" …). */
  shape: string;
  kind: PolytopeKind;
  /** D_i of the bundle's features (inside the bundle and in the whole W), with fractions. */
  dimensionality: FeatureDimensionality[];
  /** Everything polytope.ts says about the bundle. */
  polytope: Polytope;
}

export type DiscardReason = "singleton" | "whole-space" | "lower-rank" | "pyramid-span" | "pyramid-decomposes";

export interface DiscardedCluster {
  features: number[];
  subsets: number;
  spread: Spread;
  reason: DiscardReason;
  /** A sentence: the rank found, the components, … */
  detail: string;
}

/** How a level's eps was chosen. */
export interface EpsChoice {
  value: number;
  /**
   * `given` (the option), `fixed` (faithful default), `gap` (persistence gap), `no-gap` (no gap of
   * ratio ≥ gapRatio below maxEps: eps below every merge height, so no clusters), `trivial` (≤ 1 point).
   */
  method: "given" | "fixed" | "gap" | "no-gap" | "trivial";
  /** The largest single-linkage merge height ≤ eps (null if none). */
  below: number | null;
  /** The smallest merge height > eps (null if none: everything merged). */
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
  /** Points clustered (hardened: the subsets of numerical rank k). */
  points: number;
  /** Subsets of rank < k: hardened drops them (their span is a lower level's point); faithful keeps them. */
  deficient: number;
  eps: EpsChoice;
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
  options: Required<Omit<BundleOptions, "features" | "polytope" | "eps">> & { eps: number | "auto"; features: number[] };
  /** The work estimate checked against maxWork before starting. */
  work: WorkEstimate;
  /** The factors enumeration was split by (hardened), or all selected live columns as one (faithful). */
  factors: number[][];
  /** Selected features left out as dead (hardened). */
  dead: number[];
  /** Milliseconds: preparation (normalisation, factors, estimate), per level (see levels), total. */
  timings: { prepare: number; total: number };
}

const now: () => number =
  typeof globalThis.performance?.now === "function" ? () => globalThis.performance.now() : () => Date.now();

// ---------------------------------------------------------------------------------------------------
// eps from the H0-persistence gap.

/** Floor under which merge heights count as exact zeros when forming ratios. */
const HEIGHT_FLOOR = 1e-15;
/** The scale of distinct planes: a virtual top merge so that "everything is one bundle" has a gap. */
const CEILING = 1;

/**
 * Chooses eps from sorted single-linkage merge heights: scanning from the top, the first consecutive
 * pair (lo, hi) — with a virtual height 1 (the scale of distances between distinct planes) on top —
 * such that lo ≤ maxEps and hi ≥ gapRatio·max(lo, 1e-15); eps = min(√(max(lo,1e-15)·hi), maxEps).
 * Without such a gap eps is put below every merge (half the smallest height, at most maxEps).
 */
export function chooseEps(heights: ArrayLike<number>, gapRatio = 4, maxEps = 0.25): EpsChoice {
  const h = Array.from(heights).sort((a, b) => a - b);
  if (h.length === 0) return { value: maxEps, method: "trivial", below: null, above: null, ratio: null };
  const list = h[h.length - 1] < CEILING ? [...h, CEILING] : h;
  for (let i = list.length - 2; i >= 0; i--) {
    const lo = list[i];
    const hi = list[i + 1];
    if (lo > maxEps) continue;
    const base = Math.max(lo, HEIGHT_FLOOR);
    if (hi >= gapRatio * base) {
      const value = Math.max(lo, Math.min(Math.sqrt(base * hi), maxEps));
      const virtualTop = i + 1 === list.length - 1 && list !== h;
      return { value, method: "gap", below: lo, above: virtualTop ? null : hi, ratio: lo > 0 && !virtualTop ? hi / lo : null };
    }
  }
  const value = Math.min(maxEps, h[0] / 2);
  return { value, method: "no-gap", below: null, above: h[0], ratio: null };
}

// ---------------------------------------------------------------------------------------------------
// TEMPORARY private helpers (to be replaced by src/persistence.ts and src/dbscan.ts when they land).

/** TEMPORARY: single-linkage merge heights (Prim on the complete graph, distances by the kernel). */
function mergeHeightsTemp(x: WasmArray<Float64Array>, dim: number, count: number): Float64Array {
  const heights = new Float64Array(Math.max(0, count - 1));
  if (count <= 1) return heights;
  const best = new Float64Array(count).fill(Infinity);
  const done = new Uint8Array(count);
  const row = f64(count);
  let cur = 0;
  done[0] = 1;
  for (let it = 0; it < count - 1; it++) {
    chordalDistances(row, x, dim, count, cur);
    const r = row.array;
    let next = -1;
    let nv = Infinity;
    for (let j = 0; j < count; j++) {
      if (done[j]) continue;
      if (r[j] < best[j]) best[j] = r[j];
      if (best[j] < nv) {
        nv = best[j];
        next = j;
      }
    }
    heights[it] = nv;
    done[next] = 1;
    cur = next;
  }
  return heights.sort();
}

/** TEMPORARY: DBSCAN (scikit-learn semantics; border → nearest core, ties → lower index). */
function dbscanTemp(x: WasmArray<Float64Array>, dim: number, count: number, eps: number, minSamples: number): Int32Array {
  const labels = new Int32Array(count).fill(-1);
  const idx = i32(count);
  const lists: Int32Array[] = new Array(count);
  for (let q = 0; q < count; q++) {
    const num = neighbors(idx, x, dim, count, q, eps);
    lists[q] = idx.array.slice(0, num);
  }
  const core = lists.map((l) => l.length >= minSamples);
  let next = 0;
  for (let p = 0; p < count; p++) {
    if (!core[p] || labels[p] !== -1) continue;
    const c = next++;
    labels[p] = c;
    const stack = [p];
    while (stack.length > 0) {
      const q = stack.pop()!;
      for (const j of lists[q]) {
        if (labels[j] !== -1 || !core[j]) continue;
        labels[j] = c;
        stack.push(j);
      }
    }
  }
  // border points: the nearest core point's cluster, ties → lower index
  const xa = x.array;
  for (let p = 0; p < count; p++) {
    if (core[p]) continue;
    let bestD = Infinity;
    let bestL = -1;
    for (const j of lists[p]) {
      if (!core[j]) continue;
      let s = 0;
      for (let d = 0; d < dim; d++) {
        const t = xa[d * count + j] - xa[d * count + p];
        s += t * t;
      }
      if (s < bestD) {
        bestD = s;
        bestL = labels[j];
      }
    }
    labels[p] = bestL;
  }
  return labels;
}

// ---------------------------------------------------------------------------------------------------

function spreadOf(x: Float64Array, dim: number, count: number, members: number[]): Spread {
  const c = Math.min(members.length, 2000); // pairwise on at most 2000 points
  if (c < 2) return { max: 0, mean: 0 };
  let max = 0;
  let sum = 0;
  for (let a = 0; a < c; a++) {
    const i = members[a];
    for (let b = a + 1; b < c; b++) {
      const j = members[b];
      let s = 0;
      for (let d = 0; d < dim; d++) {
        const t = x[d * count + i] - x[d * count + j];
        s += t * t;
      }
      const dist = Math.sqrt(s);
      sum += dist;
      if (dist > max) max = dist;
    }
  }
  return { max, mean: sum / ((c * (c - 1)) / 2) };
}

/** Numerical rank of the (normalised) columns `cols` of wn (m×n): #{σ_i > rankTol·σ_max}. */
function rankOf(wn: Float64Array, m: number, n: number, cols: number[], rankTol: number): number {
  const k = cols.length;
  const sub = new Float64Array(m * k);
  for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) sub[i * k + j] = wn[i * n + cols[j]];
  return orthonormalBasis(new Float64Array(m * k), new Float64Array(k), sub, m, k, rankTol);
}

/** Direct-sum components of the columns `cols` (numerical: coefficients and residuals under rankTol). */
function sumComponents(wn: Float64Array, m: number, n: number, cols: number[], rankTol: number): number[][] {
  const k = cols.length;
  const sub = new Float64Array(m * k);
  for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) sub[i * k + j] = wn[i * n + cols[j]];
  const mc = matroidComponents(sub, m, k, { tolerance: rankTol, coefficientTolerance: rankTol, deadTolerance: 0 });
  return mc.components.map((c) => c.map((j) => cols[j]));
}

interface Resolved {
  mode: BundleMode;
  minK: number;
  maxK: number;
  eps: number | "auto";
  minSamples: number;
  rankTol: number;
  gramTol: number;
  deadTol: number;
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
    gramTol: checkNumber("gramTol", o.gramTol ?? 1e-3, 0, 0.999999),
    deadTol: checkNumber("deadTol", o.deadTol ?? 1e-3, 0, 0.999999),
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
  let maxNorm = 0;
  for (let j = 0; j < n; j++) {
    norms[j] = Math.sqrt(norms[j]);
    if (norms[j] > maxNorm) maxNorm = norms[j];
  }
  const selected = new Uint8Array(n);
  for (const f of o.features) selected[f] = 1;
  const dead: number[] = [];
  const live: number[] = [];
  for (const f of o.features) {
    if (norms[f] === 0 || (!faithful && norms[f] <= o.deadTol * maxNorm)) dead.push(f);
    else live.push(f);
  }
  const wn = new Float64Array(m * n); // unit columns for live features, 0 elsewhere
  for (const f of live) for (let i = 0; i < m; i++) wn[i * n + f] = w64[i * n + f] / norms[f];

  // Factors, Gram graph, work estimate.
  let factors: number[][];
  let adjacency: Uint8Array | null = null;
  if (faithful) {
    factors = o.features.length > 0 ? [o.features.slice()] : [];
  } else {
    adjacency = gramAdjacency(wn, m, n, o.gramTol);
    factors = live.length > 0 ? tegumFactors(wn, m, n, { tolerance: o.gramTol, deadTolerance: 0.5 }).factors : [];
  }
  const work = estimateWork(factors, m, o.minK, o.maxK, adjacency, n);
  checkWork(work, o.maxWork);
  const tPrepared = now();

  const bundles: Bundle[] = [];
  const levels: LevelReport[] = [];
  const dim = embeddingDim(m);
  const wEmbed = faithful ? w64 : wn;
  let metrics: FeatureMetrics | null = null;

  for (let k = o.minK; k <= o.maxK; k++) {
    const tl0 = now();
    // Enumerate.
    let subsets: Int32Array;
    if (faithful) subsets = factors.length > 0 ? combinations(factors[0], k) : new Int32Array(0);
    else {
      const parts = factors.map((f) => connectedSubsets(adjacency!, n, f, k));
      subsets = new Int32Array(parts.reduce((a, p) => a + p.length, 0));
      let at = 0;
      for (const p of parts) {
        subsets.set(p, at);
        at += p.length;
      }
    }
    const enumerated = subsets.length / k;
    const tl1 = now();

    const level = scoped(() => {
      // Embed.
      const all = f64(enumerated * dim);
      const ranks = i32(enumerated);
      if (enumerated > 0) {
        if (faithful) subsetReducedEmbeddings(all, ranks, wEmbed, m, n, subsets, k, enumerated, o.colRedTol);
        else subsetEmbeddings(all, ranks, wEmbed, m, n, subsets, k, enumerated, o.rankTol);
      }
      const r = ranks.array;
      const keep: number[] = [];
      let deficient = 0;
      for (let s = 0; s < enumerated; s++) {
        if (r[s] < k) deficient++;
        if (faithful || r[s] === k) keep.push(s);
      }
      const count = keep.length;
      let x = all;
      if (count !== enumerated) {
        x = f64(count * dim);
        const src = all.array;
        const dst = x.array;
        for (let d = 0; d < dim; d++) {
          const so = d * enumerated;
          const dO = d * count;
          for (let c = 0; c < count; c++) dst[dO + c] = src[so + keep[c]];
        }
      }
      const tl2 = now();

      // eps.
      let eps: EpsChoice;
      if (o.eps !== "auto") {
        eps = { value: o.eps, method: options.eps === undefined ? "fixed" : "given", below: null, above: null, ratio: null };
        if (count > 1) {
          const h = mergeHeightsTemp(x, dim, count);
          let below: number | null = null;
          let above: number | null = null;
          for (const v of h) {
            if (v <= o.eps) below = v;
            else if (above === null) above = v;
          }
          eps = { ...eps, below, above, ratio: below !== null && above !== null && below > 0 ? above / below : null };
        }
      } else if (count <= 1) eps = { value: o.maxEps, method: "trivial", below: null, above: null, ratio: null };
      else eps = chooseEps(mergeHeightsTemp(x, dim, count), o.gapRatio, o.maxEps);
      const tl3 = now();

      // DBSCAN.
      const labels = count > 0 ? dbscanTemp(x, dim, count, eps.value, o.minSamples) : new Int32Array(0);
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
      const xa = x.array;
      const discarded: DiscardedCluster[] = [];
      const kept: Bundle[] = [];
      let singletons = 0;
      const clusterIds = [...members.keys()].sort((a, b) => a - b);
      for (const id of clusterIds) {
        const pts = members.get(id)!;
        const feats = new Set<number>();
        for (const p of pts) for (let i = 0; i < k; i++) feats.add(subsets[keep[p] * k + i]);
        const features = [...feats].sort((a, b) => a - b);
        const spread = spreadOf(xa, dim, count, pts);
        const discard = (reason: DiscardReason, detail: string) => discarded.push({ features, subsets: pts.length, spread, reason, detail });
        if (pts.length === 1) {
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
        const poly = polytope(w64, m, n, features, { ...options.polytope, metrics });
        kept.push({
          rank: k,
          features,
          subsets: pts.length,
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
          points: count,
          deficient,
          eps,
          clusters: members.size,
          noise,
          bundles: kept.length,
          singletons,
          discarded,
          timings: { enumerate: tl1 - tl0, embed: tl2 - tl1, eps: tl3 - tl2, dbscan: tl4 - tl3, filter: tl5 - tl4 },
        } satisfies LevelReport,
        kept,
      };
    });
    levels.push(level.report);
    bundles.push(...level.kept);
  }

  return {
    mode: o.mode,
    bundles,
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
    factors,
    dead,
    timings: { prepare: tPrepared - t0, total: now() - t0 },
  };
}
