// Which k-subsets of the columns the bundle finder looks at, and what that will cost.
//
// The talk's pipeline embeds every k-subset of the n columns: C(n, k) points, which is out of reach
// for n = 200. A bundle is an indecomposable summand, so it lies inside one tegum factor, and a
// connected set of vectors spanning k dimensions always contains a connected independent k-subset
// (grow it greedily: a vertex orthogonal to a set is orthogonal to its span). So the finder only needs
// the k-subsets that are connected in the thresholded Gram graph, inside each factor: Σ_f (connected
// k-subsets of factor f) ≤ Σ_f C(n_f, k) instead of C(n, k).
//
// Subsets are listed as flat Int32Arrays (count × k, each subset ascending, subsets in lexicographic
// order), the layout `subsetEmbeddings` reads.
import { checkInt, checkNumber, TegumError } from "./errors.js";
import { grow } from "./grow.js";
import { embeddingDim } from "./projector.js";

/** C(n, k), exact while it fits in 2^53 (a double beyond). */
export function binomial(n: number, k: number): number {
  checkInt("n", n, 0);
  checkInt("k", k, 0);
  if (k > n) return 0;
  k = Math.min(k, n - k);
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i; // each partial product is C(n−k+i, i): an integer
  return Math.round(r);
}

function checkItems(items: ArrayLike<number>, n: number): void {
  for (let i = 0; i < items.length; i++) {
    const v = items[i];
    if (!Number.isInteger(v) || v < 0 || v >= n) throw new TegumError(`items[${i}] must be a column index in [0, ${n - 1}], got ${String(v)}`, "items");
    if (i > 0 && v <= items[i - 1]) throw new TegumError("items must be strictly increasing", "items");
  }
}

/** Every k-subset of `items` (ascending indices), in lexicographic order: C(|items|, k) × k. */
export function combinations(items: ArrayLike<number>, k: number): Int32Array {
  checkInt("k", k, 1);
  const count = binomial(items.length, k);
  if (count * k > 2 ** 31 - 1) throw new TegumError(`C(${items.length}, ${k}) = ${count} subsets do not fit in one array`, "k");
  const out = new Int32Array(count * k);
  if (count === 0) return out;
  const idx = Array.from({ length: k }, (_, i) => i);
  let o = 0;
  do for (let i = 0; i < k; i++) out[o++] = items[idx[i]];
  while (nextCombination(idx, items.length, k));
  return out;
}

/** Calls visit(subset) for every k-subset of `items` in lexicographic order (one reused array) until it returns false. */
function forEachCombination(items: ArrayLike<number>, k: number, visit: (sub: Int32Array) => boolean): void {
  if (k > items.length) return;
  const idx = Array.from({ length: k }, (_, i) => i);
  const sub = new Int32Array(k);
  do {
    for (let i = 0; i < k; i++) sub[i] = items[idx[i]];
    if (!visit(sub)) return;
  } while (nextCombination(idx, items.length, k));
}

/** Advances idx (k positions in 0 … s − 1, ascending) to the next k-subset in lexicographic order; false after the last. */
function nextCombination(idx: number[], s: number, k: number): boolean {
  let i = k - 1;
  while (i >= 0 && idx[i] === s - k + i) i--;
  if (i < 0) return false;
  idx[i]++;
  for (let j = i + 1; j < k; j++) idx[j] = idx[j - 1] + 1;
  return true;
}

/** Edges of the graph induced on `items`. */
function inducedEdges(adjacency: Uint8Array, n: number, items: ArrayLike<number>): number {
  let edges = 0;
  for (let a = 0; a < items.length; a++) for (let b = a + 1; b < items.length; b++) edges += adjacency[items[a] * n + items[b]];
  return edges;
}

/**
 * The thresholded Gram graph: `adj[i*n + j] = 1` iff |⟨w_i, w_j⟩| > tol·‖w_i‖‖w_j‖ (i ≠ j), for the
 * columns of the m×n row-major `w`. Zero columns have no edges.
 */
