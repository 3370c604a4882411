// Multi-threaded training gives the same bits as one thread. Workers load dist/train-worker.js, so
// this file exercises the built package (`npm test` builds first).
import { describe, expect, it } from "vitest";
import * as lib from "../dist/entry/node.js";
import { resultDigest as d } from "./train-digest.js";


describe("worker threads", () => {
  it("1, 2 and 3 threads give the same bits (all model kinds, snapshots, replicas)", async () => {
    for (const backend of ["simd", "scalar"] as const) {
      await lib.init({ backend });
      for (const model of ["relu-output", "abs"] as const) {
        const cfg: lib.TrainConfig = {
          n: 12, m: 4, model, instances: 3, p: lib.sweeps.falloff(3, 20), batch: 128, steps: 120, seeds: 2, seed: 4, snapshotEvery: 40,
        };
        const one = await lib.train(cfg, { workers: 0 });
        for (const workers of [2, 3]) {
          const many = await lib.train(cfg, { workers, progressEvery: 25 });
          expect(d(many), `${backend} ${model} ${workers}`).toBe(d(one));
          expect(lib.digest(lib.serializeState(many.state))).toBe(lib.digest(lib.serializeState(one.state)));
        }
      }
    }
  });

  it("resumes across different thread counts and aborts cleanly", async () => {
    await lib.init({ backend: "simd" });
    const cfg: lib.TrainConfig = { n: 10, m: 3, instances: 4, p: 0.2, batch: 64, steps: 200, seed: 8 };
    const one = await lib.train(cfg, { workers: 0 });
    const half = await lib.train(cfg, { workers: 2, steps: 90 });
    const rest = await lib.resume(lib.deserializeState(lib.serializeState(half.state)), { workers: 3 });
    expect(d(rest)).toBe(d(one));
    const ac = new AbortController();
    const reason = new Error("stop");
    const err = await lib.train(cfg, { workers: 2, progressEvery: 10, signal: ac.signal, onProgress: ({ step }) => step >= 20 && ac.abort(reason) })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(lib.TrainAbortError);
    const abort = err as lib.TrainAbortError;
    expect(abort.reason).toBe(reason);
    // The chunks in flight finish: the state is at a chunk boundary ≥ 20, and resumes bit-exactly.
    expect(abort.state.step).toBeGreaterThanOrEqual(20);
    expect(abort.state.step % 10).toBe(0);
    expect(abort.state.step).toBeLessThan(200);
    expect(d(await lib.resume(abort.state, { workers: 2 }))).toBe(d(one));
  });

  it("a subset of instances on workers equals the same instances of the one-thread run", async () => {
    await lib.init({ backend: "simd" });
    const cfg: lib.TrainConfig = { n: 10, m: 3, instances: 6, p: lib.sweeps.falloff(6, 20), batch: 64, steps: 90, seeds: 2, seed: 5, snapshotEvery: 30 };
    const one = await lib.train(cfg, { workers: 0 });
    const sub = await lib.train(cfg, { workers: 2, instances: [1, 2, 5], progressEvery: 20 });
    expect(d(sub)).toBe(d({ ...one, instances: [1, 2, 5].map((i) => one.instances[i]) }));
    expect(sub.instances.map((x) => x.snapshots)).toEqual([1, 2, 5].map((i) => one.instances[i].snapshots));
  });
});
