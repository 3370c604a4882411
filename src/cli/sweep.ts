// `tegum sweep CONFIG --shard i/N` and `tegum merge SHARDS... --out FILE`: a sweep spread over machines.
//
// Every run (instance, replica) of a configuration is independent: its data and initialisation are
// pure functions of (seed, instance, replica, step). Shard i of N trains instances
// [⌊i·I/N⌋, ⌊(i+1)·I/N⌋) — all their replicas — with the library's `train(config, { instances })` (the
// same bits as `tegum train`; workers when it pays), and writes their parameters, Adam moments and
// losses (and, with snapshots, the shard's partial training state). `tegum merge`
// checks that the shards are one complete set of the same configuration and writes the model file
// `tegum train --config CONFIG` would have written, byte for byte.
import { readdirSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { atomicWriteFile } from "../atomic-write.js";
import { init } from "../entry/node.js";
import { TegumError } from "../errors.js";
import { makeReport } from "../report/build.js";
import { mergeStates, type TrainState } from "../train-state.js";
import { resultOf } from "../train.js";
import { defaultSettings, modelSummary, trainedModelReport } from "./analysis.js";
import { formatHelp, parseArgs, type CommandSpec } from "./args.js";
import { openFileSource } from "./file-source.js";
import { EXIT, seconds, version, writeReportDir, type Io } from "./io.js";
import { encodeModel, encodeShard, instanceRange, openTegumFile, shardInfo, shardState, type ShardInfo } from "./model-file.js";
import { progressBar } from "./progress.js";
import { checkNotDirectory, readJsonFile } from "./train-command.js";
import { configFromJson, normalize } from "./train-options.js";
import { checkOutputPath, trainInterruptible } from "./training.js";

export const sweepSpec = {
  name: "sweep",
  summary: "Train one shard of the sweep in CONFIG (a JSON training configuration); combine the shards with tegum merge.",
  positionals: [{ name: "CONFIG", description: "the training configuration as JSON (see below)", required: true }],
  flags: {
    shard: { type: "string", placeholder: "i/N", description: "train shard i (0-based) of N; default from SLURM_ARRAY_TASK_ID (minus SLURM_ARRAY_TASK_MIN) / SLURM_ARRAY_TASK_COUNT, or JOB_COMPLETION_INDEX / --shards (Kubernetes Indexed Job), else 0/1 (everything)" },
    shards: { type: "int", min: 1, max: 1 << 16, placeholder: "N", description: "the shard count N when the index comes from JOB_COMPLETION_INDEX (or set TEGUM_SHARDS)" },
    out: { type: "string", placeholder: "FILE", description: "shard file to write (default CONFIG-NAME.shard-i-of-N.safetensors in the current directory)" },
    progress: { type: "string", choices: ["auto", "always", "never"], default: "auto", placeholder: "WHEN", description: "progress on stderr: auto (only on a terminal, never with --json), always, never" },
    json: { type: "boolean", description: 'print {"shard", "instances", "runs", "out"} as JSON' },
    help: { type: "boolean", description: "show this help" },
  },
  details: [
    "CONFIG is the library's TrainConfig as JSON: n, m, model, instances, p, importance, correlated,",
    "anticorrelated, batch, steps, lr, schedule, warmup, optimizer, weightDecay, betas, eps, init, seed,",
    'seeds, snapshotEvery, maxSnapshots; with "p": {"falloff": 20} for p = 20^(−linspace(0, 1, I)),',
    '"sparsity": [S, …] instead of p, "importance": {"geometric": 0.9} or {"falloff": 100}. Example:',
    '  {"n": 20, "m": 5, "instances": 7, "p": [1, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001],',
    '   "importance": {"geometric": 0.7}, "seeds": 4}',
    "Shard i of N trains instances ⌊i·I/N⌋ … ⌊(i+1)·I/N⌋ − 1 (on every core when it pays); tegum merge then writes exactly",
    "the model file of tegum train --config CONFIG.",
  ].join("\n"),
} as const satisfies CommandSpec;

export const mergeSpec = {
  name: "merge",
  summary: "Combine sweep shards into the model file of the unsharded run.",
  positionals: [{ name: "SHARDS", description: "shard files, or directories holding them", required: true, variadic: true }],
  flags: {
    out: { type: "string", placeholder: "FILE", description: "merged model file (.safetensors; default model.safetensors)" },
    report: { type: "string", placeholder: "DIR", description: "also write DIR/index.html and DIR/report.json" },
    "no-bundles": { type: "boolean", description: "skip the bundle finder in the summary" },
    json: { type: "boolean", description: "print the analysed merged model as JSON (report schema v1)" },
    help: { type: "boolean", description: "show this help" },
  },
} as const satisfies CommandSpec;

/** Instances [lo, hi) of shard `index` of `count` over `instances`. */
export function shardRange(index: number, count: number, instances: number): [number, number] {
  return [Math.floor((index * instances) / count), Math.floor(((index + 1) * instances) / count)];
}

const INT = /^\d{1,9}$/;

/** The shard from --shard, else the scheduler's environment, else 0/1. */
export function resolveShard(shard: string | undefined, shards: number | undefined, env: Record<string, string | undefined>): { index: number; count: number; from: string } {
  let index: number, count: number, from: string;
  if (shard !== undefined) {
    const m = /^(\d{1,9})\/(\d{1,9})$/.exec(shard);
    if (!m) throw new TegumError(`--shard must be i/N with 0 ≤ i < N (e.g. 0/4), got ${JSON.stringify(shard)}`, "shard");
    [index, count, from] = [Number(m[1]), Number(m[2]), "--shard"];
    if (shards !== undefined && shards !== count) throw new TegumError(`--shard ${shard} and --shards ${shards} disagree on the shard count`, "shards");
  } else if (env.SLURM_ARRAY_TASK_ID !== undefined) {
    const id = env.SLURM_ARRAY_TASK_ID, min = env.SLURM_ARRAY_TASK_MIN ?? "0", n = env.SLURM_ARRAY_TASK_COUNT;
    if (!INT.test(id) || !INT.test(min)) throw new TegumError(`SLURM_ARRAY_TASK_ID=${JSON.stringify(id)} / SLURM_ARRAY_TASK_MIN=${JSON.stringify(min)} are not integers`, "shard");
    if (n === undefined && shards === undefined) throw new TegumError("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not; give --shards N or --shard i/N", "shards");
    if (n !== undefined && !INT.test(n)) throw new TegumError(`SLURM_ARRAY_TASK_COUNT=${JSON.stringify(n)} is not an integer`, "shard");
    [index, count, from] = [Number(id) - Number(min), shards ?? Number(n), "SLURM_ARRAY_TASK_ID"];
  } else if (env.JOB_COMPLETION_INDEX !== undefined) {
    const id = env.JOB_COMPLETION_INDEX, n = shards !== undefined ? String(shards) : env.TEGUM_SHARDS;
    if (!INT.test(id)) throw new TegumError(`JOB_COMPLETION_INDEX=${JSON.stringify(id)} is not an integer`, "shard");
    if (n === undefined) throw new TegumError("JOB_COMPLETION_INDEX is set but the shard count is not: give --shards N (the Job's completions) or set TEGUM_SHARDS", "shards");
    if (!INT.test(n)) throw new TegumError(`TEGUM_SHARDS=${JSON.stringify(n)} is not an integer`, "shards");
    [index, count, from] = [Number(id), Number(n), "JOB_COMPLETION_INDEX"];
  } else {
    [index, count, from] = [0, shards ?? 1, "default"];
    if (count !== 1) throw new TegumError(`--shards ${count} needs a shard index: --shard i/${count}, or JOB_COMPLETION_INDEX / SLURM_ARRAY_TASK_ID in the environment`, "shard");
  }
  if (!(count >= 1) || !(index >= 0) || index >= count) {
    throw new TegumError(`the shard must satisfy 0 ≤ i < N, got ${index}/${count} (from ${from})`, "shard");
  }
  return { index, count, from };
}

export async function sweepCommand(argv: string[], io: Io): Promise<number> {
  const { flags: f, positionals } = parseArgs(argv, sweepSpec);
  if (f.help) {
    io.stdout(formatHelp(sweepSpec));
    return EXIT.ok;
  }
  const file = positionals[0];
  const shard = resolveShard(f.shard, f.shards, io.env);
  const cfg = normalize(configFromJson(readJsonFile(io, file), file), { file });
  if (shard.count > cfg.instances) {
    throw new TegumError(`shard ${shard.index}/${shard.count}: the sweep in ${file} has ${cfg.instances} instance${cfg.instances === 1 ? "" : "s"}, so at most ${cfg.instances} shards make sense`, "shard");
  }
  const stem = basename(file).replace(/\.json$/i, "");
  const outLabel = f.out ?? `${stem}.shard-${shard.index}-of-${shard.count}.safetensors`;
  checkOutputPath(outLabel, "out", [".safetensors"]);
  const outPath = resolve(io.cwd, outLabel);
  checkNotDirectory(outPath, outLabel, "out");
  const [lo, hi] = shardRange(shard.index, shard.count, cfg.instances);

  await init();
  const t0 = performance.now();
  const progress = progressBar(io.stderr, { mode: f.progress as "auto", isTTY: io.isTTY, json: f.json, label: `shard ${shard.index}/${shard.count}`, columns: io.columns });
  const { state } = (await trainInterruptible({ config: cfg }, { progress, workers: "auto", instances: instanceRange(lo, hi) })).result;
  const { runs, loss } = state;
  atomicWriteFile(outPath, encodeShard({ config: cfg, index: shard.index, count: shard.count, lo, hi, step: cfg.steps }, runs, loss, version(), state));
  const summary = { shard: `${shard.index}/${shard.count}`, from: shard.from, instances: [lo, hi], runs: runs.length, out: outLabel };
  if (f.json) io.stdout(JSON.stringify(summary) + "\n");
  else io.stdout(`shard ${shard.index}/${shard.count} (${shard.from}): instances ${lo}…${hi - 1} × ${cfg.seeds} seed${cfg.seeds === 1 ? "" : "s"}, ${cfg.steps} steps in ${seconds(performance.now() - t0)}; wrote ${outLabel}\n`);
  return EXIT.ok;
}

function isShard(path: string): boolean {
  let src;
  try {
    src = openFileSource(path);
  } catch {
    return false;
  }
  try {
    return openTegumFile(src, path)?.kind === "shard";
  } catch {
    return false;
  } finally {
    src.close();
  }
}

/** Shard files named on the command line: files as given, directories expanded to their .safetensors. */
function shardFiles(io: Io, args: string[]): string[] {
  const out: string[] = [];
  for (const a of args) {
    const p = resolve(io.cwd, a);
    let dir = false;
    try {
      dir = statSync(p).isDirectory();
    } catch {
      throw new TegumError(`${a}: cannot read (no such file or directory)`, "file");
    }
    if (!dir) out.push(a);
    else {
      // Every shard in the directory; other .safetensors files (e.g. an earlier merged model) are passed over.
      const names = readdirSync(p).filter((x) => x.toLowerCase().endsWith(".safetensors")).sort().filter((x) => isShard(join(p, x)));
      if (names.length === 0) throw new TegumError(`${a}: directory holds no tegum sweep shards (.safetensors written by tegum sweep)`, "file");
      out.push(...names.map((x) => join(a, x)));
    }
  }
  return out;
}

export async function mergeCommand(argv: string[], io: Io): Promise<number> {
  const { flags: f, positionals } = parseArgs(argv, mergeSpec);
  if (f.help) {
    io.stdout(formatHelp(mergeSpec));
    return EXIT.ok;
  }
  const outLabel = f.out ?? "model.safetensors";
  checkOutputPath(outLabel, "out", [".safetensors"]);
  const outPath = resolve(io.cwd, outLabel);
  checkNotDirectory(outPath, outLabel, "out");
  const files = shardFiles(io, positionals);
  const shards: { file: string; info: ShardInfo; state: TrainState }[] = [];
  for (const file of files) {
    const src = openFileSource(resolve(io.cwd, file), file);
    try {
      const tf = openTegumFile(src, file);
      if (tf === null) throw new TegumError(`${file}: not a tegum sweep shard (write shards with tegum sweep CONFIG --shard i/N)`, "file");
      const info = shardInfo(tf, file);
      const first = shards[0];
      if (first && info.configJson !== first.info.configJson) throw new TegumError(`${file}: belongs to a different sweep than ${first.file} (the configurations differ)`, "file");
      if (first && info.count !== first.info.count) throw new TegumError(`${file}: is shard ${info.index}/${info.count}, but ${first.file} is of ${first.info.count} shards`, "file");
      const twin = shards.find((s) => s.info.index === info.index);
      if (twin) throw new TegumError(`${file}: shard ${info.index}/${info.count} is given twice (also ${twin.file})`, "file");
      const [lo, hi] = shardRange(info.index, info.count, info.config.instances);
      if (info.lo !== lo || info.hi !== hi || info.step !== info.config.steps) throw new TegumError(`${file}: not a valid tegum sweep shard (instances [${info.lo}, ${info.hi}) at step ${info.step}, expected [${lo}, ${hi}) at step ${info.config.steps})`, "file");
      shards.push({ file, info, state: shardState(tf, info, file) });
    } finally {
      src.close();
    }
  }
  const { count, config: cfg } = shards[0].info;
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !shards.some((s) => s.info.index === i));
  if (missing.length) throw new TegumError(`missing shard${missing.length === 1 ? "" : "s"} ${missing.map((i) => `${i}/${count}`).join(", ")} of the sweep in ${shards[0].file}; give every shard`, "file");

  shards.sort((a, b) => a.info.index - b.info.index);
  await init();
  let result;
  try {
    result = resultOf(mergeStates(shards.map((s) => s.state)));
  } catch (e) {
    if (e instanceof TegumError) throw new TegumError(`${shards[0].file}: the shards do not form a valid training state (${e.message})`, "file");
    throw e;
  }
  atomicWriteFile(outPath, encodeModel(result, version()));
  const settings = { ...defaultSettings(), bundles: f["no-bundles"] ? ("off" as const) : ("if-cheap" as const) };
  const model = trainedModelReport(result, {
    id: "model", title: `${basename(outLabel)}: n = ${cfg.n}, m = ${cfg.m}, ${cfg.instances} instances (merged from ${count} shards)`, settings,
    onSkip: (msg) => io.stderr(`tegum merge: bundles skipped — ${msg}\n`),
  });
  const report = makeReport(`tegum merge: ${basename(outLabel)}`, [model], { version: version(), command: ["merge", ...argv].join(" ") });
  if (f.report !== undefined) writeReportDir(resolve(io.cwd, f.report), report);
  if (f.json) io.stdout(JSON.stringify(report) + "\n");
  else {
    io.stdout(`merged ${count} shard${count === 1 ? "" : "s"}: ${cfg.instances} instances × ${cfg.seeds} seed${cfg.seeds === 1 ? "" : "s"} of n = ${cfg.n}, m = ${cfg.m}\n`);
    io.stdout(modelSummary(model));
    io.stdout(`wrote ${outLabel}${f.report !== undefined ? ` and ${f.report}/index.html, report.json` : ""}\n`);
  }
  return EXIT.ok;
}
