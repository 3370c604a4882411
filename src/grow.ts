// Growing typed arrays for outputs whose length is known only at the end (edge lists, subset lists).

/** A copy of `a`, at least twice as long, at least `min` long and never empty (the tail zeroed). */
export function grow<T extends Int32Array | Float64Array>(a: T, min = 0): T {
  const b = new (a.constructor as new (n: number) => T)(Math.max(2 * a.length, min, 1));
  b.set(a);
  return b;
}
