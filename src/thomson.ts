// Thomson problem: N points on the unit sphere S^(d−1) minimising the Coulomb energy Σ_{i<j} 1/‖x_i − x_j‖.
// With unit importance, unit norms and zero bias the 1-sparse loss of the ReLU toy model is a repulsion
// problem of this kind (REFERENCE §3), so "uniform superposition" factors are compared to its optimum.
//
// Points are stored like W: d×N row-major, column i = point i.
//
// Solver: seeded multistart. Each start is uniform on the sphere (deterministic generator, Gaussian by
// the polar method with a logarithm built from + − × ÷), then Riemannian L-BFGS with an Armijo line
// search (retraction: renormalise; transport: projection onto the tangent spaces), then damped Newton on the
// product of spheres (Riemannian Hessian in a tangent basis, Levenberg damping until Cholesky succeeds;
// the rotation null space is orthogonal to the gradient) while N·(d−1) ≤ 600. Stops when the norm of
// the Riemannian gradient is ≤ tolerance.
import { TegumError, checkInt, checkNumber } from "./errors.js";
import { log } from "./math.js";
import { type Weights, checkWeights } from "./metrics.js";
import { hash2, mix32, word } from "./rng.js";
import { pivotedBasis } from "./tegum-factors.js";

/** Σ_{i<j} 1/‖x_i − x_j‖ over the columns of x (d×N row-major), taken as given (not normalised). */
export function thomsonEnergy(x: Weights, d: number, count: number): number {
  checkWeights(x, d, count, "x");
  let e = 0;
  for (let i = 0; i < count; i++) {
    for (let j = i + 1; j < count; j++) {
      let s = 0;
      for (let p = 0; p < d; p++) {
        const t = x[p * count + i] - x[p * count + j];
        s += t * t;
      }
      if (s === 0) return Infinity;
      e += 1 / Math.sqrt(s);
    }
  }
  return e;
}

// --- deterministic randomness ----------------------------------------------------------------------

/** Uniform [0, 1) with 53 bits from the counter-based hash of src/rng.ts (one stream per seed). */
function uniformSource(seed: number): () => number {
  const key = hash2(mix32(seed ^ 0x7c0ffee5), 0x7468);
  let c = 0;
  return () => {
    const row = hash2(key, c++);
    return ((word(row, 0) >>> 5) * 67108864 + (word(row, 1) >>> 6)) / 9007199254740992;
  };
}

/** A point uniform on S^(d−1) (Gaussian vector by the polar method, normalised). */
function randomUnit(u: () => number, d: number, out: Float64Array, offset: number): void {
  for (;;) {
    let s2 = 0;
    for (let p = 0; p < d; p += 2) {
      let a: number, b: number, s: number;
      do {
        a = 2 * u() - 1;
        b = 2 * u() - 1;
        s = a * a + b * b;
      } while (s >= 1 || s === 0);
      const f = Math.sqrt((-2 * log(s)) / s);
      out[offset + p] = a * f;
      if (p + 1 < d) out[offset + p + 1] = b * f;
    }
    for (let p = 0; p < d; p++) s2 += out[offset + p] * out[offset + p];
    if (s2 > 1e-300) {
      const l = Math.sqrt(s2);
      for (let p = 0; p < d; p++) out[offset + p] /= l;
      return;
    }
  }
}

// --- the solver, on point-major arrays (point i at x[i*d .. i*d+d)) ---------------------------------

function energyPM(x: Float64Array, d: number, N: number): number {
  let e = 0;
  for (let i = 0; i < N; i++) {
    for (let j = i + 1; j < N; j++) {
      let s = 0;
      for (let p = 0; p < d; p++) {
        const t = x[i * d + p] - x[j * d + p];
        s += t * t;
      }
      e += 1 / Math.sqrt(s);
    }
  }
  return e;
}

