import { fc, test } from "@fast-check/vitest";
import { beforeAll, describe, expect, it } from "vitest";
import { columnNorms, f32, f64, gram, gram64, interference, scoped, twin } from "../src/index.js";
import { BACKENDS, use } from "./backends.js";
import { expectSameBits, matrix, thrownParameter as param } from "./geometry-helpers.js";

// Every output of these kernels is a sum over one inner index, taken sequentially from +0 in the SIMD
// build, the scalar build and the twin alike (lanes only run over independent outputs), so the tests
// demand bit equality, not a tolerance.

const shape = { m: fc.integer({ min: 0, max: 64 }), n: fc.integer({ min: 0, max: 300 }), seed: fc.integer() };

describe.each(BACKENDS)("gram / interference (%s)", (name) => {
  beforeAll(async () => {
    await use(name);
  });

  test.prop(shape, { numRuns: 40 })("gram (f32) = twin, bit for bit", ({ m, n, seed }) => {
    const w = Float32Array.from(matrix(m * n, seed));
    const g = new Float32Array(n * n).fill(NaN);
    const want = new Float32Array(n * n);
    gram(g, w, m, n);
    twin.gram(want, w, m, n);
    expectSameBits(g, want, "G");
  });

  test.prop(shape, { numRuns: 40 })("gram64, columnNorms, interference = twin, bit for bit", ({ m, n, seed }) => {
    const w = matrix(m * n, seed);
    const g = new Float64Array(n * n).fill(NaN);
    const want = new Float64Array(n * n);
    gram64(g, w, m, n);
    twin.gram64(want, w, m, n);
    expectSameBits(g, want, "G");

    const norms = new Float64Array(n), wantNorms = new Float64Array(n);
    columnNorms(norms, w, m, n);
    twin.columnNorms(wantNorms, w, m, n);
    expectSameBits(norms, wantNorms, "norms");

    const inter = new Float64Array(n), wantInter = new Float64Array(n);
    interference(inter, g, n);
    twin.interference(wantInter, want, n);
    expectSameBits(inter, wantInter, "interference");
  });

  test.prop({ m: fc.integer({ min: 1, max: 12 }), n: fc.integer({ min: 1, max: 40 }), seed: fc.integer() }, { numRuns: 30 })(
    "G is symmetric, G_ii = ‖W_i‖² to rounding, interference = Σ_j (Ŵ_i·W_j)²",
    ({ m, n, seed }) => {
      const w = matrix(m * n, seed);
      const g = new Float64Array(n * n);
      gram64(g, w, m, n);
      const norms = new Float64Array(n);
      columnNorms(norms, w, m, n);
      const inter = new Float64Array(n);
      interference(inter, g, n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) expect(Object.is(g[i * n + j], g[j * n + i])).toBe(true);
        expect(g[i * n + i]).toBeCloseTo(norms[i] ** 2, 12);
        // Independent formula: Σ_j (Ŵ_i·W_j)², from the columns directly.
        let want = 0;
        if (norms[i] > 0) {
          for (let j = 0; j < n; j++) {
            let dot = 0;
            for (let p = 0; p < m; p++) dot += w[p * n + i] * w[p * n + j];
            want += (dot / norms[i]) ** 2;
          }
        }
        expect(Math.abs(inter[i] - want)).toBeLessThanOrEqual(1e-12 * Math.max(1, want));
      }
    },
  );

  it("feature dimensionality of tight frames: pentagon 2/5, and 0 for a dead feature", () => {
    const n = 6, m = 2;
    const w = new Float64Array(m * n);
    for (let i = 0; i < 5; i++) {
      w[i] = Math.cos((2 * Math.PI * i) / 5);
      w[n + i] = Math.sin((2 * Math.PI * i) / 5);
    } // column 5 stays 0
    const g = new Float64Array(n * n);
    gram64(g, w, m, n);
    const inter = new Float64Array(n);
    interference(inter, g, n);
    for (let i = 0; i < 5; i++) expect(g[i * n + i] / inter[i]).toBeCloseTo(2 / 5, 14);
    expect(inter[5]).toBe(0);
  });

  it("chains on resident arrays without copies (gram64 → interference)", () => {
    const m = 5, n = 9;
    const host = matrix(m * n, 42);
    scoped(() => {
      const w = f64(host);
      const g = f64(n * n);
      const inter = f64(n);
      gram64(g, w, m, n);
      interference(inter, g, n);
      const wantG = new Float64Array(n * n);
      twin.gram64(wantG, host, m, n);
      const wantI = new Float64Array(n);
      twin.interference(wantI, wantG, n);
      expectSameBits(g.array, wantG, "G");
      expectSameBits(inter.array, wantI, "interference");
      const w32 = f32(host);
      const g32 = f32(n * n);
      gram(g32, w32, m, n);
      const want32 = new Float32Array(n * n);
      twin.gram(want32, Float32Array.from(host), m, n);
      expectSameBits(g32.array, want32, "G f32");
    });
  });

  it("rejects bad arguments with a TegumError naming the parameter", () => {
    const w = new Float64Array(6);
    expect(param(() => gram64(new Float64Array(9), w, -1, 3))).toBe("m");
    expect(param(() => gram64(new Float64Array(9), w, 2, 1.5))).toBe("n");
    expect(param(() => gram64(new Float64Array(9), w, 3, 3))).toBe("w"); // too short
    expect(param(() => gram64(new Float64Array(8), w, 2, 3))).toBe("g");
    expect(param(() => gram64(new Float64Array(9), Float64Array.of(1, 2, NaN, 4, 5, 6), 2, 3))).toBe("w");
    expect(param(() => gram(new Float32Array(9), w as unknown as Float32Array, 2, 3))).toBe("w"); // wrong type
    expect(param(() => columnNorms(new Float64Array(2), w, 2, 3))).toBe("out");
    expect(param(() => interference(new Float64Array(2), Float64Array.of(1, Infinity, 0, 1), 2))).toBe("g");
    // Resident operands are checked in wasm: the first non-finite index is reported, at any position.
    scoped(() => {
      for (const at of [0, 1, 4, 5, 6, 10]) {
        const w64 = f64(11).set(Array.from({ length: 11 }, (_, i) => i));
        w64.array[at] = at % 2 ? -Infinity : NaN;
        expect(() => gram64(new Float64Array(1), w64, 11, 1)).toThrow(`w[${at}] is ${at % 2 ? "-Infinity" : "NaN"}`);
        const w32 = f32(11).set(Array.from({ length: 11 }, (_, i) => i));
        w32.array[at] = Infinity;
        w32.array[10] = at === 10 ? Infinity : NaN; // a later one must not mask the first
        expect(() => gram(new Float32Array(1), w32, 11, 1)).toThrow(`w[${at}] is Infinity`);
      }
    });
  });
});
