// The tegum model file: one `.safetensors` file that PyTorch, `tegum analyze` and `tegum train
// --resume` all read.
//
//   W                 F32 (I, m, n)   kept replica per instance, hidden-by-features (ARENA's layout;
//                                     the official notebook's is W.transpose(1, 2)); abs model: W1
//   W2                F32 (I, n, m)   abs model only
//   b                 F32 (I, n)      output bias (b_final)
//   loss              F32 (I, step)   training loss of every completed step of the kept replica
//   feature_probability F32 (I, n)    p = 1 − S per instance and feature
//   importance        F32 (I, n)
//   training_state    U8  (bytes,)    the complete training state (src/train-state.ts serializeState:
//                                     every replica's parameters and Adam moments, losses, snapshots)
//   __metadata__      format "tegum-model", format_version "1", layout "hidden-by-features",
//                     config (the normalised TrainConfig, JSON), step, steps, complete "true"/"false",
//                     replica and final_loss (JSON arrays, per instance), tegum_version
//
// Nothing run-specific (time, command line) is written, so the same training gives the same bytes:
// an interrupted and resumed run, or merged sweep shards, equal the straight run byte for byte.
//
// Sweep shards (`tegum sweep`) use the same container with format "tegum-shard": per run of the shard
// (instance·seeds + replica, instances [lo, hi)) the parameters, Adam moments and losses as
// `runs.W`, `runs.b`, `runs.mW` … `runs.loss`, and the config, shard and instance range in metadata.
import { TegumError } from "../errors.js";
import { readSafetensors, writeSafetensors, type SafetensorsFile, type SafetensorsInput } from "../safetensors.js";
import { byteSource, formatShape, type ByteSource } from "../tensor.js";
import type { NormalizedConfig } from "../train-config.js";
import { deserializeState, paramNames, paramShape, serializeState, stateInstances, type RunParams, type TrainState } from "../train-state.js";
import type { TrainResult } from "../train.js";

export const MODEL_FORMAT = "tegum-model";
export const SHARD_FORMAT = "tegum-shard";
export const MODEL_FORMAT_VERSION = "1";

/** Concatenated copies of equally long arrays. */
function stack(arrays: Float32Array[]): Float32Array {
  const len = arrays.length ? arrays[0].length : 0;
  const out = new Float32Array(arrays.length * len);
  arrays.forEach((a, i) => out.set(a, i * len));
  return out;
}

/** Whether every feature of every instance has one p (then S per instance is meaningful). */
export function perInstanceSparsity(cfg: NormalizedConfig): (number | null)[] {
  return cfg.p.map((row) => (row.every((x) => x === row[0]) ? 1 - row[0] : null));
}

/** The model file of a training result (complete or a checkpoint). */
export function encodeModel(result: TrainResult, tegumVersion: string): Uint8Array {
  const cfg = result.config;
  const { n, instances: I } = cfg;
  const tensors: [string, SafetensorsInput][] = [];
  for (const k of ["W", "W2", "b"] as const) {
    const shape = paramShape(k, cfg);
    if (shape) tensors.push([k, { dtype: "F32", shape: [I, ...shape], data: stack(result.instances.map((x) => x[k]!)) }]);
  }
  if (result.step > 0) tensors.push(["loss", { dtype: "F32", shape: [I, result.step], data: stack(result.instances.map((x) => x.loss)) }]);
  tensors.push(["feature_probability", { dtype: "F32", shape: [I, n], data: Float32Array.from(cfg.p.flat()) }]);
  tensors.push(["importance", { dtype: "F32", shape: [I, n], data: Float32Array.from(cfg.importance.flat()) }]);
  const state = serializeState(result.state);
  tensors.push(["training_state", { dtype: "U8", shape: [state.length], data: state }]);
  const finite = (x: number) => (Number.isFinite(x) ? x : null);
  return writeSafetensors(tensors, {
    format: MODEL_FORMAT,
    format_version: MODEL_FORMAT_VERSION,
    layout: "hidden-by-features",
    config: JSON.stringify(cfg),
    step: String(result.step),
    steps: String(cfg.steps),
    complete: String(result.step >= cfg.steps),
    replica: JSON.stringify(result.instances.map((x) => x.replica)),
    final_loss: JSON.stringify(result.instances.map((x) => finite(x.finalLoss))),
    tegum_version: tegumVersion,
  });
}

// ————— reading —————

export interface TegumFile {
  kind: "model" | "shard";
  metadata: Record<string, string>;
  st: SafetensorsFile;
  /** The raw bytes of a U8 tensor (read straight from the file). */
  rawBytes(name: string): Uint8Array;
  /** An F32 tensor's values, bit for bit (NaN payloads included), read straight from the file. */
  rawF32(name: string): Float32Array;
}

