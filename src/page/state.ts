// The explorable page's settings: defaults, limits, the URL form (the whole state is in the query
// string, so a view can be shared), the TrainConfig they stand for, and the equivalent `tegum train`
// command. Pure: no DOM, no wasm (unit-tested in Node, used by app.ts and train.worker.ts).
import type { ModelKind, TrainConfig } from "../train-config.js";
import { falloff, geometric } from "../sweeps.js";

export interface Settings {
  /** Features. */
  n: number;
  /** Hidden dimensions. */
  m: number;
  model: ModelKind;
  /** Instances: 1 = one model at feature probability p; more = the sweep p = 1 … pMin (log-spaced). */
  instances: number;
  /** Feature probability 1 − S (one instance), or the sparsest end of the sweep. */
  p: number;
  /** Importance decay r: feature i has importance r^i. */
  decay: number;
  /** Correlated sets, "0:1,2:3" (the CLI's syntax). */
  correlated: string;
  /** Anticorrelated sets, "0:1,2:3". */
  anticorrelated: string;
  seed: number;
  /** Best of N seeds per instance. */
  seeds: number;
  steps: number;
  /** The instance shown in detail. */
  view: number;
}

export const MODELS: readonly { value: ModelKind; label: string; formula: string }[] = [
  { value: "relu-output", label: "ReLU output", formula: "x′ = ReLU(WᵀWx + b), the paper's model" },
  { value: "linear", label: "linear", formula: "x′ = WᵀWx + b: no superposition, only the m most important features" },
  { value: "relu-hidden", label: "ReLU hidden", formula: "x′ = ReLU(Wᵀ ReLU(Wx) + b)" },
  { value: "abs", label: "abs (untied)", formula: "x′ = ReLU(W₂ ReLU(W₁x) + b) on x ∈ [−1, 1), target |x|; shown: W₁" },
];

/**
 * The intro sweep of the paper (OFF): n = 5, m = 2, ten instances, p from 1 to 1/20, importance 0.9^i.
 * Seed 3 shows the textbook progression in one run (two dedicated features → antipodal pairs →
 * pentagons); training is seed-sensitive (the paper keeps the best of many seeds), and seed 0 leaves
 * the sparsest instance with two pairs and a half-learned fifth feature.
 */
export const DEFAULTS: Readonly<Settings> = {
  n: 5, m: 2, model: "relu-output", instances: 10, p: 0.05, decay: 0.9, correlated: "", anticorrelated: "",
  seed: 3, seeds: 1, steps: 10_000, view: 9,
};

export const LIMITS = {
  n: [1, 64],
  m: [1, 16],
  instances: [1, 20],
  p: [0.001, 1],
  decay: [0.5, 1],
  seed: [0, 0xffffffff],
  seeds: [1, 8],
  steps: [100, 100_000],
} as const;

/** The positions of the log slider for p: 1, 0.7, 0.5, 0.3, 0.2, 0.15, 0.1, 0.07, 0.05 … 0.001. */
export const P_STOPS: readonly number[] = (() => {
  const out: number[] = [];
  for (let e = 0; e >= -3; e--) {
    for (const k of [10, 7, 5, 3, 2, 1.5]) {
      const v = Number((k * 10 ** (e - 1)).toPrecision(3));
      if (v <= 1 && v >= LIMITS.p[0] && !out.includes(v)) out.push(v);
    }
  }
  return out.sort((a, b) => b - a);
})();

/** The slider stop closest to p on a log scale. */
export function nearestStop(p: number): number {
  let best = 0;
  for (let k = 1; k < P_STOPS.length; k++) {
    if (Math.abs(Math.log(P_STOPS[k] / p)) < Math.abs(Math.log(P_STOPS[best] / p))) best = k;
  }
  return best;
}

// ————— URL —————

/** Query-string keys, short so links stay readable. */
const KEYS: Record<keyof Settings, string> = {
  n: "n", m: "m", model: "model", instances: "I", p: "p", decay: "r", correlated: "corr", anticorrelated: "anti",
  seed: "seed", seeds: "best", steps: "steps", view: "view",
};

const clampInt = (v: number, [lo, hi]: readonly [number, number]) => Math.min(hi, Math.max(lo, Math.round(v)));
const clampNum = (v: number, [lo, hi]: readonly [number, number]) => Math.min(hi, Math.max(lo, v));

/** Settings brought into range (m ≤ n, view < instances, p and decay clamped). Returns a new object. */
export function clampSettings(s: Settings): Settings {
  const n = clampInt(s.n, LIMITS.n);
  const instances = clampInt(s.instances, LIMITS.instances);
  return {
    n,
    m: Math.min(n, clampInt(s.m, LIMITS.m)),
    model: MODELS.some((x) => x.value === s.model) ? s.model : DEFAULTS.model,
    instances,
    p: clampNum(s.p, LIMITS.p),
    decay: clampNum(s.decay, LIMITS.decay),
    correlated: s.correlated.trim(),
    anticorrelated: s.anticorrelated.trim(),
    seed: clampInt(s.seed, LIMITS.seed),
    seeds: clampInt(s.seeds, LIMITS.seeds),
    steps: clampInt(s.steps, LIMITS.steps),
    view: Math.min(instances - 1, Math.max(0, Math.round(s.view))),
  };
}

