// Training for the CLI: the library's train/resume in one call; an interrupt (Ctrl-C) aborts it and
// the TrainAbortError carries the state at the last finished chunk (resuming is bit-exact wherever
// training stopped). Also the worker choice and the progress bar hookup.
import { TegumError } from "../errors.js";
import type { NormalizedConfig, TrainConfig } from "../train-config.js";
import type { TrainState } from "../train-state.js";
import { resume, train, TrainAbortError, type TrainResult } from "../train.js";
import type { ProgressSink } from "./progress.js";

export interface TrainRunOptions {
  progress: ProgressSink;
  /** A number, or "auto": both cores when the job is big enough to pay for the workers. */
  workers: number | "auto";
  cores: number;
  signal?: AbortSignal;
}

export interface TrainRunResult {
  /** The result (on interrupt: the state at the last finished chunk, ≤ 1 % of the steps back). */
  result: TrainResult;
  interrupted: boolean;
  /** The step training had reached when interrupted (= result.step). */
  reached: number;
  elapsedMs: number;
}

/** Estimated multiply-adds of the remaining steps. */
export function estimatedWork(cfg: NormalizedConfig, steps: number): number {
  return cfg.instances * cfg.seeds * steps * cfg.batch * cfg.n * cfg.m * 3;
}

/** The worker count for a job: "auto" → as many as cores (at most the runs) when the work exceeds 2e9. */
export function chooseWorkers(cfg: NormalizedConfig, steps: number, workers: number | "auto", cores: number): number {
  const runs = cfg.instances * cfg.seeds;
  if (workers !== "auto") return Math.min(workers, runs);
  return runs > 1 && cores > 1 && estimatedWork(cfg, steps) > 2e9 ? Math.min(runs, cores) : 0;
}

/** The TrainConfig of a normalised configuration (normalising it again gives the same). */
export function toTrainConfig(cfg: NormalizedConfig): TrainConfig {
  const { beta1, beta2, ...rest } = cfg;
  return { ...rest, betas: [beta1, beta2] };
}

/**
 * Trains `start` (a config, or a state to continue) to the end of its configured steps in one call;
 * on abort (Ctrl-C) returns the state at the last finished chunk (TrainAbortError) with `interrupted`.
 */
export async function trainInterruptible(start: { config: NormalizedConfig } | { state: TrainState }, o: TrainRunOptions): Promise<TrainRunResult> {
  const cfg = "config" in start ? start.config : start.state.config;
  const step0 = "config" in start ? 0 : start.state.step;
  const workers = chooseWorkers(cfg, cfg.steps - step0, o.workers, o.cores);
  const t0 = performance.now();
  const onProgress = (p: { step: number; loss: Float32Array }) => {
    let s = 0;
    for (const l of p.loss) s += l;
    const elapsed = (performance.now() - t0) / 1000;
    o.progress.update(p.step, cfg.steps, s / p.loss.length, elapsed > 0 ? (p.step - step0) / elapsed : 0);
  };
  const opts = { workers, onProgress, signal: o.signal };
  try {
    const result = "config" in start ? await train(toTrainConfig(start.config), opts) : await resume(start.state, opts);
    o.progress.done();
    return { result, interrupted: false, reached: result.step, elapsedMs: performance.now() - t0 };
  } catch (e) {
    o.progress.done();
    if (!(e instanceof TrainAbortError)) throw e;
    return { result: e.result, interrupted: true, reached: e.result.step, elapsedMs: performance.now() - t0 };
  }
}

/** A TegumError for an output path with an extension tegum cannot write. */
export function checkOutputPath(path: string, flag: string, allowed: string[]): string {
  const lower = path.toLowerCase();
  const ext = allowed.find((e) => lower.endsWith(e));
  if (!ext) throw new TegumError(`--${flag} ${JSON.stringify(path)}: the file name must end in ${allowed.join(", ")}`, flag);
  return ext;
}
