// The `tegum` command: subcommand dispatch, strict flags (src/cli/args.ts), one clear message and exit
// code 2 for bad input, `--json` output in the report schema (src/report/schema.ts). Node only.
//
// Wired: analyze, bundles, report (from a report.json), help. Not yet wired (the engines land later):
// demo, train, phase, sweep, merge — they parse and check their flags, then say so (exit code 1).
import { readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { atomicWriteFile } from "../atomic-write.js";
import { findBundles, type BundleResult } from "../bundles.js";
import { init } from "../entry/node.js";
import { TegumError } from "../errors.js";
import { factorPolytopes } from "../polytope.js";
import { instanceReport, makeReport, modelReport } from "../report/build.js";
import { renderReport } from "../report/html.js";
import { validateReport, type Report } from "../report/schema.js";
import { fmt } from "../report/svg.js";
import { LAYOUTS, readWeights, type Layout } from "../tensor-file.js";
import { formatHelp, parseArgs, suggest, usageLine, type CommandSpec, type FlagSpec } from "./args.js";
import { openFileSource } from "./file-source.js";

/** Where the CLI writes and what it knows about its environment (injectable for tests). */
export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  env: Record<string, string | undefined>;
  /** Whether stderr is a terminal (progress bars). */
  isTTY: boolean;
}

export const nodeIo = (): Io => ({
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
  cwd: process.cwd(),
  env: process.env,
  isTTY: Boolean(process.stderr.isTTY),
});

