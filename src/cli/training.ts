// Training for the CLI: the library's train/resume in one call; an interrupt (Ctrl-C) aborts it and
// the TrainAbortError carries the state at the last finished chunk (resuming is bit-exact wherever
// training stopped). Also the progress bar hookup and the output-path check.
import { TegumError } from "../errors.js";
import { toTrainConfig, type NormalizedConfig } from "../train-config.js";
import type { TrainState } from "../train-state.js";
import { resume, train, TrainAbortError, type TrainResult } from "../train.js";
import type { ProgressSink } from "./progress.js";

export interface TrainRunOptions {
  progress: ProgressSink;
  /** A number, or "auto": every core when the job is big enough to pay for the workers (the library's rule). */
  workers: number | "auto";
  signal?: AbortSignal;
  /** Train only these instances (a shard; see TrainOptions.instances). */
  instances?: number[];
}

export interface TrainRunResult {
  /** The result (on interrupt: the state at the last finished chunk, ≤ 1 % of the steps back). */
  result: TrainResult;
  interrupted: boolean;
  elapsedMs: number;
}

/**
 * Trains `start` (a config, or a state to continue) to the end of its configured steps in one call;
 * on abort (Ctrl-C) returns the state at the last finished chunk (TrainAbortError) with `interrupted`.
 */
export async function trainInterruptible(start: { config: NormalizedConfig } | { state: TrainState }, o: TrainRunOptions): Promise<TrainRunResult> {
  const cfg = "config" in start ? start.config : start.state.config;
  const step0 = "config" in start ? 0 : start.state.step;
  const t0 = performance.now();
  const onProgress = (p: { step: number; loss: Float32Array }) => {
    let s = 0;
    for (const l of p.loss) s += l;
    const elapsed = (performance.now() - t0) / 1000;
    o.progress.update(p.step, cfg.steps, s / p.loss.length, elapsed > 0 ? (p.step - step0) / elapsed : 0);
  };
  const opts = { workers: o.workers, onProgress, signal: o.signal, instances: o.instances };
  try {
    const result = "config" in start ? await train(toTrainConfig(start.config), opts) : await resume(start.state, opts);
    o.progress.done();
    return { result, interrupted: false, elapsedMs: performance.now() - t0 };
  } catch (e) {
    o.progress.done();
    if (!(e instanceof TrainAbortError)) throw e;
    return { result: e.result, interrupted: true, elapsedMs: performance.now() - t0 };
  }
}

/** A TegumError for an output path with an extension tegum cannot write. */
export function checkOutputPath(path: string, flag: string, allowed: string[]): string {
  const lower = path.toLowerCase();
  const ext = allowed.find((e) => lower.endsWith(e));
  if (!ext) throw new TegumError(`--${flag} ${JSON.stringify(path)}: the file name must end in ${allowed.join(", ")}`, flag);
  return ext;
}
