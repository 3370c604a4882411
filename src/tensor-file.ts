// Weights from any tensor file: picks the format by magic bytes (then extension), the tensor by name,
// the layout (features×hidden or hidden×features) by flag or by shape, and returns the library's
// convention: per instance, W is m×n row-major (column i = feature i, m ≤ n) and b has n entries.
import { TegumError } from "./errors.js";
import { isNpy, readNpy, readNpyHeader, writeNpy } from "./npy.js";
import { isSafetensors, readSafetensors, writeSafetensors } from "./safetensors.js";
import { byteSource, fileError, formatShape, type ByteSource, type Tensor } from "./tensor.js";
import { readTensorJson, writeTensorJson } from "./tensor-json.js";

export type TensorFormat = "npy" | "safetensors" | "json";

/** How W is stored per instance: (n, m) like the official notebook, or (m, n) like ARENA; or decide by shape. */
export type Layout = "auto" | "features-by-hidden" | "hidden-by-features";
export const LAYOUTS: readonly Layout[] = ["auto", "features-by-hidden", "hidden-by-features"];

/** The tensors of a file of any supported format (a bare tensor is named ""). */
export interface TensorCollection {
  file: string;
  format: TensorFormat;
  names: string[];
  /** The stored shape, known without decoding the data. */
  shape(name: string): number[];
  /** The checked tensor: float64, C order, finite. */
  tensor(name: string): Tensor;
}

/** JSON tensor files larger than this are refused (JavaScript strings cannot hold much more). */
export const MAX_JSON_BYTES = 256 * 1024 * 1024;

const ACCEPTED = "accepted: .npy, .safetensors, .json (nested arrays or {shape, data})";

/** The format a file name's extension suggests, if any. */
export function formatFromFileName(file: string): TensorFormat | undefined {
  const lower = file.toLowerCase();
  if (lower.endsWith(".npy")) return "npy";
  if (lower.endsWith(".safetensors")) return "safetensors";
  if (lower.endsWith(".json")) return "json";
  return undefined;
}

/** The format of a file from its first bytes (magic strings win over the extension). */
export function detectFormat(head: Uint8Array, file: string): TensorFormat {
  if (isNpy(head)) return "npy";
  if (isSafetensors(head)) return "safetensors";
  let i = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) i = 3; // UTF-8 byte order mark
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  if (head[i] === 0x5b || head[i] === 0x7b) return "json";
  const byName = formatFromFileName(file);
  if (byName) return byName; // its own reader gives the precise complaint
  const lower = file.toLowerCase();
  if (lower.endsWith(".npz")) throw fileError(file, ".npz archives are not read", `${ACCEPTED}; save one array with numpy.save`);
  if (/\.(pt|pth|bin|ckpt|pkl)$/.test(lower) || (head[0] === 0x50 && head[1] === 0x4b) || head[0] === 0x80) {
    throw fileError(file, "looks like a PyTorch/pickle file, which is not read (unpickling can run code)", `${ACCEPTED}; in Python: safetensors.torch.save_file({"W": model.W}, "w.safetensors") or numpy.save("w.npy", W.detach().numpy())`);
  }
  throw fileError(file, "unrecognised file format", ACCEPTED);
}

/** Opens the tensors of a file; `input` is the whole file or a ByteSource reading it on demand. */
export function openTensors(input: Uint8Array | ByteSource, file: string): TensorCollection {
  const src = input instanceof Uint8Array ? byteSource(input) : input;
  const format = detectFormat(src.read(0, Math.min(src.size, 16)), file);
  if (format === "npy") {
    const header = readNpyHeader(src, file);
    return {
      file, format, names: [""],
      shape: (name) => (checkBare(file, name), header.shape.slice()),
      tensor: (name) => (checkBare(file, name), readNpy(src, file)),
    };
  }
  if (format === "safetensors") {
    const st = readSafetensors(src, file);
    return {
      file, format, names: st.names,
      shape: (name) => st.entries.get(name)?.shape.slice() ?? st.tensor(name).shape, // unknown names: tensor() throws
      tensor: (name) => st.tensor(name),
    };
  }
  if (src.size > MAX_JSON_BYTES) throw fileError(file, `is ${src.size} bytes, too large for a JSON tensor file`, `JSON files up to ${MAX_JSON_BYTES} bytes are read; use .npy or .safetensors for large tensors`);
  const json = readTensorJson(src.read(0, src.size), file);
  return { file, format, names: json.names, shape: (name) => json.shape(name), tensor: (name) => json.tensor(name) };
}

