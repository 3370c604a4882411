// Training the toy models of *Toy Models of Superposition*: many independent instances side by side
// (as the official notebook), every model of the paper, on the wasm kernel of assembly/train.ts.
//
//   const run = await train(
//     { n: 5, m: 2, instances: 10, p: sweeps.falloff(10, 20), importance: sweeps.geometric(5, 0.9) },
//     { onProgress: ({ step, loss }) => …, signal, workers: "auto" },
//   );
//   run.instances[i].W        // m×n row-major Float32Array, column i = feature i   (abs model: W1; W2 n×m)
//   run.instances[i].b        // n
//   run.instances[i].loss     // loss of every completed step (kept replica)
//   run.instances[i].finalLoss, .replica, .replicaLosses, .snapshots ({ step, W, b, W2? }[])
//   const bytes = serializeState(run.state);                              // save …
//   const more = await resume(deserializeState(bytes), { steps: 5000 });  // … load, train on
//
// train(config: TrainConfig, options?: TrainOptions) → Promise<TrainResult>
// resume(state: TrainState, options?: TrainOptions) → Promise<TrainResult>   (never mutates `state`)
// resultOf(state: TrainState) → TrainResult   (the result of a state as it is, no training)
// mergeStates(states: TrainState[]) → TrainState   (partial states of one config and step → one; src/train-state.ts)
// An aborted train/resume rejects with TrainAbortError { reason (the signal's), result, state } holding
// the training at the last finished chunk (with workers: after the chunks already in flight finish);
// resume(err.state) continues bit-exactly.
// TrainConfig (src/train-config.ts): n, m, model ("relu-output" | "linear" | "relu-hidden" | "abs"),
//   instances, p (number | per-instance vector | per-instance numbers/per-feature vectors),
//   importance (number | per-feature vector | per-instance vectors), correlated / anticorrelated
//   (feature-index sets), batch 1024, steps 10 000, lr 1e-3, schedule ("constant" | "linear" | "cosine"),
//   warmup 0, optimizer ("adamw" | "adam"), weightDecay (0.01 AdamW / 0 Adam), betas [0.9, 0.999],
//   eps 1e-8, init ("xavier" | "torch"), seed 0, seeds 1 (best-of-N), snapshotEvery 0, maxSnapshots 256.
// TrainOptions: { steps?: steps to run now (default: all remaining of config.steps),
//                 onProgress?: (p: { step, steps, loss: Float32Array per instance, stepsPerSecond }) => void,
//                 progressEvery?: K (default ⌈config.steps/100⌉; wasm returns to JS only every K steps),
//                 signal?: AbortSignal (rejects with TrainAbortError at the next chunk boundary),
//                 workers?: number | "auto" (default "auto": every core for jobs of more than ~1 s, where
//                 the runtime has workers; 0 = this thread; N ≥ 2 rejects where no worker can start;
//                 workers are pooled between calls),
//                 instances?: number[] (train only these instances, ascending: a partial state whose
//                 runs are bit-identical to the same instances of the full run; for sharded sweeps) }
// Each InstanceResult names its `instance` (index in the config).
// serializeState(state) → Uint8Array, deserializeState(bytes) → TrainState (src/train-state.ts).
// sweeps.falloff(count, base) = base^(−linspace(0, 1, count)), sweeps.geometric(count, ratio) = ratio^i.
//
// Loss (OFF): per instance, mean over batch and features of importance·(target − output)²; instances
// never interact. Best-of-N (`seeds: N`): N replicas per instance with independent init and data (replica
// 0 is the seeds: 1 run); the kept replica has the lowest *final loss* = mean training loss over the last
// ⌈step/100⌉ completed steps (f64 sum; NaN counts as +∞, ties go to the lower replica).
// Determinism: the same config gives the same bits whatever the thread count, the backend (simd or
// scalar), the kernel the SIMD build picks, the runtime, or where training was paused and resumed.
// Snapshot digest for the cross-runtime matrix (200 steps; test/train.test.ts pins it):
//   const r = await train({ n: 20, m: 5, instances: 4, p: sweeps.falloff(4, 20),
//     importance: sweeps.geometric(20, 0.7), batch: 256, steps: 200, seed: 1 }, { workers: 0 });
//   digest(...r.instances.flatMap((x) => [x.W, x.b, x.loss]))  // "077c8abc952e2be7"
import { TegumError, checkInt } from "./errors.js";
import { nextTask } from "./next-task.js";
import { scheduleTable } from "./schedule.js";
import { normalizeConfig, type NormalizedConfig, type TrainConfig } from "./train-config.js";
import { RunSet } from "./train-engine.js";
import {
  checkInstanceList, checkState, cloneState, initialState, packParams, stateInstances, stateRunIds, type PackedParams, type RunParams,
  type TrainState,
} from "./train-state.js";
import { wasm } from "./wasm.js";
import { acquireWorkers, hardwareThreads, releaseWorkers, workersAvailable, type WorkerHandle } from "./worker-pool.js";

