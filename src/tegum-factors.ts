// Tegum factors: how a set of feature directions splits into independent summands (TMS; REFERENCE §2).
//
// Two decompositions, for two questions:
//
// * `tegumFactors` — the orthogonal decomposition. Features i, j are joined when
//   |cos(W_i, W_j)| = |G_ij| / (‖W_i‖‖W_j‖) > tolerance; the factors are the connected components. A
//   tegum product places its factors in mutually orthogonal subspaces, so its factors are exactly
//   these components (TMS: disconnected in the |Ŵ_i·W_j| graph iff different tegum factors). The
//   tolerance is relative to the norms (a cosine), is reported, and so are the two cosines that bracket
//   it (`largestBelow`, `smallestAbove`): any tolerance between them gives the same factors, so a narrow
//   bracket means a fragile split (a numerically optimised Thomson-7 only splits near 1e-4).
//
// * `matroidComponents` — the general direct-sum decomposition: R^span = V_1 ⊕ … ⊕ V_t with each
//   feature in one V_s, the V_s independent but not necessarily orthogonal. These are the connected
//   components of the linear matroid of the columns, found with one basis B (pivoted Gram–Schmidt) and
//   the fundamental circuits C(e, B) = {e} ∪ {b ∈ B : e's coordinate on b ≠ 0}: two elements are in the
//   same component iff they are joined by a chain of fundamental circuits (for any fixed basis).
//
// When they differ. Orthogonal summands are independent, so every Gram component is a union of matroid
// components: the matroid split is never coarser. They differ exactly when a direct sum is not
// orthogonal, e.g. [e1, e2, e1+e2, e1+e3, −(e1+e3)]: Gram joins everything (e1·(e1+e3) = 1), the
// matroid gives {e1, e2, e1+e2} ⊕ {±(e1+e3)}. With noisy (trained) weights they also differ through the
// tolerances: generic vectors are all dependent-connected (n > m generic columns form one uniform
// matroid), so the matroid test needs a coefficient tolerance above the noise, and the Gram test a
// cosine tolerance above the leakage between factors.
import { chooseDeadTol, type DeadTolChoice } from "./dead-features.js";
import { TegumError, checkInt, checkLength, checkNumber } from "./errors.js";
import { type Weights, checkWeights, featureNorms, gramOf } from "./metrics.js";

class UnionFind {
  readonly parent: Int32Array;
  constructor(n: number) {
    this.parent = new Int32Array(n);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }
  find(i: number): number {
    const p = this.parent;
    while (p[i] !== i) {
      p[i] = p[p[i]];
      i = p[i];
    }
    return i;
  }
  union(a: number, b: number): void {
    const ra = this.find(a), rb = this.find(b);
    if (ra === rb) return;
    // The smaller root becomes the parent: deterministic, and roots are component minima.
    if (ra < rb) this.parent[rb] = ra;
    else this.parent[ra] = rb;
  }
}

/** Groups the live features by union-find root: components sorted internally, ordered by first member. */
function components(uf: UnionFind, live: (i: number) => boolean, n: number): { groups: number[][]; labels: Int32Array } {
  const labels = new Int32Array(n).fill(-1);
  const byRoot = new Map<number, number>();
  const groups: number[][] = [];
  for (let i = 0; i < n; i++) {
    if (!live(i)) continue;
    const r = uf.find(i);
    let id = byRoot.get(r);
    if (id === undefined) {
      id = groups.length;
      byRoot.set(r, id);
      groups.push([]);
    }
    groups[id].push(i);
    labels[i] = id;
  }
  return { groups, labels };
}

export { DEFAULT_DEAD_TOLERANCE } from "./dead-features.js";

/** How the Gram tolerance was chosen. */
export interface GramTolChoice {
  value: number;
  /** `given`, `gap` (highest |cos| gap), `default` (no gap: 1e-3), `unused` (faithful mode). */
  method: "given" | "gap" | "default" | "unused";
  /** The largest |cos| ≤ value and the smallest above it (null if none). */
  below: number | null;
  above: number | null;
}

/**
 * The Gram tolerance from the |cos| of the live pairs (`cos`: n×n, e.g. the Gram matrix of unit
 * columns): scanning from the top, the first consecutive pair (lo, hi) of sorted values with lo ≤ 0.1
 * and hi ≥ 8·max(lo, 1e-15); tol = √(max(lo, 1e-15)·hi), at most 0.1. Without such a gap 1e-3 (a
 * connected factor is never wrong, only slower).
 */
