// NumPy `.npy` files: read format v1/v2/v3, either byte order, C or Fortran order, f2/f4/f8 (and, since
// it costs nothing, i1–i8/u1–u8), any rank up to 32; write v1, little-endian f4/f8, C order.
// Spec: numpy/lib/format.py (NEP 1). The header is a Python dict literal, parsed here by a strict
// little parser (never eval) that accepts exactly what numpy writes.
import { TegumError } from "./errors.js";
import {
  byteSource, checkDecodable, checkFiniteTensor, checkWritable, decodeElements, decodeUtf8, elementCount, encodeFloats, fileError,
  formatShape, MAX_HEADER_BYTES, type ByteSource, type ElementType, type Tensor,
} from "./tensor.js";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ACCEPTED = "accepted: .npy format v1–v3, dtypes f2/f4/f8 (also i1–i8, u1–u8), either byte order, C or Fortran order";

export interface ReadNpyOptions {
  /** Accept NaN/±Infinity values (default: refused, naming the first index). */
  allowNonFinite?: boolean;
}

/** The header of a `.npy` file. */
export interface NpyHeader {
  version: 1 | 2 | 3;
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  /** Byte offset of the data. */
  dataOffset: number;
}

/** True when `bytes` starts with the `.npy` magic string. */
export function isNpy(bytes: Uint8Array): boolean {
  return bytes.length >= 6 && MAGIC.every((b, i) => bytes[i] === b);
}

/** Reads a `.npy` file into a C-order float64 tensor; bad input is a TegumError naming `file`. */
export function readNpy(input: Uint8Array | ByteSource, file = "<npy>", options: ReadNpyOptions = {}): Tensor {
  const src = input instanceof Uint8Array ? byteSource(input) : input;
  const header = readNpyHeader(src, file);
  const type = parseDescr(file, header.descr);
  const count = elementCount(file, header.shape, "shape");
  const available = src.size - header.dataOffset;
  if (count > available / type.size) {
    throw fileError(file, `truncated: shape ${formatShape(header.shape)} of ${header.descr} needs ${count * type.size} data bytes, the file has ${available}`);
  }
  const need = count * type.size;
  if (available !== need) throw fileError(file, `${available - need} unexpected bytes after the data of shape ${formatShape(header.shape)}`, "a .npy file holds exactly one array");
  checkDecodable(file, "the array", count);
  const raw = decodeElements(src.read(header.dataOffset, need), 0, count, type);
  const data = header.fortranOrder && header.shape.length > 1 ? fortranToC(raw, header.shape) : raw;
  const tensor: Tensor = { shape: header.shape, data, dtype: header.descr };
  return options.allowNonFinite ? tensor : checkFiniteTensor(file, "array", tensor);
}

/** Reads and checks only the header of a `.npy` file. */
export function readNpyHeader(src: ByteSource, file = "<npy>"): NpyHeader {
  if (src.size < 10) throw fileError(file, `too short for a .npy file (${src.size} bytes)`, ACCEPTED);
  const pre = src.read(0, Math.min(src.size, 12));
  if (!MAGIC.every((b, i) => pre[i] === b)) throw fileError(file, "not a .npy file (missing the \\x93NUMPY magic string)", ACCEPTED);
  const major = pre[6];
  if (major !== 1 && major !== 2 && major !== 3) throw fileError(file, `unsupported .npy format version ${major}.${pre[7]}`, ACCEPTED);
  let headerLength: number, start: number;
  if (major === 1) {
    headerLength = pre[8] | (pre[9] << 8);
    start = 10;
  } else {
    if (src.size < 12) throw fileError(file, "truncated in the header length", ACCEPTED);
    headerLength = (pre[8] | (pre[9] << 8) | (pre[10] << 16)) + pre[11] * 0x1000000;
    start = 12;
  }
  if (headerLength > MAX_HEADER_BYTES) throw fileError(file, `header length ${headerLength} exceeds the ${MAX_HEADER_BYTES}-byte cap`);
  if (start + headerLength > src.size) throw fileError(file, `truncated: header length ${headerLength} runs past the end of the file (${src.size} bytes)`);
  const bytes = src.read(start, headerLength);
  let text: string;
  if (major === 3) text = decodeUtf8(file, bytes, "the header");
  else {
    for (const b of bytes) if (b > 0x7f) throw fileError(file, "the header is not ASCII (format v1/v2 headers are ASCII dict literals)");
    text = decodeUtf8(file, bytes, "the header");
  }
  const dict = parseHeaderDict(file, text);
  const keys = Object.keys(dict).sort().join(",");
  if (keys !== "descr,fortran_order,shape") throw fileError(file, `header keys are {${Object.keys(dict).join(", ")}}`, "a .npy header has exactly descr, fortran_order and shape");
  const { descr, fortran_order: fortranOrder, shape } = dict;
  if (typeof descr !== "string") throw fileError(file, "structured dtypes (descr is a list) are not supported", ACCEPTED);
  if (typeof fortranOrder !== "boolean") throw fileError(file, "fortran_order must be True or False");
  if (!Array.isArray(shape)) throw fileError(file, "shape must be a tuple of integers");
  return { version: major, descr, fortranOrder, shape, dataOffset: start + headerLength };
}