export interface TrainProgress {
  /** Steps completed. */
  step: number;
  /** Step the current call trains up to. */
  steps: number;
  /** Per instance, the lowest loss over its replicas at the last completed step. */
  loss: Float32Array;
  /** Steps per second over this call so far. */
  stepsPerSecond: number;
}

export interface TrainOptions {
  steps?: number;
  onProgress?: (progress: TrainProgress) => void;
  progressEvery?: number;
  signal?: AbortSignal;
  workers?: number | "auto";
  /**
   * Train only these instances (ascending, distinct; all their replicas): the result and its state
   * hold just them (a partial state, `state.instances`), bit-identical to the same instances of the
   * full run. For `resume`, a subset of the state's instances. Default: all.
   */
  instances?: number[];
}

/**
 * The rejection of an aborted `train`/`resume`: `reason` is the signal's reason, `result` the training
 * at the last finished chunk (resumable: `resume(err.state)` continues bit-exactly).
 */
export class TrainAbortError extends Error {
  override name = "TrainAbortError";
  constructor(readonly reason: unknown, readonly result: TrainResult) {
    super(`training aborted at step ${result.step}${reason instanceof Error && reason.message ? `: ${reason.message}` : ""}`, { cause: reason });
  }
  get state(): TrainState {
    return this.result.state;
  }
}

export interface Snapshot {
  step: number;
  W: Float32Array;
  b: Float32Array;
  W2?: Float32Array;
}

export interface InstanceResult {
  /** Index of the instance in the config. */
  instance: number;
  /** m×n row-major (column i = feature i); the abs model's W1. */
  W: Float32Array;
  /** Abs model only: W2, n×m row-major. */
  W2?: Float32Array;
  b: Float32Array;
  /** Loss of every completed step of the kept replica. */
  loss: Float32Array;
  /** The kept replica's final loss (see the header). */
  finalLoss: number;
  /** Index of the kept replica. */
  replica: number;
  /** Final loss of every replica. */
  replicaLosses: Float64Array;
  /** The kept replica's snapshots (if `snapshotEvery` > 0). */
  snapshots: Snapshot[];
}

export interface TrainResult {
  config: NormalizedConfig;
  /** Steps completed. */
  step: number;
  instances: InstanceResult[];
  /** Everything needed to resume (serialise with `serializeState`). */
  state: TrainState;
}

/** Trains the toy models described by `config`. Validates everything before any work starts. */
export async function train(config: TrainConfig, options: TrainOptions = {}): Promise<TrainResult> {
  const cfg = normalizeConfig(config);
  const opts = checkOptions(options, cfg, 0, stateInstances({ config: cfg }));
  wasm(); // throws before any work if not initialised
  return drive(initialState(cfg, opts.instances), opts);
}

/** Continues training from a state (never mutated; the result holds a new one). */
export async function resume(state: TrainState, options: TrainOptions = {}): Promise<TrainResult> {
  checkState(state);
  const opts = checkOptions(options, state.config, state.step, stateInstances(state));
  wasm();
  return drive(cloneState(state, opts.instances), opts);
}

/** The result of a state as it is, without training (the state is not copied: the result holds it). */
export function resultOf(state: TrainState): TrainResult {
  checkState(state);
  return result(state);
}

