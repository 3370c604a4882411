// Loss decomposition of the toy model (TMS; the seed talk; REFERENCE §1, §3).
//
// Data: each feature present independently with probability p = 1 − S (the density), a present
// feature's value uniform on [0, 1). Losses here are expected per-sample losses **summed over features**,
// Σ_i I_i E[(x_i − x'_i)²] — the training loss (a mean over features) is this divided by n.
//
// Linear model x' = WᵀW x (+ b):
//   L ∼ Σ_i I_i (1 − ‖W_i‖²)² + Σ_{i≠j} I_j (W_j·W_i)²      (feature benefit vs interference)
//   which is (3/p)·E[loss] to first order in p when b = 0; `linearExpectedLoss` gives the exact E[loss]:
//   with c_ij = δ_ij − G_ij, E = Σ_i I_i [σ² Σ_j c_ij² + (μ Σ_j c_ij − b_i)²], μ = p/2, σ² = p/3 − p²/4.
//
// ReLU model x' = ReLU(WᵀW x + b): L = Σ_k p^k (1−p)^(n−k) L_k, L_k = Σ_{|S|=k} (loss given exactly S
// present), so
//   L_0 = Σ_i I_i ReLU(b_i)²
//   L_1 = Σ_i ∫₀¹ I_i (x − ReLU(‖W_i‖² x + b_i))² dx + Σ_{i≠j} ∫₀¹ I_j ReLU(W_j·W_i x + b_j)² dx,
// in closed form (each integrand is a quadratic on the interval where the ReLU is on). L_k for larger k
// is computed exactly too (`reluLossTerm`, k ≤ 5): the integral of a piecewise quadratic over the cube
// [0,1]^k with one kink hyperplane is piecewise polynomial in each variable between the points where the
// kink crosses a vertex of the remaining sub-cube, so nested 4-point Gauss–Legendre on those pieces is
// exact (degree ≤ 2 + k − 1 ≤ 7). `reluLossMonteCarlo` estimates L (or one L_k) with its standard error
// from a seeded generator, to validate all of these.
import { TegumError, checkInt, checkNumber } from "./errors.js";
import { powInt } from "./math.js";
import { type Weights, checkFeatureVector, checkWeights } from "./metrics.js";
import { hash2, mix32, word } from "./rng.js";

export interface LossOptions {
  /** Bias b (length n). Default 0. */
  b?: ArrayLike<number>;
  /** Feature importance I (a number for all features, or length n). Default 1. */
  importance?: number | ArrayLike<number>;
}

export interface DensityOptions extends LossOptions {
  /** Probability p = 1 − S that a feature is present, in [0, 1]. */
  density: number;
}

function gram64Of(w: Weights, m: number, n: number): Float64Array {
  const g = new Float64Array(n * n);
  for (let p = 0; p < m; p++) {
    const o = p * n;
    for (let i = 0; i < n; i++) {
      const a = w[o + i];
      if (a === 0) continue;
      for (let j = i; j < n; j++) g[i * n + j] += a * w[o + j];
    }
  }
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) g[j * n + i] = g[i * n + j];
  return g;
}

function prepare(w: Weights, m: number, n: number, o: LossOptions): { g: Float64Array; b: Float64Array; imp: Float64Array } {
  checkWeights(w, m, n);
  checkFeatureVector("b", o.b, n);
  const imp = new Float64Array(n);
  if (o.importance === undefined) imp.fill(1);
  else if (typeof o.importance === "number") imp.fill(checkNumber("importance", o.importance, 0));
  else {
    checkFeatureVector("importance", o.importance, n);
    for (let i = 0; i < n; i++) imp[i] = checkNumber("importance[]", o.importance[i], 0);
  }
  const b = new Float64Array(n);
  if (o.b !== undefined) for (let i = 0; i < n; i++) b[i] = o.b[i];
  return { g: gram64Of(w, m, n), b, imp };
}

function density(o: DensityOptions): number {
  if (o === null || typeof o !== "object" || o.density === undefined) throw new TegumError("density (feature probability p = 1 − S) is required", "density");
  return checkNumber("density", o.density, 0, 1);
}

// --- linear model ------------------------------------------------------------------------------------

