// The explorable page: controls ↔ settings ↔ URL, the training worker (train.worker.ts), and drawing
// the worker's snapshots with views.ts. The main thread never trains or analyses: it only draws, so
// the page stays responsive whatever the model size.
//
// For tests and the curious, `window.tegumPage` exposes the settings, the latest snapshot, the
// metrics of every instance and a log of the runs with their timings.
import { normalizeConfig } from "../train-config.js";
import { fmt } from "../report/svg.js";
import type { FromWorker, InstanceAnalysis, Snapshot, ToWorker } from "./protocol.js";
import {
  DEFAULTS, LIMITS, MODELS, P_STOPS, cliCommand, fromQuery, instanceLabel, instanceP, nearestStop, sameTraining, toConfig, toQuery, type Settings,
} from "./state.js";
import { OBLIQUE, Rotator, describeView, type Mat3 } from "./view3d.js";
import {
  dimensionalityView, featColor, gramView, lossView, normsView, polygonView, spaceView, stripItem, structureView, summaryTable,
} from "./views.js";

type Status = "loading" | "idle" | "running" | "pausing" | "paused" | "done" | "error";

export interface RunRecord {
  runId: number;
  settings: Settings;
  status: "running" | "paused" | "done" | "cancelled" | "error";
  /** performance.now() at start; wall-clock ms to the final snapshot (including pauses). */
  startedAt: number;
  wallMs: number | null;
  /** Ms inside train()/resume() in the worker. */
  trainMs: number | null;
  step: number;
  snapshots: number;
  digest: string | null;
  error: string | null;
}

// ————— state —————

const initial = fromQuery(location.search);
const page = {
  settings: initial.settings,
  status: "loading" as Status,
  runId: 0,
  /** Settings of the run the snapshot belongs to. */
  runSettings: null as Settings | null,
  snapshot: null as Snapshot | null,
  paused: null as { state: Uint8Array; trainMs: number } | null,
  runs: [] as RunRecord[],
  backend: null as string | null,
  error: null as string | null,
  /** Settings changed since the shown run (auto-retrain off). */
  stale: false,
};

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const input = (id: string) => $<HTMLInputElement>(id);

// ————— the worker —————

let worker: Worker;
function startWorker(): void {
  worker = new Worker(new URL("./train.worker.js", import.meta.url), { type: "module" });
  worker.addEventListener("message", (e: MessageEvent<FromWorker>) => onWorker(e.data));
  worker.addEventListener("error", (e) => {
    e.preventDefault();
    fail(`the training worker failed to start (${e.message || "see the browser console"})`);
  });
}
const send = (m: ToWorker) => worker.postMessage(m);

function current(): RunRecord | undefined {
  return page.runs.find((r) => r.runId === page.runId);
}

function onWorker(msg: FromWorker): void {
  if (msg.type === "ready") {
    page.backend = msg.backend;
    if (page.status === "loading") page.status = "idle";
    schedule();
    return;
  }
  if (msg.runId !== page.runId) return; // a superseded run
  const run = current();
  switch (msg.type) {
    case "snapshot":
      page.snapshot = msg;
      page.runSettings = run?.settings ?? page.settings;
      if (run) {
        run.step = msg.step;
        run.snapshots++;
        run.trainMs = msg.trainMs;
        run.digest = msg.digest;
      }
      if (msg.final) {
        page.status = "done";
        if (run) {
          run.status = "done";
          run.wallMs = performance.now() - run.startedAt;
        }
      }
      break;
    case "paused":
      page.paused = { state: msg.state, trainMs: msg.trainMs };
      page.status = "paused";
      if (run) run.status = "paused";
      break;
    case "cancelled":
      if (run) run.status = "cancelled";
      page.status = "idle";
      break;
    case "error":
      if (run) {
        run.status = "error";
        run.error = msg.message;
      }
      fail(msg.message);
      break;
  }
  schedule();
}

function fail(message: string): void {
  page.status = "error";
  page.error = message;
  schedule();
}

// ————— training controls —————

