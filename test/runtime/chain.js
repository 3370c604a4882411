// The kernel chain every runtime of the matrix runs (test/runtime.test.ts). Plain ESM JavaScript with
// no imports: Node, Deno and Bun import it next to a script that imports `tegum`, Chromium loads it
// from the test server, workerd embeds it as a module. It receives the package's namespace, so the
// code under test is whatever the runtime's `exports` condition picked.
//
// Inputs come from an integer LCG (never Math.random); every intermediate result is digested, so a
// difference anywhere shows up, and `steps` says where.

/** The backends each runtime is asked for, in this order. */
export const BACKENDS = ["simd", "scalar"];

/** Numerical Recipes LCG over uint32. */
function lcg(seed) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
}

/** n values in [-1, 1) with 24-bit mantissas: exact in f32 and f64 alike. */
function uniform(n, seed, Type = Float32Array) {
  const next = lcg(seed);
  const out = new Type(n);
  for (let i = 0; i < n; i++) out[i] = ((next() >>> 8) - 0x800000) / 0x800000;
  return out;
}

/** A deterministic choice of `count` subsets of `k` distinct columns out of `n`, row by row. */
function subsets(n, k, count, seed) {
  const next = lcg(seed);
  const out = new Int32Array(count * k);
  for (let s = 0; s < count; s++) {
    for (let j = 0; j < k; j++) {
      let c;
      do c = next() % n;
      while (out.subarray(s * k, s * k + j).includes(c));
      out[s * k + j] = c;
    }
  }
  return out;
}

// Sizes: none a multiple of 4, so every SIMD tail path runs.
const M = 37, K = 29, N = 23; // matmul / relu
const MW = 6, KS = 3, COUNT = 45; // projectors: W is MW×N (f64), subsets of KS columns
const REL_TOL = 1e-10;

/**
 * Runs the chain on the backend `tegum` was initialised with: every kernel, fed by the previous ones,
 * operands resident in wasm (WasmArray) except where noted; then a 200-step training run, the
 * analysis of its weights and the bundle finder.
 * @returns {Promise<{ backend: string | null, digest: string, kernels: string[], steps: Record<string, string> }>}
 */
