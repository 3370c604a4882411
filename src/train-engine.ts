// Runs the wasm training kernel (assembly/train.ts) over a set of runs on the current thread: copies
// each run's parameters and moments into arena scratch in the kernel's padded, transposed layout,
// trains a chunk of steps, copies them back and releases the scratch (nothing stays resident between
// chunks, so other tegum calls may use the arena while training awaits). Used by the main thread and
// by the worker (src/train-worker.ts) alike; each run's result is independent of the others.
import { TegumError } from "./errors.js";
import { runKey } from "./rng.js";
import { roundUp4, samplingTables, type NormalizedConfig, type SamplingTables } from "./train-config.js";
import type { RunParams } from "./train-state.js";
import { wasm, type Exports } from "./wasm.js";

// Context slots and flags of assembly/train.ts.
const C = {
  N: 0, M: 1, NP: 2, MP: 3, BATCH: 4, FLAGS: 5, RUNKEY: 6, ENC: 7, DEC: 8, B: 9, GENC: 10, GDEC: 11, GB: 12,
  MENC: 13, VENC: 14, MDEC: 15, VDEC: 16, MB: 17, VB: 18, IDENT: 19, IMP: 20, LO: 21, WIDTH: 22, ALWAYS: 23, LEAD: 24,
  FEAT: 25, BETA1: 26, OMB1: 27, BETA2: 28, OMB2: 29, EPS: 30, GSCALE: 31, COUNT: 32, KERNEL: 33, OWN: 34, VSCALE: 35,
} as const;
const CTX_BYTES = 160;
export const F_OUT_RELU = 1, F_HID_RELU = 2, F_UNTIED = 4, F_ABS = 8, F_L2 = 16, F_ALL_OWN = 32, F_LANES_DENSE = 64;

export function modelFlags(cfg: NormalizedConfig): number {
  let f = 0;
  if (cfg.model !== "linear") f |= F_OUT_RELU;
  if (cfg.model === "relu-hidden" || cfg.model === "abs") f |= F_HID_RELU;
  if (cfg.model === "abs") f |= F_UNTIED | F_ABS;
  if (cfg.optimizer === "adam" && cfg.weightDecay > 0) f |= F_L2;
  return f;
}

interface Kernels {
  trainChunk(ctx: number, step0: number, steps: number, sched: number, lossOut: number, upto: number): number;
  trainGrad(ctx: number, step: number): number;
  trainSample(ctx: number, step: number, row0: number, rows: number, out: number, absent: number): number;
  trainAdam(ctx: number, sched: number): void;
}

/** Byte offsets of one run's block in wasm memory. */
interface Layout {
  np: number;
  mp: number;
  untied: boolean;
  off: Record<"ctx" | "enc" | "dec" | "b" | "genc" | "gdec" | "gb" | "menc" | "venc" | "mdec" | "vdec" | "mb" | "vb" | "ident" | "imp" | "lo" | "width" | "always" | "lead" | "feat" | "own" | "vscale", number>;
  bytes: number;
}

function layout(cfg: NormalizedConfig): Layout {
  const np = roundUp4(cfg.n), mp = roundUp4(cfg.m);
  const untied = cfg.model === "abs";
  const P = 4 * cfg.n * mp, V = 4 * np;
  let o = 0;
  const take = (bytes: number) => {
    const at = o;
    o += (bytes + 15) & ~15;
    return at;
  };
  const ctx = take(CTX_BYTES);
  const enc = take(P);
  const dec = untied ? take(P) : enc;
  const b = take(V);
  const genc = take(P);
  const gdec = untied ? take(P) : genc;
  const gb = take(V);
  const menc = take(P), venc = take(P);
  const mdec = untied ? take(P) : menc, vdec = untied ? take(P) : venc;
  const mb = take(V), vb = take(V);
  const ident = take(V), imp = take(V), lo = take(V), width = take(V), always = take(V), lead = take(V), feat = take(V), own = take(V), vscale = take(V);
  return { np, mp, untied, bytes: o, off: { ctx, enc, dec, b, genc, gdec, gb, menc, venc, mdec, vdec, mb, vb, ident, imp, lo, width, always, lead, feat, own, vscale } };
}

