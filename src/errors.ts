/** The one error type tegum throws for bad input: it names the parameter and what is allowed. */
export class TegumError extends Error {
  override name = "TegumError";
  constructor(message: string, readonly parameter?: string) {
    super(message);
  }
}

/** Throws unless `value` is an integer in [min, max]. */
export function checkInt(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new TegumError(`${name} must be an integer in [${min}, ${max}], got ${String(value)}`, name);
  }
  return value;
}

/** Throws unless `value` is a finite number in [min, max]. */
export function checkNumber(name: string, value: number, min = -Infinity, max = Infinity): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    throw new TegumError(`${name} must be a finite number in [${min}, ${max}], got ${String(value)}`, name);
  }
  return value;
}

/** Throws unless `array` holds at least `length` elements. */
export function checkLength(name: string, array: { length: number }, length: number): void {
  if (array.length < length) {
    throw new TegumError(`${name} needs at least ${length} elements, got ${array.length}`, name);
  }
}

/** Throws at the first NaN or ±Infinity in `array`, naming its index. */
export function checkFinite(name: string, array: ArrayLike<number>, length = array.length): void {
  for (let i = 0; i < length; i++) {
    if (!Number.isFinite(array[i])) {
      throw new TegumError(`${name}[${i}] is ${String(array[i])}; only finite values are accepted`, name);
    }
  }
}