export interface LinearLossTerms {
  /** Σ_i I_i (1 − ‖W_i‖²)². */
  featureBenefit: number;
  /** Σ_{i≠j} I_j (W_j·W_i)². */
  interference: number;
  total: number;
  /** Per output feature i: I_i (1 − ‖W_i‖²)². */
  benefitPerFeature: Float64Array;
  /** Per output feature j: I_j Σ_{i≠j} (W_j·W_i)². */
  interferencePerFeature: Float64Array;
}

/** The linear model's feature-benefit and interference terms. */
export function linearLossTerms(w: Weights, m: number, n: number, options: Omit<LossOptions, "b"> = {}): LinearLossTerms {
  const { g, imp } = prepare(w, m, n, options);
  const benefitPerFeature = new Float64Array(n);
  const interferencePerFeature = new Float64Array(n);
  let featureBenefit = 0, interference = 0;
  for (let j = 0; j < n; j++) {
    const d = 1 - g[j * n + j];
    benefitPerFeature[j] = imp[j] * d * d;
    let s = 0;
    for (let i = 0; i < n; i++) if (i !== j) s += g[j * n + i] * g[j * n + i];
    interferencePerFeature[j] = imp[j] * s;
    featureBenefit += benefitPerFeature[j];
    interference += interferencePerFeature[j];
  }
  return { featureBenefit, interference, total: featureBenefit + interference, benefitPerFeature, interferencePerFeature };
}

/** Exact expected loss (summed over features) of the linear model x' = WᵀW x + b. */
export function linearExpectedLoss(w: Weights, m: number, n: number, options: DensityOptions): number {
  const p = density(options);
  const { g, b, imp } = prepare(w, m, n, options);
  const mu = p / 2;
  const var_ = p / 3 - (p * p) / 4;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let s2 = 0, s1 = 0;
    for (let j = 0; j < n; j++) {
      const c = (i === j ? 1 : 0) - g[i * n + j];
      s2 += c * c;
      s1 += c;
    }
    const mean = mu * s1 - b[i];
    total += imp[i] * (var_ * s2 + mean * mean);
  }
  return total;
}

// --- ReLU model: closed forms --------------------------------------------------------------------------

/** The interval of [0, 1] where a·x + b > 0, or null. */
function onInterval(a: number, b: number): [number, number] | null {
  if (a === 0) return b > 0 ? [0, 1] : null;
  const root = -b / a;
  if (a > 0) return root < 1 ? [Math.max(0, root), 1] : null;
  return root > 0 ? [0, Math.min(1, root)] : null;
}

/** ∫_l^h (αx + β)² dx. */
function quadInt(alpha: number, beta: number, l: number, h: number): number {
  return (alpha * alpha * (h * h * h - l * l * l)) / 3 + alpha * beta * (h * h - l * l) + beta * beta * (h - l);
}

/** ∫₀¹ (x − ReLU(a x + b))² dx. */
export function selfTermIntegral(a: number, b: number): number {
  const iv = onInterval(a, b);
  if (iv === null) return 1 / 3;
  const [l, h] = iv;
  return 1 / 3 - quadInt(1, 0, l, h) + quadInt(1 - a, -b, l, h);
}

/** ∫₀¹ ReLU(c x + d)² dx. */
export function crossTermIntegral(c: number, d: number): number {
  const iv = onInterval(c, d);
  return iv === null ? 0 : quadInt(c, d, iv[0], iv[1]);
}

export interface ReluLossTerms {
  /** L_0 = Σ_i I_i ReLU(b_i)². */
  l0: number;
  /** L_1 = l1Benefit + l1Interference. */
  l1: number;
  /** Σ_i ∫ I_i (x − ReLU(‖W_i‖² x + b_i))². */
  l1Benefit: number;
  /** Σ_{i≠j} ∫ I_j ReLU(W_j·W_i x + b_j)². */
  l1Interference: number;
  /** Per present feature i: its 1-sparse loss (benefit plus the interference it causes). */
  l1PerFeature: Float64Array;
  /** With a density p: the weights (1−p)^n and p(1−p)^(n−1) of L_0 and L_1. */
  weight0?: number;
  weight1?: number;
  /** weight0·L_0 + weight1·L_1: the loss with the ≥ 2-sparse inputs left out. */
  truncated?: number;
  /** Probability of the inputs left out (≥ 2 features present). */
  remainderMass?: number;
}

