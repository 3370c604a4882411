// The training configuration from command-line flags (`tegum train`) or from a JSON file (`tegum train
// --config`, `tegum sweep CONFIG`), validated by the library (src/train-config.ts) with its messages
// turned into the CLI's words (flag names, the file).
//
// JSON config: the library's TrainConfig as JSON — keys n, m, model, instances, p, importance,
// correlated, anticorrelated, batch, steps, lr, schedule, warmup, optimizer, weightDecay, betas, eps,
// init, seed, seeds, snapshotEvery, maxSnapshots — where, to write a sweep without listing it,
//   "p": {"falloff": B}            p = B^(−linspace(0, 1, instances))   (the official sweep, B = 20)
//   "sparsity": [S, …]             instead of p: p = 1 − S per instance
//   "importance": {"geometric": r} I_i = r^i;  {"falloff": B}: B^(−linspace(0, 1, n))
// and "comment" is ignored. Example: {"n": 20, "m": 5, "p": [1, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001],
// "importance": {"geometric": 0.7}, "seeds": 4}.
import { TegumError } from "../errors.js";
import { falloff, geometric } from "../sweeps.js";
import { normalizeConfig, type NormalizedConfig, type TrainConfig } from "../train-config.js";
import type { FlagSpec } from "./args.js";

export const trainConfigFlags = {
  features: { type: "int", min: 1, max: 1 << 16, placeholder: "n", description: "number of features n" },
  hidden: { type: "int", min: 1, max: 1 << 12, placeholder: "m", description: "number of hidden dimensions m" },
  model: { type: "string", choices: ["relu-output", "linear", "relu-hidden", "abs"], placeholder: "KIND", description: "relu-output: ReLU(WᵀWx+b) (default); linear: WᵀWx+b; relu-hidden: ReLU(WᵀReLU(Wx)+b); abs: ReLU(W2 ReLU(W1 x)+b) trained on U[−1,1) with target |x|" },
  instances: { type: "int", min: 1, max: 1 << 16, placeholder: "I", description: "instances trained side by side (default: the length of the --sparsity/--p list, 10 with --p-falloff, else 1)" },
  sparsity: { type: "numbers", min: 0, max: 1, placeholder: "S,S,…", description: "sparsity S per instance (feature probability p = 1 − S); one value: every instance" },
  p: { type: "numbers", min: 0, max: 1, placeholder: "p,p,…", description: "feature probability p per instance (instead of --sparsity); one value: every instance" },
  "p-falloff": { type: "number", min: 1, placeholder: "B", description: "the official sweep p = B^(−linspace(0, 1, I)), e.g. 20" },
  importance: { type: "number", min: 0, max: 1, placeholder: "r", description: "importance decay: I_i = r^i (e.g. 0.9; default: all 1)" },
  "importance-falloff": { type: "number", min: 1, placeholder: "B", description: "importance B^(−linspace(0, 1, n)), e.g. 100" },
  correlated: { type: "strings", placeholder: "i:j,…", description: "sets of features sharing one presence draw, e.g. 0:1,2:3" },
  anticorrelated: { type: "strings", placeholder: "i:j,…", description: "sets of features never present together, e.g. 0:1,2:3 (Σp ≤ 1 per set)" },
  steps: { type: "int", min: 1, max: 2 ** 31 - 1, placeholder: "N", description: "training steps, and the horizon of the lr schedule (default 10000)" },
  batch: { type: "int", min: 1, max: 1 << 24, placeholder: "N", description: "rows per step (default 1024)" },
  lr: { type: "number", min: 0, max: 1e6, open: true, description: "learning rate (default 1e-3)" },
  schedule: { type: "string", choices: ["constant", "linear", "cosine"], placeholder: "KIND", description: "learning-rate schedule (default constant)" },
  warmup: { type: "int", min: 0, max: 2 ** 31 - 1, placeholder: "N", description: "linear warm-up steps (default 0)" },
  optimizer: { type: "string", choices: ["adamw", "adam"], placeholder: "NAME", description: "adamw (torch AdamW, default) or adam (weight decay as L2)" },
  "weight-decay": { type: "number", min: 0, max: 1e6, description: "weight decay (default 0.01 with adamw, 0 with adam)" },
  betas: { type: "numbers", min: 0, max: 1, open: false, minLength: 2, maxLength: 2, placeholder: "β1,β2", description: "Adam betas (default 0.9,0.999)" },
  "adam-eps": { type: "number", min: 0, max: 1, open: true, description: "Adam epsilon (default 1e-8)" },
  init: { type: "string", choices: ["xavier", "torch"], placeholder: "KIND", description: "xavier: N(0, 2/(n+m)) per instance (default); torch: the official notebook's fans over the 3-D tensor" },
  seed: { type: "int", min: 0, max: 0xffffffff, description: "seed (default 0)" },
  seeds: { type: "int", min: 1, max: 1 << 16, placeholder: "N", description: "best of N seeds: N replicas per instance, the lowest final loss kept (default 1)" },
  "snapshot-every": { type: "int", min: 0, max: 2 ** 31 - 1, placeholder: "K", description: "record W and b every K steps for the trajectory plots (default 0: off)" },
  "max-snapshots": { type: "int", min: 2, max: 1 << 20, placeholder: "N", description: "keep at most N snapshots, thinning by 2 (default 256)" },
} as const satisfies Record<string, FlagSpec>;

