// Training configuration: the user-facing `TrainConfig`, its validation (before any work, every
// problem a TegumError naming the parameter) and the normalised, JSON-serialisable form the engine,
// the workers and saved states use; plus the per-instance sampling tables of the kernel.
import { checkInt, checkNumber, TegumError } from "./errors.js";
import { PHI } from "./rng.js";

export type ModelKind = "relu-output" | "linear" | "relu-hidden" | "abs";
export type ScheduleKind = "constant" | "linear" | "cosine";
/** A number, or a vector of numbers. */
export type Vec = ArrayLike<number>;

export interface TrainConfig {
  /** Features. */
  n: number;
  /** Hidden dimensions. */
  m: number;
  /**
   * `relu-output` (default): ReLU(WᵀWx + b). `linear`: WᵀWx + b. `relu-hidden`: ReLU(Wᵀ ReLU(Wx) + b).
   * `abs`: untied ReLU(W2 ReLU(W1 x) + b) on inputs U[−1, 1) with target |x|.
   */
  model?: ModelKind;
  /** Instances trained side by side (default: the length of a per-instance `p`/`importance`, else 1). */
  instances?: number;
  /**
   * Feature probability (1 − sparsity): one number for everything; a vector = one number per
   * instance (e.g. `sweeps.falloff(I, 20)`); or a list of per-instance entries, each a number or a
   * per-feature vector. Default 1.
   */
  p?: number | Vec | readonly (number | Vec)[];
  /** Importance: one number; a vector = per feature (e.g. `sweeps.geometric(n, 0.9)`); or per-instance vectors. Default 1. */
  importance?: number | Vec | readonly Vec[];
  /** Sets of features sharing one presence draw (equal p within a set). */
  correlated?: readonly (readonly number[])[];
  /** Sets of features of which at most one is present, each with its exact marginal p (Σp ≤ 1 per set). */
  anticorrelated?: readonly (readonly number[])[];
  /** Rows per step (default 1024). */
  batch?: number;
  /** Total steps, and the horizon of the lr schedule (default 10 000). */
  steps?: number;
  /** Learning rate (default 1e-3). */
  lr?: number;
  /** `constant` (default), `linear` (1 − step/steps) or `cosine` (cos(0.5π·step/(steps−1))). */
  schedule?: ScheduleKind;
  /** Linear warmup steps (default 0): lr·(step+1)/warmup while step < warmup. */
  warmup?: number;
  /** `adamw` (default; torch AdamW) or `adam` (torch Adam; weight decay there is L2 on the gradient). */
  optimizer?: "adamw" | "adam";
  /** Default 0.01 for AdamW (torch's default, as OFF), 0 for Adam. */
  weightDecay?: number;
  /** Default [0.9, 0.999]. */
  betas?: readonly [number, number];
  /** Default 1e-8. */
  eps?: number;
  /** `xavier` (default): per-instance N(0, 2/(n+m)); `torch`: OFF's fans over the 3-D tensor, N(0, 2/(m(n+I))). */
  init?: "xavier" | "torch";
  /** Unsigned 32-bit seed (default 0). */
  seed?: number;
  /** Best-of-N: replicas per instance; the lowest final loss is kept (default 1). */
  seeds?: number;
  /** Record W and b every K steps, step 0 included (default 0: off). */
  snapshotEvery?: number;
  /** At most this many snapshots; on reaching it every other one is dropped and K doubles (default 256). */
  maxSnapshots?: number;
}

/** The validated, complete configuration (plain JSON). */
export interface NormalizedConfig {
  n: number;
  m: number;
  model: ModelKind;
  instances: number;
  /** instances × n */
  p: number[][];
  /** instances × n */
  importance: number[][];
  correlated: number[][];
  anticorrelated: number[][];
  batch: number;
  steps: number;
  lr: number;
  schedule: ScheduleKind;
  warmup: number;
  optimizer: "adamw" | "adam";
  weightDecay: number;
  beta1: number;
  beta2: number;
  eps: number;
  init: "xavier" | "torch";
  seed: number;
  seeds: number;
  snapshotEvery: number;
  maxSnapshots: number;
}

const MODELS: readonly ModelKind[] = ["relu-output", "linear", "relu-hidden", "abs"];
const KEYS = new Set([
  "n", "m", "model", "instances", "p", "importance", "correlated", "anticorrelated", "batch", "steps", "lr", "schedule",
  "warmup", "optimizer", "weightDecay", "betas", "eps", "init", "seed", "seeds", "snapshotEvery", "maxSnapshots",
]);
/** Largest B·n: the kernel's f32 count B·n must be exact and row·n + f must fit 31 bits. */
const MAX_ROW_FEATURES = 1 << 24;
/** Largest weight count per instance (~13 f32 copies of it live in wasm memory while training). */
const MAX_WEIGHTS = 1 << 22;
/** Largest total loss history (f32 per run per step). */
const MAX_LOSSES = 1 << 28;