/** Exit codes. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

// ————— flags shared by commands —————

const common = {
  json: { type: "boolean", description: "print the result as JSON (report schema) on stdout" },
  help: { type: "boolean", description: "show this help" },
} as const satisfies Record<string, FlagSpec>;

const weightsFlags = {
  tensor: { type: "string", placeholder: "NAME", description: "the weight tensor (default: the only 2-D/3-D tensor, else the one named W)" },
  bias: { type: "string", placeholder: "NAME", description: "the bias tensor (default: one named b_final, b or bias whose shape fits)" },
  "no-bias": { type: "boolean", description: "ignore any bias in the file" },
  layout: {
    type: "string", choices: LAYOUTS, default: "auto",
    description: "how W is stored per instance: features-by-hidden = (instance, n, m) as in the official notebook, hidden-by-features = (instance, m, n) as in ARENA; auto decides by m ≤ n",
  },
  instance: { type: "string", placeholder: "i|all", default: "all", description: "analyse one instance (0-based) or all" },
  sparsity: { type: "numbers", min: 0, max: 1, placeholder: "S,S,…", description: "the sparsity S of each instance in the file, for the sparsity plots (one per instance)" },
  report: { type: "string", placeholder: "DIR", description: "also write DIR/index.html and DIR/report.json" },
} as const satisfies Record<string, FlagSpec>;

const bundleFlags = {
  "factor-tol": { type: "number", min: 0, max: 1, open: true, default: 1e-3, description: "features are in one tegum factor (and Gram-connected for the bundle finder) when |cos| exceeds this" },
  "k-max": { type: "int", min: 1, max: 64, description: "largest bundle rank k (default min(4, m − 1))" },
  eps: { type: "string", placeholder: "X|auto", description: "DBSCAN radius on the chordal distance, or auto (the persistence gap; default for hardened)" },
  "min-samples": { type: "int", min: 1, max: 1_000_000, description: "DBSCAN min_samples (the point itself counts; default 1)" },
  mode: { type: "string", choices: ["hardened", "faithful"], default: "hardened", description: "hardened (robust) or faithful (the talk's column-reduction pipeline)" },
  "rank-tol": { type: "number", min: 0, max: 1, open: true, description: "relative singular-value tolerance for a subset's rank (default 0.05)" },
  "max-work": { type: "number", min: 1, description: "refuse above this many estimated flops (default 2e10)" },
} as const satisfies Record<string, FlagSpec>;

const analyzeSpec = {
  name: "analyze",
  summary: "Metrics, tegum factors, polytopes and bundles of the weights in FILE (.npy, .safetensors, .json).",
  positionals: [{ name: "FILE", description: "weights: W as (n, m), (m, n), or 3-D with the instance axis first", required: true }],
  flags: {
    ...weightsFlags,
    "no-bundles": { type: "boolean", description: "skip the bundle finder" },
    ...bundleFlags,
    ...common,
  },
  details: "Examples:\n  tegum analyze w.safetensors --tensor W --layout features-by-hidden --report out\n  tegum analyze w.npy --instance 3 --json",
} as const satisfies CommandSpec;

const bundlesSpec = {
  name: "bundles",
  summary: "Grassmannian feature bundles of the weights in FILE: features whose k-subsets span one k-plane.",
  positionals: [{ name: "FILE", description: "weights (.npy, .safetensors, .json)", required: true }],
  flags: { ...weightsFlags, ...bundleFlags, ...common },
} as const satisfies CommandSpec;

const reportSpec = {
  name: "report",
  summary: "Write the HTML report from a saved report.json (a saved model: not yet wired).",
  positionals: [{ name: "FILE", description: "a report.json written by tegum", required: true }],
  flags: { out: { type: "string", placeholder: "DIR", default: "tegum-report", description: "output directory for index.html" }, ...common },
} as const satisfies CommandSpec;

const demoSpec = {
  name: "demo",
  summary: "Train the intro sweep (n=5, m=2) and the varying-sparsity sweep (n=20, m=5), analyse them and write the report.",
  positionals: [],
  flags: {
    out: { type: "string", placeholder: "DIR", default: "tegum-report", description: "output directory (index.html, report.json)" },
    steps: { type: "int", min: 1, max: 10_000_000, description: "training steps (default 10000)" },
    seed: { type: "int", min: 0, max: 0xffffffff, description: "seed (default 0)" },
    ...common,
  },
} as const satisfies CommandSpec;

const trainSpec = {
  name: "train",
  summary: "Train toy models and write a model file.",
  positionals: [],
  flags: {
    features: { type: "int", min: 1, max: 1 << 20, placeholder: "n", description: "number of features n" },
    hidden: { type: "int", min: 1, max: 1 << 20, placeholder: "m", description: "number of hidden dimensions m" },
    model: { type: "string", choices: ["relu-output", "linear", "relu-hidden", "abs"], default: "relu-output", description: "the model" },
    instances: { type: "int", min: 1, max: 1 << 16, description: "instances trained side by side" },
    sparsity: { type: "numbers", min: 0, max: 1, placeholder: "S,S,…", description: "sparsity S per instance (feature probability p = 1 − S)" },
    "p-falloff": { type: "number", min: 1, description: "the official sweep p = B^(−linspace(0, 1, I)) with this base B (e.g. 20)" },
    importance: { type: "number", min: 0, max: 1, open: false, description: "importance decay r: I_i = r^i (default 1)" },
    correlated: { type: "strings", placeholder: "i:j:…,…", description: "sets of features sharing one presence draw, e.g. 0:1,2:3" },
    anticorrelated: { type: "strings", placeholder: "i:j,…", description: "sets of features never present together" },
    steps: { type: "int", min: 1, max: 100_000_000, default: 10_000, description: "training steps" },
    batch: { type: "int", min: 1, max: 1 << 20, default: 1024, description: "rows per step" },
    lr: { type: "number", min: 0, open: true, default: 1e-3, description: "learning rate" },
    schedule: { type: "string", choices: ["constant", "linear", "cosine"], default: "constant", description: "learning-rate schedule" },
    seed: { type: "int", min: 0, max: 0xffffffff, default: 0, description: "seed" },
    seeds: { type: "int", min: 1, max: 1024, default: 1, description: "best of N seeds per instance" },
    out: { type: "string", placeholder: "FILE", description: "model file to write (.safetensors, .npy, .json)" },
    resume: { type: "string", placeholder: "FILE", description: "continue a checkpoint bit-exactly" },
    ...common,
  },
} as const satisfies CommandSpec;

const phaseSpec = {
  name: "phase",
  summary: "Phase diagrams: which geometry wins as sparsity and relative importance vary.",
  positionals: [],
  flags: { out: { type: "string", placeholder: "DIR", default: "tegum-report", description: "output directory" }, ...common },
} as const satisfies CommandSpec;

const sweepSpec = {
  name: "sweep",
  summary: "Run one shard of a sweep described by CONFIG (combine shards with tegum merge).",
  positionals: [{ name: "CONFIG", description: "sweep configuration (JSON)", required: true }],
  flags: {
    shard: { type: "string", placeholder: "i/N", description: "this shard (default from SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT or JOB_COMPLETION_INDEX)" },
    out: { type: "string", placeholder: "FILE", description: "shard output file" },
    ...common,
  },
} as const satisfies CommandSpec;

const mergeSpec = {
  name: "merge",
  summary: "Combine sweep shards into the result of an unsharded run.",
  positionals: [{ name: "SHARDS", description: "shard files (a directory or a glob expanded by the shell)", required: true }],
  flags: { out: { type: "string", placeholder: "FILE", description: "merged output" }, ...common },
} as const satisfies CommandSpec;

const helpSpec = {
  name: "help",
  summary: "Show help for tegum or one command.",
  positionals: [{ name: "COMMAND", description: "a command" }],
  flags: { ...common },
} as const satisfies CommandSpec;

type Handler = (argv: string[], io: Io) => Promise<number>;
interface Command {
  spec: CommandSpec;
  run: Handler;
}

const COMMANDS: Record<string, Command> = {
  demo: { spec: demoSpec, run: notYetWired(demoSpec, "the demo needs the training engine wired into the CLI") },
  train: { spec: trainSpec, run: notYetWired(trainSpec, "training from the command line is not wired yet") },
  analyze: { spec: analyzeSpec, run: (argv, io) => analyzeCommand(argv, io, "analyze") },
  bundles: { spec: bundlesSpec, run: (argv, io) => analyzeCommand(argv, io, "bundles") },
  phase: { spec: phaseSpec, run: notYetWired(phaseSpec, "phase diagrams are not wired yet") },
  report: { spec: reportSpec, run: reportCommand },
  sweep: { spec: sweepSpec, run: notYetWired(sweepSpec, "sharded sweeps are not wired yet") },
  merge: { spec: mergeSpec, run: notYetWired(mergeSpec, "merging sweep shards is not wired yet") },
  help: { spec: helpSpec, run: helpCommand },
};

function overview(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length)) + 2;
  return [
    `tegum ${version()} — toy models of superposition and the geometry of features`,
    "",
    "Usage: tegum COMMAND [arguments] [flags]",
    "",
    "Commands:",
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}${c.spec.summary}`),
    "",
    "Run `tegum help COMMAND` or `tegum COMMAND --help` for a command's flags.",
    "Bad input exits with code 2 and one message naming the problem.",
    "",
  ].join("\n");
}

/** Runs the CLI on `argv` (without `node` and the script); resolves to the exit code. */
export async function run(argv: readonly string[], io: Io = nodeIo()): Promise<number> {
  const wantsJson = argv.includes("--json");
  try {
    const [name, ...rest] = argv;
    if (name === undefined || name === "--help" || name === "-h") {
      io.stdout(overview());
      return EXIT.ok;
    }
    if (name === "--version" || name === "-v" || name === "version") {
      io.stdout(`${version()}\n`);
      return EXIT.ok;
    }
    const command = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!command) {
      const near = suggest(name, Object.keys(COMMANDS));
      throw new TegumError(`unknown command ${JSON.stringify(name)}${near ? ` — did you mean ${near}?` : ""}; commands: ${Object.keys(COMMANDS).join(", ")}`, "command");
    }
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof TegumError) {
      io.stderr(`tegum: ${e.message}\n`);
      if (wantsJson) io.stdout(JSON.stringify({ error: { message: e.message, parameter: e.parameter ?? null } }) + "\n");
      return EXIT.usage;
    }
    const err = e as Error;
    io.stderr(`tegum: internal error: ${err?.stack ?? String(e)}\nPlease report this with the command that caused it.\n`);
    return EXIT.failure;
  }
}

