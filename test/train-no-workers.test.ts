// Where no worker can start, an explicit worker count is an error, not a silent single thread; "auto"
// and 0 train on this thread. The runtime is simulated by replacing the worker pool's two probes.
import { beforeAll, describe, expect, it, vi } from "vitest";

const runtime = vi.hoisted(() => ({ hasWorkerApi: false }));
vi.mock("../src/worker-pool.js", async (original) => ({
  ...(await original<typeof import("../src/worker-pool.js")>()),
  workersAvailable: () => runtime.hasWorkerApi,
  acquireWorkers: async () => null, // a Worker API whose workers fail to spawn (CSP, stubs)
}));

import { TegumError, train, type TrainConfig } from "../src/index.js";
import { use } from "./backends.js";
import { resultDigest as d } from "./train-digest.js";

describe("a runtime without workers", () => {
  beforeAll(() => use("simd"));
  const cfg: TrainConfig = { n: 8, m: 3, instances: 3, p: 0.2, batch: 32, steps: 20, seed: 2 };

  for (const hasWorkerApi of [false, true]) {
    it(`rejects workers: 2 naming the option, trains with 0 and "auto" (Worker API: ${hasWorkerApi})`, async () => {
      runtime.hasWorkerApi = hasWorkerApi;
      const err = await train(cfg, { workers: 2 }).catch((e) => e);
      expect(err).toBeInstanceOf(TegumError);
      expect(err.parameter).toBe("workers");
      expect(err.message).toMatch(/cannot start workers; use workers: 0/);
      const one = await train(cfg, { workers: 0 });
      expect(d(await train(cfg, { workers: "auto" }))).toBe(d(one));
      expect(d(await train(cfg, { workers: 1 }))).toBe(d(one)); // one worker means this thread
    });
  }
});