export function chooseGramTol(cos: ArrayLike<number>, n: number, live: ArrayLike<number>): GramTolChoice {
  const gaps = new GapFinder();
  const l = live.length;
  for (let a = 0; a < l; a++) for (let b = a + 1; b < l; b++) gaps.add(Math.abs(cos[live[a] * n + live[b]]));
  return gaps.choose();
}

/**
 * `chooseGramTol`'s rule — the highest consecutive pair (lo, hi) of the ascending |cos| with lo ≤ 0.1
 * and hi ≥ 8·max(lo, 1e-15), else 1e-3 — in one pass without sorting. A ratio ≥ 8 needs
 * ⌊log₂ hi⌋ ≥ ⌊log₂ lo⌋ + 3, so such pairs can only be (max of one binary-exponent bucket, min of the
 * next non-empty one); buckets come from the exact f64 exponent bits, so the answer equals the sort's.
 */
class GapFinder {
  static readonly MAX = 0.1;
  static readonly RATIO = 8;
  static readonly DEFAULT = 1e-3;
  // Bucket e + 1100 holds values in [2^e, 2^(e+1)); bucket 0 holds zeros.
  readonly min = new Float64Array(1200).fill(Infinity);
  readonly max = new Float64Array(1200).fill(-Infinity);
  readonly bits = new DataView(new ArrayBuffer(8));
  below: number | null = null; // largest value ≤ DEFAULT
  above: number | null = null; // smallest value > DEFAULT

  add(v: number): void {
    if (v <= GapFinder.DEFAULT) {
      if (this.below === null || v > this.below) this.below = v;
    } else if (this.above === null || v < this.above) this.above = v;
    const b = this.bucket(v);
    if (v < this.min[b]) this.min[b] = v;
    if (v > this.max[b]) this.max[b] = v;
  }

  bucket(v: number): number {
    if (v === 0) return 0;
    this.bits.setFloat64(0, v);
    const biased = (this.bits.getUint16(0) >>> 4) & 0x7ff;
    if (biased !== 0) return biased - 1023 + 1100;
    this.bits.setFloat64(0, v * 2 ** 64); // subnormal: scale into the normal range
    return ((this.bits.getUint16(0) >>> 4) & 0x7ff) - 1023 - 64 + 1100;
  }

  choose(): GramTolChoice {
    let upper = -1; // the next non-empty bucket above the one being looked at
    for (let b = this.min.length - 1; b >= 0; b--) {
      if (this.max[b] === -Infinity) continue;
      if (upper >= 0) {
        const lo = this.max[b];
        const hi = this.min[upper];
        const base = Math.max(lo, 1e-15);
        if (lo <= GapFinder.MAX && hi >= GapFinder.RATIO * base) {
          return { value: Math.max(lo, Math.min(Math.sqrt(base * hi), GapFinder.MAX)), method: "gap", below: lo, above: hi };
        }
      }
      upper = b;
    }
    return { value: GapFinder.DEFAULT, method: "default", below: this.below, above: this.above };
  }
}

export interface TegumOptions {
  /**
   * Join i and j when |cos(W_i, W_j)| > tolerance. Default "auto": `chooseGramTol` over the live pairs
   * (the highest gap in the sorted |cos|, as the bundle finder; 1e-3 without a gap). Exact fixtures
   * whose factors must split at a given cosine pass a number.
   */
  tolerance?: number | "auto";
  /**
   * Dead features (‖W_i‖ ≤ deadTolerance × max norm) belong to no factor. Default "auto": the gap in
   * the norms (`chooseDeadTol`; DEFAULT_DEAD_TOLERANCE = 0.05 without one).
   */
  deadTolerance?: number | "auto";
  /** A precomputed G = WᵀW (n×n), e.g. `featureMetrics(...).gram`. */
  gram?: Float32Array | Float64Array;
}

export interface TegumFactors {
  /** The factors: feature indices ascending, factors ordered by their first feature. */
  factors: number[][];
  /** Factor index of each feature, −1 for dead features. */
  labels: Int32Array;
  /** Dead features (in no factor). */
  dead: number[];
  /** The cosine tolerance used (the chosen value when "auto"). */
  tolerance: number;
  /** The dead-feature cut used, and how it was chosen. */
  deadTolerance: DeadTolChoice;
  /** The largest |cos| between live features that is ≤ tolerance (0 if none). */
  largestBelow: number;
  /** The smallest |cos| that is > tolerance (null if no pair is joined). */
  smallestAbove: number | null;
}

