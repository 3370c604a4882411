// `.safetensors` files (huggingface/safetensors): an 8-byte little-endian header length N, N bytes of
// JSON `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {str: str}}`, then the
// byte buffer. Read F32/F16/BF16/F64 (and, since it costs nothing, I8–I64/U8–U64) of any rank; write
// F32/F64 with metadata. The reader checks the whole header first, like the reference implementation:
// offsets in range, sizes matching shapes, tensors neither overlapping nor leaving holes, covering the
// buffer exactly. Tensors are decoded on demand, so picking one from a large file reads only it.
import { TegumError } from "./errors.js";
import {
  byteSource, checkDecodable, checkFiniteTensor, checkWritable, decodeElements, decodeUtf8, elementCount, encodeFloats, fileError,
  formatShape, MAX_HEADER_BYTES, type ByteSource, type ElementType, type Tensor,
} from "./tensor.js";

const DTYPES: Record<string, ElementType> = {
  F64: { kind: "f", size: 8, littleEndian: true },
  F32: { kind: "f", size: 4, littleEndian: true },
  F16: { kind: "f", size: 2, littleEndian: true },
  BF16: { kind: "b", size: 2, littleEndian: true },
  I64: { kind: "i", size: 8, littleEndian: true },
  I32: { kind: "i", size: 4, littleEndian: true },
  I16: { kind: "i", size: 2, littleEndian: true },
  I8: { kind: "i", size: 1, littleEndian: true },
  U64: { kind: "u", size: 8, littleEndian: true },
  U32: { kind: "u", size: 4, littleEndian: true },
  U16: { kind: "u", size: 2, littleEndian: true },
  U8: { kind: "u", size: 1, littleEndian: true },
};
const ACCEPTED = "accepted: .safetensors with dtypes F32, F16, BF16, F64 (also I8–I64, U8–U64)";

/** One entry of a safetensors header. */
export interface SafetensorsEntry {
  name: string;
  dtype: string;
  shape: number[];
  /** Byte range in the data buffer, [begin, end). */
  dataOffsets: [number, number];
}

/** A parsed safetensors file: the checked header, and tensors decoded on demand. */
export interface SafetensorsFile {
  /** Tensor names in header order. */
  names: string[];
  entries: Map<string, SafetensorsEntry>;
  metadata: Record<string, string>;
  /** Decodes one tensor (float64, C order); refuses NaN/Inf unless `allowNonFinite`. */
  tensor(name: string, options?: { allowNonFinite?: boolean }): Tensor;
}

/** True when `bytes` (at least the first 9) look like a safetensors file: a u64 length, then `{`. */
export function isSafetensors(bytes: Uint8Array): boolean {
  return bytes.length >= 9 && bytes[8] === 0x7b && bytes[6] === 0 && bytes[7] === 0;
}

/** Parses and checks a safetensors header; bad input is a TegumError naming `file`. */
export function readSafetensors(input: Uint8Array | ByteSource, file = "<safetensors>"): SafetensorsFile {
  const src = input instanceof Uint8Array ? byteSource(input) : input;
  if (src.size < 8) throw fileError(file, `too short for a .safetensors file (${src.size} bytes)`, ACCEPTED);
  const pre = src.read(0, 8);
  const lo = (pre[0] | (pre[1] << 8) | (pre[2] << 16)) + pre[3] * 0x1000000;
  const hi = (pre[4] | (pre[5] << 8) | (pre[6] << 16)) + pre[7] * 0x1000000;
  if (hi !== 0 || lo > MAX_HEADER_BYTES) {
    throw fileError(file, `header length ${hi === 0 ? lo : "≥ 2^32"} exceeds the ${MAX_HEADER_BYTES}-byte cap`, ACCEPTED);
  }
  if (8 + lo > src.size) throw fileError(file, `truncated: header length ${lo} runs past the end of the file (${src.size} bytes)`, ACCEPTED);
  const text = decodeUtf8(file, src.read(8, lo), "the header");
  if (!text.startsWith("{")) throw fileError(file, "the header is not a JSON object", ACCEPTED);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    throw fileError(file, `the header is not valid JSON (${(e as Error).message})`, ACCEPTED);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) throw fileError(file, "the header is not a JSON object", ACCEPTED);

  const bufferStart = 8 + lo;
  const bufferSize = src.size - bufferStart;
  const entries = new Map<string, SafetensorsEntry>();
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") {
      metadata = checkMetadata(file, raw);
      continue;
    }
    entries.set(name, checkEntry(file, name, raw, bufferSize));
  }

  // The tensors must tile the buffer: sorted by offset, each starts where the previous ended.
  const sorted = [...entries.values()].sort((a, b) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1]);
  let end = 0;
  let previous: SafetensorsEntry | undefined;
  for (const e of sorted) {
    const [b0, b1] = e.dataOffsets;
    if (b0 < end) throw fileError(file, `tensor ${JSON.stringify(e.name)} [${b0}, ${b1}) overlaps tensor ${JSON.stringify(previous!.name)} [${previous!.dataOffsets[0]}, ${end})`);
    if (b0 > end) throw fileError(file, `bytes [${end}, ${b0}) of the data buffer belong to no tensor`, "tensors must cover the buffer without gaps");
    end = b1;
    previous = e;
  }
  if (end !== bufferSize) {
    throw fileError(file, end < bufferSize ? `bytes [${end}, ${bufferSize}) of the data buffer belong to no tensor` : "truncated", "tensors must cover the buffer without gaps");
  }

  return {
    names: [...entries.keys()],
    entries,
    metadata,
    tensor(name, options = {}) {
      const e = entries.get(name);
      if (!e) throw fileError(file, `no tensor named ${JSON.stringify(name)}`, `tensors: ${describeNames([...entries.values()])}`);
      const type = DTYPES[e.dtype];
      const count = e.shape.reduce((a, b) => a * b, 1);
      checkDecodable(file, `tensor ${JSON.stringify(name)}`, count);
      const data = decodeElements(src.read(bufferStart + e.dataOffsets[0], e.dataOffsets[1] - e.dataOffsets[0]), 0, count, type);
      const t: Tensor = { shape: e.shape.slice(), data, dtype: e.dtype };
      return options.allowNonFinite ? t : checkFiniteTensor(file, `tensor ${JSON.stringify(name)}`, t);
    },
  };
}