/** W (m×n row-major) → padded transposed n×mp rows. */
function toRows(dst: Float32Array, at: number, W: Float32Array, m: number, n: number, mp: number): void {
  for (let i = 0; i < n; i++) {
    const o = at + i * mp;
    for (let k = 0; k < m; k++) dst[o + k] = W[k * n + i];
  }
}
function fromRows(W: Float32Array, src: Float32Array, at: number, m: number, n: number, mp: number): void {
  for (let i = 0; i < n; i++) {
    const o = at + i * mp;
    for (let k = 0; k < m; k++) W[k * n + i] = src[o + k];
  }
}
/** W2 (n×m row-major) → padded n×mp rows, and back. */
function toRowsDirect(dst: Float32Array, at: number, W2: Float32Array, m: number, n: number, mp: number): void {
  for (let i = 0; i < n; i++) dst.set(W2.subarray(i * m, i * m + m), at + i * mp);
}
function fromRowsDirect(W2: Float32Array, src: Float32Array, at: number, m: number, n: number, mp: number): void {
  for (let i = 0; i < n; i++) W2.set(src.subarray(at + i * mp, at + i * mp + m), i * m);
}

export interface Gradient {
  loss: number;
  gW: Float32Array;
  gW2: Float32Array | null;
  gb: Float32Array;
}

/** Kernel of the SIMD build: "rows" (sparse over present/active features) or "lanes" (4 rows per vector). */
export type KernelKind = "rows" | "lanes";

/**
 * The faster kernel for a shape (both give the same bits): the lane kernel wins for small models,
 * where the row kernel's per-row overheads dominate.
 */
export function chooseKernel(cfg: NormalizedConfig): KernelKind {
  return cfg.n <= 48 && cfg.m <= 8 ? "lanes" : "rows";
}

/**
 * The strategy flags of an instance's sampling tables (both settings of each give the same bits):
 * - F_ALL_OWN: every feature (padding included) is independent, so the samplers skip the value hash
 *   (one specialised loop).
 * - F_LANES_DENSE: the lane kernel runs dense (every input and output of every group, fixed trip
 *   counts) rather than over live lists. Skipping saves work on sparse data but its data-dependent loop
 *   lengths cost branch mispredictions, which dominate for small n or when most features are live
 *   anyway (expected live fraction of inputs, present in any of 4 rows, ≥ DENSE_LIVE).
 */
export function tableFlags(t: SamplingTables, n: number): number {
  let own = -1;
  for (const o of t.own) own &= o;
  let dense = n <= DENSE_N;
  if (!dense) {
    let live = 0;
    for (let f = 0; f < n; f++) {
      // The sampled presence probability: width/2^32 (the table is biased by −2^31), 1 if always present.
      const p = t.always[f] !== 0 ? 1 : (t.width[f] + 0x80000000) / 4294967296;
      const a = 1 - p;
      live += 1 - a * a * a * a;
    }
    dense = live >= DENSE_LIVE * n;
  }
  return (own !== 0 ? F_ALL_OWN : 0) | (dense ? F_LANES_DENSE : 0);
}
// Measured at n = 20, m = 5: dense wins from p ≈ 0.12 up (live fraction 0.4), the live lists below.
const DENSE_N = 8, DENSE_LIVE = 0.4;

/** A set of runs trained on this thread. `ids` are global run indices (instance·seeds + replica). */
export class RunSet {
  /** Per instance: sampling tables and context flags (model | tableFlags). */
  readonly #tables = new Map<number, { t: SamplingTables; flags: number }>();
  readonly #layout: Layout;
  /** The identity feature table 0 … n−1. */
  readonly #ident: Int32Array;

