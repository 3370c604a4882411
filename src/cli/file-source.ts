// Node only: a ByteSource reading a file on demand (so a large .safetensors costs only its header and
// the tensors picked), with file-system failures turned into TegumErrors that name the file.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { constants } from "node:buffer";
import { TegumError } from "../errors.js";
import type { ByteSource } from "../tensor.js";

export interface FileSource extends ByteSource {
  close(): void;
}

/** Opens `path` for random reads; throws a TegumError naming `label` (default the path) if it is missing, a directory or unreadable. */
export function openFileSource(path: string, label = path): FileSource {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw fsError(label, e);
  }
  let size: number;
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new TegumError(`${label}: is a directory, not a tensor file`, "file");
    if (!st.isFile()) throw new TegumError(`${label}: is not a regular file`, "file");
    size = st.size;
  } catch (e) {
    closeSync(fd);
    throw e instanceof TegumError ? e : fsError(label, e);
  }
  let closed = false;
  return {
    size,
    read(offset, length) {
      if (closed) throw new TegumError(`${label}: read after close`, "file");
      if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > size) {
        throw new TegumError(`${label}: read of [${offset}, ${offset + length}) outside the file (${size} bytes)`, "file");
      }
      if (length > constants.MAX_LENGTH) throw new TegumError(`${label}: a ${length}-byte read is larger than this runtime can hold`, "file");
      const out = Buffer.allocUnsafe(length);
      let at = 0;
      try {
        while (at < length) {
          const got = readSync(fd, out, at, length - at, offset + at);
          if (got === 0) throw new TegumError(`${label}: the file shrank while being read`, "file");
          at += got;
        }
      } catch (e) {
        throw e instanceof TegumError ? e : fsError(label, e);
      }
      return new Uint8Array(out.buffer, out.byteOffset, length);
    },
    close() {
      if (!closed) closeSync(fd);
      closed = true;
    },
  };
}

function fsError(path: string, e: unknown): TegumError {
  const err = e as NodeJS.ErrnoException;
  const why: Record<string, string> = {
    ENOENT: "no such file",
    EACCES: "permission denied",
    EISDIR: "is a directory, not a tensor file",
    EMFILE: "too many open files",
  };
  return new TegumError(`${path}: cannot read (${(err.code && why[err.code]) ?? err.message})`, "file");
}
