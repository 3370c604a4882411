// Twin of assembly/distance.ts. Points are dimension-major: coordinate d of point i at x[d*count + i].
// Every squared distance is the sequential sum over d of (x_dj − x_di)² from +0, compared to eps·eps;
// the pair loop visits each unordered pair once and may stop a sum early once it exceeds eps² (partial
// sums only grow), exactly like the scalar wasm build. Counts and index lists must agree exactly.

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

/** counts[i] = |{j : d(i,j) ≤ eps}|, i included (scikit-learn DBSCAN neighbourhoods). */
export function neighborCounts(counts: Int32Array, x: Float64Array, dim: number, count: number, eps: number): void {
  const eps2 = eps * eps;
  for (let i = 0; i < count; i++) counts[i] = 1;
  for (let i = 0; i < count; i++) {
    for (let j = i + 1; j < count; j++) {
      if (within(x, dim, count, i, j, eps2)) {
        counts[i]++;
        counts[j]++;
      }
    }
  }
}

/** Writes the indices j with d(q,j) ≤ eps (q included) ascending into idx; returns how many. */
export function neighbors(idx: Int32Array, x: Float64Array, dim: number, count: number, q: number, eps: number): number {
  const eps2 = eps * eps;
  let num = 0;
  for (let j = 0; j < count; j++) if (within(x, dim, count, q, j, eps2)) idx[num++] = j;
  return num;
}
