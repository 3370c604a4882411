// The complete training state — configuration, step, parameters, Adam moments, loss histories and
// snapshots of every run (instance × replica) — its initialisation and its byte serialisation.
// The RNG needs no state of its own: the data of step s is a pure function of (seed, instance,
// replica, s), so `step` is the RNG position. Training k steps, saving, loading and training on
// gives the same bits as training straight through.
import { TegumError } from "./errors.js";
import { checkNormalized, type NormalizedConfig } from "./train-config.js";
import { normals, runKey } from "./rng.js";

/** Parameters and Adam moments of one run, canonical layout: W m×n row-major, W2 n×m (abs model only). */
export interface RunParams {
  W: Float32Array;
  W2: Float32Array | null;
  b: Float32Array;
  mW: Float32Array;
  vW: Float32Array;
  mW2: Float32Array | null;
  vW2: Float32Array | null;
  mb: Float32Array;
  vb: Float32Array;
}

/** W (and W2) and b of one run at one snapshot, packed [W, W2?, b]. */
export type PackedParams = Float32Array;

export interface TrainState {
  readonly version: 1;
  readonly config: NormalizedConfig;
  /** Steps completed. */
  step: number;
  /**
   * A partial state (one shard of a sweep, `TrainOptions.instances`): the instances it holds,
   * ascending. Absent: every instance of the config.
   */
  instances?: number[];
  /** Runs in order instance·seeds + replica (over the held instances only, for a partial state). */
  runs: RunParams[];
  /** Per run, the loss of every step (length config.steps; entries ≥ step are 0). */
  loss: Float32Array[];
  /** Snapshot schedule: current interval (doubles when thinned) and the recorded steps. */
  snapshotEvery: number;
  snapshotSteps: number[];
  /** snapshots[k][run] = packed params at snapshotSteps[k]. */
  snapshots: PackedParams[][];
}

/** The instances a state holds, ascending. */
export function stateInstances(s: { config: NormalizedConfig; instances?: number[] }): number[] {
  return s.instances ? s.instances.slice() : Array.from({ length: s.config.instances }, (_, i) => i);
}

/** Global run ids (instance·seeds + replica) of a state's runs, in order. */
export function stateRunIds(s: { config: NormalizedConfig; instances?: number[] }): number[] {
  const out: number[] = [];
  for (const i of stateInstances(s)) for (let r = 0; r < s.config.seeds; r++) out.push(i * s.config.seeds + r);
  return out;
}

/** Throws unless `instances` is a non-empty ascending list of distinct instance indices < count. */
export function checkInstanceList(name: string, instances: unknown, count: number): number[] {
  if (!Array.isArray(instances) || instances.length === 0) throw new TegumError(`${name} must be a non-empty array of instance indices`, name);
  let prev = -1;
  for (const i of instances) {
    if (!Number.isInteger(i) || i < 0 || i >= count) throw new TegumError(`${name} must hold integers in [0, ${count - 1}], got ${String(i)}`, name);
    if (i <= prev) throw new TegumError(`${name} must be ascending without repeats`, name);
    prev = i;
  }
  return instances.slice();
}

function initStd(cfg: NormalizedConfig, which: "W" | "W2"): number {
  const { n, m, instances: I } = cfg;
  if (cfg.init === "xavier") return Math.sqrt(2 / (n + m));
  // torch.nn.init.xavier_normal_ on a 3-D tensor: fan_in = size(1)·size(2), fan_out = size(0)·size(2).
  // OFF's W is (I, n, m); A3's W1 is (I, m, n) and W2 (I, n, m).
  if (cfg.model === "abs" && which === "W") return Math.sqrt(2 / (n * (m + I)));
  return Math.sqrt(2 / (m * (n + I)));
}

