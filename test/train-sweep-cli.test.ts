// Sharded sweeps through the library's `TrainOptions.instances`: shards with snapshots (and workers,
// where the job is big enough) merge into exactly the file of the unsharded run.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { built, safetensorsHeader, sha256, tegumBin } from "./cli-helpers.js";

const dir = mkdtempSync(join(tmpdir(), "tegum-sweep-snap-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!built)("tegum sweep with snapshots (built binary)", () => {
  it("shards record snapshots; merged equals tegum train byte for byte", async () => {
    writeFileSync(join(dir, "cfg.json"), JSON.stringify({ n: 8, m: 3, instances: 4, p: { falloff: 20 }, importance: { geometric: 0.8 }, steps: 300, batch: 128, seeds: 2, snapshotEvery: 50 }));
    const full = await tegumBin(dir, ["train", "--config", "cfg.json", "--out", "full.safetensors", "--no-bundles"]);
    expect(full.code).toBe(0);
    const shards = await Promise.all([0, 1].map((i) => tegumBin(dir, ["sweep", "cfg.json", "--shard", `${i}/2`, "--json"])));
    for (const s of shards) expect(s.stderr).toBe("");
    expect(shards.map((s) => s.code)).toEqual([0, 0]);
    expect(Object.keys(safetensorsHeader(join(dir, "cfg.shard-0-of-2.safetensors")))).toContain("training_state");
    const merged = await tegumBin(dir, ["merge", "cfg.shard-0-of-2.safetensors", "cfg.shard-1-of-2.safetensors", "--out", "merged.safetensors", "--no-bundles"]);
    expect(merged.stderr).toBe("");
    expect(merged.code).toBe(0);
    expect(sha256(join(dir, "merged.safetensors"))).toBe(sha256(join(dir, "full.safetensors")));
  });
});
