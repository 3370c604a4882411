import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TegumError } from "../src/errors.js";
import { detectFormat, encodeTensors, openTensors, readWeights, type TensorFormat } from "../src/tensor-file.js";
import { byteSource } from "../src/tensor.js";
import { makeNpy, makeSafetensors, mutated, onlyTegumError } from "./tensor-fixtures.js";

// A 3-instance model with n = 5 features, m = 2 hidden: W[k] is m×n with W[k][j][i] = value(k, j, i).
const I = 3, n = 5, m = 2;
const value = (k: number, j: number, i: number) => k * 100 + j * 10 + i + 0.5;
const hiddenByFeatures = Array.from({ length: I * m * n }, (_, x) => value(Math.floor(x / (m * n)), Math.floor(x / n) % m, x % n));
const featuresByHidden = Array.from({ length: I * n * m }, (_, x) => value(Math.floor(x / (n * m)), x % m, Math.floor(x / m) % n));
const bias = Array.from({ length: I * n }, (_, x) => -x / 4);

function expectModel(w: ReturnType<typeof readWeights>, instances = [0, 1, 2], withBias = true) {
  expect(w.nFeatures).toBe(n);
  expect(w.nHidden).toBe(m);
  expect(w.instances.map((x) => x.index)).toEqual(instances);
  for (const inst of w.instances) {
    const k = inst.index;
    expect(inst.W.length).toBe(m * n);
    for (let j = 0; j < m; j++) for (let i = 0; i < n; i++) expect(inst.W[j * n + i]).toBe(value(k, j, i));
    if (withBias) expect(Array.from(inst.b!)).toEqual(bias.slice(k * n, (k + 1) * n));
    else expect(inst.b).toBeUndefined();
  }
}