/** Settings from a query string; unknown keys are ignored and bad values fall back to the defaults (listed in `ignored`). */
export function fromQuery(query: string): { settings: Settings; ignored: string[] } {
  const q = new URLSearchParams(query);
  const s: Settings = { ...DEFAULTS };
  const ignored: string[] = [];
  const given = new Set<keyof Settings>();
  for (const [field, key] of Object.entries(KEYS) as [keyof Settings, string][]) {
    const raw = q.get(key);
    if (raw === null) continue;
    given.add(field);
    if (field === "model") {
      if (MODELS.some((x) => x.value === raw)) s.model = raw as ModelKind;
      else ignored.push(key);
    } else if (field === "correlated" || field === "anticorrelated") {
      if (parseSets(raw, Number.MAX_SAFE_INTEGER).error === null) s[field] = raw;
      else ignored.push(key);
    } else {
      const v = Number(raw);
      if (raw.trim() === "" || !Number.isFinite(v)) ignored.push(key);
      else s[field] = v;
    }
  }
  // A link that sets I but not view shows the sparsest instance, as the default does.
  if (!given.has("view")) s.view = s.instances - 1;
  const clamped = clampSettings(s);
  for (const [field, key] of Object.entries(KEYS) as [keyof Settings, string][]) {
    if (given.has(field) && !ignored.includes(key) && clamped[field] !== s[field] && field !== "correlated" && field !== "anticorrelated") ignored.push(`${key} (out of range)`);
  }
  return { settings: clamped, ignored };
}

/** The query string of the settings (every key, so a link keeps meaning the same if defaults change). */
export function toQuery(s: Settings): string {
  const q = new URLSearchParams();
  for (const [field, key] of Object.entries(KEYS) as [keyof Settings, string][]) q.set(key, String(s[field]));
  return q.toString().replace(/%3A/gi, ":").replace(/%2C/gi, ",");
}

// ————— the training configuration —————

/** Parses "0:1, 2:3:4" into [[0, 1], [2, 3, 4]]; features must be < n. */
export function parseSets(text: string, n: number): { sets: number[][]; error: string | null } {
  const t = text.trim();
  if (t === "") return { sets: [], error: null };
  const sets: number[][] = [];
  for (const part of t.split(/[,;\s]+/).filter((x) => x !== "")) {
    const items = part.split(":");
    if (items.length < 2 || items.some((x) => !/^\d+$/.test(x))) {
      return { sets: [], error: `"${part}" is not a set like 0:1 (feature indices joined by colons)` };
    }
    const set = items.map(Number);
    const bad = set.find((f) => f >= n);
    if (bad !== undefined) return { sets: [], error: `feature ${bad} does not exist (features are 0 … ${n - 1})` };
    if (new Set(set).size !== set.length) return { sets: [], error: `"${part}" repeats a feature` };
    sets.push(set);
  }
  return { sets, error: null };
}

/** The per-instance feature probabilities: [p] for one instance, else 20^(−linspace)-style from 1 to p. */
export function instanceP(s: Settings): number[] {
  if (s.instances === 1) return [s.p];
  return Array.from(falloff(s.instances, 1 / s.p));
}

/** The TrainConfig the settings stand for (validation is normalizeConfig's), or the set-syntax error. */
export function toConfig(s: Settings): { config: TrainConfig; error: null } | { config: null; error: { message: string; parameter: string } } {
  const corr = parseSets(s.correlated, s.n);
  if (corr.error) return { config: null, error: { message: `correlated: ${corr.error}`, parameter: "correlated" } };
  const anti = parseSets(s.anticorrelated, s.n);
  if (anti.error) return { config: null, error: { message: `anticorrelated: ${anti.error}`, parameter: "anticorrelated" } };
  const config: TrainConfig = {
    n: s.n,
    m: s.m,
    model: s.model,
    instances: s.instances,
    p: s.instances === 1 ? s.p : falloff(s.instances, 1 / s.p),
    importance: geometric(s.n, s.decay),
    steps: s.steps,
    seed: s.seed,
    seeds: s.seeds,
  };
  if (corr.sets.length) config.correlated = corr.sets;
  if (anti.sets.length) config.anticorrelated = anti.sets;
  return { config, error: null };
}

/** The number as the shortest decimal that reads back as the same double. */
const exact = (x: number) => String(x);

/**
 * The `tegum train` command that trains the same weights (and so prints the same digest): one
 * instance `--p p`; a sweep `--p-falloff B` with B = 1/pMin, i.e. p = B^(−linspace(0, 1, I)), as the
 * page computes it (sweeps.falloff). Numbers are printed so that they read back as the same doubles.
 */
export function cliCommand(s: Settings): string {
  const out = ["tegum train", `--features ${s.n}`, `--hidden ${s.m}`];
  if (s.model !== "relu-output") out.push(`--model ${s.model}`);
  out.push(`--instances ${s.instances}`);
  if (s.instances === 1) out.push(`--p ${exact(s.p)}`);
  else out.push(`--p-falloff ${exact(1 / s.p)}`);
  if (s.decay !== 1) out.push(`--importance ${exact(s.decay)}`);
  const corr = parseSets(s.correlated, s.n);
  if (!corr.error && corr.sets.length) out.push(`--correlated ${corr.sets.map((x) => x.join(":")).join(",")}`);
  const anti = parseSets(s.anticorrelated, s.n);
  if (!anti.error && anti.sets.length) out.push(`--anticorrelated ${anti.sets.map((x) => x.join(":")).join(",")}`);
  out.push(`--steps ${s.steps}`, `--seed ${s.seed}`);
  if (s.seeds !== 1) out.push(`--seeds ${s.seeds}`);
  out.push("--out model.safetensors");
  return out.join(" ");
}

/** Short label of an instance: its feature probability. */
export function instanceLabel(p: number): string {
  return `p = ${Number(p.toPrecision(3))}`;
}

/** Two settings train the same weights (view is only what is shown). */
export function sameTraining(a: Settings, b: Settings): boolean {
  return (Object.keys(KEYS) as (keyof Settings)[]).every((k) => k === "view" || a[k] === b[k]);
}
