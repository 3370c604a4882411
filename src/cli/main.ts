// The `tegum` command: subcommand dispatch, strict flags (src/cli/args.ts), one clear message and exit
// code 2 for bad input (nothing written), `--json` output in the report schema (src/report/schema.ts).
// Node only. Commands: demo, train, analyze, bundles, phase, report, sweep, merge, help.
import { basename, join, resolve } from "node:path";
import { atomicWriteFile } from "../atomic-write.js";
import type { BundleResult } from "../bundles.js";
import { init } from "../entry/node.js";
import { TegumError } from "../errors.js";
import { makeReport, modelReport } from "../report/build.js";
import { renderReport } from "../report/html.js";
import { validateReport, type Report } from "../report/schema.js";
import { fmt } from "../report/svg.js";
import { LAYOUTS, readWeights, type Layout } from "../tensor-file.js";
import type { NormalizedConfig } from "../train-config.js";
import { resultOf } from "../train.js";
import { analyzeInstance, defaultSettings, modelSummary, trainedModelReport, type AnalysisSettings } from "./analysis.js";
import { DEFAULT_RANK_TOLERANCE, DEFAULT_SHAPE_TOLERANCE } from "../polytope.js";
import { DEFAULT_DEAD_TOLERANCE } from "../dead-features.js";
import { formatHelp, parseArgs, suggest, usageLine, type CommandSpec, type FlagSpec } from "./args.js";
import { demoCommand, demoSpec } from "./demo.js";
import { openFileSource } from "./file-source.js";
import { EXIT, nodeIo, version, writeReportDir, type Io } from "./io.js";
import { modelState, openTegumFile, perInstanceSparsity } from "./model-file.js";
import { phaseCommand, phaseSpec } from "./phase-command.js";
import { mergeCommand, mergeSpec, sweepCommand, sweepSpec } from "./sweep.js";
import { parseJson, trainCommand, trainSpec } from "./train-command.js";

export { EXIT, nodeIo, type Io } from "./io.js";

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
  "factor-tol": { type: "string", placeholder: "X|auto", default: "auto", description: "features are in one tegum factor (and Gram-connected for the bundle finder) when |cos| exceeds this; auto: the largest gap among the small |cos| (else 1e-3)" },
  "dead-tol": { type: "string", placeholder: "X|auto", default: "auto", description: `features with ‖W_i‖ ≤ this × the largest norm are dropped: in no tegum factor, left out of bundles (metrics are exact regardless); auto: the largest gap (ratio ≥ 4) among the norms up to half the largest, else ${DEFAULT_DEAD_TOLERANCE}` },
  "k-max": { type: "int", min: 1, max: 64, description: "largest bundle rank k (default min(4, m − 1))" },
  eps: { type: "string", placeholder: "X|auto", description: "DBSCAN radius on the chordal distance, or auto (the persistence gap; default for hardened)" },
  "min-samples": { type: "int", min: 1, max: 1_000_000, description: "DBSCAN min_samples (the point itself counts; default 1)" },
  mode: { type: "string", choices: ["hardened", "faithful"], default: "hardened", description: "hardened (robust) or faithful (the talk's column-reduction pipeline)" },
  "rank-tol": { type: "number", min: 0, max: 1, open: true, default: DEFAULT_RANK_TOLERANCE, description: "relative singular-value tolerance for the rank of a set of features (polytopes and bundles)" },
  "shape-tol": { type: "number", min: 0, max: 1, open: true, default: DEFAULT_SHAPE_TOLERANCE, description: "largest |cos − reference| for naming a polytope (pentagon, digon, …)" },
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
  summary: "Write the HTML report from a saved model file (tegum train) or a report.json.",
  positionals: [{ name: "FILE", description: "a model .safetensors written by tegum train (or merge), or a report.json written by tegum", required: true }],
  flags: {
    out: { type: "string", placeholder: "DIR", default: "tegum-report", description: "output directory: index.html (and report.json for a model file)" },
    "no-bundles": { type: "boolean", description: "skip the bundle finder (model files)" },
    ...common,
  },
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
  demo: { spec: demoSpec, run: demoCommand },
  train: { spec: trainSpec, run: trainCommand },
  analyze: { spec: analyzeSpec, run: (argv, io) => analyzeCommand(argv, io, "analyze") },
  bundles: { spec: bundlesSpec, run: (argv, io) => analyzeCommand(argv, io, "bundles") },
  phase: { spec: phaseSpec, run: phaseCommand },
  report: { spec: reportSpec, run: reportCommand },
  sweep: { spec: sweepSpec, run: sweepCommand },
  merge: { spec: mergeSpec, run: mergeCommand },
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
    "Exit codes: 0 ok, 2 bad input (one message naming the file or flag; nothing written), 130 interrupted.",
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

