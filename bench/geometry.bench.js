// Geometry kernels: Gram + interference, projector embeddings (subsetEmbeddings: Jacobi basis +
// projector + chordal embedding per subset), and DBSCAN neighbour counts — SIMD wasm vs scalar wasm vs
// the plain-JS twin (src/twin/, the tests' oracle, written as ordinary cache-friendly JS loops), with
// operands resident in wasm (no copies timed). Run with `npm run bench` (builds first), with
// `node bench/run.js geometry`, or alone with `node bench/geometry.bench.js` after `npm run build`.
// The machine is shared and noisy: every case runs ROUNDS times and the best mean is kept.
import { pathToFileURL } from "node:url";
import { best, lcgValues, ROUNDS, wasmTask } from "./common.js";
import {
  embeddingDim, f32, f64, gram, gram64, i32, interference, neighborCounts, neighborGraph, subsetEmbeddings, subsetReducedEmbeddings,
  twin,
} from "../dist/index.js";

const values = (length, seed) => lcgValues(Float64Array, length, seed);

/** `count` random k-subsets of n columns (distinct within a subset), flattened. */
function randomSubsets(n, k, count, seed) {
  const out = new Int32Array(k * count);
  let s = seed >>> 0;
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0);
  for (let c = 0; c < count; c++) {
    const used = new Set();
    for (let j = 0; j < k; j++) {
      let v;
      do v = next() % n; while (used.has(v));
      used.add(v);
      out[c * k + j] = v;
    }
  }
  return out;
}

/** simd, scalar and JS tasks for one case; returns ops/s for each. `slowJs`: one JS round, one iteration. */
async function trio(js, make, options = {}, slowJs = false) {
  const wasmHz = await best([wasmTask("simd", "simd", make), wasmTask("scalar", "scalar", make)], options);
  const jsHz = await best([{ name: "js", fn: js }], slowJs ? { time: 1, iterations: 1, warmupIterations: 0, rounds: 1 } : options);
  return { ...wasmHz, ...jsHz };
}

const ratio = (a, b) => `${(a / b).toFixed(1)}×`;
const fmt = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toPrecision(3));

export default async function main() {
  const rows = [];
  const row = (what, unit, hz, scale) => {
    const [s, c, j] = [hz.simd * scale, hz.scalar * scale, hz.js * scale];
    rows.push({ case: what, unit, "SIMD wasm": fmt(s), "scalar wasm": fmt(c), "JS twin": fmt(j), "SIMD/scalar": ratio(s, c), "SIMD/JS": ratio(s, j) });
  };

  // Gram + interference: G = WᵀW (f64) then Σ_j G_ij²/G_ii; and the f32 Gram alone.
  for (const [n, m] of [[200, 20], [4096, 256]]) {
    const big = n > 1000;
    // The big case: a few iterations for wasm, a single timed run for the (seconds-long) JS twin.
    const opts = big ? { time: 1, iterations: 3, warmupIterations: 1 } : undefined;
    const w = values(m * n, 1);
    const g = new Float64Array(n * n), inter = new Float64Array(n);
    const hz = await trio(
      () => {
        twin.gram64(g, w, m, n);
        twin.interference(inter, g, n);
      },
      () => {
        const W = f64(w), G = f64(n * n), I = f64(n);
        return () => {
          gram64(G, W, m, n);
          interference(I, G, n);
        };
      },
      opts,
      big,
    );
    // Useful flops: the symmetric half, n(n+1)/2 dot products of length m, 2 flops per term.
    const gflop = (n * (n + 1) * m) / 1e9;
    row(`gram64 + interference n=${n} m=${m}`, "GFLOPS", hz, gflop);
    const w32 = Float32Array.from(w), g32 = new Float32Array(n * n);
    const hz32 = await trio(
      () => twin.gram(g32, w32, m, n),
      () => {
        const W = f32(w32), G = f32(n * n);
        return () => gram(G, W, m, n);
      },
      opts,
      big,
    );
    row(`gram (f32) n=${n} m=${m}`, "GFLOPS", hz32, gflop);
  }

  // Projector embeddings per second (hardened: Jacobi SVD; faithful: column reduction).
  for (const [m, k, n] of [[5, 3, 20], [20, 4, 40]]) {
    const count = 4096;
    const w = values(m * n, 2), sub = randomSubsets(n, k, count, 3);
    const d = embeddingDim(m);
    const out = new Float64Array(d * count), ranks = new Int32Array(count);
    const make = (fn) => () => {
      const W = f64(w), S = i32(sub), O = f64(d * count), R = i32(count);
      return () => fn(O, R, W, m, n, S, k, count, 1e-8);
    };
    const hz = await trio(() => twin.subsetEmbeddings(out, ranks, w, m, n, sub, k, count, 1e-8), make(subsetEmbeddings));
    row(`subsetEmbeddings m=${m} k=${k}`, "projectors/s", hz, count);
    const hzf = await trio(
      () => twin.subsetReducedEmbeddings(out, ranks, w, m, n, sub, k, count, 1e-8),
      make(subsetReducedEmbeddings),
    );
    row(`subsetReducedEmbeddings m=${m} k=${k}`, "projectors/s", hzf, count);
  }

  // DBSCAN neighbourhoods over embedded planes (dimension-major points). Rates are in candidate pairs
  // N(N−1)/2 per second; the kernels (and the twin) examine only the pairs inside the sort window.
  for (const [m, k, n, count, eps, label, graph] of [
    [8, 3, 40, 4000, 0.3, "random 3-planes in R⁸, eps 0.3", false],
    [5, 2, 30, 3000, 2, "2-planes in R⁵, eps 2 (every pair examined in full)", false],
    [8, 3, 40, 20000, 0.05, "random 3-planes in R⁸, eps 0.05, neighborGraph (CSR)", true],
  ]) {
    const w = values(m * n, 4), sub = randomSubsets(n, k, count, 5);
    const d = embeddingDim(m);
    const x = new Float64Array(d * count), ranks = new Int32Array(count);
    twin.subsetEmbeddings(x, ranks, w, m, n, sub, k, count, 1e-8);
    const counts = new Int32Array(count);
    twin.neighborCounts(counts, x, d, count, eps);
    const mean = counts.reduce((a, b) => a + b, 0) / count;
    const offsets = new Int32Array(count + 1);
    for (let i = 0; i < count; i++) offsets[i + 1] = offsets[i] + counts[i];
    const lists = new Int32Array(offsets[count]);
    const js = graph
      ? () => {
          twin.neighborCounts(counts, x, d, count, eps);
          twin.neighborLists(lists, offsets, x, d, count, eps);
        }
      : () => twin.neighborCounts(counts, x, d, count, eps);
    const hz = await trio(
      js,
      () => {
        const X = f64(x), C = i32(count);
        return graph ? () => neighborGraph(X, d, count, eps) : () => neighborCounts(C, X, d, count, eps);
      },
      { time: 300, iterations: 3, warmupIterations: 1 },
    );
    const what = graph ? "neighborGraph" : "neighborCounts";
    row(`${what} N=${count} D=${d}: ${label} (mean |N(p)| ${mean.toFixed(1)})`, "M pairs/s", hz, (count * (count - 1)) / 2 / 1e6);
  }

  console.log(`geometry kernels (best of ${ROUNDS} rounds; operands resident in wasm; JS = the plain-TS twin)`);
  console.table(rows);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
