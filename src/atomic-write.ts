// Node only (imported by the CLI, never by the core): writes a file so that readers see either the old
// content or the complete new one, never a partial file — write a temporary file in the same directory,
// flush it, then rename it over the target (rename is atomic within one file system).
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { TegumError } from "./errors.js";

let counter = 0;

export interface AtomicWriteOptions {
  /** Create the parent directory (recursively) if missing. Default true. */
  mkdir?: boolean;
  /** File mode of a new file. Default 0o644. */
  mode?: number;
}

/** Writes `data` to `path` atomically; failures are a TegumError naming the path (no temporary file is left). */
export function atomicWriteFile(path: string, data: Uint8Array | string, options: AtomicWriteOptions = {}): void {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.${counter++}.tmp`);
  let fd: number | undefined;
  try {
    if (options.mkdir ?? true) mkdirSync(dir, { recursive: true });
    fd = openSync(tmp, "wx", options.mode ?? 0o644);
    let at = 0;
    while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) try { closeSync(fd); } catch { /* already failing */ }
    try { unlinkSync(tmp); } catch { /* never created, or already renamed */ }
    const err = e as NodeJS.ErrnoException;
    throw new TegumError(`cannot write ${path}: ${err.code ? `${err.code} ` : ""}${err.message.replace(/^[A-Z]+: /, "")}`, "output");
  }
  try {
    // Make the rename durable too (best effort: not every platform can fsync a directory).
    const dfd = openSync(dir, "r");
    try { fsyncSync(dfd); } finally { closeSync(dfd); }
  } catch { /* ignore */ }
}
