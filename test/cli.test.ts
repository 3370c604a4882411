// The CLI through `run()` with captured output, and the real binary (bin/tegum.js → dist) end to end.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { atomicWriteFile } from "../src/atomic-write.js";
import { run, type Io } from "../src/cli/main.js";
import { TegumError } from "../src/errors.js";
import { validateReport, type Report } from "../src/report/schema.js";
import { makeNpy, makeSafetensors } from "./tensor-fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "tegum-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function tegum(...argv: string[]) {
  let stdout = "", stderr = "";
  const io: Io = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd: dir, env: {}, isTTY: false };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

// OFF layout (instance, n, m): instance 0 a regular pentagon with bias, instance 1 two antipodal pairs + a dropped feature.
const n = 5, m = 2;
const penta = Array.from({ length: n }, (_, i) => [Math.cos(0.3 + (2 * Math.PI * i) / 5) * 1.125, Math.sin(0.3 + (2 * Math.PI * i) / 5) * 1.125]);
const pairs = [[1, 0], [-1, 0], [0, 1], [0, -1], [0, 0]];
const offValues = [...penta.flat(), ...pairs.flat()];
writeFileSync(join(dir, "off.safetensors"), makeSafetensors({
  W: { dtype: "F32", shape: [2, n, m], values: offValues },
  b_final: { dtype: "F32", shape: [2, n], values: [-0.25, -0.25, -0.25, -0.25, -0.25, -0.125, -0.125, -0.125, -0.125, 0.5] },
}));
writeFileSync(join(dir, "square.npy"), makeNpy({ dtype: "f4", shape: [3, 3], values: [1, 0, 0, 0, 1, 0, 0, 0, 1] }));
writeFileSync(join(dir, "nan.npy"), makeNpy({ dtype: "f4", shape: [2, 3], values: [1, 0, 0, NaN, 1, 0] }));
writeFileSync(join(dir, "trunc.npy"), makeNpy({ dtype: "f8", shape: [2, 5], values: new Array(10).fill(1) }).slice(0, 140));
writeFileSync(join(dir, "ragged.json"), "[[1, 0, 0.5], [0, 1]]");
{
  // 40 random features in 8 dimensions: one tegum factor, too many subsets for the default bundle budget.
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  writeFileSync(join(dir, "r40.npy"), makeNpy({ dtype: "f4", shape: [8, 40], values: Array.from({ length: 320 }, () => Math.fround(rand())) }));
  // One Gram factor of 200: even the screening pass of the bundle finder is above its default budget.
  writeFileSync(join(dir, "r200.npy"), makeNpy({ dtype: "f4", shape: [20, 200], values: Array.from({ length: 4000 }, () => Math.fround(rand() - 0.5)) }));
}
writeFileSync(join(dir, "model.pt"), Uint8Array.from([0x80, 2, 0x8a, 0x0a, 0x6c, 0xfc]));

