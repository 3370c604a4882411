// Superposition metrics of a weight matrix (TMS; REFERENCE §2).
//
// W is m×n row-major (m hidden dimensions, n features; column i = feature direction W_i), as a
// Float32Array or a Float64Array. The Gram matrix G = WᵀW is computed by the Gram kernel in the
// precision of W (f32 W → f32 G, f64 W → f64 G); every derived quantity is accumulated in f64.
//
//   norm_i           ‖W_i‖ (f64, from W directly)
//   superposition_i  Σ_{j≠i} (Ŵ_i·W_j)² = Σ_{j≠i} G_ij² / G_ii  (OFF colours bars by its square root)
//   D_i              ‖W_i‖² / Σ_j (Ŵ_i·W_j)² = G_ii² / Σ_j G_ij²  (j = i included), in [0, 1]
//   per instance     m / ‖W‖_F², WᵀW, and the interference matrix (Ŵ_i·W_j)_{i≠j}
//
// Dead features — norm ≤ deadTolerance × the largest norm — get D_i = 0 and superposition_i = 0,
// never NaN; an all-zero W has every feature dead and m/‖W‖_F² = Infinity.
import { TegumError, checkFinite, checkInt, checkLength, checkNumber } from "./errors.js";
import { f32, scoped } from "./arena.js";
import { gram as gram32, gram64 } from "./gram.js";
import { wasm } from "./wasm.js";

/** A weight matrix W, m×n row-major: column i is feature i's direction. */
export type Weights = Float32Array | Float64Array;

/** Throws a TegumError naming the parameter unless `w` is a finite m×n weight matrix. */
export function checkWeights(w: unknown, m: number, n: number, name = "w"): asserts w is Weights {
  checkInt("m", m, 1);
  checkInt("n", n, 1);
  if (!(w instanceof Float32Array) && !(w instanceof Float64Array)) {
    throw new TegumError(`${name} must be a Float32Array or Float64Array (m×n row-major), got ${describe(w)}`, name);
  }
  checkLength(name, w, m * n);
  checkFinite(name, w, m * n);
}

function describe(x: unknown): string {
  if (x === null) return "null";
  if (typeof x === "object") return (x as object).constructor?.name ?? "object";
  return typeof x;
}

/** Checks an optional per-feature vector (bias, importance) of length ≥ n. */
export function checkFeatureVector(name: string, v: ArrayLike<number> | undefined, n: number): void {
  if (v === undefined) return;
  if (v === null || typeof v !== "object" || typeof (v as { length?: unknown }).length !== "number") {
    throw new TegumError(`${name} must be an array of ${n} numbers`, name);
  }
  checkLength(name, v, n);
  checkFinite(name, v, n);
}

/** Above this many features an f32 Gram matrix is computed by the matmul kernel (see gramOf). */
const GRAM_VIA_MATMUL = 1024;
/** Rows of G per matmul call in the triangular product. */
const GRAM_BLOCK = 256;

interface MatmulExports {
  matmulABt(c: number, a: number, b: number, m: number, k: number, n: number, accumulate: number): void;
}

/**
 * G = WᵀW (n×n) in the precision of W, by the wasm kernels (requires `init`). For f32 W with many
 * features the matmul kernel on the transposed W (A = Wᵀ, contiguous dot products, register-blocked)
 * is faster than the Gram kernel, and gives the same bits: both compute every G_ij as the sequential
 * f32 sum over p from +0 of the rounded products W_pi·W_pj. G is symmetric bit for bit (the products
 * commute, the order over p is the same), so only the upper triangle is multiplied — block rows
 * A[i0…i1]·A[i0…n]ᵀ — and mirrored.
 */
export function gramOf(w: Weights, m: number, n: number): Float32Array | Float64Array {
  checkWeights(w, m, n);
  return gramUnchecked(w, m, n);
}

/** gramOf without the argument checks (callers have checked W). */
function gramUnchecked(w: Weights, m: number, n: number): Float32Array | Float64Array {
  if (w instanceof Float32Array) {
    const g = new Float32Array(n * n);
    if (n >= GRAM_VIA_MATMUL) gramTriangle(g, w, m, n);
    else gram32(g, w, m, n);
    return g;
  }
  const g = new Float64Array(n * n);
  gram64(g, w, m, n);
  return g;
}

