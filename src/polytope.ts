// Names for the geometry of a set of features (a tegum factor, a bundle, or all of W).
//
// The shape is judged on the directions Ŵ_i only (norms are reported separately, as a spread), by the
// numerical rank d of the set and the sorted cosines of every feature to all members: a named polytope
// is vertex-transitive, so every row of its cosine matrix is the same multiset, and a set is given the
// name when every row matches the reference within `tolerance` (the largest deviation is reported).
//
//   k = 1                    "dedicated"       a feature alone in its factor
//   d = 1, k = 2, cos = −1   "digon"           an antipodal pair
//   d = 2, k ≥ 3             "triangle", "square", "pentagon" … "regular k-gon"
//   d = k − 1 ≥ 3            "tetrahedron", "d-simplex"            (all cosines −1/d)
//   d = k/2 ≥ 3              "octahedron", "d-cross-polytope"      (d orthogonal digons)
//   d = 3                    "cube", "icosahedron", "dodecahedron", "square antiprism" (any height;
//                            `antiprism.tight` when height² = 1/3, the form with D_i = 3/8)
//   otherwise                "tight frame" when the frame operator of the directions is (k/d)·I on
//                            their span (equal-norm ⇒ D_i = d/k), else "irregular".
//
// Each D_i is reported as computed inside the set (`local`: G_ii²/Σ_{j∈S} G_ij²) and, when metrics of
// the whole W are given, globally; both as the closest fraction p/q with p ≤ rank (an equal-norm tight
// frame of N vectors in d dimensions has D_i = d/N) within `fractionTolerance`, always with the
// deviation (so "3/8" never hides 0.3744).
import { TegumError, checkInt, checkNumber } from "./errors.js";
import { type Fraction, closestFraction } from "./fraction.js";
import { cos } from "./math.js";
import { type FeatureMetrics, type Weights, checkWeights, featureMetrics } from "./metrics.js";
import { DEFAULT_DEAD_TOLERANCE, type TegumFactors, type TegumOptions, pivotedBasis, tegumFactors } from "./tegum-factors.js";

export type PolytopeKind =
  | "dedicated"
  | "digon"
  | "polygon"
  | "simplex"
  | "cross-polytope"
  | "cube"
  | "icosahedron"
  | "dodecahedron"
  | "square-antiprism"
  | "tight-frame"
  | "irregular";

export interface FeatureDimensionality {
  feature: number;
  /** D_i inside the set. */
  local: number;
  localFraction: Fraction | null;
  /** D_i in the whole W (when metrics were given or computed). */
  global?: number;
  globalFraction?: Fraction | null;
}

export interface Polytope {
  /** Live features of the set, ascending (dead ones are listed in `dead`). */
  features: number[];
  dead: number[];
  count: number;
  /** Numerical rank of the directions. */
  rank: number;
  kind: PolytopeKind;
  /** "pentagon", "tetrahedron", "octahedron", "4-simplex", "regular 9-gon", "tight frame", "irregular" … */
  name: string;
  /** For named shapes: the largest |cos − reference|; for "tight frame" and "irregular": null. */
  deviation: number | null;
  /** Whether the directions form a tight frame on their span: frameDefect ≤ tolerance. */
  tight: boolean;
  /**
   * ‖S − (k/d)·I‖_F / (k/d) for the frame operator S = Σ_i Ŵ_i Ŵ_iᵀ of the directions on their span
   * (0 exactly for tight frames; first order in a perturbation, like the cosine deviations).
   */
  frameDefect: number;
  /** D_i = d/k of an equal-norm tight frame of this rank and count. */
  tightDimensionality: Fraction;
  norms: { min: number; max: number; mean: number; /** (max − min) / max */ spread: number };
  dimensionality: FeatureDimensionality[];
  /** Square antiprisms only: height² of the two squares (1/3 for the tight form). */
  antiprism?: { height2: number; tight: boolean };
}

/**
 * Default shape tolerance (largest |cos − reference| accepted for a name, and the frame-defect bound
 * of "tight frame"): trained regular polygons are a few degrees off (a trained pentagon's gaps are
 * 70–74°), which 0.02 names "tight frame". Still separates the Thomson-8 square antiprism
 * (h² ≈ 0.3744) from the tight one (h² = 1/3).
 */