/** Euclidean gradient into eg, Riemannian gradient into rg; returns ‖rg‖. */
function gradient(x: Float64Array, d: number, N: number, eg: Float64Array, rg: Float64Array): number {
  eg.fill(0);
  for (let i = 0; i < N; i++) {
    for (let j = i + 1; j < N; j++) {
      let s = 0;
      for (let p = 0; p < d; p++) {
        const t = x[i * d + p] - x[j * d + p];
        s += t * t;
      }
      const inv3 = 1 / (s * Math.sqrt(s));
      for (let p = 0; p < d; p++) {
        const t = (x[i * d + p] - x[j * d + p]) * inv3;
        eg[i * d + p] -= t;
        eg[j * d + p] += t;
      }
    }
  }
  let norm2 = 0;
  for (let i = 0; i < N; i++) {
    let r = 0;
    for (let p = 0; p < d; p++) r += x[i * d + p] * eg[i * d + p];
    for (let p = 0; p < d; p++) {
      const v = eg[i * d + p] - r * x[i * d + p];
      rg[i * d + p] = v;
      norm2 += v * v;
    }
  }
  return Math.sqrt(norm2);
}

function retract(x: Float64Array, d: number, N: number): void {
  for (let i = 0; i < N; i++) {
    let s = 0;
    for (let p = 0; p < d; p++) s += x[i * d + p] * x[i * d + p];
    const l = Math.sqrt(s);
    for (let p = 0; p < d; p++) x[i * d + p] /= l;
  }
}

/** Orthonormal basis of the tangent space at unit x (d × (d−1), column-major into t at offset). */
function tangentBasis(x: Float64Array, off: number, d: number, t: Float64Array, toff: number): void {
  const basis: Float64Array[] = [Float64Array.from({ length: d }, (_, p) => x[off + p])];
  let filled = 0;
  // Candidate unit vectors, most orthogonal to x first.
  const order = Array.from({ length: d }, (_, p) => p).sort((a, b) => Math.abs(x[off + a]) - Math.abs(x[off + b]));
  for (const e of order) {
    if (filled === d - 1) break;
    const v = new Float64Array(d);
    v[e] = 1;
    for (let pass = 0; pass < 2; pass++) {
      for (const b of basis) {
        let c = 0;
        for (let p = 0; p < d; p++) c += b[p] * v[p];
        for (let p = 0; p < d; p++) v[p] -= c * b[p];
      }
    }
    let l = 0;
    for (let p = 0; p < d; p++) l += v[p] * v[p];
    l = Math.sqrt(l);
    if (l < 1e-6) continue;
    for (let p = 0; p < d; p++) v[p] /= l;
    basis.push(v);
    for (let p = 0; p < d; p++) t[toff + filled * d + p] = v[p];
    filled++;
  }
}

/** In-place Cholesky of an n×n SPD matrix (lower); false if not positive definite. */
function cholesky(a: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    let s = a[j * n + j];
    for (let k = 0; k < j; k++) s -= a[j * n + k] * a[j * n + k];
    if (!(s > 0)) return false;
    const l = Math.sqrt(s);
    a[j * n + j] = l;
    for (let i = j + 1; i < n; i++) {
      let t = a[i * n + j];
      for (let k = 0; k < j; k++) t -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = t / l;
    }
  }
  return true;
}

function choleskySolve(l: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * b[k];
    b[i] = s / l[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * b[k];
    b[i] = s / l[i * n + i];
  }
}

/** Reduced Riemannian Hessian M (size N(d−1)) in the tangent bases t. */
function riemannianHessian(x: Float64Array, d: number, N: number, eg: Float64Array, t: Float64Array, M: Float64Array): void {
  const q = d - 1;
  const K = N * q;
  const H = new Float64Array(N * N * d * d); // block (i, j) at ((i*N + j) * d*d)
  for (let i = 0; i < N; i++) {
    for (let j = i + 1; j < N; j++) {
      const u = new Float64Array(d);
      let s = 0;
      for (let p = 0; p < d; p++) {
        u[p] = x[i * d + p] - x[j * d + p];
        s += u[p] * u[p];
      }
      const r = Math.sqrt(s);
      const inv3 = 1 / (s * r);
      const inv5 = inv3 / s;
      for (let a = 0; a < d; a++) {
        for (let b = 0; b < d; b++) {
          const v = (a === b ? inv3 : 0) - 3 * u[a] * u[b] * inv5; // ∂²/∂x_i∂x_j
          H[(i * N + j) * d * d + a * d + b] += v;
          H[(j * N + i) * d * d + a * d + b] += v;
          H[(i * N + i) * d * d + a * d + b] -= v;
          H[(j * N + j) * d * d + a * d + b] -= v;
        }
      }
    }
  }
  M.fill(0);
  const tmp = new Float64Array(d);
  for (let i = 0; i < N; i++) {
    let radial = 0;
    for (let p = 0; p < d; p++) radial += x[i * d + p] * eg[i * d + p];
    for (let j = 0; j < N; j++) {
      const blk = (i * N + j) * d * d;
      for (let b = 0; b < q; b++) {
        // tmp = H_ij t_j[:, b]
        for (let a = 0; a < d; a++) {
          let s = 0;
          for (let c = 0; c < d; c++) s += H[blk + a * d + c] * t[(j * q + b) * d + c];
          tmp[a] = s;
        }
        for (let a2 = 0; a2 < q; a2++) {
          let s = 0;
          for (let a = 0; a < d; a++) s += t[(i * q + a2) * d + a] * tmp[a];
          M[(i * q + a2) * K + j * q + b] = s;
        }
      }
    }
    for (let a2 = 0; a2 < q; a2++) M[(i * q + a2) * K + i * q + a2] -= radial;
  }
}

