// Spheres through feature points — the seed talk's open question ("do features lie on spheres, and
// which spheres are the same?"), answered concretely.
//
// * `circumsphere`: the sphere through k+1 affinely independent points in any ambient dimension, from
//   the Cayley–Menger system CM·(a, λ) = e₀ with CM = [[0, 1ᵀ], [1, D2]], D2_ij = ‖p_i − p_j‖²: λ are the
//   barycentric coordinates of the centre (Σλ = 1) and R² = −a/2 (REFERENCE §6: Q = −2·CM⁻¹,
//   R = √Q₀₀/2). The sphere lives in the affine span of the points (an S^(k−1) in a k-flat).
// * `fitSphere`: any set of points — the affine span (pivoted Gram–Schmidt on p_i − p_0, rank
//   tolerance), then the least-squares sphere in span coordinates (2 y_i·c + t = ‖y_i‖², R² = t + ‖c‖²),
//   which is the circumsphere when the points are cospherical; `cospherical` when every point is within
//   tolerance·R of it; `centredAtOrigin` when ‖centre‖ ≤ tolerance·R. Equal-norm features in a linear
//   subspace lie on a sphere centred at 0; a "pyramid" (a bundle plus one more feature) does not.
// * `sphereDistance`: a sphere is (V, c, R) — the direction space V of its affine span, its centre, its
//   radius. The distance is
//       d(S₁, S₂) = √( d_c(V₁, V₂)² + ‖c₁ − c₂‖²/s² + (R₁ − R₂)²/s² ),
//   d_c = ‖P_V₁ − P_V₂‖_F/√2 the chordal distance (for unequal dimensions the same Frobenius identity).
//   Why this one: each term is a metric on its component, so the root-sum-of-squares is a metric on
//   spheres (zero iff same span direction, centre and radius); all three are invariant under a common
//   rotation of R^m; the chordal term is the bundle finder's (REFERENCE §6) so "same plane" means the same
//   thing in both tools; and it is exactly the Euclidean distance between the embeddings
//   (chordal embedding of P_V, c/s, R/s), so spheres cluster with the project's DBSCAN and persistence.
//   The length scale s makes centres and radii commensurable with the dimensionless chordal term; it
//   must be fixed for a whole comparison (a per-pair scale would break the triangle inequality):
//   `clusterSpheres` uses the median radius, which makes the clustering invariant under scaling W.
import { TegumError, checkInt, checkNumber } from "./errors.js";
import { dbscan } from "./dbscan.js";
import { type Weights, checkWeights } from "./metrics.js";
import { persistence, type EpsChoice } from "./persistence.js";
import { chordalDistance } from "./principal-angles.js";
import { pivotedBasis } from "./tegum-factors.js";

export interface Circumsphere {
  centre: Float64Array;
  radius: number;
  /** Barycentric coordinates of the centre with respect to the points (sum 1). */
  barycentric: Float64Array;
  /** max_i |‖p_i − centre‖ − R| (≈ 0). */
  residual: number;
}

/** Solves the square system a·z = rhs (n×n row-major, overwritten) by Gaussian elimination with partial pivoting; null if singular. */
function solve(a: Float64Array, rhs: Float64Array, n: number, relTol: number): Float64Array | null {
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale = Math.max(scale, Math.abs(a[i]));
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r * n + col]) > Math.abs(a[piv * n + col])) piv = r;
    if (!(Math.abs(a[piv * n + col]) > relTol * scale)) return null;
    if (piv !== col) {
      for (let c = 0; c < n; c++) {
        const t = a[col * n + c]; a[col * n + c] = a[piv * n + c]; a[piv * n + c] = t;
      }
      const t = rhs[col]; rhs[col] = rhs[piv]; rhs[piv] = t;
    }
    const d = a[col * n + col];
    for (let r = col + 1; r < n; r++) {
      const f = a[r * n + col] / d;
      if (f === 0) continue;
      for (let c = col; c < n; c++) a[r * n + c] -= f * a[col * n + c];
      rhs[r] -= f * rhs[col];
    }
  }
  const z = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let s = rhs[r];
    for (let c = r + 1; c < n; c++) s -= a[r * n + c] * z[c];
    z[r] = s / a[r * n + r];
  }
  return z;
}

