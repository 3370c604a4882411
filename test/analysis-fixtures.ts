// Exact geometry fixtures and seeded randomness for the analysis tests (metrics, tegum factors,
// polytopes, Thomson, spheres, arrangements). Configurations are lists of column vectors; `toW` packs
// them into W (m×n row-major, column i = feature i).

/** mulberry32 → uniform [0, 1) (test data only). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gaussian(r: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

export type Config = number[][];

/** Columns → W (m×n row-major); shorter columns are zero-padded to m. */
export function toW(cols: Config, m = Math.max(...cols.map((c) => c.length))): Float64Array {
  const n = cols.length;
  const w = new Float64Array(m * n);
  cols.forEach((c, i) => c.forEach((x, p) => (w[p * n + i] = x)));
  return w;
}

export function fromW(w: ArrayLike<number>, m: number, n: number): Config {
  return Array.from({ length: n }, (_, i) => Array.from({ length: m }, (_, p) => w[p * n + i]));
}

export function unit(v: number[]): number[] {
  const l = Math.hypot(...v);
  return v.map((x) => x / l);
}

export const polygon = (k: number, phase = 0, r = 1): Config =>
  Array.from({ length: k }, (_, j) => [r * Math.cos(phase + (2 * Math.PI * j) / k), r * Math.sin(phase + (2 * Math.PI * j) / k)]);

export const digon = (): Config => [[1], [-1]];

/** d+1 unit vectors in R^d with pairwise cosine −1/d. */
export function simplex(d: number): Config {
  // Centre the standard basis of R^{d+1}, then express it in an orthonormal basis of 1^⊥.
  const pts = Array.from({ length: d + 1 }, (_, i) => Array.from({ length: d + 1 }, (_, j) => (i === j ? 1 : 0) - 1 / (d + 1)));
  const basis: number[][] = [];
  for (const p of pts) {
    const v = p.slice();
    for (const b of basis) {
      const c = b.reduce((s, x, t) => s + x * v[t], 0);
      for (let t = 0; t < v.length; t++) v[t] -= c * b[t];
    }
    const l = Math.hypot(...v);
    if (l > 1e-9 && basis.length < d) basis.push(v.map((x) => x / l));
  }
  return pts.map((p) => unit(basis.map((b) => b.reduce((s, x, t) => s + x * p[t], 0))));
}

export function crossPolytope(d: number): Config {
  const out: Config = [];
  for (let i = 0; i < d; i++) {
    const e = Array(d).fill(0);
    e[i] = 1;
    out.push(e, e.map((x) => -x));
  }
  return out;
}

const PHI = (1 + Math.sqrt(5)) / 2;
export const icosahedron = (): Config => {
  const out: Config = [];
  for (const s1 of [1, -1]) for (const s2 of [1, -1]) {
    out.push(unit([0, s1, s2 * PHI]), unit([s1, s2 * PHI, 0]), unit([s2 * PHI, 0, s1]));
  }
  return out;
};
export const cube = (): Config => {
  const out: Config = [];
  for (const a of [1, -1]) for (const b of [1, -1]) for (const c of [1, -1]) out.push(unit([a, b, c]));
  return out;
};
export const dodecahedron = (): Config => {
  const out: Config = cube();
  for (const s1 of [1, -1]) for (const s2 of [1, -1]) {
    out.push(unit([0, s1 / PHI, s2 * PHI]), unit([s1 / PHI, s2 * PHI, 0]), unit([s2 * PHI, 0, s1 / PHI]));
  }
  return out;
};
/** Two squares at heights ±h (h² = height2), rotated by 45°, unit vectors. */
export function squareAntiprism(height2 = 1 / 3): Config {
  const h = Math.sqrt(height2), r = Math.sqrt(1 - height2);
  return Array.from({ length: 8 }, (_, j) => [r * Math.cos((j * Math.PI) / 4), r * Math.sin((j * Math.PI) / 4), j % 2 === 0 ? h : -h]);
}
/** A k-gon on the equator plus the two poles (k=3: Thomson-5, k=5: Thomson-7). */
export function bipyramid(k: number): Config {
  return [...polygon(k).map(([x, y]) => [x, y, 0]), [0, 0, 1], [0, 0, -1]];
}

/** Orthogonal direct sum: each block in its own coordinates. */
export function directSum(...blocks: Config[]): Config {
  const dims = blocks.map((b) => Math.max(...b.map((c) => c.length)));
  const m = dims.reduce((a, b) => a + b, 0);
  const out: Config = [];
  let off = 0;
  blocks.forEach((b, t) => {
    for (const c of b) {
      const v = Array(m).fill(0);
      c.forEach((x, p) => (v[off + p] = x));
      out.push(v);
    }
    off += dims[t];
  });
  return out;
}

/** A random m×m orthogonal matrix (Gram–Schmidt of a Gaussian matrix), row-major. */
export function randomRotation(m: number, seed: number): Float64Array {
  const g = gaussian(rng(seed));
  const cols: number[][] = [];
  while (cols.length < m) {
    const v = Array.from({ length: m }, g);
    for (let pass = 0; pass < 2; pass++) {
      for (const q of cols) {
        const c = q.reduce((s, x, t) => s + x * v[t], 0);
        for (let t = 0; t < m; t++) v[t] -= c * q[t];
      }
    }
    const l = Math.hypot(...v);
    if (l > 1e-6) cols.push(v.map((x) => x / l));
  }
  const r = new Float64Array(m * m);
  cols.forEach((c, j) => c.forEach((x, i) => (r[i * m + j] = x)));
  return r;
}

/** R·W for R m×m and W m×n (row-major). */
export function rotate(r: ArrayLike<number>, w: ArrayLike<number>, m: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let p = 0; p < m; p++) {
    const a = r[i * m + p];
    for (let j = 0; j < n; j++) out[i * n + j] += a * w[p * n + j];
  }
  return out;
}

/** Columns permuted: new column t = old column perm[t]. */
export function permute(w: ArrayLike<number>, m: number, n: number, perm: number[]): Float64Array {
  const out = new Float64Array(m * n);
  for (let p = 0; p < m; p++) for (let t = 0; t < n; t++) out[p * n + t] = w[p * n + perm[t]];
  return out;
}

/** A seeded random permutation of 0..n−1. */
export function randomPermutation(n: number, seed: number): number[] {
  const r = rng(seed);
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

/** Canonical form of a partition given as labels (−1 kept apart): sorted list of sorted groups. */
export function partition(labels: ArrayLike<number>): string {
  const groups = new Map<number, number[]>();
  const noise: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] < 0) noise.push(i);
    else groups.set(labels[i], [...(groups.get(labels[i]) ?? []), i]);
  }
  const gs = [...groups.values()].map((g) => g.join(",")).sort();
  return JSON.stringify({ groups: gs, noise });
}
