// 2-D pictures of feature sets for the report: the best 2-D view (through the origin) of a few feature
// vectors, from the eigenvectors of their Gram matrix (a tiny cyclic Jacobi solver; the sets are small).
// Layout math for figures only: nothing here is an analysis engine.

/** Columns `features` of W (m rows of n) as vectors. */
export function columns(W: number[][], features: number[]): number[][] {
  return features.map((i) => W.map((row) => row[i]));
}

/** Eigenvalues (descending) and unit eigenvectors (as columns of `vectors`, k×k row-major) of a symmetric k×k matrix. */
export function symmetricEigen(A: number[][]): { values: number[]; vectors: number[][] } {
  const k = A.length;
  const a = A.map((r) => r.slice());
  const v: number[][] = Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < k; p++) for (let q = p + 1; q < k; q++) off += a[p][q] * a[p][q];
    if (off < 1e-30) break;
    for (let p = 0; p < k; p++) {
      for (let q = p + 1; q < k; q++) {
        if (Math.abs(a[p][q]) < 1e-300) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const cs = 1 / Math.sqrt(t * t + 1), sn = t * cs;
        for (let r = 0; r < k; r++) {
          const arp = a[r][p], arq = a[r][q];
          a[r][p] = cs * arp - sn * arq;
          a[r][q] = sn * arp + cs * arq;
        }
        for (let r = 0; r < k; r++) {
          const apr = a[p][r], aqr = a[q][r];
          a[p][r] = cs * apr - sn * aqr;
          a[q][r] = sn * apr + cs * aqr;
        }
        for (let r = 0; r < k; r++) {
          const vrp = v[r][p], vrq = v[r][q];
          v[r][p] = cs * vrp - sn * vrq;
          v[r][q] = sn * vrp + cs * vrq;
        }
      }
    }
  }
  const order = Array.from({ length: k }, (_, i) => i).sort((x, y) => a[y][y] - a[x][x]);
  return { values: order.map((i) => a[i][i]), vectors: v.map((row) => order.map((i) => row[i])) };
}

/**
 * 2-D coordinates of `vectors` for a small picture. Vectors spanning a plane are drawn exactly in it (an
 * isometric picture up to rotation, from the principal directions through the origin). Vectors of higher
 * rank are drawn in their top-3 principal space seen from the direction (on a fixed 15° grid) that keeps
 * distinct vectors furthest apart, so that symmetric shapes (a tetrahedron) do not collapse.
 */
export function project2d(vectors: number[][]): { x: number; y: number }[] {
  const k = vectors.length;
  if (k === 0) return [];
  const G = vectors.map((a) => vectors.map((b) => a.reduce((s, ai, t) => s + ai * b[t], 0)));
  const { values, vectors: U } = symmetricEigen(G);
  const sv = [0, 1, 2].map((r) => Math.sqrt(Math.max(0, values[r] ?? 0)));
  // Coordinates in the principal basis: W_S = U Σ Vᵀ ⇒ the columns' coordinates are the rows of V Σ.
  const P = vectors.map((_, s) => [0, 1, 2].map((r) => (r < k ? sv[r] * U[s][r] : 0)));
  let pts: { x: number; y: number }[];
  if (sv[2] <= 1e-6 * sv[0]) pts = P.map((p) => ({ x: p[0], y: p[1] }));
  else {
    let best = -1;
    pts = [];
    for (let b = 0; b <= 6; b++) {
      for (let a = 0; a < 12; a++) {
        const el = (b * Math.PI) / 12, az = (a * Math.PI) / 12;
        const d = [Math.cos(el) * Math.cos(az), Math.cos(el) * Math.sin(az), Math.sin(el)];
        // An orthonormal basis (e1, e2) of the plane orthogonal to d.
        const ref = Math.abs(d[2]) < 0.9 ? [0, 0, 1] : [1, 0, 0];
        let e1 = cross(ref, d);
        const l1 = Math.hypot(...e1);
        e1 = e1.map((x) => x / l1);
        const e2 = cross(d, e1);
        const cand = P.map((p) => ({ x: dot3(p, e1), y: dot3(p, e2) }));
        let score = Infinity;
        for (let i = 0; i < k; i++) {
          for (let j = i + 1; j < k; j++) {
            if (Math.hypot(P[i][0] - P[j][0], P[i][1] - P[j][1], P[i][2] - P[j][2]) < 1e-9) continue;
            score = Math.min(score, Math.hypot(cand[i].x - cand[j].x, cand[i].y - cand[j].y));
          }
        }
        if (score > best + 1e-12) {
          best = score;
          pts = cand;
        }
      }
    }
  }
  // A canonical orientation: the first vector points right (x > 0, y = 0).
  const ang = Math.atan2(pts[0].y, pts[0].x);
  const c = Math.cos(-ang), sn = Math.sin(-ang);
  return pts.map((p) => ({ x: c * p.x - sn * p.y, y: sn * p.x + c * p.y }));
}

const cross = (a: number[], b: number[]) => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const dot3 = (a: number[], b: number[]) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
