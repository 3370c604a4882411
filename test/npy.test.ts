import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TegumError } from "../src/errors.js";
import { fromBfloat16Bits, fromFloat16Bits, toBfloat16Bits, toFloat16Bits } from "../src/half.js";
import { readNpy, writeNpy } from "../src/npy.js";
import { makeNpy, mutated, onlyTegumError, sampleValues, type NpyDtype } from "./tensor-fixtures.js";

describe("f16 / bf16", () => {
  it("decodes known f16 bit patterns exactly", () => {
    const cases: [number, number][] = [
      [0x0000, 0], [0x8000, -0], [0x0001, 2 ** -24], [0x03ff, 1023 * 2 ** -24], [0x0400, 2 ** -14],
      [0x3c00, 1], [0xc000, -2], [0x3555, 0.333251953125], [0x7bff, 65504], [0xfbff, -65504],
      [0x7c00, Infinity], [0xfc00, -Infinity], [0x3bff, 1 - 2 ** -11], [0x3c01, 1 + 2 ** -10],
    ];
    for (const [bits, value] of cases) expect(fromFloat16Bits(bits)).toBe(value);
    for (const nan of [0x7e00, 0x7c01, 0xfe00, 0x7fff]) expect(fromFloat16Bits(nan)).toBeNaN();
  });

  it("decodes every f16 pattern like the textbook formula and encodes it back", () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      const s = bits & 0x8000 ? -1 : 1, e = (bits >> 10) & 31, m = bits & 1023;
      const want = e === 0 ? s * m * 2 ** -24 : e === 31 ? (m ? NaN : s * Infinity) : s * (1 + m / 1024) * 2 ** (e - 15);
      const got = fromFloat16Bits(bits);
      expect(Object.is(got, want)).toBe(true);
      if (!Number.isNaN(got)) expect(toFloat16Bits(got)).toBe(bits);
    }
  });

  it("rounds to the nearest f16, ties to even", () => {
    expect(toFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie → even (down)
    expect(toFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie → even (up)
    expect(toFloat16Bits(65519.99)).toBe(0x7bff);
    expect(toFloat16Bits(65520)).toBe(0x7c00);
    expect(toFloat16Bits(2 ** -25)).toBe(0x0000); // tie between 0 and the smallest subnormal → 0
    expect(toFloat16Bits(3 * 2 ** -25)).toBe(0x0002);
    expect(toFloat16Bits(2 ** -14 - 2 ** -25)).toBe(0x0400); // rounds up into the normals
    expect(toFloat16Bits(-0)).toBe(0x8000);
    expect(toFloat16Bits(NaN)).toBe(0x7e00);
  });

  it("decodes known bf16 bit patterns exactly, subnormals included", () => {
    const cases: [number, number][] = [
      [0x3f80, 1], [0xbf80, -1], [0x4049, 3.140625], [0x0001, 2 ** -133], [0x007f, 127 * 2 ** -133], [0x0080, 2 ** -126],
      [0x7f7f, 3.3895313892515355e38], [0x7f80, Infinity], [0xff80, -Infinity], [0x8000, -0], [0x0000, 0],
    ];
    for (const [bits, value] of cases) expect(Object.is(fromBfloat16Bits(bits), value)).toBe(true);
    expect(fromBfloat16Bits(0x7fc0)).toBeNaN();
    expect(fromBfloat16Bits(0xff81)).toBeNaN();
    for (let bits = 0; bits < 0x10000; bits++) {
      const s = bits & 0x8000 ? -1 : 1, e = (bits >> 7) & 255, m = bits & 127;
      const want = e === 0 ? s * m * 2 ** -133 : e === 255 ? (m ? NaN : s * Infinity) : s * (1 + m / 128) * 2 ** (e - 127);
      expect(Object.is(fromBfloat16Bits(bits), want)).toBe(true);
      if (!Number.isNaN(want)) expect(toBfloat16Bits(want)).toBe(bits);
    }
    expect(toBfloat16Bits(1 + 2 ** -8)).toBe(0x3f80); // tie → even
    expect(toBfloat16Bits(1 + 3 * 2 ** -8)).toBe(0x3f82);
  });
});