const sq = (x: number): number => x * x;

function column(x: Weights, m: number, count: number, i: number): Float64Array {
  const v = new Float64Array(m);
  for (let p = 0; p < m; p++) v[p] = x[p * count + i];
  return v;
}

/**
 * The circumsphere of `count` = k+1 affinely independent points, the columns of x (m×count row-major),
 * by Cayley–Menger. Throws when the points are affinely dependent (use `fitSphere`).
 */
export function circumsphere(x: Weights, m: number, count: number): Circumsphere {
  checkWeights(x, m, count, "x");
  if (count < 2) throw new TegumError(`count must be at least 2 points, got ${count}`, "count");
  if (count > m + 1) throw new TegumError(`count must be at most m + 1 = ${m + 1} affinely independent points, got ${count}`, "count");
  const pts = Array.from({ length: count }, (_, i) => column(x, m, count, i));
  const n = count + 1;
  const cm = new Float64Array(n * n);
  for (let i = 0; i < count; i++) {
    cm[i + 1] = 1;
    cm[(i + 1) * n] = 1;
    for (let j = i + 1; j < count; j++) {
      let s = 0;
      for (let p = 0; p < m; p++) s += sq(pts[i][p] - pts[j][p]);
      cm[(i + 1) * n + j + 1] = s;
      cm[(j + 1) * n + i + 1] = s;
    }
  }
  const rhs = new Float64Array(n);
  rhs[0] = 1;
  const z = solve(cm, rhs, n, 1e-13);
  if (z === null || !(z[0] < 0)) throw new TegumError("the points are affinely dependent: no unique circumsphere (use fitSphere)", "x");
  const barycentric = z.slice(1);
  const centre = new Float64Array(m);
  for (let i = 0; i < count; i++) for (let p = 0; p < m; p++) centre[p] += barycentric[i] * pts[i][p];
  const radius = Math.sqrt(-z[0] / 2);
  let residual = 0;
  for (const q of pts) {
    let s = 0;
    for (let p = 0; p < m; p++) s += sq(q[p] - centre[p]);
    residual = Math.max(residual, Math.abs(Math.sqrt(s) - radius));
  }
  return { centre, radius, barycentric, residual };
}

export interface Sphere {
  /** Ambient dimension. */
  m: number;
  centre: Float64Array;
  radius: number;
  /** Dimension r of the affine span of the points (the sphere is an S^(r−1) in it). */
  dimension: number;
  /** Orthonormal directions of the affine span: m×r row-major. */
  basis: Float64Array;
  /** Number of points fitted. */
  count: number;
  /** max_i |‖p_i − centre‖ − R| / R (0 for r = 0). */
  residual: number;
  cospherical: boolean;
  /** ‖centre‖. */
  centreNorm: number;
  centredAtOrigin: boolean;
}

export interface SphereOptions {
  /** Relative tolerance for `cospherical` and `centredAtOrigin`. Default 1e-6. */
  tolerance?: number;
  /** Rank tolerance of the affine span (relative residual). Default 1e-8. */
  rankTolerance?: number;
}

