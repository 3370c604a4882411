// What several bench files share: the rounds (best of ROUNDS: the machine is shared and noisy), both
// compiled builds for side-by-side runs, and deterministic inputs.
import { readFileSync } from "node:fs";
import { Bench } from "tinybench";

export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** The compiled simd and scalar builds (init(modules()[backend], { backend })). */
export const modules = () => ({
  simd: new WebAssembly.Module(readFileSync(new URL("../build/tegum.simd.wasm", import.meta.url))),
  scalar: new WebAssembly.Module(readFileSync(new URL("../build/tegum.scalar.wasm", import.meta.url))),
});

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
