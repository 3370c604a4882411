// Plücker coordinates of a k-plane: the C(m, k) maximal minors of an m×k basis, rows in lexicographic
// order — the coordinates of a_1 ∧ … ∧ a_k. A change of basis multiplies them by its determinant, so the
// normalised coordinates are a point of the Grassmannian up to sign. For orthonormal bases
// ⟨p_A, p_B⟩ = det(AᵀB) = Π cos θ_i (Cauchy–Binet), which saturates at 0 once any principal angle
// reaches 90°: fine as a point of G(m, k), poor as a distance (use chordalDistance). REFERENCE §6.
import { checkFinite, checkInt, TegumError } from "./errors.js";
import { binomial, combinations } from "./subsets.js";

/** Determinant of the k×k matrix in `a` (row-major, overwritten): Gaussian elimination, partial pivoting. */
function detInPlace(a: Float64Array, k: number): number {
  let det = 1;
  for (let c = 0; c < k; c++) {
    let p = c;
    let best = Math.abs(a[c * k + c]);
    for (let r = c + 1; r < k; r++) {
      const v = Math.abs(a[r * k + c]);
      if (v > best) {
        best = v;
        p = r;
      }
    }
    if (best === 0) return 0;
    if (p !== c) {
      for (let j = 0; j < k; j++) {
        const t = a[c * k + j];
        a[c * k + j] = a[p * k + j];
        a[p * k + j] = t;
      }
      det = -det;
    }
    const piv = a[c * k + c];
    det *= piv;
    for (let r = c + 1; r < k; r++) {
      const f = a[r * k + c] / piv;
      if (f === 0) continue;
      for (let j = c + 1; j < k; j++) a[r * k + j] -= f * a[c * k + j];
    }
  }
  return det;
}

export interface PluckerOptions {
  /**
   * Divide by the norm (= √det(AᵀA)) and fix the sign so that the largest-magnitude coordinate
   * (the first one on ties) is positive: a canonical representative of the plane. Default true.
   * A rank-deficient basis gives all zeros either way.
   */
  normalize?: boolean;
}

/**
 * Plücker coordinates of the span of the k columns of `a` (m×k, row-major): C(m, k) values, the minor
 * on rows (i_1 < … < i_k) at the lexicographic rank of that row set (see `pluckerRows`).
 */
export function plucker(a: ArrayLike<number>, m: number, k: number, options: PluckerOptions = {}): Float64Array {
  checkInt("m", m, 1);
  checkInt("k", k, 1, m);
  if (a.length < m * k) throw new TegumError(`a needs at least ${m * k} elements (m×k), got ${a.length}`, "a");
  checkFinite("a", a, m * k);
  const rows = combinations(Array.from({ length: m }, (_, i) => i), k);
  const count = binomial(m, k);
  const out = new Float64Array(count);
  const sub = new Float64Array(k * k);
  for (let c = 0; c < count; c++) {
    for (let i = 0; i < k; i++) {
      const r = rows[c * k + i];
      for (let j = 0; j < k; j++) sub[i * k + j] = a[r * k + j];
    }
    out[c] = detInPlace(sub, k);
  }
  if (options.normalize ?? true) {
    let nn = 0;
    let big = 0;
    let at = -1;
    for (let c = 0; c < count; c++) {
      nn += out[c] * out[c];
      if (Math.abs(out[c]) > big) {
        big = Math.abs(out[c]);
        at = c;
      }
    }
    if (at < 0) return out;
    const s = (out[at] < 0 ? -1 : 1) / Math.sqrt(nn);
    for (let c = 0; c < count; c++) out[c] = out[c] * s + 0;
  }
  return out;
}

/** The row set (ascending) of Plücker coordinate `index` for G(m, k). */
export function pluckerRows(m: number, k: number, index: number): number[] {
  checkInt("m", m, 1);
  checkInt("k", k, 1, m);
  checkInt("index", index, 0, binomial(m, k) - 1);
  // unrank in lexicographic order
  const out: number[] = [];
  let r = index;
  let next = 0;
  for (let i = 0; i < k; i++) {
    for (let v = next; v < m; v++) {
      const below = binomial(m - v - 1, k - i - 1); // row sets starting with v at this position
      if (r < below) {
        out.push(v);
        next = v + 1;
        break;
      }
      r -= below;
    }
  }
  return out;
}

/**
 * |⟨p, q⟩| for normalised Plücker vectors: Π cos θ_i over the principal angles of the two planes
 * (1 for the same plane, 0 as soon as one angle is 90°).
 */
export function pluckerCosine(p: ArrayLike<number>, q: ArrayLike<number>): number {
  if (p.length !== q.length) throw new TegumError(`p and q must have the same length, got ${p.length} and ${q.length}`, "q");
  let d = 0;
  let np = 0;
  let nq = 0;
  for (let i = 0; i < p.length; i++) {
    d += p[i] * q[i];
    np += p[i] * p[i];
    nq += q[i] * q[i];
  }
  if (np === 0 || nq === 0) return 0;
  return Math.min(1, Math.abs(d) / Math.sqrt(np * nq));
}
