// The in-memory tensor every reader returns, and the checks the readers share: bounded shapes, exact
// element decoding (f16/bf16/f32/f64 and integers, either byte order), finiteness, and error messages
// that name the file, the problem and what is accepted.
import { TegumError } from "./errors.js";
import { fromBfloat16Bits, fromFloat16Bits } from "./half.js";

/** A dense tensor in C (row-major) order with its values widened to float64 (exactly). */
export interface Tensor {
  shape: number[];
  data: Float64Array;
  /** The stored element type, in the file's own spelling (`<f4`, `F16`, `json` …). */
  dtype: string;
}

/** Random access to the bytes of a file (a whole buffer in memory, or a file read on demand). */
export interface ByteSource {
  readonly size: number;
  /** Exactly `length` bytes from `offset` (the caller has checked the range against `size`). */
  read(offset: number, length: number): Uint8Array;
}

/** A ByteSource over bytes already in memory. */
export function byteSource(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, read: (offset, length) => bytes.subarray(offset, offset + length) };
}

/** Headers (npy, safetensors) longer than this are refused before anything is allocated for them. */
export const MAX_HEADER_BYTES = 16 * 1024 * 1024;
/** Tensors of higher rank are refused. */
export const MAX_RANK = 32;
/** Tensors with more elements are refused when decoded (2^28 float64 = 2 GiB). */
export const MAX_ELEMENTS = 2 ** 28;

/** Throws unless a tensor of `count` elements may be decoded (checked before allocating). */
export function checkDecodable(file: string, what: string, count: number): void {
  if (count > MAX_ELEMENTS) throw fileError(file, `${what} has ${count} elements`, `at most 2^28 = ${MAX_ELEMENTS} are read`);
}

/** A TegumError for bad input: `FILE: problem; accepted`. */
export function fileError(file: string, problem: string, accepted?: string): TegumError {
  return new TegumError(`${file}: ${problem}${accepted ? ` (${accepted})` : ""}`, "file");
}

/** `(3, 4)`, numpy-style. */
export function formatShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

/** The number of elements of `shape`, after checking every dimension and the product are safe integers. */
export function elementCount(file: string, shape: readonly unknown[], what = "shape"): number {
  if (shape.length > MAX_RANK) throw fileError(file, `${what} has rank ${shape.length}`, `at most ${MAX_RANK} dimensions are accepted`);
  let count = 1;
  for (const d of shape) {
    if (typeof d !== "number" || !Number.isSafeInteger(d) || d < 0) {
      throw fileError(file, `${what} has dimension ${JSON.stringify(d) ?? String(d)}`, "dimensions must be non-negative integers");
    }
    if (d !== 0 && count > Number.MAX_SAFE_INTEGER / d) throw fileError(file, `${what} ${formatShape(shape as number[])} has too many elements`);
    count *= d;
  }
  return count;
}

/** The element types the readers decode. `kind`: f = IEEE float, b = bfloat16, i = signed, u = unsigned. */
export interface ElementType {
  kind: "f" | "b" | "i" | "u";
  size: 1 | 2 | 4 | 8;
  littleEndian: boolean;
}

/**
 * Decodes `count` elements starting at `offset` of `bytes` into a new Float64Array. Floats are exact;
 * 64-bit integers beyond 2^53 round to the nearest double.
 */
export function decodeElements(bytes: Uint8Array, offset: number, count: number, type: ElementType): Float64Array {
  const out = new Float64Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * type.size);
  const le = type.littleEndian;
  const { kind, size } = type;
  if (kind === "f" && size === 4) for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, le);
  else if (kind === "f" && size === 8) for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, le);
  else if (kind === "f" && size === 2) for (let i = 0; i < count; i++) out[i] = fromFloat16Bits(view.getUint16(2 * i, le));
  else if (kind === "b") for (let i = 0; i < count; i++) out[i] = fromBfloat16Bits(view.getUint16(2 * i, le));
  else if (kind === "i" && size === 1) for (let i = 0; i < count; i++) out[i] = view.getInt8(i);
  else if (kind === "u" && size === 1) for (let i = 0; i < count; i++) out[i] = view.getUint8(i);
  else if (kind === "i" && size === 2) for (let i = 0; i < count; i++) out[i] = view.getInt16(2 * i, le);
  else if (kind === "u" && size === 2) for (let i = 0; i < count; i++) out[i] = view.getUint16(2 * i, le);
  else if (kind === "i" && size === 4) for (let i = 0; i < count; i++) out[i] = view.getInt32(4 * i, le);
  else if (kind === "u" && size === 4) for (let i = 0; i < count; i++) out[i] = view.getUint32(4 * i, le);
  else if (kind === "i" && size === 8) for (let i = 0; i < count; i++) out[i] = Number(view.getBigInt64(8 * i, le));
  else if (kind === "u" && size === 8) for (let i = 0; i < count; i++) out[i] = Number(view.getBigUint64(8 * i, le));
  else throw new TegumError(`no decoder for ${kind}${size}`, "dtype");
  return out;
}

/** The multi-index of flat C-order position `flat` in `shape`, as `[i, j, k]`. */
export function multiIndex(shape: readonly number[], flat: number): string {
  const idx: number[] = new Array(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = shape[d] === 0 ? 0 : flat % shape[d];
    flat = shape[d] === 0 ? 0 : Math.floor(flat / shape[d]);
  }
  return `[${idx.join(", ")}]`;
}

/** Throws at the first NaN or ±Infinity of `tensor`, naming the file, the tensor (`label`, e.g. `tensor "W"`) and the index. */
export function checkFiniteTensor(file: string, label: string, tensor: Tensor): Tensor {
  const { data } = tensor;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw fileError(file, `${label}${multiIndex(tensor.shape, i)} is ${String(data[i])}`, "weights must be finite numbers");
    }
  }
  return tensor;
}

/** Little-endian bytes of `data` as f32 or f64 (for the writers). */
export function encodeFloats(data: ArrayLike<number>, size: 4 | 8): Uint8Array {
  const out = new Uint8Array(data.length * size);
  const view = new DataView(out.buffer);
  if (size === 4) for (let i = 0; i < data.length; i++) view.setFloat32(4 * i, data[i], true);
  else for (let i = 0; i < data.length; i++) view.setFloat64(8 * i, data[i], true);
  return out;
}

/** Checks a tensor handed to a writer: a valid shape whose element count matches `data`. */
export function checkWritable(what: string, shape: readonly number[], data: ArrayLike<number>): void {
  if (!Array.isArray(shape)) throw new TegumError(`${what}: shape must be an array of non-negative integers`, "shape");
  let count = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new TegumError(`${what}: shape ${JSON.stringify(shape)} must hold non-negative integers`, "shape");
    count *= d;
  }
  if (count !== data.length) throw new TegumError(`${what}: shape ${formatShape(shape)} needs ${count} values, got ${data.length}`, "data");
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
/** Strict UTF-8 decoding; invalid bytes become a TegumError naming the file. */
export function decodeUtf8(file: string, bytes: Uint8Array, what: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw fileError(file, `${what} is not valid UTF-8`);
  }
}