function run(): void {
  const c = toConfig(page.settings);
  if (c.error) return;
  const prev = current();
  if (prev && (prev.status === "running" || prev.status === "paused")) {
    send({ type: "cancel", runId: prev.runId });
    prev.status = "cancelled";
  }
  page.runId++;
  page.paused = null;
  page.error = null;
  page.stale = false;
  page.status = "running";
  page.runs.push({
    runId: page.runId, settings: { ...page.settings }, status: "running", startedAt: performance.now(), wallMs: null, trainMs: null,
    step: 0, snapshots: 0, digest: null, error: null,
  });
  send({ type: "start", runId: page.runId, config: c.config });
  schedule();
}

function pause(): void {
  if (page.status !== "running") return;
  page.status = "pausing";
  send({ type: "pause", runId: page.runId });
  schedule();
}

function resumeRun(): void {
  if (page.status !== "paused" || !page.paused) return;
  const { state, trainMs } = page.paused;
  page.paused = null;
  page.status = "running";
  const r = current();
  if (r) r.status = "running";
  send({ type: "resume", runId: page.runId, state, trainMs });
  schedule();
}

function reset(): void {
  const r = current();
  if (r && (r.status === "running" || r.status === "paused")) {
    send({ type: "cancel", runId: r.runId });
    r.status = "cancelled";
  }
  page.runId++;
  page.snapshot = null;
  page.runSettings = null;
  page.paused = null;
  page.error = null;
  page.stale = false;
  page.status = page.backend ? "idle" : "loading";
  schedule();
}

// ————— settings ↔ controls ↔ URL —————

const NUMERIC: { key: "n" | "m" | "instances" | "decay" | "steps" | "seed" | "seeds"; integer: boolean; range?: string }[] = [
  { key: "n", integer: true, range: "n-range" },
  { key: "m", integer: true, range: "m-range" },
  { key: "instances", integer: true, range: "instances-range" },
  { key: "decay", integer: false, range: "decay-range" },
  { key: "steps", integer: true },
  { key: "seed", integer: true },
  { key: "seeds", integer: true },
];

function writeControls(s: Settings): void {
  for (const { key, range } of NUMERIC) {
    input(key).value = String(s[key]);
    if (range) input(range).value = String(s[key]);
  }
  input("p").value = String(s.p);
  input("p-range").value = String(nearestStop(s.p));
  ($("model") as HTMLSelectElement).value = s.model;
  input("correlated").value = s.correlated;
  input("anticorrelated").value = s.anticorrelated;
  updateHints(s);
}

function updateHints(s: Settings): void {
  const single = s.instances === 1;
  const S = Number((1 - s.p).toPrecision(6));
  $("p-label").textContent = single ? "Sparsity" : "Sparsity of the sparsest instance";
  $("p-hint").innerHTML = single
    ? `Each feature is present with probability <strong>p = ${fmt(s.p)}</strong> (sparsity S = 1 − p = ${S}). Slide right for sparser data.`
    : `The sweep runs from p = 1 (dense) down to <strong>p = ${fmt(s.p)}</strong> (S = ${S}), log-spaced.`;
  $("instances-hint").textContent = single ? "One model. Two or more train a sweep side by side." : `${s.instances} models side by side, one per sparsity.`;
  input("p-range").setAttribute("aria-valuetext", `p = ${fmt(s.p)}, sparsity ${S}`);
  input("m").max = input("m-range").max = String(Math.min(LIMITS.m[1], Math.max(1, s.n)));
  $("model-hint").textContent = MODELS.find((x) => x.value === s.model)?.formula ?? "";
}