/** Parses an npy descr such as `<f4`, `>f8`, `|u1`. */
function parseDescr(file: string, descr: string): ElementType {
  const m = /^([<>|=])([fiu])(\d)$/.exec(descr);
  const size = m ? Number(m[3]) : 0;
  const ok = m && (m[2] === "f" ? size === 2 || size === 4 || size === 8 : size === 1 || size === 2 || size === 4 || size === 8);
  if (!m || !ok) throw fileError(file, `unsupported dtype ${JSON.stringify(descr)}`, ACCEPTED);
  if (m[1] === "|" && size !== 1) throw fileError(file, `dtype ${JSON.stringify(descr)} has no byte order`, "multi-byte dtypes start with < or >");
  return { kind: m[2] as "f" | "i" | "u", size: size as 1 | 2 | 4 | 8, littleEndian: m[1] !== ">" };
}

type HeaderValue = string | boolean | number | number[] | null;

/** A strict parser for the Python dict literal numpy writes: string keys; values are strings, True/False, ints, tuples of ints. */
function parseHeaderDict(file: string, text: string): Record<string, HeaderValue> {
  let i = 0;
  const fail = (what: string): never => {
    throw fileError(file, `malformed header at character ${i}: ${what} in ${JSON.stringify(text.length > 200 ? text.slice(0, 200) + "…" : text)}`);
  };
  const ws = () => {
    while (i < text.length && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
  };
  const expect = (c: string) => {
    ws();
    if (text[i] !== c) fail(`expected ${JSON.stringify(c)}`);
    i++;
  };
  const str = (): string => {
    ws();
    const q = text[i];
    if (q !== "'" && q !== '"') fail("expected a quoted string");
    const end = text.indexOf(q, i + 1);
    if (end < 0) fail("unterminated string");
    const s = text.slice(i + 1, end);
    if (s.includes("\\")) fail("escapes are not supported in header strings");
    i = end + 1;
    return s;
  };
  const int = (): number => {
    ws();
    const m = /^\d{1,16}L?/.exec(text.slice(i, i + 18));
    if (!m) fail("expected a non-negative integer");
    i += m![0].length;
    const v = Number(m![0].replace("L", ""));
    if (!Number.isSafeInteger(v)) fail("integer too large");
    return v;
  };
  const value = (): HeaderValue => {
    ws();
    const c = text[i];
    if (c === "'" || c === '"') return str();
    if (text.startsWith("True", i)) return (i += 4), true;
    if (text.startsWith("False", i)) return (i += 5), false;
    if (c === "[") return skipList(), null; // structured dtype: reported as unsupported by the caller
    if (c === "(") {
      i++;
      const items: number[] = [];
      let sawComma = false;
      for (;;) {
        ws();
        if (text[i] === ")") break;
        if (items.length >= 64) fail("tuple too long");
        items.push(int());
        ws();
        if (text[i] === ",") {
          i++;
          sawComma = true;
        } else if (text[i] !== ")") fail("expected ',' or ')'");
      }
      i++;
      if (items.length === 1 && !sawComma) fail("(n) is an int in Python; a 1-tuple is written (n,)");
      return items;
    }
    if (c !== undefined && c >= "0" && c <= "9") return int();
    return fail("expected a string, True, False, an integer or a tuple");
  };
  const skipList = () => {
    // Brackets and quotes only; bounded by the header length.
    let depth = 0;
    for (; i < text.length; i++) {
      const ch = text[i];
      if (ch === "'" || ch === '"') {
        const end = text.indexOf(ch, i + 1);
        if (end < 0) fail("unterminated string");
        i = end;
      } else if (ch === "[" || ch === "(") depth++;
      else if (ch === "]" || ch === ")") {
        depth--;
        if (depth === 0) {
          i++;
          return;
        }
      }
    }
    fail("unterminated list");
  };

  const out: Record<string, HeaderValue> = Object.create(null);
  expect("{");
  for (;;) {
    ws();
    if (text[i] === "}") break;
    const key = str();
    if (key in out) fail(`duplicate key ${JSON.stringify(key)}`);
    expect(":");
    out[key] = value();
    ws();
    if (text[i] === ",") i++;
    else if (text[i] !== "}") fail("expected ',' or '}'");
  }
  i++;
  ws();
  if (i !== text.length) fail("unexpected text after the dict");
  return out;
}

/** Reorders a Fortran-order (column-major) array of `shape` into C order. */
function fortranToC(src: Float64Array, shape: readonly number[]): Float64Array {
  const out = new Float64Array(src.length);
  const rank = shape.length;
  // Fortran strides: stride[0] = 1, stride[d] = stride[d−1]·shape[d−1]. Walk C order with an odometer.
  const stride = new Array<number>(rank);
  stride[0] = 1;
  for (let d = 1; d < rank; d++) stride[d] = stride[d - 1] * shape[d - 1];
  const idx = new Array<number>(rank).fill(0);
  let f = 0;
  for (let c = 0; c < out.length; c++) {
    out[c] = src[f];
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      f += stride[d];
      if (idx[d] < shape[d]) break;
      f -= stride[d] * shape[d];
      idx[d] = 0;
    }
  }
  return out;
}