/** G = WᵀW (f32) by block rows of the upper triangle with the matmul kernel, mirrored. */
function gramTriangle(g: Float32Array, w: Float32Array, m: number, n: number): void {
  const e = wasm() as unknown as MatmulExports;
  scoped(() => {
    const at = f32(n * m);
    const a = at.array;
    // A = Wᵀ (n×m), in 32×32 tiles.
    for (let p0 = 0; p0 < m; p0 += 32) {
      const p1 = Math.min(p0 + 32, m);
      for (let i0 = 0; i0 < n; i0 += 32) {
        const i1 = Math.min(i0 + 32, n);
        for (let i = i0; i < i1; i++) {
          const o = i * m;
          for (let p = p0; p < p1; p++) a[o + p] = w[p * n + i];
        }
      }
    }
    const c = f32(Math.min(GRAM_BLOCK, n) * n);
    for (let i0 = 0; i0 < n; i0 += GRAM_BLOCK) {
      const bh = Math.min(GRAM_BLOCK, n - i0);
      const nb = n - i0;
      const ap = at.ptr + i0 * m * 4;
      e.matmulABt(c.ptr, ap, ap, bh, m, nb, 0);
      const cv = c.array;
      // Row i0 + r from its diagonal on, then column i0 + r below the diagonal.
      for (let r = 0; r < bh; r++) g.set(cv.subarray(r * nb + r, (r + 1) * nb), (i0 + r) * n + i0 + r);
      mirrorBlock(g, cv, n, i0, bh, nb);
    }
  });
}

/** g[(i0+j)·n + i0+r] = c[r·nb + j] for r < min(bh, j): the block row's transpose below the diagonal, in 32×32 tiles. */
function mirrorBlock(g: Float32Array, c: Float32Array, n: number, i0: number, bh: number, nb: number): void {
  const T = 32;
  for (let jt = 1; jt < nb; jt += T) {
    const je = Math.min(jt + T, nb);
    for (let rt = 0; rt < bh && rt < je - 1; rt += T) {
      const re = Math.min(rt + T, bh);
      for (let j = jt; j < je; j++) {
        const out = (i0 + j) * n + i0;
        const rEnd = Math.min(re, j);
        for (let r = rt; r < rEnd; r++) g[out + r] = c[r * nb + j];
      }
    }
  }
}

/** Column norms ‖W_i‖ in f64, summed sequentially over the rows. */
export function featureNorms(w: Weights, m: number, n: number): Float64Array {
  checkWeights(w, m, n);
  return normsUnchecked(w, m, n);
}

/** featureNorms without the argument checks (callers have checked W). */
function normsUnchecked(w: Weights, m: number, n: number): Float64Array {
  const sq = new Float64Array(n);
  for (let p = 0; p < m; p++) {
    const o = p * n;
    for (let i = 0; i < n; i++) {
      const v = w[o + i];
      sq[i] += v * v;
    }
  }
  for (let i = 0; i < n; i++) sq[i] = Math.sqrt(sq[i]);
  return sq;
}

export interface MetricsOptions {
  /** The bias b (length n); copied into the result, not used by the metrics themselves. */
  b?: ArrayLike<number>;
  /** A feature is dead when ‖W_i‖ ≤ deadTolerance × max_j ‖W_j‖. Default 1e-6. */
  deadTolerance?: number;
  /** A precomputed G = WᵀW (n×n), e.g. from a previous call; otherwise computed here. */
  gram?: Float32Array | Float64Array;
}

export interface FeatureMetrics {
  m: number;
  n: number;
  /** ‖W_i‖. */
  norms: Float64Array;
  /** Σ_{j≠i} (Ŵ_i·W_j)²; 0 for dead features. */
  superposition: Float64Array;
  /** D_i = ‖W_i‖² / Σ_j (Ŵ_i·W_j)² ∈ [0, 1]; 0 for dead features. */
  dimensionality: Float64Array;
  /** 1 where the feature is dead. */
  dead: Uint8Array;
  /** The absolute norm threshold used for `dead` (deadTolerance × max norm). */
  deadThreshold: number;
  /** Number of live features. */
  alive: number;
  /** ‖W‖_F². */
  frobenius2: number;
  /** m / ‖W‖_F² (Infinity for W = 0). */
  dimensionsPerFeature: number;
  /** Σ_i D_i (≤ rank W ≤ m). */
  totalDimensionality: number;
  /** G = WᵀW, n×n, in the precision of W. */
  gram: Float32Array | Float64Array;
  /** A copy of b when given. */
  bias?: Float64Array;
}