function notYetWired(spec: CommandSpec, why: string): Handler {
  return async (argv, io) => {
    const { flags } = parseArgs(argv, spec);
    if (flags.help) {
      io.stdout(formatHelp(spec));
      return EXIT.ok;
    }
    io.stderr(`tegum ${spec.name}: not yet wired — ${why}. Its flags are checked; nothing was run or written.\n`);
    return EXIT.failure;
  };
}

async function helpCommand(argv: string[], io: Io): Promise<number> {
  const { positionals } = parseArgs(argv, helpSpec);
  const name = positionals[0];
  if (name === undefined) io.stdout(overview());
  else if (Object.prototype.hasOwnProperty.call(COMMANDS, name)) io.stdout(formatHelp(COMMANDS[name].spec));
  else throw new TegumError(`unknown command ${JSON.stringify(name)}; commands: ${Object.keys(COMMANDS).join(", ")}`, "command");
  return EXIT.ok;
}

// ————— analyze / bundles —————

async function analyzeCommand(argv: string[], io: Io, which: "analyze" | "bundles"): Promise<number> {
  const spec = which === "analyze" ? analyzeSpec : bundlesSpec;
  const { flags: f, positionals, given } = parseArgs(argv, spec as CommandSpec<typeof analyzeSpec.flags>);
  if (f.help) {
    io.stdout(formatHelp(spec));
    return EXIT.ok;
  }
  const file = positionals[0];
  // Check every flag before any work.
  let instance: number | "all" = "all";
  if (f.instance !== "all") {
    if (!/^\d{1,9}$/.test(f.instance)) throw new TegumError(`--instance must be "all" or a non-negative integer, got ${JSON.stringify(f.instance)}`, "instance");
    instance = Number(f.instance);
  }
  let eps: number | "auto" | undefined;
  if (f.eps !== undefined) {
    if (f.eps === "auto") eps = "auto";
    else if (/^\d*\.?\d+(e-?\d+)?$/i.test(f.eps) && Number(f.eps) > 0) eps = Number(f.eps);
    else throw new TegumError(`--eps must be a positive number or auto, got ${JSON.stringify(f.eps)}`, "eps");
  }
  if (f.bias !== undefined && f["no-bias"]) throw new TegumError("--bias and --no-bias contradict each other; give one", "bias");
  if (f.sparsity?.some((s) => s >= 1)) throw new TegumError("--sparsity values must be in [0, 1) (S = 1 means no feature is ever present)", "sparsity");
  const runBundles = which === "bundles" || !f["no-bundles"];
  const explicitBundles = which === "bundles" || ["k-max", "eps", "min-samples", "mode", "rank-tol", "max-work"].some((k) => given.has(k as never));
  let skipped = false;

  const path = resolve(io.cwd, file);
  const src = openFileSource(path, file);
  let weights;
  try {
    weights = readWeights(src, file, { tensor: f.tensor, bias: f["no-bias"] ? false : f.bias, layout: f.layout as Layout, instance });
  } finally {
    src.close();
  }
  const { nFeatures: n, nHidden: m, source } = weights;
  if (f.sparsity && f.sparsity.length !== source.instanceCount) {
    throw new TegumError(`--sparsity has ${f.sparsity.length} values but ${file} holds ${source.instanceCount} instance${source.instanceCount === 1 ? "" : "s"}`, "sparsity");
  }

  await init();
  const bundleOptions = {
    mode: f.mode as "hardened" | "faithful",
    ...(f["k-max"] !== undefined ? { maxK: f["k-max"] } : {}),
    ...(eps !== undefined ? { eps } : {}),
    ...(f["min-samples"] !== undefined ? { minSamples: f["min-samples"] } : {}),
    ...(f["rank-tol"] !== undefined ? { rankTol: f["rank-tol"] } : {}),
    ...(f["max-work"] !== undefined ? { maxWork: f["max-work"] } : {}),
    gramTol: f["factor-tol"],
  };
  const levels: { index: number; result: BundleResult }[] = [];
  const instances = weights.instances.map((inst) => {
    const analysis = factorPolytopes(inst.W, m, n, { factorTolerance: f["factor-tol"] });
    let bundles: BundleResult | "not-run" = "not-run";
    if (runBundles) {
      if (m < 2 && which === "bundles") throw new TegumError(`${file}: bundles need m ≥ 2 hidden dimensions, W has m = ${m}`, "file");
      if (m >= 2) {
        try {
          bundles = findBundles(inst.W, m, n, bundleOptions);
          levels.push({ index: inst.index, result: bundles });
        } catch (e) {
          if (!(e instanceof TegumError)) throw e;
          const message = cliNames(e.message);
          // A blow-up the user did not ask for (analyze with default bundle settings) skips the finder.
          if (e.parameter === "maxWork" && !explicitBundles) {
            if (!skipped) io.stderr(`tegum analyze: bundles skipped — ${message}\n`);
            skipped = true;
          } else throw new TegumError(`${file}: instance ${inst.index}: ${message}`, e.parameter);
        }
      }
    }
    const sparsity = f.sparsity ? f.sparsity[inst.index] : null;
    return instanceReport(
      { index: inst.index, W: inst.W, m, n, bias: inst.b ?? null, sparsity, label: sparsity === null ? `instance ${inst.index}` : `1−S = ${fmt(1 - sparsity)}` },
      analysis,
      bundles,
    );
  });
  const title = `${basename(file)}${source.tensor ? ` — ${source.tensor}` : ""}`;
  const model = modelReport("weights", title, n, m, { kind: "file", file, format: source.format, tensor: source.tensor, ...(source.bias ? { bias: source.bias } : {}), layout: source.layout, storedShape: source.storedShape }, instances);
  const report = makeReport(`tegum ${which}: ${basename(file)}`, [model], { version: version(), command: [which, ...argv].join(" ") });

  if (f.report !== undefined) writeReportDir(resolve(io.cwd, f.report), report);
  if (f.json) io.stdout(JSON.stringify(report) + "\n");
  else io.stdout(which === "analyze" ? analyzeText(report, weights.source) : bundlesText(report, levels));
  if (f.report !== undefined && !f.json) io.stdout(`wrote ${join(f.report, "index.html")} and ${join(f.report, "report.json")}\n`);
  return EXIT.ok;
}