export const DEFAULT_SHAPE_TOLERANCE = 0.05;

/**
 * Default rank tolerance (relative residual of the pivoted basis): a trained antipodal pair
 * (cos ≈ −0.999) is never exactly rank 1, and with 1e-6 it is named "irregular" instead of "digon".
 */
export const DEFAULT_RANK_TOLERANCE = 0.05;

/**
 * A square antiprism is "tight" (D = 3/8, h² = 1/3) when |h² − 1/3| ≤ min(tolerance, this). Kept
 * tighter than the shape tolerance: the Thomson-8 antiprism (h² ≈ 0.3141, D ≈ 0.3744) is 0.019 from
 * h² = 1/3, inside DEFAULT_SHAPE_TOLERANCE (and the former default 0.02) but not tight.
 */
export const TIGHT_ANTIPRISM_TOLERANCE = 0.005;

export interface PolytopeOptions {
  /** Largest |cos − reference| accepted for a name. Default `DEFAULT_SHAPE_TOLERANCE` (0.05). */
  tolerance?: number;
  /** Rank tolerance (relative residual of the pivoted basis). Default `DEFAULT_RANK_TOLERANCE` (0.05). */
  rankTolerance?: number;
  /** D_i is named by the closest p/q (p ≤ rank, q ≤ maxDenominator) when within this distance. Default 0.01. */
  fractionTolerance?: number;
  /** Largest denominator for D_i fractions. Default 24. */
  maxDenominator?: number;
  /** Dead features (norm ≤ deadTolerance × max norm in the set) are left out. Default `DEFAULT_DEAD_TOLERANCE` (0.05). */
  deadTolerance?: number;
  /** Metrics of the whole W, for the global D_i. */
  metrics?: FeatureMetrics;
}

const POLYGON_NAMES: Record<number, string> = {
  3: "triangle", 4: "square", 5: "pentagon", 6: "hexagon", 7: "heptagon", 8: "octagon", 9: "nonagon", 10: "decagon",
};

// Reference shapes in R³ from exact coordinates.
const PHI = (1 + Math.sqrt(5)) / 2;
function cyclic(points: number[][]): number[][] {
  const out: number[][] = [];
  for (const [a, b, c] of points) out.push([a, b, c], [c, a, b], [b, c, a]);
  return out;
}
function signs(base: number[]): number[][] {
  let out: number[][] = [[]];
  for (const v of base) out = out.flatMap((p) => (v === 0 ? [[...p, 0]] : [[...p, v], [...p, -v]]));
  return out;
}
/** The sorted cosines of vertex 0 to all vertices (vertex-transitive shapes: every row is the same). */
function rowOf(points: number[][]): number[] {
  const u = points.map((p) => {
    const l = norm(p);
    return p.map((x) => x / l);
  });
  return u.map((q) => u[0].reduce((s, x, i) => s + x * q[i], 0)).sort((a, b) => a - b);
}
let references: { cube: number[]; icosahedron: number[]; dodecahedron: number[] } | null = null;
function solids() {
  references ??= {
    cube: rowOf(signs([1, 1, 1])),
    icosahedron: rowOf(cyclic(signs([0, 1, PHI]))),
    dodecahedron: rowOf([...signs([1, 1, 1]), ...cyclic(signs([0, 1 / PHI, PHI]))]),
  };
  return references;
}

/** Largest deviation of every sorted row of `cos` (k×k) from `ref` (sorted, length k). */
function rowDeviation(sortedRows: Float64Array[], ref: number[]): number {
  let dev = 0;
  for (const row of sortedRows) {
    for (let j = 0; j < ref.length; j++) {
      const d = Math.abs(row[j] - ref[j]);
      if (d > dev) dev = d;
    }
  }
  return dev;
}

