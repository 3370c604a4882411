// `tegum demo`: the paper's two small sweeps trained side by side (both cores), analysed, bundles found,
// the report written (tegum-report/index.html + report.json) and a summary table printed.
//   intro             n = 5, m = 2, I = 10, importance 0.9^i, p = 20^(−linspace(0, 1, 10))
//   varying sparsity  n = 20, m = 5, importance 0.7^i, p ∈ {1, .3, .1, .03, .01, .003, .001}
// Both: 10 000 steps, batch 1024, AdamW lr 1e-3 (the official notebook), best of DEMO_SEEDS seeds.
import { resolve } from "node:path";
import { init } from "../entry/node.js";
import { makeReport } from "../report/build.js";
import { falloff, geometric } from "../sweeps.js";
import type { TrainConfig } from "../train-config.js";
import { train, type TrainResult } from "../train.js";
import { defaultSettings, modelSummary, trainedModelReport } from "./analysis.js";
import { formatHelp, parseArgs, type CommandSpec } from "./args.js";
import { EXIT, seconds, version, writeReportDir, type Io } from "./io.js";
import { progressBar } from "./progress.js";
import { normalize } from "./train-options.js";
import { parseWorkers, runFlags } from "./train-command.js";

/** Replicas per instance in the demo: what fits the 30 s budget on two cores. */
export const DEMO_SEEDS = 2;
export const DEMO_STEPS = 10_000;

export const demoSpec = {
  name: "demo",
  summary: "Train the intro sweep (n=5, m=2) and the varying-sparsity sweep (n=20, m=5), analyse them and write the report.",
  positionals: [],
  flags: {
    out: { type: "string", placeholder: "DIR", default: "tegum-report", description: "output directory (index.html, report.json)" },
    steps: { type: "int", min: 1, max: 10_000_000, description: `training steps (default ${DEMO_STEPS})` },
    seed: { type: "int", min: 0, max: 0xffffffff, description: "seed (default 0)" },
    seeds: { type: "int", min: 1, max: 64, description: `best of N seeds per instance (default ${DEMO_SEEDS})` },
    ...runFlags,
    json: { type: "boolean", description: "print the report (schema v1) as JSON on stdout instead of the summary" },
    help: { type: "boolean", description: "show this help" },
  },
  details: "Takes about 10 s on two idle cores. Open DIR/index.html in a browser; DIR/report.json has the numbers.",
} as const satisfies CommandSpec;

export function demoConfigs(steps: number, seed: number, seeds: number): { intro: TrainConfig; sparsity: TrainConfig } {
  const snapshotEvery = Math.max(1, Math.round(steps / 50));
  const common = { steps, batch: 1024, lr: 1e-3, seed, seeds, snapshotEvery };
  return {
    intro: { n: 5, m: 2, instances: 10, p: Array.from(falloff(10, 20)), importance: Array.from(geometric(5, 0.9)), ...common },
    sparsity: { n: 20, m: 5, instances: 7, p: [1, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001], importance: Array.from(geometric(20, 0.7)), ...common },
  };
}