/** Byte offset of the data buffer of a safetensors file. */
function bufferStart(src: ByteSource): number {
  const pre = src.read(0, 8);
  return 8 + ((pre[0] | (pre[1] << 8) | (pre[2] << 16)) + pre[3] * 0x1000000);
}

/**
 * The tegum metadata of a `.safetensors` file, or null when it is some other file (another format,
 * or a safetensors file not written by tegum). Bad safetensors are a TegumError naming `label`.
 */
export function openTegumFile(input: Uint8Array | ByteSource, label: string): TegumFile | null {
  const src = input instanceof Uint8Array ? byteSource(input) : input;
  if (src.size < 9) return null;
  const head = src.read(0, 9);
  if (!(head[8] === 0x7b && head[6] === 0 && head[7] === 0)) return null;
  const st = readSafetensors(src, label);
  const format = st.metadata.format;
  if (format !== MODEL_FORMAT && format !== SHARD_FORMAT) return null;
  if (st.metadata.format_version !== MODEL_FORMAT_VERSION) {
    throw new TegumError(`${label}: ${format} format version ${JSON.stringify(st.metadata.format_version)} is not supported (this tegum reads version ${MODEL_FORMAT_VERSION})`, "file");
  }
  const start = bufferStart(src);
  return {
    kind: format === MODEL_FORMAT ? "model" : "shard",
    metadata: st.metadata,
    st,
    rawBytes(name) {
      const e = st.entries.get(name);
      if (!e) throw new TegumError(`${label}: the ${format} file has no tensor ${JSON.stringify(name)}`, "file");
      if (e.dtype !== "U8") throw new TegumError(`${label}: tensor ${JSON.stringify(name)} is ${e.dtype}, expected U8`, "file");
      return src.read(start + e.dataOffsets[0], e.dataOffsets[1] - e.dataOffsets[0]).slice();
    },
    rawF32(name) {
      const e = st.entries.get(name);
      if (!e) throw new TegumError(`${label}: the ${format} file has no tensor ${JSON.stringify(name)}`, "file");
      if (e.dtype !== "F32") throw new TegumError(`${label}: tensor ${JSON.stringify(name)} is ${e.dtype}, expected F32`, "file");
      const bytes = src.read(start + e.dataOffsets[0], e.dataOffsets[1] - e.dataOffsets[0]);
      const out = new Float32Array(bytes.length / 4);
      const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let i = 0; i < out.length; i++) out[i] = dv.getFloat32(4 * i, true);
      return out;
    },
  };
}

/** The training state of a tegum model file (a TegumError naming `label` if missing or corrupt). */
export function modelState(file: TegumFile, label: string): TrainState {
  if (file.kind !== "model") throw new TegumError(`${label}: is a sweep shard, not a model; combine shards with tegum merge`, "file");
  const bytes = file.rawBytes("training_state");
  try {
    return deserializeState(bytes);
  } catch (e) {
    if (e instanceof TegumError) throw new TegumError(`${label}: the training state is not valid (${e.message})`, "file");
    throw e;
  }
}

// ————— shards —————

export interface ShardInfo {
  config: NormalizedConfig;
  /** Canonical JSON of the config (compared across shards). */
  configJson: string;
  index: number;
  count: number;
  /** Instances [lo, hi). */
  lo: number;
  hi: number;
  step: number;
}

/**
 * A shard file: metadata and the runs of instances [lo, hi) (run order instance·seeds + replica); with
 * snapshots, also the shard's partial training state (`training_state`, which holds them).
 */
export function encodeShard(info: Omit<ShardInfo, "configJson">, runs: RunParams[], loss: Float32Array[], tegumVersion: string, state?: TrainState): Uint8Array {
  const cfg = info.config;
  const R = runs.length;
  const tensors: [string, SafetensorsInput][] = [];
  for (const k of paramNames) {
    const shape = paramShape(k, cfg);
    if (shape) tensors.push([`runs.${k}`, { dtype: "F32", shape: [R, ...shape], data: stack(runs.map((r) => r[k]!)) }]);
  }
  tensors.push(["runs.loss", { dtype: "F32", shape: [R, cfg.steps], data: stack(loss) }]);
  if (state && state.snapshotSteps.length > 0) {
    const bytes = serializeState(state);
    tensors.push(["training_state", { dtype: "U8", shape: [bytes.length], data: bytes }]);
  }
  return writeSafetensors(tensors, {
    format: SHARD_FORMAT,
    format_version: MODEL_FORMAT_VERSION,
    config: JSON.stringify(cfg),
    shard: `${info.index}/${info.count}`,
    instances: JSON.stringify([info.lo, info.hi]),
    step: String(info.step),
    tegum_version: tegumVersion,
  });
}

