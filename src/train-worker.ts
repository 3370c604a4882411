// The training worker (Web Worker module or Node worker_threads): holds a subset of the runs and
// advances them on request with the same engine as the main thread (src/train-engine.ts), so the
// results are the same bits as single-threaded training. Protocol (each reply echoes `id`):
//   init {backend, module?}  → instantiate the kernels (from the module, else the build next to dist/)
//   load {config, ids, params} · run {step0, count, sched, wantParams} → {loss, params?} (params: each
//   run's packed [W, W2?, b], no Adam moments; for snapshots) · finish → {params} (every array, moments too)
import { init, type Backend } from "./wasm.js";
import { RunSet } from "./train-engine.js";
import type { NormalizedConfig } from "./train-config.js";
import { packParams, type RunParams } from "./train-state.js";

type Message =
  | { id: number; type: "init"; backend: Backend; module?: WebAssembly.Module }
  | { id: number; type: "load"; config: NormalizedConfig; ids: number[]; params: RunParams[] }
  | { id: number; type: "run"; step0: number; count: number; sched: Float32Array; wantParams: boolean }
  | { id: number; type: "finish" };

let set: RunSet | null = null;

async function loadBuild(backend: Backend): Promise<BufferSource | Response> {
  const url = new URL(`../build/tegum.${backend}.wasm`, import.meta.url);
  const g = globalThis as {
    Deno?: { readFile(u: URL): Promise<Uint8Array> };
    Bun?: { file(u: URL): { arrayBuffer(): Promise<ArrayBuffer> } };
    process?: { versions?: { node?: string } };
  };
  if (g.Deno) return (await g.Deno.readFile(url)) as Uint8Array<ArrayBuffer>;
  if (g.Bun) return g.Bun.file(url).arrayBuffer();
  if (g.process?.versions?.node) {
    const spec = "node:fs/promises";
    const fs: typeof import("node:fs/promises") = await import(/* @vite-ignore */ spec);
    return fs.readFile(url);
  }
  return fetch(url);
}

async function handle(msg: Message): Promise<unknown> {
  switch (msg.type) {
    case "init":
      await init(msg.module ?? (await loadBuild(msg.backend)), { backend: msg.backend });
      return null;
    case "load":
      set = new RunSet(msg.config, msg.ids, msg.params);
      return null;
    case "run": {
      const loss = set!.advance(msg.step0, msg.count, msg.sched);
      return { loss, params: msg.wantParams ? set!.params.map(packParams) : undefined };
    }
    case "finish":
      return { params: set!.params };
  }
}

function reply(post: (m: unknown) => void, msg: Message): void {
  handle(msg).then(
    (result) => post({ id: msg.id, result }),
    (e: unknown) => {
      const err = e as { message?: string; name?: string; parameter?: string };
      post({ id: msg.id, error: { message: String(err?.message ?? e), name: String(err?.name ?? "Error"), parameter: err?.parameter } });
    },
  );
}

const scope = globalThis as { postMessage?: (m: unknown) => void; addEventListener?: (t: string, fn: (e: MessageEvent) => void) => void };
const spec = "node:worker_threads";
const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node
  ? ((await import(/* @vite-ignore */ spec)) as typeof import("node:worker_threads"))
  : null;
if (node?.parentPort) {
  const port = node.parentPort;
  port.on("message", (msg: Message) => reply((m) => port.postMessage(m), msg));
} else if (typeof scope.postMessage === "function" && typeof scope.addEventListener === "function") {
  scope.addEventListener("message", (e) => reply((m) => scope.postMessage!(m), e.data as Message));
}