/** Tegum factors of W (m×n row-major): components of the graph |cos(W_i, W_j)| > tolerance. */
export function tegumFactors(w: Weights, m: number, n: number, options: TegumOptions = {}): TegumFactors {
  checkWeights(w, m, n);
  const tolOption = options.tolerance ?? "auto";
  if (tolOption !== "auto") checkNumber("tolerance", tolOption, 0, 1);
  let g = options.gram;
  if (g !== undefined) {
    if (!(g instanceof Float32Array) && !(g instanceof Float64Array)) throw new TegumError("gram must be a Float32Array or Float64Array (n×n)", "gram");
    checkLength("gram", g, n * n);
  } else {
    g = gramOf(w, m, n);
  }
  const norms = featureNorms(w, m, n);
  const deadTolerance = chooseDeadTol(norms, options.deadTolerance);
  let maxNorm = 0;
  for (let i = 0; i < n; i++) if (norms[i] > maxNorm) maxNorm = norms[i];
  const threshold = deadTolerance.value * maxNorm;
  const inv = new Float64Array(n);
  const dead: number[] = [];
  for (let i = 0; i < n; i++) {
    const gii = g[i * n + i];
    if (norms[i] <= threshold || !(gii > 0)) dead.push(i);
    else inv[i] = 1 / Math.sqrt(gii);
  }
  const tolerance = tolOption === "auto" ? autoTolerance(g, norms, inv, n) : tolOption;
  // Breadth-first search over the implicit graph: each live row is scanned once (O(n²) reads, no
  // union-find), and the same scan records the cosines that bracket the tolerance (pairs j > q). Once
  // every live feature has a label, only the bracketing part of the scan is left (dead features, whose
  // inv is 0, never pass the test).
  let unlabelled = n - dead.length;
  const bracket = new Float64Array(2);
  const labels = new Int32Array(n).fill(-1);
  const groups: number[][] = [];
  const queue = new Int32Array(n);
  let largestBelow = 0;
  let smallestAbove = Infinity;
  for (let start = 0; start < n; start++) {
    if (inv[start] === 0 || labels[start] !== -1) continue;
    const id = groups.length;
    const members: number[] = [];
    let head = 0, tail = 0;
    queue[tail++] = start;
    labels[start] = id;
    unlabelled--;
    while (head < tail) {
      const q = queue[head++];
      members.push(q);
      const sq = inv[q];
      const row = q * n;
      // |cos| = |G_qj|·inv_j·inv_q > tol  ⇔  |G_qj|·inv_j > tol/inv_q: one product per pair.
      const thr = tolerance / sq;
      if (unlabelled > 0) {
        for (let j = 0; j < q; j++) {
          if (labels[j] !== -1) continue;
          const v = g[row + j] * inv[j];
          if (v > thr || -v > thr) {
            labels[j] = id;
            queue[tail++] = j;
            unlabelled--;
          }
        }
      }
      // Pairs (q, j > q): also the bracketing cosines, kept scaled by 1/inv_q within the row.
      let below = largestBelow / sq;
      let above = smallestAbove / sq;
      if (unlabelled > 0) {
        for (let j = q + 1; j < n; j++) {
          const v = Math.abs(g[row + j] * inv[j]);
          if (v > thr) {
            if (v < above) above = v;
            if (labels[j] === -1) {
              labels[j] = id;
              queue[tail++] = j;
              unlabelled--;
            }
          } else if (v > below) below = v;
        }
      } else {
        bracket[0] = below;
        bracket[1] = above;
        bracketRow(g, row, q + 1, n, inv, thr, bracket);
        below = bracket[0];
        above = bracket[1];
      }
      largestBelow = Math.min(tolerance, Math.max(largestBelow, below * sq));
      if (above * sq < smallestAbove) smallestAbove = Math.max(above * sq, tolerance * (1 + Number.EPSILON));
    }
    members.sort((a, b) => a - b);
    groups.push(members);
  }
  return {
    factors: groups,
    labels,
    dead,
    tolerance,
    deadTolerance,
    largestBelow,
    smallestAbove: smallestAbove === Infinity ? null : smallestAbove,
  };
}

/** `chooseGramTol` over the live pairs (inv_i > 0), with |cos_ij| = |G_ij| / (‖W_i‖‖W_j‖). */
function autoTolerance(g: Float32Array | Float64Array, norms: Float64Array, inv: Float64Array, n: number): number {
  const live: number[] = [];
  for (let i = 0; i < n; i++) if (inv[i] > 0) live.push(i);
  const gaps = new GapFinder();
  for (let a = 0; a < live.length; a++) {
    const i = live[a];
    for (let b = a + 1; b < live.length; b++) {
      const j = live[b];
      gaps.add(Math.abs(g[i * n + j] / (norms[i] * norms[j])));
    }
  }
  return gaps.choose().value;
}

