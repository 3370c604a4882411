import { beforeEach, describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { f32, f64, reluBackward, reluForward, twin, WasmArray } from "../src/index.js";
import { BACKENDS, use } from "./backends.js";
import { edgeValues, expectSameBits, thrownParameter as param } from "./geometry-helpers.js";

const values = (length: number, seed: number) => edgeValues(length, seed, [0.15, 0.25, 0.45], 2);

const size = fc.oneof(fc.constantFrom(0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17), fc.integer({ min: 0, max: 300 }));
const seed = fc.integer({ min: 1, max: 2 ** 31 - 1 });

describe.each(BACKENDS)("relu (%s)", (name) => {
  beforeEach(async () => {
    await use(name);
  });

  test.prop([size, size, seed, fc.boolean()], { numRuns: 100 })("reluForward = twin, bit for bit, in place or not", (rows, cols, s, inPlace) => {
    const x = values(rows * cols, s), bias = values(cols, s + 1);
    const want = new Float32Array(rows * cols);
    twin.reluForward(want, x, bias, rows, cols);
    if (inPlace) {
      const y = x.slice();
      reluForward(y, y, bias, rows, cols);
      expectSameBits(y, want);
    } else {
      const out = values(rows * cols, s + 2);
      reluForward(out, x, bias, rows, cols);
      expectSameBits(out, want);
      expectSameBits(x, values(rows * cols, s));
    }
    // The twin's own definition: +0 for v ≤ 0, v = fround(x + bias) otherwise.
    for (let i = 0; i < want.length; i++) {
      const v = Math.fround(x[i] + bias[i % cols]);
      if (!Object.is(want[i], v > 0 ? v : 0)) expect.fail(`twin element ${i}: ${want[i]} for x + bias = ${v}`);
    }
  });

  test.prop([size, seed, fc.constantFrom("none", "gradOut", "pre")], { numRuns: 100 })(
    "reluBackward = twin, bit for bit, in place or not",
    (length, s, alias) => {
      const gradOut = values(length, s), pre = values(length, s + 1);
      const want = new Float32Array(length);
      twin.reluBackward(want, gradOut, pre, length);
      for (let i = 0; i < length; i++) {
        if (!Object.is(want[i], pre[i] > 0 ? gradOut[i] : 0)) expect.fail(`twin element ${i}: ${want[i]} for pre ${pre[i]}`);
      }
      if (alias === "gradOut") {
        const g = gradOut.slice();
        reluBackward(g, g, pre, length);
        expectSameBits(g, want);
      } else if (alias === "pre") {
        const p = pre.slice();
        reluBackward(p, gradOut, p, length);
        expectSameBits(p, want);
      } else {
        const g = values(length, s + 2);
        reluBackward(g, gradOut, pre, length);
        expectSameBits(g, want);
      }
    },
  );

  it("works in place on resident arrays, and resident = plain", () => {
    const [rows, cols] = [19, 23];
    const x = values(rows * cols, 5), bias = values(cols, 6), g = values(rows * cols, 7);
    const X = f32(x), Bias = f32(bias), G = f32(g);
    reluForward(X, X, Bias, rows, cols);
    const want = new Float32Array(rows * cols);
    twin.reluForward(want, x, bias, rows, cols);
    expectSameBits(X.array, want);
    reluBackward(G, G, X, rows * cols);
    const wantG = new Float32Array(rows * cols);
    twin.reluBackward(wantG, g, want, rows * cols);
    expectSameBits(G.array, wantG);
  });

  it("lets NaN through the forward pass (max(0, NaN) is NaN) and masks it in the backward pass", () => {
    const out = new Float32Array(9);
    const x = Float32Array.of(NaN, 1, -1, 0, NaN, 2, -2, -0, 3);
    reluForward(out, x, new Float32Array(9), 1, 9);
    expect(Array.from(out)).toEqual([NaN, 1, 0, 0, NaN, 2, 0, 0, 3]);
    const tw = new Float32Array(9);
    twin.reluForward(tw, x, new Float32Array(9), 1, 9);
    expect(Array.from(tw)).toEqual([NaN, 1, 0, 0, NaN, 2, 0, 0, 3]);
    const g = new Float32Array(9);
    reluBackward(g, new Float32Array(9).fill(5), x, 9);
    expect(Array.from(g)).toEqual([0, 5, 0, 0, 0, 5, 0, 0, 5]);
  });

  it("rejects bad input with a TegumError naming the parameter", () => {
    const ok = new Float32Array(100);
    expect(param(() => reluForward(ok, ok, ok, -1, 2))).toBe("rows");
    expect(param(() => reluForward(ok, ok, ok, 2, 2.5))).toBe("cols");
    expect(param(() => reluForward(new Float32Array(5), ok, ok, 2, 3))).toBe("out");
    expect(param(() => reluForward(ok, new Float32Array(5), ok, 2, 3))).toBe("x");
    expect(param(() => reluForward(ok, ok, new Float32Array(2), 2, 3))).toBe("bias");
    expect(param(() => reluForward(ok, new Float64Array(100) as never, ok, 2, 3))).toBe("x");
    expect(param(() => reluForward(ok, ok, f64(3) as never, 2, 3))).toBe("bias");
    expect(param(() => reluBackward(ok, ok, ok, -2))).toBe("length");
    expect(param(() => reluBackward(new Float32Array(3), ok, ok, 4))).toBe("gradIn");
    expect(param(() => reluBackward(ok, new Int32Array(100) as never, ok, 4))).toBe("gradOut");
    expect(param(() => reluBackward(ok, ok, new Float32Array(3), 4))).toBe("pre");
    const R = f32(100);
    const shifted = new WasmArray(R.ptr + 4, 50, Float32Array, R.owner);
    expect(param(() => reluForward(shifted, R, ok, 5, 10))).toBe("out"); // a shifted overlap, not in place
    expect(param(() => reluForward(R, ok, R, 5, 10))).toBe("out"); // out over bias
    expect(param(() => reluBackward(shifted, R, ok, 10))).toBe("gradIn");
  });
});