const DTYPES: NpyDtype[] = ["f2", "f4", "f8", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8"];
const SHAPES = [[5], [3, 4], [2, 3, 4], [1, 1], [2, 1, 3, 2], [0, 3]];

describe("readNpy", () => {
  for (const dtype of DTYPES) {
    for (const version of [1, 2, 3] as const) {
      for (const bigEndian of [false, true]) {
        for (const fortran of [false, true]) {
          it(`reads ${dtype} v${version} ${bigEndian ? "big" : "little"}-endian ${fortran ? "Fortran" : "C"} order`, () => {
            for (const shape of SHAPES) {
              const values = sampleValues(shape.reduce((a, b) => a * b, 1), dtype);
              const t = readNpy(makeNpy({ dtype, shape, values, bigEndian, fortran, version }), "x.npy");
              expect(t.shape).toEqual(shape);
              expect(Array.from(t.data)).toEqual(values);
            }
          });
        }
      }
    }
  }

  it("reads f16 subnormals, the largest f16 and signed zeros exactly", () => {
    const values = [2 ** -24, 1023 * 2 ** -24, 2 ** -14, 65504, -0, -(2 ** -24)];
    const t = readNpy(makeNpy({ dtype: "f2", shape: [2, 3], values, bigEndian: true }), "h.npy");
    expect(t.data.every((x, i) => Object.is(x, values[i]))).toBe(true);
  });

  it("reads headers as numpy writes them (1-tuples, no trailing comma, Python 2 longs, double quotes)", () => {
    const cases = [
      `{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }`,
      `{"descr": "<f4", "fortran_order": False, "shape": (2, 3)}`,
      `{'shape': (2L, 3L), 'fortran_order': False, 'descr': '<f4'}`,
    ];
    for (const header of cases) {
      const t = readNpy(makeNpy({ dtype: "f4", shape: [6], values: [1, 2, 3, 4, 5, 6], header }), "h.npy");
      expect(t.data.length).toBe(6);
    }
  });

  it("writes v1 little-endian f4/f8 that read back exactly", () => {
    const data = [0.1, -2.5, 3e-8, 1e30, 0, -0];
    for (const dtype of ["f4", "f8"] as const) {
      const bytes = writeNpy({ shape: [2, 3], data }, { dtype });
      expect((10 + (bytes[8] | (bytes[9] << 8))) % 64).toBe(0);
      expect(bytes[6]).toBe(1);
      const t = readNpy(bytes, "w.npy");
      expect(t.dtype).toBe(`<${dtype}`);
      expect(t.shape).toEqual([2, 3]);
      const want = dtype === "f4" ? data.map(Math.fround) : data;
      expect(t.data.every((x, i) => Object.is(x, want[i]))).toBe(true);
    }
    expect(readNpy(writeNpy({ shape: [4], data: [1, 2, 3, 4] })).shape).toEqual([4]);
    expect(() => writeNpy({ shape: [2, 2], data: [1, 2, 3] })).toThrow(TegumError);
    expect(() => writeNpy({ shape: [1], data: [1] }, { dtype: "f2" as "f4" })).toThrow(/dtype/);
  });

  const bad: [string, Uint8Array, RegExp][] = [
    ["empty file", new Uint8Array(0), /too short/],
    ["wrong magic", new TextEncoder().encode("PK\u0003\u0004 this is a zip file"), /not a \.npy file/],
    ["version 4", (() => { const b = makeNpy({ dtype: "f4", shape: [1], values: [1] }); b[6] = 4; return b; })(), /unsupported .npy format version 4/],
    ["header past the end", makeNpy({ dtype: "f4", shape: [1], values: [1] }).slice(0, 40), /header length 118 runs past the end/],
    ["truncated data", makeNpy({ dtype: "f4", shape: [3, 4], values: sampleValues(12, "f4") }).slice(0, 128 + 20), /truncated: shape \(3, 4\) of <f4 needs 48 data bytes, the file has 20/],
    ["trailing bytes", makeNpy({ dtype: "f4", shape: [2], values: [1, 2], trailing: 3 }), /3 unexpected bytes/],
    ["float128", makeNpy({ dtype: "f8", shape: [1], values: [1], header: `{'descr': '<f16', 'fortran_order': False, 'shape': (1,), }` }), /unsupported dtype "<f16"/],
    ["complex", makeNpy({ dtype: "f8", shape: [1], values: [1], header: `{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }` }), /unsupported dtype "<c8".*accepted/],
    ["structured", makeNpy({ dtype: "f8", shape: [1], values: [1], header: `{'descr': [('a', '<f4'), ('b', '<f4')], 'fortran_order': False, 'shape': (1,), }` }), /structured dtypes/],
    ["object", makeNpy({ dtype: "f8", shape: [1], values: [1], header: `{'descr': '|O', 'fortran_order': False, 'shape': (1,), }` }), /unsupported dtype "\|O"/],
    ["missing key", makeNpy({ dtype: "f8", shape: [1], values: [1], header: `{'descr': '<f8', 'shape': (1,), }` }), /header keys/],
    ["extra key", makeNpy({ dtype: "f8", shape: [1], values: [1], header: `{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': 1}` }), /header keys/],
    ["(n) is not a tuple", makeNpy({ dtype: "f8", shape: [1], values: [1], header: `{'descr': '<f8', 'fortran_order': False, 'shape': (1)}` }), /1-tuple/],
    ["code in the header", makeNpy({ dtype: "f8", shape: [1], values: [1], header: `{'descr': __import__('os').system('ls'), 'fortran_order': False, 'shape': (1,)}` }), /malformed header/],
    ["huge shape", makeNpy({ dtype: "f8", shape: [1], values: [1], header: `{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 100000), }` }), /truncated: shape \(100000, 100000\) of <f8 needs 80000000000 data bytes/],
    ["overflowing shape", makeNpy({ dtype: "f8", shape: [1], values: [1], header: `{'descr': '<f8', 'fortran_order': False, 'shape': (99999999, 99999999, 99999999), }` }), /too many elements/],
    ["NaN", makeNpy({ dtype: "f4", shape: [2, 2], values: [1, 2, NaN, 4] }), /array\[1, 0\] is NaN.*finite/],
    ["Infinity", makeNpy({ dtype: "f2", shape: [3], values: [1, -Infinity, 4] }), /array\[1\] is -Infinity/],
    ["non-ASCII v1 header", (() => { const b = makeNpy({ dtype: "f4", shape: [1], values: [1] }); b[12] = 0xe9; return b; })(), /not ASCII/],
    ["invalid UTF-8 v3 header", (() => { const b = makeNpy({ dtype: "f4", shape: [1], values: [1], version: 3 }); b[14] = 0xff; return b; })(), /not valid UTF-8/],
  ];
  for (const [what, bytes, message] of bad) {
    it(`rejects ${what} with a TegumError naming the file`, () => {
      expect(() => readNpy(bytes, "bad.npy")).toThrow(TegumError);
      expect(() => readNpy(bytes, "bad.npy")).toThrow(/^bad\.npy: /);
      expect(() => readNpy(bytes, "bad.npy")).toThrow(message);
    });
  }

  it("refuses a v2 header length above the cap before reading it", () => {
    const b = makeNpy({ dtype: "f4", shape: [1], values: [1], version: 2 });
    new DataView(b.buffer).setUint32(8, 0xffffff00, true);
    expect(() => readNpy(b, "cap.npy")).toThrow(/exceeds the 16777216-byte cap/);
  });

  it("accepts NaN when asked to", () => {
    const t = readNpy(makeNpy({ dtype: "f8", shape: [2], values: [NaN, 1] }), "n.npy", { allowNonFinite: true });
    expect(t.data[0]).toBeNaN();
  });

  it("only ever throws TegumError on random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => onlyTegumError(() => readNpy(bytes, "fuzz.npy"), "fuzz.npy")),
      { numRuns: 2000 },
    );
    const magic = fc.uint8Array({ maxLength: 300 }).map((b) => Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1 + (b[0] ?? 0) % 3, 0, ...b]));
    fc.assert(fc.property(magic, (bytes) => onlyTegumError(() => readNpy(bytes, "fuzz.npy"), "fuzz.npy")), { numRuns: 2000 });
  });

  it("only ever throws TegumError on mutated valid files", () => {
    for (const base of [
      makeNpy({ dtype: "f4", shape: [3, 4], values: sampleValues(12, "f4") }),
      makeNpy({ dtype: "f2", shape: [2, 3, 2], values: sampleValues(12, "f2"), fortran: true, bigEndian: true, version: 2 }),
      makeNpy({ dtype: "i8", shape: [5], values: sampleValues(5, "i8"), version: 3 }),
    ]) {
      fc.assert(fc.property(mutated(base), (bytes) => onlyTegumError(() => readNpy(bytes, "mut.npy"), "mut.npy")), { numRuns: 1500 });
    }
  });
});