/** Reads and checks every control; returns the settings or null (errors shown next to the fields). */
function readControls(): Settings | null {
  let ok = true;
  const s: Settings = { ...page.settings };
  const setError = (id: string, message: string) => {
    $(`${id}-error`).textContent = message;
    const el = document.getElementById(id);
    if (el) el.setAttribute("aria-invalid", message ? "true" : "false");
    if (message) ok = false;
  };
  for (const { key, integer } of NUMERIC) {
    const raw = input(key).value.trim();
    const v = Number(raw);
    const [lo, hi] = LIMITS[key];
    if (raw === "" || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < lo || v > hi) {
      setError(key, `${integer ? "a whole number" : "a number"} from ${lo} to ${hi}`);
    } else {
      setError(key, "");
      s[key] = v;
    }
  }
  if (ok && s.m > s.n) setError("m", `m must be at most n = ${s.n}`);
  const praw = input("p").value.trim();
  const p = Number(praw);
  if (praw === "" || !(p >= LIMITS.p[0] && p <= LIMITS.p[1])) setError("p", `p must be from ${LIMITS.p[0]} to 1`);
  else {
    setError("p", "");
    s.p = p;
  }
  s.model = ($("model") as HTMLSelectElement).value as Settings["model"];
  $("model-hint").textContent = MODELS.find((x) => x.value === s.model)?.formula ?? "";
  s.correlated = input("correlated").value.trim();
  s.anticorrelated = input("anticorrelated").value.trim();
  setError("correlated", "");
  setError("anticorrelated", "");
  $("config-error").textContent = "";
  if (!ok) return null;
  // A new sweep shows its sparsest instance, the interesting end.
  s.view = s.instances !== page.settings.instances ? s.instances - 1 : Math.min(s.view, s.instances - 1);
  // Everything else is the library's own validation.
  const c = toConfig(s);
  if (c.error) {
    setError(c.error.parameter, c.error.message);
    return null;
  }
  try {
    normalizeConfig(c.config);
  } catch (e) {
    const err = e as Error & { parameter?: string };
    if (/anticorrelated/.test(err.message)) {
      // The library names p; the fix is usually in the sets (or fewer instances: a sweep starts at p = 1).
      setError("anticorrelated", err.message + (s.instances > 1 ? ". A sweep starts at p = 1 (dense), where no two features can exclude each other: use one instance." : "."));
    } else if (/correlated set/.test(err.message)) setError("correlated", err.message);
    else if (err.parameter === "p") setError("p", err.message);
    else $("config-error").textContent = err.message;
    return null;
  }
  return s;
}

let applyTimer: ReturnType<typeof setTimeout> | null = null;
/** Applies the controls after `delay` ms (sliders: coalesce a drag into one retrain). */
function scheduleApply(delay: number): void {
  if (applyTimer !== null) clearTimeout(applyTimer);
  applyTimer = setTimeout(() => {
    applyTimer = null;
    apply();
  }, delay);
}

function apply(): void {
  const s = readControls();
  updateButtons(s !== null);
  if (!s) return;
  const changed = !sameTraining(s, page.settings);
  commit(s);
  if (changed && page.status !== "loading") {
    if (input("auto").checked) run();
    else {
      page.stale = page.snapshot !== null;
      schedule();
    }
  }
}

function commit(s: Settings): void {
  page.settings = s;
  updateHints(s);
  const url = `${location.pathname}?${toQuery(s)}${location.hash}`;
  history.replaceState(null, "", url);
  schedule();
}

function selectInstance(k: number): void {
  if (k === page.settings.view || k < 0) return;
  commit({ ...page.settings, view: k });
}

