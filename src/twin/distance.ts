// Twin of assembly/distance.ts. Points are dimension-major: coordinate d of point i at x[d*count + i].
// Every squared distance is the sequential sum over d of (x_dj − x_di)² from +0, compared to eps·eps;
// the pair sweep visits each unordered pair inside the sort window once and may stop a sum early once
// it exceeds eps² (partial sums only grow), like the wasm builds. Counts and index lists must agree
// exactly with the wasm builds and with the brute-force definition.

const CHECK = 8;

/** out[j] = sqrt(Σ_d (x_dj − x_dq)²) for every j < count. */
export function chordalDistances(out: Float64Array, x: Float64Array, dim: number, count: number, q: number): void {
  for (let j = 0; j < count; j++) out[j] = 0;
  for (let d = 0; d < dim; d++) {
    const row = d * count;
    const xq = x[row + q];
    for (let j = 0; j < count; j++) {
      const t = x[row + j] - xq;
      out[j] += t * t;
    }
  }
  for (let j = 0; j < count; j++) out[j] = Math.sqrt(out[j]);
}

/** pairSpread(out, x, dim, count): out[0] the largest, out[1] the sum of the pair distances (a < b), in assembly/distance.ts' lanes. */
export function pairSpread(out: Float64Array, x: Float64Array, dim: number, count: number): void {
  let most = 0;
  const s = new Float64Array(8);
  for (let a = 0; a + 1 < count; a++) {
    for (let b = a + 1; b < count; b++) {
      let q = 0;
      for (let d = 0; d < dim; d++) {
        const t = x[d * count + b] - x[d * count + a];
        q += t * t;
      }
      const dist = Math.sqrt(q);
      s[(b - a - 1) & 7] += dist;
      if (dist > most) most = dist;
    }
  }
  out[0] = most;
  out[1] = s[0] + s[1] + (s[2] + s[3]) + (s[4] + s[5] + (s[6] + s[7]));
}

function within(x: Float64Array, dim: number, count: number, i: number, j: number, eps2: number): boolean {
  let s = 0;
  for (let d0 = 0; d0 < dim; d0 += CHECK) {
    const de = Math.min(d0 + CHECK, dim);
    for (let d = d0; d < de; d++) {
      const t = x[d * count + j] - x[d * count + i];
      s = s + t * t;
    }
    if (s > eps2) return false;
  }
  return true;
}

/**
 * Sorts the points by the coordinate with the largest range (stable) and copies them in that order;
 * pairs are then only examined inside the window (key_b − key_a)² ≤ eps² (exact: see
 * assembly/distance.ts). Calls `hit(i, j)` once per unordered neighbour pair (original indices).
 */
function sweep(x: Float64Array, dim: number, count: number, eps2: number, hit: (i: number, j: number) => void): void {
  let c = 0, best = -1;
  for (let d = 0; d < dim; d++) {
    let lo = x[d * count], hi = lo;
    for (let i = 1; i < count; i++) {
      const v = x[d * count + i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (hi - lo > best) {
      best = hi - lo;
      c = d;
    }
  }
  const perm = Array.from({ length: count }, (_, i) => i).sort((p, q) => x[c * count + p] - x[c * count + q] || p - q);
  const xs = new Float64Array(dim * count);
  for (let d = 0; d < dim; d++) for (let a = 0; a < count; a++) xs[d * count + a] = x[d * count + perm[a]];
  const keys = xs.subarray(c * count, (c + 1) * count);
  let e = 0;
  for (let a = 0; a < count; a++) {
    e = Math.max(e, a + 1);
    while (e < count) {
      const t = keys[e] - keys[a];
      if (t * t > eps2) break;
      e++;
    }
    for (let b = a + 1; b < e; b++) if (within(xs, dim, count, a, b, eps2)) hit(perm[a], perm[b]);
  }
}

/** counts[i] = |{j : d(i,j) ≤ eps}|, i included (scikit-learn DBSCAN neighbourhoods). */
export function neighborCounts(counts: Int32Array, x: Float64Array, dim: number, count: number, eps: number): void {
  if (dim === 0) {
    counts.fill(count, 0, count);
    return;
  }
  for (let i = 0; i < count; i++) counts[i] = 1;
  sweep(x, dim, count, eps * eps, (i, j) => {
    counts[i]++;
    counts[j]++;
  });
}

/**
 * CSR neighbourhoods: row i = idx[offsets[i] … offsets[i+1]−1] = the j with d(i,j) ≤ eps (i included),
 * ascending; offsets must be the prefix sums of neighborCounts (rows never overflow into the next).
 */
export function neighborLists(idx: Int32Array, offsets: Int32Array, x: Float64Array, dim: number, count: number, eps: number): void {
  const cursor = Int32Array.from(offsets.subarray(0, count));
  const push = (i: number, j: number) => {
    if (cursor[i] < offsets[i + 1]) idx[cursor[i]++] = j;
  };
  if (dim === 0) {
    for (let i = 0; i < count; i++) for (let j = 0; j < count; j++) push(i, j);
    return;
  }
  for (let i = 0; i < count; i++) push(i, i);
  sweep(x, dim, count, eps * eps, (i, j) => {
    push(i, j);
    push(j, i);
  });
  for (let i = 0; i < count; i++) idx.subarray(offsets[i], cursor[i]).sort();
}

/** Writes the indices j with d(q,j) ≤ eps (q included) ascending into idx; returns how many. */
export function neighbors(idx: Int32Array, x: Float64Array, dim: number, count: number, q: number, eps: number): number {
  const eps2 = eps * eps;
  let num = 0;
  for (let j = 0; j < count; j++) if (within(x, dim, count, q, j, eps2)) idx[num++] = j;
  return num;
}
