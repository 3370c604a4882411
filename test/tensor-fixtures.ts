// Fixture generator for the reader tests: an independent little .npy / .safetensors writer for every
// variant the readers accept (v1/v2/v3, either byte order, C/Fortran order, f2/f4/f8, bf16, ints), and a
// byte-mutation helper for fuzzing. Written separately from src/ so that the round trips check the
// readers against a second implementation.
import fc from "fast-check";
import { TegumError } from "../src/errors.js";

export type NpyDtype = "f2" | "f4" | "f8" | "i1" | "i2" | "i4" | "i8" | "u1" | "u2" | "u4" | "u8";

/** f16 bits of x (x must be exactly representable in f16; checked). */
export function f16Bits(x: number): number {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a === Infinity) return sign | 0x7c00;
  if (a === 0) return sign;
  if (a < 2 ** -14) {
    const m = a / 2 ** -24;
    if (!Number.isInteger(m)) throw new Error(`${x} is not an f16`);
    return sign | m;
  }
  const e = Math.floor(Math.log2(a));
  const m = (a / 2 ** e - 1) * 1024;
  if (!Number.isInteger(m) || e > 15) throw new Error(`${x} is not an f16`);
  return sign | ((e + 15) << 10) | m;
}

/** bf16 bits of x (x must be exactly representable in bf16; checked). */
export function bf16Bits(x: number): number {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer)[0];
  if (f[0] !== x && !Number.isNaN(x)) throw new Error(`${x} is not an f32`);
  if ((u & 0xffff) !== 0 && !Number.isNaN(x)) throw new Error(`${x} is not a bf16`);
  return u >>> 16;
}

/** Encodes one element into `view` at `at`. */
function put(view: DataView, at: number, dtype: NpyDtype | "bf16", x: number, le: boolean): void {
  switch (dtype) {
    case "f2": return view.setUint16(at, f16Bits(x), le);
    case "bf16": return view.setUint16(at, bf16Bits(x), le);
    case "f4": return view.setFloat32(at, x, le);
    case "f8": return view.setFloat64(at, x, le);
    case "i1": return view.setInt8(at, x);
    case "u1": return view.setUint8(at, x);
    case "i2": return view.setInt16(at, x, le);
    case "u2": return view.setUint16(at, x, le);
    case "i4": return view.setInt32(at, x, le);
    case "u4": return view.setUint32(at, x, le);
    case "i8": return view.setBigInt64(at, BigInt(x), le);
    case "u8": return view.setBigUint64(at, BigInt(x), le);
  }
}

export const sizeOf = (dtype: NpyDtype | "bf16") => (dtype === "bf16" ? 2 : Number(dtype.slice(1)));