/** The ReLU model's sparsity expansion: exact L_0 and the closed-form L_1 (and their weights given p). */
export function reluLossTerms(w: Weights, m: number, n: number, options: LossOptions & { density?: number } = {}): ReluLossTerms {
  const { g, b, imp } = prepare(w, m, n, options);
  let l0 = 0;
  for (let i = 0; i < n; i++) if (b[i] > 0) l0 += imp[i] * b[i] * b[i];
  let benefit = 0, interference = 0;
  const per = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const self = imp[i] * selfTermIntegral(g[i * n + i], b[i]);
    let cross = 0;
    for (let j = 0; j < n; j++) if (j !== i) cross += imp[j] * crossTermIntegral(g[j * n + i], b[j]);
    benefit += self;
    interference += cross;
    per[i] = self + cross;
  }
  const out: ReluLossTerms = { l0, l1: benefit + interference, l1Benefit: benefit, l1Interference: interference, l1PerFeature: per };
  if (options.density !== undefined) {
    const p = checkNumber("density", options.density, 0, 1);
    const q = 1 - p;
    out.weight0 = powInt(q, n);
    out.weight1 = n === 0 ? 0 : p * powInt(q, n - 1);
    out.truncated = out.weight0 * l0 + out.weight1 * out.l1;
    out.remainderMass = Math.max(0, 1 - out.weight0 - n * out.weight1);
  }
  return out;
}

// --- ReLU model: exact L_k by piecewise-exact quadrature --------------------------------------------

const GL_X = [-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526];
const GL_W = [0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538];

/** E over x ∈ U[0,1]^k of (x_t − ReLU(a·x + beta))² (t = −1: no x_t term). Exact up to rounding. */
function cubeExpectation(a: number[], beta: number, t: number): number {
  const k = a.length;
  const rec = (l: number, s: number, lin: number): number => {
    if (l === k) {
      const v = lin - (s > 0 ? s : 0);
      return v * v;
    }
    const al = a[l];
    const cuts: number[] = [0, 1];
    if (al !== 0) {
      const rest = k - l - 1;
      for (let mask = 0; mask < 1 << rest; mask++) {
        let c = s;
        for (let j = 0; j < rest; j++) if (mask & (1 << j)) c += a[l + 1 + j];
        const x = -c / al;
        if (x > 0 && x < 1) cuts.push(x);
      }
      cuts.sort((u, v) => u - v);
    }
    let total = 0;
    for (let c = 0; c + 1 < cuts.length; c++) {
      const lo = cuts[c], hi = cuts[c + 1];
      if (hi <= lo) continue;
      const half = (hi - lo) / 2, mid = (hi + lo) / 2;
      let piece = 0;
      for (let q = 0; q < 4; q++) {
        const x = mid + half * GL_X[q];
        piece += GL_W[q] * rec(l + 1, s + al * x, l === t ? lin + x : lin);
      }
      total += piece * half;
    }
    return total;
  };
  return rec(0, beta, 0);
}

function lossGivenSubset(g: Float64Array, b: Float64Array, imp: Float64Array, n: number, subset: number[]): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (imp[i] === 0) continue;
    const a = subset.map((j) => g[i * n + j]);
    total += imp[i] * cubeExpectation(a, b[i], subset.indexOf(i));
  }
  return total;
}

function forEachSubset(n: number, k: number, fn: (s: number[]) => void): void {
  const s = Array.from({ length: k }, (_, i) => i);
  if (k > n) return;
  for (;;) {
    fn(s);
    let i = k - 1;
    while (i >= 0 && s[i] === n - k + i) i--;
    if (i < 0) return;
    s[i]++;
    for (let j = i + 1; j < k; j++) s[j] = s[j - 1] + 1;
  }
}

