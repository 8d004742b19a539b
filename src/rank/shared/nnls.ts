// Non-negative least squares, min |A x - b| subject to x >= 0 (Lawson & Hanson 1974, ch. 23, the
// active-set algorithm scipy.optimize.nnls implements). Small dense problems only (tens of columns):
// each step solves the passive set's normal equations (solveRidge's Cholesky). Used by bench:rank to bound what
// any mix of the other datasets' standings could reach on a held-out dataset.
import { solveRidge } from './standing-ridge.ts';

/** A: m rows x n columns (row-major arrays), b: m values. Returns x (n values, all >= 0). */
export function nnls(A: ArrayLike<number>[], b: ArrayLike<number>, maxIter = 30 * (A[0]?.length ?? 0) + 30): Float64Array {
  const m = A.length, n = A[0]?.length ?? 0;
  const x = new Float64Array(n);
  const passive = new Uint8Array(n);
  const AtA = Array.from({ length: n }, (_, i) => Float64Array.from({ length: n }, (_, j) => { let s = 0; for (let r = 0; r < m; r++) s += A[r][i] * A[r][j]; return s; }));
  const Atb = Float64Array.from({ length: n }, (_, i) => { let s = 0; for (let r = 0; r < m; r++) s += A[r][i] * b[r]; return s; });
  const scale = Math.max(1e-300, ...Array.from(Atb, Math.abs), ...AtA.map((r) => Math.max(...Array.from(r, Math.abs))));
  const tol = 1e-12 * scale * Math.max(m, n);
  // gradient of -0.5 |Ax - b|^2: w = A'b - A'A x
  const grad = () => Float64Array.from({ length: n }, (_, i) => { let s = Atb[i]; for (let j = 0; j < n; j++) s -= AtA[i][j] * x[j]; return s; });
  // least squares restricted to the passive set (zeros elsewhere); a tiny ridge keeps the solve
  // positive definite when two columns are alike
  const solveP = (): Float64Array => {
    const P = [...passive.keys()].filter((i) => passive[i]);
    const y = solveRidge(P.map((i) => Float64Array.from(P, (j) => AtA[i][j])), P.map((i) => Float64Array.of(Atb[i])), 1e-13 * scale);
    const z = new Float64Array(n);
    P.forEach((p, i) => (z[p] = y[i][0]));
    return z;
  };
  for (let it = 0; it < maxIter; it++) {
    const w = grad();
    let best = -1;
    for (let i = 0; i < n; i++) if (!passive[i] && w[i] > tol && (best < 0 || w[i] > w[best])) best = i;
    if (best < 0) break;
    passive[best] = 1;
    for (;;) {
      const z = solveP();
      let alpha = Infinity;
      for (let i = 0; i < n; i++) if (passive[i] && z[i] <= 0) alpha = Math.min(alpha, x[i] / (x[i] - z[i]));
      if (alpha === Infinity) { x.set(z); break; }
      // step back to the boundary and drop the variables that reached zero
      for (let i = 0; i < n; i++) {
        x[i] += alpha * (z[i] - x[i]);
        if (passive[i] && x[i] <= tol) { passive[i] = 0; x[i] = 0; }
      }
      if (!passive.some((p) => p)) break;
    }
  }
  return x;
}
