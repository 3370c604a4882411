// Orthonormal bases, projectors and chordal embeddings in f64 (kernel 4 of the foundation issue).
//
// Why one-sided Jacobi SVD (Hestenes) and not Householder QR:
// - The bundle finder needs the dominant rank-r subspace of a noisy column block W_S. Wedin's bound
//   controls exactly that subspace (perturbation ≲ noise/σ_r), whereas QR with column pivoting returns
//   the span of r selected columns, which depends on the column order and jumps when the pivot order
//   changes. The top-r singular subspace is invariant to column order, positive column scaling (at
//   full rank) and orthogonal mixing A → AQ, as a projector embedding must be.
// - One-sided Jacobi has high relative accuracy (small singular values are computed to relative, not
//   absolute, precision), so the rank decision σ_i > relTol·σ_max is reliable.
// - It needs only + − × ÷ √, all correctly rounded in IEEE 754, so its results are the same bits in
//   every engine. The sweep order is fixed (cyclic by rows: (0,1), (0,2), …, (k−2,k−1)), every dot
//   product is sequential over the row index, the rotation test is deterministic, and a sweep without a
//   rotation ends the iteration (at most MAX_SWEEPS sweeps).
//
// SIMD: the single-block kernels (orthonormalBasis, projector's sums, chordalEmbedding) are scalar or
// lane-parallel over independent entries only. The batch kernel subsetEmbeddings runs two subsets in the
// two f64x2 lanes: each lane executes exactly the scalar algorithm (a rotation, a sort swap or a sum term
// that one lane does not take is discarded with v128.bitselect, never approximated), so simd build =
// scalar build = twin (src/twin/projector.ts), bit for bit. Lanes also match the output layout of the
// distance kernels (dimension-major: out[d*ld + s]), so two neighbouring subsets are one v128 store.

import { arenaAlloc, arenaRelease, arenaTop } from "./arena";

/** 2^-52. */
const EPS: f64 = 2.220446049250313e-16;
/** 1/√2, correctly rounded. */
const INV_SQRT2: f64 = 0.7071067811865476;
/** Upper bound on Jacobi sweeps (quadratic convergence needs ~5–10; LAPACK's dgesvj uses 30). */
const MAX_SWEEPS: i32 = 40;
/** Above this |ζ| the rotation tangent 1/(|ζ| + √(1+ζ²)) is replaced by 1/(2|ζ|) (ζ² would overflow). */
const ZETA_BIG: f64 = 1e150;

/**
 * Jacobi orthogonality threshold: rotate (p,q) iff |u_p·u_q| > tol·‖u_p‖‖u_q‖ and both columns are above
 * the rounding floor. The floor, k·2⁻⁵²·‖W_S‖_F, treats columns at rounding level as zero: with k > m (or
 * exactly dependent columns) k − rank columns must tend to 0 and, carrying rounding noise, could never
 * become mutually orthogonal, so without it the sweeps would not terminate. Columns at or below the floor
 * are never counted in the rank (this only matters for relTol below ~k^1.5·2⁻⁵²).
 */
// @ts-ignore: decorator
@inline function jacobiTol(m: i32): f64 {
  return <f64>max(m, 1) * EPS;
}

// ---------------------------------------------------------------------------------------------------
// Scalar core, shared by orthonormalBasis and (in the scalar build) subsetEmbeddings.
// U is column-major scratch: column j at u + j*m*8, length m.

/**
 * One-sided Jacobi on the k columns of U (m rows): afterwards the columns above the floor are mutually
 * orthogonal (to tol). Returns the floor on σ, k·2⁻⁵²·‖U‖_F (‖U‖_F² summed column by column).
 */