describe("tegum analyze", () => {
  it("reads the official notebook's layout and finds the pentagon and the antipodal pairs", async () => {
    const r = await tegum("analyze", "off.safetensors");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('off.safetensors: tensor "W" (2, 5, 2) read as features-by-hidden: 2 instances of n = 5 features in m = 2 hidden dimensions; bias "b_final"');
    expect(r.stdout).toContain("polytopes: pentagon {0 1 2 3 4}");
    expect(r.stdout).toMatch(/polytopes: digon \{0 1\}, digon \{2 3\}/);
    expect(r.stdout).toMatch(/bundles: digon \{0 1\} \(rank 1\), digon \{2 3\} \(rank 1\)/);
  });

  it("prints the report schema with --json, consistent with the weights", async () => {
    const r = await tegum("analyze", "off.safetensors", "--json", "--sparsity", "0.95,0.9");
    expect(r.code).toBe(0);
    const report = validateReport(JSON.parse(r.stdout)) as Report;
    const model = report.models[0];
    expect([model.nFeatures, model.nHidden]).toEqual([5, 2]);
    const [a, b] = model.instances;
    expect(a.sparsity).toBe(0.95);
    for (const f of a.features) {
      expect(f.dimensionality).toBeCloseTo(0.4, 6);
      expect(f.norm).toBeCloseTo(1.125, 6);
      expect(f.bias).toBe(-0.25);
    }
    expect(a.dimensionsPerFeature).toBeCloseTo(2 / (5 * 1.125 ** 2), 6);
    expect(a.tegumFactors).toEqual([[0, 1, 2, 3, 4]]);
    expect(b.tegumFactors).toEqual([[0, 1], [2, 3]]);
    expect(b.features[4]).toMatchObject({ norm: 0, dimensionality: 0, bias: 0.5 });
    expect(b.bundles.map((x) => x.features)).toEqual([[0, 1], [2, 3]]);
    expect(a.W).toEqual([penta.map((p) => Math.fround(p[0])), penta.map((p) => Math.fround(p[1]))]);
  });

  it("writes index.html and report.json with --report, leaving no temporary files", async () => {
    const r = await tegum("analyze", "off.safetensors", "--instance", "0", "--report", "out", "--no-bundles");
    expect(r.code).toBe(0);
    expect(readdirSync(join(dir, "out")).sort()).toEqual(["index.html", "report.json"]);
    const html = readFileSync(join(dir, "out", "index.html"), "utf8");
    expect(html).not.toMatch(/https?:|<script/i);
    expect(html).toContain('data-figure="polygons"');
    const report = validateReport(JSON.parse(readFileSync(join(dir, "out", "report.json"), "utf8")));
    expect(report.models[0].instances.map((i) => i.index)).toEqual([0]);
    expect(report.models[0].instances[0].bundlesStatus).toBe("not-run");
    // And `tegum report` re-renders it.
    const again = await tegum("report", "out/report.json", "--out", "again");
    expect(again.code).toBe(0);
    expect(readFileSync(join(dir, "again", "index.html"), "utf8")).toBe(html);
  });

  const bad: [string, string[], RegExp][] = [
    ["a square W under --layout auto", ["analyze", "square.npy"], /square\.npy: the array is square per instance \(3×3\).*pass --layout features-by-hidden/],
    ["NaN weights", ["analyze", "nan.npy"], /nan\.npy: array\[1, 0\] is NaN/],
    ["a truncated file", ["analyze", "trunc.npy"], /trunc\.npy: truncated/],
    ["ragged JSON", ["analyze", "ragged.json"], /ragged\.json: tensor \(the whole file\) is ragged/],
    ["a PyTorch pickle", ["analyze", "model.pt"], /model\.pt: looks like a PyTorch\/pickle file/],
    ["a missing file", ["analyze", "nope.npy"], /nope\.npy: cannot read \(no such file\)/],
    ["a directory", ["analyze", "."], /\.: is a directory/],
    ["an unknown flag", ["analyze", "off.safetensors", "--layot", "auto"], /unknown flag --layot for tegum analyze — did you mean --layout\?/],
    ["a bad layout", ["analyze", "off.safetensors", "--layout", "nm"], /--layout must be one of auto, features-by-hidden, hidden-by-features/],
    ["a bad instance", ["analyze", "off.safetensors", "--instance", "x"], /--instance must be "all" or a non-negative integer/],
    ["an instance out of range", ["analyze", "off.safetensors", "--instance", "7"], /holds 2 instances, so instance must be "all" or an integer in \[0, 1\], got 7/],
    ["a sparsity list of the wrong length", ["analyze", "off.safetensors", "--sparsity", "0.5"], /--sparsity has 1 values but off\.safetensors holds 2 instances/],
    ["a bad eps", ["analyze", "off.safetensors", "--eps", "-1"], /--eps must be a positive number or auto/],
    ["contradicting bias flags", ["analyze", "off.safetensors", "--bias", "b_final", "--no-bias"], /contradict/],
    ["a missing tensor", ["analyze", "off.safetensors", "--tensor", "W_enc"], /no tensor named "W_enc".*W \(2, 5, 2\), b_final \(2, 5\)/],
    ["a combinatorial blow-up", ["bundles", "off.safetensors", "--max-work", "10"], /work|flops|estimate/i],
    ["an unknown command", ["anlyze", "x"], /unknown command "anlyze" — did you mean analyze\?/],
    ["a missing FILE", ["analyze"], /tegum analyze needs FILE/],
  ];
  for (const [what, argv, message] of bad) {
    it(`exits 2 with one clear message for ${what}, writing nothing`, async () => {
      const out = join("never", what.replace(/\W+/g, "-"));
      const r = await tegum(...argv, "--report", out);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/^tegum: [^\n]+\n$/);
      expect(r.stderr).toMatch(message);
      expect(existsSync(join(dir, out))).toBe(false);
    });
  }

  it("skips the bundle finder with a note when its default budget would be exceeded, but refuses when asked for bundles", async () => {
    const r = await tegum("analyze", "r200.npy", "--json");
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^tegum analyze: bundles skipped — estimated work .* exceeds --max-work = 2\.0e\+10 .*--k-max/);
    const report = validateReport(JSON.parse(r.stdout));
    expect(report.models[0].instances[0].bundlesStatus).toBe("not-run");
    const b = await tegum("bundles", "r200.npy");
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/^tegum: r200\.npy: instance 0: estimated work/);
    expect((await tegum("analyze", "r200.npy", "--k-max", "4")).code).toBe(2);
    const small = await tegum("bundles", "r40.npy", "--k-max", "2", "--json");
    expect(small.code).toBe(0);
    expect(validateReport(JSON.parse(small.stdout)).models[0].instances[0].bundlesStatus).not.toBe("not-run");
  });

  it("adds a JSON error on stdout with --json", async () => {
    const r = await tegum("analyze", "square.npy", "--json");
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { message: expect.stringContaining("square per instance"), parameter: "file" } });
  });
});