/** Names the shape of the features `features` of W (m×n row-major). */
export function polytope(w: Weights, m: number, n: number, features: ArrayLike<number>, options: PolytopeOptions = {}): Polytope {
  checkWeights(w, m, n);
  const tolerance = checkNumber("tolerance", options.tolerance ?? DEFAULT_SHAPE_TOLERANCE, 0, 2);
  const rankTolerance = checkNumber("rankTolerance", options.rankTolerance ?? DEFAULT_RANK_TOLERANCE, 0, 1);
  const fractionTolerance = checkNumber("fractionTolerance", options.fractionTolerance ?? 0.01, 0, 1);
  const maxDenominator = checkInt("maxDenominator", options.maxDenominator ?? 24, 1, 1 << 20);
  const deadTolerance = checkNumber("deadTolerance", options.deadTolerance ?? DEFAULT_DEAD_TOLERANCE, 0, 1);
  if (features === null || typeof features !== "object" || typeof features.length !== "number") {
    throw new TegumError("features must be an array of feature indices", "features");
  }
  const list = Array.from(features);
  const seen = new Set<number>();
  for (const f of list) {
    checkInt("features[]", f, 0, n - 1);
    if (seen.has(f)) throw new TegumError(`features must be distinct, ${f} appears twice`, "features");
    seen.add(f);
  }
  if (list.length === 0) throw new TegumError("features must not be empty", "features");
  list.sort((a, b) => a - b);
  if (options.metrics !== undefined && (options.metrics.n !== n || options.metrics.m !== m)) {
    throw new TegumError(`metrics are for a ${options.metrics.m}×${options.metrics.n} W, not ${m}×${n}`, "metrics");
  }

  // Norms and the f64 Gram of the set.
  const sq = list.map((f) => {
    let s = 0;
    for (let p = 0; p < m; p++) s += w[p * n + f] * w[p * n + f];
    return s;
  });
  const maxNorm = Math.sqrt(Math.max(...sq));
  const live: number[] = [];
  const dead: number[] = [];
  list.forEach((f, i) => (Math.sqrt(sq[i]) <= deadTolerance * maxNorm || sq[i] === 0 ? dead : live).push(f));
  const k = live.length;
  const norms = live.map((f) => Math.sqrt(sq[list.indexOf(f)]));
  const g = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      let s = 0;
      for (let p = 0; p < m; p++) s += w[p * n + live[a]] * w[p * n + live[b]];
      g[a * k + b] = s;
      g[b * k + a] = s;
    }
  }
  const pb = k === 0 ? null : pivotedBasis(w, m, n, { columns: live, tolerance: rankTolerance, deadTolerance: 0 });
  const rank = pb === null ? 0 : pb.rank;

  // Cosines and their sorted rows.
  const rows: Float64Array[] = [];
  for (let a = 0; a < k; a++) {
    const row = new Float64Array(k);
    for (let b = 0; b < k; b++) {
      const c = a === b ? 1 : g[a * k + b] / (norms[a] * norms[b]);
      row[b] = c;
    }
    rows.push(row.slice().sort());
  }
  const frameDefect = pb === null ? 0 : tightness(pb.coordinates, rank, k);
  const tight = k > 0 && frameDefect <= tolerance;

  let kind: PolytopeKind = "irregular";
  let name = "irregular";
  let deviation: number | null = null;
  let antiprism: Polytope["antiprism"];
  const tryShape = (ref: number[], kd: PolytopeKind, nm: string): boolean => {
    const dev = rowDeviation(rows, ref);
    if (dev <= tolerance) {
      kind = kd;
      name = nm;
      deviation = dev;
      return true;
    }
    return false;
  };
  if (k === 1) {
    kind = "dedicated";
    name = "dedicated";
    deviation = 0;
  } else if (k === 2 && rank === 1) {
    tryShape([-1, 1], "digon", "digon");
  } else if (rank === 2 && k >= 3) {
    const ref = Array.from({ length: k }, (_, j) => cos((2 * Math.PI * j) / k)).sort((a, b) => a - b);
    tryShape(ref, "polygon", POLYGON_NAMES[k] ?? `regular ${k}-gon`);
  } else if (rank >= 3 && k === rank + 1) {
    tryShape([...Array(rank).fill(-1 / rank), 1], "simplex", rank === 3 ? "tetrahedron" : `${rank}-simplex`);
  } else if (rank >= 3 && k === 2 * rank) {
    tryShape([-1, ...Array(k - 2).fill(0), 1], "cross-polytope", rank === 3 ? "octahedron" : `${rank}-cross-polytope`);
  }
  if (kind === "irregular" && rank === 3) {
    const s = solids();
    if (k === 8) {
      if (!tryShape(s.cube, "cube", "cube")) {
        const found = squareAntiprism(w, m, n, live, tolerance);
        if (found !== null) {
          kind = "square-antiprism";
          name = "square antiprism";
          deviation = found.deviation;
          antiprism = { height2: found.height2, tight: Math.abs(found.height2 - 1 / 3) <= Math.min(tolerance, TIGHT_ANTIPRISM_TOLERANCE) };
        }
      }
    } else if (k === 12) tryShape(s.icosahedron, "icosahedron", "icosahedron");
    else if (k === 20) tryShape(s.dodecahedron, "dodecahedron", "dodecahedron");
  }
  if (kind === "irregular" && tight && k > 1) {
    kind = "tight-frame";
    name = "tight frame";
  }

  // D_i inside the set, and globally: the closest p/q with p ≤ rank (tight frames give d/N).
  const fractionOf = (x: number) => closestFraction(x, fractionTolerance, maxDenominator, Math.max(rank, 1));
  const dimensionality: FeatureDimensionality[] = live.map((f, a) => {
    let s = 0;
    for (let b = 0; b < k; b++) s += g[a * k + b] * g[a * k + b];
    const gaa = g[a * k + a];
    const local = s > 0 ? (gaa * gaa) / s : 0;
    const entry: FeatureDimensionality = { feature: f, local, localFraction: fractionOf(local) };
    if (options.metrics !== undefined) {
      const d = options.metrics.dimensionality[f];
      entry.global = d;
      entry.globalFraction = fractionOf(d);
    }
    return entry;
  });
  const mean = norms.reduce((x, y) => x + y, 0) / Math.max(k, 1);
  const nmin = k ? Math.min(...norms) : 0;
  const nmax = k ? Math.max(...norms) : 0;
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const div = k ? gcd(rank, k) || 1 : 1;
  const out: Polytope = {
    features: live,
    dead,
    count: k,
    rank,
    kind,
    name,
    deviation,
    tight,
    frameDefect,
    tightDimensionality: {
      numerator: rank / div,
      denominator: k ? k / div : 1,
      value: k ? rank / k : 0,
      deviation: 0,
      text: k === 0 || rank === 0 ? "0" : k / div === 1 ? String(rank / div) : `${rank / div}/${k / div}`,
    },
    norms: { min: nmin, max: nmax, mean, spread: nmax > 0 ? (nmax - nmin) / nmax : 0 },
    dimensionality,
  };
  if (antiprism !== undefined) out.antiprism = antiprism;
  return out;
}