/** Fresh parameters of run (instance, replica): W ~ N(0, std²) from the run's init stream, b = 0. */
export function initialParams(cfg: NormalizedConfig, instance: number, replica: number): RunParams {
  const { n, m } = cfg;
  const abs = cfg.model === "abs";
  const z = normals(runKey(cfg.seed, instance, replica), (abs ? 2 : 1) * m * n);
  const W = new Float32Array(m * n);
  const s1 = initStd(cfg, "W");
  for (let i = 0; i < m * n; i++) W[i] = s1 * z[i];
  let W2: Float32Array | null = null;
  if (abs) {
    W2 = new Float32Array(n * m);
    const s2 = initStd(cfg, "W2");
    for (let i = 0; i < m * n; i++) W2[i] = s2 * z[m * n + i];
  }
  return {
    W, W2, b: new Float32Array(n),
    mW: new Float32Array(m * n), vW: new Float32Array(m * n),
    mW2: abs ? new Float32Array(m * n) : null, vW2: abs ? new Float32Array(m * n) : null,
    mb: new Float32Array(n), vb: new Float32Array(n),
  };
}

/** The state before step 0 (of instances `instances` only, if given: a partial state). */
export function initialState(cfg: NormalizedConfig, instances?: number[]): TrainState {
  const runs: RunParams[] = [];
  const which = stateInstances({ config: cfg, instances });
  for (const i of which) for (let r = 0; r < cfg.seeds; r++) runs.push(initialParams(cfg, i, r));
  return {
    version: 1, config: cfg, step: 0, ...(instances ? { instances: instances.slice() } : {}), runs,
    loss: runs.map(() => new Float32Array(cfg.steps)),
    snapshotEvery: cfg.snapshotEvery, snapshotSteps: [], snapshots: [],
  };
}

/** [W, W2?, b] of a run. */
export function packParams(r: RunParams): PackedParams {
  const parts = r.W2 ? [r.W, r.W2, r.b] : [r.W, r.b];
  const out = new Float32Array(parts.reduce((s, a) => s + a.length, 0));
  let o = 0;
  for (const a of parts) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}

/** The arrays of a run: parameters and their Adam moments. */
export const paramNames = ["W", "W2", "b", "mW", "vW", "mW2", "vW2", "mb", "vb"] as const;

/** The shape of a run's array `k` ([n] for biases, [n, m] for W2, [m, n] for W), null where the model has none. */
export function paramShape(k: (typeof paramNames)[number], cfg: NormalizedConfig): number[] | null {
  if (k === "b" || k === "mb" || k === "vb") return [cfg.n];
  if (k.includes("2")) return cfg.model === "abs" ? [cfg.n, cfg.m] : null;
  return [cfg.m, cfg.n];
}

function cloneRun(r: RunParams): RunParams {
  const out = {} as Record<string, Float32Array | null>;
  for (const k of paramNames) out[k] = r[k] ? r[k]!.slice() : null;
  return out as unknown as RunParams;
}

/**
 * A deep copy (so that resuming never mutates the caller's state); with `instances` (a proper subset of
 * the state's, as resume's checkOptions leaves it), a partial copy holding only those.
 */
export function cloneState(s: TrainState, instances?: number[]): TrainState {
  const held = stateInstances(s);
  let keep = (_k: number) => true;
  let sub: number[] | undefined = s.instances?.slice();
  if (instances) {
    const pos = new Set<number>();
    for (const i of instances) for (let r = 0; r < s.config.seeds; r++) pos.add(held.indexOf(i) * s.config.seeds + r);
    keep = (k) => pos.has(k);
    sub = instances.slice();
  }
  return {
    version: 1, config: s.config, step: s.step, ...(sub ? { instances: sub } : {}),
    runs: s.runs.filter((_, k) => keep(k)).map(cloneRun),
    loss: s.loss.filter((_, k) => keep(k)).map((l) => l.slice()),
    snapshotEvery: s.snapshotEvery, snapshotSteps: s.snapshotSteps.slice(),
    snapshots: s.snapshots.map((snap) => snap.filter((_, k) => keep(k)).map((a) => a.slice())),
  };
}

/**
 * Combines partial states of one configuration at the same step (e.g. the shards of a sweep) into
 * one state holding all their instances (a full state when they cover every instance).
 */