  constructor(
    readonly cfg: NormalizedConfig,
    readonly ids: number[],
    public params: RunParams[],
    readonly kernel: KernelKind = chooseKernel(cfg),
  ) {
    this.#layout = layout(cfg);
    this.#ident = Int32Array.from({ length: cfg.n }, (_, f) => f);
    const model = modelFlags(cfg);
    for (const id of ids) {
      const inst = Math.floor(id / cfg.seeds);
      if (this.#tables.has(inst)) continue;
      const t = samplingTables(cfg, inst);
      this.#tables.set(inst, { t, flags: model | tableFlags(t, cfg.n) });
    }
  }

  /** Copies runs `which` into fresh scratch, calls `fn(ctxPtrs)`, copies parameters back, frees the scratch. */
  #with<R>(which: number[], extraBytes: number, fn: (ctx: number[], extra: number, k: Kernels & Exports) => R, writeBack: boolean): R {
    const ex = wasm();
    const k = ex as unknown as Kernels & Exports;
    if (typeof k.trainChunk !== "function") throw new TegumError("this wasm build has no training kernel", "init");
    const L = this.#layout;
    const { n, m } = this.cfg;
    const { np, mp } = L;
    const mark = ex.arenaTop();
    try {
      const base = ex.arenaAlloc(L.bytes * which.length + extraBytes);
      if (base === 0) throw new TegumError(`out of wasm memory allocating ${L.bytes * which.length + extraBytes} bytes for training`, "n");
      const buf = ex.memory.buffer;
      const f32 = new Float32Array(buf), i32 = new Int32Array(buf), u32 = new Uint32Array(buf);
      const ctxs: number[] = [];
      which.forEach((local, q) => {
        const at = base + q * L.bytes;
        const o = (name: keyof Layout["off"]) => at + L.off[name];
        new Uint8Array(buf, at, L.bytes).fill(0);
        const id = this.ids[local];
        const inst = Math.floor(id / this.cfg.seeds), rep = id % this.cfg.seeds;
        const { t, flags } = this.#tables.get(inst)!;
        const ctx = o("ctx") >> 2;
        const slots: [number, number][] = [
          [C.ENC, o("enc")], [C.DEC, o("dec")], [C.B, o("b")], [C.GENC, o("genc")], [C.GDEC, o("gdec")], [C.GB, o("gb")],
          [C.MENC, o("menc")], [C.VENC, o("venc")], [C.MDEC, o("mdec")], [C.VDEC, o("vdec")], [C.MB, o("mb")], [C.VB, o("vb")],
          [C.IDENT, o("ident")], [C.IMP, o("imp")], [C.LO, o("lo")], [C.WIDTH, o("width")], [C.ALWAYS, o("always")],
          [C.LEAD, o("lead")], [C.FEAT, o("feat")], [C.OWN, o("own")], [C.VSCALE, o("vscale")],
        ];
        for (const [s, v] of slots) i32[ctx + s] = v;
        i32[ctx + C.N] = n;
        i32[ctx + C.M] = m;
        i32[ctx + C.NP] = np;
        i32[ctx + C.MP] = mp;
        i32[ctx + C.BATCH] = this.cfg.batch;
        i32[ctx + C.FLAGS] = flags;
        i32[ctx + C.KERNEL] = this.kernel === "lanes" ? 1 : 0;
        i32[ctx + C.RUNKEY] = runKey(this.cfg.seed, inst, rep) | 0;
        f32[ctx + C.BETA1] = this.cfg.beta1;
        f32[ctx + C.OMB1] = 1 - this.cfg.beta1;
        f32[ctx + C.BETA2] = this.cfg.beta2;
        f32[ctx + C.OMB2] = 1 - this.cfg.beta2;
        f32[ctx + C.EPS] = this.cfg.eps;
        f32[ctx + C.GSCALE] = 2 / (this.cfg.batch * n);
        f32[ctx + C.COUNT] = this.cfg.batch * n;
        f32.set(t.imp, o("imp") >> 2);
        u32.set(t.lo, o("lo") >> 2);
        i32.set(t.width, o("width") >> 2);
        i32.set(t.always, o("always") >> 2);
        u32.set(t.lead, o("lead") >> 2);
        u32.set(t.feat, o("feat") >> 2);
        i32.set(t.own, o("own") >> 2);
        f32.set(t.vscale, o("vscale") >> 2);
        i32.set(this.#ident, o("ident") >> 2);
        const p = this.params[local];
        toRows(f32, o("enc") >> 2, p.W, m, n, mp);
        toRows(f32, o("menc") >> 2, p.mW, m, n, mp);
        toRows(f32, o("venc") >> 2, p.vW, m, n, mp);
        if (L.untied) {
          toRowsDirect(f32, o("dec") >> 2, p.W2!, m, n, mp);
          toRowsDirect(f32, o("mdec") >> 2, p.mW2!, m, n, mp);
          toRowsDirect(f32, o("vdec") >> 2, p.vW2!, m, n, mp);
        }
        f32.set(p.b, o("b") >> 2);
        f32.set(p.mb, o("mb") >> 2);
        f32.set(p.vb, o("vb") >> 2);
        ctxs.push(o("ctx"));
      });
      const result = fn(ctxs, base + L.bytes * which.length, k);
      if (writeBack) {
        const g = new Float32Array(ex.memory.buffer);
        which.forEach((local, q) => {
          const at = base + q * L.bytes;
          const o = (name: keyof Layout["off"]) => (at + L.off[name]) >> 2;
          const p = this.params[local];
          fromRows(p.W, g, o("enc"), m, n, mp);
          fromRows(p.mW, g, o("menc"), m, n, mp);
          fromRows(p.vW, g, o("venc"), m, n, mp);
          if (L.untied) {
            fromRowsDirect(p.W2!, g, o("dec"), m, n, mp);
            fromRowsDirect(p.mW2!, g, o("mdec"), m, n, mp);
            fromRowsDirect(p.vW2!, g, o("vdec"), m, n, mp);
          }
          p.b.set(g.subarray(o("b"), o("b") + n));
          p.mb.set(g.subarray(o("mb"), o("mb") + n));
          p.vb.set(g.subarray(o("vb"), o("vb") + n));
        });
      }
      return result;
    } finally {
      ex.arenaRelease(mark);
    }
  }

  /**
   * Trains every run of the set for `count` steps from `step0` with the per-step scalars `sched`
   * (src/schedule.ts). Returns each run's losses. `upto` < 4 stops after a phase (benchmark only).
   */
  advance(step0: number, count: number, sched: Float32Array, upto = 4): Float32Array[] {
    const all = this.ids.map((_, q) => q);
    const extra = 16 * count + 4 * count * all.length;
    return this.#with(all, extra, (ctxs, at, k) => {
      new Float32Array(wasm().memory.buffer, at, 4 * count).set(sched.subarray(0, 4 * count));
      const lossAt = at + 16 * count;
      ctxs.forEach((ctx, q) => {
        if (k.trainChunk(ctx, step0, count, at, lossAt + 4 * count * q, upto) !== 0) {
          throw new TegumError("out of wasm memory for training scratch", "n");
        }
      });
      return ctxs.map((_, q) => new Float32Array(wasm().memory.buffer, lossAt + 4 * count * q, count).slice());
    }, upto >= 4);
  }

  /** The loss and the true gradient (f32: gscale·G) of run `local` at `step`, canonical layout. */
  gradient(local: number, step: number): Gradient {
    const { n, m, batch } = this.cfg;
    const { mp } = this.#layout;
    return this.#with([local], 0, ([ctx], _at, k) => {
      const loss = k.trainGrad(ctx, step);
      const g = new Float32Array(wasm().memory.buffer);
      const scale = Math.fround(2 / (batch * n));
      const i32 = new Int32Array(wasm().memory.buffer);
      const gW = new Float32Array(m * n);
      fromRows(gW, g, i32[(ctx >> 2) + C.GENC] >> 2, m, n, mp);
      let gW2: Float32Array | null = null;
      if (this.#layout.untied) {
        gW2 = new Float32Array(n * m);
        fromRowsDirect(gW2, g, i32[(ctx >> 2) + C.GDEC] >> 2, m, n, mp);
      }
      const gbAt = i32[(ctx >> 2) + C.GB] >> 2;
      const gb = g.slice(gbAt, gbAt + n);
      for (const a of [gW, gW2, gb]) if (a) for (let i = 0; i < a.length; i++) a[i] = Math.fround(a[i] * scale);
      return { loss, gW, gW2, gb };
    }, false);
  }

  /** One Adam(W) step of run `local` from gradient G = gradient/gscale given in canonical layout. */
  adamFrom(local: number, grad: { gW: Float32Array; gW2: Float32Array | null; gb: Float32Array }, sched: Float32Array): void {
    const { n, m } = this.cfg;
    const { mp } = this.#layout;
    this.#with([local], 16, ([ctx], at, k) => {
      const g = new Float32Array(wasm().memory.buffer);
      const i32 = new Int32Array(wasm().memory.buffer);
      toRows(g, i32[(ctx >> 2) + C.GENC] >> 2, grad.gW, m, n, mp);
      if (this.#layout.untied) toRowsDirect(g, i32[(ctx >> 2) + C.GDEC] >> 2, grad.gW2!, m, n, mp);
      g.set(grad.gb, i32[(ctx >> 2) + C.GB] >> 2);
      g.set(sched.subarray(0, 4), at >> 2);
      k.trainAdam(ctx, at);
    }, true);
  }

  /** Dense signed inputs (rows×n) of rows row0… of run `local`'s batch at `step`; `absent` fills absent features. */
  sample(local: number, step: number, row0: number, rows: number, absent = 0): Float32Array {
    const n = this.cfg.n;
    return this.#with([local], 4 * rows * n, ([ctx], at, k) => {
      if (k.trainSample(ctx, step, row0, rows, at, absent) !== 0) throw new TegumError("out of wasm memory sampling", "rows");
      return new Float32Array(wasm().memory.buffer, at, rows * n).slice();
    }, false);
  }
}