export type ConfigFlagName = keyof typeof trainConfigFlags;
export const CONFIG_FLAG_NAMES = Object.keys(trainConfigFlags) as ConfigFlagName[];

/** The library's parameter names as the CLI's flags. */
const FLAG_OF: Record<string, string> = {
  n: "--features", m: "--hidden", model: "--model", instances: "--instances", p: "--p/--sparsity", importance: "--importance",
  correlated: "--correlated", anticorrelated: "--anticorrelated", batch: "--batch", steps: "--steps", lr: "--lr", schedule: "--schedule",
  warmup: "--warmup", optimizer: "--optimizer", weightDecay: "--weight-decay", betas: "--betas", eps: "--adam-eps", init: "--init",
  seed: "--seed", seeds: "--seeds", snapshotEvery: "--snapshot-every", maxSnapshots: "--max-snapshots",
};

/** Validates `config`; library errors name the flag (`where` = "flags") or the file and key. */
export function normalize(config: TrainConfig, where: { file?: string }): NormalizedConfig {
  try {
    return normalizeConfig(config);
  } catch (e) {
    if (!(e instanceof TegumError)) throw e;
    if (where.file) throw new TegumError(`${where.file}: ${e.message}`, "config");
    const flag = e.parameter && FLAG_OF[e.parameter];
    const message = e.message
      .replace(/^n must/, "--features must").replace(/^m must/, "--hidden must").replace(/^batch·n/, "--batch × --features")
      .replace(/^weightDecay/, "--weight-decay").replace(/^snapshotEvery/, "--snapshot-every").replace(/^maxSnapshots/, "--max-snapshots")
      .replace(/^(steps|batch|warmup|seeds|seed|lr|instances) must/, "--$1 must").replace(/^eps must/, "--adam-eps must");
    throw new TegumError(message.startsWith("--") || !flag ? message : `${flag}: ${message}`, e.parameter);
  }
}

function parseSets(flag: string, raw: readonly string[] | undefined): number[][] | undefined {
  if (raw === undefined) return undefined;
  return raw.map((set) => {
    const parts = set.split(":");
    if (parts.length < 2 || parts.some((x) => !/^\d{1,9}$/.test(x))) {
      throw new TegumError(`--${flag} takes sets of feature indices joined by ":" and separated by ",", e.g. 0:1,2:3; got ${JSON.stringify(set)}`, flag);
    }
    return parts.map(Number);
  });
}

type ConfigFlags = { [K in ConfigFlagName]?: unknown };

