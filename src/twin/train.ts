// Plain-TypeScript twin of the training kernel (assembly/train.ts). The kernel takes a context block
// of pointers; the twin takes the same run description as plain objects and typed arrays, in the
// canonical layout (W m×n row-major, W2 n×m, b n).
//
// With precision "f32" every operation is rounded as in the kernel, in the kernel's order, so the
// loss and gradient are the same bits as the wasm builds'. With "f64" the same algorithm runs
// unrounded: the reference for finite differences (gradient checks) — sampling is identical in both.
import { mix32, STREAM_PRESENCE, STREAM_VALUE, stepKey, value } from "../rng.js";
import type { ModelKind, SamplingTables } from "../train-config.js";

export interface TwinRun {
  n: number;
  m: number;
  model: ModelKind;
  batch: number;
  /** runKey(seed, instance, replica) of src/rng.ts. */
  runKey: number;
  /** Sampling tables of the run's instance (src/train-config.ts `samplingTables`). */
  tables: SamplingTables;
  W: ArrayLike<number>;
  W2?: ArrayLike<number> | null;
  b: ArrayLike<number>;
}

export interface TwinBatchRow {
  idx: number[];
  /** Signed inputs (abs model: U[−1, 1)). */
  val: number[];
}

/** The present features of every row of the batch at `step` (rows row0 … row0 + rows − 1). */
export function trainSampleRows(run: TwinRun, step: number, row0: number, rows: number): TwinBatchRow[] {
  const { n, tables: t } = run;
  const abs = run.model === "abs";
  const sP = stepKey(run.runKey >>> 0, step, STREAM_PRESENCE), sV = stepKey(run.runKey >>> 0, step, STREAM_VALUE);
  const out: TwinBatchRow[] = [];
  for (let r = row0; r < row0 + rows; r++) {
    const s = mix32((r ^ 0x5bd1e995) >>> 0);
    const rp = mix32((sP ^ s) >>> 0), rv = mix32((sV ^ s) >>> 0);
    const row: TwinBatchRow = { idx: [], val: [] };
    for (let f = 0; f < n; f++) {
      const p = mix32((rp + t.lead[f]) >>> 0);
      if (!(((p - t.lo[f]) | 0) < t.width[f] || t.always[f] !== 0)) continue;
      let x = value(t.own[f] !== 0 ? p : mix32((rv + t.feat[f]) >>> 0), t.vscale[f]);
      if (abs) x = Math.fround(x + x - 1); // 2x is exact; one rounding (f64 then f32: innocuous)
      row.idx.push(f);
      row.val.push(x);
    }
    out.push(row);
  }
  return out;
}

/** Dense signed inputs (rows×n), as the kernel's trainSample. */
export function trainSample(run: TwinRun, step: number, row0: number, rows: number): Float32Array {
  const out = new Float32Array(rows * run.n);
  trainSampleRows(run, step, row0, rows).forEach((row, r) => row.idx.forEach((f, q) => (out[r * run.n + f] = row.val[q])));
  return out;
}

export interface TwinGradient {
  loss: number;
  gW: Float64Array;
  gW2: Float64Array | null;
  gb: Float64Array;
}

/**
 * Loss and gradient of the batch at `step` (see assembly/train.ts for the order of operations: lane
 * copies q = row mod 4 of every accumulator, reduced as (a0 + a1) + (a2 + a3)). The gradient returned
 * is the true one: gscale·G in f32 mode (as src/train-engine.ts `gradient`), 2/(B·n)·G in f64 mode.
 */