function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

/**
 * A trig-free angle surrogate in [0, 4), increasing with atan2(b, a) from 0 (exact IEEE operations
 * only); directions a hair below 0 (rounding) count as 0.
 */
function pseudoAngle(a: number, b: number): number {
  const t = a === 0 && b === 0 ? 0 : b / (Math.abs(a) + Math.abs(b));
  const q = a >= 0 ? t : 2 - t;
  return q < -1e-12 ? q + 4 : Math.max(q, 0);
}

/** ‖S − (k/d)I‖_F/(k/d), S the frame operator of the normalised columns of y (d×k row-major). */
function tightness(y: Float64Array, d: number, k: number): number {
  if (d === 0) return 0;
  const u = new Float64Array(d * k);
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let l = 0; l < d; l++) s += y[l * k + c] * y[l * k + c];
    const inv = 1 / Math.sqrt(s);
    for (let l = 0; l < d; l++) u[l * k + c] = y[l * k + c] * inv;
  }
  const c0 = k / d;
  let f = 0;
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < d; b++) {
      let s = 0;
      for (let c = 0; c < k; c++) s += u[a * k + c] * u[b * k + c];
      const e = s - (a === b ? c0 : 0);
      f += e * e;
    }
  }
  return Math.sqrt(f) / c0;
}

/**
 * Square antiprism test for 8 directions spanning R³: some pair (i, j) is opposite in one square, so
 * the axis is Ŵ_i + Ŵ_j; then 4 directions sit at height +h and 4 at −h, and their projections on the
 * plane ⊥ axis are 8 equal-length vectors 45° apart, alternating between the squares.
 */
