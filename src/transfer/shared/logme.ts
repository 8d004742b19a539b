// LogME (You et al., ICML 2021; fixed-point iteration of "Ranking and Tuning Pre-trained Models",
// You et al., JMLR 2022 / thuml/LogME LogME._fit_fixed_point). Per class c, y_c = 1[label = c] is
// regressed on F with prior w ~ N(0, alpha^-1 I) and noise N(0, beta^-1); alpha and beta are
// maximised by MacKay's fixed point; the score is the mean over classes of log evidence / N.
import { eighProjections, gramCols, gramRows, numClasses, type Features } from './linalg.ts';

export interface LogMEOptions {
  /** Treat `targets` as an N x K real matrix (regression) instead of class labels. */
  regression?: boolean;
  /** Max fixed-point steps (thuml: 11) and relative tolerance on alpha/beta (thuml: 1e-3). */
  maxIter?: number;
  tol?: number;
}

/**
 * Spectrum of F^T F and the projections x = U^T y (U: left singular vectors of F), from whichever
 * Gram matrix is smaller (the paper's N < D / N > D trick). Directions with zero singular value
 * are left out of x; their mass is the residual ||y||^2 - ||x||^2.
 */
function spectrum(f: Features, ys: Float64Array[]): { sigma: Float64Array; xs: Float64Array[] } {
  const { n, d, data } = f;
  if (n <= d) {
    const { values, xs } = eighProjections(gramRows(f), n, ys); // F F^T = U S U^T, x = U^T y
    return { sigma: values.map((v) => Math.max(v, 0)), xs };
  }
  // F^T F = V S V^T, u_j = F v_j / s_j, so x_j = u_j^T y = v_j^T (F^T y) / s_j
  const ftys = ys.map((y) => {
    const fty = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      const yi = y[i];
      if (yi === 0) continue;
      for (let j = 0; j < d; j++) fty[j] += data[i * d + j] * yi;
    }
    return fty;
  });
  const { values, xs } = eighProjections(gramCols(f), d, ftys);
  // thuml's truncated_svd keeps singular values > 1e-10 (absolute). Those of a rank-deficient F come out
  // of numpy's SVD at its rounding floor (~sqrt(eps) s_max, far above 1e-10), so the reference keeps
  // them as sigma ~ 0: each adds log(alpha) to the log-determinant. Same here: a direction at the
  // rounding floor is kept with sigma = 0 and x = 0 (its mass stays in the residual ||y||^2 - ||x||^2).
  const floor = Math.max(values[0], 0) * d * 2 ** -52;
  let k = 0;
  while (k < d && Math.sqrt(Math.max(Math.abs(values[k]), floor)) > 1e-10) k++;
  const sigma = Float64Array.from({ length: k }, (_, j) => (values[j] > floor ? values[j] : 0));
  return { sigma, xs: xs.map((x) => Float64Array.from({ length: k }, (_, j) => (sigma[j] > 0 ? x[j] / Math.sqrt(sigma[j]) : 0))) };
}

/** Maximum log evidence / N for one target column, given the spectrum of F^T F. */
export function logEvidence(
  sigma: Float64Array,
  x: Float64Array,
  yNorm2: number,
  n: number,
  d: number,
  maxIter = 11,
  tol = 1e-3,
  exactEvidence = false,
): number {
  const k = sigma.length;
  let x2sum = 0;
  for (let j = 0; j < k; j++) x2sum += x[j] * x[j];
  const resX2 = Math.max(yNorm2 - x2sum, 0); // mass of y outside the column space of F
  let alpha = 1;
  let beta = 1;
  let m2 = 0;
  let res2 = 0;
  for (let it = 0; it < maxIter; it++) {
    const t = alpha / beta;
    let gamma = 0;
    m2 = 0;
    res2 = resX2;
    for (let j = 0; j < k; j++) {
      const s = sigma[j];
      const x2 = x[j] * x[j];
      gamma += s / (s + t);
      m2 += (s * x2) / ((t + s) * (t + s));
      const q = 1 + s / t;
      res2 += x2 / (q * q);
    }
    alpha = gamma / (m2 + 1e-5);
    beta = (n - gamma) / (res2 + 1e-5);
    if (Math.abs(alpha / beta - t) / t <= tol) break;
  }
  // thuml's _fit_fixed_point sums log(alpha + beta sigma) over the min(N, D) singular values it kept
  // (N of them when N <= D, the rank when N > D). The exact log |alpha I + beta F^T F| also counts
  // the D - k zero eigenvalues as log(alpha): that is the "exact evidence" variant, not LogME.
  let logDet = exactEvidence ? (d - k) * Math.log(alpha) : 0;
  for (let j = 0; j < k; j++) logDet += Math.log(alpha + beta * sigma[j]);
  const evidence =
    (d / 2) * Math.log(alpha) +
    (n / 2) * Math.log(beta) -
    0.5 * logDet -
    (beta / 2) * res2 -
    (alpha / 2) * m2 -
    (n / 2) * Math.log(2 * Math.PI);
  return evidence / n;
}

/**
 * LogME score of features F (N x D) for integer class labels (0..C-1), or for real targets
 * (N x K row-major) with `regression: true`. Higher = more transferable.
 */
export function logme(f: Features, targets: ArrayLike<number>, opts: LogMEOptions = {}): number {
  return evidenceScore(f, targets, opts, false);
}

/**
 * "LogME (exact evidence)": the same fixed point, but the log-determinant runs over all D eigenvalues
 * of alpha I + beta F^T F (the D - k zero ones add log alpha each). Not the authors' score: it differs
 * from LogME by up to tens of units per sample when N < D.
 */
export function logmeExactEvidence(f: Features, targets: ArrayLike<number>, opts: LogMEOptions = {}): number {
  return evidenceScore(f, targets, opts, true);
}

function evidenceScore(f: Features, targets: ArrayLike<number>, opts: LogMEOptions, exact: boolean): number {
  const { n, d } = f;
  const ys: Float64Array[] = [];
  if (opts.regression) {
    const kk = targets.length / n;
    if (!Number.isInteger(kk)) throw new Error('logme: regression targets must be N x K');
    for (let c = 0; c < kk; c++) ys.push(Float64Array.from({ length: n }, (_, i) => targets[i * kk + c]));
  } else {
    if (targets.length !== n) throw new Error('logme: one label per row');
    const c = numClasses(targets);
    for (let k = 0; k < c; k++) ys.push(Float64Array.from({ length: n }, (_, i) => (targets[i] === k ? 1 : 0)));
  }
  const { sigma, xs } = spectrum(f, ys);
  let total = 0;
  ys.forEach((y, c) => {
    let yNorm2 = 0;
    for (let i = 0; i < n; i++) yNorm2 += y[i] * y[i];
    total += logEvidence(sigma, xs[c], yNorm2, n, d, opts.maxIter, opts.tol, exact);
  });
  return total / ys.length;
}
