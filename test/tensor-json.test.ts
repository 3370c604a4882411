import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TegumError } from "../src/errors.js";
import { readTensorJson, writeTensorJson } from "../src/tensor-json.js";
import { mutated, onlyTegumError } from "./tensor-fixtures.js";

describe("readTensorJson", () => {
  it("reads a bare nested array as the unnamed tensor", () => {
    const f = readTensorJson("[[1, 2, 3], [4, 5, 6]]", "w.json");
    expect(f.names).toEqual([""]);
    expect(f.shape("")).toEqual([2, 3]);
    expect(f.tensor("")).toMatchObject({ shape: [2, 3], dtype: "json" });
    expect(Array.from(f.tensor("").data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("reads {shape, data} with flat or nested data", () => {
    const flat = readTensorJson('{"shape": [2, 1, 2], "data": [1, 2, 3, 4]}', "s.json").tensor("");
    expect(flat.shape).toEqual([2, 1, 2]);
    expect(Array.from(flat.data)).toEqual([1, 2, 3, 4]);
    const nested = readTensorJson('{"shape": [2, 2], "data": [[1, 2], [3, 4]], "dtype": "float32"}', "s.json").tensor("");
    expect(Array.from(nested.data)).toEqual([1, 2, 3, 4]);
    expect(readTensorJson('{"shape": [], "data": [7]}', "s.json").tensor("").shape).toEqual([]);
    expect(readTensorJson('{"shape": [0, 3], "data": []}', "s.json").tensor("").shape).toEqual([0, 3]);
    expect(readTensorJson("[[], []]", "e.json").tensor("").shape).toEqual([2, 0]);
  });

  it("reads named tensors, nested objects as dotted names, ignoring other values", () => {
    const text = JSON.stringify({
      config: { n: 5, name: "intro", sparsity: [0.1, 0.2] },
      model: { W: [[[1, 0], [0, 1]]], b_final: { shape: [1, 2], data: [0.5, -0.5] } },
      note: "hello",
    });
    const f = readTensorJson(new TextEncoder().encode(text), "m.json");
    expect(f.names).toEqual(["config.sparsity", "model.W", "model.b_final"]);
    expect(f.shape("model.W")).toEqual([1, 2, 2]);
    expect(Array.from(f.tensor("model.b_final").data)).toEqual([0.5, -0.5]);
  });

  it("round-trips through writeTensorJson, bit-exactly, flat and nested", () => {
    const data = [0.1, -0, 1e-300, 5e-324, -1.7976931348623157e308, 1 / 3];
    for (const nested of [false, true]) {
      const one = writeTensorJson({ shape: [3, 2], data }, { nested });
      const t = readTensorJson(one, "r.json").tensor("");
      expect(t.shape).toEqual([3, 2]);
      expect(t.data.every((x, i) => Object.is(x, data[i]))).toBe(true);
      const many = readTensorJson(writeTensorJson({ W: { shape: [1, 2, 3], data }, b: { shape: [0], data: [] } }, { nested }), "r.json");
      expect(many.names).toEqual(["W", "b"]);
      expect(many.tensor("W").shape).toEqual([1, 2, 3]);
      expect(many.tensor("b").shape).toEqual([0]);
    }
    expect(() => writeTensorJson({ shape: [1], data: [NaN] })).toThrow(/finite/);
    expect(() => writeTensorJson({ shape: [2], data: [1] })).toThrow(TegumError);
  });

  const bad: [string, string, RegExp][] = [
    ["invalid JSON", "[[1, 2], [3, 4]", /not valid JSON/],
    ["a file with no tensor", '{"a": 1, "b": "x"}', /holds no tensor/],
    ["a scalar", "3", /holds no tensor/],
    ["ragged rows", "[[1, 2, 3], [4, 5]]", /ragged: \(the whole file\)\[1\] has length 2, expected 3/],
    ["ragged depth", "[[1, 2], 3]", /\(the whole file\)\[1\] is 3 where an array of length 2 belongs/],
    ["strings", '[[1, "2"]]', /\[0\]\[1\] is "2", not a number/],
    ["null (NaN written by Python)", "[1, null]", /\[1\] is null, not a number \(NaN and Infinity are not JSON/],
    ["an overflow to Infinity", "[1, 1e400]", /\[1\] is Infinity.*finite/],
    ["a shape/data mismatch", '{"shape": [2, 3], "data": [1, 2, 3]}', /declares shape \(2, 3\) \(6 values\) but data has 3/],
    ["a nested shape mismatch", '{"shape": [3, 2], "data": [[1, 2, 3], [4, 5, 6]]}', /declares shape \(3, 2\) but its nested data has shape \(2, 3\)/],
    ["a bad shape", '{"shape": [2, -1], "data": [1, 2]}', /dimension -1/],
    ["a string shape", '{"shape": "2,3", "data": [1, 2]}', /has shape "2,3"/],
    ["data that is not an array", '{"shape": [1], "data": 5}', /has data 5/],
    ["nesting beyond rank 32", "[".repeat(40) + "1" + "]".repeat(40), /nested deeper than 32/],
    ["a huge declared shape", '{"shape": [100000000000, 100000000000], "data": [1]}', /declares shape \(100000000000, 100000000000\) \(10000000000000000000000 values\)|too many elements/],
  ];
  for (const [what, text, message] of bad) {
    it(`rejects ${what} with a TegumError naming the file`, () => {
      const run = () => {
        const f = readTensorJson(text, "bad.json");
        for (const n of f.names) f.tensor(n);
      };
      expect(run).toThrow(TegumError);
      expect(run).toThrow(/^bad\.json: /);
      expect(run).toThrow(message);
    });
  }

  it("never allocates from a shape claimed by first elements only", () => {
    const ones = (k: number) => new Array(k).fill(1);
    const inner = ones(1000);
    const text = JSON.stringify([[[inner, ...ones(999)], ...ones(999)], ...ones(999)]); // leading shape 1000⁴
    expect(() => readTensorJson(text, "claim.json").tensor("")).toThrow(/claim\.json: tensor \(the whole file\)\[0\]\[0\]\[1\] is 1 where an array of length 1000 belongs/);
  });

  it("accepts a byte order mark", () => {
    expect(readTensorJson(Uint8Array.from([0xef, 0xbb, 0xbf, ...new TextEncoder().encode("[[1, 2]]")]), "bom.json").tensor("").shape).toEqual([1, 2]);
  });

  it("rejects invalid UTF-8", () => {
    expect(() => readTensorJson(Uint8Array.from([0x5b, 0xff, 0x5d]), "u.json")).toThrow(/u\.json: the file is not valid UTF-8/);
  });

  it("survives absurd nesting without a stack overflow escaping", () => {
    onlyTegumError(() => readTensorJson("[".repeat(200000) + "]".repeat(200000), "deep.json").tensor(""), "deep.json");
    onlyTegumError(() => readTensorJson('{"a":'.repeat(5000) + "1" + "}".repeat(5000), "deep.json"), "deep.json");
  });

  it("only ever throws TegumError on random JSON and mutated valid files", () => {
    const run = (text: string | Uint8Array) => onlyTegumError(() => {
      const f = readTensorJson(text, "fuzz.json");
      for (const n of f.names) {
        f.shape(n);
        f.tensor(n);
      }
    }, "fuzz.json");
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 5 }).map((v) => JSON.stringify(v)), run), { numRuns: 2000 });
    fc.assert(fc.property(fc.string({ maxLength: 100 }), run), { numRuns: 1000 });
    const shaped = fc.record({ shape: fc.anything({ maxDepth: 2 }), data: fc.anything({ maxDepth: 3 }) }).map((v) => JSON.stringify(v) ?? "null");
    fc.assert(fc.property(shaped, run), { numRuns: 2000 });
    const base = new TextEncoder().encode(JSON.stringify({ W: [[[1, 0.5], [0, -1]], [[2, 3], [4, 5]]], b: { shape: [2, 2], data: [1, 2, 3, 4] } }));
    fc.assert(fc.property(mutated(base), run), { numRuns: 3000 });
  });
});