function squareAntiprism(w: Weights, m: number, n: number, live: number[], tolerance: number): { deviation: number; height2: number } | null {
  const pb = pivotedBasis(w, m, n, { columns: live, tolerance: 1e-6, deadTolerance: 0 });
  if (pb.rank !== 3) return null;
  const pts = live.map((_, c) => {
    const v = [pb.coordinates[c], pb.coordinates[8 + c], pb.coordinates[16 + c]];
    const l = norm(v);
    return v.map((x) => x / l);
  });
  let best: { deviation: number; height2: number } | null = null;
  for (let i = 0; i < 8; i++) {
    for (let j = i + 1; j < 8; j++) {
      const axis = pts[i].map((x, t) => x + pts[j][t]);
      const len = norm(axis);
      if (len < 1e-6) continue;
      for (let t = 0; t < 3; t++) axis[t] /= len;
      const z = pts.map((p) => p[0] * axis[0] + p[1] * axis[1] + p[2] * axis[2]);
      const h = z[i];
      if (h <= tolerance) continue;
      let dev = 0;
      let up = 0;
      for (const zc of z) {
        const d = Math.min(Math.abs(zc - h), Math.abs(zc + h));
        dev = Math.max(dev, d);
        if (Math.abs(zc - h) < Math.abs(zc + h)) up++;
      }
      if (up !== 4 || dev > tolerance) continue;
      // In-plane angles relative to point i's projection.
      const proj = pts.map((p, c) => p.map((x, t) => x - z[c] * axis[t]));
      const l1 = norm(proj[i]);
      const e1 = proj[i].map((x) => x / l1);
      const e2 = [axis[1] * e1[2] - axis[2] * e1[1], axis[2] * e1[0] - axis[0] * e1[2], axis[0] * e1[1] - axis[1] * e1[0]];
      // In-plane unit directions (a, b), ordered by a trig-free pseudo-angle.
      const ang = proj.map((p, c) => {
        const a = p[0] * e1[0] + p[1] * e1[1] + p[2] * e1[2];
        const b = p[0] * e2[0] + p[1] * e2[1] + p[2] * e2[2];
        const l = Math.sqrt(a * a + b * b);
        return { a: a / l, b: b / l, key: pseudoAngle(a, b), top: z[c] > 0 };
      });
      ang.sort((x, y) => x.key - y.key);
      // The s-th direction should be at s·45°: |sin(θ − s·45°)| = |b·cos φ − a·sin φ|.
      const H = Math.SQRT1_2;
      const dirs = [[1, 0], [H, H], [0, 1], [-H, H], [-1, 0], [-H, -H], [0, -1], [H, -H]];
      for (let s = 0; s < 8; s++) {
        const [cphi, sphi] = dirs[s];
        dev = Math.max(dev, Math.abs(ang[s].b * cphi - ang[s].a * sphi));
        if (ang[s].a * cphi + ang[s].b * sphi <= 0) dev = Infinity;
        if (ang[s].top !== (s % 2 === 0)) dev = Infinity;
      }
      if (dev <= tolerance && (best === null || dev < best.deviation)) best = { deviation: dev, height2: h * h };
    }
  }
  return best;
}

export interface FactorPolytopes {
  metrics: FeatureMetrics;
  factors: TegumFactors;
  /** One entry per tegum factor, in the order of `factors.factors`. */
  polytopes: Polytope[];
}

/** Metrics, tegum factors and a polytope name per factor of W (m×n row-major). Requires `init`. */
export function factorPolytopes(
  w: Weights,
  m: number,
  n: number,
  options: Omit<PolytopeOptions, "deadTolerance"> & { factorTolerance?: TegumOptions["tolerance"]; deadTolerance?: TegumOptions["deadTolerance"] } = {},
): FactorPolytopes {
  const given = typeof options.deadTolerance === "number" ? options.deadTolerance : undefined;
  const metrics = options.metrics ?? featureMetrics(w, m, n, { deadTolerance: given });
  const factors = tegumFactors(w, m, n, { gram: metrics.gram, tolerance: options.factorTolerance, deadTolerance: options.deadTolerance });
  // Each factor's features are live under the factors' cut; the same relative cut inside the factor.
  const polytopes = factors.factors.map((f) => polytope(w, m, n, f, { ...options, deadTolerance: factors.deadTolerance.value, metrics }));
  return { metrics, factors, polytopes };
}