function describeNames(entries: SafetensorsEntry[]): string {
  if (entries.length === 0) return "none";
  const shown = entries.slice(0, 20).map((e) => `${e.name} ${e.dtype}${formatShape(e.shape)}`);
  return shown.join(", ") + (entries.length > 20 ? `, … (${entries.length} in all)` : "");
}

function checkMetadata(file: string, raw: unknown): Record<string, string> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw fileError(file, "__metadata__ must be an object of strings");
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== "string") throw fileError(file, `__metadata__.${k} is not a string`, "safetensors metadata maps strings to strings");
    out[k] = v;
  }
  return out;
}

function checkEntry(file: string, name: string, raw: unknown, bufferSize: number): SafetensorsEntry {
  const what = `tensor ${JSON.stringify(name)}`;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw fileError(file, `${what} is not an object with dtype, shape and data_offsets`);
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  if (typeof dtype !== "string" || !(dtype in DTYPES)) throw fileError(file, `${what} has unsupported dtype ${JSON.stringify(dtype) ?? "(none)"}`, ACCEPTED);
  if (!Array.isArray(shape)) throw fileError(file, `${what} has no shape array`);
  const count = elementCount(file, shape, `${what} shape`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => typeof o === "number" && Number.isSafeInteger(o) && o >= 0)) {
    throw fileError(file, `${what} has data_offsets ${JSON.stringify(offsets) ?? "(none)"}`, "data_offsets is [begin, end] with 0 ≤ begin ≤ end");
  }
  const [b0, b1] = offsets as number[];
  if (b0 > b1) throw fileError(file, `${what} has data_offsets [${b0}, ${b1}] with begin > end`);
  if (b1 > bufferSize) throw fileError(file, `${what} data_offsets [${b0}, ${b1}] run past the end of the data buffer (${bufferSize} bytes)`);
  const size = DTYPES[dtype].size;
  if (count * size !== b1 - b0) {
    throw fileError(file, `${what} is ${dtype}${formatShape(shape as number[])} = ${count * size} bytes but data_offsets span ${b1 - b0}`);
  }
  return { name, dtype, shape: (shape as number[]).slice(), dataOffsets: [b0, b1] };
}

/** A tensor to write: C-order values with a shape, stored as F32 (default), F64, or U8 (raw bytes). */
export interface SafetensorsInput {
  shape: readonly number[];
  data: ArrayLike<number>;
  dtype?: "F32" | "F64" | "U8";
}

/** A `.safetensors` file holding `tensors` (in the given order) and string `metadata`. */
export function writeSafetensors(
  tensors: Record<string, SafetensorsInput> | Iterable<[string, SafetensorsInput]>,
  metadata?: Record<string, string>,
): Uint8Array {
  const list: [string, SafetensorsInput][] = Symbol.iterator in (tensors as object) ? [...(tensors as Iterable<[string, SafetensorsInput]>)] : Object.entries(tensors);
  const header: Record<string, unknown> = {};
  if (metadata) {
    for (const [k, v] of Object.entries(metadata)) if (typeof v !== "string") throw new TegumError(`metadata.${k} must be a string`, "metadata");
    header.__metadata__ = metadata;
  }
  const bodies: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of list) {
    if (name === "__metadata__") throw new TegumError(`"__metadata__" is reserved and cannot name a tensor`, "tensors");
    if (name in header) throw new TegumError(`tensor name ${JSON.stringify(name)} given twice`, "tensors");
    const dtype = t.dtype ?? "F32";
    if (dtype !== "F32" && dtype !== "F64" && dtype !== "U8") throw new TegumError(`tensor ${JSON.stringify(name)}: dtype must be "F32", "F64" or "U8", got ${JSON.stringify(dtype)}`, "dtype");
    checkWritable(`tensor ${JSON.stringify(name)}`, t.shape, t.data);
    if (dtype === "U8" && !(t.data instanceof Uint8Array)) throw new TegumError(`tensor ${JSON.stringify(name)}: U8 data must be a Uint8Array`, "data");
    const body = dtype === "U8" ? (t.data as Uint8Array) : encodeFloats(t.data, dtype === "F32" ? 4 : 8);
    header[name] = { dtype, shape: [...t.shape], data_offsets: [offset, offset + body.length] };
    bodies.push(body);
    offset += body.length;
  }
  const encoded = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(encoded.length / 8) * 8; // pad with spaces to keep the buffer 8-byte aligned
  const out = new Uint8Array(8 + padded + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, padded, true);
  view.setUint32(4, 0, true);
  out.set(encoded, 8);
  out.fill(0x20, 8 + encoded.length, 8 + padded);
  let at = 8 + padded;
  for (const body of bodies) {
    out.set(body, at);
    at += body.length;
  }
  return out;
}