export async function chain(tegum) {
  const steps = {};
  const kernels = [];
  const outputs = [];
  const call = (name, ...args) => {
    if (!kernels.includes(name)) kernels.push(name);
    return tegum[name](...args);
  };
  const copy = (x) => (x instanceof tegum.WasmArray ? x.toArray() : x.slice());
  const record = (name, ...arrays) => {
    const copies = arrays.map(copy);
    steps[name] = tegum.digest(...copies);
    outputs.push(...copies);
  };

  tegum.scoped(() => {
    // Inputs, resident. A 2 MiB allocation in between grows memory, detaching every earlier view.
    const A = tegum.f32(uniform(M * K, 1));
    const B = tegum.f32(uniform(K * N, 2));
    const bias = tegum.f32(uniform(N, 3));
    tegum.f64(1 << 18);
    record("inputs", A, B, bias);

    // Forward: pre = A·B (and A·B accumulated onto other values), H = relu(pre + bias).
    const pre = tegum.f32(M * N);
    const H = tegum.f32(M * N);
    call("matmul", pre, A, B, M, K, N);
    const acc = tegum.f32(uniform(M * N, 4));
    call("matmul", acc, A, B, M, K, N, true);
    record("matmul", pre, acc);
    call("reluForward", H, pre, bias, M, N);
    record("reluForward", H);

    // Backward: G = relu'(pre) ⊙ dH, dB = Aᵀ·G, dA = G·Bᵀ (dA with plain arrays: the copying path).
    const dH = tegum.f32(uniform(M * N, 5));
    const G = tegum.f32(M * N);
    call("reluBackward", G, dH, pre, M * N);
    const dB = tegum.f32(K * N);
    call("matmulAtB", dB, A, G, K, M, N);
    call("matmulAtB", dB, A, G, K, M, N, true);
    const dA = new Float32Array(M * K);
    call("matmulABt", dA, G.toArray(), B.toArray(), M, N, K);
    record("backward", G, dB, dA);

    // Gram and interference: f32 over H, f64 over W = the first MW rows of H.
    const W = tegum.f64(Float64Array.from(H.array.subarray(0, MW * N)));
    const G32 = tegum.f32(N * N);
    call("gram", G32, H, M, N);
    record("gram", G32);
    const G64 = tegum.f64(N * N);
    const norms = tegum.f64(N);
    const intf = tegum.f64(N);
    call("gram64", G64, W, MW, N);
    call("columnNorms", norms, W, MW, N);
    call("interference", intf, G64, N);
    record("gram64", G64, norms, intf);

    // One projector: basis of the first KS columns of W, P = AAᵀ, its chordal embedding; col-red.
    const WS = tegum.f64(MW * KS);
    for (let r = 0; r < MW; r++) for (let j = 0; j < KS; j++) WS.array[r * KS + j] = W.array[r * N + j];
    const basis = tegum.f64(MW * KS);
    const sigma = tegum.f64(KS);
    const rank = call("orthonormalBasis", basis, sigma, WS, MW, KS, REL_TOL);
    const P = tegum.f64(MW * MW);
    call("projector", P, basis, MW, KS, rank);
    const emb = tegum.f64((MW * (MW + 1)) / 2);
    call("chordalEmbedding", emb, P, MW);
    record("projector", Int32Array.of(rank), basis, sigma, P, emb);
    const R = tegum.f64(MW * KS);
    const reducedRank = call("columnReduce", R, WS, MW, KS, REL_TOL);
    record("columnReduce", Int32Array.of(reducedRank), R);

    // Many projectors: embeddings of COUNT column subsets (dimension-major), then their distances.
    const D = (MW * (MW + 1)) / 2;
    const S = tegum.i32(subsets(N, KS, COUNT, 6));
    const X = tegum.f64(D * COUNT);
    const ranks = tegum.i32(COUNT);
    call("subsetEmbeddings", X, ranks, W, MW, N, S, KS, COUNT, REL_TOL);
    record("subsetEmbeddings", S, ranks, X);
    const Y = tegum.f64(D * COUNT);
    const reducedRanks = tegum.i32(COUNT);
    call("subsetReducedEmbeddings", Y, reducedRanks, W, MW, N, S, KS, COUNT, REL_TOL);
    record("subsetReducedEmbeddings", reducedRanks, Y);
    // eps: the 12th smallest distance from point 0, so neighbourhoods are neither empty nor everything.
    const dist = new Float64Array(COUNT);
    call("chordalDistances", dist, X, D, COUNT, 0);
    record("chordalDistances", dist);
    const eps = dist.slice().sort()[12];
    const counts = tegum.i32(COUNT);
    call("neighborCounts", counts, X, D, COUNT, eps);
    record("neighborCounts", counts);
    const idx = tegum.i32(COUNT);
    const found = call("neighbors", idx, X, D, COUNT, 0, eps);
    record("neighbors", Int32Array.of(found), idx);
  });

  // Training (issue 3's 200-step run; on the calling thread, as workerd has no workers), then the
  // analysis and bundles of the sparsest instance.
  const run = await tegum.train(
    { n: 20, m: 5, instances: 4, p: tegum.sweeps.falloff(4, 20), importance: tegum.sweeps.geometric(20, 0.7), batch: 256, steps: 200, seed: 1 },
    { workers: 0 },
  );
  record("train", ...run.instances.flatMap((x) => [x.W, x.b, x.loss]));
  const w = run.instances[3].W;
  const metrics = tegum.featureMetrics(w, 5, 20);
  record("featureMetrics", metrics.norms, metrics.superposition, metrics.dimensionality);
  const found = tegum.findBundles(w, 5, 20, { maxK: 2 });
  record("findBundles", Int32Array.from(found.bundles.flatMap((b) => [b.rank, ...b.features, -1])));

  return { backend: tegum.backend(), digest: tegum.digest(...outputs), kernels, steps };
}

/**
 * `init({ backend })` then `chain` for each backend. Errors are returned, not thrown, so the test
 * can show what failed where.
 */
export async function matrix(tegum) {
  const results = [];
  for (const asked of BACKENDS) {
    try {
      const init = await tegum.init({ backend: asked });
      results.push({ asked, init, ...(await chain(tegum)) });
    } catch (e) {
      results.push({ asked, error: String((e && e.stack) || e) });
    }
  }
  return results;
}