/** Per-feature and per-instance superposition metrics of W (m×n row-major). Requires `init`. */
export function featureMetrics(w: Weights, m: number, n: number, options: MetricsOptions = {}): FeatureMetrics {
  checkWeights(w, m, n);
  checkFeatureVector("b", options.b, n);
  const deadTolerance = checkNumber("deadTolerance", options.deadTolerance ?? 1e-6, 0, 1);
  let g = options.gram;
  if (g !== undefined) {
    if (!(g instanceof Float32Array) && !(g instanceof Float64Array)) throw new TegumError("gram must be a Float32Array or Float64Array (n×n)", "gram");
    checkLength("gram", g, n * n);
  } else {
    g = gramUnchecked(w, m, n);
  }
  const norms = normsUnchecked(w, m, n);
  let maxNorm = 0;
  let frobenius2 = 0;
  for (let i = 0; i < n; i++) {
    if (norms[i] > maxNorm) maxNorm = norms[i];
    frobenius2 += norms[i] * norms[i];
  }
  const deadThreshold = deadTolerance * maxNorm;
  const dead = new Uint8Array(n);
  const superposition = new Float64Array(n);
  const dimensionality = new Float64Array(n);
  let alive = 0;
  let total = 0;
  const offs = offDiagonalSquares(g, n);
  for (let i = 0; i < n; i++) {
    if (norms[i] <= deadThreshold) {
      dead[i] = 1;
      continue;
    }
    alive++;
    const gii = g[i * n + i];
    const off = offs[i];
    if (!(gii > 0)) {
      // Only possible when the f32 Gram underflows for a live but tiny feature: treat as dead.
      dead[i] = 1;
      alive--;
      continue;
    }
    const d2 = gii * gii;
    superposition[i] = off / gii;
    dimensionality[i] = d2 / (d2 + off);
    total += dimensionality[i];
  }
  const out: FeatureMetrics = {
    m,
    n,
    norms,
    superposition,
    dimensionality,
    dead,
    deadThreshold,
    alive,
    frobenius2,
    dimensionsPerFeature: frobenius2 > 0 ? m / frobenius2 : Infinity,
    totalDimensionality: total,
    gram: g,
  };
  if (options.b !== undefined) out.bias = Float64Array.from({ length: n }, (_, i) => options.b![i]);
  return out;
}

/**
 * out[i] = Σ_{j≠i} G_ij² in f64, each sum sequential over j ascending (row i of G, as stored). Four
 * rows at a time: four independent sums, each in the same order as alone.
 */
function offDiagonalSquares(g: Float32Array | Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const r0 = i * n, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let j = 0; j < i; j++) {
      const a = g[r0 + j], b = g[r1 + j], c = g[r2 + j], d = g[r3 + j];
      s0 += a * a;
      s1 += b * b;
      s2 += c * c;
      s3 += d * d;
    }
    // The 4×4 diagonal block: each row skips its own diagonal entry, keeping the order over j.
    for (let j = i; j < i + 4; j++) {
      const a = g[r0 + j], b = g[r1 + j], c = g[r2 + j], d = g[r3 + j];
      if (j !== i) s0 += a * a;
      if (j !== i + 1) s1 += b * b;
      if (j !== i + 2) s2 += c * c;
      if (j !== i + 3) s3 += d * d;
    }
    for (let j = i + 4; j < n; j++) {
      const a = g[r0 + j], b = g[r1 + j], c = g[r2 + j], d = g[r3 + j];
      s0 += a * a;
      s1 += b * b;
      s2 += c * c;
      s3 += d * d;
    }
    out[i] = s0;
    out[i + 1] = s1;
    out[i + 2] = s2;
    out[i + 3] = s3;
  }
  for (; i < n; i++) {
    const row = i * n;
    let off = 0;
    for (let j = 0; j < i; j++) off += g[row + j] * g[row + j];
    for (let j = i + 1; j < n; j++) off += g[row + j] * g[row + j];
    out[i] = off;
  }
  return out;
}

/**
 * The interference matrix: entry (i, j) = Ŵ_i·W_j = G_ij / ‖W_i‖ for j ≠ i, 0 on the diagonal and on
 * dead features' rows (n×n, row-major, f64). Its row sums of squares are the superposition.
 */
export function interferenceMatrix(metrics: FeatureMetrics): Float64Array {
  const { n, gram: g, norms, dead } = metrics;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    if (dead[i]) continue;
    const inv = 1 / norms[i];
    const row = i * n;
    for (let j = 0; j < n; j++) if (j !== i) out[row + j] = g[row + j] * inv;
  }
  return out;
}
