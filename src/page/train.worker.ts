// The page's training worker (a module Web Worker): loads the browser build of tegum, trains in chunks
// of a few hundred steps and posts a snapshot — weights, loss curves, metrics, tegum factors,
// polytopes (bundles at the end) and the weights digest — after each, so the page only draws.
//
// Chunks are train(config, {steps: K}) then resume(state, {steps: K}) …, which gives the same bits as
// one straight run (the engine's determinism guarantee), so the digest is that of `tegum train` with
// the same settings. Pause = stop after the current chunk and post the serialised state; resume =
// continue from those bytes. Cancel = abort the AbortSignal of the chunk in flight.
//
// One thread (workers: 0). Measured when each train/resume call still started its own workers, two
// threads cost more than they gained (intro sweep 2.3–3.6 s on one thread, 3.2–6.1 s on two with the
// machine under load). The engine now keeps a pool of workers across calls; not re-measured here.
import {
  backend, deserializeState, factorPolytopes, featureMetrics, findBundles, init, resume, serializeState, train,
  TegumError, weightsDigest, type TrainResult, type TrainState,
} from "../entry/browser.js";
import { nextTask } from "../next-task.js";
import { normalizeConfig, type TrainConfig } from "../train-config.js";
import { FACTOR_TOL, WEAK, type FromWorker, type InstanceAnalysis, type Snapshot, type ToWorker } from "./protocol.js";

const ctx = self as unknown as { postMessage(m: FromWorker): void; addEventListener(t: "message", f: (e: MessageEvent<ToWorker>) => void): void };
const post = (m: FromWorker) => ctx.postMessage(m);
const now = () => performance.now();

/** Chunks take about this long (ms), within [MIN_CHUNK, MAX_CHUNK] steps: a snapshot every few hundred steps. */
const TARGET_MS = 200;
const MIN_CHUNK = 50;
const MAX_CHUNK = 500;
/** Loss curves are sent as at most about this many bucket means. */
const LOSS_POINTS = 600;
/** The bundle finder's work limit on the page (flops); larger models are skipped with a note. */
const BUNDLE_WORK = 5e8;

const ready = init().then((b) => {
  post({ type: "ready", backend: b });
  return b;
});

interface Run {
  runId: number;
  controller: AbortController;
  pause: boolean;
}
let active: Run | null = null;
/** The newest run asked for: queued older starts are skipped. */
let latest = -1;
/** Pauses asked for runs not started yet (still queued behind a run that is winding down). */
const pauseFor = new Set<number>();
/** Runs execute one after another (they share the wasm instance). */
let queue: Promise<void> = Promise.resolve();

ctx.addEventListener("message", (e) => {
  const msg = e.data;
  switch (msg.type) {
    case "start":
    case "resume":
      latest = msg.runId;
      if (active && active.runId !== msg.runId) active.controller.abort(new DOMException("superseded", "AbortError"));
      queue = queue.then(() => execute(msg));
      break;
    case "pause":
      if (active?.runId === msg.runId) active.pause = true;
      else if (latest === msg.runId) pauseFor.add(msg.runId);
      break;
    case "cancel":
      if (active?.runId === msg.runId) active.controller.abort(new DOMException("cancelled", "AbortError"));
      else if (latest === msg.runId) latest = -1;
      break;
  }
});

async function execute(msg: Extract<ToWorker, { type: "start" | "resume" }>): Promise<void> {
  const runId = msg.runId;
  if (latest !== runId) {
    pauseFor.delete(runId);
    post({ type: "cancelled", runId });
    return;
  }
  const run: Run = { runId, controller: new AbortController(), pause: pauseFor.delete(runId) };
  active = run;
  try {
    await ready;
    let state: TrainState | null = msg.type === "resume" ? deserializeState(msg.state) : null;
    const cfg = state ? state.config : normalizeConfig((msg as { config: TrainConfig }).config);
    const total = cfg.steps;
    let trainMs = msg.type === "resume" ? msg.trainMs : 0;
    let chunk = 100;
    let last: TrainResult | null = null;
    for (;;) {
      const step = state?.step ?? 0;
      if (run.controller.signal.aborted) throw run.controller.signal.reason;
      if (run.pause && state) {
        // The paused weights get the full analysis, bundles included.
        if (last) post(snapshot(runId, last, false, trainMs, (1000 * last.step) / Math.max(1e-9, trainMs), true));
        post({ type: "paused", runId, step, state: serializeState(state), trainMs });
        return;
      }
      const opts = { signal: run.controller.signal, workers: 0, steps: Math.min(chunk, total - step), progressEvery: chunk };
      const t0 = now();
      const result = state ? await resume(state, opts) : await train((msg as { config: TrainConfig }).config, opts);
      const dt = now() - t0;
      trainMs += dt;
      state = result.state;
      last = result;
      const final = result.step >= total;
      post(snapshot(runId, result, final, trainMs, trainMs > 0 ? (1000 * result.step) / trainMs : 0));
      if (final) return;
      // Let pause/cancel messages in: awaiting train() alone only drains microtasks, never the message queue.
      await nextTask();
      // Next chunk: about TARGET_MS of training.
      if (dt > 0) chunk = Math.max(MIN_CHUNK, Math.min(MAX_CHUNK, Math.round(((result.step - step) * TARGET_MS) / dt / MIN_CHUNK) * MIN_CHUNK));
    }
  } catch (e) {
    if (run.controller.signal.aborted) post({ type: "cancelled", runId });
    else {
      const err = e as Error;
      post({ type: "error", runId, message: err?.message ?? String(e), parameter: e instanceof TegumError ? (e.parameter ?? null) : null });
    }
  } finally {
    if (active === run) active = null;
  }
}

