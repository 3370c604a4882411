// What several bench files share: the rounds (best of ROUNDS: the machine is shared and noisy), both
// compiled builds for side-by-side runs, and deterministic inputs.
import { readFileSync } from "node:fs";
import { Bench } from "tinybench";
import { init } from "../dist/index.js";

export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** The compiled simd and scalar builds (for wasmTask). */
const modules = () => ({
  simd: new WebAssembly.Module(readFileSync(new URL("../build/tegum.simd.wasm", import.meta.url))),
  scalar: new WebAssembly.Module(readFileSync(new URL("../build/tegum.scalar.wasm", import.meta.url))),
});

let compiled = null;

/**
 * A task ({ name, setup, fn }) on one wasm backend: its setup (re-)initialises `backend` from the
 * compiled builds, then calls `make()`, which allocates the resident operands and returns the timed body.
 */
export function wasmTask(name, backend, make) {
  let run = null;
  return {
    name,
    setup: async () => {
      compiled ??= modules();
      await init(compiled[backend], { backend });
      run = make();
    },
    fn: () => run(),
  };
}

/** `length` values in [−1, 1) from a linear congruential sequence, as `Type` (Float32Array or Float64Array). */
export function lcgValues(Type, length, seed) {
  const out = new Type(length);
  let s = seed >>> 0;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** Runs tasks ({ name, fn, setup? }) `rounds` times; the best mean ops/s per task name. */
export async function best(tasks, { time = 300, iterations = 5, warmupIterations = 2, rounds = ROUNDS } = {}) {
  const result = {};
  for (let r = 0; r < rounds; r++) {
    const bench = new Bench({ time, iterations, warmupTime: 50, warmupIterations, warmup: warmupIterations > 0 });
    for (const t of tasks) bench.add(t.name, t.fn, t.setup ? { beforeAll: t.setup } : {});
    await bench.run();
    for (const task of bench.tasks) {
      const hz = task.result?.throughput?.mean ?? 0;
      result[task.name] = Math.max(result[task.name] ?? 0, hz);
    }
  }
  return result;
}

/** The process CPU time (user + system) so far, in ms. */
export const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * One task timed by tinybench in ROUNDS rounds: the best round's mean ms per run (`wall`) and the
 * process CPU ms per run in that round (`cpu`; CPU ≈ wall unless other processes steal the core).
 */
export async function measure(name, fn, { time = 500, iterations = 5 } = {}) {
  let result = { wall: Infinity, cpu: Infinity };
  for (let round = 0; round < ROUNDS; round++) {
    const bench = new Bench({ time, iterations, warmupTime: 50, warmupIterations: 1 });
    let cpu = 0, runs = 0;
    bench.add(name, () => {
      const c0 = cpuMs();
      fn();
      cpu += cpuMs() - c0;
      runs++;
    });
    await bench.run();
    const hz = bench.tasks[0].result?.throughput?.mean ?? 0;
    if (hz > 0 && 1000 / hz < result.wall) result = { wall: 1000 / hz, cpu: cpu / Math.max(runs, 1) };
  }
  return result;
}