function wireControls(): void {
  const model = $("model") as HTMLSelectElement;
  model.innerHTML = MODELS.map((x) => `<option value="${x.value}">${x.label}</option>`).join("");
  input("p-range").max = String(P_STOPS.length - 1);
  writeControls(page.settings);

  for (const { key, range } of NUMERIC) {
    const num = input(key);
    num.addEventListener("input", () => {
      if (range && num.value !== "" && Number.isFinite(Number(num.value))) input(range).value = num.value;
      scheduleApply(700);
    });
    num.addEventListener("change", () => scheduleApply(0));
    if (range) {
      input(range).addEventListener("input", () => {
        num.value = input(range).value;
        if (key === "n") updateHints({ ...page.settings, n: Number(num.value) });
        scheduleApply(250);
      });
    }
  }
  input("p-range").addEventListener("input", () => {
    const p = P_STOPS[Number(input("p-range").value)];
    input("p").value = String(p);
    updateHints({ ...page.settings, p });
    scheduleApply(250);
  });
  input("p").addEventListener("input", () => {
    const p = Number(input("p").value);
    if (p > 0) input("p-range").value = String(nearestStop(p));
    scheduleApply(700);
  });
  input("p").addEventListener("change", () => scheduleApply(0));
  model.addEventListener("change", () => scheduleApply(0));
  for (const id of ["correlated", "anticorrelated"]) {
    input(id).addEventListener("input", () => scheduleApply(900));
    input(id).addEventListener("change", () => scheduleApply(0));
  }
  $("settings").addEventListener("submit", (e) => {
    e.preventDefault();
    scheduleApply(0);
  });

  $("run").addEventListener("click", () => {
    if (applyTimer !== null) {
      clearTimeout(applyTimer);
      applyTimer = null;
    }
    const s = readControls();
    if (!s) return;
    commit(s);
    run();
  });
  $("pause").addEventListener("click", pause);
  $("resume").addEventListener("click", resumeRun);
  $("reset").addEventListener("click", reset);
  $("defaults").addEventListener("click", () => {
    writeControls({ ...DEFAULTS });
    page.settings = { ...page.settings, view: DEFAULTS.view };
    apply();
  });
  $("copy-command").addEventListener("click", () => copy($("command").textContent ?? "", "command copied"));
  $("copy-link").addEventListener("click", () => copy(location.href, "link copied"));

  const pick = (e: Event) => {
    const el = (e.target as HTMLElement).closest<HTMLElement>("[data-instance]");
    if (el) selectInstance(Number(el.dataset.instance));
  };
  $("strip").addEventListener("click", pick);
  $("summary").addEventListener("click", pick);
  $("strip").addEventListener("keydown", (e) => {
    const delta = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
    if (!delta) return;
    const count = page.snapshot?.instances.length ?? page.settings.instances;
    const k = Math.min(count - 1, Math.max(0, page.settings.view + delta));
    selectInstance(k);
    e.preventDefault();
    requestAnimationFrame(() => document.querySelector<HTMLElement>(`#strip [data-instance="${k}"]`)?.focus());
  });
}

async function copy(text: string, note: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    $("copy-note").textContent = note;
  } catch {
    $("copy-note").textContent = "copy failed: select the text and copy it by hand";
  }
  setTimeout(() => ($("copy-note").textContent = ""), 2500);
}

function updateButtons(valid = true): void {
  const s = page.status;
  ($("run") as HTMLButtonElement).disabled = !valid || s === "loading";
  ($("pause") as HTMLButtonElement).disabled = s !== "running";
  ($("resume") as HTMLButtonElement).disabled = s !== "paused";
  ($("reset") as HTMLButtonElement).disabled = s === "loading" || (page.snapshot === null && s !== "running" && s !== "pausing");
}

// ————— drawing —————

let frame = 0;
/** Time spent drawing (ms): how heavy the main thread's share is. */
const drawStats = { count: 0, total: 0, max: 0 };
function schedule(): void {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    const t0 = performance.now();
    draw();
    const dt = performance.now() - t0;
    drawStats.count++;
    drawStats.total += dt;
    drawStats.max = Math.max(drawStats.max, dt);
  });
}

const num = (x: number) => x.toLocaleString("en-US");

function drawStatus(): void {
  const snap = page.snapshot;
  const r = current();
  const progress = $("progress") as HTMLProgressElement;
  progress.value = snap ? snap.step / snap.steps : 0;
  let text: string;
  switch (page.status) {
    case "loading": text = "Loading the WebAssembly kernels…"; break;
    case "error": text = `Error: ${page.error}`; break;
    case "idle": text = page.stale ? "Settings changed — press Run." : `Ready (${page.backend ?? "?"} kernels). Press Run to train.`; break;
    case "running": text = snap && r && r.snapshots > 0 ? `Training… step ${num(snap.step)} of ${num(snap.steps)} · ${num(Math.round(snap.stepsPerSecond))} steps/s` : "Training… starting"; break;
    case "pausing": text = "Pausing after this chunk…"; break;
    case "paused": text = `Paused at step ${num(snap?.step ?? 0)} of ${num(snap?.steps ?? 0)}. Resume continues bit-exactly.`; break;
    case "done": text = `Done: ${num(snap?.steps ?? 0)} steps in ${fmt((r?.trainMs ?? 0) / 1000)} s (${num(Math.round(snap?.stepsPerSecond ?? 0))} steps/s, ${page.backend ?? "?"} kernels).`; break;
  }
  if (page.stale && page.status !== "idle" && page.status !== "error") text += " Settings changed — press Run to apply.";
  $("status-text").textContent = text;
  $("status-text").classList.toggle("error", page.status === "error");
  $("digest").textContent = snap ? snap.digest : "–";
  $("digest").title = snap ? `after step ${snap.step}` : "";
  $("digest-hint").innerHTML = snap && !snap.final
    ? `At step ${num(snap.step)}; final when training finishes. FNV-1a of W and b of every instance, in order.`
    : "FNV-1a of W and b of every instance, in order (the abs model: W₁, W₂, b). <code>tegum train</code> with the same settings prints the same digest.";
  $("command").textContent = cliCommand(page.runSettings ?? page.settings);
  updateButtons($("config-error").textContent === "" && !document.querySelector('[aria-invalid="true"]'));
}