/**
 * The j ≥ from part of a row scan when no feature is left to label: the largest |G_qj|·inv_j ≤ thr into
 * out[0] and the smallest one > thr into out[1] (both start from the values given).
 */
function bracketRow(g: Float32Array | Float64Array, row: number, from: number, n: number, inv: Float64Array, thr: number, out: Float64Array): void {
  let below = out[0];
  let above = out[1];
  for (let j = from; j < n; j++) {
    // Math.abs, not a sign test: the signs are random, the branch would mispredict half the time.
    // (Same outcome: abs(−0) = +0 compares as −0 does, and NaN fails every test either way.)
    const v = Math.abs(g[row + j] * inv[j]);
    if (v > thr) {
      if (v < above) above = v;
    } else if (v > below) below = v;
  }
  out[0] = below;
  out[1] = above;
}

export interface BasisOptions {
  /** A column is independent of the chosen ones while its residual norm > tolerance × its own norm. Default 1e-8. */
  tolerance?: number;
  /** Columns with ‖W_i‖ ≤ deadTolerance × max norm are loops (zero vectors). Default 1e-12. */
  deadTolerance?: number;
  /** Restrict to these feature indices (default all). */
  columns?: ArrayLike<number>;
}

export interface PivotedBasis {
  /** The numerical rank. */
  rank: number;
  /** Feature indices of the basis, in pivot order. */
  basis: number[];
  /** Orthonormal basis of their span: m×rank row-major (column l = q_l). */
  q: Float64Array;
  /** Coordinates Qᵀ W_c for the considered columns: rank × columns.length row-major (columns in the given order). */
  coordinates: Float64Array;
  /** The considered feature indices (the `columns` option, or 0..n−1). */
  columns: number[];
  /** Columns treated as zero vectors. */
  loops: number[];
  /** The largest relative residual left when the pivoting stopped (0 if every column was chosen). */
  residual: number;
}

/**
 * An orthonormal basis of span(W_c) by Gram–Schmidt with column pivoting in f64: at each step the
 * column with the largest residual relative to its own norm is taken (so the choice is invariant under
 * positive column scaling), until every residual is ≤ tolerance × its column's norm.
 */
export function pivotedBasis(w: Weights, m: number, n: number, options: BasisOptions = {}): PivotedBasis {
  checkWeights(w, m, n);
  const tolerance = checkNumber("tolerance", options.tolerance ?? 1e-8, 0, 1);
  const deadTolerance = checkNumber("deadTolerance", options.deadTolerance ?? 1e-12, 0, 1);
  let columns: number[];
  if (options.columns !== undefined) {
    columns = Array.from(options.columns);
    const seen = new Set<number>();
    for (const c of columns) {
      checkInt("columns[]", c, 0, n - 1);
      if (seen.has(c)) throw new TegumError(`columns must be distinct, ${c} appears twice`, "columns");
      seen.add(c);
    }
  } else {
    columns = Array.from({ length: n }, (_, i) => i);
  }
  const k = columns.length;
  // Column-major copies.
  const a: Float64Array[] = columns.map((c) => {
    const v = new Float64Array(m);
    for (let p = 0; p < m; p++) v[p] = w[p * n + c];
    return v;
  });
  const norm0 = a.map((v) => Math.sqrt(dot(v, v, m)));
  const maxNorm = norm0.reduce((x, y) => Math.max(x, y), 0);
  const loops: number[] = [];
  const active = new Uint8Array(k);
  for (let c = 0; c < k; c++) {
    if (norm0[c] <= deadTolerance * maxNorm || norm0[c] === 0) loops.push(columns[c]);
    else active[c] = 1;
  }
  const r = a.map((v) => v.slice());
  const rnorm = norm0.slice();
  const qs: Float64Array[] = [];
  const basisLocal: number[] = [];
  let residual = 0;
  for (;;) {
    let best = -1;
    let bestRel = -1;
    for (let c = 0; c < k; c++) {
      if (!active[c]) continue;
      const rel = rnorm[c] / norm0[c];
      if (rel > bestRel) {
        bestRel = rel;
        best = c;
      }
    }
    if (best < 0) {
      residual = 0;
      break;
    }
    if (bestRel <= tolerance || qs.length >= m) {
      residual = bestRel;
      break;
    }
    // Re-orthogonalise the chosen residual against the basis (twice is enough), then normalise.
    const v = r[best];
    for (let pass = 0; pass < 2; pass++) {
      for (const q of qs) axpy(v, q, -dot(q, v, m), m);
    }
    const len = Math.sqrt(dot(v, v, m));
    if (!(len > 0)) {
      active[best] = 0;
      continue;
    }
    const q = new Float64Array(m);
    for (let p = 0; p < m; p++) q[p] = v[p] / len;
    qs.push(q);
    basisLocal.push(best);
    active[best] = 0;
    for (let c = 0; c < k; c++) {
      if (!active[c]) continue;
      const coef = dot(q, r[c], m);
      axpy(r[c], q, -coef, m);
      // Norm downdating (LAPACK xGEQP3 style), recomputed when cancellation would make it inaccurate.
      const left = rnorm[c] * rnorm[c] - coef * coef;
      rnorm[c] = left > 1e-4 * norm0[c] * norm0[c] ? Math.sqrt(left) : Math.sqrt(dot(r[c], r[c], m));
    }
  }
  const rank = qs.length;
  const qOut = new Float64Array(m * rank);
  for (let l = 0; l < rank; l++) for (let p = 0; p < m; p++) qOut[p * rank + l] = qs[l][p];
  const coordinates = new Float64Array(rank * k);
  for (let l = 0; l < rank; l++) for (let c = 0; c < k; c++) coordinates[l * k + c] = dot(qs[l], a[c], m);
  return { rank, basis: basisLocal.map((c) => columns[c]), q: qOut, coordinates, columns, loops, residual };
}

