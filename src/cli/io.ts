// What a CLI command may touch of its environment (injectable for tests), the exit codes, and small
// helpers every command uses.
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { atomicWriteFile } from "../atomic-write.js";
import { renderReport } from "../report/html.js";
import type { Report } from "../report/schema.js";

export interface Interrupts {
  /** Aborted on the first interrupt (Ctrl-C, SIGINT, or SIGTERM). */
  signal: AbortSignal;
  /** Stops listening (the default handling comes back). */
  dispose(): void;
}

/** Where the CLI writes and what it knows about its environment. */
export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  env: Record<string, string | undefined>;
  /** Whether stderr is a terminal (progress bars). */
  isTTY: boolean;
  /** Terminal width, when known. */
  columns?: number;
  /** Catch interrupts (train: write a checkpoint). Without it, commands cannot be interrupted gracefully. */
  interrupts?: () => Interrupts;
  /** Cores available for training workers (default: os.availableParallelism()). */
  cores?: number;
}

export const nodeIo = (): Io => ({
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
  cwd: process.cwd(),
  env: process.env,
  isTTY: Boolean(process.stderr.isTTY),
  columns: process.stderr.columns,
  interrupts: () => {
    const controller = new AbortController();
    let count = 0;
    const handler = (sig: NodeJS.Signals) => {
      count++;
      // A second interrupt while the checkpoint is being written: give up at once.
      if (count > 1) process.exit(130);
      controller.abort(new Error(`interrupted (${sig})`));
    };
    process.on("SIGINT", handler);
    process.on("SIGTERM", handler);
    return {
      signal: controller.signal,
      dispose: () => {
        process.off("SIGINT", handler);
        process.off("SIGTERM", handler);
      },
    };
  },
  cores: availableParallelism(),
});

/** Exit codes: 0 ok, 1 internal failure, 2 bad input (usage, files), 130 interrupted (checkpoint written). */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

let cachedVersion: string | undefined;
export function version(): string {
  if (cachedVersion !== undefined) return cachedVersion;
  try {
    cachedVersion = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
  } catch {
    cachedVersion = "unknown";
  }
  return cachedVersion;
}

/** Writes DIR/report.json and DIR/index.html, each atomically. */
export function writeReportDir(dir: string, report: Report): void {
  const html = renderReport(report);
  atomicWriteFile(join(dir, "report.json"), JSON.stringify(report, null, 1) + "\n");
  atomicWriteFile(join(dir, "index.html"), html);
}

/** Seconds with one decimal. */
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