/** The bundle finder's option names in its messages, as the CLI's flags. */
function cliNames(message: string): string {
  return message.replace(/\bmaxK\b/g, "--k-max").replace(/\bmaxWork\b/g, "--max-work").replace(/\bgramTol\b/g, "--factor-tol")
    .replace(/\bminSamples\b/g, "--min-samples").replace(/\brankTol\b/g, "--rank-tol").replace(/features: a subset of the columns, /, "").replace(/deadTol to drop weak features, /, "");
}

function writeReportDir(dir: string, report: Report): void {
  atomicWriteFile(join(dir, "report.json"), JSON.stringify(report, null, 1) + "\n");
  atomicWriteFile(join(dir, "index.html"), renderReport(report));
}

function describeSource(s: ReturnType<typeof readWeights>["source"], n: number, m: number, count: number): string {
  const tensor = s.tensor === "" ? "the array" : `tensor ${JSON.stringify(s.tensor)}`;
  const shape = `(${s.storedShape.join(", ")})`;
  return `${s.file}: ${tensor} ${shape} read as ${s.layout}: ${count} instance${count === 1 ? "" : "s"} of n = ${n} features in m = ${m} hidden dimensions; ${s.bias ? `bias ${JSON.stringify(s.bias)}` : "no bias"}`;
}