function snapshot(runId: number, r: TrainResult, final: boolean, trainMs: number, stepsPerSecond: number, withBundles = final): Snapshot {
  const { n, m } = r.config;
  const t0 = now();
  const lossEvery = Math.max(1, Math.ceil(r.config.steps / LOSS_POINTS));
  const instances = r.instances.map((inst) => ({
    W: inst.W, ...(inst.W2 ? { W2: inst.W2 } : {}), b: inst.b, loss: buckets(inst.loss, lossEvery), finalLoss: inst.finalLoss, replica: inst.replica,
  }));
  const analysis = r.instances.map((inst) => analyse(inst.W, m, n, withBundles));
  return {
    type: "snapshot", runId, step: r.step, steps: r.config.steps, final, digest: weightsDigest(r.instances), backend: backend() ?? "?",
    lossEvery, instances, analysis, trainMs, analysisMs: now() - t0, stepsPerSecond,
  };
}

function buckets(loss: Float32Array, every: number): Float32Array {
  const count = Math.ceil(loss.length / every);
  const out = new Float32Array(count);
  for (let k = 0; k < count; k++) {
    let s = 0;
    const end = Math.min(loss.length, (k + 1) * every);
    for (let i = k * every; i < end; i++) s += loss[i];
    out[k] = s / (end - k * every);
  }
  return out;
}

function analyse(W: Float32Array, m: number, n: number, withBundles: boolean): InstanceAnalysis {
  const metrics = featureMetrics(W, m, n);
  // The geometry ignores dropped features (‖W_i‖ ≤ WEAK × the largest): a nearly-zero column points
  // anywhere and would join every factor.
  const geo = factorPolytopes(W, m, n, { deadTolerance: WEAK, factorTolerance: FACTOR_TOL, metrics });
  const out: InstanceAnalysis = {
    norms: metrics.norms,
    superposition: metrics.superposition,
    dimensionality: metrics.dimensionality,
    dimensionsPerFeature: metrics.dimensionsPerFeature,
    gram: metrics.gram,
    factors: geo.factors.factors,
    dropped: geo.factors.dead,
    polytopes: geo.polytopes.map((p) => ({
      features: p.features, name: p.name, kind: p.kind, rank: p.rank, deviation: p.deviation, tight: p.tight, frameDefect: p.frameDefect,
      dimensionality: p.features.reduce((s, i) => s + metrics.dimensionality[i], 0) / Math.max(1, p.features.length),
    })),
    bundles: { status: "not-run", list: [], note: "computed when training finishes or is paused" },
  };
  if (withBundles) out.bundles = bundles(W, m, n);
  return out;
}

function bundles(W: Float32Array, m: number, n: number): InstanceAnalysis["bundles"] {
  if (m < 2) return { status: "not-run", list: [], note: "bundles need m ≥ 2" };
  try {
    const r = findBundles(W, m, n, { deadTol: WEAK, maxWork: BUNDLE_WORK });
    const list = r.bundles.map((b) => ({ rank: b.rank, features: b.features, shape: b.shape, subsets: b.subsets }));
    return { status: list.length ? "found" : "none-found", list, note: "" };
  } catch (e) {
    if (e instanceof TegumError && e.parameter === "maxWork") {
      return { status: "skipped", list: [], note: "too much work for the page; run tegum bundles on the saved model" };
    }
    throw e;
  }
}