function checkBare(file: string, name: string): void {
  if (name !== "") throw fileError(file, `holds a single unnamed array, so there is no tensor ${JSON.stringify(name)}`, "leave out --tensor/--bias for .npy files");
}

export interface ReadWeightsOptions {
  /** Name of the weight tensor; default: the only 2-D/3-D tensor, else the one named W. */
  tensor?: string;
  /** Name of the bias tensor; default: one named b_final, b or bias if its shape fits; `false`: none. */
  bias?: string | false;
  layout?: Layout;
  /** One instance (by index) or all (default). */
  instance?: number | "all";
}

export interface LoadedInstance {
  /** Index of the instance in the file. */
  index: number;
  /** m×n row-major: column i is feature i's direction in hidden space. */
  W: Float64Array;
  /** n biases, when the file has them. */
  b?: Float64Array;
}

export interface LoadedWeights {
  instances: LoadedInstance[];
  nFeatures: number;
  nHidden: number;
  source: {
    file: string;
    format: TensorFormat;
    tensor: string;
    bias?: string;
    /** The layout used (auto resolved). */
    layout: Exclude<Layout, "auto">;
    /** W's shape as stored. */
    storedShape: number[];
    /** Instances in the file. */
    instanceCount: number;
  };
}

/** Reads W (and b) from a tensor file into the library's convention; bad input is a TegumError naming the file. */
export function readWeights(input: Uint8Array | ByteSource | TensorCollection, file: string, options: ReadWeightsOptions = {}): LoadedWeights {
  const col = "names" in input ? input : openTensors(input, file);
  const layoutOption = options.layout ?? "auto";
  if (!LAYOUTS.includes(layoutOption)) throw new TegumError(`layout must be one of ${LAYOUTS.join(", ")}, got ${JSON.stringify(layoutOption)}`, "layout");
  const label = (name: string) => (name === "" ? "the array" : `tensor ${JSON.stringify(name)}`);
  const describe = (names: string[]) => names.map((n) => `${n === "" ? "(unnamed)" : n} ${formatShape(col.shape(n))}`).join(", ");

  // Which tensor is W.
  let wName: string;
  if (options.tensor !== undefined) {
    if (!col.names.includes(options.tensor)) {
      if (col.names.length === 1 && col.names[0] === "") checkBare(file, options.tensor);
      throw fileError(file, `no tensor named ${JSON.stringify(options.tensor)}`, `tensors: ${describe(col.names)}`);
    }
    wName = options.tensor;
  } else {
    const candidates = col.names.filter((n) => col.shape(n).length === 2 || col.shape(n).length === 3);
    const named = candidates.filter((n) => lastPart(n) === "W");
    if (candidates.length === 1) wName = candidates[0];
    else if (named.length === 1) wName = named[0];
    else if (candidates.length === 0) throw fileError(file, `holds no 2-D or 3-D tensor (${describe(col.names)})`, "W is (n, m), (m, n), or 3-D with an instance axis first");
    else throw fileError(file, `holds several tensors that could be W: ${describe(candidates)}`, "pass --tensor NAME");
  }
  const stored = col.shape(wName);
  if (stored.length !== 2 && stored.length !== 3) {
    throw fileError(file, `${label(wName)} has shape ${formatShape(stored)} (rank ${stored.length})`, "W must be 2-D (n, m)/(m, n), or 3-D with the instance axis first");
  }
  const instanceCount = stored.length === 3 ? stored[0] : 1;
  const [a, c] = stored.slice(-2);
  if (instanceCount === 0 || a === 0 || c === 0) throw fileError(file, `${label(wName)} is empty (shape ${formatShape(stored)})`);

  // Which tensor is b (optional); its length tells n when it exists.
  let bName: string | undefined;
  const biasFits = (n: string, nFeatures?: number) => {
    const s = col.shape(n);
    const len = s[s.length - 1];
    const okLen = nFeatures === undefined ? len === a || len === c : len === nFeatures;
    return okLen && ((s.length === 1 && instanceCount === 1) || (s.length === 2 && s[0] === instanceCount));
  };
  if (typeof options.bias === "string") {
    if (!col.names.includes(options.bias)) throw fileError(file, `no bias tensor named ${JSON.stringify(options.bias)}`, `tensors: ${describe(col.names)}`);
    bName = options.bias;
    if (bName === wName) throw fileError(file, `--bias and --tensor both name ${label(wName)}`);
  } else if (options.bias !== false) {
    for (const want of ["b_final", "b", "bias"]) {
      const hit = col.names.filter((n) => n !== wName && lastPart(n) === want && biasFits(n));
      if (hit.length === 1) {
        bName = hit[0];
        break;
      }
    }
  }

  // Layout.
  let layout: Exclude<Layout, "auto">;
  if (layoutOption !== "auto") layout = layoutOption;
  else if (a < c) layout = "hidden-by-features";
  else if (a > c) layout = "features-by-hidden";
  else {
    throw fileError(
      file,
      `${label(wName)} is square per instance (${a}×${c}), so --layout auto cannot tell features from hidden dimensions`,
      "pass --layout features-by-hidden (stored (instance, n, m), as in the official notebook) or --layout hidden-by-features (stored (instance, m, n), as in ARENA)",
    );
  }
  const [nHidden, nFeatures] = layout === "hidden-by-features" ? [a, c] : [c, a];

  if (bName !== undefined) {
    const s = col.shape(bName);
    if (!biasFits(bName, nFeatures)) {
      const want = instanceCount === 1 ? `(${nFeatures},) or (1, ${nFeatures})` : `(${instanceCount}, ${nFeatures})`;
      throw fileError(file, `${label(bName)} (the bias) has shape ${formatShape(s)}, which does not fit W ${formatShape(stored)} read as ${layout}`, `expected ${want}`);
    }
  }

  // Instances.
  let indices: number[];
  const inst = options.instance ?? "all";
  if (inst === "all") indices = Array.from({ length: instanceCount }, (_, i) => i);
  else if (Number.isInteger(inst) && inst >= 0 && inst < instanceCount) indices = [inst];
  else throw new TegumError(`${file} holds ${instanceCount} instance${instanceCount === 1 ? "" : "s"}, so instance must be "all" or an integer in [0, ${instanceCount - 1}], got ${String(inst)}`, "instance");

  const W = col.tensor(wName).data;
  const B = bName !== undefined ? col.tensor(bName).data : undefined;
  const per = a * c;
  const instances = indices.map((k): LoadedInstance => {
    const src = W.subarray(k * per, (k + 1) * per);
    let w: Float64Array;
    if (layout === "hidden-by-features") w = src.slice();
    else {
      w = new Float64Array(per); // stored (n, m) → m×n
      for (let i = 0; i < nFeatures; i++) for (let j = 0; j < nHidden; j++) w[j * nFeatures + i] = src[i * nHidden + j];
    }
    const out: LoadedInstance = { index: k, W: w };
    if (B) out.b = B.slice(k * nFeatures, (k + 1) * nFeatures);
    return out;
  });
  return {
    instances,
    nFeatures,
    nHidden,
    source: { file, format: col.format, tensor: wName, ...(bName !== undefined ? { bias: bName } : {}), layout, storedShape: stored, instanceCount },
  };
}