function jacobiColumns(u: usize, m: i32, k: i32): f64 {
  const tol = jacobiTol(m);
  const cs = <usize>m << 3;
  let f2: f64 = 0;
  for (let j = 0; j < k; j++) {
    const uj = u + <usize>j * cs;
    let a: f64 = 0;
    for (let r = 0; r < m; r++) {
      const x = load<f64>(uj + (<usize>r << 3));
      a = a + x * x;
    }
    f2 = f2 + a;
  }
  const fl = <f64>k * EPS;
  const floor2 = fl * fl * f2;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < k - 1; p++) {
      const up = u + <usize>p * cs;
      for (let q = p + 1; q < k; q++) {
        const uq = u + <usize>q * cs;
        let alpha: f64 = 0, beta: f64 = 0, gamma: f64 = 0;
        for (let r = 0; r < m; r++) {
          const x = load<f64>(up + (<usize>r << 3));
          const y = load<f64>(uq + (<usize>r << 3));
          alpha = alpha + x * x;
          beta = beta + y * y;
          gamma = gamma + x * y;
        }
        if (alpha > floor2 && beta > floor2 && abs(gamma) > tol * (sqrt(alpha) * sqrt(beta))) {
          const zeta = (beta - alpha) / (2.0 * gamma);
          const az = abs(zeta);
          let t = az > ZETA_BIG ? 0.5 / az : 1.0 / (az + sqrt(1.0 + az * az));
          if (zeta < 0) t = -t;
          const c = 1.0 / sqrt(1.0 + t * t);
          const s = c * t;
          for (let r = 0; r < m; r++) {
            const px = up + (<usize>r << 3);
            const py = uq + (<usize>r << 3);
            const x = load<f64>(px);
            const y = load<f64>(py);
            store<f64>(px, c * x - s * y);
            store<f64>(py, s * x + c * y);
          }
          rotated = true;
        }
      }
    }
    if (!rotated) break;
  }
  return fl * sqrt(f2);
}

/**
 * After jacobiColumns: sigma[j] = ‖u_j‖ sorted descending (stable: bubble sort with strict <), perm[j] =
 * the column of U holding the j-th singular vector; returns the rank #{σ_j > max(relTol·σ_0, floor)}.
 */
function sortedSigma(sigma: usize, perm: usize, u: usize, m: i32, k: i32, relTol: f64, floor: f64): i32 {
  const cs = <usize>m << 3;
  for (let j = 0; j < k; j++) {
    const uj = u + <usize>j * cs;
    let a: f64 = 0;
    for (let r = 0; r < m; r++) {
      const x = load<f64>(uj + (<usize>r << 3));
      a = a + x * x;
    }
    store<f64>(sigma + (<usize>j << 3), sqrt(a));
    store<i32>(perm + (<usize>j << 2), j);
  }
  for (let pass = 0; pass < k - 1; pass++) {
    for (let j = 0; j < k - 1 - pass; j++) {
      const a = load<f64>(sigma + (<usize>j << 3));
      const b = load<f64>(sigma + (<usize>(j + 1) << 3));
      if (a < b) {
        store<f64>(sigma + (<usize>j << 3), b);
        store<f64>(sigma + (<usize>(j + 1) << 3), a);
        const pj = load<i32>(perm + (<usize>j << 2));
        store<i32>(perm + (<usize>j << 2), load<i32>(perm + (<usize>(j + 1) << 2)));
        store<i32>(perm + (<usize>(j + 1) << 2), pj);
      }
    }
  }
  if (k == 0) return 0;
  let thr = relTol * load<f64>(sigma);
  if (thr < floor) thr = floor;
  let rank = 0;
  while (rank < k && load<f64>(sigma + (<usize>rank << 3)) > thr) rank++;
  return rank;
}

/**
 * orthonormalBasis(basis, sigma, w, m, k, relTol) → rank.
 * w: m×k row-major f64. basis: m×k row-major; its first `rank` columns are an orthonormal basis of the
 * dominant singular subspace (left singular vectors in descending σ order), the other columns 0.
 * sigma: k singular values, descending. rank = #{σ_i > max(relTol·σ_max, k·2⁻⁵²·‖W‖_F)} (0 when
 * σ_max = 0; the floor only matters for relTol below ~k^1.5·2⁻⁵²).
 * Scratch: m·k f64 + k i32 from the arena, released before returning.
 */
export function orthonormalBasis(basis: usize, sigma: usize, w: usize, m: i32, k: i32, relTol: f64): i32 {
  const mark = arenaTop();
  const cs = <usize>m << 3;
  const u = arenaAlloc(<usize>k * cs);
  const perm = arenaAlloc(<usize>k << 2);
  for (let r = 0; r < m; r++) {
    for (let j = 0; j < k; j++) {
      store<f64>(u + <usize>j * cs + (<usize>r << 3), load<f64>(w + ((<usize>r * k + j) << 3)));
    }
  }
  const floor = jacobiColumns(u, m, k);
  const rank = sortedSigma(sigma, perm, u, m, k, relTol, floor);
  for (let j = 0; j < k; j++) {
    if (j < rank) {
      const uj = u + <usize>load<i32>(perm + (<usize>j << 2)) * cs;
      const sj = load<f64>(sigma + (<usize>j << 3));
      for (let r = 0; r < m; r++) {
        store<f64>(basis + ((<usize>r * k + j) << 3), load<f64>(uj + (<usize>r << 3)) / sj);
      }
    } else {
      for (let r = 0; r < m; r++) store<f64>(basis + ((<usize>r * k + j) << 3), 0);
    }
  }
  arenaRelease(mark);
  return rank;
}

