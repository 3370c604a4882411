// Tensors in JSON: a nested array (`[[0.1, 0.2], [0.3, 0.4]]`), a `{"shape": [...], "data": [...]}`
// object (data flat in C order, or nested), or an object of named tensors (`{"W": ..., "b": ...}`,
// nested objects give dotted names `model.W`). Values that are neither arrays nor {shape, data} objects
// (strings, numbers, config) are ignored. Shapes are read cheaply up front; a tensor is fully checked
// (rectangular, numbers only, finite) when it is picked.
import { TegumError } from "./errors.js";
import { checkDecodable, checkFiniteTensor, checkWritable, decodeUtf8, elementCount, fileError, formatShape, MAX_RANK, type Tensor } from "./tensor.js";

const ACCEPTED = 'accepted: a nested array of numbers, {"shape": [...], "data": [...]}, or an object of named tensors';
const MAX_NESTING = 8;

/** The tensors of a JSON file; the name of a file that is one bare tensor is "". */
export interface JsonTensors {
  names: string[];
  /** The shape a tensor claims (nested arrays: along the first elements), before full checking. */
  shape(name: string): number[];
  /** The checked tensor (rectangular, numbers only, finite unless `allowNonFinite`). */
  tensor(name: string, options?: { allowNonFinite?: boolean }): Tensor;
}

type Candidate = { kind: "nested"; value: unknown[] } | { kind: "shaped"; shape: unknown; data: unknown };

/** Parses a JSON tensor file; bad input is a TegumError naming `file`. */
export function readTensorJson(input: string | Uint8Array, file = "<json>"): JsonTensors {
  let text = typeof input === "string" ? input : decodeUtf8(file, input, "the file");
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a UTF-8 byte order mark
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (e) {
    throw fileError(file, `not valid JSON (${(e as Error).message})`, ACCEPTED);
  }
  const found = new Map<string, Candidate>();
  const asCandidate = (v: unknown): Candidate | undefined => {
    if (Array.isArray(v)) return { kind: "nested", value: v };
    if (isShaped(v)) return { kind: "shaped", shape: (v as { shape: unknown }).shape, data: (v as { data: unknown }).data };
    return undefined;
  };
  const top = asCandidate(root);
  if (top) found.set("", top);
  else if (typeof root === "object" && root !== null) {
    const walk = (obj: object, prefix: string, depth: number) => {
      for (const [k, v] of Object.entries(obj)) {
        const name = prefix + k;
        const c = asCandidate(v);
        if (c) found.set(name, c);
        else if (typeof v === "object" && v !== null && depth < MAX_NESTING) walk(v, name + ".", depth + 1);
      }
    };
    walk(root, "", 0);
  }
  if (found.size === 0) throw fileError(file, "holds no tensor", ACCEPTED);

  const get = (name: string): Candidate => {
    const c = found.get(name);
    if (!c) throw fileError(file, `no tensor named ${JSON.stringify(name)}`, `tensors: ${[...found.keys()].map(label).join(", ")}`);
    return c;
  };
  return {
    names: [...found.keys()],
    shape(name) {
      const c = get(name);
      return c.kind === "nested" ? leadingShape(c.value) : Array.isArray(c.shape) ? (c.shape as number[]).slice() : [];
    },
    tensor(name, options = {}) {
      const c = get(name);
      const what = label(name);
      const t = c.kind === "nested" ? fromNested(file, what, c.value) : fromShaped(file, what, c.shape, c.data);
      return options.allowNonFinite ? t : checkFiniteTensor(file, `tensor ${what}`, t);
    },
  };
}

const label = (name: string) => (name === "" ? "(the whole file)" : JSON.stringify(name));

function isShaped(v: unknown): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v) && "shape" in v && "data" in v;
}

/** The shape along first elements: `[[1,2],[3,4],[5,6]]` → [3, 2]. Stops at MAX_RANK + 1 levels. */
function leadingShape(value: unknown[]): number[] {
  const shape: number[] = [];
  let v: unknown = value;
  while (Array.isArray(v) && shape.length <= MAX_RANK) {
    shape.push(v.length);
    v = v[0];
  }
  return shape;
}

