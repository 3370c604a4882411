// Training workers: Web Workers (browsers, Deno, Bun) or Node worker_threads, each running
// src/train-worker.ts, spoken to by request/response messages. Where a runtime has neither (workerd,
// Vercel Edge), `workersAvailable()` is false and training stays on the calling thread.
import { TegumError } from "./errors.js";
import * as core from "./wasm.js";

export interface WorkerHandle {
  /** Sends a message; resolves with the worker's reply (rejects with its error). */
  request(message: object): Promise<unknown>;
  terminate(): void;
  /** Whether the worker has failed (it is then never reused). */
  readonly failed: boolean;
  /** Lets an idle worker not keep the process alive (Node), or undoes it. */
  ref(on: boolean): void;
  /** Whether an idle worker can be kept without holding the process open. */
  readonly poolable: boolean;
}

type Listener = (data: unknown) => void;
interface RawWorker {
  post(message: unknown): void;
  onMessage(fn: Listener): void;
  onError(fn: (error: unknown) => void): void;
  terminate(): void;
  ref(on: boolean): void;
  poolable: boolean;
}

const hasWebWorker = () => typeof (globalThis as { Worker?: unknown }).Worker === "function";
const isNode = () => {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === "string";
};

let threads: number | null = null;

/** Hardware threads: navigator.hardwareConcurrency, Node's os.availableParallelism(), else 2. */
export async function hardwareThreads(): Promise<number> {
  if (threads === null) {
    const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
    let n = nav?.hardwareConcurrency;
    if (n === undefined && isNode()) {
      const spec = "node:os";
      n = ((await import(/* @vite-ignore */ spec)) as typeof import("node:os")).availableParallelism();
    }
    threads = Math.max(1, n ?? 2);
  }
  return threads;
}

/** Whether this runtime can start workers at all. */
export function workersAvailable(): boolean {
  return hasWebWorker() || isNode();
}

/** A new worker, or null where none can be created (no Worker API, no import.meta.url, CSP, stubs). */
async function spawn(): Promise<RawWorker | null> {
  try {
    return await spawnOrThrow();
  } catch {
    return null;
  }
}

async function spawnOrThrow(): Promise<RawWorker | null> {
  if (hasWebWorker()) {
    // Written literally so that bundlers (Vite, webpack) emit the worker file.
    const w = new Worker(new URL("./train-worker.js", import.meta.url), { type: "module" });
    // Bun's Worker has unref(); Deno's cannot be unref'd (an idle one would keep the process alive);
    // a browser page does not exit, so idle workers there are fine.
    const unref = (w as unknown as { unref?: () => void; ref?: () => void });
    const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";
    return {
      poolable: !isDeno && (typeof unref.unref === "function" || typeof (globalThis as { document?: unknown }).document !== "undefined"),
      post: (m) => w.postMessage(m),
      onMessage: (fn) => w.addEventListener("message", (e) => fn((e as MessageEvent).data)),
      onError: (fn) => {
        w.addEventListener("error", (e) => {
          (e as Event).preventDefault?.();
          fn((e as ErrorEvent).message ?? e);
        });
        w.addEventListener("messageerror", (e) => fn(e));
      },
      terminate: () => w.terminate(),
      ref: (on) => (on ? unref.ref?.() : unref.unref?.()),
    };
  }
  if (isNode()) {
    const spec = "node:worker_threads";
    const mod: typeof import("node:worker_threads") = await import(/* @vite-ignore */ spec);
    const w = new mod.Worker(new URL("./train-worker.js", import.meta.url));
    return {
      poolable: true,
      post: (m) => w.postMessage(m),
      onMessage: (fn) => w.on("message", fn),
      onError: (fn) => {
        w.on("error", fn);
        w.on("exit", (code) => fn(new Error(`worker exited with code ${code}`)));
      },
      terminate: () => void w.terminate(),
      ref: (on) => (on ? w.ref() : w.unref()),
    };
  }
  return null;
}

function handle(raw: RawWorker): WorkerHandle {
  let nextId = 0;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  let failed: unknown = null;
  let closed = false;
  raw.onMessage((data) => {
    const { id, error, result } = data as { id: number; error?: { message: string; name: string; parameter?: string }; result?: unknown };
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    if (error) p.reject(error.name === "TegumError" ? new TegumError(error.message, error.parameter) : new Error(error.message));
    else p.resolve(result);
  });
  raw.onError((e) => {
    if (closed) return;
    failed = e instanceof Error ? e : new Error(`training worker failed: ${String(e)}`);
    for (const p of pending.values()) p.reject(failed);
    pending.clear();
  });
  return {
    get failed() {
      return failed !== null;
    },
    ref: (on) => raw.ref(on),
    poolable: raw.poolable,
    request(message) {
      if (failed) return Promise.reject(failed);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        raw.post({ id, ...message });
      });
    },
    terminate() {
      closed = true;
      raw.terminate();
    },
  };
}

/** The compiled module, if the loader kept it (workers then skip fetching and compiling). */
function currentModule(): WebAssembly.Module | undefined {
  return core.module() ?? undefined;
}

// Idle workers, kept between calls so that the start-up (~50 ms each: spawn, import, compile) is paid
// once. They hold no training state between calls and never keep a process alive: only workers that
// can be unref'd (Node, Bun) or live in a page (browsers) are kept; Deno's are terminated after use.
const idle: { backend: string; handle: WorkerHandle }[] = [];

/**
 * `count` training workers with the active backend's kernels: idle ones first, new ones started and
 * initialised as needed. Returns null when the runtime has no workers; throws if one fails to start.
 */
export async function acquireWorkers(count: number): Promise<WorkerHandle[] | null> {
  const backend = core.backend();
  if (backend === null) throw new TegumError("tegum is not initialised: call `await init()` first", "init");
  const handles: WorkerHandle[] = [];
  while (handles.length < count && idle.length > 0) {
    const w = idle.pop()!;
    if (w.backend === backend && !w.handle.failed) {
      w.handle.ref(true);
      handles.push(w.handle);
    } else w.handle.terminate();
  }
  if (handles.length === count) return handles;
  const fresh = await startWorkers(count - handles.length, backend);
  if (fresh === null) {
    releaseWorkers(handles);
    return null;
  }
  return handles.concat(fresh);
}

/** Returns workers to the idle pool (failed ones are terminated). */
export function releaseWorkers(handles: WorkerHandle[]): void {
  const backend = core.backend();
  for (const h of handles) {
    if (h.failed || backend === null || !h.poolable) h.terminate();
    else {
      h.ref(false);
      idle.push({ backend, handle: h });
    }
  }
}

/**
 * Starts `count` training workers on `backend` and waits until each has instantiated the kernels.
 * Returns null when the runtime has no workers; throws if one fails to start.
 */
async function startWorkers(count: number, backend: core.Backend): Promise<WorkerHandle[] | null> {
  const module = currentModule();
  const handles: WorkerHandle[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const raw = await spawn();
      if (raw === null) {
        for (const h of handles) h.terminate();
        return null;
      }
      handles.push(handle(raw));
    }
    await Promise.all(handles.map((h) => h.request({ type: "init", backend, module })));
  } catch (e) {
    for (const h of handles) h.terminate();
    throw new TegumError(`workers: could not start a training worker (${e instanceof Error ? e.message : String(e)}); use workers: 0`, "workers");
  }
  return handles;
}
