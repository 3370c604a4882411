// `tegum phase`: the phase diagrams of TMS "The Phase Change" (src/phase.ts) as text grids, JSON
// (report schema v1, `phaseDiagrams`) and an HTML report; `--trained` adds the trained map.
import { resolve } from "node:path";
import { init } from "../entry/node.js";
import { TegumError } from "../errors.js";
import { analyticPhaseDiagram, trainedPhaseDiagram, type FeatureClass, type PhaseProblem } from "../phase.js";
import { makeReport } from "../report/build.js";
import type { PhaseDiagramReport } from "../report/schema.js";
import { fmt } from "../report/svg.js";
import { formatHelp, parseArgs, type CommandSpec } from "./args.js";
import { EXIT, seconds, version, writeReportDir, type Io } from "./io.js";
import { progressBar } from "./progress.js";
import { parseWorkers, runFlags } from "./train-command.js";

export const phaseSpec = {
  name: "phase",
  summary: "Phase diagrams: which geometry wins as feature density and the extra feature's relative importance vary.",
  positionals: [],
  flags: {
    problem: { type: "string", choices: ["2-1", "3-2", "all"], default: "all", description: "2-1: n = 2 features in m = 1 dimension; 3-2: n = 3 in m = 2; all: both" },
    densities: { type: "numbers", min: 0, max: 1, open: false, placeholder: "p,p,…", description: "feature densities p (rows; default 100^(−linspace(0, 1, 10)): 1 … 0.01)" },
    importances: { type: "numbers", min: 0, placeholder: "r,r,…", description: "relative importances r of the extra feature (columns; default 10^linspace(−1, 1, 10): 0.1 … 10)" },
    trained: { type: "boolean", description: "also train every cell (best of --seeds) and compare with the analytic map" },
    steps: { type: "int", min: 1, max: 10_000_000, description: "training steps per cell with --trained (default 10000)" },
    seeds: { type: "int", min: 1, max: 1024, description: "best of N seeds per cell with --trained (default 4)" },
    seed: { type: "int", min: 0, max: 0xffffffff, description: "seed with --trained (default 0)" },
    batch: { type: "int", min: 1, max: 1 << 20, description: "rows per step with --trained (default 1024)" },
    ...runFlags,
    report: { type: "string", placeholder: "DIR", description: "write DIR/index.html and DIR/report.json" },
    json: { type: "boolean", description: "print the diagrams as JSON (report schema v1, phaseDiagrams)" },
    help: { type: "boolean", description: "show this help" },
  },
  details: "Example: tegum phase --trained --steps 4000 --report phase-report",
} as const satisfies CommandSpec;

const SYMBOL: Record<FeatureClass, string> = { dropped: "·", dedicated: "D", superposed: "S" };

function grid(pd: PhaseDiagramReport, cells: FeatureClass[][], other?: FeatureClass[][]): string[] {
  const rowLabels = pd.densities.map((p) => fmt(p, 2));
  const w = Math.max(7, ...rowLabels.map((x) => x.length));
  const colW = Math.max(4, ...pd.importances.map((r) => fmt(r, 2).length)) + 1;
  const lines = [`${"p \\ r".padStart(w)} ${pd.importances.map((r) => fmt(r, 2).padStart(colW - 1) + " ").join("")}`];
  for (let d = pd.densities.length - 1; d >= 0; d--) {
    lines.push(`${rowLabels[d].padStart(w)} ${cells[d].map((x, r) => SYMBOL[x].padStart(colW - 1) + (other && other[d][r] !== x ? "!" : " ")).join("")}`);
  }
  return lines.map((l) => l.trimEnd());
}

export async function phaseCommand(argv: string[], io: Io): Promise<number> {
  const { flags: f, given } = parseArgs(argv, phaseSpec);
  if (f.help) {
    io.stdout(formatHelp(phaseSpec));
    return EXIT.ok;
  }
  const workers = parseWorkers(f.workers);
  const trainingFlags = (["steps", "seeds", "seed", "batch"] as const).filter((k) => given.has(k));
  if (!f.trained && trainingFlags.length) throw new TegumError(`--${trainingFlags[0]} only applies with --trained`, trainingFlags[0]);
  if (f.densities?.some((p) => p <= 0)) throw new TegumError("--densities values must be in (0, 1]", "densities");
  const problems: PhaseProblem[] = f.problem === "all" ? ["2-1", "3-2"] : [f.problem as PhaseProblem];
  const gridOptions = { ...(f.densities ? { densities: f.densities } : {}), ...(f.importances ? { importances: f.importances } : {}) };
  const steps = f.steps ?? 10_000, seeds = f.seeds ?? 4, seed = f.seed ?? 0;

  const t0 = performance.now();
  const diagrams: PhaseDiagramReport[] = [];
  for (const problem of problems) {
    const a = analyticPhaseDiagram(problem, gridOptions);
    const [n, m] = problem === "2-1" ? [2, 1] : [3, 2];
    const pd: PhaseDiagramReport = { problem, nFeatures: n, nHidden: m, densities: a.densities, importances: a.importances, analytic: a.phases, winners: a.winners };
    if (f.trained) {
      await init();
      const progress = progressBar(io.stderr, { mode: f.progress as "auto", isTTY: io.isTTY, json: f.json, label: `phase ${problem}`, columns: io.columns });
      try {
        const t = await trainedPhaseDiagram(problem, {
          ...gridOptions, steps, seeds, seed, ...(f.batch !== undefined ? { batch: f.batch } : {}), workers,
          onProgress: (p) => progress.update(p.step, p.steps, p.loss.reduce((s, x) => s + x, 0) / p.loss.length, p.stepsPerSecond),
        });
        pd.trained = t.cells.map((row) => row.map((c) => c.phase));
        pd.training = { steps, seeds, seed };
      } finally {
        progress.done();
      }
    }
    diagrams.push(pd);
  }
  const report = makeReport("tegum phase: phase diagrams of the toy model", [], { version: version(), command: ["phase", ...argv].join(" ") });
  report.phaseDiagrams = diagrams;
  if (f.report !== undefined) writeReportDir(resolve(io.cwd, f.report), report);
  if (f.json) {
    io.stdout(JSON.stringify(report) + "\n");
    return EXIT.ok;
  }
  const out: string[] = [];
  for (const pd of diagrams) {
    out.push(`n = ${pd.nFeatures} features → m = ${pd.nHidden} dimension${pd.nHidden === 1 ? "" : "s"}: the extra feature (importance r, the others 1) is · dropped, D dedicated, S in superposition`);
    const a = grid(pd, pd.analytic);
    if (pd.trained) {
      const t = grid(pd, pd.trained, pd.analytic);
      const width = Math.max(...a.map((l) => l.length));
      out.push(`${"analytic (lowest exact loss)".padEnd(width)}   trained (best of ${seeds}, ${steps} steps; ! = differs)`);
      a.forEach((line, k) => out.push(`${line.padEnd(width)}   ${t[k]}`));
      const differ = pd.trained.flat().filter((x, k) => x !== pd.analytic.flat()[k]).length;
      out.push(`${differ} of ${pd.densities.length * pd.importances.length} cells differ (near phase boundaries the losses are close)`);
    } else out.push(...a);
    out.push("");
  }
  if (f.trained) out.push(`trained in ${seconds(performance.now() - t0)}`);
  if (f.report !== undefined) out.push(`wrote ${f.report}/index.html and ${f.report}/report.json`);
  io.stdout(out.join("\n") + (out[out.length - 1] === "" ? "" : "\n"));
  return EXIT.ok;
}