/**
 * projector(p, basis, m, k, rank): P (m×m) = A Aᵀ over the first `rank` columns of A (m×k row-major,
 * row stride k): P[a,b] = Σ_{j<rank} A[a,j]·A[b,j], sequential over j. Computed on the upper triangle
 * (lanes over b, using a transposed copy of A as scratch) and mirrored; P[a,b] = P[b,a] bit for bit.
 */
export function projector(p: usize, basis: usize, m: i32, k: i32, rank: i32): void {
  if (m <= 0) return;
  const mark = arenaTop();
  const cs = <usize>m << 3;
  // At: rank×m, At[j][b] = A[b,j].
  const at = arenaAlloc(<usize>max(rank, 0) * cs);
  for (let j = 0; j < rank; j++) {
    for (let b = 0; b < m; b++) store<f64>(at + <usize>j * cs + (<usize>b << 3), load<f64>(basis + ((<usize>b * k + j) << 3)));
  }
  for (let a = 0; a < m; a++) {
    const pa = p + <usize>a * cs;
    let b = a;
    if (ASC_FEATURE_SIMD) {
      for (; b + 2 <= m; b += 2) {
        let acc = f64x2.splat(0);
        for (let j = 0; j < rank; j++) {
          const col = at + <usize>j * cs;
          acc = f64x2.add(acc, f64x2.mul(v128.load64_splat(col + (<usize>a << 3)), v128.load(col + (<usize>b << 3))));
        }
        v128.store(pa + (<usize>b << 3), acc);
      }
    }
    for (; b < m; b++) {
      let acc: f64 = 0;
      for (let j = 0; j < rank; j++) {
        const col = at + <usize>j * cs;
        acc = acc + load<f64>(col + (<usize>a << 3)) * load<f64>(col + (<usize>b << 3));
      }
      store<f64>(pa + (<usize>b << 3), acc);
    }
  }
  for (let a = 0; a < m; a++) {
    for (let b = a + 1; b < m; b++) store<f64>(p + <usize>b * cs + (<usize>a << 3), load<f64>(p + <usize>a * cs + (<usize>b << 3)));
  }
  arenaRelease(mark);
}

/**
 * chordalEmbedding(out, p, m): out (length m(m+1)/2) = upper triangle of P row by row, the diagonal
 * multiplied by 1/√2 and the off-diagonal as is (= √2 · 1/√2), so that ‖e(P) − e(Q)‖ = ‖P − Q‖_F/√2 =
 * the chordal distance sqrt(Σ sin²θ_i) between the subspaces of two orthogonal projectors.
 */