/** The TrainConfig described by the flags (not yet validated: `normalize` does that). */
export function configFromFlags(f: ConfigFlags): TrainConfig {
  const num = (k: ConfigFlagName) => f[k] as number | undefined;
  const list = (k: ConfigFlagName) => f[k] as number[] | undefined;
  if (num("features") === undefined) throw new TegumError("tegum train needs --features n (and --hidden m), or --config FILE, or --resume FILE", "features");
  if (num("hidden") === undefined) throw new TegumError("tegum train needs --hidden m (the number of hidden dimensions)", "hidden");
  const n = num("features")!, m = num("hidden")!;
  const given = (["sparsity", "p", "p-falloff"] as const).filter((k) => f[k] !== undefined);
  if (given.length > 1) throw new TegumError(`--${given[0]} and --${given[1]} both set the feature probability; give one`, given[1]);
  if (f.importance !== undefined && f["importance-falloff"] !== undefined) throw new TegumError("--importance and --importance-falloff both set the importance; give one", "importance");
  const c: TrainConfig = { n, m };
  let instances = num("instances");
  const perInstance = (values: number[], flag: string): number[] => {
    if (values.length === 1) return new Array<number>(instances ?? 1).fill(values[0]);
    if (instances !== undefined && instances !== values.length) {
      throw new TegumError(`--${flag} lists ${values.length} values but --instances is ${instances}; give one value per instance (or one for all)`, flag);
    }
    instances = values.length;
    return values;
  };
  if (f.sparsity !== undefined) {
    if (list("sparsity")!.some((s) => s >= 1)) throw new TegumError("--sparsity values must be in [0, 1): S = 1 means no feature is ever present", "sparsity");
    c.p = perInstance(list("sparsity")!, "sparsity").map((s) => 1 - s);
  } else if (f.p !== undefined) {
    if (list("p")!.some((p) => p <= 0)) throw new TegumError("--p values must be in (0, 1]: p = 0 means no feature is ever present", "p");
    c.p = perInstance(list("p")!, "p");
  } else if (f["p-falloff"] !== undefined) {
    instances ??= 10;
    c.p = Array.from(falloff(instances, num("p-falloff")!));
  }
  if (instances !== undefined) c.instances = instances;
  if (f.importance !== undefined) {
    if (num("importance")! > 1) throw new TegumError(`--importance is the decay r of I_i = r^i and must be in [0, 1], got ${num("importance")}`, "importance");
    c.importance = Array.from(geometric(n, num("importance")!));
  } else if (f["importance-falloff"] !== undefined) c.importance = Array.from(falloff(n, num("importance-falloff")!));
  const correlated = parseSets("correlated", f.correlated as string[] | undefined);
  const anticorrelated = parseSets("anticorrelated", f.anticorrelated as string[] | undefined);
  if (correlated) c.correlated = correlated;
  if (anticorrelated) c.anticorrelated = anticorrelated;
  if (f.model !== undefined) c.model = f.model as TrainConfig["model"];
  if (f.steps !== undefined) c.steps = num("steps");
  if (f.batch !== undefined) c.batch = num("batch");
  if (f.lr !== undefined) c.lr = num("lr");
  if (f.schedule !== undefined) c.schedule = f.schedule as TrainConfig["schedule"];
  if (f.warmup !== undefined) c.warmup = num("warmup");
  if (f.optimizer !== undefined) c.optimizer = f.optimizer as TrainConfig["optimizer"];
  if (f["weight-decay"] !== undefined) c.weightDecay = num("weight-decay");
  if (f.betas !== undefined) c.betas = list("betas") as [number, number];
  if (f["adam-eps"] !== undefined) c.eps = num("adam-eps");
  if (f.init !== undefined) c.init = f.init as TrainConfig["init"];
  if (f.seed !== undefined) c.seed = num("seed");
  if (f.seeds !== undefined) c.seeds = num("seeds");
  if (f["snapshot-every"] !== undefined) c.snapshotEvery = num("snapshot-every");
  if (f["max-snapshots"] !== undefined) c.maxSnapshots = num("max-snapshots");
  return c;
}

/** A TrainConfig from parsed JSON (see the header); `file` names the file in messages. */
export function configFromJson(value: unknown, file: string): TrainConfig {
  const fail = (problem: string): never => {
    throw new TegumError(`${file}: ${problem}`, "config");
  };
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail("must hold a JSON object with the training configuration (keys n, m, p, importance, steps, …)");
  const raw = { ...(value as Record<string, unknown>) };
  delete raw.comment;
  const n = raw.n, instances = raw.instances;
  if ("sparsity" in raw) {
    if ("p" in raw) fail('give either "p" or "sparsity", not both');
    const s = raw.sparsity;
    if (!Array.isArray(s) || s.length === 0 || !s.every((x) => typeof x === "number" && x >= 0 && x < 1)) fail('"sparsity" must be a non-empty list of numbers in [0, 1)');
    raw.p = (s as number[]).map((x) => 1 - x);
    delete raw.sparsity;
  }
  const helper = (key: string, v: unknown, count: unknown, allowed: string[]): number[] | unknown => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return v;
    const keys = Object.keys(v);
    if (keys.length !== 1 || !allowed.includes(keys[0])) fail(`"${key}" as an object must be one of ${allowed.map((a) => `{"${a}": …}`).join(", ")}`);
    const arg = (v as Record<string, unknown>)[keys[0]];
    if (!Number.isInteger(count) || (count as number) < 1) fail(`"${key}": {"${keys[0]}": …} needs "${key === "p" ? "instances" : "n"}" (a positive integer) to know how many values to make`);
    if (typeof arg !== "number" || !Number.isFinite(arg)) fail(`"${key}": {"${keys[0]}": …} takes a number`);
    if (keys[0] === "falloff") {
      if ((arg as number) < 1) fail(`"${key}": {"falloff": B} needs B ≥ 1`);
      return Array.from(falloff(count as number, arg as number));
    }
    if ((arg as number) < 0 || (arg as number) > 1) fail(`"${key}": {"geometric": r} needs r in [0, 1]`);
    return Array.from(geometric(count as number, arg as number));
  };
  if ("p" in raw) raw.p = helper("p", raw.p, instances, ["falloff"]);
  if ("importance" in raw) raw.importance = helper("importance", raw.importance, n, ["geometric", "falloff"]);
  return raw as unknown as TrainConfig;
}
