// Training for the CLI: the library's train/resume driven in segments of about a second, so that an
// interrupt (Ctrl-C) can stop at once and still leave a resumable state — the state at the end of the
// last finished segment (resuming is bit-exact wherever training stopped). Also the worker choice and
// the progress bar hookup.
import { TegumError } from "../errors.js";
import type { NormalizedConfig, TrainConfig } from "../train-config.js";
import type { TrainState } from "../train-state.js";
import { resume, train, type TrainResult } from "../train.js";
import type { ProgressSink } from "./progress.js";

export interface SegmentOptions {
  progress: ProgressSink;
  /** A number, or "auto": both cores when the job is big enough to pay for the workers. */
  workers: number | "auto";
  cores: number;
  signal?: AbortSignal;
  /** Target wall time of one segment (ms); default 1500. */
  segmentMs?: number;
}

export interface SegmentResult {
  /** The result at the last finished segment (the whole run unless interrupted). */
  result: TrainResult;
  interrupted: boolean;
  /** The step training had reached when interrupted (≥ result.step). */
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

const isAbort = (signal: AbortSignal | undefined) => signal?.aborted === true;

/**
 * Trains `start` (a config, or a state to continue) to the end of its configured steps in segments;
 * on abort returns the last finished segment's result with `interrupted`.
 */
export async function trainInSegments(start: { config: NormalizedConfig } | { state: TrainState }, o: SegmentOptions): Promise<SegmentResult> {
  const cfg = "config" in start ? start.config : start.state.config;
  const step0 = "config" in start ? 0 : start.state.step;
  const workers = chooseWorkers(cfg, cfg.steps - step0, o.workers, o.cores);
  const t0 = performance.now();
  const target = o.segmentMs ?? 1500;
  const quantum = Math.max(1, Math.ceil(cfg.steps / 100));
  // Without interrupts one call does it all; with them, segments of about `target` ms.
  let seg = o.signal ? Math.min(cfg.steps - step0, quantum) : cfg.steps - step0;
  let done: TrainResult | null = null;
  let reached = step0;
  const onProgress = (p: { step: number; loss: Float32Array }) => {
    reached = p.step;
    let s = 0;
    for (const l of p.loss) s += l;
    const elapsed = (performance.now() - t0) / 1000;
    o.progress.update(p.step, cfg.steps, s / p.loss.length, elapsed > 0 ? (p.step - step0) / elapsed : 0);
  };
  try {
    if ("config" in start) {
      const t = performance.now();
      done = await train(toTrainConfig(start.config), { steps: seg, workers, onProgress, signal: o.signal });
      seg = nextSegment(seg, performance.now() - t, target, quantum);
    } else done = null;
    let state = done ? done.state : "state" in start ? start.state : null;
    while (state !== null && state.step < cfg.steps) {
      if (isAbort(o.signal)) throw o.signal!.reason;
      const t = performance.now();
      const steps = Math.min(seg, cfg.steps - state.step);
      done = await resume(state, { steps, workers, onProgress, signal: o.signal });
      state = done.state;
      seg = nextSegment(steps, performance.now() - t, target, quantum);
    }
    if (done === null) done = await resume((start as { state: TrainState }).state, { steps: 0, workers: 0 });
    o.progress.done();
    return { result: done, interrupted: false, reached: done.step, elapsedMs: performance.now() - t0 };
  } catch (e) {
    o.progress.done();
    if (!isAbort(o.signal)) throw e;
    // Interrupted: the last finished segment, or the untouched start.
    const last = done ?? ("state" in start ? await resume(start.state, { steps: 0, workers: 0 }) : await train(toTrainConfig(start.config), { steps: 0, workers: 0 }));
    return { result: last, interrupted: true, reached: Math.max(reached, last.step), elapsedMs: performance.now() - t0 };
  }
}

function nextSegment(steps: number, ms: number, target: number, quantum: number): number {
  if (!(ms > 0)) return steps * 2;
  const next = Math.round((steps * target) / ms);
  return Math.max(quantum, Math.min(next, steps * 4));
}

/** A TegumError for an output path with an extension tegum cannot write. */
export function checkOutputPath(path: string, flag: string, allowed: string[]): string {
  const lower = path.toLowerCase();
  const ext = allowed.find((e) => lower.endsWith(e));
  if (!ext) throw new TegumError(`--${flag} ${JSON.stringify(path)}: the file name must end in ${allowed.join(", ")}`, flag);
  return ext;
}
