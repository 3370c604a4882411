import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TegumError } from "../src/errors.js";
import { readSafetensors, writeSafetensors } from "../src/safetensors.js";
import { makeSafetensors, mutated, onlyTegumError, sampleValues, type StDtype } from "./tensor-fixtures.js";

const DTYPES: StDtype[] = ["F16", "BF16", "F32", "F64", "I8", "I16", "I32", "I64", "U8", "U16", "U32", "U64"];
const NPY_OF: Record<StDtype, Parameters<typeof sampleValues>[1]> = {
  F16: "f2", BF16: "bf16", F32: "f4", F64: "f8", I8: "i1", I16: "i2", I32: "i4", I64: "i8", U8: "u1", U16: "u2", U32: "u4", U64: "u8",
};

describe("readSafetensors", () => {
  for (const dtype of DTYPES) {
    it(`reads ${dtype} tensors of rank 0–3`, () => {
      const shapes = [[], [7], [3, 5], [4, 2, 3], [0, 2]];
      const tensors = Object.fromEntries(shapes.map((shape, k) => {
        const count = shape.reduce((a, b) => a * b, 1);
        return [`t${k}`, { dtype, shape, values: sampleValues(count, NPY_OF[dtype]) }];
      }));
      const file = readSafetensors(makeSafetensors(tensors, { metadata: { format: "pt" }, pad: 3 }), "x.safetensors");
      expect(file.names).toEqual(Object.keys(tensors));
      expect(file.metadata).toEqual({ format: "pt" });
      for (const [name, t] of Object.entries(tensors)) {
        const got = file.tensor(name);
        expect(got.shape).toEqual(t.shape);
        expect(got.dtype).toBe(dtype);
        expect(Array.from(got.data)).toEqual(t.values);
      }
    });
  }

  it("decodes f16 and bf16 subnormals and extremes exactly", () => {
    const f16 = [2 ** -24, 1023 * 2 ** -24, 65504, -0, -(2 ** -14)];
    const bf16 = [2 ** -133, 127 * 2 ** -133, 2 ** -126, 3.3895313892515355e38, -0];
    const file = readSafetensors(makeSafetensors({ h: { dtype: "F16", shape: [5], values: f16 }, b: { dtype: "BF16", shape: [5], values: bf16 } }), "h.safetensors");
    expect(file.tensor("h").data.every((x, i) => Object.is(x, f16[i]))).toBe(true);
    expect(file.tensor("b").data.every((x, i) => Object.is(x, bf16[i]))).toBe(true);
  });

  it("accepts tensors listed out of buffer order", () => {
    const bytes = makeSafetensors({ a: { dtype: "F32", shape: [2], values: [1, 2] }, b: { dtype: "F32", shape: [1], values: [3] } }, {
      header: (h) => ({ b: h.b, a: h.a }),
    });
    const file = readSafetensors(bytes, "o.safetensors");
    expect(file.names).toEqual(["b", "a"]);
    expect(Array.from(file.tensor("a").data)).toEqual([1, 2]);
  });

  it("writes F32/F64 with metadata, 8-byte aligned, readable back", () => {
    const bytes = writeSafetensors(
      { W: { shape: [2, 3, 2], data: sampleValues(12, "f4").map((x) => x + 0.1) }, b: { shape: [2, 3], data: [1, 2, 3, 4, 5, 6], dtype: "F64" } },
      { format: "pt", tool: "tegum" },
    );
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const file = readSafetensors(bytes, "w.safetensors");
    expect(file.metadata).toEqual({ format: "pt", tool: "tegum" });
    expect(file.entries.get("W")!.dtype).toBe("F32");
    expect(Array.from(file.tensor("W").data)).toEqual(sampleValues(12, "f4").map((x) => Math.fround(x + 0.1)));
    expect(Array.from(file.tensor("b").data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(readSafetensors(writeSafetensors([["x", { shape: [0], data: [] }]]), "e").tensor("x").shape).toEqual([0]);
    expect(() => writeSafetensors({ __metadata__: { shape: [1], data: [1] } })).toThrow(TegumError);
    expect(() => writeSafetensors({ x: { shape: [2], data: [1] } })).toThrow(/needs 2 values/);
    expect(() => writeSafetensors({ x: { shape: [1], data: [1], dtype: "F16" as "F32" } })).toThrow(/dtype/);
    // U8 tensors carry raw bytes (the model file's serialised training state).
    const raw = Uint8Array.of(0, 1, 254, 255, 7);
    const u8 = readSafetensors(writeSafetensors({ state: { shape: [5], data: raw, dtype: "U8" } }), "u.safetensors");
    expect(u8.entries.get("state")!.dtype).toBe("U8");
    expect(Array.from(u8.tensor("state").data)).toEqual([0, 1, 254, 255, 7]);
    expect(() => writeSafetensors({ x: { shape: [1], data: [1], dtype: "U8" } })).toThrow(/Uint8Array/);
  });

  const good = { a: { dtype: "F32" as const, shape: [2, 2], values: [1, 2, 3, 4] }, b: { dtype: "F32" as const, shape: [2], values: [5, 6] } };
  const edit = (f: (h: Record<string, any>) => unknown) => makeSafetensors(good, { header: f as (h: Record<string, unknown>) => unknown });
  const withLength = (n: bigint) => {
    const b = makeSafetensors(good);
    new DataView(b.buffer).setBigUint64(0, n, true);
    return b;
  };
  const bad: [string, Uint8Array, RegExp][] = [
    ["an empty file", new Uint8Array(0), /too short/],
    ["a header length past the end", withLength(5000n), /header length 5000 runs past the end/],
    ["a header length above the cap", withLength(1n << 40n), /header length ≥ 2\^32 exceeds the 16777216-byte cap/],
    ["a header length just above the cap", withLength(16n * 1024n * 1024n + 1n), /exceeds the 16777216-byte cap/],
    ["invalid JSON", (() => { const b = makeSafetensors(good); b[12] = 0x7d; return b; })(), /not valid JSON/],
    ["a JSON array header", makeSafetensors({}, { header: () => [1] }), /not a JSON object/],
    ["an unsupported dtype", edit((h) => ({ ...h, a: { ...h.a, dtype: "F8_E4M3" } })), /unsupported dtype "F8_E4M3".*F32, F16, BF16, F64/],
    ["a bool tensor", edit((h) => ({ ...h, a: { ...h.a, dtype: "BOOL" } })), /unsupported dtype "BOOL"/],
    ["overlapping tensors", edit((h) => ({ ...h, b: { ...h.b, data_offsets: [8, 16] }, c: { dtype: "F32", shape: [2], data_offsets: [16, 24] } })), /overlaps/],
    ["a gap in the buffer", edit((h) => ({ ...h, a: { ...h.a, shape: [3], data_offsets: [0, 12] } })), /bytes \[12, 16\) of the data buffer belong to no tensor/],
    ["unused bytes at the end", makeSafetensors(good, { trailing: 4 }), /bytes \[24, 28\) of the data buffer belong to no tensor/],
    ["offsets past the end", edit((h) => ({ ...h, b: { ...h.b, data_offsets: [16, 32], shape: [4] } })), /run past the end of the data buffer \(24 bytes\)/],
    ["offsets not matching the shape", edit((h) => ({ ...h, a: { ...h.a, shape: [3, 2] } })), /F32\(3, 2\) = 24 bytes but data_offsets span 16/],
    ["reversed offsets", edit((h) => ({ ...h, a: { ...h.a, data_offsets: [16, 0] } })), /begin > end/],
    ["negative offsets", edit((h) => ({ ...h, a: { ...h.a, data_offsets: [-16, 0] } })), /data_offsets \[-16,0\]/],
    ["a fractional dimension", edit((h) => ({ ...h, a: { ...h.a, shape: [2.5, 2] } })), /dimension 2\.5/],
    ["a huge shape", edit((h) => ({ ...h, a: { ...h.a, shape: [1e6, 1e6] } })), /4000000000000 bytes but data_offsets span 16/],
    ["an overflowing shape", edit((h) => ({ ...h, a: { ...h.a, shape: [1e9, 1e9, 1e9] } })), /too many elements/],
    ["a missing shape", edit((h) => ({ ...h, a: { dtype: "F32", data_offsets: [0, 16] } })), /no shape array/],
    ["non-string metadata", makeSafetensors(good, { metadata: { x: 1 as unknown as string } }), /__metadata__\.x is not a string/],
    ["a tensor that is not an object", edit((h) => ({ ...h, c: 3 })), /tensor "c" is not an object/],
  ];
  for (const [what, bytes, message] of bad) {
    it(`rejects ${what} with a TegumError naming the file`, () => {
      expect(() => readSafetensors(bytes, "bad.safetensors")).toThrow(TegumError);
      expect(() => readSafetensors(bytes, "bad.safetensors")).toThrow(/^bad\.safetensors: /);
      expect(() => readSafetensors(bytes, "bad.safetensors")).toThrow(message);
    });
  }

  it("rejects NaN/Inf when a tensor is decoded, naming the tensor and index", () => {
    const f = readSafetensors(makeSafetensors({ W: { dtype: "F16", shape: [2, 2], values: [1, 2, 3, Infinity] } }), "n.safetensors");
    expect(() => f.tensor("W")).toThrow(/n\.safetensors: tensor "W"\[1, 1\] is Infinity/);
    expect(f.tensor("W", { allowNonFinite: true }).data[3]).toBe(Infinity);
    expect(() => f.tensor("nope")).toThrow(/no tensor named "nope".*W F16\(2, 2\)/);
  });

  it("only ever throws TegumError on random bytes", () => {
    const arb = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc.tuple(fc.integer({ min: 0, max: 300 }), fc.uint8Array({ maxLength: 300 })).map(([n, rest]) => {
        const b = new Uint8Array(8 + rest.length);
        new DataView(b.buffer).setUint32(0, n, true);
        b.set(rest, 8);
        if (b.length > 8) b[8] = 0x7b;
        return b;
      }),
    );
    fc.assert(fc.property(arb, (bytes) => onlyTegumError(() => {
      const f = readSafetensors(bytes, "fuzz.safetensors");
      for (const n of f.names) f.tensor(n);
    }, "fuzz.safetensors")), { numRuns: 3000 });
  });

  it("only ever throws TegumError on random headers and mutated valid files", () => {
    const json = fc.jsonValue({ maxDepth: 3 }).map((v) => makeSafetensors({}, { header: () => v }));
    const entries = fc.dictionary(fc.string({ maxLength: 3 }), fc.record({
      dtype: fc.constantFrom("F32", "F16", "BF16", "F64", "I64", "U8", "BOOL", 3),
      shape: fc.array(fc.oneof(fc.nat(6), fc.integer(), fc.double()), { maxLength: 4 }),
      data_offsets: fc.array(fc.oneof(fc.nat(64), fc.integer()), { maxLength: 3 }),
    }, { requiredKeys: [] })).chain((h) => fc.uint8Array({ maxLength: 64 }).map((buf) => {
      const b = makeSafetensors({}, { header: () => h });
      const out = new Uint8Array(b.length + buf.length);
      out.set(b);
      out.set(buf, b.length);
      return out;
    }));
    const run = (bytes: Uint8Array) => onlyTegumError(() => {
      const f = readSafetensors(bytes, "mut.safetensors");
      for (const n of f.names) f.tensor(n);
    }, "mut.safetensors");
    fc.assert(fc.property(json, run), { numRuns: 1000 });
    fc.assert(fc.property(entries, run), { numRuns: 2000 });
    const base = makeSafetensors({ W: { dtype: "BF16", shape: [2, 3, 2], values: sampleValues(12, "bf16") }, b: { dtype: "F32", shape: [2, 3], values: sampleValues(6, "f4") } }, { metadata: { a: "b" } });
    fc.assert(fc.property(mutated(base), run), { numRuns: 3000 });
  });
});
