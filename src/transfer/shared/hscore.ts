// H-Score (Bao et al., ICIP 2019): tr(cov(f)^+ cov(E[f | y])), the between-class variance that the
// features explain, in units of their own covariance. The shrinkage form (Ibrahim, Ponomareva &
// Mazumder, "Newer is not always better", 2022) replaces cov(f) by the Ledoit-Wolf estimate
// (1 - a) S + a mu I and scales the between-class covariance by (1 - a); this keeps the inverse
// sane when D is close to or above N. Both follow the reference code of those papers
// (numpy.cov with N - 1 for the plain form, sklearn's LedoitWolf for the shrunk form).
import { centered, eigh, gramCols, numClasses, type Features } from './linalg.ts';

/** Class means minus the global mean, and the class counts. */
function classOffsets(x: Features, labels: ArrayLike<number>): { offsets: Float64Array; counts: Float64Array; c: number } {
  const { data, n, d } = x; // x is centred
  const c = numClasses(labels);
  const offsets = new Float64Array(c * d);
  const counts = new Float64Array(c);
  for (let i = 0; i < n; i++) {
    counts[labels[i]]++;
    for (let j = 0; j < d; j++) offsets[labels[i] * d + j] += data[i * d + j];
  }
  for (let k = 0; k < c; k++) if (counts[k] > 0) for (let j = 0; j < d; j++) offsets[k * d + j] /= counts[k];
  return { offsets, counts, c };
}

/**
 * tr(pinv(Sigma) * B) with Sigma = V diag(lambda) V^T and B = sum_c w_c o_c o_c^T:
 * sum_c w_c sum_j (v_j . o_c)^2 / lambda_j over lambda_j above the pinv cut-off.
 */
function traceInvTimesBetween(
  values: Float64Array,
  vectors: Float64Array,
  offsets: Float64Array,
  weights: Float64Array,
  d: number,
  rcond: number,
): number {
  let lmax = 0;
  for (const v of values) lmax = Math.max(lmax, Math.abs(v));
  const cut = rcond * lmax;
  let s = 0;
  for (let j = 0; j < d; j++) {
    const l = values[j];
    if (Math.abs(l) <= cut) continue;
    let acc = 0;
    for (let k = 0; k < weights.length; k++) {
      if (weights[k] === 0) continue;
      let p = 0;
      for (let q = 0; q < d; q++) p += vectors[j * d + q] * offsets[k * d + q];
      acc += weights[k] * p * p;
    }
    s += acc / l;
  }
  return s;
}

/** Plain H-Score; covariances with N - 1 (numpy.cov), pinv cut-off rcond = 1e-15 as thuml's code. */
export function hScore(f: Features, labels: ArrayLike<number>): number {
  const x = centered(f);
  const { n, d } = x;
  const g = gramCols(x);
  for (let i = 0; i < g.length; i++) g[i] /= n - 1;
  const { values, vectors } = eigh(g, d);
  const { offsets, counts } = classOffsets(x, labels);
  const w = counts.map((cnt) => cnt / (n - 1));
  return traceInvTimesBetween(values, vectors, offsets, w, d, 1e-15);
}

/** Ledoit-Wolf shrinkage intensity for centred X, exactly as sklearn.covariance.ledoit_wolf_shrinkage. */
export function ledoitWolfShrinkage(x: Features, emp: Float64Array): number {
  const { data, n, d } = x;
  let trace = 0;
  for (let j = 0; j < d; j++) trace += emp[j * d + j];
  const mu = trace / d;
  // beta_ = sum_ij (X^2)^T X^2 = sum_rows (||x_i||^2)^2; delta_ = ||X^T X||_F^2 / n^2.
  let betaSum = 0;
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let j = 0; j < d; j++) r += data[i * d + j] ** 2;
    betaSum += r * r;
  }
  let deltaSum = 0;
  for (let i = 0; i < d * d; i++) deltaSum += emp[i] * emp[i]; // emp = X^T X / n
  let beta = (1 / (d * n)) * (betaSum / n - deltaSum);
  let delta = deltaSum - 2 * mu * trace + d * mu * mu;
  delta /= d;
  beta = Math.min(beta, delta);
  return beta === 0 ? 0 : beta / delta;
}

/** Shrinkage-regularised H-Score (Ibrahim et al. 2022). */
export function hScoreShrinkage(f: Features, labels: ArrayLike<number>): number {
  const x = centered(f);
  const { n, d } = x;
  const emp = gramCols(x);
  for (let i = 0; i < emp.length; i++) emp[i] /= n; // MLE covariance, as LedoitWolf
  const a = ledoitWolfShrinkage(x, emp);
  let trace = 0;
  for (let j = 0; j < d; j++) trace += emp[j * d + j];
  const mu = trace / d;
  // Eigenvectors of (1-a) S + a mu I are those of S; eigenvalues map affinely.
  const { values, vectors } = eigh(emp, d);
  const shrunk = values.map((l) => (1 - a) * l + a * mu);
  const { offsets, counts } = classOffsets(x, labels);
  const w = counts.map((cnt) => ((1 - a) * cnt) / (n - 1));
  return traceInvTimesBetween(shrunk, vectors, offsets, w, d, 1e-15);
}
