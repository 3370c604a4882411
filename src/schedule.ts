// Learning-rate schedules (OFF, REFERENCE §1) and the per-step scalars the Adam(W) kernel reads.
//   constant: 1     linear: 1 − step/steps     cosine: cos(0.5π·step/(steps − 1))   (cos from src/math.ts)
//   warmup w > 0 multiplies by (step + 1)/w for step < w.
// Per step s (Adam count t = s + 1), four f32 in the table: decay = 1 − lr_s·wd (AdamW; 1 for Adam),
// stepSize = lr_s/(1 − β1^t), bc2sqrt = √(1 − β2^t), l2 = wd (Adam) or 0 (AdamW); the powers are exact
// repeated squaring in f64, so the table is the same bits in every runtime.
import { cos, powInt } from "./math.js";

export type ScheduleKind = "constant" | "linear" | "cosine";

/** The learning-rate multiplier at `step` of a `steps`-step schedule. */
export function lrFactor(kind: ScheduleKind, step: number, steps: number, warmup = 0): number {
  let f = 1;
  if (kind === "linear") f = 1 - step / steps;
  else if (kind === "cosine") f = steps > 1 ? cos((0.5 * Math.PI * step) / (steps - 1)) : 1;
  if (warmup > 0 && step < warmup) f *= (step + 1) / warmup;
  return f;
}

export interface OptimiserSettings {
  lr: number;
  schedule: ScheduleKind;
  warmup: number;
  steps: number;
  optimizer: "adamw" | "adam";
  weightDecay: number;
  beta1: number;
  beta2: number;
}

/** The kernel's per-step scalars for steps step0 … step0 + count − 1 (4 f32 each). */
export function scheduleTable(o: OptimiserSettings, step0: number, count: number): Float32Array {
  const out = new Float32Array(4 * count);
  const adamw = o.optimizer === "adamw";
  for (let s = 0; s < count; s++) {
    const step = step0 + s;
    const t = step + 1;
    const lr = o.lr * lrFactor(o.schedule, step, o.steps, o.warmup);
    out[4 * s] = adamw ? 1 - lr * o.weightDecay : 1;
    out[4 * s + 1] = lr / (1 - powInt(o.beta1, t));
    out[4 * s + 2] = Math.sqrt(1 - powInt(o.beta2, t));
    out[4 * s + 3] = adamw ? 0 : o.weightDecay;
  }
  return out;
}