interface RunResult {
  x: Float64Array;
  energy: number;
  gradientNorm: number;
  iterations: number;
}

function optimise(x: Float64Array, d: number, N: number, tolerance: number, maxIterations: number): RunResult {
  const n = N * d;
  const eg = new Float64Array(n), rg = new Float64Array(n);
  const xNew = new Float64Array(n), egNew = new Float64Array(n), rgNew = new Float64Array(n);
  let e = energyPM(x, d, N);
  let gn = gradient(x, d, N, eg, rg);
  let step = 1 / Math.max(1, N * N);
  let it = 0;
  const newtonSize = N * (d - 1);
  const useNewton = d >= 2 && newtonSize <= 600;
  const switchAt = useNewton ? Math.max(tolerance, 1e-4) : tolerance;
  // Phase 1: Riemannian L-BFGS (memory 10; vector transport by projection onto the tangent spaces)
  // with Armijo backtracking; the memory is reset whenever its direction is not a descent direction.
  const MEM = 10;
  const S: Float64Array[] = [], Y: Float64Array[] = [], rho: number[] = [];
  const alpha = new Float64Array(MEM);
  const dir = new Float64Array(n);
  const project = (v: Float64Array, at: Float64Array): void => {
    for (let i = 0; i < N; i++) {
      let r = 0;
      for (let p = 0; p < d; p++) r += at[i * d + p] * v[i * d + p];
      for (let p = 0; p < d; p++) v[i * d + p] -= r * at[i * d + p];
    }
  };
  const dotv = (a: Float64Array, b: Float64Array): number => {
    let t = 0;
    for (let k = 0; k < n; k++) t += a[k] * b[k];
    return t;
  };
  while (gn > switchAt && it < maxIterations) {
    it++;
    // Two-loop recursion: dir = −H·rg.
    dir.set(rg);
    for (let i = S.length - 1; i >= 0; i--) {
      alpha[i] = rho[i] * dotv(S[i], dir);
      for (let k = 0; k < n; k++) dir[k] -= alpha[i] * Y[i][k];
    }
    const last = S.length - 1;
    const gamma = last >= 0 ? 1 / (rho[last] * dotv(Y[last], Y[last])) : step;
    for (let k = 0; k < n; k++) dir[k] *= gamma;
    for (let i = 0; i < S.length; i++) {
      const beta = rho[i] * dotv(Y[i], dir);
      for (let k = 0; k < n; k++) dir[k] += S[i][k] * (alpha[i] - beta);
    }
    for (let k = 0; k < n; k++) dir[k] = -dir[k];
    project(dir, x);
    let slope = dotv(dir, rg);
    if (!(slope < 0)) {
      S.length = 0; Y.length = 0; rho.length = 0;
      for (let k = 0; k < n; k++) dir[k] = -step * rg[k];
      slope = -step * gn * gn;
    }
    let t = 1;
    let accepted = false;
    let eNew = e;
    for (let bt = 0; bt < 50; bt++) {
      for (let k = 0; k < n; k++) xNew[k] = x[k] + t * dir[k];
      retract(xNew, d, N);
      eNew = energyPM(xNew, d, N);
      if (eNew <= e + 1e-4 * t * slope) {
        accepted = true;
        break;
      }
      t *= 0.5;
    }
    if (!accepted) {
      if (S.length > 0) {
        S.length = 0; Y.length = 0; rho.length = 0;
        step *= 0.1;
        continue;
      }
      break;
    }
    const gNew = gradient(xNew, d, N, egNew, rgNew);
    const sv = new Float64Array(n), yv = new Float64Array(n);
    for (let k = 0; k < n; k++) sv[k] = xNew[k] - x[k];
    project(sv, xNew);
    yv.set(rg);
    project(yv, xNew);
    for (let k = 0; k < n; k++) yv[k] = rgNew[k] - yv[k];
    const sy = dotv(sv, yv);
    if (sy > 1e-12 * Math.sqrt(dotv(sv, sv) * dotv(yv, yv))) {
      if (S.length === MEM) { S.shift(); Y.shift(); rho.shift(); }
      S.push(sv); Y.push(yv); rho.push(1 / sy);
      step = Math.min(dotv(sv, sv) / sy, 10);
    }
    x.set(xNew);
    eg.set(egNew);
    rg.set(rgNew);
    e = eNew;
    gn = gNew;
  }
  // Phase 2: damped Newton.
  if (useNewton && gn > tolerance) {
    const q = d - 1;
    const K = N * q;
    const t = new Float64Array(N * q * d);
    const M = new Float64Array(K * K);
    const A = new Float64Array(K * K);
    const rhs = new Float64Array(K);
    let mu = 0;
    let stall = 0;
    while (gn > tolerance && it < maxIterations && stall < 50) {
      it++;
      for (let i = 0; i < N; i++) tangentBasis(x, i * d, d, t, i * q * d);
      riemannianHessian(x, d, N, eg, t, M);
      let scale = 0;
      for (let k = 0; k < K; k++) scale = Math.max(scale, Math.abs(M[k * K + k]));
      let improved = false;
      for (let tries = 0; tries < 30 && !improved; tries++) {
        A.set(M);
        const damp = mu * scale + 1e-14 * scale;
        for (let k = 0; k < K; k++) A[k * K + k] += damp;
        if (!cholesky(A, K)) {
          mu = mu === 0 ? 1e-8 : mu * 10;
          continue;
        }
        for (let i = 0; i < N; i++) {
          for (let b = 0; b < q; b++) {
            let s = 0;
            for (let p = 0; p < d; p++) s += t[(i * q + b) * d + p] * rg[i * d + p];
            rhs[i * q + b] = -s;
          }
        }
        choleskySolve(A, K, rhs);
        for (let i = 0; i < N; i++) {
          for (let p = 0; p < d; p++) {
            let s = 0;
            for (let b = 0; b < q; b++) s += t[(i * q + b) * d + p] * rhs[i * q + b];
            xNew[i * d + p] = x[i * d + p] + s;
          }
        }
        retract(xNew, d, N);
        const eNew = energyPM(xNew, d, N);
        const gNew = gradient(xNew, d, N, egNew, rgNew);
        if (eNew <= e + 1e-12 * Math.abs(e) && gNew < gn) {
          x.set(xNew);
          eg.set(egNew);
          rg.set(rgNew);
          e = eNew;
          gn = gNew;
          mu = mu / 10 < 1e-12 ? 0 : mu / 10;
          improved = true;
        } else {
          mu = mu === 0 ? 1e-8 : mu * 10;
        }
      }
      if (!improved) stall++;
      if (!improved) {
        // Fall back to one gradient step.
        for (let k = 0; k < n; k++) x[k] -= Math.min(step, 1e-3) * rg[k];
        retract(x, d, N);
        e = energyPM(x, d, N);
        gn = gradient(x, d, N, eg, rg);
      }
    }
  }
  return { x, energy: e, gradientNorm: gn, iterations: it };
}