export function gramAdjacency(w: ArrayLike<number>, m: number, n: number, tol: number): Uint8Array {
  checkInt("m", m, 1);
  checkInt("n", n, 1);
  checkNumber("tol", tol, 0, 1);
  if (w.length < m * n) throw new TegumError(`w needs at least ${m * n} elements, got ${w.length}`, "w");
  const norms = new Float64Array(n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) norms[j] += w[i * n + j] * w[i * n + j];
  for (let j = 0; j < n; j++) norms[j] = Math.sqrt(norms[j]);
  const adj = new Uint8Array(n * n);
  const dots = new Float64Array(n);
  for (let a = 0; a < n; a++) {
    if (norms[a] === 0) continue;
    dots.fill(0);
    for (let i = 0; i < m; i++) {
      const x = w[i * n + a];
      if (x === 0) continue;
      for (let b = a + 1; b < n; b++) dots[b] += x * w[i * n + b];
    }
    for (let b = a + 1; b < n; b++) {
      if (norms[b] > 0 && Math.abs(dots[b]) > tol * norms[a] * norms[b]) adj[a * n + b] = adj[b * n + a] = 1;
    }
  }
  return adj;
}

/** Connected components of the graph restricted to `items` (each ascending, ordered by first element). */
export function graphComponents(adjacency: Uint8Array, n: number, items: ArrayLike<number>): number[][] {
  const inSet = new Uint8Array(n);
  for (let i = 0; i < items.length; i++) inSet[items[i]] = 1;
  const seen = new Uint8Array(n);
  const out: number[][] = [];
  for (let i = 0; i < items.length; i++) {
    const s = items[i];
    if (seen[s]) continue;
    const comp: number[] = [];
    const stack = [s];
    seen[s] = 1;
    while (stack.length > 0) {
      const v = stack.pop()!;
      comp.push(v);
      for (let u = 0; u < n; u++) {
        if (inSet[u] && !seen[u] && adjacency[v * n + u]) {
          seen[u] = 1;
          stack.push(u);
        }
      }
    }
    out.push(comp.sort((a, b) => a - b));
  }
  return out;
}

// isConnectedSubset's scratch, grown as needed: the finder calls it for every combination of a dense factor.
let seenScratch = new Uint8Array(16);
let stackScratch = new Int32Array(16);

/** Whether `subset` induces a connected subgraph. */
export function isConnectedSubset(adjacency: Uint8Array, n: number, subset: ArrayLike<number>): boolean {
  const k = subset.length;
  if (k <= 1) return true;
  if (seenScratch.length < k) [seenScratch, stackScratch] = [new Uint8Array(k), new Int32Array(k)];
  const seen = seenScratch.fill(0, 0, k);
  const stack = stackScratch;
  let top = 0;
  stack[top++] = 0;
  seen[0] = 1;
  let count = 1;
  while (top > 0) {
    const a = subset[stack[--top]];
    for (let j = 0; j < k; j++) {
      if (!seen[j] && adjacency[a * n + subset[j]]) {
        seen[j] = 1;
        count++;
        stack[top++] = j;
      }
    }
  }
  return count === k;
}

/**
 * Enumerates the connected induced k-subgraphs of `items` once each (Wernicke's ESU), calling
 * `visit(subset)` with the subset in discovery order (not sorted). Stops, returning false, as soon as
 * `visit` returns false.
 */
function esu(adjacency: Uint8Array, n: number, items: ArrayLike<number>, k: number, visit: (s: number[]) => boolean): boolean {
  const inSet = new Uint8Array(n);
  for (let i = 0; i < items.length; i++) inSet[items[i]] = 1;
  const nbrs: number[][] = new Array(n);
  for (let i = 0; i < items.length; i++) {
    const v = items[i];
    const list: number[] = [];
    for (let u = 0; u < n; u++) if (u !== v && inSet[u] && adjacency[v * n + u]) list.push(u);
    nbrs[v] = list;
  }
  // inSub[u] = 1 if u ∈ Vsub; nearSub[u] = number of Vsub members adjacent to u or equal to u
  const near = new Int32Array(n);
  const sub: number[] = [];
  const enter = (v: number) => {
    sub.push(v);
    near[v]++;
    for (const u of nbrs[v]) near[u]++;
  };
  const leave = (v: number) => {
    sub.pop();
    near[v]--;
    for (const u of nbrs[v]) near[u]--;
  };
  const extend = (ext: number[], root: number): boolean => {
    if (sub.length === k) return visit(sub);
    const e = ext.slice();
    while (e.length > 0) {
      const w = e.pop()!;
      // exclusive neighbours of w: not in Vsub and not adjacent to Vsub, index above the root
      const next = e.slice();
      for (const u of nbrs[w]) if (u > root && near[u] === 0) next.push(u);
      enter(w);
      const go = extend(next, root);
      leave(w);
      if (!go) return false;
    }
    return true;
  };
  for (let i = 0; i < items.length; i++) {
    const v = items[i];
    enter(v);
    const go = extend(nbrs[v].filter((u) => u > v), v);
    leave(v);
    if (!go) return false;
  }
  return true;
}