describe("readWeights", () => {
  it("reads the official notebook's (instance, n, m) and ARENA's (instance, m, n) to the same m×n", () => {
    const off = makeSafetensors({ W: { dtype: "F32", shape: [I, n, m], values: featuresByHidden }, b_final: { dtype: "F32", shape: [I, n], values: bias } });
    const a3 = makeSafetensors({ W: { dtype: "F64", shape: [I, m, n], values: hiddenByFeatures }, b_final: { dtype: "F64", shape: [I, n], values: bias } });
    const w1 = readWeights(off, "off.safetensors");
    expect(w1.source).toMatchObject({ format: "safetensors", tensor: "W", bias: "b_final", layout: "features-by-hidden", storedShape: [I, n, m], instanceCount: I });
    expectModel(w1);
    const w2 = readWeights(a3, "a3.safetensors");
    expect(w2.source.layout).toBe("hidden-by-features");
    expectModel(w2);
    expectModel(readWeights(off, "off.safetensors", { layout: "features-by-hidden" }));
    expectModel(readWeights(a3, "a3.safetensors", { layout: "hidden-by-features", instance: 1 }), [1]);
    expectModel(readWeights(a3, "a3.safetensors", { bias: false }), [0, 1, 2], false);
  });

  it("round-trips through every writer and reader (npy, safetensors, json; f32 and f64)", () => {
    for (const format of ["npy", "safetensors", "json"] as TensorFormat[]) {
      for (const dtype of ["f32", "f64"] as const) {
        const tensors = format === "npy" ? { W: { shape: [I, m, n], data: hiddenByFeatures } } : { W: { shape: [I, m, n], data: hiddenByFeatures }, b: { shape: [I, n], data: bias } };
        const bytes = encodeTensors(format, tensors, { dtype, metadata: format === "safetensors" ? { format: "pt" } : undefined });
        const file = `x.${format}`;
        expect(detectFormat(bytes.subarray(0, 16), "noext")).toBe(format);
        const w = readWeights(bytes, file);
        expect(w.source.format).toBe(format);
        expectModel(w, [0, 1, 2], format !== "npy");
        // The same through a ByteSource reading on demand.
        expectModel(readWeights(byteSource(bytes), file), [0, 1, 2], format !== "npy");
      }
    }
    expect(() => encodeTensors("npy", { a: { shape: [1], data: [1] }, b: { shape: [1], data: [1] } })).toThrow(/exactly one array/);
  });

  it("reads 2-D weights as one instance, with 1-D or (1, n) bias", () => {
    const W = hiddenByFeatures.slice(0, m * n);
    for (const bShape of [[n], [1, n]]) {
      const bytes = makeSafetensors({ "layer.W": { dtype: "F32", shape: [m, n], values: W }, "layer.bias": { dtype: "F32", shape: bShape, values: bias.slice(0, n) } });
      const w = readWeights(bytes, "two.safetensors");
      expect(w.source).toMatchObject({ tensor: "layer.W", bias: "layer.bias", instanceCount: 1 });
      expectModel(w, [0]);
    }
    const npy = makeNpy({ dtype: "f4", shape: [n, m], values: featuresByHidden.slice(0, n * m), fortran: true, bigEndian: true });
    expectModel(readWeights(npy, "w.npy"), [0], false);
  });

  it("picks W by name among several tensors and names the flag when it cannot", () => {
    const many = makeSafetensors({
      emb: { dtype: "F32", shape: [4, 3], values: new Array(12).fill(1) },
      W: { dtype: "F32", shape: [I, m, n], values: hiddenByFeatures },
      b_final: { dtype: "F32", shape: [I, n], values: bias },
    });
    expectModel(readWeights(many, "many.safetensors"));
    const two = makeSafetensors({ a: { dtype: "F32", shape: [2, 3], values: [1, 2, 3, 4, 5, 6] }, c: { dtype: "F32", shape: [2, 3], values: [1, 2, 3, 4, 5, 6] } });
    expect(() => readWeights(two, "two.safetensors")).toThrow(/two\.safetensors: holds several tensors that could be W: a \(2, 3\), c \(2, 3\).*pass --tensor NAME/);
    expect(readWeights(two, "two.safetensors", { tensor: "c" }).source.tensor).toBe("c");
    expect(() => readWeights(two, "two.safetensors", { tensor: "zz" })).toThrow(/no tensor named "zz".*a \(2, 3\), c \(2, 3\)/);
    expect(() => readWeights(two, "two.safetensors", { tensor: "a", bias: "zz" })).toThrow(/no bias tensor named "zz"/);
  });

  const bad: [string, () => unknown, RegExp][] = [
    ["a square layout under auto", () => readWeights(makeSafetensors({ W: { dtype: "F32", shape: [2, 3, 3], values: new Array(18).fill(1) } }), "sq.safetensors"),
      /sq\.safetensors: tensor "W" is square per instance \(3×3\), so --layout auto cannot tell.*--layout features-by-hidden.*--layout hidden-by-features/],
    ["a 1-D W", () => readWeights(makeNpy({ dtype: "f4", shape: [4], values: [1, 2, 3, 4] }), "v.npy"), /v\.npy: holds no 2-D or 3-D tensor/],
    ["a 4-D W", () => readWeights(makeNpy({ dtype: "f4", shape: [1, 1, 2, 2], values: [1, 2, 3, 4] }), "v.npy"), /no 2-D or 3-D tensor/],
    ["a 4-D W by name", () => readWeights(makeSafetensors({ W: { dtype: "F32", shape: [1, 1, 2, 2], values: [1, 2, 3, 4] } }), "v.safetensors", { tensor: "W" }), /has shape \(1, 1, 2, 2\) \(rank 4\)/],
    ["an empty W", () => readWeights(makeNpy({ dtype: "f4", shape: [0, 3], values: [] }), "e.npy"), /is empty/],
    ["a bias that does not fit", () => readWeights(makeSafetensors({ W: { dtype: "F32", shape: [2, 5], values: new Array(10).fill(1) }, b: { dtype: "F32", shape: [3], values: [1, 2, 3] } }), "b.safetensors", { bias: "b" }),
      /tensor "b" \(the bias\) has shape \(3,\), which does not fit W \(2, 5\) read as hidden-by-features.*expected \(5,\) or \(1, 5\)/],
    ["a 1-D bias for several instances", () => readWeights(makeSafetensors({ W: { dtype: "F32", shape: [2, 2, 5], values: new Array(20).fill(1) }, b: { dtype: "F32", shape: [5], values: [1, 2, 3, 4, 5] } }), "b.safetensors", { bias: "b" }),
      /expected \(2, 5\)/],
    ["--tensor on a .npy", () => readWeights(makeNpy({ dtype: "f4", shape: [2, 3], values: [1, 2, 3, 4, 5, 6] }), "w.npy", { tensor: "W" }), /single unnamed array/],
    ["NaN in W", () => readWeights(makeNpy({ dtype: "f4", shape: [2, 3], values: [1, 2, 3, 4, NaN, 6] }), "w.npy"), /w\.npy: array\[1, 1\] is NaN/],
    ["an instance out of range", () => readWeights(makeSafetensors({ W: { dtype: "F32", shape: [I, m, n], values: hiddenByFeatures } }), "w.safetensors", { instance: 3 }), /holds 3 instances, so instance must be "all" or an integer in \[0, 2\]/],
    ["a bad layout", () => readWeights(makeNpy({ dtype: "f4", shape: [2, 3], values: [1, 2, 3, 4, 5, 6] }), "w.npy", { layout: "nm" as "auto" }), /layout must be one of auto, features-by-hidden, hidden-by-features/],
    ["a PyTorch pickle", () => openTensors(Uint8Array.from([0x80, 2, 0x8a, 0x0a]), "model.pt"), /model\.pt: looks like a PyTorch\/pickle file.*safetensors\.torch\.save_file/],
    ["a zip-format torch.save", () => openTensors(new TextEncoder().encode("PK\u0003\u0004archive/data.pkl"), "model.pth"), /PyTorch\/pickle/],
    ["an .npz", () => openTensors(new TextEncoder().encode("PK\u0003\u0004"), "w.npz"), /\.npz archives are not read/],
    ["an unknown format", () => openTensors(new TextEncoder().encode("hello"), "w.txt"), /w\.txt: unrecognised file format.*\.npy, \.safetensors, \.json/],
    ["a .npy that is not one", () => openTensors(new TextEncoder().encode("hello, not numpy"), "w.npy"), /w\.npy: not a \.npy file/],
  ];
  for (const [what, run, message] of bad) {
    it(`rejects ${what} with one clear TegumError`, () => {
      expect(run).toThrow(TegumError);
      expect(run).toThrow(message);
    });
  }

  it("only ever throws TegumError on random and mutated files of every format", () => {
    const run = (bytes: Uint8Array, file: string) => onlyTegumError(() => {
      const w = readWeights(bytes, file, { layout: "auto" });
      expect(w.instances.length).toBeGreaterThan(0);
    }, file);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), fc.constantFrom("a.npy", "a.safetensors", "a.json", "a.bin", "a"), (b, f) => run(b, f)), { numRuns: 2000 });
    const bases: [Uint8Array, string][] = [
      [makeSafetensors({ W: { dtype: "F16", shape: [I, n, m], values: featuresByHidden.map((x) => Math.round(x)) }, b_final: { dtype: "F32", shape: [I, n], values: bias } }), "m.safetensors"],
      [makeNpy({ dtype: "f8", shape: [I, m, n], values: hiddenByFeatures }), "m.npy"],
      [encodeTensors("json", { W: { shape: [I, m, n], data: hiddenByFeatures }, b: { shape: [I, n], data: bias } }), "m.json"],
    ];
    for (const [base, file] of bases) fc.assert(fc.property(mutated(base), (b) => run(b, file)), { numRuns: 1500 });
  });
});