async function helpCommand(argv: string[], io: Io): Promise<number> {
  const { positionals } = parseArgs(argv, helpSpec);
  const name = positionals[0];
  if (name === undefined) io.stdout(overview());
  else if (Object.prototype.hasOwnProperty.call(COMMANDS, name)) io.stdout(formatHelp(COMMANDS[name].spec));
  else throw new TegumError(`unknown command ${JSON.stringify(name)}; commands: ${Object.keys(COMMANDS).join(", ")}`, "command");
  return EXIT.ok;
}

// ————— analyze / bundles —————

/** A plain non-negative decimal (no sign, no hex, no Infinity): what --factor-tol, --dead-tol and --eps accept. */
const NON_NEGATIVE_DECIMAL = /^\d*\.?\d+(e-?\d+)?$/i;

/** A "number or auto" flag: auto, or a plain decimal for which `ok` holds; else "--flag must be `what` or auto". */
function numberOrAuto(raw: string, flag: string, what: string, ok: (v: number) => boolean): number | "auto" {
  if (raw === "auto") return "auto";
  const v = Number(raw);
  if (!NON_NEGATIVE_DECIMAL.test(raw) || !ok(v)) throw new TegumError(`--${flag} must be ${what} or auto, got ${JSON.stringify(raw)}`, flag);
  return v;
}

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
  const eps = f.eps === undefined ? undefined : numberOrAuto(f.eps, "eps", "a positive number", (v) => v > 0);
  const factorTol = numberOrAuto(f["factor-tol"], "factor-tol", "a number in (0, 1)", (v) => v > 0 && v < 1);
  const deadTol = numberOrAuto(f["dead-tol"], "dead-tol", "a number in [0, 1)", (v) => v >= 0 && v < 1);
  if (f.bias !== undefined && f["no-bias"]) throw new TegumError("--bias and --no-bias contradict each other; give one", "bias");
  if (f.sparsity?.some((s) => s >= 1)) throw new TegumError("--sparsity values must be in [0, 1) (S = 1 means no feature is ever present)", "sparsity");
  const runBundles = which === "bundles" || !f["no-bundles"];
  const explicitBundles = which === "bundles" || ["k-max", "eps", "min-samples", "mode", "max-work"].some((k) => given.has(k as never));
  const reportDir = f.report !== undefined ? resolve(io.cwd, f.report) : undefined;

  const path = resolve(io.cwd, file);
  const src = openFileSource(path, file);
  let weights;
  let trained: NormalizedConfig | null = null;
  try {
    // A tegum model file says how it is stored and what it was trained on.
    const tf = openTegumFile(src, file);
    if (tf?.kind === "shard") throw new TegumError(`${file}: is a sweep shard; combine the shards with tegum merge, then analyse the merged model`, "file");
    if (tf) trained = JSON.parse(tf.metadata.config) as NormalizedConfig;
    const layout = (given.has("layout") || !tf ? f.layout : tf.metadata.layout ?? f.layout) as Layout;
    weights = readWeights(src, file, { tensor: f.tensor, bias: f["no-bias"] ? false : f.bias, layout, instance });
  } finally {
    src.close();
  }
  const { nFeatures: n, nHidden: m, source } = weights;
  if (f.sparsity && f.sparsity.length !== source.instanceCount) {
    throw new TegumError(`--sparsity has ${f.sparsity.length} values but ${file} holds ${source.instanceCount} instance${source.instanceCount === 1 ? "" : "s"}`, "sparsity");
  }
  if (which === "bundles" && m < 2) throw new TegumError(`${file}: bundles need m ≥ 2 hidden dimensions, W has m = ${m}`, "file");
  const modelSparsity = trained && trained.n === n && trained.m === m && trained.instances === source.instanceCount ? perInstanceSparsity(trained) : null;

  await init();
  const settings: AnalysisSettings = {
    factorTol,
    deadTol,
    shapeTol: f["shape-tol"],
    rankTol: f["rank-tol"],
    bundles: !runBundles ? "off" : explicitBundles ? "run" : "if-cheap",
    bundleOptions: {
      mode: f.mode as "hardened" | "faithful",
      ...(f["k-max"] !== undefined ? { maxK: f["k-max"] } : {}),
      ...(eps !== undefined ? { eps } : {}),
      ...(f["min-samples"] !== undefined ? { minSamples: f["min-samples"] } : {}),
      ...(f["max-work"] !== undefined ? { maxWork: f["max-work"] } : {}),
    },
  };
  const levels: { index: number; result: BundleResult }[] = [];
  let skipped = false;
  const instances = weights.instances.map((inst) => {
    const sparsity = f.sparsity ? f.sparsity[inst.index] : modelSparsity ? modelSparsity[inst.index] : null;
    let a;
    try {
      a = analyzeInstance({
        index: inst.index, W: inst.W, m, n, bias: inst.b ?? null, sparsity,
        importance: modelSparsity && trained ? trained.importance[inst.index] : null,
        label: sparsity === null ? `instance ${inst.index}` : `p = ${fmt(1 - sparsity)}`,
      }, settings);
    } catch (e) {
      if (e instanceof TegumError) throw new TegumError(`${file}: instance ${inst.index}: ${e.message}`, e.parameter);
      throw e;
    }
    if (a.skipped && !skipped) {
      io.stderr(`tegum ${which}: bundles skipped — ${a.skipped}\n`);
      skipped = true;
    }
    if (a.bundles !== "not-run") levels.push({ index: inst.index, result: a.bundles });
    return a.report;
  });
  const title = `${basename(file)}${source.tensor ? ` — ${source.tensor}` : ""}`;
  const model = modelReport("weights", title, n, m, { kind: "file", file, format: source.format, tensor: source.tensor, ...(source.bias ? { bias: source.bias } : {}), layout: source.layout, storedShape: source.storedShape }, instances);
  const report = makeReport(`tegum ${which}: ${basename(file)}`, [model], { version: version(), command: [which, ...argv].join(" ") });

  if (reportDir !== undefined) writeReportDir(reportDir, report);
  if (f.json) io.stdout(JSON.stringify(report) + "\n");
  else io.stdout(which === "analyze" ? analyzeText(report, weights.source) : bundlesText(report, levels));
  if (f.report !== undefined && !f.json) io.stdout(`wrote ${join(f.report, "index.html")} and ${join(f.report, "report.json")}\n`);
  return EXIT.ok;
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
  const dir = resolve(io.cwd, flags.out);
  const src = openFileSource(resolve(io.cwd, file), file);
  let text: string | null = null;
  let state = null;
  try {
    const tf = openTegumFile(src, file);
    if (tf) state = modelState(tf, file);
    else {
      if (src.size > 1 << 30) throw new TegumError(`${file}: ${src.size} bytes is too large for a report.json`, "file");
      text = new TextDecoder().decode(src.read(0, src.size));
      if (!text.trimStart().startsWith("{")) {
        throw new TegumError(`${file}: neither a tegum model file nor a report.json (for weights from elsewhere use tegum analyze FILE --report DIR)`, "file");
      }
    }
  } finally {
    src.close();
  }
  if (state) {
    await init();
    const result = resultOf(state);
    const cfg = result.config;
    const settings: AnalysisSettings = { ...defaultSettings(), bundles: flags["no-bundles"] ? "off" : "if-cheap" };
    const model = trainedModelReport(result, {
      id: "model", title: `${basename(file)}: n = ${cfg.n}, m = ${cfg.m}, ${cfg.instances} instance${cfg.instances === 1 ? "" : "s"}${result.step < cfg.steps ? ` (checkpoint at step ${result.step} of ${cfg.steps})` : ""}`,
      settings, onSkip: (msg) => io.stderr(`tegum report: bundles skipped — ${msg}\n`),
    });
    const report = makeReport(`tegum report: ${basename(file)}`, [model], { version: version(), command: ["report", ...argv].join(" ") });
    writeReportDir(dir, report);
    if (flags.json) io.stdout(JSON.stringify(report) + "\n");
    else {
      io.stdout(modelSummary(model));
      io.stdout(`wrote ${join(flags.out, "index.html")} and ${join(flags.out, "report.json")}\n`);
    }
    return EXIT.ok;
  }
  const report = validateReport(parseJson(text!, file), file);
  atomicWriteFile(join(dir, "index.html"), renderReport(report));
  if (flags.json) io.stdout(JSON.stringify({ wrote: [join(flags.out, "index.html")] }) + "\n");
  else io.stdout(`wrote ${join(flags.out, "index.html")}\n`);
  return EXIT.ok;
}

/** Usage lines of every command (for the README). */
export function usageLines(): string[] {
  return Object.values(COMMANDS).map((c) => usageLine(c.spec));
}