function placeholder(text: string): string {
  return `<p class="placeholder">${text}</p>`;
}

let lastKey = "";

/** Widths of the plot areas, read once per frame before any DOM write (reads after writes force layouts). */
let widths = { geometry: 700, norms: 440, dims: 440, loss: 440 };

function draw(): void {
  const width = (id: string, lo: number, hi: number) => Math.max(lo, Math.min(hi, $(id).clientWidth || hi));
  widths = { geometry: width("geometry", 600, 1200), norms: width("norms", 320, 560), dims: width("dims", 320, 560), loss: width("loss", 320, 560) };
  drawStatus();
  const snap = page.snapshot;
  const rs = page.runSettings;
  // Redraw the views only when what they show changed (status messages arrive more often).
  const key = JSON.stringify([snap?.runId, snap?.step, snap?.final, page.settings, rs, page.stale, page.status, widths]);
  if (key === lastKey) return;
  lastKey = key;
  const views = $("views");
  views.classList.toggle("stale", page.stale || (rs !== null && !sameTraining(rs, page.settings) && page.status !== "running"));
  const stripWrap = $("strip-wrap");
  if (!snap || !rs) {
    stripWrap.hidden = page.settings.instances === 1;
    $("strip").innerHTML = page.settings.instances === 1 ? "" : instanceP(page.settings).map((p, k) => stripItem(null, null, page.settings.m, page.settings.n, p, k, k === page.settings.view, rotation())).join("");
    const msg = page.status === "running" ? "Training…" : page.status === "error" ? "No result." : "Press Run to train.";
    for (const id of ["geometry", "gram", "norms", "dims", "loss", "structure"]) $(id).innerHTML = placeholder(msg);
    $("summary").innerHTML = "";
    setCaptions(page.settings);
    return;
  }
  const { n } = rs;
  const ps = instanceP(rs);
  const count = snap.instances.length;
  const k = Math.min(page.settings.view, count - 1);
  const inst = snap.instances[k];
  const a = snap.analysis[k];

  stripWrap.hidden = count === 1;
  drawStrip();

  $("geometry-title").textContent = count > 1 ? `Feature directions — instance ${k}, ${instanceLabel(ps[k])}` : "Feature directions";
  drawGeometry();
  $("gram").innerHTML = gramView(inst, a, n);
  $("norms").innerHTML = normsView(a, n, widths.norms);
  $("dims").innerHTML = dimensionalityView(snap.analysis, ps, k, n, widths.dims);
  $("loss").innerHTML = lossView(snap.instances, ps, snap.lossEvery, snap.step, snap.steps, widths.loss);
  $("structure").innerHTML = (count > 1 ? `<p class="muted">Instance ${k}, ${instanceLabel(ps[k])}, step ${num(snap.step)}</p>` : "") + structureView(a, n, snap.final);
  keepFocus("summary", () => ($("summary").innerHTML = count > 1 ? summaryTable(snap.analysis, snap.instances, ps, k, n) : factsTable(a, snap, k, n)));
  setCaptions(rs);
}

