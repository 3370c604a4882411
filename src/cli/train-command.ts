// `tegum train`: every option of the training API as flags (or a JSON config), a model file out
// (src/cli/model-file.ts), a progress bar on stderr, Ctrl-C → a resumable checkpoint and exit 130,
// `--resume FILE` to continue bit-exactly.
import { existsSync, statSync } from "node:fs";
import { basename, resolve } from "node:path";
import { atomicWriteFile } from "../atomic-write.js";
import { weightsDigest } from "../digest.js";
import { init } from "../entry/node.js";
import { TegumError } from "../errors.js";
import { makeReport } from "../report/build.js";
import type { Report } from "../report/schema.js";
import { encodeTensors } from "../tensor-file.js";
import type { NormalizedConfig } from "../train-config.js";
import type { TrainState } from "../train-state.js";
import type { TrainResult } from "../train.js";
import { defaultSettings, modelSummary, trainedModelReport, type AnalysisSettings } from "./analysis.js";
import { formatHelp, parseArgs, type CommandSpec, type FlagSpec } from "./args.js";
import { openFileSource } from "./file-source.js";
import { EXIT, seconds, version, writeReportDir, type Io } from "./io.js";
import { encodeModel, modelState, openTegumFile } from "./model-file.js";
import { progressBar } from "./progress.js";
import { CONFIG_FLAG_NAMES, configFromFlags, configFromJson, normalize, trainConfigFlags } from "./train-options.js";
import { checkOutputPath, trainInterruptible } from "./training.js";

export const runFlags = {
  workers: { type: "string", placeholder: "auto|N", default: "auto", description: "training threads: auto (every core for jobs of more than ~1 s), 0 (this thread) or N" },
  progress: { type: "string", choices: ["auto", "always", "never"], default: "auto", placeholder: "WHEN", description: "progress on stderr: auto (only on a terminal, never with --json), always, never" },
} as const satisfies Record<string, FlagSpec>;

export const trainSpec = {
  name: "train",
  summary: "Train toy models and write a model file (.safetensors: weights for PyTorch, resumable state).",
  positionals: [],
  flags: {
    ...trainConfigFlags,
    config: { type: "string", placeholder: "FILE", description: "the whole configuration as JSON (the library's TrainConfig; see tegum help sweep) instead of the flags above" },
    out: { type: "string", placeholder: "FILE", description: "model file to write: .safetensors (full, resumable), or .npy (W only) / .json (W and b) (default model.safetensors; with --resume, the resumed file)" },
    resume: { type: "string", placeholder: "FILE", description: "continue a checkpoint (a model file written by tegum train) bit-exactly to its configured steps" },
    report: { type: "string", placeholder: "DIR", description: "also analyse the result and write DIR/index.html and DIR/report.json" },
    "no-bundles": { type: "boolean", description: "skip the bundle finder in the summary" },
    ...runFlags,
    json: { type: "boolean", description: "print the analysed result as JSON (report schema v1) on stdout" },
    help: { type: "boolean", description: "show this help" },
  },
  details: [
    "Examples:",
    "  tegum train --features 5 --hidden 2 --instances 10 --p-falloff 20 --importance 0.9 --out intro.safetensors",
    "  tegum train --features 20 --hidden 5 --p 1,0.3,0.1,0.03,0.01 --importance 0.7 --seeds 4",
    "  tegum train --resume intro.safetensors        (after Ctrl-C: continues where the checkpoint stopped)",
    "",
    "The .safetensors model file holds W (instance, m, n), b (instance, n), loss (instance, step),",
    "feature_probability and importance (instance, n), training_state (u8: everything needed to resume),",
    "and the configuration in its metadata. In PyTorch: safetensors.torch.load_file(path)[\"W\"].",
    "Ctrl-C writes the state at the last finished chunk (1% of the steps) and exits with 130.",
  ].join("\n"),
} as const satisfies CommandSpec;

export function parseWorkers(raw: string): number | "auto" {
  if (raw === "auto") return "auto";
  if (!/^\d{1,3}$/.test(raw) || Number(raw) > 256) throw new TegumError(`--workers must be auto or an integer in [0, 256], got ${JSON.stringify(raw)}`, "workers");
  return Number(raw);
}

/** Reads and parses a JSON file (TegumError naming it on failure). */
export function readJsonFile(io: Io, file: string): unknown {
  const src = openFileSource(resolve(io.cwd, file), file);
  let text: string;
  try {
    if (src.size > 64 * 1024 * 1024) throw new TegumError(`${file}: ${src.size} bytes is too large for a configuration file`, "file");
    text = new TextDecoder("utf-8", { fatal: true }).decode(src.read(0, src.size));
  } catch (e) {
    if (e instanceof TegumError) throw e;
    throw new TegumError(`${file}: not UTF-8 text`, "file");
  } finally {
    src.close();
  }
  return parseJson(text, file);
}

/** JSON.parse with a TegumError naming the file. */
export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new TegumError(`${file}: not valid JSON (${(e as Error).message})`, "file");
  }
}

/** Loads the training state of a tegum model file. */
export function loadModelState(io: Io, file: string): TrainState {
  const src = openFileSource(resolve(io.cwd, file), file);
  try {
    const tf = openTegumFile(src, file);
    if (tf === null) throw new TegumError(`${file}: not a tegum model file (no tegum metadata); --resume takes a .safetensors written by tegum train`, "resume");
    return modelState(tf, file);
  } finally {
    src.close();
  }
}

