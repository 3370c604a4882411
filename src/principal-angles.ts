// Principal angles and the chordal distance between two column spans, accurate for tiny angles.
//
// With orthonormal bases A (m×p) and B (m×q), p ≥ q, the cosines of the q principal angles are the
// singular values of AᵀB and the sines are the singular values of R = B − A(AᵀB) = (I − AAᵀ)B.
// Cosines alone lose tiny angles (cos θ = 1 − θ²/2: θ = 1e-9 is exactly 1), and √(k − ‖AᵀB‖²) floors
// at ~2e-8; R is formed without cancellation in the quantity that matters, so its singular values (by
// one-sided Jacobi, which has high relative accuracy) give sines to ~1e-16 absolute. Each angle is
// taken from its sine below 45° and from its cosine above (Knyazev & Argentati 2002). REFERENCE §6.
//
// Chordal distance d_c = ‖P_A − P_B‖_F/√2 = √(Σ sin²θ_i) for equal dimensions, computed as
// √((‖(I − AAᵀ)B‖² + ‖(I − BBᵀ)A‖²)/2), which is the same Frobenius identity for any p, q (unequal
// dimensions add (p − q)/2 under the root) and never forms P.
import { checkFinite, checkInt, checkNumber, TegumError } from "./errors.js";
import { orthonormalBasis } from "./projector.js";

export interface SpanOptions {
  /**
   * The columns are already orthonormal: skip the SVD that otherwise orthonormalises them (and
   * decides their numerical rank). Default false.
   */
  orthonormal?: boolean;
  /**
   * Rank tolerance when orthonormalising: singular values ≤ relTol·σ_max are dropped (the span is the
   * dominant singular subspace). Default 1e-12; raise it to an application tolerance for noisy data.
   */
  relTol?: number;
}

/** Orthonormal basis of the dominant singular subspace of `a` (m×k): m×r row-major, and r. */
function orthonormalize(name: string, a: ArrayLike<number>, m: number, k: number, options: SpanOptions): { q: Float64Array; r: number } {
  if (a.length < m * k) throw new TegumError(`${name} needs at least ${m * k} elements (m×k), got ${a.length}`, name);
  checkFinite(name, a, m * k);
  if (options.orthonormal) {
    const q = new Float64Array(m * k);
    for (let i = 0; i < m * k; i++) q[i] = a[i];
    return { q, r: k };
  }
  const relTol = checkNumber("relTol", options.relTol ?? 1e-12, 0, 1);
  const w = Float64Array.from({ length: m * k }, (_, i) => a[i]);
  const basis = new Float64Array(m * k);
  const sigma = new Float64Array(k);
  const r = orthonormalBasis(basis, sigma, w, m, k, relTol);
  if (r === k) return { q: basis, r };
  const q = new Float64Array(m * r);
  for (let i = 0; i < m; i++) for (let j = 0; j < r; j++) q[i * r + j] = basis[i * k + j];
  return { q, r };
}

/** Singular values (descending) of the rows×cols row-major `x`, by one-sided Jacobi. */
function singularValues(x: Float64Array, rows: number, cols: number): Float64Array {
  const sigma = new Float64Array(cols);
  if (cols === 0 || rows === 0) return sigma;
  orthonormalBasis(new Float64Array(rows * cols), sigma, x, rows, cols, 0.5); // relTol only sets the rank, unused here
  return sigma;
}

/** AᵀB for A (m×p), B (m×q), row-major: p×q. */
function atb(a: Float64Array, b: Float64Array, m: number, p: number, q: number): Float64Array {
  const out = new Float64Array(p * q);
  for (let i = 0; i < m; i++) {
    for (let s = 0; s < p; s++) {
      const x = a[i * p + s];
      if (x === 0) continue;
      for (let t = 0; t < q; t++) out[s * q + t] += x * b[i * q + t];
    }
  }
  return out;
}