describe("tegum (other commands)", () => {
  it("shows help for everything", async () => {
    const all = await tegum("help");
    expect(all.code).toBe(0);
    for (const c of ["demo", "train", "analyze", "bundles", "phase", "report", "sweep", "merge", "help"]) expect(all.stdout).toContain(`  ${c} `);
    for (const c of ["demo", "train", "phase", "report", "sweep", "merge"]) expect((await tegum(c, "--help")).stdout).toContain(`Usage: tegum ${c}`);
    expect((await tegum("help", "train")).stdout).toMatch(/--anticorrelated[\s\S]*--snapshot-every[\s\S]*--resume FILE/);
    expect((await tegum()).stdout).toBe(all.stdout);
    const one = await tegum("analyze", "--help");
    expect(one.code).toBe(0);
    expect(one.stdout).toContain("Usage: tegum analyze FILE [flags]");
    expect(one.stdout).toContain("--layout");
    expect((await tegum("help", "bundles")).stdout).toContain("--min-samples");
    expect((await tegum("--version")).stdout).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("checks every command's flags before doing anything", async () => {
    expect((await tegum("train", "--features", "0")).code).toBe(2);
    expect((await tegum("demo", "--bogus")).stderr).toMatch(/^tegum: unknown flag --bogus for tegum demo; valid flags: --out, --steps/);
    expect((await tegum("demo", "--seeds", "0")).code).toBe(2);
    expect((await tegum("phase", "--problem", "4-2")).stderr).toMatch(/--problem must be one of 2-1, 3-2, all/);
    expect((await tegum("sweep", "cfg.json", "--shard", "1of4")).stderr).toMatch(/--shard must be i\/N with 0 ≤ i < N/);
    expect((await tegum("merge")).stderr).toMatch(/tegum merge needs SHARDS \(usage: tegum merge SHARDS\.\.\. \[flags\]\)/);
    expect((await tegum("train", "--features", "5", "--hidden", "2", "--config", "c.json")).stderr).toMatch(/--config c\.json holds the whole configuration; --features cannot be combined with it/);
    expect(existsSync(join(dir, "tegum-report"))).toBe(false);
    expect(existsSync(join(dir, "model.safetensors"))).toBe(false);
  });

  it("prints the analytic phase diagram in-process", async () => {
    const r = await tegum("phase", "--problem", "3-2", "--densities", "1,0.01", "--importances", "0.1,10");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe([
      "n = 3 features → m = 2 dimensions: the extra feature (importance r, the others 1) is · dropped, D dedicated, S in superposition",
      "  p \\ r  0.1   10",
      "   0.01    S    D",
      "      1    ·    D",
      "",
    ].join("\n"));
  });

  it("refuses an invalid report.json", async () => {
    writeFileSync(join(dir, "bad-report.json"), JSON.stringify({ schemaVersion: 99 }));
    const r = await tegum("report", "bad-report.json", "--out", "bad-out");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad-report\.json: schemaVersion is 99/);
    expect(existsSync(join(dir, "bad-out"))).toBe(false);
  });
});

describe("atomicWriteFile", () => {
  it("replaces a file whole and leaves no temporary file, also on failure", () => {
    const target = join(dir, "atomic", "a.txt");
    atomicWriteFile(target, "one");
    atomicWriteFile(target, new TextEncoder().encode("two"));
    expect(readFileSync(target, "utf8")).toBe("two");
    expect(readdirSync(join(dir, "atomic"))).toEqual(["a.txt"]);
    writeFileSync(join(dir, "atomic", "file"), "x");
    expect(() => atomicWriteFile(join(dir, "atomic", "file", "b.txt"), "x")).toThrow(TegumError);
    expect(() => atomicWriteFile(join(dir, "atomic", "file", "b.txt"), "x")).toThrow(/cannot write .*b\.txt/);
    mkdirSync(join(dir, "atomic", "sub"));
    expect(() => atomicWriteFile(join(dir, "atomic", "sub"), "x", { mkdir: false })).toThrow(/cannot write/);
    expect(readdirSync(join(dir, "atomic")).sort()).toEqual(["a.txt", "file", "sub"]);
  });
});

const BIN = new URL("../bin/tegum.js", import.meta.url).pathname;
const DIST = new URL("../dist/cli/main.js", import.meta.url).pathname;

describe.skipIf(!existsSync(DIST))("bin/tegum.js (the built binary)", () => {
  it("runs analyze end to end and exits 2 on bad input", () => {
    const ok = spawnSync(process.execPath, [BIN, "analyze", "off.safetensors", "--json"], { cwd: dir, encoding: "utf8" });
    expect(ok.stderr).toBe("");
    expect(ok.status).toBe(0);
    expect(validateReport(JSON.parse(ok.stdout)).models[0].nFeatures).toBe(5);
    const bad = spawnSync(process.execPath, [BIN, "analyze", "square.npy"], { cwd: dir, encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^tegum: square\.npy: .*--layout/);
    const help = spawnSync(process.execPath, [BIN, "help"], { cwd: dir, encoding: "utf8" });
    expect(help.status).toBe(0);
  });
});