/** Exact L_k = Σ_{|S|=k} (expected loss given exactly the features S present), k ≤ 5. */
export function reluLossTerm(w: Weights, m: number, n: number, k: number, options: LossOptions = {}): number {
  checkInt("k", k, 0, Math.min(n, 5));
  const { g, b, imp } = prepare(w, m, n, options);
  let total = 0;
  forEachSubset(n, k, (s) => (total += lossGivenSubset(g, b, imp, n, s)));
  return total;
}

/** Exact expected loss Σ_k p^k (1−p)^(n−k) L_k of the ReLU model, for n ≤ 5. */
export function reluExpectedLoss(w: Weights, m: number, n: number, options: DensityOptions): number {
  const p = density(options);
  checkInt("n", n, 1, 5);
  const { g, b, imp } = prepare(w, m, n, options);
  let total = 0;
  for (let k = 0; k <= n; k++) {
    const weight = powInt(p, k) * powInt(1 - p, n - k);
    if (weight === 0) continue;
    let lk = 0;
    forEachSubset(n, k, (s) => (lk += lossGivenSubset(g, b, imp, n, s)));
    total += weight * lk;
  }
  return total;
}

// --- Monte Carlo --------------------------------------------------------------------------------------

/** Uniform [0, 1) with 53 bits from the counter-based hash of src/rng.ts (one stream per seed). */
function uniformSource(seed: number): () => number {
  const key = hash2(mix32(seed ^ 0x1055e5), 0x6d63);
  let c = 0;
  return () => {
    const row = hash2(key, c++);
    return ((word(row, 0) >>> 5) * 67108864 + (word(row, 1) >>> 6)) / 9007199254740992;
  };
}

export interface MonteCarloOptions extends LossOptions {
  /** Feature probability p (required unless `k` is given). */
  density?: number;
  /** Estimate L_k (k features present, a uniformly random k-subset) instead of the full loss. */
  k?: number;
  /** Number of samples. Default 100000. */
  samples?: number;
  /** Seed of the deterministic generator. Default 0. */
  seed?: number;
}

export interface MonteCarloEstimate {
  mean: number;
  /** Standard error of the mean (sample standard deviation / √samples). */
  standardError: number;
  samples: number;
}

/** Monte-Carlo estimate of the ReLU model's expected loss (summed over features), or of one L_k. */
export function reluLossMonteCarlo(w: Weights, m: number, n: number, options: MonteCarloOptions): MonteCarloEstimate {
  if (options === null || typeof options !== "object") throw new TegumError("options with density or k are required", "options");
  const samples = checkInt("samples", options.samples ?? 100000, 2, 1e9);
  const seed = checkInt("seed", options.seed ?? 0, 0, 0xffffffff);
  const k = options.k === undefined ? -1 : checkInt("k", options.k, 0, n);
  const p = k < 0 ? density(options as DensityOptions) : 0;
  const { g, b, imp } = prepare(w, m, n, options);
  const u = uniformSource(seed);
  const present: number[] = [];
  const xs: number[] = [];
  const perm = Array.from({ length: n }, (_, i) => i);
  let scale = 1;
  if (k >= 0) for (let i = 0; i < k; i++) scale = (scale * (n - i)) / (i + 1); // C(n, k)
  let mean = 0, m2 = 0;
  for (let s = 0; s < samples; s++) {
    present.length = 0;
    xs.length = 0;
    if (k < 0) {
      for (let j = 0; j < n; j++) {
        if (u() < p) {
          present.push(j);
          xs.push(u());
        }
      }
    } else {
      for (let i = 0; i < k; i++) {
        const r = i + Math.floor(u() * (n - i));
        const t = perm[i]; perm[i] = perm[r]; perm[r] = t;
        present.push(perm[i]);
        xs.push(u());
      }
    }
    let loss = 0;
    for (let i = 0; i < n; i++) {
      let out = b[i];
      let xi = 0;
      for (let t = 0; t < present.length; t++) {
        const j = present[t];
        out += g[i * n + j] * xs[t];
        if (j === i) xi = xs[t];
      }
      const e = xi - (out > 0 ? out : 0);
      loss += imp[i] * e * e;
    }
    loss *= scale;
    const delta = loss - mean;
    mean += delta / (s + 1);
    m2 += delta * (loss - mean);
  }
  return { mean, standardError: Math.sqrt(m2 / (samples - 1) / samples), samples };
}