export function trainGrad(run: TwinRun, step: number, precision: "f32" | "f64" = "f32"): TwinGradient {
  const R = precision === "f32" ? Math.fround : (x: number) => x;
  const { n, m, batch, model, tables: t } = run;
  const outRelu = model !== "linear";
  const hidRelu = model === "relu-hidden" || model === "abs";
  const untied = model === "abs";
  const abs = model === "abs";
  const relu = (x: number) => Math.max(x, 0);
  const red = (a: ArrayLike<number>) => R(R(a[0] + a[1]) + R(a[2] + a[3]));
  const W = run.W, W2 = run.W2 ?? null;
  const enc = (j: number, k: number) => W[k * n + j];
  const dec = untied ? (i: number, k: number) => W2![i * m + k] : enc;
  // Lane copies, indexed [q][i·m + k] (decoder side, i = output) and [q][j·m + k] (encoder side).
  const GD = Array.from({ length: 4 }, () => new Float64Array(n * m));
  const GE = Array.from({ length: 4 }, () => new Float64Array(n * m));
  const GB = Array.from({ length: 4 }, () => new Float64Array(n));
  const L = Array.from({ length: 4 }, () => [0, 0, 0, 0]);
  const empty = [0, 0, 0, 0];

  // The empty row: out = b, target 0.
  const gE = new Float64Array(n);
  const eE = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) {
    const o = run.b[i];
    const y = outRelu ? relu(o) : o;
    const err = R(y - 0);
    const ie = R(t.imp[i] * err);
    eE[i & 3] = R(eE[i & 3] + R(ie * err));
    gE[i] = outRelu ? (o > 0 ? ie : 0) : ie;
  }
  const hpre = new Float64Array(m), h = new Float64Array(m), gh = new Float64Array(m), g = new Float64Array(n);
  trainSampleRows(run, step, 0, batch).forEach((row, r) => {
    const q = r & 3;
    if (row.idx.length === 0) {
      empty[q]++;
      return;
    }
    hpre.fill(0);
    row.idx.forEach((j, s) => {
      for (let k = 0; k < m; k++) hpre[k] = R(hpre[k] + R(row.val[s] * enc(j, k)));
    });
    for (let k = 0; k < m; k++) h[k] = hidRelu ? relu(hpre[k]) : hpre[k];
    const x = new Float64Array(n);
    row.idx.forEach((j, s) => (x[j] = abs ? Math.abs(row.val[s]) : row.val[s]));
    for (let i = 0; i < n; i++) {
      let o = run.b[i];
      for (let k = 0; k < m; k++) o = R(o + R(h[k] * dec(i, k)));
      const y = outRelu ? relu(o) : o;
      const err = R(y - x[i]);
      const ie = R(t.imp[i] * err);
      L[q][i & 3] = R(L[q][i & 3] + R(ie * err));
      g[i] = outRelu ? (o > 0 ? ie : 0) : ie;
      GB[q][i] = R(GB[q][i] + g[i]);
    }
    gh.fill(0);
    for (let i = 0; i < n; i++) {
      if (g[i] === 0) continue; // exact: the kernel may add ±0 here instead
      for (let k = 0; k < m; k++) {
        gh[k] = R(gh[k] + R(g[i] * dec(i, k)));
        GD[q][i * m + k] = R(GD[q][i * m + k] + R(g[i] * h[k]));
      }
    }
    if (hidRelu) for (let k = 0; k < m; k++) if (!(hpre[k] > 0)) gh[k] = 0;
    row.idx.forEach((j, s) => {
      for (let k = 0; k < m; k++) GE[q][j * m + k] = R(GE[q][j * m + k] + R(row.val[s] * gh[k]));
    });
  });
  const scale = R(2 / (batch * n));
  const gW = new Float64Array(m * n); // canonical m×n
  const gW2 = untied ? new Float64Array(n * m) : null; // n×m
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < m; k++) {
      const d = red(GD.map((a) => a[i * m + k]));
      const e = red(GE.map((a) => a[i * m + k]));
      if (untied) {
        gW2![i * m + k] = R(d * scale);
        gW[k * n + i] = R(e * scale);
      } else {
        gW[k * n + i] = R(R(d + e) * scale);
      }
    }
  }
  const gb = new Float64Array(n);
  for (let i = 0; i < n; i++) gb[i] = R(red(GB.map((a, q) => R(a[i] + R(empty[q] * gE[i])))) * scale);
  const S = L.map((lq, q) => red(lq.map((v, c) => R(v + R(empty[q] * eE[c])))));
  const loss = R(red(S) / R(batch * n));
  return { loss, gW, gW2, gb };
}

/** The f64 loss alone (for finite differences). */
export function trainLoss(run: TwinRun, step: number): number {
  return trainGrad(run, step, "f64").loss;
}

export interface TwinAdam {
  beta1: number;
  beta2: number;
  eps: number;
  /** The step's scalars [decay, stepSize, bc2sqrt, l2] (src/schedule.ts). */
  sched: ArrayLike<number>;
  /** Adam with L2 decay (g += l2·p) instead of AdamW's decoupled decay. */
  l2: boolean;
}

/** One Adam(W) update of parameter p with true gradient `grad`, in f32 exactly as the kernel. */
export function trainAdam(p: Float32Array, grad: ArrayLike<number>, mom: Float32Array, vel: Float32Array, o: TwinAdam): void {
  const R = Math.fround;
  const [decay, stepSize, bc2sqrt, l2] = Array.from(o.sched, R);
  const b1 = R(o.beta1), o1 = R(1 - o.beta1), b2 = R(o.beta2), o2 = R(1 - o.beta2), eps = R(o.eps);
  for (let i = 0; i < p.length; i++) {
    let pv = p[i];
    let g = R(grad[i]);
    if (o.l2) g = R(g + R(l2 * pv));
    pv = R(pv * decay);
    const mv = R(R(mom[i] * b1) + R(g * o1));
    const v2 = R(R(vel[i] * b2) + R(R(o2 * g) * g));
    const den = R(R(R(Math.sqrt(v2)) / bc2sqrt) + eps);
    pv = R(pv - R(stepSize * R(mv / den)));
    p[i] = pv;
    mom[i] = mv;
    vel[i] = v2;
  }
}