function isVec(x: unknown): x is Vec {
  return (Array.isArray(x) || ArrayBuffer.isView(x)) && !(x instanceof DataView);
}

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) {
    throw new TegumError(`${name} must be one of ${allowed.map((a) => `"${a}"`).join(", ")}, got ${JSON.stringify(value)}`, name);
  }
  return value as T;
}

/** A finite number in [min, max]; the error names the config key `param` (and the element, `label`). */
function num(param: string, label: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    throw new TegumError(`${label} must be a finite number in [${min}, ${max}], got ${String(value)}`, param);
  }
  return value;
}

function vector(param: string, label: string, v: Vec, n: number, min: number, max: number): number[] {
  if (v.length !== n) throw new TegumError(`${label} must have ${n} entries (one per feature), got ${v.length}`, param);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(num(param, `${label}[${i}]`, v[i], min, max));
  return out;
}

/** Instance count implied by a per-instance p / importance, or undefined. */
function impliedInstances(p: TrainConfig["p"], importance: TrainConfig["importance"]): number | undefined {
  if (isVec(p)) return p.length;
  if (Array.isArray(importance) && importance.length > 0 && isVec(importance[0])) return importance.length;
  return undefined;
}

function expandP(p: TrainConfig["p"], instances: number, n: number): number[][] {
  if (p === undefined) p = 1;
  if (typeof p === "number") {
    num("p", "p", p, 0, 1);
    return Array.from({ length: instances }, () => new Array<number>(n).fill(p as number));
  }
  if (!isVec(p)) throw new TegumError(`p must be a number, a per-instance vector, or a list of per-instance numbers/vectors`, "p");
  if (p.length !== instances) {
    throw new TegumError(`p has ${p.length} entries but there are ${instances} instances (a 1-D p is per instance)`, "p");
  }
  const out: number[][] = [];
  for (let i = 0; i < instances; i++) {
    const e = (p as ArrayLike<unknown>)[i];
    if (typeof e === "number") out.push(new Array<number>(n).fill(num("p", `p[${i}]`, e, 0, 1)));
    else if (isVec(e)) out.push(vector("p", `p[${i}]`, e, n, 0, 1));
    else throw new TegumError(`p[${i}] must be a number or a per-feature vector`, "p");
  }
  return out;
}

function expandImportance(imp: TrainConfig["importance"], instances: number, n: number): number[][] {
  if (imp === undefined) imp = 1;
  if (typeof imp === "number") {
    num("importance", "importance", imp, 0, 1e30);
    return Array.from({ length: instances }, () => new Array<number>(n).fill(imp as number));
  }
  if (!isVec(imp)) throw new TegumError(`importance must be a number, a per-feature vector or per-instance vectors`, "importance");
  if (imp.length > 0 && isVec((imp as ArrayLike<unknown>)[0])) {
    if (imp.length !== instances) {
      throw new TegumError(`importance has ${imp.length} per-instance vectors but there are ${instances} instances`, "importance");
    }
    return Array.from({ length: instances }, (_, i) => {
      const e = (imp as ArrayLike<unknown>)[i];
      if (!isVec(e)) throw new TegumError(`importance[${i}] must be a per-feature vector`, "importance");
      return vector("importance", `importance[${i}]`, e, n, 0, 1e30);
    });
  }
  const v = vector("importance", "importance", imp as Vec, n, 0, 1e30);
  return Array.from({ length: instances }, () => v.slice());
}

function checkSets(name: string, sets: unknown, n: number, used: Set<number>): number[][] {
  if (sets === undefined) return [];
  if (!Array.isArray(sets)) throw new TegumError(`${name} must be a list of feature-index sets, e.g. [[0, 1], [2, 3]]`, name);
  return sets.map((set, s) => {
    if (!Array.isArray(set) || set.length < 2) throw new TegumError(`${name}[${s}] must list at least 2 feature indices`, name);
    const out = set.map((f) => {
      if (!Number.isInteger(f) || f < 0 || f >= n) throw new TegumError(`${name}[${s}] entries must be feature indices in [0, ${n - 1}], got ${String(f)}`, name);
      return f as number;
    }).sort((a, b) => a - b);
    for (const f of out) {
      if (used.has(f)) throw new TegumError(`feature ${f} appears in more than one correlated/anticorrelated set`, name);
      used.add(f);
    }
    return out;
  });
}