interface Options {
  until: number;
  every: number;
  onProgress?: (p: TrainProgress) => void;
  signal?: AbortSignal;
  workers: number | "auto";
  instances?: number[];
}

function checkOptions(o: TrainOptions, cfg: NormalizedConfig, step: number, held: number[]): Options {
  if (typeof o !== "object" || o === null) throw new TegumError("options must be an object", "options");
  const remaining = cfg.steps - step;
  const steps = checkInt("steps", o.steps ?? remaining, 0, remaining);
  const every = checkInt("progressEvery", o.progressEvery ?? Math.max(1, Math.ceil(cfg.steps / 100)), 1);
  if (o.onProgress !== undefined && typeof o.onProgress !== "function") throw new TegumError("onProgress must be a function", "onProgress");
  if (o.signal !== undefined && (typeof o.signal !== "object" || o.signal === null || typeof o.signal.aborted !== "boolean")) {
    throw new TegumError("signal must be an AbortSignal", "signal");
  }
  const workers = o.workers ?? "auto";
  if (workers !== "auto") checkInt("workers", workers, 0, 256);
  let instances: number[] | undefined;
  if (o.instances !== undefined) {
    instances = checkInstanceList("instances", o.instances, cfg.instances);
    const missing = instances.find((i) => !held.includes(i));
    if (missing !== undefined) throw new TegumError(`instances: instance ${missing} is not in this partial state (it holds ${held.join(", ")})`, "instances");
    if (instances.length === held.length) instances = undefined; // everything held
  }
  return { until: step + steps, every, onProgress: o.onProgress, signal: o.signal, workers, instances };
}

/** Estimated multiply-adds of the remaining work (decides whether workers pay off). */
function estimatedWork(cfg: NormalizedConfig, runs: number, steps: number): number {
  return runs * steps * cfg.batch * cfg.n * cfg.m * 3;
}

/**
 * Something that advances a subset of the runs: this thread, or a worker. `run` returns each run's
 * losses and, if `wantParams` (a chunk ending at a snapshot), its packed parameters (no moments).
 */
interface Executor {
  run(step0: number, count: number, sched: Float32Array, wantParams: boolean): Promise<{ loss: Float32Array[]; params?: PackedParams[] }>;
  finish(): Promise<RunParams[]>;
}

function localExecutor(cfg: NormalizedConfig, ids: number[], params: RunParams[]): Executor {
  const set = new RunSet(cfg, ids, params);
  return {
    async run(step0, count, sched, wantParams) {
      const loss = set.advance(step0, count, sched);
      return { loss, params: wantParams ? set.params.map(packParams) : undefined };
    },
    async finish() {
      return set.params;
    },
  };
}

function workerExecutor(handle: WorkerHandle, cfg: NormalizedConfig, ids: number[], params: RunParams[]): Executor {
  // Requests are answered in order, so chunks can be queued behind the load.
  void handle.request({ type: "load", config: cfg, ids, params }).catch(() => {});
  return {
    run: (step0, count, sched, wantParams) =>
      handle.request({ type: "run", step0, count, sched, wantParams }) as Promise<{ loss: Float32Array[]; params?: PackedParams[] }>,
    finish: async () => ((await handle.request({ type: "finish" })) as { params: RunParams[] }).params,
  };
}

const now = () => (typeof performance !== "undefined" ? performance.now() : Date.now());

/** A chunk of steps: [step0, end), ending at a snapshot step or not. */
interface Chunk {
  step0: number;
  end: number;
  snapshot: boolean;
}

/**
 * The chunk boundaries from `state` on: every `every` steps (progress/abort points) and at every
 * snapshot step. The snapshot schedule (with its thinning) is simulated, so the plan is known ahead
 * and chunks can be pipelined; recordSnapshot applies the same rule to the data.
 */