/** Redraws a container without losing keyboard focus on one of its instance buttons. */
function keepFocus(id: string, redraw: () => void): void {
  const active = document.activeElement as HTMLElement | null;
  const host = $(id);
  const k = active && host.contains(active) ? active.dataset.instance : undefined;
  redraw();
  if (k !== undefined) host.querySelector<HTMLElement>(`[data-instance="${k}"]`)?.focus();
}

/** The small multiples of a sweep (also redrawn alone when the 3-D view turns). */
function drawStrip(): void {
  const snap = page.snapshot, rs = page.runSettings;
  if (!snap || !rs || snap.instances.length < 2) return;
  const ps = instanceP(rs);
  const k = Math.min(page.settings.view, snap.instances.length - 1);
  keepFocus("strip", () => ($("strip").innerHTML = snap.instances.map((x, j) => stripItem(x, snap.analysis[j], rs.m, rs.n, ps[j], j, j === k, rotation())).join("")));
}

let turnFrame = 0;
/** After a turn of the 3-D view: the view and the strip, once per frame. */
const scheduleTurn = () => {
  turnFrame ||= requestAnimationFrame(() => {
    turnFrame = 0;
    drawSpace();
    drawStrip();
  });
};

const rotation = (): Mat3 => rotator?.rotation ?? OBLIQUE;

let rotator: Rotator | null = null;
let spaceHost: HTMLElement | null = null;

/** The geometry card: the polygon (m ≤ 2) or the rotatable 3-D view, with the feature facts beside it. */
function drawGeometry(): void {
  const snap = page.snapshot!, rs = page.runSettings!;
  const { n, m } = rs;
  const k = Math.min(page.settings.view, snap.instances.length - 1);
  const inst = snap.instances[k], a = snap.analysis[k];
  const host = $("geometry");
  const size = geometrySize();
  if (m <= 2) {
    spaceHost = null;
    host.innerHTML = `<div class="geometry-row"><div>${polygonView(inst, a, m, n, size)}</div>${sideFacts(a, inst, n)}</div>`;
    return;
  }
  if (!spaceHost || !host.contains(spaceHost)) {
    host.innerHTML = `<div class="geometry-row"><div class="space" id="space"></div><div id="space-facts"></div></div>`;
    spaceHost = $("space");
    const keep = rotator?.rotation;
    rotator = new Rotator(spaceHost, scheduleTurn);
    if (keep) rotator.rotation = keep;
  }
  drawSpace();
  $("space-facts").innerHTML = sideFacts(a, inst, n);
}

function drawSpace(): void {
  const snap = page.snapshot, rs = page.runSettings;
  if (!snap || !rs || !spaceHost || !rotator) return;
  const k = Math.min(page.settings.view, snap.instances.length - 1);
  const size = geometrySize();
  const v = spaceView(snap.instances[k], snap.analysis[k], rs.m, rs.n, rotator.rotation, size);
  spaceHost.innerHTML = v.svg;
  spaceHost.setAttribute("aria-label", describeView(rs.n, v.exact, v.captured));
}

const geometrySize = () => Math.max(260, Math.min(380, widths.geometry - 330));