export async function demoCommand(argv: string[], io: Io): Promise<number> {
  const { flags: f } = parseArgs(argv, demoSpec);
  if (f.help) {
    io.stdout(formatHelp(demoSpec));
    return EXIT.ok;
  }
  const workers = parseWorkers(f.workers);
  const steps = f.steps ?? DEMO_STEPS, seed = f.seed ?? 0, seeds = f.seeds ?? DEMO_SEEDS;
  const configs = demoConfigs(steps, seed, seeds);
  const intro = normalize(configs.intro, {}), sparsity = normalize(configs.sparsity, {});
  const outDir = resolve(io.cwd, f.out);

  await init();
  const t0 = performance.now();
  const progress = progressBar(io.stderr, { mode: f.progress as "auto", isTTY: io.isTTY, json: f.json, label: "demo", columns: io.columns });
  // Both sweeps at once; each splits its runs over the cores (4 threads on 2 cores balance well).
  // Its own "auto", not the library's (which sizes each job alone): the two trainings run at once.
  const cores = io.cores ?? 1;
  const w = (cfg: typeof intro) => (workers === "auto" ? (cores > 1 ? Math.min(cores, cfg.instances * cfg.seeds) : 0) : workers);
  const weight = [intro.instances * intro.seeds * intro.n, sparsity.instances * sparsity.seeds * sparsity.n];
  const reached = [0, 0];
  const show = () => {
    const frac = (weight[0] * reached[0] + weight[1] * reached[1]) / ((weight[0] + weight[1]) * steps);
    const elapsed = (performance.now() - t0) / 1000;
    progress.update(Math.round(frac * steps), steps, NaN, elapsed > 0 ? (frac * steps) / elapsed : 0);
  };
  const on = (k: number) => (p: { step: number }) => {
    reached[k] = p.step;
    show();
  };
  let results: [TrainResult, TrainResult];
  try {
    results = await Promise.all([
      train(configs.intro, { workers: w(intro), onProgress: on(0) }),
      train(configs.sparsity, { workers: w(sparsity), onProgress: on(1) }),
    ]);
  } finally {
    progress.done();
  }
  const trainedMs = performance.now() - t0;
  const settings = defaultSettings();
  const skip = (msg: string) => io.stderr(`tegum demo: bundles skipped — ${msg}\n`);
  const a = trainedModelReport(results[0], { id: "intro", title: "Intro: 5 features in 2 dimensions", settings, onSkip: skip });
  const b = trainedModelReport(results[1], { id: "sparsity", title: "Varying sparsity: 20 features in 5 dimensions", settings, onSkip: skip });
  a.description = `The paper's first experiment: n = 5 features of importance 0.9^i squeezed into m = 2 hidden dimensions, one instance per feature probability p = 20^(−linspace(0, 1, 10)) (1 down to 0.05). ` +
    `Dense data keep the two most important features at right angles and drop the rest; as p falls the model packs more features as antipodal pairs and finally all five as a pentagon. ` +
    `${steps} steps, batch 1024, AdamW lr 1e-3, best of ${seeds} seed${seeds === 1 ? "" : "s"} (lowest final loss) per instance.`;
  b.description = `The paper's "varying sparsity" figure: n = 20 features of importance 0.7^i in m = 5 dimensions, p ∈ {1, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001}. ` +
    `Dense data keep exactly the 5 most important features, orthogonal; sparser data represent more and more features in superposition, first as antipodal pairs, then in larger shapes. ` +
    `${steps} steps, batch 1024, AdamW lr 1e-3, best of ${seeds} seed${seeds === 1 ? "" : "s"} per instance.`;
  const report = makeReport("tegum demo: toy models of superposition", [a, b], { version: version(), command: ["demo", ...argv].join(" ") });
  writeReportDir(outDir, report);
  const totalMs = performance.now() - t0;

  if (f.json) {
    io.stdout(JSON.stringify(report) + "\n");
    return EXIT.ok;
  }
  const out: string[] = [];
  out.push(`tegum demo — ${steps} steps, batch 1024, best of ${seeds} seed${seeds === 1 ? "" : "s"}; trained in ${seconds(trainedMs)}, analysed in ${seconds(totalMs - trainedMs)}`);
  out.push("");
  out.push("Intro: n = 5 features in m = 2 dimensions, importance 0.9^i, p = 20^(−linspace(0, 1, 10))");
  out.push(modelSummary(a));
  out.push("Varying sparsity: n = 20 features in m = 5 dimensions, importance 0.7^i");
  out.push(modelSummary(b));
  out.push("kept: features with ‖W_i‖ > 0.5; D_i: their dimensionalities (1/2 antipodal pair or square, 2/5 pentagon, 1 a dimension of its own)");
  out.push(`wrote ${f.out}/index.html (open it in a browser) and ${f.out}/report.json in ${seconds(totalMs)}`);
  io.stdout(out.join("\n") + "\n");
  return EXIT.ok;
}
