// matmul GFLOPS at 16³, 64³, 256³: plain JS loops vs the scalar and the SIMD wasm builds, operands
// resident in wasm (WasmArray, so no copies are timed), through the public API; plus ReLU forward and
// backward. Run with `npm run bench` (builds first) or `node bench/run.js matmul` after `npm run build`.
// The machine is shared and noisy: every task runs ROUNDS times and the best mean is kept.
import { best, lcgValues, ROUNDS, wasmTask } from "./common.js";
import { f32, matmul, matmulABt, matmulAtB, reluBackward, reluForward } from "../dist/index.js";

const values = (length, seed) => lcgValues(Float32Array, length, seed);

// The textbook triple loop (i-j-p, one dot product per element, f64 accumulator) ...
function jsMatmul(c, a, b, m, k, n) {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
      c[i * n + j] = s;
    }
  }
}
// ... and the cache-friendly i-p-j order, for reference.
function jsMatmulIpj(c, a, b, m, k, n) {
  c.fill(0, 0, m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p];
      const bp = p * n, ci = i * n;
      for (let j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
    }
  }
}

// Best mean of ROUNDS rounds (bench/common.js), 250 ms and ≥ 10 iterations per task.
const bestOf = (tasks) => best(tasks, { time: 250, iterations: 10, warmupIterations: 3 });

/** A task running `body(resident operands)` on one wasm backend, operands `[length, seed]` made after each (re-)init. */
function f32Task(name, backend, lengths, body) {
  return wasmTask(name, backend, () => {
    const ops = lengths.map(([len, seed]) => f32(values(len, seed)));
    return () => body(...ops);
  });
}

export default async function () {
  const rows = [];
  for (const N of [16, 64, 256]) {
    const flop = 2 * N * N * N;
    const a = values(N * N, 1), b = values(N * N, 2), c = new Float32Array(N * N);
    const operands = [[N * N, 1], [N * N, 2], [N * N, 3]];
    const mm = (C, A, B) => matmul(C, A, B, N, N, N);
    const hz = await bestOf([
      { name: "js", fn: () => jsMatmul(c, a, b, N, N, N) },
      { name: "js-ipj", fn: () => jsMatmulIpj(c, a, b, N, N, N) },
      f32Task("scalar", "scalar", operands, mm),
      f32Task("simd", "simd", operands, mm),
      f32Task("simd AᵀB", "simd", operands, (C, A, B) => matmulAtB(C, A, B, N, N, N)),
      f32Task("simd ABᵀ", "simd", operands, (C, A, B) => matmulABt(C, A, B, N, N, N)),
    ]);
    const g = Object.fromEntries(Object.entries(hz).map(([k, v]) => [k, (v * flop) / 1e9]));
    rows.push({
      size: `${N}³`,
      "JS i-j-p": g.js.toFixed(2),
      "JS i-p-j": g["js-ipj"].toFixed(2),
      "wasm scalar": g.scalar.toFixed(2),
      "wasm SIMD": g.simd.toFixed(2),
      "SIMD AᵀB": g["simd AᵀB"].toFixed(2),
      "SIMD ABᵀ": g["simd ABᵀ"].toFixed(2),
      "SIMD/JS": `${(g.simd / g.js).toFixed(1)}×`,
      "SIMD/JS i-p-j": `${(g.simd / g["js-ipj"]).toFixed(1)}×`,
      "SIMD/scalar": `${(g.simd / g.scalar).toFixed(1)}×`,
    });
  }
  console.log(`matmul, GFLOPS (best of ${ROUNDS} rounds; operands resident in wasm; C = A·B unless marked)`);
  console.table(rows);

  // ReLU on a 1024×256 activation (a batch of hidden layers).
  const [R, C] = [1024, 256];
  const len = R * C;
  const x = values(len, 4), bias = values(C, 5), out = new Float32Array(len), g = values(len, 6), gi = new Float32Array(len);
  const hz = await bestOf([
    {
      name: "js fwd",
      fn: () => {
        for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) {
          const v = x[r * C + c] + bias[c];
          out[r * C + c] = v > 0 ? v : 0;
        }
      },
    },
    { name: "js bwd", fn: () => { for (let i = 0; i < len; i++) gi[i] = x[i] > 0 ? g[i] : 0; } },
    ...["scalar", "simd"].flatMap((backend) => [
      f32Task(`${backend} fwd`, backend, [[len, 4], [C, 5], [len, 7]], (X, B, O) => reluForward(O, X, B, R, C)),
      f32Task(`${backend} bwd`, backend, [[len, 6], [len, 4], [len, 7]], (G, P, O) => reluBackward(O, G, P, len)),
    ]),
  ]);
  const me = (name) => ((hz[name] * len) / 1e6).toFixed(0);
  console.log(`ReLU on ${R}×${C} f32, million elements/s (best of ${ROUNDS})`);
  console.table([
    { pass: "forward (fused bias)", JS: me("js fwd"), "wasm scalar": me("scalar fwd"), "wasm SIMD": me("simd fwd") },
    { pass: "backward (mask)", JS: me("js bwd"), "wasm scalar": me("scalar bwd"), "wasm SIMD": me("simd bwd") },
  ]);
}
