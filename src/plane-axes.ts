// The axis of each embedded line (P = aaᵀ) or hyperplane (P = I − aaᵀ): the single direction that
// determines the plane, for the tree-pruned Prim kernel (assembly/prim-tree.ts) — on the levels
// k = 1 and k = m − 1 the chordal distance of two planes depends on their axes alone.
//
// Each embedded point is read back as the symmetric matrix it embeds (chordalEmbedding: the upper
// triangle row by row, the diagonal × 1/√2), Q = P or I − P; its axis is Q's largest-diagonal column
// over the root of that diagonal, normalised, signed so its entry largest in magnitude (the first of
// equal ones) is positive. The slack certifies the kernel's bound: every point is within
// δ = ‖Q − aaᵀ‖_F/√2 (chordal) of its axis' plane, so two points are at least f(axes) − δ_i − δ_j apart;
// slack = 2·max δ, plus (m + 10)·1e-15 for the rounding of Q, δ and the unit axes (a few ulps of 1 per
// entry, m² entries in a Frobenius norm: ~m ulps). A point that is no line or
// hyperplane (e.g. a rank-deficient subset kept by faithful mode) gets a large δ: the bound stays true,
// it just prunes nothing.

/** Unit axes, point-major (m per point), and the slack that certifies them. */
export interface PlaneAxes {
  axes: Float64Array;
  m: number;
  slack: number;
}

/**
 * planeAxes(pts, dim, count, m, complement): the axes of `count` chordal embeddings of projectors of
 * Rᵐ (point-major pts, dim = m(m+1)/2 per point): of P (lines) or of I − P (hyperplanes, complement).
 */
export function planeAxes(pts: Float64Array, dim: number, count: number, m: number, complement: boolean): PlaneAxes {
  if (dim !== (m * (m + 1)) / 2) throw new Error(`planeAxes: dim ${dim} is not m(m+1)/2 for m = ${m}`);
  const axes = new Float64Array(count * m);
  const q = new Float64Array(m * m);
  let worst = 0;
  for (let i = 0; i < count; i++) {
    for (let a = 0, c = i * dim; a < m; a++) {
      for (let b = a; b < m; b++, c++) {
        const p = a === b ? pts[c] * Math.SQRT2 : pts[c];
        q[a * m + b] = q[b * m + a] = complement ? (a === b ? 1 : 0) - p : p;
      }
    }
    let r = 0;
    for (let a = 1; a < m; a++) if (q[a * m + a] > q[r * m + r]) r = a;
    const o = i * m;
    const root = Math.sqrt(Math.max(q[r * m + r], 0));
    let norm = 0;
    let big = 0;
    for (let a = 0; a < m; a++) {
      const v = root > 0 ? q[r * m + a] / root : a === 0 ? 1 : 0;
      axes[o + a] = v;
      norm += v * v;
      if (Math.abs(v) > Math.abs(axes[o + big])) big = a;
    }
    const scale = (axes[o + big] < 0 ? -1 : 1) / Math.sqrt(norm);
    for (let a = 0; a < m; a++) axes[o + a] *= scale;
    let off = 0;
    for (let a = 0; a < m; a++) {
      const u = q[a * m + a] - axes[o + a] * axes[o + a];
      off += u * u;
      for (let b = a + 1; b < m; b++) {
        const w = q[a * m + b] - axes[o + a] * axes[o + b];
        off += 2 * w * w;
      }
    }
    worst = Math.max(worst, Math.sqrt(off / 2));
  }
  return { axes, m, slack: 2 * worst + (m + 10) * 1e-15 };
}
