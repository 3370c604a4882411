// The official notebook's sweeps, computed with the deterministic math of src/math.ts so that every
// runtime builds the same bits (Math.pow may differ in the last ulp between engines).
//   p = 20^(−linspace(0, 1, I))      sweeps.falloff(I, 20)      (OFF's feature-probability sweep)
//   importance = 0.9^i, 0.7^i        sweeps.geometric(n, 0.9)
//   importance = 100^(−linspace)     sweeps.falloff(n, 100)
import { checkInt, checkNumber } from "./errors.js";
import { pow, powInt } from "./math.js";

/** `count` evenly spaced values from `start` to `end` inclusive: start + (end − start)·i/(count − 1). */
export function linspace(start: number, end: number, count: number): Float64Array {
  checkNumber("start", start);
  checkNumber("end", end);
  checkInt("count", count, 1, 1 << 26);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = count === 1 ? start : start + ((end - start) * i) / (count - 1);
  if (count > 1) out[count - 1] = end;
  return out;
}

/** base^(−t) for t = linspace(0, 1, count): 1 down to 1/base (OFF: p = 20^(−linspace(0,1,I))). */
export function falloff(count: number, base: number): Float64Array {
  checkNumber("base", base, Number.MIN_VALUE);
  const t = linspace(0, 1, count);
  for (let i = 0; i < count; i++) t[i] = pow(base, -t[i]);
  return t;
}

/** ratio^i for i = 0…count−1 (OFF: importance 0.9^i, 0.7^i). */
export function geometric(count: number, ratio: number): Float64Array {
  checkInt("count", count, 1, 1 << 26);
  checkNumber("ratio", ratio, 0);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = powInt(ratio, i);
  return out;
}
