// Twin of assembly/prim-tree.ts (same semantics, bit for bit — also with axes or a slack that certify
// nothing, as it builds the same tree and prunes by the same bounds): Prim's truncated single linkage,
// relaxing only the leaves a kd-tree cannot rule out — over the axes of lines or hyperplanes
// (primTreeForest), or over the points themselves (primKdForest).

import { edgeBefore, limitOf, pairSum } from "./prim-block.js";
import { primForest } from "./prim.js";

const LEAF = 8;
const SHRINK = 1 - 2 ** -40;

/** M(1 + slack) + slack(1 + slack): a bound above it puts every pair of a box past the limit M. */
const reach = (most: number, slack: number) => most * (1 + slack) + slack * (1 + slack);

/** primTreeForest(parent, key, x, dim, count, radius, axes, m, slack) → 1, or 0 when it ran primForest: see assembly/prim-tree.ts. */
export function primTreeForest(
  parent: Int32Array, key: Float64Array, x: Float64Array, dim: number, count: number, radius: number, axes: Float64Array, m: number, slack: number,
): number {
  return treeForest(parent, key, x, dim, count, radius, axes, m, slack, true);
}

/** primKdForest(parent, key, x, dim, count, radius) → 1, or 0 when it ran primForest: see assembly/prim-tree.ts. */
export function primKdForest(parent: Int32Array, key: Float64Array, x: Float64Array, dim: number, count: number, radius: number): number {
  const points = new Float64Array(count * dim); // point-major: the axes are the points
  for (let p = 0; p < count; p++) for (let d = 0; d < dim; d++) points[p * dim + d] = x[d * count + p];
  return treeForest(parent, key, x, dim, count, radius, points, dim, 0, false);
}

function treeForest(
  parent: Int32Array, key: Float64Array, x: Float64Array, dim: number, count: number, radius: number, axes: Float64Array, m: number, slack: number, planes: boolean,
): number {
  if (count === 0) return 1;
  let leaves = 1;
  while (leaves * LEAF < count) leaves *= 2;
  const live = Math.ceil(count / LEAF);
  const ld = live * LEAF;
  const r2 = radius * radius;
  // Slots: the points in the tree's leaf order (id), padding dead.
  const id = Int32Array.from({ length: ld }, (_, t) => t);
  const ax = axes.slice(0, count * m);
  const box = new Float64Array(2 * leaves * m * 2);
  split(1, 0, count, leaves, id, ax, m, box);
  const slotOf = new Int32Array(count);
  for (let t = 0; t < count; t++) slotOf[id[t]] = t;
  const par = new Int32Array(ld).fill(-1);
  const kd = new Float64Array(ld).fill(Infinity);
  const lim = Float64Array.from({ length: ld }, (_, t) => (t < count ? r2 : -Infinity));
  const lmax = new Float64Array(live).fill(r2);

  // Each leaf's neighbour leaves: the pairs whose boxes may be within the radius.
  const within = reach(r2, slack);
  const nb: number[][] = Array.from({ length: live }, () => []);
  const cap = Math.min(Math.floor((live * live) / 8), 2 ** 22);
  let pairs = 0;
  const dual = (a: number, b: number): void => {
    if (pairs > cap) return;
    if (m > 0 && (box[2 * a * m] > box[2 * a * m + 1] || box[2 * b * m] > box[2 * b * m + 1])) return;
    if (boxBound(box, a, box, b, m, planes) > within) return;
    if (a >= leaves) {
      if (Math.max(a, b) - leaves >= live) return; // a leaf without points (m = 0 has no boxes)
      pairs++;
      nb[a - leaves].push(b - leaves);
      if (b !== a) nb[b - leaves].push(a - leaves);
    } else if (a === b) {
      dual(2 * a, 2 * a);
      dual(2 * a, 2 * a + 1);
      dual(2 * a + 1, 2 * a + 1);
    } else {
      for (const c of [2 * a, 2 * a + 1]) for (const d of [2 * b, 2 * b + 1]) dual(c, d);
    }
  };
  dual(1, 1);
  if (pairs > cap) {
    primForest(parent, key, x, dim, count, radius); // lists too long to pay
    return 0;
  }

  const q = new Float64Array(2 * m); // the joining point's axis as a box
  let lowest = 0;
  let at = slotOf[0];
  for (let nFree = count; ; ) {
    const v = id[at];
    parent[v] = par[at];
    key[v] = par[at] < 0 ? 0 : kd[at];
    kd[at] = Infinity;
    lim[at] = -Infinity;
    slotOf[v] = -1;
    const home = Math.floor(at / LEAF);
    lmax[home] = leafMax(lim, home);
    if (--nFree === 0) break;
    for (let a = 0; a < m; a++) q[2 * a] = q[2 * a + 1] = axes[v * m + a];
    for (const l of nb[home]) {
      const most = lmax[l];
      if (!(most >= 0) || boxBound(q, 0, box, leaves + l, m, planes) > reach(most, slack)) continue;
      for (let t = l * LEAF; t < l * LEAF + LEAF; t++) {
        const j = id[t]; // padding and joined slots have limit −∞: no coordinate is read
        const s = pairSum(x, count, dim, j, v, lim[t]);
        if (!(s <= lim[t])) continue;
        const dist = Math.sqrt(s);
        if (par[t] >= 0 && !edgeBefore(dist, v, j, kd[t], par[t], j)) continue;
        par[t] = v;
        kd[t] = dist;
        lim[t] = limitOf(s, r2);
      }
      lmax[l] = leafMax(lim, l);
    }
    // The least edge into the tree: least d, then (lo, hi); none: the lowest free point starts a tree.
    let best = -1;
    for (let t = 0; t < ld; t++) {
      if (kd[t] < Infinity && (best < 0 || edgeBefore(kd[t], par[t], id[t], kd[best], par[best], id[best]))) best = t;
    }
    if (best >= 0) at = best;
    else {
      while (slotOf[lowest] < 0) lowest++;
      at = slotOf[lowest];
    }
  }
  return 1;
}

