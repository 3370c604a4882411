// Training throughput vs PyTorch (REFERENCE §8: torch 1.13 CPU, OFF's training loop, batch 1024, one
// thread, this machine kind): n=5, m=2, I=10 → 581 steps/s; n=20, m=5, I=10 → 211; n=200, m=20,
// I=20 → 4.1. OFF's sweep p = 20^(−linspace(0, 1, I)) with the experiment's importance (0.9^i, 0.7^i, 1).
// Every measurement trains from a fresh initialisation (b = 0, the slowest phase: many active outputs)
// through the public `train()` (copies, scheduling and progress included), one thread and 2 workers.
// The per-phase breakdown times variant kernels that stop after each phase (sampling; + forward;
// + backward; + optimiser = a full step), one thread, ms per step for all instances.
// The machine is shared and noisy: each figure is the best of ROUNDS runs; CPU time of the process is
// printed beside wall time (one thread: CPU ≈ wall unless other processes steal the core).
// Run: `npm run build && node bench/train.bench.js` (or `node bench/run.js train`).
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { init, sweeps, train } from "../dist/index.js";
import { normalizeConfig } from "../dist/train-config.js";
import { chooseKernel, RunSet } from "../dist/train-engine.js";
import { initialState } from "../dist/train-state.js";
import { scheduleTable } from "../dist/schedule.js";
import { cpuMs, ROUNDS } from "./common.js";

const CASES = [
  { n: 5, m: 2, I: 10, importance: sweeps.geometric(5, 0.9), torch: 581, steps: 3000 },
  { n: 20, m: 5, I: 10, importance: sweeps.geometric(20, 0.7), torch: 211, steps: 1000 },
  { n: 200, m: 20, I: 20, importance: 1, torch: 4.1, steps: 40 },
];

async function rate(config, steps, workers) {
  let wall = 0, cpu = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now(), c0 = cpuMs();
    await train(config, { steps, workers });
    const w = steps / ((performance.now() - t0) / 1000), c = steps / ((cpuMs() - c0) / 1000);
    wall = Math.max(wall, w);
    cpu = Math.max(cpu, c);
  }
  return { wall, cpu };
}

function phases(config, steps) {
  const cfg = normalizeConfig(config);
  const ids = Array.from({ length: cfg.instances * cfg.seeds }, (_, i) => i);
  const fixed = new RunSet(cfg, ids, initialState(cfg).runs);
  const sched = scheduleTable(cfg, 0, steps);
  const out = [];
  // Sampling; + forward; + backward: no update (and no write-back), so every round sees the same weights.
  for (const upto of [1, 2, 3]) {
    let best = Infinity;
    for (let r = 0; r < ROUNDS; r++) {
      const t0 = performance.now();
      fixed.advance(0, steps, sched, upto);
      best = Math.min(best, (performance.now() - t0) / steps);
    }
    out.push(best);
  }
  // Full steps (+ optimiser), each round from the same fresh initialisation.
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const set = new RunSet(cfg, ids, initialState(cfg).runs);
    const t0 = performance.now();
    set.advance(0, steps, sched, 4);
    best = Math.min(best, (performance.now() - t0) / steps);
  }
  out.push(best);
  return out;
}

export default async function main() {
  await init(readFileSync(new URL("../build/tegum.simd.wasm", import.meta.url)));
  console.log(`train() steps/s, best of ${ROUNDS} (wall; process CPU in parentheses), from a fresh init`);
  const rows = [];
  for (const c of CASES) {
    const config = { n: c.n, m: c.m, instances: c.I, p: sweeps.falloff(c.I, 20), importance: c.importance, steps: 10_000 };
    await train(config, { steps: Math.max(2, c.steps / 10), workers: 0 }); // warm-up (JIT)
    const one = await rate(config, c.steps, 0);
    const two = await rate(config, c.steps, 2);
    const ph = phases(config, Math.max(2, Math.round(c.steps / 4)));
    rows.push({ c, one, two, ph, kernel: chooseKernel(normalizeConfig(config)) });
    const f = (x) => x.toFixed(x < 100 ? 1 : 0);
    console.log(
      `n=${c.n}, m=${c.m}, I=${c.I} (${rows.at(-1).kernel} kernel): 1 thread ${f(one.wall)} (${f(one.cpu)}) = ${(one.wall / c.torch).toFixed(1)}× PyTorch ${c.torch}` +
        ` | 2 workers ${f(two.wall)} = ${(two.wall / c.torch).toFixed(1)}×` +
        ` | ms/step: sampling ${ph[0].toFixed(3)}, forward ${(ph[1] - ph[0]).toFixed(3)}, backward ${(ph[2] - ph[1]).toFixed(3)}, optimiser ${Math.max(0, ph[3] - ph[2]).toFixed(3)}`,
    );
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await main();