/** Validates a TrainConfig (throwing a TegumError that names the parameter) and fills in the defaults. */
export function normalizeConfig(c: TrainConfig): NormalizedConfig {
  if (typeof c !== "object" || c === null) throw new TegumError("config must be an object", "config");
  for (const k of Object.keys(c)) if (!KEYS.has(k)) throw new TegumError(`unknown config key "${k}"`, k);
  const n = checkInt("n", c.n, 1, 1 << 16);
  const m = checkInt("m", c.m, 1, 1 << 12);
  const model = oneOf("model", c.model, MODELS, "relu-output");
  const implied = impliedInstances(c.p, c.importance);
  const instances = checkInt("instances", c.instances ?? implied ?? 1, 1, 1 << 16);
  const p = expandP(c.p, instances, n);
  const importance = expandImportance(c.importance, instances, n);
  const used = new Set<number>();
  const correlated = checkSets("correlated", c.correlated, n, used);
  const anticorrelated = checkSets("anticorrelated", c.anticorrelated, n, used);
  for (let i = 0; i < instances; i++) {
    for (const set of correlated) {
      if (set.some((f) => p[i][f] !== p[i][set[0]])) {
        throw new TegumError(`instance ${i}: correlated set [${set}] needs one p for all its features`, "p");
      }
    }
    for (const set of anticorrelated) {
      const sum = set.reduce((s, f) => s + p[i][f], 0);
      if (sum > 1 + 1e-12) {
        throw new TegumError(
          `instance ${i}: anticorrelated set [${set}] keeps exact marginals only if Σp ≤ 1 (p ≤ ${1 / set.length} each), got Σp = ${sum}`,
          "p",
        );
      }
    }
  }
  const batch = checkInt("batch", c.batch ?? 1024, 1, MAX_ROW_FEATURES);
  if (batch * n > MAX_ROW_FEATURES) {
    throw new TegumError(`batch·n must be at most ${MAX_ROW_FEATURES}, got ${batch}·${n} = ${batch * n}`, "batch");
  }
  const steps = checkInt("steps", c.steps ?? 10_000, 1, 2 ** 31 - 1);
  const lr = checkNumber("lr", c.lr ?? 1e-3, Number.MIN_VALUE, 1e6);
  const schedule = oneOf("schedule", c.schedule, ["constant", "linear", "cosine"] as const, "constant");
  const warmup = checkInt("warmup", c.warmup ?? 0, 0, steps);
  const optimizer = oneOf("optimizer", c.optimizer, ["adamw", "adam"] as const, "adamw");
  const weightDecay = checkNumber("weightDecay", c.weightDecay ?? (optimizer === "adamw" ? 0.01 : 0), 0, 1e6);
  const betas = c.betas ?? [0.9, 0.999];
  if (!isVec(betas) || betas.length !== 2) throw new TegumError("betas must be a pair [β1, β2]", "betas");
  const beta1 = num("betas", "betas[0]", betas[0], 0, 0.9999999999);
  const beta2 = num("betas", "betas[1]", betas[1], 0, 0.9999999999);
  const eps = checkNumber("eps", c.eps ?? 1e-8, Number.MIN_VALUE, 1);
  const init = oneOf("init", c.init, ["xavier", "torch"] as const, "xavier");
  const seed = checkInt("seed", c.seed ?? 0, 0, 0xffffffff);
  const seeds = checkInt("seeds", c.seeds ?? 1, 1, 1 << 16);
  // Memory: weights per run (the kernel keeps ~13 f32 copies: W, moments, gradient lane copies), and
  // the loss history of every run.
  const weights = n * m * (model === "abs" ? 2 : 1);
  if (weights > MAX_WEIGHTS) {
    throw new TegumError(`n·m must be at most ${MAX_WEIGHTS} weights per instance (${model === "abs" ? "W1 and W2: " : ""}got ${weights})`, "n");
  }
  if (instances * seeds > 1 << 16) throw new TegumError(`instances·seeds must be at most 65536, got ${instances * seeds}`, "seeds");
  if (instances * seeds * steps > MAX_LOSSES) {
    throw new TegumError(`instances·seeds·steps must be at most ${MAX_LOSSES} (the loss history), got ${instances * seeds * steps}`, "steps");
  }
  const snapshotEvery = checkInt("snapshotEvery", c.snapshotEvery ?? 0, 0, steps);
  const maxSnapshots = checkInt("maxSnapshots", c.maxSnapshots ?? 256, 2, 1 << 20);
  return {
    n, m, model, instances, p, importance, correlated, anticorrelated, batch, steps, lr, schedule, warmup, optimizer,
    weightDecay, beta1, beta2, eps, init, seed, seeds, snapshotEvery, maxSnapshots,
  };
}

