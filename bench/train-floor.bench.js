// The floor of a training step: how fast can any implementation of the kernel's semantics be on this
// CPU with f32x4 mul-then-add (no FMA)? Times minimal wasm SIMD loops (assembly/train-floor.ts, compiled
// here, not part of the module) for the arithmetic a step must do, with the counts of the bench's cases
// (bench/train.bench.js) at a fresh initialisation (step 0, all instances):
//   (a) presence hashes of B×n (row, feature) pairs (mix32 of assembly/rng.ts, with the row keys);
//   (b) the decode out = Wᵀh + b of every non-empty row (m·n products), then the output stage (loss
//       lanes, g, gb) that must follow it;
//   (c) the backward products of the active outputs (out > 0): gh += g_i·W_i and GD_i += g_i·h;
//   (d) the input side over present inputs: the encode h += x_j·W_j and GE_j += x_j·gh.
// Items are packed 4 to a vector with no padding and no bookkeeping: the least work the semantics allow,
// in plain loops (not tuned to the limit: the decode runs at about a third of the peak rate). "Dense
// lanes" repeats (c) and (d) over every feature of every non-empty group of 4 rows (what a lane kernel
// without skipping does). "Products alone at peak" divides the step's f32x4
// products (b, c, d) by the rate of a loop with every operand in registers: the bound for arithmetic
// alone, without hashes, output stage or memory traffic. Ceiling = 1000 / floor ms steps/s, against the
// 20× PyTorch target. Best of ROUNDS, rounds interleaved; CPU time of the process in parentheses.
// Run: `npm run build && node bench/train-floor.bench.js` (or `node bench/run.js train-floor`).
import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import asc from "assemblyscript/asc";
import { init, sweeps } from "../dist/index.js";
import { normalizeConfig } from "../dist/train-config.js";
import { RunSet } from "../dist/train-engine.js";
import { initialState } from "../dist/train-state.js";
import { cpuMs, lcgValues, ROUNDS } from "./common.js";

const CASES = [
  { n: 5, m: 2, I: 10, importance: sweeps.geometric(5, 0.9), torch: 581 },
  { n: 20, m: 5, I: 10, importance: sweeps.geometric(20, 0.7), torch: 211 },
  { n: 200, m: 20, I: 20, importance: 1, torch: 4.1 },
];

async function compileFloor() {
  let binary = null;
  const { error, stderr } = await asc.main(
    ["train-floor.ts", "--baseDir", fileURLToPath(new URL("../assembly/", import.meta.url)), "--outFile", "floor.wasm", "-O3", "--enable", "simd", "--runtime", "stub", "--noAssert", "--use", "abort=", "--initialMemory", "256"],
    { writeFile: (name, contents) => { if (name.endsWith(".wasm")) binary = contents; } },
  );
  if (error) throw new Error(`${error.message}\n${stderr.toString()}`);
  return (await WebAssembly.instantiate(binary, {})).instance.exports;
}

/** Non-empty rows, present (row, input) pairs and active (row, output) pairs of step 0 at the fresh init. */
function counts(c) {
  const cfg = normalizeConfig({ n: c.n, m: c.m, instances: c.I, p: sweeps.falloff(c.I, 20), importance: c.importance, steps: 10_000 });
  const st = initialState(cfg);
  const set = new RunSet(cfg, Array.from({ length: c.I }, (_, i) => i), st.runs);
  const { n, m } = c;
  const r = { rows: 0, groups: 0, present: 0, active: 0 };
  const h = new Float64Array(m);
  for (let q = 0; q < c.I; q++) {
    const x = set.sample(q, 0, 0, cfg.batch, NaN), W = st.runs[q].W;
    let ne = 0;
    for (let row = 0; row < cfg.batch; row++) {
      h.fill(0);
      let cnt = 0;
      for (let j = 0; j < n; j++) {
        const v = x[row * n + j];
        if (Number.isNaN(v)) continue;
        cnt++;
        for (let k = 0; k < m; k++) h[k] += v * W[k * n + j];
      }
      if (cnt === 0) continue;
      ne++;
      r.present += cnt;
      for (let i = 0; i < n; i++) {
        let o = 0;
        for (let k = 0; k < m; k++) o += h[k] * W[k * n + i];
        if (o > 0) r.active++;
      }
    }
    r.rows += ne;
    r.groups += Math.ceil(ne / 4);
  }
  return r;
}

/**
 * ms per call (wall, CPU) of each task { fn, reps }, best of ROUNDS; rounds interleave the tasks, so
 * a burst of load from other processes does not hit all rounds of one task. ≥ 200 ms of warm-up each
 * first (tier-up to optimised code).
 */
function timeAll(tasks) {
  for (const { fn } of Object.values(tasks)) for (let t0 = performance.now(), i = 0; i < 3 || performance.now() - t0 < 200; i++) fn();
  const out = {};
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, { fn, reps }] of Object.entries(tasks)) {
      const t0 = performance.now(), c0 = cpuMs();
      for (let i = 0; i < reps; i++) fn();
      const wall = (performance.now() - t0) / reps, cpu = (cpuMs() - c0) / reps;
      out[name] = { wall: Math.min(out[name]?.wall ?? Infinity, wall), cpu: Math.min(out[name]?.cpu ?? Infinity, cpu) };
    }
  }
  return out;
}