/** B − A·M for A (m×p), M (p×q), B (m×q): m×q. */
function residual(b: Float64Array, a: Float64Array, mm: Float64Array, m: number, p: number, q: number): Float64Array {
  const out = b.slice(0, m * q);
  for (let i = 0; i < m; i++) {
    for (let s = 0; s < p; s++) {
      const x = a[i * p + s];
      if (x === 0) continue;
      for (let t = 0; t < q; t++) out[i * q + t] -= x * mm[s * q + t];
    }
  }
  return out;
}

/** 2·atan of t ≥ 0 halved twice, then the series: + − × ÷ √ only, the same bits in every engine. */
function atan(t: number): number {
  // atan(t) = 2·atan(t / (1 + √(1 + t²))): two halvings take t ≤ 1 below tan(π/16) ≈ 0.199
  let scale = 1;
  for (let i = 0; i < 2; i++) {
    t = t / (1 + Math.sqrt(1 + t * t));
    scale *= 2;
  }
  const t2 = t * t;
  let term = t;
  let sum = 0;
  for (let k = 0; k < 30; k++) {
    sum += term / (2 * k + 1);
    term = -term * t2;
    if (Math.abs(term) < 1e-18 * Math.abs(sum)) break;
  }
  return scale * sum;
}

/** asin(s) for 0 ≤ s ≤ 1/√2 (so s/√(1 − s²) ≤ 1). */
const asinSmall = (s: number): number => atan(s / Math.sqrt(1 - s * s));
/** π/2, correctly rounded. */
const HALF_PI = 1.5707963267948966;

function checkShapes(m: number, ka: number, kb: number): void {
  checkInt("m", m, 1);
  checkInt("ka", ka, 0, m);
  checkInt("kb", kb, 0, m);
}

/**
 * The principal angles (radians, ascending) between span(A) and span(B), A m×ka and B m×kb row-major
 * (columns are the spanning vectors): min(rank A, rank B) values in [0, π/2].
 */
export function principalAngles(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  m: number,
  ka: number,
  kb: number = ka,
  options: SpanOptions = {},
): Float64Array {
  checkShapes(m, ka, kb);
  let A = orthonormalize("a", a, m, ka, options);
  let B = orthonormalize("b", b, m, kb, options);
  if (A.r < B.r) [A, B] = [B, A];
  const p = A.r;
  const q = B.r;
  if (q === 0) return new Float64Array(0);
  const c = atb(A.q, B.q, m, p, q); // p×q, p ≥ q
  const cos = singularValues(c, p, q); // descending
  const sin = singularValues(residual(B.q, A.q, c, m, p, q), m, q).reverse(); // ascending
  const out = new Float64Array(q);
  for (let i = 0; i < q; i++) {
    const s = Math.min(1, sin[i]);
    // below 45° from the sine, above from the cosine: acos(c) = π/2 − asin(c) with c < 1/√2
    out[i] = s * s < 0.5 ? asinSmall(s) : Math.max(0, HALF_PI - asinSmall(Math.min(Math.SQRT1_2, cos[i])));
  }
  // the two halves are each monotone; enforce ascending order across the switch
  for (let i = 1; i < q; i++) if (out[i] < out[i - 1]) out[i] = out[i - 1];
  return out;
}

/**
 * Chordal distance ‖P_A − P_B‖_F/√2 between span(A) and span(B) (A m×ka, B m×kb, row-major):
 * √(Σ sin²θ_i) for spans of equal dimension, plus (p − q)/2 under the root when they differ.
 */
export function chordalDistance(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  m: number,
  ka: number,
  kb: number = ka,
  options: SpanOptions = {},
): number {
  checkShapes(m, ka, kb);
  const A = orthonormalize("a", a, m, ka, options);
  const B = orthonormalize("b", b, m, kb, options);
  const frob2 = (x: Float64Array) => {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += x[i] * x[i];
    return s;
  };
  const rb = residual(B.q, A.q, atb(A.q, B.q, m, A.r, B.r), m, A.r, B.r); // (I − AAᵀ)B
  const ra = residual(A.q, B.q, atb(B.q, A.q, m, B.r, A.r), m, B.r, A.r); // (I − BBᵀ)A
  return Math.sqrt((frob2(rb) + frob2(ra)) / 2);
}
