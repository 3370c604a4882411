// Twin of assembly/projector.ts: the same one-sided Jacobi (same sweep order, same rotation formulas,
// same convergence test, same stable sort), the same sums in the same order. Only + − × ÷ √ are used,
// so the wasm builds must match these bit for bit.

const EPS = 2.220446049250313e-16;
const INV_SQRT2 = 0.7071067811865476;
const MAX_SWEEPS = 40;
const ZETA_BIG = 1e150;

/** One-sided Jacobi on k columns of length m stored column-major in u (column j at j*m). */
function jacobiColumns(u: Float64Array, m: number, k: number): number {
  const tol = Math.max(m, 1) * EPS;
  let f2 = 0;
  for (let j = 0; j < k; j++) {
    let a = 0;
    for (let r = 0; r < m; r++) {
      const x = u[j * m + r];
      a = a + x * x;
    }
    f2 = f2 + a;
  }
  const fl = k * EPS;
  const floor2 = fl * fl * f2;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < k - 1; p++) {
      const up = p * m;
      for (let q = p + 1; q < k; q++) {
        const uq = q * m;
        let alpha = 0, beta = 0, gamma = 0;
        for (let r = 0; r < m; r++) {
          const x = u[up + r];
          const y = u[uq + r];
          alpha = alpha + x * x;
          beta = beta + y * y;
          gamma = gamma + x * y;
        }
        if (alpha > floor2 && beta > floor2 && Math.abs(gamma) > tol * (Math.sqrt(alpha) * Math.sqrt(beta))) {
          const zeta = (beta - alpha) / (2.0 * gamma);
          const az = Math.abs(zeta);
          let t = az > ZETA_BIG ? 0.5 / az : 1.0 / (az + Math.sqrt(1.0 + az * az));
          if (zeta < 0) t = -t;
          const c = 1.0 / Math.sqrt(1.0 + t * t);
          const s = c * t;
          for (let r = 0; r < m; r++) {
            const x = u[up + r];
            const y = u[uq + r];
            u[up + r] = c * x - s * y;
            u[uq + r] = s * x + c * y;
          }
          rotated = true;
        }
      }
    }
    if (!rotated) break;
  }
  return fl * Math.sqrt(f2);
}

/** σ_j = ‖u_j‖ sorted descending (stable), perm = source columns; rank #{σ_j > max(relTol·σ_0, floor)}. */
function sortedSigma(
  sigma: Float64Array, perm: Int32Array, u: Float64Array, m: number, k: number, relTol: number, floor: number,
): number {
  for (let j = 0; j < k; j++) {
    let a = 0;
    for (let r = 0; r < m; r++) {
      const x = u[j * m + r];
      a = a + x * x;
    }
    sigma[j] = Math.sqrt(a);
    perm[j] = j;
  }
  for (let pass = 0; pass < k - 1; pass++) {
    for (let j = 0; j < k - 1 - pass; j++) {
      if (sigma[j] < sigma[j + 1]) {
        const a = sigma[j];
        sigma[j] = sigma[j + 1];
        sigma[j + 1] = a;
        const pj = perm[j];
        perm[j] = perm[j + 1];
        perm[j + 1] = pj;
      }
    }
  }
  if (k === 0) return 0;
  let thr = relTol * sigma[0];
  if (thr < floor) thr = floor;
  let rank = 0;
  while (rank < k && sigma[rank] > thr) rank++;
  return rank;
}

/**
 * orthonormalBasis(basis, sigma, w, m, k, relTol) → rank: w m×k row-major; basis m×k row-major, first
 * `rank` columns an orthonormal basis of the dominant singular subspace (descending σ), rest 0; sigma the
 * k singular values descending; rank = #{σ_i > relTol·σ_max} (0 when σ_max = 0).
 */
export function orthonormalBasis(
  basis: Float64Array, sigma: Float64Array, w: Float64Array, m: number, k: number, relTol: number,
): number {
  const u = new Float64Array(m * k);
  const perm = new Int32Array(k);
  for (let r = 0; r < m; r++) for (let j = 0; j < k; j++) u[j * m + r] = w[r * k + j];
  const floor = jacobiColumns(u, m, k);
  const rank = sortedSigma(sigma, perm, u, m, k, relTol, floor);
  for (let j = 0; j < k; j++) {
    if (j < rank) {
      const uj = perm[j] * m;
      const sj = sigma[j];
      for (let r = 0; r < m; r++) basis[r * k + j] = u[uj + r] / sj;
    } else {
      for (let r = 0; r < m; r++) basis[r * k + j] = 0;
    }
  }
  return rank;
}

/** projector(p, basis, m, k, rank): P (m×m) = Σ_{j<rank} A[:,j] A[:,j]ᵀ, A m×k row-major. */
export function projector(p: Float64Array, basis: Float64Array, m: number, k: number, rank: number): void {
  for (let a = 0; a < m; a++) {
    for (let b = a; b < m; b++) {
      let acc = 0;
      for (let j = 0; j < rank; j++) acc = acc + basis[a * k + j] * basis[b * k + j];
      p[a * m + b] = acc;
      p[b * m + a] = acc;
    }
  }
}

/** chordalEmbedding(out, p, m): upper triangle row by row, diagonal × 1/√2, off-diagonal × 1. */
export function chordalEmbedding(out: Float64Array, p: Float64Array, m: number): void {
  let o = 0;
  for (let a = 0; a < m; a++) {
    out[o++] = p[a * m + a] * INV_SQRT2;
    for (let b = a + 1; b < m; b++) out[o++] = p[a * m + b];
  }
}

/**
 * subsetEmbeddings(out, ranks, w, m, n, subsets, k, count, relTol, ld = count): per subset s, the Jacobi
 * basis of W_S (rank into ranks[s]) and the chordal embedding of its projector, dimension-major:
 * coordinate d of subset s at out[d*ld + s].
 */
export function subsetEmbeddings(
  out: Float64Array, ranks: Int32Array, w: Float64Array, m: number, n: number, subsets: Int32Array,
  k: number, count: number, relTol: number, ld: number = count,
): void {
  const u = new Float64Array(m * k);
  const a = new Float64Array(m * k);
  const sigma = new Float64Array(k);
  const perm = new Int32Array(k);
  for (let s = 0; s < count; s++) {
    for (let j = 0; j < k; j++) {
      const col = subsets[s * k + j];
      for (let r = 0; r < m; r++) u[j * m + r] = w[r * n + col];
    }
    const floor = jacobiColumns(u, m, k);
    const rank = sortedSigma(sigma, perm, u, m, k, relTol, floor);
    ranks[s] = rank;
    for (let j = 0; j < rank; j++) {
      const uj = perm[j] * m;
      const sj = sigma[j];
      for (let r = 0; r < m; r++) a[j * m + r] = u[uj + r] / sj;
    }
    let d = 0;
    for (let x = 0; x < m; x++) {
      for (let y = x; y < m; y++) {
        let acc = 0;
        for (let j = 0; j < rank; j++) acc = acc + a[j * m + x] * a[j * m + y];
        if (x === y) acc = acc * INV_SQRT2;
        out[d * ld + s] = acc;
        d++;
      }
    }
  }
}