const lastPart = (name: string) => name.slice(name.lastIndexOf(".") + 1);

/** A tensor to write: C-order values with a shape. */
export interface TensorInput {
  shape: readonly number[];
  data: ArrayLike<number>;
}

/**
 * The bytes of a tensor file in `format`: `.npy` holds exactly one tensor; `.safetensors` and JSON
 * hold named tensors (plus string metadata in safetensors). `dtype` f32 (default) or f64 for binaries.
 */
export function encodeTensors(
  format: TensorFormat,
  tensors: Record<string, TensorInput>,
  options: { dtype?: "f32" | "f64"; metadata?: Record<string, string> } = {},
): Uint8Array {
  const dtype = options.dtype ?? "f32";
  if (dtype !== "f32" && dtype !== "f64") throw new TegumError(`dtype must be "f32" or "f64", got ${JSON.stringify(dtype)}`, "dtype");
  const names = Object.keys(tensors);
  if (format === "npy") {
    if (names.length !== 1) throw new TegumError(`a .npy file holds exactly one array, got ${names.length} (${names.join(", ")}); use .safetensors or .json`, "format");
    return writeNpy(tensors[names[0]], { dtype: dtype === "f32" ? "f4" : "f8" });
  }
  if (format === "safetensors") {
    const st = dtype === "f32" ? "F32" : "F64";
    return writeSafetensors(names.map((n) => [n, { ...tensors[n], dtype: st }] as [string, { shape: readonly number[]; data: ArrayLike<number>; dtype: "F32" | "F64" }]), options.metadata);
  }
  if (format === "json") return new TextEncoder().encode(writeTensorJson(tensors) + "\n");
  throw new TegumError(`format must be npy, safetensors or json, got ${JSON.stringify(format)}`, "format");
}
