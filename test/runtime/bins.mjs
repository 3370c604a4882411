// Finds the native deno, bun and workerd binaries installed by npm, for the runtime matrix and for
// .ci/run (`node test/runtime/bins.mjs` prints each with its version).
//
// Their install scripts are not run (npm 11 `allowScripts` denies them), so node_modules/.bin is not
// to be trusted: bun's bin/bun.exe stays a 0-byte placeholder, workerd's bin/workerd stays a Node
// wrapper (which does not pass on extra file descriptors such as --control-fd), deno's bin.cjs is a
// Node wrapper. The real binaries are in the per-platform optional packages; this picks the first
// candidate that answers `--version`.
import { execFileSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { arch, platform } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const MODULES = join(ROOT, "node_modules");
const exe = platform() === "win32" ? ".exe" : "";
const musl = platform() === "linux" && !process.report?.getReport?.().header?.glibcVersionRuntime;

function candidates(name) {
  const os = platform();
  const cpu = arch();
  switch (name) {
    case "deno": {
      const libc = os === "linux" ? (musl ? "-musl" : "-glibc") : "";
      return [`deno/deno${exe}`, `@deno/${os}-${cpu}${libc}/deno${exe}`];
    }
    case "bun": {
      const os2 = os === "win32" ? "windows" : os;
      const cpu2 = cpu === "arm64" ? "aarch64" : cpu;
      const m = musl ? "-musl" : "";
      // The plain x64 build needs AVX2; "baseline" runs on any x64 CPU. bun.exe is the placeholder,
      // or the binary itself if an install script did run.
      return [
        `@oven/bun-${os2}-${cpu2}${m}/bin/bun${exe}`,
        "bun/bin/bun.exe",
        `@oven/bun-${os2}-${cpu2}${m}-baseline/bin/bun${exe}`,
      ];
    }
    case "workerd": {
      let api = null;
      try {
        api = createRequire(join(ROOT, "package.json"))("workerd").default; // the package's own platform lookup
      } catch {
        /* fall through */
      }
      return [api, `@cloudflare/workerd-${os}-${cpu === "x64" ? "64" : cpu}/bin/workerd${exe}`].filter(Boolean);
    }
    default:
      throw new Error(`unknown binary ${name}`);
  }
}

const found = new Map();

/** `{ path, version }` of a working `name` binary; throws listing what was tried. */
export function binary(name) {
  if (found.has(name)) return found.get(name);
  const tried = [];
  for (const c of candidates(name)) {
    const path = c.startsWith("/") ? c : join(MODULES, c);
    if (!existsSync(path) || statSync(path).size === 0) {
      tried.push(`${path}: missing or empty`);
      continue;
    }
    try {
      const out = execFileSync(path, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 20_000 });
      const version = out.split("\n")[0].trim();
      if (!version) throw new Error("printed no version");
      const hit = { path, version };
      found.set(name, hit);
      return hit;
    } catch (e) {
      tried.push(`${path}: ${String(e.message).split("\n")[0]}`);
    }
  }
  throw new Error(`no working ${name} binary (run \`npm ci\`); tried:\n  ${tried.join("\n  ")}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  let failed = false;
  for (const name of ["deno", "bun", "workerd"]) {
    try {
      const { path, version } = binary(name);
      console.log(`${name.padEnd(8)} ${version}  (${path})`);
    } catch (e) {
      console.log(`${name.padEnd(8)} ${e.message}`);
      failed = true;
    }
  }
  process.exitCode = failed ? 1 : 0;
}
