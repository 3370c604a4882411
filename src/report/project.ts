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
  const v = Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => (i === j ? 1 : 0)));
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
 * 2-D coordinates of `vectors` in the plane that keeps most of their energy (principal directions through
 * the origin). For vectors spanning a plane this is an exact isometric picture of it (up to rotation).
 */
export function project2d(vectors: number[][]): { x: number; y: number }[] {
  const k = vectors.length;
  if (k === 0) return [];
  const G = vectors.map((a) => vectors.map((b) => a.reduce((s, ai, t) => s + ai * b[t], 0)));
  const { values, vectors: U } = symmetricEigen(G);
  const s1 = Math.sqrt(Math.max(0, values[0] ?? 0)), s2 = Math.sqrt(Math.max(0, values[1] ?? 0));
  // Coordinates: column s of V Σ for the top two singular pairs (W_S = U Σ Vᵀ ⇒ projections = V Σ).
  const pts = vectors.map((_, s) => ({ x: s1 * U[s][0], y: k > 1 ? s2 * U[s][1] : 0 }));
  // A canonical orientation: the first vector points right (x > 0, y = 0).
  const ang = Math.atan2(pts[0].y, pts[0].x);
  const c = Math.cos(-ang), sn = Math.sin(-ang);
  return pts.map((p) => ({ x: c * p.x - sn * p.y, y: sn * p.x + c * p.y }));
}