/**
 * Number of connected k-subsets of `items`, counting no further than `limit` (returns limit + 1 when
 * there are more): cheap enough to run before any numerical work.
 */
export function countConnectedSubsets(adjacency: Uint8Array, n: number, items: ArrayLike<number>, k: number, limit = Infinity): number {
  checkInt("k", k, 1);
  checkItems(items, n);
  let count = 0;
  // A complete graph: every combination. Few combinations: test each (C(s, k)·k² work without ESU's
  // bookkeeping); else ESU, stopped at the limit.
  const s = items.length;
  const all = binomial(s, k);
  if (inducedEdges(adjacency, n, items) === (s * (s - 1)) / 2) return all > limit ? limit + 1 : all;
  if (all <= 1 << 16) {
    forEachCombination(items, k, (sub) => !(isConnectedSubset(adjacency, n, sub) && ++count > limit));
    return count;
  }
  esu(adjacency, n, items, k, () => ++count <= limit);
  return count;
}

/**
 * The k-subsets of `items` whose induced subgraph is connected, each ascending, in lexicographic order
 * (count × k). `k = 1` gives every item.
 */
export function connectedSubsets(adjacency: Uint8Array, n: number, items: ArrayLike<number>, k: number): Int32Array {
  checkInt("k", k, 1);
  checkInt("n", n, 1);
  if (adjacency.length < n * n) throw new TegumError(`adjacency needs ${n * n} entries, got ${adjacency.length}`, "adjacency");
  checkItems(items, n);
  // Dense graphs: walk the combinations in lexicographic order and keep the connected ones
  // (C(s, k)·k² work, no sorting); sparse graphs: ESU (work ∝ the connected subsets), then sort.
  // A complete graph (or k = 1): every combination.
  const s = items.length;
  const pairs = (s * (s - 1)) / 2;
  const edges = inducedEdges(adjacency, n, items);
  if (k === 1 || edges === pairs) return combinations(items, k);
  if (edges >= 0.25 * pairs) {
    let out = new Int32Array(Math.min(binomial(s, k), 1 << 12) * k);
    let c = 0;
    forEachCombination(items, k, (sub) => {
      if (!isConnectedSubset(adjacency, n, sub)) return true;
      if ((c + 1) * k > out.length) out = grow(out);
      out.set(sub, k * c++);
      return true;
    });
    return out.slice(0, c * k);
  }
  const found: number[][] = [];
  esu(adjacency, n, items, k, (sub) => {
    found.push(sub.slice().sort((a, b) => a - b));
    return true;
  });
  found.sort((a, b) => {
    for (let i = 0; i < k; i++) if (a[i] !== b[i]) return a[i] - b[i];
    return 0;
  });
  const out = new Int32Array(found.length * k);
  found.forEach((sub, c) => out.set(sub, c * k));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Work estimate and guard.

/** What one level of the finder will cost, before any numerical work. */
export interface LevelWork {
  k: number;
  /** Number of subsets (points) to embed at this level. */
  points: number;
  /** Whether `points` is an exact count (connected subsets counted) or the bound Σ_f C(n_f, k). */
  exact: boolean;
  /** Embedding dimension C(m+1, 2). */
  dim: number;
  /** Floating-point operations, roughly: bases + projectors + the O(points²·dim) neighbour searches. */
  flops: number;
}

export interface WorkEstimate {
  levels: LevelWork[];
  /** Total points over all levels. */
  points: number;
  /** Total estimated flops. */
  flops: number;
  /** Factor sizes the estimate was made on (largest first). */
  factorSizes: number[];
}

/**
 * Flop estimate of one level: a one-sided Jacobi SVD per subset (≈ 6 sweeps of k²/2 rotations over
 * 2m-vectors, 6m flops each), its projector and embedding (m²k), and the neighbour search of the single
 * linkage, which in the worst case (no pruning by the sort window; Prim on a dense graph) checks every
 * ordered pair with partial sums over ≤ 16 coordinates, 3 flops each.
 */
export function levelFlops(points: number, m: number, k: number): number {
  return embedFlops(points, m, k) + points * points * Math.min(embeddingDim(m), 16) * 3;
}

/** levelFlops when the linkage tests `pairs` candidate pairs at every coordinate instead of sweeping. */
export function candidateLevelFlops(points: number, m: number, k: number, pairs: number): number {
  return embedFlops(points, m, k) + pairs * (3 * embeddingDim(m) + 20);
}

/** Bases, projectors and embeddings of a level's points (see levelFlops). */
function embedFlops(points: number, m: number, k: number): number {
  return points * (6 * ((k * (k - 1)) / 2) * 6 * m + m * m * k + embeddingDim(m));
}

/**
 * Estimates the work of levels k = minK..maxK over the given factors (lists of column indices). With
 * an adjacency, connected subsets are counted exactly (ESU, no numerical work), but never past the
 * count whose work alone would exceed `maxWork` (nor past 2·10⁶): there the binomial bound C(n_f, k) is
 * used instead, so that a refusal stays cheap.
 */
export function estimateWork(
  factors: number[][],
  m: number,
  minK: number,
  maxK: number,
  adjacency: Uint8Array | null,
  n: number,
  maxWork = Infinity,
): WorkEstimate {
  checkInt("m", m, 1);
  checkInt("minK", minK, 1);
  checkInt("maxK", maxK, minK);
  const levels: LevelWork[] = [];
  const dim = embeddingDim(m);
  const countUpTo = Math.min(2_000_000, Math.ceil(Math.sqrt(maxWork / (3 * Math.min(dim, 16)))) + 1);
  for (let k = minK; k <= maxK; k++) {
    let points = 0;
    let exact = true;
    for (const f of factors) {
      const bound = binomial(f.length, k);
      if (bound === 0) continue;
      if (adjacency === null) {
        points += bound;
        exact = false;
      } else if (k === 1) points += f.length;
      else if (k === 2) points += inducedEdges(adjacency, n, f);
      else {
        const c = countConnectedSubsets(adjacency, n, f, k, countUpTo);
        if (c > countUpTo) {
          points += bound;
          exact = false;
        } else points += c;
      }
    }
    levels.push({ k, points, exact, dim, flops: levelFlops(points, m, k) });
  }
  return {
    levels,
    points: levels.reduce((a, l) => a + l.points, 0),
    flops: levels.reduce((a, l) => a + l.flops, 0),
    factorSizes: factors.map((f) => f.length).sort((a, b) => b - a),
  };
}

/**
 * The estimate of the bundle finder's first pass when it screens subsets (span-screen.ts): enumeration
 * plus (k + 2) flops per column of the largest factor per subset; the clustering worst case
 * (`estimate`'s flops) is checked later, on the subsets the screening leaves.
 */
export function screeningWork(estimate: WorkEstimate): WorkEstimate {
  const widest = estimate.factorSizes[0] ?? 0;
  const levels = estimate.levels.map((l) => ({ ...l, flops: l.points * (widest * (l.k + 2) + l.k) }));
  return { ...estimate, levels, flops: levels.reduce((a, l) => a + l.flops, 0) };
}

/** Human-readable number: 1.2e9. */
const fmt = (x: number) => (x < 1e4 ? String(Math.round(x)) : x.toExponential(1));

/**
 * Throws a TegumError, before any numerical work, when the estimate is above `maxWork` flops: the
 * message gives the estimate per level and the options that reduce it.
 */
export function checkWork(estimate: WorkEstimate, maxWork: number, what = "subsets"): void {
  if (estimate.flops <= maxWork) return;
  const per = estimate.levels.map((l) => `k=${l.k}: ${fmt(l.points)} ${what}${l.exact ? "" : " (bound)"}`).join(", ");
  const worst = estimate.levels.reduce((a, l) => (l.flops > a.flops ? l : a), estimate.levels[0]);
  throw new TegumError(
    `estimated work ${fmt(estimate.flops)} flops exceeds maxWork = ${fmt(maxWork)} (${per}; ` +
      `largest tegum factors: ${estimate.factorSizes.slice(0, 5).join(", ")}). Reduce it with: ` +
      `maxK < ${worst.k} (the costliest level), a larger gramTol (splits the Gram graph into smaller ` +
      `factors and fewer connected subsets), features: a subset of the columns, deadTol to drop weak ` +
      `features, or raise maxWork.`,
    "maxWork",
  );
}