/** The sphere through (or least-squares nearest to) the columns of x (m×count row-major), in their affine span. */
export function fitSphere(x: Weights, m: number, count: number, options: SphereOptions = {}): Sphere {
  checkWeights(x, m, count, "x");
  const tolerance = checkNumber("tolerance", options.tolerance ?? 1e-6, 0);
  const rankTolerance = checkNumber("rankTolerance", options.rankTolerance ?? 1e-8, 0, 1);
  const p0 = column(x, m, count, 0);
  if (count === 1) {
    const norm = Math.sqrt(p0.reduce((t, v) => t + v * v, 0));
    return { m, centre: p0, radius: 0, dimension: 0, basis: new Float64Array(0), count, residual: 0, cospherical: true, centreNorm: norm, centredAtOrigin: norm === 0 };
  }
  const k = count - 1;
  const diff = new Float64Array(m * k);
  for (let p = 0; p < m; p++) for (let i = 0; i < k; i++) diff[p * k + i] = x[p * count + i + 1] - p0[p];
  const pb = pivotedBasis(diff, m, k, { tolerance: rankTolerance, deadTolerance: 0 });
  const r = pb.rank;
  const centre = p0.slice();
  let radius = 0;
  let residual = 0;
  if (r > 0) {
    // y_i (r coords) for i = 0..count−1 (y_0 = 0); LS for (c, t): 2 y_i·c + t = ‖y_i‖².
    const ys: Float64Array[] = [new Float64Array(r)];
    for (let i = 0; i < k; i++) ys.push(Float64Array.from({ length: r }, (_, l) => pb.coordinates[l * k + i]));
    const cols = r + 1;
    const a = new Float64Array(count * cols);
    const b = new Float64Array(count);
    ys.forEach((y, i) => {
      let s = 0;
      for (let l = 0; l < r; l++) {
        a[i * cols + l] = 2 * y[l];
        s += y[l] * y[l];
      }
      a[i * cols + r] = 1;
      b[i] = s;
    });
    const ls = pivotedBasis(a, count, cols, { tolerance: 1e-14, deadTolerance: 0 });
    if (ls.rank < cols) throw new TegumError("cannot fit a sphere: the points are degenerate in their span", "x");
    // a = Q R (pivot order): solve R z_piv = Qᵀ b.
    const qtb = new Float64Array(cols);
    for (let l = 0; l < cols; l++) for (let i = 0; i < count; i++) qtb[l] += ls.q[i * cols + l] * b[i];
    const z = new Float64Array(cols);
    for (let l = cols - 1; l >= 0; l--) {
      let s = qtb[l];
      for (let j = l + 1; j < cols; j++) s -= ls.coordinates[l * cols + ls.basis[j]] * z[ls.basis[j]];
      z[ls.basis[l]] = s / ls.coordinates[l * cols + ls.basis[l]];
    }
    let c2 = 0;
    for (let l = 0; l < r; l++) c2 += z[l] * z[l];
    radius = Math.sqrt(Math.max(0, z[r] + c2));
    for (let p = 0; p < m; p++) for (let l = 0; l < r; l++) centre[p] += pb.q[p * r + l] * z[l];
    for (const y of ys) {
      let s = 0;
      for (let l = 0; l < r; l++) s += sq(y[l] - z[l]);
      residual = Math.max(residual, Math.abs(Math.sqrt(s) - radius));
    }
    residual = radius > 0 ? residual / radius : residual;
  }
  const centreNorm = Math.sqrt(centre.reduce((t, v) => t + v * v, 0));
  return {
    m,
    centre,
    radius,
    dimension: r,
    basis: pb.q,
    count,
    residual,
    cospherical: residual <= tolerance,
    centreNorm,
    centredAtOrigin: centreNorm <= tolerance * Math.max(radius, Number.MIN_VALUE),
  };
}

/** The sphere through the feature points W_i, i ∈ features (W m×n row-major). */
export function featureSphere(w: Weights, m: number, n: number, features: ArrayLike<number>, options: SphereOptions = {}): Sphere {
  checkWeights(w, m, n);
  const list = Array.from(features);
  if (list.length === 0) throw new TegumError("features must not be empty", "features");
  for (const f of list) checkInt("features[]", f, 0, n - 1);
  const k = list.length;
  const x = new Float64Array(m * k);
  for (let p = 0; p < m; p++) list.forEach((f, c) => (x[p * k + c] = w[p * n + f]));
  return fitSphere(x, m, k, options);
}