/** The largest limit of leaf l's slots (Math.max over them). */
function leafMax(lim: Float64Array, l: number): number {
  let r = -Infinity;
  for (let t = l * LEAF; t < l * LEAF + LEAF; t++) r = Math.max(r, lim[t]);
  return r;
}

/** The kernel's lower bound on d² between the axes of box i of `a` and box j of `b` (planes: either sign). */
function boxBound(a: Float64Array, i: number, b: Float64Array, j: number, m: number, planes: boolean): number {
  let gp = 0, gn = 0;
  for (let c = 0; c < m; c++) {
    const la = a[2 * (i * m + c)], ha = a[2 * (i * m + c) + 1], lb = b[2 * (j * m + c)], hb = b[2 * (j * m + c) + 1];
    const p = gap(lb - ha, la - hb);
    const n = gap(lb + la, -ha - hb);
    gp += p * p;
    gn += n * n;
  }
  if (!planes) return gp * SHRINK;
  const e2 = Math.min(gp, gn, 2);
  return e2 * (1 - 0.25 * e2) * SHRINK;
}

/** The box (lo, hi interleaved, at out[2·(o + a)]) of the axes of slots s0 … s1 − 1 (empty: +∞, −∞). */
function boundingBox(out: Float64Array, o: number, ax: Float64Array, m: number, s0: number, s1: number): void {
  for (let a = 0; a < m; a++) {
    let l = Infinity, h = -Infinity;
    for (let t = s0; t < s1; t++) {
      const c = ax[t * m + a];
      if (c < l) l = c;
      if (c > h) h = c;
    }
    out[2 * (o + a)] = l;
    out[2 * (o + a) + 1] = h;
  }
}

/** The kernel's pmax(pmax(u, w), 0) with pmax(a, b) = a < b ? b : a (NaN passes through). */
function gap(u: number, w: number): number {
  const t = u < w ? w : u;
  return t < 0 ? 0 : t;
}

/** The kernel's split: node i's box over slots s0 … s1 − 1, the median cut along its widest coordinate. */
function split(i: number, s0: number, s1: number, span: number, id: Int32Array, ax: Float64Array, m: number, box: Float64Array): void {
  boundingBox(box, i * m, ax, m, s0, s1);
  if (span === 1) return;
  let wide = 0;
  for (let a = 1; a < m; a++) {
    if (box[2 * (i * m + a) + 1] - box[2 * (i * m + a)] > box[2 * (i * m + wide) + 1] - box[2 * (i * m + wide)]) wide = a;
  }
  const half = span / 2;
  const sm = Math.min(s0 + half * LEAF, s1);
  if (sm > s0 && sm < s1) select(id, ax, m, wide, s0, s1, sm);
  split(2 * i, s0, sm, half, id, ax, m, box);
  split(2 * i + 1, sm, s1, half, id, ax, m, box);
}

/** The kernel's quickselect (Hoare partition, middle pivot) by (coordinate a, point); axes move with ids. */
function select(id: Int32Array, ax: Float64Array, m: number, a: number, s0: number, s1: number, sm: number): void {
  const before = (kp: number, p: number, kq: number, q: number) => (kp !== kq ? kp < kq : p < q);
  let l = s0, r = s1 - 1;
  while (l < r) {
    const pm = (l + r) >>> 1;
    const kp = ax[pm * m + a], p = id[pm];
    let i = l, j = r;
    while (i <= j) {
      while (before(ax[i * m + a], id[i], kp, p)) i++;
      while (before(kp, p, ax[j * m + a], id[j])) j--;
      if (i <= j) {
        [id[i], id[j]] = [id[j], id[i]];
        for (let c = 0; c < m; c++) [ax[i * m + c], ax[j * m + c]] = [ax[j * m + c], ax[i * m + c]];
        i++;
        j--;
      }
    }
    if (sm <= j) r = j;
    else if (sm - 1 >= i) l = i;
    else break;
  }
}