export interface ThomsonOptions {
  /** Seed of the deterministic generator. Default 0. */
  seed?: number;
  /** Number of random starts. Default 8 (2 when N·(d−1) > 600, where each start costs far more). */
  starts?: number;
  /** Stop when the Riemannian gradient norm is ≤ tolerance. Default 1e-10. */
  tolerance?: number;
  /** Iteration limit per start. Default 20000. */
  maxIterations?: number;
}

export interface ThomsonResult {
  /** The best configuration: d×N row-major, column i = point i (unit norm). */
  points: Float64Array;
  d: number;
  count: number;
  energy: number;
  gradientNorm: number;
  /** Iterations of the best start. */
  iterations: number;
  /** Final energy of every start, in start order. */
  energies: number[];
  /** How many starts reached the best energy (within 1e-9 relative). */
  hits: number;
  converged: boolean;
}

/** Seeded multistart solver for N points on S^(d−1). */
export function thomson(count: number, d: number, options: ThomsonOptions = {}): ThomsonResult {
  checkInt("count", count, 1, 100000);
  checkInt("d", d, 1, 100000);
  const seed = checkInt("seed", options.seed ?? 0, 0, 0xffffffff);
  // Big problems (no Newton phase, O(N²d) per energy) get 2 starts unless told otherwise.
  const starts = checkInt("starts", options.starts ?? (count * Math.max(d - 1, 1) <= 600 ? 8 : 2), 1, 1 << 20);
  const tolerance = checkNumber("tolerance", options.tolerance ?? 1e-10, 0);
  const maxIterations = checkInt("maxIterations", options.maxIterations ?? 20000, 0);
  if (d === 1 && count > 2) throw new TegumError(`S^0 holds at most 2 distinct points, got count ${count}`, "count");
  const u = uniformSource(seed);
  let best: RunResult | null = null;
  const energies: number[] = [];
  for (let s = 0; s < starts; s++) {
    const x = new Float64Array(count * d);
    for (let i = 0; i < count; i++) randomUnit(u, d, x, i * d);
    let run: RunResult;
    if (d === 1) {
      for (let i = 0; i < count; i++) x[i] = i === 0 ? 1 : -1;
      run = { x, energy: energyPM(x, 1, count), gradientNorm: 0, iterations: 0 };
    } else {
      run = optimise(x, d, count, tolerance, maxIterations);
    }
    energies.push(run.energy);
    if (best === null || run.energy < best.energy) best = run;
  }
  const b = best!;
  const points = new Float64Array(d * count);
  for (let i = 0; i < count; i++) for (let p = 0; p < d; p++) points[p * count + i] = b.x[i * d + p];
  const hits = energies.filter((e) => Math.abs(e - b.energy) <= 1e-9 * Math.max(1, Math.abs(b.energy))).length;
  return {
    points,
    d,
    count,
    energy: b.energy,
    gradientNorm: b.gradientNorm,
    iterations: b.iterations,
    energies,
    hits,
    converged: b.gradientNorm <= tolerance,
  };
}