export function chordalEmbedding(out: usize, p: usize, m: i32): void {
  let o = out;
  for (let a = 0; a < m; a++) {
    const row = p + ((<usize>a * m) << 3);
    store<f64>(o, load<f64>(row + (<usize>a << 3)) * INV_SQRT2);
    o += 8;
    for (let b = a + 1; b < m; b++) {
      store<f64>(o, load<f64>(row + (<usize>b << 3)));
      o += 8;
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Batch: subsetEmbeddings.

/** Scalar path for one subset: Jacobi basis + rank + embedding into out[d*ld + s]. Returns the rank. */
function subsetScalar(
  out: usize, w: usize, m: i32, n: i32, idx: usize, k: i32, relTol: f64, ld: i32, s: i32,
  u: usize, sigma: usize, perm: usize, a: usize,
): i32 {
  const cs = <usize>m << 3;
  for (let j = 0; j < k; j++) {
    const col = load<i32>(idx + (<usize>j << 2));
    const uj = u + <usize>j * cs;
    for (let r = 0; r < m; r++) store<f64>(uj + (<usize>r << 3), load<f64>(w + ((<usize>r * n + col) << 3)));
  }
  const floor = jacobiColumns(u, m, k);
  const rank = sortedSigma(sigma, perm, u, m, k, relTol, floor);
  // A (column-major, sorted): a_j = u_perm[j] / σ_j.
  for (let j = 0; j < rank; j++) {
    const uj = u + <usize>load<i32>(perm + (<usize>j << 2)) * cs;
    const aj = a + <usize>j * cs;
    const sj = load<f64>(sigma + (<usize>j << 3));
    for (let r = 0; r < m; r++) store<f64>(aj + (<usize>r << 3), load<f64>(uj + (<usize>r << 3)) / sj);
  }
  let d = 0;
  for (let x = 0; x < m; x++) {
    const px = a + (<usize>x << 3);
    let y = x;
    // Two entries at a time (two independent chains), each sequential over j.
    for (; y + 2 <= m; y += 2) {
      let a0: f64 = 0, a1: f64 = 0;
      const py = a + (<usize>y << 3);
      for (let j = 0; j < rank; j++) {
        const o = <usize>j * cs;
        const ax = load<f64>(px + o);
        a0 = a0 + ax * load<f64>(py + o);
        a1 = a1 + ax * load<f64>(py + o, 8);
      }
      if (x == y) a0 = a0 * INV_SQRT2;
      store<f64>(out + ((<usize>d * ld + s) << 3), a0);
      store<f64>(out + ((<usize>(d + 1) * ld + s) << 3), a1);
      d += 2;
    }
    for (; y < m; y++) {
      let acc: f64 = 0;
      const py = a + (<usize>y << 3);
      for (let j = 0; j < rank; j++) {
        const o = <usize>j * cs;
        acc = acc + load<f64>(px + o) * load<f64>(py + o);
      }
      if (x == y) acc = acc * INV_SQRT2;
      store<f64>(out + ((<usize>d * ld + s) << 3), acc);
      d++;
    }
  }
  return rank;
}

/**
 * SIMD path for two subsets s0 (lane 0) and s1 (lane 1; s1 = s0 for an odd tail, stored once).
 * u2: k columns × m rows × 2 lanes, v128 at (j*m + r)*16. Each lane follows subsetScalar exactly.
 */
function subsetPair(
  out: usize, ranks: usize, w: usize, m: i32, n: i32, subsets: usize, k: i32, relTol: f64, ld: i32,
  s0: i32, s1: i32, u2: usize,
): void {
  const cs = <usize>m << 4;
  const i0 = subsets + ((<usize>s0 * k) << 2);
  const i1 = subsets + ((<usize>s1 * k) << 2);
  for (let j = 0; j < k; j++) {
    const c0 = load<i32>(i0 + (<usize>j << 2));
    const c1 = load<i32>(i1 + (<usize>j << 2));
    const uj = u2 + <usize>j * cs;
    for (let r = 0; r < m; r++) {
      const row = w + ((<usize>r * n) << 3);
      store<f64>(uj + (<usize>r << 4), load<f64>(row + (<usize>c0 << 3)));
      store<f64>(uj + (<usize>r << 4), load<f64>(row + (<usize>c1 << 3)), 8);
    }
  }
  // Jacobi, lane-wise.
  const tol = f64x2.splat(jacobiTol(m));
  const zero = f64x2.splat(0);
  const one = f64x2.splat(1.0);
  const two = f64x2.splat(2.0);
  const half = f64x2.splat(0.5);
  const big = f64x2.splat(ZETA_BIG);
  let f2 = zero;
  for (let j = 0; j < k; j++) {
    const uj = u2 + <usize>j * cs;
    let a = zero;
    for (let r = 0; r < m; r++) {
      const x = v128.load(uj + (<usize>r << 4));
      a = f64x2.add(a, f64x2.mul(x, x));
    }
    f2 = f64x2.add(f2, a);
  }
  const fl = <f64>k * EPS;
  const floor2 = f64x2.mul(f64x2.splat(fl * fl), f2);
  const floorSigma = f64x2.mul(f64x2.splat(fl), f64x2.sqrt(f2));
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = i64x2.splat(0);
    for (let p = 0; p < k - 1; p++) {
      const up = u2 + <usize>p * cs;
      for (let q = p + 1; q < k; q++) {
        const uq = u2 + <usize>q * cs;
        let alpha = zero, beta = zero, gamma = zero;
        for (let r = 0; r < m; r++) {
          const x = v128.load(up + (<usize>r << 4));
          const y = v128.load(uq + (<usize>r << 4));
          alpha = f64x2.add(alpha, f64x2.mul(x, x));
          beta = f64x2.add(beta, f64x2.mul(y, y));
          gamma = f64x2.add(gamma, f64x2.mul(x, y));
        }
        const mask = v128.and(
          v128.and(f64x2.gt(alpha, floor2), f64x2.gt(beta, floor2)),
          f64x2.gt(f64x2.abs(gamma), f64x2.mul(tol, f64x2.mul(f64x2.sqrt(alpha), f64x2.sqrt(beta)))),
        );
        if (!v128.any_true(mask)) continue;
        const zeta = f64x2.div(f64x2.sub(beta, alpha), f64x2.mul(two, gamma));
        const az = f64x2.abs(zeta);
        let t = v128.bitselect(
          f64x2.div(half, az),
          f64x2.div(one, f64x2.add(az, f64x2.sqrt(f64x2.add(one, f64x2.mul(az, az))))),
          f64x2.gt(az, big),
        );
        t = v128.bitselect(f64x2.neg(t), t, f64x2.lt(zeta, zero));
        const c = f64x2.div(one, f64x2.sqrt(f64x2.add(one, f64x2.mul(t, t))));
        const s = f64x2.mul(c, t);
        for (let r = 0; r < m; r++) {
          const px = up + (<usize>r << 4);
          const py = uq + (<usize>r << 4);
          const x = v128.load(px);
          const y = v128.load(py);
          v128.store(px, v128.bitselect(f64x2.sub(f64x2.mul(c, x), f64x2.mul(s, y)), x, mask));
          v128.store(py, v128.bitselect(f64x2.add(f64x2.mul(s, x), f64x2.mul(c, y)), y, mask));
        }
        rotated = v128.or(rotated, mask);
      }
    }
    if (!v128.any_true(rotated)) break;
  }
  // σ_j in a small v128 array after the columns: sig at u2 + k*cs.
  const sig = u2 + <usize>k * cs;
  for (let j = 0; j < k; j++) {
    const uj = u2 + <usize>j * cs;
    let acc = zero;
    for (let r = 0; r < m; r++) {
      const x = v128.load(uj + (<usize>r << 4));
      acc = f64x2.add(acc, f64x2.mul(x, x));
    }
    v128.store(sig + (<usize>j << 4), f64x2.sqrt(acc));
  }
  // Stable descending bubble sort, lane-wise: swap columns (and σ) where σ_j < σ_{j+1}.
  for (let pass = 0; pass < k - 1; pass++) {
    for (let j = 0; j < k - 1 - pass; j++) {
      const pa = sig + (<usize>j << 4);
      const a = v128.load(pa);
      const b = v128.load(pa, 16);
      const sw = f64x2.lt(a, b);
      if (!v128.any_true(sw)) continue;
      v128.store(pa, v128.bitselect(b, a, sw));
      v128.store(pa, v128.bitselect(a, b, sw), 16);
      const ua = u2 + <usize>j * cs;
      const ub = ua + cs;
      for (let r = 0; r < m; r++) {
        const x = v128.load(ua + (<usize>r << 4));
        const y = v128.load(ub + (<usize>r << 4));
        v128.store(ua + (<usize>r << 4), v128.bitselect(y, x, sw));
        v128.store(ub + (<usize>r << 4), v128.bitselect(x, y, sw));
      }
    }
  }
  // Rank per lane and normalised columns (in place; columns beyond a lane's rank are never summed).
  let rank0 = 0, rank1 = 0;
  if (k > 0) {
    let thr = f64x2.mul(f64x2.splat(relTol), v128.load(sig));
    thr = v128.bitselect(floorSigma, thr, f64x2.lt(thr, floorSigma));
    for (let j = 0; j < k; j++) {
      const sj = v128.load(sig + (<usize>j << 4));
      const keep = f64x2.gt(sj, thr);
      const bits = i64x2.bitmask(keep);
      if (bits & 1) rank0 = j + 1;
      if (bits & 2) rank1 = j + 1;
      if (bits == 0) break;
      const uj = u2 + <usize>j * cs;
      for (let r = 0; r < m; r++) {
        const pr = uj + (<usize>r << 4);
        v128.store(pr, f64x2.div(v128.load(pr), sj));
      }
    }
  }
  store<i32>(ranks + (<usize>s0 << 2), rank0);
  store<i32>(ranks + (<usize>s1 << 2), rank1);
  const kmax = max(rank0, rank1);
  const rv = i64x2.replace_lane(i64x2.splat(rank0), 1, rank1);
  const rsq = f64x2.splat(INV_SQRT2);
  const pair = s1 == s0 + 1;
  let d = 0;
  for (let x = 0; x < m; x++) {
    const px = u2 + (<usize>x << 4);
    let y = x;
    if (rank0 == rank1) {
      // Both lanes sum the same columns: two entries at a time (two independent chains).
      for (; y + 2 <= m; y += 2) {
        let a0 = zero, a1 = zero;
        const py = u2 + (<usize>y << 4);
        for (let j = 0; j < kmax; j++) {
          const o = <usize>j * cs;
          const ax = v128.load(px + o);
          a0 = f64x2.add(a0, f64x2.mul(ax, v128.load(py + o)));
          a1 = f64x2.add(a1, f64x2.mul(ax, v128.load(py + o, 16)));
        }
        if (x == y) a0 = f64x2.mul(a0, rsq);
        const o0 = out + ((<usize>d * ld + s0) << 3);
        const o1 = out + ((<usize>(d + 1) * ld + s0) << 3);
        if (pair) {
          v128.store(o0, a0);
          v128.store(o1, a1);
        } else {
          store<f64>(o0, f64x2.extract_lane(a0, 0));
          store<f64>(o1, f64x2.extract_lane(a1, 0));
        }
        d += 2;
      }
    }
    for (; y < m; y++) {
      let acc = zero;
      const py = u2 + (<usize>y << 4);
      for (let j = 0; j < kmax; j++) {
        const o = <usize>j * cs;
        const term = f64x2.add(acc, f64x2.mul(v128.load(px + o), v128.load(py + o)));
        // lane 0 takes the term iff j < rank0, lane 1 iff j < rank1.
        acc = v128.bitselect(term, acc, i64x2.lt_s(i64x2.splat(j), rv));
      }
      if (x == y) acc = f64x2.mul(acc, rsq);
      const o = out + ((<usize>d * ld + s0) << 3);
      if (pair) v128.store(o, acc);
      else store<f64>(o, f64x2.extract_lane(acc, 0));
      d++;
    }
  }
}

/**
 * subsetEmbeddings(out, ranks, w, m, n, subsets, k, count, relTol, ld): for each subset s < count (its k
 * column indices at subsets[s*k .. s*k+k), i32, each in [0, n)) of W (m×n row-major f64): the Jacobi
 * orthonormal basis of W_S, its rank into ranks[s] (= orthonormalBasis's rank; the embedding is the
 * projector onto the dominant rank-dimensional subspace even when rank < k), and the chordal embedding
 * of P = AAᵀ (D = m(m+1)/2 coordinates) written dimension-major: coordinate d of subset s at
 * out[d*ld + s] (ld ≥ count; ld > count lets a caller fill a larger D×N buffer in chunks, offsetting
 * `out` by the first subset's column). Bit-identical to chordalEmbedding(projector(orthonormalBasis(…))).
 * Scratch (once per call): SIMD 2·m·k + 2·k f64; scalar 2·m·k + k f64 + k i32.
 */
export function subsetEmbeddings(
  out: usize, ranks: usize, w: usize, m: i32, n: i32, subsets: usize, k: i32, count: i32, relTol: f64, ld: i32,
): void {
  const mark = arenaTop();
  if (ASC_FEATURE_SIMD) {
    const u2 = arenaAlloc(((<usize>k * m) << 4) + (<usize>k << 4));
    let s = 0;
    for (; s + 2 <= count; s += 2) subsetPair(out, ranks, w, m, n, subsets, k, relTol, ld, s, s + 1, u2);
    if (s < count) subsetPair(out, ranks, w, m, n, subsets, k, relTol, ld, s, s, u2);
  } else {
    const cs = <usize>m << 3;
    const u = arenaAlloc(<usize>k * cs);
    const a = arenaAlloc(<usize>k * cs);
    const sigma = arenaAlloc(<usize>k << 3);
    const perm = arenaAlloc(<usize>k << 2);
    for (let s = 0; s < count; s++) {
      const rank = subsetScalar(out, w, m, n, subsets + ((<usize>s * k) << 2), k, relTol, ld, s, u, sigma, perm, a);
      store<i32>(ranks + (<usize>s << 2), rank);
    }
  }
  arenaRelease(mark);
}