/** The bytes of a trained result in the format of `out`'s extension. */
export function encodeResult(result: TrainResult, ext: string): Uint8Array {
  if (ext === ".safetensors") return encodeModel(result, version());
  const { n, m, instances: I } = result.config;
  const W = new Float32Array(I * m * n);
  result.instances.forEach((x, i) => W.set(x.W, i * m * n));
  if (ext === ".npy") return encodeTensors("npy", { W: { shape: [I, m, n], data: W } });
  const b = new Float32Array(I * n);
  result.instances.forEach((x, i) => b.set(x.b, i * n));
  return encodeTensors("json", { W: { shape: [I, m, n], data: W }, b: { shape: [I, n], data: b } });
}

export function checkNotDirectory(path: string, label: string, flag: string): void {
  if (existsSync(path) && statSync(path).isDirectory()) throw new TegumError(`--${flag} ${label}: is a directory; give a file name`, flag);
}

export async function trainCommand(argv: string[], io: Io): Promise<number> {
  const { flags: f, given } = parseArgs(argv, trainSpec);
  if (f.help) {
    io.stdout(formatHelp(trainSpec));
    return EXIT.ok;
  }
  const workers = parseWorkers(f.workers);
  const configFlags = CONFIG_FLAG_NAMES.filter((k) => given.has(k));
  let start: { config: NormalizedConfig } | { state: TrainState };
  let outLabel: string;
  if (f.resume !== undefined) {
    const clash = [...configFlags, ...(f.config !== undefined ? ["config"] : [])];
    if (clash.length) throw new TegumError(`--resume continues the configuration saved in ${f.resume}; --${clash[0]} cannot be changed (leave it out)`, clash[0]);
    outLabel = f.out ?? f.resume;
  } else {
    outLabel = f.out ?? "model.safetensors";
    if (f.config !== undefined && configFlags.length) throw new TegumError(`--config ${f.config} holds the whole configuration; --${configFlags[0]} cannot be combined with it`, configFlags[0]);
  }
  if (f.resume !== undefined) start = { state: loadModelState(io, f.resume) };
  else if (f.config !== undefined) start = { config: normalize(configFromJson(readJsonFile(io, f.config), f.config), { file: f.config }) };
  else start = { config: normalize(configFromFlags(f), {}) };
  const ext = checkOutputPath(outLabel, "out", [".safetensors", ".npy", ".json"]);
  const outPath = resolve(io.cwd, outLabel);
  checkNotDirectory(outPath, outLabel, "out");
  const settings: AnalysisSettings = { ...defaultSettings(), bundles: f["no-bundles"] ? "off" : "if-cheap" };

  await init();
  const cfg = "config" in start ? start.config : start.state.config;
  const from = "state" in start ? start.state.step : 0;
  const interrupts = io.interrupts?.();
  const progress = progressBar(io.stderr, { mode: f.progress as "auto", isTTY: io.isTTY, json: f.json, label: "training", columns: io.columns });
  let run;
  try {
    run = await trainInterruptible(start, { progress, workers, signal: interrupts?.signal });
  } finally {
    interrupts?.dispose();
  }
  const { result } = run;
  if (run.interrupted) {
    // The checkpoint is always a full model file: next to a .npy/.json output, as FILE.checkpoint.safetensors.
    const ckLabel = ext === ".safetensors" ? outLabel : `${outLabel}.checkpoint.safetensors`;
    atomicWriteFile(resolve(io.cwd, ckLabel), encodeModel(result, version()));
    io.stderr(`tegum train: interrupted at step ${result.step} of ${cfg.steps}; checkpoint written to ${ckLabel}\n` +
      `  continue with: tegum train --resume ${ckLabel}\n`);
    if (f.json) io.stdout(JSON.stringify({ interrupted: true, step: result.step, steps: cfg.steps, checkpoint: ckLabel }) + "\n");
    return EXIT.interrupted;
  }

  atomicWriteFile(outPath, encodeResult(result, ext));
  const model = trainedModelReport(result, {
    id: "model", title: `${basename(outLabel)}: n = ${cfg.n}, m = ${cfg.m}, ${cfg.instances} instance${cfg.instances === 1 ? "" : "s"}`, settings,
    onSkip: (msg) => io.stderr(`tegum train: bundles skipped — ${msg}\n`),
  });
  const report: Report = makeReport(`tegum train: ${basename(outLabel)}`, [model], { version: version(), command: ["train", ...argv].join(" ") });
  if (f.report !== undefined) writeReportDir(resolve(io.cwd, f.report), report);
  if (f.json) io.stdout(JSON.stringify(report) + "\n");
  else {
    const what = from > 0 ? `resumed at step ${from}, trained to step ${result.step}` : `trained ${result.step} steps`;
    io.stdout(`${what}: ${cfg.instances} instance${cfg.instances === 1 ? "" : "s"} × ${cfg.seeds} seed${cfg.seeds === 1 ? "" : "s"} of n = ${cfg.n}, m = ${cfg.m} (${cfg.model}) in ${seconds(run.elapsedMs)}\n`);
    io.stdout(modelSummary(report.models[0]));
    io.stdout(`weights digest ${weightsDigest(result.instances)} (the explorable page shows the same for the same settings)\n`);
    io.stdout(`wrote ${outLabel}${f.report !== undefined ? ` and ${f.report}/index.html, report.json` : ""}\n`);
  }
  return EXIT.ok;
}