export interface ThomsonComparison {
  features: number[];
  count: number;
  /** Rank of the factor: the sphere is S^(rank−1). */
  rank: number;
  /** Energy of the normalised feature directions. */
  energy: number;
  /** The solver's optimum for `count` points on S^(rank−1). */
  optimum: number;
  /** energy − optimum (≥ 0 up to the solver's tolerance). */
  excess: number;
  /** excess / optimum. */
  relativeExcess: number;
  solver: ThomsonResult;
}

/**
 * Compares the normalised directions of `features` of W (m×n) with the Thomson optimum of as many
 * points on the sphere of their span (rank from a pivoted basis at `rankTolerance`, default 1e-6).
 */
export function compareThomson(
  w: Weights,
  m: number,
  n: number,
  features: ArrayLike<number>,
  options: ThomsonOptions & { rankTolerance?: number } = {},
): ThomsonComparison {
  checkWeights(w, m, n);
  const list = Array.from(features);
  if (list.length < 2) throw new TegumError("features must hold at least 2 feature indices", "features");
  const pb = pivotedBasis(w, m, n, { columns: list, tolerance: options.rankTolerance ?? 1e-6, deadTolerance: 0 });
  if (pb.loops.length > 0) throw new TegumError(`features ${pb.loops.join(", ")} are zero vectors`, "features");
  const k = list.length;
  const r = pb.rank;
  // Coordinates in the span, normalised.
  const x = new Float64Array(r * k);
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let l = 0; l < r; l++) s += pb.coordinates[l * k + c] * pb.coordinates[l * k + c];
    const len = Math.sqrt(s);
    for (let l = 0; l < r; l++) x[l * k + c] = pb.coordinates[l * k + c] / len;
  }
  const energy = thomsonEnergy(x, r, k);
  const solver = thomson(k, r, options);
  const excess = energy - solver.energy;
  return { features: list, count: k, rank: r, energy, optimum: solver.energy, excess, relativeExcess: excess / solver.energy, solver };
}
