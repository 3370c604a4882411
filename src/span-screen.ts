// Screening k-subsets before the bundle finder embeds them: a subset that no other subset's plane can
// come near is a singleton whatever the clustering does, so it needs no basis, projector or neighbour
// search. On a trained n=200 model most subsets of a large factor are such isolated points.
//
// Why it is exact. Let S ≠ T be k-subsets of rank k with chordal distance d(S, T) ≤ R, and f ∈ T \ S
// (a unit column). Then f = P_T f and ‖(I − P_S) f‖ = ‖(I − P_S) P_T f‖ ≤ ‖(I − P_S) P_T‖₂ = sin θ_max
// ≤ √(Σ sin² θ_i) = d(S, T) ≤ R. So if every column f of the factor outside S lies farther than R from
// span(S), no subset of the factor is within R of S: S has no edge in the R-graph, hence no merge
// height ≤ R, and is a singleton (DBSCAN noise for min_samples > 1) at every eps ≤ R. Dropping it
// changes no height, no cluster and no label order of the others.
//
// The residuals come from the Gram matrix of the unit columns, incrementally over the lexicographic
// enumeration: S = T ∪ {s} with T its first k − 1 columns; with L Lᵀ = G_T and c_f = L⁻¹ g_Tf,
//   r_T(f)² = 1 − ‖c_f‖²,  r_S(f)² = r_T(f)² − (G_fs − c_f·c_s)² / r_T(s)²,
// so a subset costs (k + 2) flops per column of its factor once its prefix's c_f are known. Rounding
// (cancellation in 1 − ‖c‖², amplified by 1/r_T(s)²) is kept far below the margin: a prefix with a
// Cholesky pivot² < PIVOT or a last column with r_T(s)² < PIVOT — subsets that are numerically rank
// deficient at the finder's rank tolerances anyway — is always kept, and a subset is dropped only when
// every residual² exceeds R²(1 + 1e-6) + MARGIN.

import { grow } from "./grow.js";

/** Pivots (squared residuals) below this keep the subset: the Gram arithmetic is not trusted there. */
const PIVOT = 1e-6;
/** Absolute slack on the squared residual (≫ the rounding error left after the PIVOT guard, ~1e-9). */
const MARGIN = 1e-6;

/** Near columns per subset (CSR: subset s has columns[offsets[s] … offsets[s+1])). */
export interface Near {
  offsets: Int32Array;
  columns: Int32Array;
}

/**
 * Screens the subsets (k columns each, consecutive, in lexicographic order within `items`): keep[s] = 1
 * for those that may have another subset of `items` within chordal distance `radius`, i.e. with a column
 * of `items` outside them within `radius` of their span, or whose Gram arithmetic is not trusted. Returns
 * the kept subsets and their near columns (ascending in `items` order; every column outside the subset
 * where the arithmetic is not trusted). By the bound above, every subset of `items` within `radius` of S
 * is a k-subset of S ∪ near(S). `cos`: n×n Gram matrix of unit columns (cos[i·n + j]). Flops ≈
 * count·|items|·(k + 2).
 */
export function screenSubsets(
  cos: ArrayLike<number>, n: number, items: ArrayLike<number>, subsets: Int32Array, k: number, radius: number,
): { keep: Uint8Array; subsets: Int32Array; near: Near } {
  const count = subsets.length / k;
  const keep = new Uint8Array(count);
  const offsets = new Int32Array(count + 1); // over the kept subsets
  let columns = new Int32Array(Math.max(16, count));
  let kept = 0;
  let used = 0;
  const limit = radius * radius * (1 + 1e-6) + MARGIN;
  const t = k - 1;
  const nf = items.length;
  const inS = new Uint8Array(n);
  const c = new Float64Array(nf * Math.max(t, 1)); // c_f for every item (row-major, t per item)
  const q = new Float64Array(nf); // r_T(f)²
  const slot = new Int32Array(n).fill(-1); // item position of column f
  for (let a = 0; a < nf; a++) slot[items[a]] = a;
  const L = new Float64Array(t * t);
  let prefixOk = false;
  for (let s = 0; s < count; s++) {
    const base = s * k;
    // A new prefix T: Cholesky of G_T, then c_f = L⁻¹ g_Tf and r_T(f)² for every item.
    if (s === 0 || !samePrefix(subsets, base - k, base, t)) {
      if (s > 0) for (let i = 0; i < t; i++) inS[subsets[base - k + i]] = 0;
      for (let i = 0; i < t; i++) inS[subsets[base + i]] = 1;
      prefixOk = cholesky(cos, n, subsets, base, t, L);
      if (prefixOk) {
        for (let a = 0; a < nf; a++) {
          const f = items[a];
          let norm2 = 0;
          for (let i = 0; i < t; i++) {
            let v = cos[subsets[base + i] * n + f];
            for (let j = 0; j < i; j++) v -= L[i * t + j] * c[a * t + j];
            v /= L[i * t + i];
            c[a * t + i] = v;
            norm2 += v * v;
          }
          q[a] = 1 - norm2;
        }
      }
    }
    const last = subsets[base + t];
    const as = slot[last];
    inS[last] = 1;
    // The near columns of s (all columns outside it where the residuals are not trusted).
    if (columns.length - used < nf) columns = grow(columns, used + nf);
    const start = used;
    const trusted = prefixOk && as >= 0 && q[as] >= PIVOT;
    const qs = trusted ? q[as] : 0;
    for (let a = 0; a < nf; a++) {
      const f = items[a];
      if (inS[f]) continue;
      if (trusted) {
        let inner = cos[f * n + last];
        for (let i = 0; i < t; i++) inner -= c[a * t + i] * c[as * t + i];
        if (!(q[a] - (inner * inner) / qs <= limit)) continue;
      }
      columns[used++] = f;
    }
    if (used > start || !trusted) {
      keep[s] = 1;
      offsets[++kept] = used;
    }
    inS[last] = 0;
  }
  const out = new Int32Array(kept * k);
  for (let s = 0, at = 0; s < count; s++) if (keep[s]) out.set(subsets.subarray(s * k, s * k + k), (at++) * k);
  return { keep, subsets: out, near: { offsets: offsets.slice(0, kept + 1), columns: columns.slice(0, used) } };
}

function samePrefix(subsets: Int32Array, a: number, b: number, t: number): boolean {
  for (let i = 0; i < t; i++) if (subsets[a + i] !== subsets[b + i]) return false;
  return true;
}

/** L (t×t, lower) with L Lᵀ = G_T for T = subsets[base … base + t); false if a pivot² < PIVOT. */
function cholesky(cos: ArrayLike<number>, n: number, subsets: Int32Array, base: number, t: number, L: Float64Array): boolean {
  for (let i = 0; i < t; i++) {
    const fi = subsets[base + i];
    for (let j = 0; j <= i; j++) {
      let v = cos[fi * n + subsets[base + j]];
      for (let p = 0; p < j; p++) v -= L[i * t + p] * L[j * t + p];
      if (i === j) {
        if (!(v >= PIVOT)) return false;
        L[i * t + i] = Math.sqrt(v);
      } else L[i * t + j] = v / L[j * t + j];
    }
  }
  return true;
}