export default async function main() {
  await init(readFileSync(new URL("../build/tegum.simd.wasm", import.meta.url)));
  const k = await compileFloor();
  // Peak mul-then-add rate with every operand in registers (8 independent chains).
  const peakAt = 1 << 19;
  new Float32Array(k.memory.buffer, peakAt, 12).set([1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0, 0, 0, 0]);
  const peakIters = 1e6;
  const { peak } = timeAll({ peak: { fn: () => k.floorPeak(peakIters, peakAt), reps: 20 } });
  const macRate = (8 * peakIters) / peak.wall; // f32x4 products (mul + add) per ms
  console.log(`floor ms/step, best of ${ROUNDS} (wall; CPU in parentheses), fresh init, all instances`);
  console.log(`peak f32x4 mul+add rate, operands in registers: ${(macRate / 1e6).toFixed(2)} G/s = ${((8 * macRate) / 1e6).toFixed(1)} GFLOPS`);
  const rows = [];
  for (const c of CASES) {
    const { n, m } = c;
    const cnt = counts(c);
    // Buffers above the static data: tables, operands (small values: no subnormals, no overflow).
    let at = 1 << 20;
    const take = (bytes) => { const p = at; at += (bytes + 15) & ~15; return p; };
    const f32 = (p, len, seed, scale = 0.1) => {
      new Float32Array(k.memory.buffer, p, len).set(lcgValues(Float32Array, len, seed).map((v) => v * scale));
      return p;
    };
    const tab = take(16 * n);
    new Int32Array(k.memory.buffer, tab, 4 * n).set(Array.from({ length: 4 * n }, (_, i) => [Math.imul(i >> 2, 0x9e3779b9), 0, -(2 ** 30), 0][i & 3]));
    const dec = f32(take(4 * n * m), n * m, 1), b = f32(take(4 * n), n, 2), imp = f32(take(4 * n), n, 3, 1);
    const h = f32(take(32 * m), 8 * m, 4), xt = f32(take(16 * n), 4 * n, 5), out = f32(take(32 * n), 8 * n, 8), gb = take(16 * n);
    const v = f32(take(16 * n), 4 * n, 6), s = f32(take(16 * m), 4 * m, 7), upd = take(16 * n * m), acc = take(16 * m);
    new Float32Array(k.memory.buffer, gb, 4 * n).fill(0);
    new Float32Array(k.memory.buffer, upd, 4 * n * m).fill(0);
    const hashGroups = (c.I * 1024) / 4;
    const reps = Math.max(2, Math.round(4e6 / (c.I * 1024 * n * m)));
    const items = { active: Math.ceil(cnt.active / 4), present: Math.ceil(cnt.present / 4), dense: cnt.groups * n };
    const t = timeAll({
      hash: { fn: () => k.floorHash(hashGroups, n, 12345, tab), reps },
      decode: { fn: () => k.floorDecode(cnt.groups + (cnt.groups & 1), n, m, dec, b, h, out), reps },
      outputs: { fn: () => k.floorOutputs(cnt.groups, n, out, xt, imp, gb), reps },
      active: { fn: () => k.floorPairs(items.active, n, m, v, dec, s, upd, acc), reps },
      present: { fn: () => k.floorPairs(items.present, n, m, v, dec, s, upd, acc), reps },
      dense: { fn: () => k.floorPairs(items.dense, n, m, v, dec, s, upd, acc), reps },
    });
    const sum = (...xs) => ({ wall: xs.reduce((a, x) => a + x.wall, 0), cpu: xs.reduce((a, x) => a + x.cpu, 0) });
    const abc = sum(t.hash, t.decode, t.active);
    const all = sum(t.hash, t.decode, t.outputs, t.active, t.present);
    const dense = sum(t.hash, t.decode, t.outputs, t.dense, t.dense);
    // Products alone (decode, both sides of the backward pass, encode) at the peak rate.
    const products = (cnt.groups * n * m + 2 * m * (items.active + items.present)) / macRate;
    const target = 20 * c.torch;
    const ms = (x) => `${x.wall.toFixed(3)} (${x.cpu.toFixed(3)})`;
    const ceil = (x) => `${(1000 / x).toFixed(x > 10 ? 1 : 0)} steps/s = ${(1000 / x / c.torch).toFixed(1)}×`;
    console.log(
      `n=${n}, m=${m}, I=${c.I}: ${cnt.rows} non-empty rows, ${cnt.present} present inputs, ${cnt.active} active outputs; target 20× = ${target.toFixed(0)} steps/s = ${(1000 / target).toFixed(3)} ms\n` +
        `  (a) hash ${ms(t.hash)} | (b) decode ${ms(t.decode)} | outputs ${ms(t.outputs)} | (c) active outputs ${ms(t.active)} | (d) present inputs ${ms(t.present)} | dense lanes, per side ${ms(t.dense)}\n` +
        `  a+b+c ${ms(abc)} → ceiling ${ceil(abc.wall)} | a+b+outputs+c+d ${ms(all)} → ${ceil(all.wall)} | dense lanes ${ms(dense)} → ${ceil(dense.wall)} | products alone at peak ${products.toFixed(3)} → ${ceil(products)}`,
    );
    rows.push({ c, cnt, t, abc, all, dense, products });
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await main();
