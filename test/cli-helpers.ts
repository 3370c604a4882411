// Running the built binary (bin/tegum.js → dist) from tests, and small file helpers.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";

export const BIN = new URL("../bin/tegum.js", import.meta.url).pathname;
export const DIST = new URL("../dist/cli/main.js", import.meta.url).pathname;
export const built = existsSync(DIST);

export interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/tegum.js ...args` in `cwd` to completion. */
export function tegumBin(cwd: string, args: string[], env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    collect(child).then(resolve, reject);
  });
}

/** Collects a child's output and exit. */
export function collect(child: ChildProcess): Promise<Ran> {
  let stdout = "", stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (t: string) => (stdout += t));
  child.stderr?.setEncoding("utf8").on("data", (t: string) => (stderr += t));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export function sha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/** The JSON header of a .safetensors file. */
export function safetensorsHeader(path: string): Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }> & { __metadata__: Record<string, string> } {
  const bytes = readFileSync(path);
  const len = Number(bytes.readBigUInt64LE(0));
  return JSON.parse(bytes.subarray(8, 8 + len).toString("utf8"));
}

export const hasPython = (() => {
  try {
    return spawnSync("python3", ["-c", "import numpy"], { encoding: "utf8", timeout: 20_000 }).status === 0;
  } catch {
    return false;
  }
})();