const set = (xs: number[]) => `{${xs.join(" ")}}`;

function analyzeText(report: Report, source: ReturnType<typeof readWeights>["source"]): string {
  const model = report.models[0];
  const out = [describeSource(source, model.nFeatures, model.nHidden, model.instances.length)];
  for (const inst of model.instances) {
    const kept = inst.features.filter((x) => x.norm > 0.5).length;
    out.push("");
    out.push(`instance ${inst.index}${inst.sparsity === null ? "" : ` (S = ${fmt(inst.sparsity)})`}: m/‖W‖²F = ${fmt(inst.dimensionsPerFeature ?? NaN)}, ${kept}/${model.nFeatures} features with ‖W‖ > 0.5`);
    const factors = inst.tegumFactors;
    out.push(`  tegum factors (${factors.length}): ${factors.length > 12 ? factors.slice(0, 12).map(set).join(" ") + " …" : factors.map(set).join(" ") || "none"}`);
    if (inst.polytopes.length) out.push(`  polytopes: ${inst.polytopes.map((p) => `${p.shape} ${set(p.features)}`).join(", ")}`);
    if (inst.bundlesStatus !== "not-run") out.push(`  bundles: ${inst.bundles.length ? inst.bundles.map((b) => `${b.shape} ${set(b.features)} (rank ${b.rank})`).join(", ") : "none found"}`);
    if (model.nFeatures <= 32) {
      out.push("  feature      ‖W‖   superpos.        D       bias");
      for (const x of inst.features) {
        out.push(`  ${String(x.index).padStart(7)} ${num(x.norm)} ${num(x.superposition)} ${num(x.dimensionality)} ${x.bias === null ? "        –" : num(x.bias)}`);
      }
    } else out.push(`  (${model.nFeatures} features: per-feature numbers with --json or in --report)`);
  }
  return out.join("\n") + "\n";
}