export function mergeStates(parts: readonly TrainState[]): TrainState {
  if (!Array.isArray(parts) || parts.length === 0) throw new TegumError("mergeStates needs at least one state", "states");
  for (const p of parts) checkState(p);
  const first = parts[0];
  const json = JSON.stringify(first.config);
  const owner = new Map<number, { part: TrainState; at: number }>();
  for (const p of parts) {
    if (JSON.stringify(p.config) !== json) throw new TegumError("mergeStates: the states have different configurations", "states");
    if (p.step !== first.step) throw new TegumError(`mergeStates: the states are at different steps (${first.step}, ${p.step})`, "states");
    if (p.snapshotEvery !== first.snapshotEvery || p.snapshotSteps.join() !== first.snapshotSteps.join()) {
      throw new TegumError("mergeStates: the states have different snapshot schedules", "states");
    }
    stateInstances(p).forEach((i, at) => {
      if (owner.has(i)) throw new TegumError(`mergeStates: instance ${i} is in more than one state`, "states");
      owner.set(i, { part: p, at });
    });
  }
  const instances = [...owner.keys()].sort((a, b) => a - b);
  const seeds = first.config.seeds;
  const pick = <T>(get: (p: TrainState, k: number) => T): T[] =>
    instances.flatMap((i) => {
      const { part, at } = owner.get(i)!;
      return Array.from({ length: seeds }, (_, r) => get(part, at * seeds + r));
    });
  const merged: TrainState = {
    version: 1, config: first.config, step: first.step,
    ...(instances.length === first.config.instances ? {} : { instances }),
    runs: pick((p, k) => cloneRun(p.runs[k])),
    loss: pick((p, k) => p.loss[k].slice()),
    snapshotEvery: first.snapshotEvery, snapshotSteps: first.snapshotSteps.slice(),
    snapshots: first.snapshotSteps.map((_: number, j: number) => pick((p, k) => p.snapshots[j][k].slice())),
  };
  checkState(merged);
  return merged;
}

/** Throws a TegumError unless `s` is a consistent state (shapes match its configuration). */
export function checkState(s: TrainState): void {
  if (typeof s !== "object" || s === null || s.version !== 1) throw new TegumError("state must be a TrainState of version 1", "state");
  const cfg = checkNormalized(s.config);
  if (s.instances !== undefined) checkInstanceList("state.instances", s.instances, cfg.instances);
  const count = stateInstances(s).length * cfg.seeds;
  if (!Number.isInteger(s.step) || s.step < 0 || s.step > cfg.steps) throw new TegumError(`state.step must be in [0, ${cfg.steps}]`, "state");
  if (!Array.isArray(s.runs) || s.runs.length !== count) throw new TegumError(`state.runs must hold ${count} runs`, "state");
  for (const r of s.runs) {
    for (const k of paramNames) {
      const want = paramShape(k, cfg)?.reduce((a, b) => a * b) ?? 0;
      const a = r[k];
      if (want === 0 ? a !== null : !(a instanceof Float32Array) || a.length !== want) {
        throw new TegumError(`state.runs[].${k} must be ${want === 0 ? "null" : `a Float32Array of ${want}`}`, "state");
      }
    }
  }
  if (!Array.isArray(s.loss) || s.loss.length !== count || s.loss.some((l) => !(l instanceof Float32Array) || l.length !== cfg.steps)) {
    throw new TegumError(`state.loss must hold ${count} Float32Arrays of ${cfg.steps}`, "state");
  }
  if (s.snapshotSteps.length !== s.snapshots.length) throw new TegumError("state.snapshots and snapshotSteps differ in length", "state");
  if (s.snapshots.some((k) => !Array.isArray(k) || k.length !== count)) throw new TegumError(`state.snapshots[] must hold ${count} runs`, "state");
}

// ---- bytes --------------------------------------------------------------------------------------
// "TGTS" · u32 LE header length · UTF-8 JSON header · zero padding to 4 · f32 LE arrays in the order
// the header's `lengths` lists them (per run: W, W2?, b, mW, vW, mW2?, vW2?, mb, vb, loss; then per
// snapshot per run the packed params).

