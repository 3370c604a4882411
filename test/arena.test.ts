import { describe, expect, it } from "vitest";
import { backend, f32, f64, i32, mark, release, scoped, TegumError, WasmArray } from "../src/index.js";
import { wasm } from "../src/wasm.js";
import { BACKENDS, use } from "./backends.js";

describe.each(BACKENDS)("arena (%s)", (name) => {
  it("reports the backend it was built as", async () => {
    await use(name);
    expect(backend()).toBe(name);
    expect(wasm().simdEnabled()).toBe(name === "simd" ? 1 : 0);
  });

  it("keeps data across memory growth and re-derives views", async () => {
    await use(name);
    const a = f32([1, 2, 3]);
    const before = a.array;
    const at = mark();
    const big = f64(4 << 20); // 32 MiB: forces memory.grow, detaching old views
    expect(before.length).toBe(0); // the old view is detached...
    expect(Array.from(a.array)).toEqual([1, 2, 3]); // ...the handle re-derives a live one
    expect(big.array.length).toBe(4 << 20);
    release(at);
    expect(mark()).toBe(at);
  });

  it("scoped() frees what it allocated, even on throw", async () => {
    await use(name);
    const at = mark();
    scoped(() => i32(1000));
    expect(mark()).toBe(at);
    expect(() => scoped(() => { f32(10); throw new Error("x"); })).toThrow("x");
    expect(mark()).toBe(at);
  });

  it("rejects bad lengths with a TegumError naming the parameter", async () => {
    await use(name);
    expect(() => f32(-1)).toThrow(TegumError);
    expect(() => f32(1.5)).toThrow(/length/);
    expect(f32(0)).toBeInstanceOf(WasmArray);
  });
});