export interface WriteNpyOptions {
  /** Stored element type (default `f4`, like PyTorch weights). */
  dtype?: "f4" | "f8";
}

/** A `.npy` file (format v1, little-endian, C order) holding `data` (C order) with `shape`. */
export function writeNpy(tensor: { shape: readonly number[]; data: ArrayLike<number> }, options: WriteNpyOptions = {}): Uint8Array {
  const dtype = options.dtype ?? "f4";
  if (dtype !== "f4" && dtype !== "f8") throw new TegumError(`dtype must be "f4" or "f8", got ${JSON.stringify(dtype)}`, "dtype");
  checkWritable("writeNpy", tensor.shape, tensor.data);
  const shape = tensor.shape.length === 1 ? `(${tensor.shape[0]},)` : `(${tensor.shape.join(", ")})`;
  let dict = `{'descr': '<${dtype}', 'fortran_order': False, 'shape': ${shape}, }`;
  // Pad with spaces so that magic + version + length + header is a multiple of 64, ending in '\n'.
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  if (total - 10 > 0xffff) throw new TegumError(`writeNpy: shape ${formatShape(tensor.shape)} gives a header too long for format v1`, "shape");
  dict = dict + " ".repeat(total - 10 - dict.length - 1) + "\n";
  const body = encodeFloats(tensor.data, dtype === "f4" ? 4 : 8);
  const out = new Uint8Array(total + body.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out[8] = (total - 10) & 0xff;
  out[9] = (total - 10) >> 8;
  for (let k = 0; k < dict.length; k++) out[10 + k] = dict.charCodeAt(k);
  out.set(body, total);
  return out;
}