const num = (x: number) => (Number.isFinite(x) ? x.toFixed(4).padStart(9) : "        –");

function bundlesText(report: Report, levels: { index: number; result: BundleResult }[]): string {
  const model = report.models[0];
  const out: string[] = [];
  for (const inst of model.instances) {
    const r = levels.find((l) => l.index === inst.index)?.result;
    out.push(`instance ${inst.index}: ${inst.bundles.length ? inst.bundles.map((b) => `${b.shape} ${set(b.features)} (rank ${b.rank}, ${b.clusterSize} subsets)`).join(", ") : "no bundles"}`);
    if (r) {
      for (const lv of r.levels) {
        out.push(`  k = ${lv.k}: ${lv.enumerated} subsets, ${lv.points} points, eps ${fmt(lv.eps.value)} (${lv.eps.method}), ${lv.clusters} clusters, ${lv.bundles} kept, ${lv.discarded.length} discarded`);
      }
    }
  }
  return out.join("\n") + "\n";
}

// ————— report —————

async function reportCommand(argv: string[], io: Io): Promise<number> {
  const { flags, positionals } = parseArgs(argv, reportSpec);
  if (flags.help) {
    io.stdout(formatHelp(reportSpec));
    return EXIT.ok;
  }
  const file = positionals[0];
  const src = openFileSource(resolve(io.cwd, file), file);
  let text: string;
  try {
    if (src.size > 1 << 30) throw new TegumError(`${file}: ${src.size} bytes is too large for a report.json`, "file");
    text = new TextDecoder().decode(src.read(0, src.size));
  } finally {
    src.close();
  }
  if (!text.trimStart().startsWith("{")) {
    throw new TegumError(`${file}: not a report.json (reports from saved model files are not wired yet; pass the report.json written by tegum analyze --report or tegum demo)`, "file");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new TegumError(`${file}: not valid JSON (${(e as Error).message})`, "file");
  }
  const report = validateReport(value, file);
  const dir = resolve(io.cwd, flags.out);
  atomicWriteFile(join(dir, "index.html"), renderReport(report));
  if (flags.json) io.stdout(JSON.stringify({ wrote: [join(flags.out, "index.html")] }) + "\n");
  else io.stdout(`wrote ${join(flags.out, "index.html")}\n`);
  return EXIT.ok;
}

/** Usage lines of every command (for the README). */
export function usageLines(): string[] {
  return Object.values(COMMANDS).map((c) => usageLine(c.spec));
}
