// Candidate pairs for the bundle finder's truncated single linkage, from the span screen's near columns
// (span-screen.ts): if two rank-k subsets S, T are within the radius, every column of T ∖ S lies within
// it of span(S) and every column of S ∖ T within it of span(T). So T is a k-subset of S ∪ near(S), and
// S ∖ T ⊂ near(T): the pairs to test are found without looking at the other N − 1 points.
import { binomial, combinations } from "./subsets.js";
import type { Near } from "./span-screen.js";

/** The near columns of a level's groups (factor by factor), as one CSR over the level's subsets. */
export function concatNear(parts: Near[]): Near {
  const total = parts.reduce((a, l) => a + l.offsets.length - 1, 0);
  const offsets = new Int32Array(total + 1);
  const columns = new Int32Array(parts.reduce((a, l) => a + l.columns.length, 0));
  let s = 0;
  for (const l of parts) {
    columns.set(l.columns, offsets[s]);
    for (let t = 1; t < l.offsets.length; t++) offsets[s + t] = offsets[s] + l.offsets[t];
    s += l.offsets.length - 1;
  }
  return { offsets, columns };
}

/** Σ over the points (subsets point[c], default all) of the k-subsets of S ∪ near(S) other than S. */
export function candidatePairs(near: Near, k: number, count: number, point?: ArrayLike<number>): number {
  let total = 0;
  for (let c = 0; c < count; c++) {
    const s = point === undefined ? c : point[c];
    total += binomial(k + near.offsets[s + 1] - near.offsets[s], k) - 1;
  }
  return total;
}

/**
 * Whether the candidates beat radiusLinkage (the wasm sort-and-sweep, or Prim on dense levels). `pairs`
 * (candidatePairs) counts each pair from both sides; a candidate costs a hash probe and, when it is a
 * point, the reverse check and a distance in JS (~85 ns each on a Gaussian n=20, m=5 level of 4690
 * points), where the sweep or Prim spends 2–5 ns on each of the N²/2 pairs: candidates pay below about
 * N²/32 of them.
 */
export const candidatesPay = (pairs: number, count: number) => pairs <= (count * (count - 1)) / 32;

/**
 * Candidate neighbours of point c (the subset subsets[point[c]] of the level, point[] ascending, the
 * subsets of each group in lexicographic order): the points j > c among the k-subsets of S ∪ near(S)
 * whose S ∖ T lies in near(T), ascending. The returned array is reused by the next call.
 */
export function spanCandidates(near: Near, subsets: Int32Array, k: number, point: ArrayLike<number>): (c: number) => Int32Array {
  const count = point.length;
  // Open addressing on a hash of the k-tuple (load ≤ 1/2), a probe compared column by column: exact for
  // any n and k.
  const bits = Math.max(4, Math.ceil(Math.log2(2 * count + 1)));
  const mask = (1 << bits) - 1;
  const table = new Int32Array(1 << bits).fill(-1);
  const hash = (t: ArrayLike<number>, o: number): number => {
    let h = 0x811c9dc5;
    for (let i = 0; i < k; i++) h = Math.imul(h ^ t[o + i], 0x01000193);
    return Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> (32 - bits);
  };
  for (let c = 0; c < count; c++) {
    let p = hash(subsets, point[c] * k);
    while (table[p] >= 0) p = (p + 1) & mask;
    table[p] = c;
  }
  const tuple = new Int32Array(k);
  const find = (): number => {
    for (let p = hash(tuple, 0); ; p = (p + 1) & mask) {
      const c = table[p];
      if (c < 0) return -1;
      const o = point[c] * k;
      let i = 0;
      while (i < k && subsets[o + i] === tuple[i]) i++;
      if (i === k) return c;
    }
  };
  const patterns: Int32Array[] = []; // u → the k-subsets of 0…u−1, lexicographic
  let union = new Int32Array(0);
  let out = new Int32Array(0);
  return (c) => {
    const s = point[c];
    const lo = near.offsets[s], u = k + near.offsets[s + 1] - lo;
    if (union.length < u) union = new Int32Array(2 * u);
    union.set(subsets.subarray(s * k, s * k + k));
    union.set(near.columns.subarray(lo, lo + u - k), k);
    union.subarray(0, u).sort();
    const pattern = (patterns[u] ??= combinations(Array.from({ length: u }, (_, i) => i), k));
    if (out.length < pattern.length / k) out = new Int32Array(pattern.length / k);
    // Each pair once, from its lower point: points are in lexicographic order within a group and so are
    // the patterns over the sorted union, so only the patterns after S's own can give j > c.
    let found = 0;
    for (let a = (patternOf(pattern, union, subsets, s * k, k) + 1) * k; a < pattern.length; a += k) {
      for (let i = 0; i < k; i++) tuple[i] = union[pattern[a + i]];
      const j = find();
      if (j > c && spansBack(near, subsets, s * k, point[j], k)) out[found++] = j;
    }
    return out.subarray(0, found);
  };
}

/** Whether every column of subset sOff (at subsets[sOff…]) outside subset t is among t's near columns. */
function spansBack(near: Near, subsets: Int32Array, sOff: number, t: number, k: number): boolean {
  const to = t * k, lo = near.offsets[t], hi = near.offsets[t + 1];
  for (let i = 0; i < k; i++) {
    const f = subsets[sOff + i];
    let inT = false;
    for (let a = 0; a < k && !inT; a++) inT = subsets[to + a] === f;
    if (inT) continue;
    let isNear = false;
    for (let p = lo; p < hi && !isNear; p++) isNear = near.columns[p] === f;
    if (!isNear) return false;
  }
  return true;
}

/**
 * Index of the k-subset of positions 0…u−1 (patterns: all of them, lexicographic) that picks the k
 * columns at subsets[o…] out of the sorted `union` (they are all in it): binary search.
 */
function patternOf(pattern: Int32Array, union: Int32Array, subsets: Int32Array, o: number, k: number): number {
  let lo = 0, hi = pattern.length / k - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    let i = 0;
    while (i < k - 1 && union[pattern[mid * k + i]] === subsets[o + i]) i++;
    if (union[pattern[mid * k + i]] < subsets[o + i]) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
