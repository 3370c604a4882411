// The real binary: train → analyze, the model file (read like PyTorch would), Ctrl-C → checkpoint →
// --resume equal to a straight run bit for bit, sweep shards + merge equal to the unsharded run, phase,
// report from a model file, and bad input: exit 2, one message, nothing written.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { validateReport } from "../src/report/schema.js";
import { built, BIN, collect, hasPython, safetensorsHeader, sha256, tegumBin } from "./cli-helpers.js";

const dir = mkdtempSync(join(tmpdir(), "tegum-cli-train-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!built)("tegum train (built binary)", () => {
  const small = ["--features", "5", "--hidden", "2", "--instances", "3", "--p-falloff", "20", "--importance", "0.9", "--steps", "600", "--batch", "256", "--seeds", "2"];

  it("trains, writes a model file that analyze and a plain safetensors reader understand", async () => {
    const t = await tegumBin(dir, ["train", ...small, "--out", "small.safetensors", "--json"]);
    expect(t.stderr).toBe("");
    expect(t.code).toBe(0);
    const trained = validateReport(JSON.parse(t.stdout));
    const model = trained.models[0];
    expect([model.nFeatures, model.nHidden, model.instances.length]).toEqual([5, 2, 3]);
    expect(model.source).toMatchObject({ kind: "trained", model: "relu-output", steps: 600, batch: 256 });
    expect(model.instances[0].sparsity).toBe(0);
    expect(model.instances[0].lossCurve!.steps.length).toBeGreaterThan(10);

    const header = safetensorsHeader(join(dir, "small.safetensors"));
    expect(header.W).toMatchObject({ dtype: "F32", shape: [3, 2, 5] });
    expect(header.b).toMatchObject({ dtype: "F32", shape: [3, 5] });
    expect(header.loss).toMatchObject({ dtype: "F32", shape: [3, 600] });
    expect(header.training_state.dtype).toBe("U8");
    expect(header.__metadata__).toMatchObject({ format: "tegum-model", format_version: "1", layout: "hidden-by-features", step: "600", complete: "true" });
    expect(JSON.parse(header.__metadata__.config)).toMatchObject({ n: 5, m: 2, instances: 3, seeds: 2, steps: 600 });

    const a = await tegumBin(dir, ["analyze", "small.safetensors", "--json"]);
    expect(a.code).toBe(0);
    const analysed = validateReport(JSON.parse(a.stdout)).models[0];
    expect(analysed.source).toMatchObject({ kind: "file", format: "safetensors", tensor: "W", bias: "b", layout: "hidden-by-features", storedShape: [3, 2, 5] });
    analysed.instances.forEach((inst, i) => {
      expect(inst.W).toEqual(model.instances[i].W);
      expect(inst.sparsity).toBe(model.instances[i].sparsity);
      expect(inst.features.map((f) => f.bias)).toEqual(model.instances[i].features.map((f) => f.bias));
    });
    const text = await tegumBin(dir, ["analyze", "small.safetensors", "--instance", "2"]);
    expect(text.stdout).toMatch(/^small\.safetensors: tensor "W" \(3, 2, 5\) read as hidden-by-features: 1 instance of n = 5 features in m = 2 hidden dimensions; bias "b"/);
  });

  it.skipIf(!hasPython)("writes safetensors that a minimal numpy reader (the format PyTorch loads) decodes", () => {
    const py = [
      "import json, struct, sys, numpy as np",
      "raw = open(sys.argv[1], 'rb').read()",
      "n = struct.unpack('<Q', raw[:8])[0]; h = json.loads(raw[8:8 + n]); buf = raw[8 + n:]",
      "dt = {'F32': '<f4', 'U8': 'u1'}",
      "t = {k: np.frombuffer(buf[v['data_offsets'][0]:v['data_offsets'][1]], dtype=dt[v['dtype']]).reshape(v['shape']) for k, v in h.items() if k != '__metadata__'}",
      "print(json.dumps({'W': t['W'].shape, 'b': t['b'].shape, 'state': bytes(t['training_state'][:4]).decode(), 'norm0': float(np.linalg.norm(t['W'][0], axis=0).max())}))",
    ].join("\n");
    const r = spawnSync("python3", ["-c", py, join(dir, "small.safetensors")], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ W: [3, 2, 5], b: [3, 5], state: "TGTS" });
    expect(out.norm0).toBeGreaterThan(0.5);
  });

  it("Ctrl-C writes a checkpoint and exits 130; --resume then equals the straight run byte for byte", async () => {
    const args = ["train", "--features", "20", "--hidden", "5", "--p", "0.1,0.03", "--importance", "0.7", "--steps", "30000", "--batch", "512", "--snapshot-every", "1000"];
    const straight = await tegumBin(dir, [...args, "--out", "straight.safetensors", "--progress", "never"]);
    expect(straight.code).toBe(0);

    const child = spawn(process.execPath, [BIN, ...args, "--out", "ck.safetensors", "--progress", "always"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    const done = collect(child);
    // Interrupt shortly after the first progress line (the first segment has finished by then).
    await new Promise<void>((resolve) => {
      child.stderr!.on("data", () => resolve());
    });
    await new Promise((r) => setTimeout(r, 100));
    child.kill("SIGINT");
    const ran = await done;
    expect(ran.code).toBe(130);
    expect(ran.stderr).toMatch(/tegum train: interrupted at step \d+ of 30000; checkpoint written to ck\.safetensors\n  continue with: tegum train --resume ck\.safetensors/);
    const meta = safetensorsHeader(join(dir, "ck.safetensors")).__metadata__;
    expect(meta.complete).toBe("false");
    const at = Number(meta.step);
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(30000);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);

    const resumed = await tegumBin(dir, ["train", "--resume", "ck.safetensors", "--json"]);
    expect(resumed.code).toBe(0);
    expect(validateReport(JSON.parse(resumed.stdout)).models[0].instances[0].snapshots!.length).toBe(31);
    expect(sha256(join(dir, "ck.safetensors"))).toBe(sha256(join(dir, "straight.safetensors")));
  });

  it("tegum report renders a model file", async () => {
    const r = await tegumBin(dir, ["report", "straight.safetensors", "--out", "straight-report"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("wrote straight-report/index.html and straight-report/report.json");
    const html = readFileSync(join(dir, "straight-report", "index.html"), "utf8");
    for (const f of ["gram", "norms", "dimensionality", "dims-per-feature", "loss", "trajectories", "geometry"]) expect(html).toContain(`data-figure="${f}"`);
    const report = validateReport(JSON.parse(readFileSync(join(dir, "straight-report", "report.json"), "utf8")));
    expect(report.models[0].instances.map((i) => i.sparsity)).toEqual([0.9, 0.97]);
  });
});

describe.skipIf(!built)("tegum sweep and merge (built binary)", () => {
  it("shards merged equal the unsharded run byte for byte, wherever the shard index comes from", async () => {
    const sweepDir = join(dir, "sweep");
    mkdirSync(sweepDir);
    writeFileSync(join(sweepDir, "cfg.json"), JSON.stringify({ comment: "test sweep", n: 6, m: 3, instances: 5, p: { falloff: 20 }, importance: { geometric: 0.8 }, steps: 500, batch: 256, seeds: 2 }));
    const full = await tegumBin(sweepDir, ["train", "--config", "cfg.json", "--out", "full.safetensors", "--no-bundles"]);
    expect(full.code).toBe(0);
    const shards = await Promise.all([
      tegumBin(sweepDir, ["sweep", "cfg.json", "--shard", "0/3", "--out", "shards/a.safetensors", "--json"]),
      tegumBin(sweepDir, ["sweep", "cfg.json", "--out", "shards/b.safetensors", "--json"], { SLURM_ARRAY_TASK_ID: "2", SLURM_ARRAY_TASK_MIN: "1", SLURM_ARRAY_TASK_COUNT: "3" }),
      tegumBin(sweepDir, ["sweep", "cfg.json", "--shards", "3", "--json"], { JOB_COMPLETION_INDEX: "2" }),
    ]);
    for (const s of shards) expect(s.code).toBe(0);
    expect(shards.map((s) => JSON.parse(s.stdout))).toEqual([
      { shard: "0/3", from: "--shard", instances: [0, 1], runs: 2, out: "shards/a.safetensors" },
      { shard: "1/3", from: "SLURM_ARRAY_TASK_ID", instances: [1, 3], runs: 4, out: "shards/b.safetensors" },
      { shard: "2/3", from: "JOB_COMPLETION_INDEX", instances: [3, 5], runs: 4, out: "cfg.shard-2-of-3.safetensors" },
    ]);
    const merged = await tegumBin(sweepDir, ["merge", "shards", "cfg.shard-2-of-3.safetensors", "--out", "shards/merged.safetensors", "--json"]);
    expect(merged.stderr).toBe("");
    expect(merged.code).toBe(0);
    expect(validateReport(JSON.parse(merged.stdout)).models[0].instances).toHaveLength(5);
    expect(sha256(join(sweepDir, "shards", "merged.safetensors"))).toBe(sha256(join(sweepDir, "full.safetensors")));

    // A directory's model files (the merged one) are passed over; its shards alone are incomplete.
    const missing = await tegumBin(sweepDir, ["merge", "shards", "--out", "never.safetensors"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe("tegum: missing shard 2/3 of the sweep in shards/a.safetensors; give every shard\n");
    const twice = await tegumBin(sweepDir, ["merge", "shards", "shards/a.safetensors", "--out", "never.safetensors"]);
    expect(twice.stderr).toMatch(/shard 0\/3 is given twice/);
    expect(existsSync(join(sweepDir, "never.safetensors"))).toBe(false);
  });
});

describe.skipIf(!built)("tegum phase (built binary)", () => {
  it("prints the analytic diagrams, and a trained one with --trained, in text, JSON and a report", async () => {
    const a = await tegumBin(dir, ["phase", "--problem", "2-1"]);
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/^n = 2 features → m = 1 dimension/);
    expect(a.stdout.split("\n")).toHaveLength(13);
    const t = await tegumBin(dir, ["phase", "--trained", "--steps", "300", "--seeds", "1", "--densities", "1,0.05", "--importances", "0.2,5", "--json", "--report", "phase-report"]);
    expect(t.code).toBe(0);
    const report = validateReport(JSON.parse(t.stdout));
    expect(report.phaseDiagrams!.map((p) => [p.problem, p.analytic.length, p.trained!.length])).toEqual([["2-1", 2, 2], ["3-2", 2, 2]]);
    // Dense data with an unimportant extra feature: dropped, analytically and trained.
    expect(report.phaseDiagrams![0].analytic[0][0]).toBe("dropped");
    expect(readFileSync(join(dir, "phase-report", "index.html"), "utf8")).toContain('data-figure="phase"');
  });
});

describe.skipIf(!built).concurrent("bad input to the binary", () => {
  const cases: [string, string[], RegExp][] = [
    ["no features", ["train", "--hidden", "2"], /tegum train needs --features n/],
    ["zero features", ["train", "--features", "0", "--hidden", "2"], /--features got 0, out of range/],
    ["m > n is fine but a too-big batch is not", ["train", "--features", "4096", "--hidden", "2", "--batch", "1000000"], /--batch × --features must be at most/],
    ["sparsity 1", ["train", "--features", "5", "--hidden", "2", "--sparsity", "1"], /--sparsity values must be in \[0, 1\)/],
    ["two probability flags", ["train", "--features", "5", "--hidden", "2", "--p", "0.1", "--sparsity", "0.9"], /--sparsity and --p both set the feature probability/],
    ["a list longer than --instances", ["train", "--features", "5", "--hidden", "2", "--p", "0.1,0.2", "--instances", "3"], /--p lists 2 values but --instances is 3/],
    ["bad correlated sets", ["train", "--features", "5", "--hidden", "2", "--correlated", "0-1"], /--correlated takes sets of feature indices joined by ":"/],
    ["a correlated index out of range", ["train", "--features", "5", "--hidden", "2", "--correlated", "0:9"], /--correlated: correlated\[0\] entries must be feature indices in \[0, 4\], got 9/],
    ["anticorrelated with Σp > 1", ["train", "--features", "4", "--hidden", "2", "--p", "0.8", "--anticorrelated", "0:1"], /anticorrelated set \[0,1\] keeps exact marginals only if Σp ≤ 1/],
    ["a bad output name", ["train", "--features", "5", "--hidden", "2", "--out", "model.pt"], /--out "model\.pt": the file name must end in \.safetensors, \.npy, \.json/],
    ["a missing checkpoint", ["train", "--resume", "nope.safetensors"], /nope\.safetensors: cannot read \(no such file\)/],
    ["resume with config flags", ["train", "--resume", "x.safetensors", "--steps", "5"], /--resume continues the configuration saved in x\.safetensors; --steps cannot be changed/],
    ["a broken config file", ["train", "--config", "broken.json"], /broken\.json: not valid JSON/],
    ["a config with an unknown key", ["sweep", "unknown-key.json"], /unknown-key\.json: unknown config key "widht"/],
    ["a bad shard", ["sweep", "ok.json", "--shard", "3/3"], /the shard must satisfy 0 ≤ i < N, got 3\/3 \(from --shard\)/],
    ["JOB_COMPLETION_INDEX without a count", ["sweep", "ok.json"], /JOB_COMPLETION_INDEX is set but the shard count is not/],
    ["a model file given to merge", ["merge", "notes.txt"], /notes\.txt: not a tegum sweep shard/],
    ["a weights file given to --resume", ["train", "--resume", "notes.txt"], /notes\.txt: not a tegum model file/],
    ["demo with zero steps", ["demo", "--steps", "0"], /--steps got 0, out of range/],
    ["demo with a stray argument", ["demo", "now"], /tegum demo takes no arguments, got "now"/],
    ["phase training flags without --trained", ["phase", "--steps", "10"], /--steps only applies with --trained/],
    ["a report of garbage", ["report", "notes.txt"], /notes\.txt: neither a tegum model file nor a report\.json/],
    ["bad workers", ["train", "--features", "5", "--hidden", "2", "--workers", "many"], /--workers must be auto or an integer/],
  ];
  const badDir = join(dir, "bad");
  mkdirSync(badDir);
  writeFileSync(join(badDir, "broken.json"), "{ n: 5 ");
  writeFileSync(join(badDir, "unknown-key.json"), JSON.stringify({ n: 5, m: 2, widht: 3 }));
  writeFileSync(join(badDir, "ok.json"), JSON.stringify({ n: 5, m: 2, instances: 3, steps: 10 }));
  writeFileSync(join(badDir, "notes.txt"), "hello");
  const before = readdirSync(badDir).sort();
  for (const [what, argv, message] of cases) {
    it(`${what}: exit 2, one message, nothing written`, async () => {
      const env = what.startsWith("JOB_COMPLETION_INDEX") ? { JOB_COMPLETION_INDEX: "1" } : {};
      const r = await tegumBin(badDir, argv, env);
      expect(r.stderr).toMatch(/^tegum: [^\n]+\n$/);
      expect(r.stderr).toMatch(message);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(readdirSync(badDir).sort()).toEqual(before);
    });
  }
  it("prints a JSON error object on stdout with --json", () => {
    const r = spawnSync(process.execPath, [BIN, "train", "--features", "5", "--json"], { cwd: badDir, encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({ error: { message: "tegum train needs --hidden m (the number of hidden dimensions)", parameter: "hidden" } });
  });
});