function* plan(state: TrainState, until: number, every: number): Generator<Chunk> {
  const cfg = state.config;
  const shadow = { steps: state.snapshotSteps.slice(), every: state.snapshotEvery };
  let step = state.step;
  while (step < until) {
    let end = Math.min(until, (Math.floor(step / every) + 1) * every);
    const snap = nextSnapshot(shadow);
    if (snap !== null && snap > step && snap < end) end = snap;
    const snapshot = snap === end;
    if (snapshot) thin(shadow, end, cfg.maxSnapshots);
    yield { step0: step, end, snapshot };
    step = end;
  }
}

/** The step of a schedule's next snapshot (the first at step 0), null without snapshots. */
function nextSnapshot(s: { steps: number[]; every: number }): number | null {
  return s.every <= 0 ? null : s.steps.length > 0 ? s.steps[s.steps.length - 1] + s.every : 0;
}

/** Appends snapshot step `step` to a schedule and thins it at the cap (keep multiples of 2K, K doubles). */
function thin(s: { steps: number[]; every: number }, step: number, max: number): number[] | null {
  s.steps.push(step);
  if (s.steps.length < max) return null;
  s.every *= 2;
  const keep = s.steps.map((st, k) => (st % s.every === 0 ? k : -1)).filter((k) => k >= 0);
  s.steps = keep.map((k) => s.steps[k]);
  return keep;
}

async function drive(state: TrainState, o: Options): Promise<TrainResult> {
  const cfg = state.config;
  const gids = stateRunIds(state); // global run id of each of the state's runs
  const count = gids.length;
  const locals = gids.map((_, k) => k);
  let nWorkers = 0;
  if (o.workers === "auto") {
    if (workersAvailable() && count > 1 && estimatedWork(cfg, count, o.until - state.step) > 2e9) nWorkers = Math.min(count, await hardwareThreads());
  } else nWorkers = Math.min(o.workers, count);
  if (nWorkers === 1) nWorkers = 0;
  const aborted = () => o.signal?.aborted === true;
  const abortError = () => new TrainAbortError(o.signal!.reason ?? new TegumError("training aborted", "signal"), result(state));
  if (aborted()) throw abortError();

  // Workers first: an explicit count that cannot be honoured fails before the state is touched.
  let handles: WorkerHandle[] | null = null;
  if (nWorkers > 0) {
    try {
      handles = await acquireWorkers(nWorkers); // null where no worker can start
    } catch (e) {
      if (o.workers !== "auto") throw e; // asked for explicitly: report it; "auto" falls back to this thread
    }
    // Asked for explicitly where no worker can be created (no Worker API, a CSP, workerd): say so
    // rather than train on one thread unannounced.
    if (handles === null && o.workers !== "auto") {
      throw new TegumError(`workers: this runtime cannot start workers; use workers: 0 (this thread) or "auto"`, "workers");
    }
  }
  // A snapshot due now (step 0 of a fresh run) is taken before any training.
  if (nextSnapshot({ steps: state.snapshotSteps, every: state.snapshotEvery }) === state.step && state.step < o.until) {
    recordSnapshot(state, state.runs.map(packParams));
  }
  // Executors hold local run indices (positions in state.runs); the engine gets global ids.
  const mine: number[][] = handles ? handles.map((_, w, all) => locals.filter((k) => k % all.length === w)) : [locals];
  const executors: Executor[] = handles
    ? handles.map((h, w) => workerExecutor(h, cfg, mine[w].map((k) => gids[k]), mine[w].map((k) => state.runs[k])))
    : [localExecutor(cfg, gids, state.runs)];
  let clean = false;
  let stopped = false;
  try {
    const t0 = now();
    const start = state.step;
    const chunks = plan(state, o.until, o.every);
    const depth = handles ? 2 : 1; // chunks in flight per executor
    const inflight: { chunk: Chunk; replies: Promise<Awaited<ReturnType<Executor["run"]>>[]> }[] = [];
    const launch = () => {
      if (stopped) return;
      const next = chunks.next();
      if (next.done) return;
      const c = next.value;
      const sched = scheduleTable(cfg, c.step0, c.end - c.step0);
      const replies = Promise.all(executors.map((e) => e.run(c.step0, c.end - c.step0, sched, c.snapshot)));
      replies.catch(() => {}); // handled when awaited
      inflight.push({ chunk: c, replies });
    };
    let lastYield = now();
    for (let i = 0; i < depth; i++) launch();
    while (inflight.length > 0) {
      const { chunk: c, replies: pending } = inflight.shift()!;
      const replies = await pending;
      replies.forEach((r, e) => mine[e].forEach((k, q) => state.loss[k].set(r.loss[q], c.step0)));
      state.step = c.end;
      if (c.snapshot) {
        const packed = new Array<Float32Array>(count);
        replies.forEach((r, e) => mine[e].forEach((k, q) => (packed[k] = r.params![q])));
        recordSnapshot(state, packed);
      }
      if (o.onProgress && !stopped) {
        const loss = new Float32Array(count / cfg.seeds).fill(Infinity);
        for (let k = 0; k < count; k++) {
          const i = Math.floor(k / cfg.seeds);
          const l = state.loss[k][c.end - 1];
          if (l < loss[i]) loss[i] = l;
        }
        const elapsed = (now() - t0) / 1000;
        o.onProgress({ step: c.end, steps: o.until, loss, stepsPerSecond: elapsed > 0 ? (c.end - start) / elapsed : 0 });
      }
      if (!handles && now() - lastYield > 16) {
        await nextTask(); // let the event loop deliver aborts and UI work
        lastYield = now();
      }
      // On abort: launch nothing more; chunks already in flight (workers) finish and are kept.
      if (aborted()) stopped = true;
      launch();
    }
    const finals = await Promise.all(executors.map((e) => e.finish()));
    finals.forEach((params, e) => mine[e].forEach((k, q) => (state.runs[k] = params[q])));
    clean = true;
  } finally {
    if (handles) {
      if (clean) releaseWorkers(handles);
      else for (const h of handles) h.terminate(); // busy with abandoned chunks
    }
  }
  if (stopped && state.step < o.until) throw abortError();
  return result(state);
}