const MAGIC = [0x54, 0x47, 0x54, 0x53];
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function arraysOf(s: TrainState): Float32Array[] {
  const out: Float32Array[] = [];
  s.runs.forEach((r, i) => {
    for (const k of paramNames) if (r[k]) out.push(r[k]!);
    out.push(s.loss[i]);
  });
  for (const snap of s.snapshots) out.push(...snap);
  return out;
}

/** The state as bytes (see the format above). */
export function serializeState(s: TrainState): Uint8Array {
  checkState(s);
  const arrays = arraysOf(s);
  const header = new TextEncoder().encode(
    JSON.stringify({
      version: 1, config: s.config, step: s.step, ...(s.instances ? { instances: s.instances } : {}), snapshotEvery: s.snapshotEvery, snapshotSteps: s.snapshotSteps,
      lengths: arrays.map((a) => a.length),
    }),
  );
  const start = (8 + header.length + 3) & ~3;
  const total = start + 4 * arrays.reduce((t, a) => t + a.length, 0);
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(4, header.length, true);
  out.set(header, 8);
  let o = start;
  const dv = new DataView(out.buffer);
  for (const a of arrays) {
    if (littleEndian) out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), o);
    else for (let i = 0; i < a.length; i++) dv.setFloat32(o + 4 * i, a[i], true);
    o += a.byteLength;
  }
  return out;
}

/** Parses bytes from `serializeState`; throws a TegumError if they are not a valid state. */
export function deserializeState(bytes: Uint8Array | ArrayBuffer): TrainState {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (u8.length < 8 || MAGIC.some((b, i) => u8[i] !== b)) throw new TegumError("bytes are not a tegum training state", "bytes");
  const dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  const hl = dv.getUint32(4, true);
  let header: { version: number; config: NormalizedConfig; step: number; instances?: number[]; snapshotEvery: number; snapshotSteps: number[]; lengths: number[] };
  try {
    header = JSON.parse(new TextDecoder().decode(u8.subarray(8, 8 + hl)));
  } catch {
    throw new TegumError("training state header is corrupt", "bytes");
  }
  if (header.version !== 1) throw new TegumError(`unsupported training state version ${header.version}`, "bytes");
  let o = (8 + hl + 3) & ~3;
  const total = header.lengths.reduce((t, l) => t + l, 0);
  if (u8.length !== o + 4 * total) throw new TegumError("training state is truncated", "bytes");
  let next = 0;
  const take = (): Float32Array => {
    const len = header.lengths[next++];
    let a: Float32Array;
    if (littleEndian && (u8.byteOffset + o) % 4 === 0) a = new Float32Array(u8.buffer, u8.byteOffset + o, len).slice();
    else {
      a = new Float32Array(len);
      for (let i = 0; i < len; i++) a[i] = dv.getFloat32(o + 4 * i, true);
    }
    o += 4 * len;
    return a;
  };
  const cfg = header.config;
  if (header.instances !== undefined) checkInstanceList("state.instances", header.instances, cfg.instances);
  const count = (header.instances ? header.instances.length : cfg.instances) * cfg.seeds;
  const abs = cfg.model === "abs";
  const runs: RunParams[] = [];
  const loss: Float32Array[] = [];
  for (let i = 0; i < count; i++) {
    const r = {} as Record<string, Float32Array | null>;
    for (const k of paramNames) r[k] = k.includes("2") && !abs ? null : take();
    runs.push(r as unknown as RunParams);
    loss.push(take());
  }
  const snapshots = header.snapshotSteps.map(() => Array.from({ length: count }, take));
  const s: TrainState = {
    version: 1, config: cfg, step: header.step, ...(header.instances ? { instances: header.instances } : {}), runs, loss,
    snapshotEvery: header.snapshotEvery, snapshotSteps: header.snapshotSteps, snapshots,
  };
  checkState(s);
  return s;
}