/** √(d_c(V₁,V₂)² + (‖c₁−c₂‖² + (R₁−R₂)²)/scale²) (see the file header). */
export function sphereDistance(a: Sphere, b: Sphere, scale = 1): number {
  checkNumber("scale", scale, Number.MIN_VALUE);
  if (a.m !== b.m) throw new TegumError(`spheres live in different dimensions (${a.m} and ${b.m})`, "b");
  const dc = a.dimension === 0 && b.dimension === 0
    ? 0
    : a.dimension === 0 || b.dimension === 0
      ? Math.sqrt(Math.max(a.dimension, b.dimension) / 2)
      : chordalDistance(a.basis, b.basis, a.m, a.dimension, b.dimension, { orthonormal: true });
  let c2 = 0;
  for (let p = 0; p < a.m; p++) c2 += sq(a.centre[p] - b.centre[p]);
  const dr = a.radius - b.radius;
  return Math.sqrt(dc * dc + (c2 + dr * dr) / (scale * scale));
}

/**
 * Embeds spheres so that Euclidean distance = `sphereDistance` (chordal embedding of the span's
 * projector — diagonal × 1/√2, off-diagonal × 1 — then centre/scale, radius/scale), in the distance
 * kernels' dimension-major layout: coordinate d of sphere s at x[d·count + s].
 */
export function sphereEmbeddings(spheres: readonly Sphere[], scale = 1): { x: Float64Array; dim: number; count: number } {
  checkNumber("scale", scale, Number.MIN_VALUE);
  const count = spheres.length;
  if (count === 0) return { x: new Float64Array(0), dim: 1, count: 0 };
  const m = spheres[0].m;
  for (const s of spheres) if (s.m !== m) throw new TegumError("spheres must all live in the same dimension", "spheres");
  const tri = (m * (m + 1)) / 2;
  const dim = tri + m + 1;
  const x = new Float64Array(dim * count);
  spheres.forEach((s, idx) => {
    const r = s.dimension;
    let d = 0;
    for (let a = 0; a < m; a++) {
      for (let b = a; b < m; b++) {
        let pab = 0;
        for (let l = 0; l < r; l++) pab += s.basis[a * r + l] * s.basis[b * r + l];
        x[d++ * count + idx] = a === b ? pab * Math.SQRT1_2 : pab;
      }
    }
    for (let p = 0; p < m; p++) x[d++ * count + idx] = s.centre[p] / scale;
    x[d * count + idx] = s.radius / scale;
  });
  return { x, dim, count };
}

export interface SphereClusters {
  /** Cluster of each sphere, −1 for noise (only when minSamples > 1). */
  labels: Int32Array;
  clusters: number;
  eps: number;
  scale: number;
  /** How eps was chosen when not given (H0 persistence gap). */
  choice: EpsChoice | null;
}

/**
 * Clusters spheres with the project's DBSCAN over `sphereEmbeddings` (scale default: the median radius,
 * or 1 if all radii are 0; eps default: the widest H0-persistence gap; minSamples default 1, so clusters
 * are single-linkage components). Requires `init`.
 */
export function clusterSpheres(spheres: readonly Sphere[], options: { eps?: number; minSamples?: number; scale?: number } = {}): SphereClusters {
  const radii = spheres.map((s) => s.radius).sort((a, b) => a - b);
  const median = radii.length ? radii[Math.floor((radii.length - 1) / 2)] : 0;
  const scale = options.scale ?? (median > 0 ? median : 1);
  const { x, dim, count } = sphereEmbeddings(spheres, scale);
  let eps = options.eps;
  let choice: EpsChoice | null = null;
  if (eps === undefined) {
    choice = count >= 2 ? persistence(x, dim, count).choice : null;
    eps = choice?.eps ?? 0;
  }
  checkNumber("eps", eps, 0);
  const res = dbscan(x, dim, count, { eps, minSamples: options.minSamples ?? 1 });
  return { labels: res.labels, clusters: res.clusters, eps, scale, choice };
}