/** Re-validates a normalised configuration (e.g. from a deserialised state) and returns it normalised again. */
export function checkNormalized(cfg: NormalizedConfig): NormalizedConfig {
  if (typeof cfg !== "object" || cfg === null) throw new TegumError("state.config must be an object", "state");
  return normalizeConfig(toTrainConfig(cfg));
}

/** The TrainConfig of a normalised configuration (normalising it again gives the same). */
export function toTrainConfig(cfg: NormalizedConfig): TrainConfig {
  const { beta1, beta2, ...rest } = cfg;
  return { ...rest, betas: [beta1, beta2] };
}

export const roundUp4 = (x: number): number => (x + 3) & ~3;

/**
 * Per-feature sampling tables of one instance, padded to np = roundUp4(n) (padding: never present).
 * `lo` and `width` are stored biased by 2^31 (lo + 2^31 mod 2^32, width − 2^31 as i32), so that the
 * kernel's test (P − lo) <u width is the signed comparison i32(P − loB) < widthB.
 */
export interface SamplingTables {
  imp: Float32Array;
  lo: Uint32Array;
  width: Int32Array;
  always: Int32Array;
  /** leader(f)·φ mod 2^32: the presence-word counter (a set's features share their leader's). */
  lead: Uint32Array;
  /** f·φ mod 2^32: the value-word counter (features in a correlated or anticorrelated set). */
  feat: Uint32Array;
  /**
   * −1: an independent feature, whose value comes from its presence word P itself (P <u width_f iff
   * present, so P is uniform on [0, width_f) given presence); 0: a feature of a set (value word V).
   * Padding: −1 (never present).
   */
  own: Int32Array;
  /** The value's scale: f32(2/width_f) for independent features (width 2^32 if always), else 2^-31. */
  vscale: Float32Array;
}

const TWO32 = 4294967296;
const threshold = (x: number): number => Math.min(TWO32, Math.max(0, Math.round(x * TWO32)));

/**
 * Feature f is present iff (P − lo_f) mod 2^32 < width_f (unsigned) or always_f, with P the presence
 * word of its leader: independent features and correlated sets use [0, round(p·2^32)); an
 * anticorrelated set splits one draw into consecutive intervals [round(c_t·2^32), round(c_{t+1}·2^32))
 * with c_t the cumulative p of the set's earlier features — mutually exclusive, marginals exact to 2^-32.
 */
export function samplingTables(cfg: NormalizedConfig, instance: number): SamplingTables {
  const { n } = cfg;
  const np = roundUp4(n);
  const t: SamplingTables = {
    imp: new Float32Array(np),
    lo: new Uint32Array(np),
    width: new Int32Array(np).fill(-0x80000000),
    always: new Int32Array(np),
    lead: new Uint32Array(np),
    feat: new Uint32Array(np),
    own: new Int32Array(np).fill(-1),
    vscale: new Float32Array(np),
  };
  t.lo.fill(0x80000000);
  const p = cfg.p[instance];
  const setInterval = (f: number, lo: number, hi: number) => {
    const w = hi - lo;
    if (w >= TWO32) {
      t.always[f] = -1;
      t.lo[f] = 0x80000000;
      t.width[f] = -0x80000000;
    } else {
      t.always[f] = 0;
      t.lo[f] = (lo + 0x80000000) >>> 0;
      t.width[f] = (w - 0x80000000) | 0;
    }
  };
  for (let f = 0; f < n; f++) {
    t.imp[f] = cfg.importance[instance][f];
    t.feat[f] = Math.imul(f, PHI) >>> 0;
    t.lead[f] = t.feat[f];
    const w = threshold(p[f]);
    setInterval(f, 0, w);
    t.vscale[f] = w > 0 ? 2 / w : 0;
  }
  const inSet = (f: number) => {
    t.own[f] = 0;
    t.vscale[f] = 2 / TWO32;
  };
  for (const set of cfg.correlated) {
    for (const f of set) {
      t.lead[f] = Math.imul(set[0], PHI) >>> 0;
      inSet(f);
    }
  }
  for (const set of cfg.anticorrelated) {
    let cum = 0;
    for (const f of set) {
      t.lead[f] = Math.imul(set[0], PHI) >>> 0;
      inSet(f);
      setInterval(f, threshold(cum), threshold(cum + p[f]));
      cum += p[f];
    }
  }
  return t;
}