function dot(a: Float64Array, b: Float64Array, m: number): number {
  let s = 0;
  for (let p = 0; p < m; p++) s += a[p] * b[p];
  return s;
}

function axpy(y: Float64Array, x: Float64Array, alpha: number, m: number): void {
  for (let p = 0; p < m; p++) y[p] += alpha * x[p];
}

export interface MatroidOptions {
  /** Rank tolerance of the pivoted basis (relative residual). Default 1e-8. */
  tolerance?: number;
  /**
   * A non-basis column e is in the circuit with basis column b when |c_b|·‖W_b‖ > coefficientTolerance·‖W_e‖
   * (c = e's coordinates in the basis). Default: `tolerance`.
   */
  coefficientTolerance?: number;
  /** Zero columns (loops): ‖W_i‖ ≤ deadTolerance × max norm. Default 1e-12. */
  deadTolerance?: number;
}

export interface MatroidComponents {
  /** The components (feature indices ascending), ordered by first feature; loops excluded. */
  components: number[][];
  /** Component index of each feature, −1 for loops. */
  labels: Int32Array;
  /** Zero columns. */
  loops: number[];
  /** Rank of W (numerical, under `tolerance`). */
  rank: number;
  /** The basis used (feature indices, pivot order). */
  basis: number[];
  tolerance: number;
  coefficientTolerance: number;
}

/**
 * The linear-matroid (direct-sum) components of the columns of W: the finest split of the features
 * into groups whose spans are linearly independent (not necessarily orthogonal).
 */
export function matroidComponents(w: Weights, m: number, n: number, options: MatroidOptions = {}): MatroidComponents {
  checkWeights(w, m, n);
  const tolerance = checkNumber("tolerance", options.tolerance ?? 1e-8, 0, 1);
  const coefficientTolerance = checkNumber("coefficientTolerance", options.coefficientTolerance ?? tolerance, 0);
  const deadTolerance = checkNumber("deadTolerance", options.deadTolerance ?? 1e-12, 0, 1);
  const pb = pivotedBasis(w, m, n, { tolerance, deadTolerance });
  const { rank, basis, coordinates } = pb;
  const norms = featureNorms(w, m, n);
  const isLoop = new Uint8Array(n);
  for (const l of pb.loops) isLoop[l] = 1;
  const inBasis = new Int32Array(n).fill(-1);
  basis.forEach((b, j) => (inBasis[b] = j));
  // R_BB: rank×rank upper triangular (row l, column j = coordinate l of basis[j]).
  const uf = new UnionFind(n);
  const c = new Float64Array(rank);
  for (let e = 0; e < n; e++) {
    if (isLoop[e] || inBasis[e] >= 0) continue;
    // Back substitution R_BB c = Qᵀ w_e.
    for (let l = rank - 1; l >= 0; l--) {
      let s = coordinates[l * n + e];
      for (let j = l + 1; j < rank; j++) s -= coordinates[l * n + basis[j]] * c[j];
      c[l] = s / coordinates[l * n + basis[l]];
    }
    const scale = coefficientTolerance * norms[e];
    for (let j = 0; j < rank; j++) {
      if (Math.abs(c[j]) * norms[basis[j]] > scale) uf.union(e, basis[j]);
    }
  }
  const { groups, labels } = components(uf, (i) => !isLoop[i], n);
  return { components: groups, labels, loops: pb.loops, rank, basis, tolerance, coefficientTolerance };
}