/** Per-feature numbers next to the geometry. */
function sideFacts(a: InstanceAnalysis, inst: Snapshot["instances"][number], n: number): string {
  if (n > 24) return `<div class="side-facts"><p>${n - a.dropped.length} of ${n} features represented. Hover a spoke for its numbers.</p></div>`;
  const rows = Array.from({ length: n }, (_, i) =>
    `<tr><td><span class="swatch" style="background:${featColor(i, n)}"></span>${i}</td><td>${fmt(a.norms[i])}</td><td>${fmt(a.dimensionality[i])}</td><td>${fmt(inst.b[i])}</td></tr>`).join("");
  return `<div class="side-facts"><table><thead><tr><th scope="col">feature</th><th scope="col">‖Wᵢ‖</th><th scope="col">Dᵢ</th><th scope="col">bᵢ</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

function factsTable(a: InstanceAnalysis, snap: Snapshot, k: number, n: number): string {
  const inst = snap.instances[k];
  const kept = n - a.dropped.length;
  return `<table class="summary"><tbody>
<tr><th scope="row">step</th><td>${num(snap.step)} of ${num(snap.steps)}</td></tr>
<tr><th scope="row">loss</th><td>${fmt(inst.finalLoss)}${snap.instances[k].replica ? ` (seed replica ${inst.replica})` : ""}</td></tr>
<tr><th scope="row">represented</th><td>${kept} of ${n}</td></tr>
<tr><th scope="row">m/‖W‖²<sub>F</sub></th><td>${fmt(a.dimensionsPerFeature)}</td></tr>
<tr><th scope="row">Σ Dᵢ</th><td>${fmt(Array.from(a.dimensionality).reduce((s, d) => s + d, 0))}</td></tr>
</tbody></table>`;
}

function setCaptions(s: Settings): void {
  const m = s.m;
  $("geometry-caption").innerHTML = m <= 2
    ? (m === 2
      ? "Each spoke is one feature's column Wᵢ in the 2-D hidden space (colour: importance, dark = most important; dashed: the unit circle). Dense data keep two features at right angles; sparser data make antipodal pairs; at p ≈ 0.05 all five features of the intro sweep settle into a regular pentagon (shaded)."
      : "With one hidden dimension every feature is a number on a line: dense data keep only the most important feature; sparse data add a second one pointing the other way.")
    : `Drag the picture (or focus it and use the arrow keys; Home resets) to rotate it. Lines join nearest neighbours inside a recognised polytope; back halves are dashed. ${m === 3 ? "Look for antipodal pairs, triangles, tetrahedra and octahedra in orthogonal subspaces." : "For m > 3 this is the view on the top three principal directions of W (exact when W has rank ≤ 3)."}`;
  $("dims-caption").innerHTML = s.instances === 1
    ? "Dᵢ = ‖Wᵢ‖² / Σⱼ(Ŵᵢ·Wⱼ)² is the fraction of a dimension feature i gets. Features settle on the dashed lines of tight frames: 1 (a dimension of its own), 1/2 (an antipodal pair), 2/5 (a pentagon), 3/4 (a tetrahedron); 0 is a dropped feature."
    : "Each dot is one feature of one instance, against 1/p on a log axis (bigger dots: the chosen instance); the grey line is m/‖W‖²<sub>F</sub>, the dimensions per feature. As data get sparser, features move from 1 to 1/2 (antipodal pairs) to 2/5 (pentagons): the dots gather on the dashed lines.";
  const every = page.snapshot?.lossEvery ?? 1;
  $("loss-caption").textContent = `Loss against step (log scale${every > 1 ? `, mean over every ${every} steps` : ""}). Sparser data reach lower loss; plateaus followed by drops are the model reorganising its features.`;
}

// ————— start —————

declare global {
  interface Window {
    tegumPage: unknown;
  }
}

window.tegumPage = {
  /** The settings (as in the URL). */
  get state(): Settings {
    return { ...page.settings };
  },
  get status(): Status {
    return page.status;
  },
  /** The latest snapshot: step, steps, final, digest, instances (W, b, loss), with the settings it was trained with. */
  get result() {
    const s = page.snapshot;
    return s ? { settings: page.runSettings, step: s.step, steps: s.steps, final: s.final, digest: s.digest, backend: s.backend, instances: s.instances, stepsPerSecond: s.stepsPerSecond, trainMs: s.trainMs } : null;
  },
  /** Per instance: norms, superposition, dimensionality (D_i), dimensionsPerFeature, gram, factors, polytopes, bundles. */
  get metrics(): InstanceAnalysis[] | null {
    return page.snapshot?.analysis ?? null;
  },
  get runs(): RunRecord[] {
    return page.runs.map((r) => ({ ...r }));
  },
  get backend() {
    return page.backend;
  },
  /** Main-thread drawing: number of frames drawn, total and longest ms. */
  get drawStats() {
    return { ...drawStats };
  },
};

wireControls();
if (initial.ignored.length) $("url-note").textContent = `Ignored from the link: ${initial.ignored.join(", ")}.`;
history.replaceState(null, "", `${location.pathname}?${toQuery(page.settings)}${location.hash}`);
startWorker();
schedule();
// Train the linked settings right away (the intro sweep by default): the page is the demo.
if (toConfig(page.settings).error === null) run();
window.addEventListener("resize", () => schedule());