function fromNested(file: string, what: string, value: unknown[]): Tensor {
  const shape = leadingShape(value);
  if (shape.length > MAX_RANK) throw fileError(file, `tensor ${what} is nested deeper than ${MAX_RANK} levels`, ACCEPTED);
  elementCount(file, shape, `tensor ${what} shape`);
  // Collect while checking (never allocate from the claimed shape: a ragged file could claim a huge one).
  const values: number[] = [];
  const visit = (v: unknown, depth: number, path: string) => {
    if (depth === shape.length) {
      values.push(number(file, what, path, v));
      return;
    }
    if (!Array.isArray(v)) throw fileError(file, `tensor ${what}${path} is ${describe(v)} where an array of length ${shape[depth]} belongs`, "arrays must be rectangular (not ragged)");
    if (v.length !== shape[depth]) {
      throw fileError(file, `tensor ${what} is ragged: ${what}${path} has length ${v.length}, expected ${shape[depth]}`, "arrays must be rectangular, every row the same length");
    }
    for (let i = 0; i < v.length; i++) visit(v[i], depth + 1, `${path}[${i}]`);
  };
  visit(value, 0, "");
  checkDecodable(file, `tensor ${what}`, values.length);
  return { shape, data: Float64Array.from(values), dtype: "json" };
}

function fromShaped(file: string, what: string, shape: unknown, data: unknown): Tensor {
  if (!Array.isArray(shape)) throw fileError(file, `tensor ${what} has shape ${describe(shape)}`, "shape is an array of non-negative integers");
  const count = elementCount(file, shape, `tensor ${what} shape`);
  if (!Array.isArray(data)) throw fileError(file, `tensor ${what} has data ${describe(data)}`, "data is an array of numbers (flat in C order, or nested)");
  const s = shape as number[];
  if (data.length === count && (count === 0 || !Array.isArray(data[0]))) {
    checkDecodable(file, `tensor ${what}`, count);
    const out = new Float64Array(count);
    for (let i = 0; i < count; i++) out[i] = number(file, what, `.data[${i}]`, data[i]);
    return { shape: s.slice(), data: out, dtype: "json" };
  }
  if (Array.isArray(data[0]) || s.length === 0) {
    const t = fromNested(file, what, data);
    if (t.shape.length !== s.length || t.shape.some((d, i) => d !== s[i])) {
      throw fileError(file, `tensor ${what} declares shape ${formatShape(s)} but its nested data has shape ${formatShape(t.shape)}`);
    }
    return t;
  }
  throw fileError(file, `tensor ${what} declares shape ${formatShape(s)} (${count} values) but data has ${data.length}`);
}

function number(file: string, what: string, path: string, v: unknown): number {
  if (typeof v === "number") return v;
  const hint = v === null ? " (NaN and Infinity are not JSON; weights must be finite)" : "";
  throw fileError(file, `tensor ${what}${path} is ${describe(v)}, not a number${hint}`, ACCEPTED);
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (v === null) return "null";
  if (typeof v === "object") return "an object";
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? s.slice(0, 40) + "…" : s;
}

/** A tensor to write: C-order values with a shape. */
export interface JsonTensorInput {
  shape: readonly number[];
  data: ArrayLike<number>;
}

export interface WriteTensorJsonOptions {
  /** Nested arrays instead of `{shape, data}` (default false). */
  nested?: boolean;
}

/**
 * JSON text for one tensor (`{"shape", "data"}`, or a nested array) or an object of named tensors.
 * Numbers are written in the shortest form that reads back to the same double.
 */
export function writeTensorJson(tensors: JsonTensorInput | Record<string, JsonTensorInput>, options: WriteTensorJsonOptions = {}): string {
  const one = (name: string, t: JsonTensorInput): string => {
    const what = name === "" ? "writeTensorJson" : `tensor ${JSON.stringify(name)}`;
    checkWritable(what, t.shape, t.data);
    for (let i = 0; i < t.data.length; i++) {
      if (!Number.isFinite(t.data[i])) throw new TegumError(`${what}: value ${i} is ${t.data[i]}; JSON holds only finite numbers`, "data");
    }
    const flat = Array.from(t.data, (x) => (Object.is(x, -0) ? "-0" : String(x)));
    if (!options.nested) return `{"shape":${JSON.stringify([...t.shape])},"data":[${flat.join(",")}]}`;
    const nest = (depth: number, offset: number, size: number): string => {
      if (depth === t.shape.length) return flat[offset];
      const inner = size / (t.shape[depth] || 1);
      const parts: string[] = [];
      for (let i = 0; i < t.shape[depth]; i++) parts.push(nest(depth + 1, offset + i * inner, inner));
      return `[${parts.join(",")}]`;
    };
    return nest(0, 0, t.data.length);
  };
  if (isShaped(tensors) && Array.isArray((tensors as JsonTensorInput).shape)) return one("", tensors as JsonTensorInput);
  const parts = Object.entries(tensors as Record<string, JsonTensorInput>).map(([k, t]) => `${JSON.stringify(k)}:${one(k, t)}`);
  return `{${parts.join(",")}}`;
}