function recordSnapshot(s: TrainState, packed: Float32Array[]): void {
  const schedule = { steps: s.snapshotSteps, every: s.snapshotEvery };
  s.snapshots.push(packed);
  const keep = thin(schedule, s.step, s.config.maxSnapshots);
  s.snapshotSteps = schedule.steps;
  s.snapshotEvery = schedule.every;
  if (keep) s.snapshots = keep.map((k) => s.snapshots[k]);
}

/** Mean loss over the last ⌈step/100⌉ completed steps (NaN → +∞). */
export function finalLoss(loss: Float32Array, step: number): number {
  if (step === 0) return Infinity;
  const w = Math.max(1, Math.ceil(step / 100));
  let s = 0;
  for (let i = step - w; i < step; i++) s += loss[i];
  const mean = s / w;
  return Number.isNaN(mean) ? Infinity : mean;
}

function result(state: TrainState): TrainResult {
  const cfg = state.config;
  const { n, m } = cfg;
  const instances: InstanceResult[] = [];
  stateInstances(state).forEach((instance, j) => {
    const replicaLosses = new Float64Array(cfg.seeds);
    let best = 0;
    for (let r = 0; r < cfg.seeds; r++) {
      replicaLosses[r] = finalLoss(state.loss[j * cfg.seeds + r], state.step);
      if (replicaLosses[r] < replicaLosses[best]) best = r;
    }
    const k = j * cfg.seeds + best;
    const p = state.runs[k];
    const snapshots = state.snapshotSteps.map((step, t) => {
      const a = state.snapshots[t][k];
      const snap: Snapshot = { step, W: a.slice(0, m * n), b: a.slice(a.length - n) };
      if (p.W2) snap.W2 = a.slice(m * n, 2 * m * n);
      return snap;
    });
    const r: InstanceResult = {
      instance, W: p.W.slice(), b: p.b.slice(), loss: state.loss[k].slice(0, state.step),
      finalLoss: replicaLosses[best], replica: best, replicaLosses, snapshots,
    };
    if (p.W2) r.W2 = p.W2.slice();
    instances.push(r);
  });
  return { config: cfg, step: state.step, instances, state };
}