/** Values (C order) for `shape` to Fortran order. */
export function toFortran(values: number[], shape: number[]): number[] {
  const out = new Array<number>(values.length);
  const rank = shape.length;
  const idx = new Array<number>(rank).fill(0);
  for (let c = 0; c < values.length; c++) {
    let f = 0;
    for (let d = rank - 1; d >= 0; d--) f = f * shape[d] + idx[d];
    out[f] = values[c];
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

export interface NpySpec {
  dtype: NpyDtype;
  shape: number[];
  /** C-order values. */
  values: number[];
  bigEndian?: boolean;
  fortran?: boolean;
  version?: 1 | 2 | 3;
  /** Replace the header dict text entirely. */
  header?: string;
  /** Extra bytes after the data. */
  trailing?: number;
}

/** A .npy file for `spec`. */
export function makeNpy(spec: NpySpec): Uint8Array {
  const version = spec.version ?? 1;
  const size = sizeOf(spec.dtype);
  const order = size === 1 ? "|" : spec.bigEndian ? ">" : "<";
  const shape = spec.shape.length === 1 ? `(${spec.shape[0]},)` : `(${spec.shape.join(", ")})`;
  const dict = spec.header ?? `{'descr': '${order}${spec.dtype}', 'fortran_order': ${spec.fortran ? "True" : "False"}, 'shape': ${shape}, }`;
  const dictBytes = new TextEncoder().encode(dict);
  const pre = version === 1 ? 10 : 12;
  const total = Math.ceil((pre + dictBytes.length + 1) / 64) * 64;
  const headerLength = total - pre;
  const values = spec.fortran ? toFortran(spec.values, spec.shape) : spec.values;
  const out = new Uint8Array(total + values.length * size + (spec.trailing ?? 0));
  const view = new DataView(out.buffer);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  if (version === 1) view.setUint16(8, headerLength, true);
  else view.setUint32(8, headerLength, true);
  out.set(dictBytes, pre);
  out.fill(0x20, pre + dictBytes.length, total - 1);
  out[total - 1] = 0x0a;
  values.forEach((x, i) => put(view, total + i * size, spec.dtype, x, !spec.bigEndian));
  return out;
}

export type StDtype = "F16" | "BF16" | "F32" | "F64" | "I8" | "I16" | "I32" | "I64" | "U8" | "U16" | "U32" | "U64";
const ST_TO_NPY: Record<StDtype, NpyDtype | "bf16"> = {
  F16: "f2", BF16: "bf16", F32: "f4", F64: "f8", I8: "i1", I16: "i2", I32: "i4", I64: "i8", U8: "u1", U16: "u2", U32: "u4", U64: "u8",
};

export interface StTensor {
  dtype: StDtype;
  shape: number[];
  values: number[];
}

/** A .safetensors file with the tensors in order; `header` edits the JSON before it is written. */
export function makeSafetensors(
  tensors: Record<string, StTensor>,
  options: { metadata?: Record<string, string>; header?: (h: Record<string, unknown>) => unknown; pad?: number; trailing?: number } = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (options.metadata) header.__metadata__ = options.metadata;
  let offset = 0;
  const parts: Uint8Array[] = [];
  for (const [name, t] of Object.entries(tensors)) {
    const dt = ST_TO_NPY[t.dtype];
    const size = sizeOf(dt);
    const body = new Uint8Array(t.values.length * size);
    const view = new DataView(body.buffer);
    t.values.forEach((x, i) => put(view, i * size, dt, x, true));
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + body.length] };
    parts.push(body);
    offset += body.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(options.header ? options.header(header) : header) + " ".repeat(options.pad ?? 0));
  const out = new Uint8Array(8 + json.length + offset + (options.trailing ?? 0));
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** C-order values 0..count−1 mapped into exactly representable, distinct, signed numbers. */
export function sampleValues(count: number, dtype: NpyDtype | "bf16"): number[] {
  return Array.from({ length: count }, (_, i) => {
    if (dtype[0] === "u") return i % 200;
    if (dtype[0] === "i") return (i % 100) - 50;
    return ((i % 61) - 30) / 8; // multiples of 1/8 in [−3.75, 3.75]: exact in f16 and bf16
  });
}

/** Random edits of a valid file: byte flips, overwrites, truncations, insertions, deletions. */
export function mutated(base: Uint8Array): fc.Arbitrary<Uint8Array> {
  const edit = fc.oneof(
    fc.record({ kind: fc.constant("set" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ kind: fc.constant("truncate" as const), at: fc.nat(), value: fc.constant(0) }),
    fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), value: fc.constant(0) }),
    fc.record({ kind: fc.constant("digit" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 9 }) }),
  );
  return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => {
    let bytes = Array.from(base);
    for (const e of edits) {
      if (bytes.length === 0) break;
      const at = e.at % bytes.length;
      if (e.kind === "set") bytes[at] = e.value;
      else if (e.kind === "flip") bytes[at] ^= 1 << e.value;
      else if (e.kind === "truncate") bytes = bytes.slice(0, at);
      else if (e.kind === "insert") bytes.splice(at, 0, e.value);
      else if (e.kind === "delete") bytes.splice(at, 1);
      else {
        // Replace a digit with another (explores shape sizes, offsets and header lengths in text headers).
        const d = bytes.findIndex((b, i) => i >= at && b >= 0x30 && b <= 0x39);
        if (d >= 0) bytes[d] = 0x30 + e.value;
        else bytes.splice(at, 0, 0x30 + e.value);
      }
    }
    return Uint8Array.from(bytes);
  });
}

/** Runs `fn`; any error other than a TegumError (or one not naming the file) fails the test. */
export function onlyTegumError(fn: () => unknown, file: string): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof TegumError)) throw e;
    if (!e.message.includes(file)) throw new Error(`message does not name the file: ${e.message}`);
  }
}