/** The metadata of a shard (a TegumError naming `label` when inconsistent). */
export function shardInfo(file: TegumFile, label: string): ShardInfo {
  const bad = (what: string): never => {
    throw new TegumError(`${label}: not a valid tegum sweep shard (${what})`, "file");
  };
  if (file.kind !== "shard") bad("it is a model file, not a shard");
  const md = file.metadata;
  let config: NormalizedConfig;
  let range: unknown;
  try {
    config = JSON.parse(md.config) as NormalizedConfig;
    range = JSON.parse(md.instances);
  } catch {
    return bad("its metadata is not valid JSON");
  }
  const shard = /^(\d+)\/(\d+)$/.exec(md.shard ?? "");
  if (!shard) bad("metadata shard must be i/N");
  if (!Array.isArray(range) || range.length !== 2 || !range.every((x) => Number.isInteger(x))) bad("metadata instances must be [lo, hi]");
  const step = Number(md.step);
  if (!Number.isInteger(step)) bad("metadata step must be an integer");
  const [lo, hi] = range as [number, number];
  return { config, configJson: md.config, index: Number(shard![1]), count: Number(shard![2]), lo, hi, step };
}

/** The partial training state of a shard: its `training_state` (with snapshots) or built from its runs. */
export function shardState(file: TegumFile, info: ShardInfo, label: string): TrainState {
  if (file.st.entries.has("training_state")) {
    let s: TrainState;
    try {
      s = deserializeState(file.rawBytes("training_state"));
    } catch (e) {
      throw new TegumError(`${label}: not a valid tegum sweep shard (training_state: ${e instanceof Error ? e.message : String(e)})`, "file");
    }
    if (stateInstances(s).join() !== instanceRange(info.lo, info.hi).join() || s.step !== info.step || JSON.stringify(s.config) !== info.configJson) {
      throw new TegumError(`${label}: not a valid tegum sweep shard (training_state does not match its metadata)`, "file");
    }
    return s;
  }
  const { runs, loss } = shardRuns(file, info, label);
  const instances = instanceRange(info.lo, info.hi);
  return {
    version: 1, config: info.config, step: info.step,
    ...(instances.length === info.config.instances ? {} : { instances }),
    runs, loss, snapshotEvery: info.config.snapshotEvery, snapshotSteps: [], snapshots: [],
  };
}

/** The runs (params and loss) stored in a shard, checked against its config. */
export function shardRuns(file: TegumFile, info: ShardInfo, label: string): { runs: RunParams[]; loss: Float32Array[] } {
  const cfg = info.config;
  const R = (info.hi - info.lo) * cfg.seeds;
  const get = (name: string, shape: number[]): Float32Array => {
    const e = file.st.entries.get(name);
    if (!e) throw new TegumError(`${label}: not a valid tegum sweep shard (no tensor ${name})`, "file");
    if (e.dtype !== "F32" || e.shape.join() !== shape.join()) {
      throw new TegumError(`${label}: not a valid tegum sweep shard (${name} is ${e.dtype} ${formatShape(e.shape)}, expected F32 ${formatShape(shape)})`, "file");
    }
    return file.rawF32(name);
  };
  const arrays: Partial<Record<(typeof paramNames)[number], Float32Array>> = {};
  for (const k of paramNames) {
    const shape = paramShape(k, cfg);
    if (shape) arrays[k] = get(`runs.${k}`, [R, ...shape]);
  }
  const lossAll = get("runs.loss", [R, cfg.steps]);
  const runs: RunParams[] = [];
  const loss: Float32Array[] = [];
  for (let r = 0; r < R; r++) {
    const part = (k: (typeof paramNames)[number]) => {
      const a = arrays[k];
      if (!a) return null;
      const per = a.length / R;
      return a.slice(r * per, (r + 1) * per);
    };
    runs.push({ W: part("W")!, W2: part("W2"), b: part("b")!, mW: part("mW")!, vW: part("vW")!, mW2: part("mW2"), vW2: part("vW2"), mb: part("mb")!, vb: part("vb")! });
    loss.push(lossAll.slice(r * cfg.steps, (r + 1) * cfg.steps));
  }
  return { runs, loss };
}

/** Instances lo, lo + 1, …, hi − 1 (a shard's). */
export const instanceRange = (lo: number, hi: number): number[] => Array.from({ length: hi - lo }, (_, k) => lo + k);
