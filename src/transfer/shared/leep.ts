// LEEP (Nguyen et al., ICML 2020) and N-LEEP (Li et al., CVPR 2021). Both build the empirical
// conditional P(y | z) of target label y given a "source label" z and score the average
// log-likelihood of the dummy classifier x -> sum_z P(y | z) P(z | x).
import { numClasses, pca, type Features } from './linalg.ts';
import { fitGmm, type GmmOptions } from './gmm.ts';

/** Row-wise softmax of N x Z logits, via log-sum-exp (no overflow for large logits). */
export function softmax(logits: ArrayLike<number>, n: number): Float64Array {
  const z = logits.length / n;
  const out = new Float64Array(logits.length);
  for (let i = 0; i < n; i++) {
    let m = -Infinity;
    for (let k = 0; k < z; k++) m = Math.max(m, logits[i * z + k]);
    let s = 0;
    for (let k = 0; k < z; k++) s += out[i * z + k] = Math.exp(logits[i * z + k] - m);
    for (let k = 0; k < z; k++) out[i * z + k] /= s;
  }
  return out;
}

/**
 * LEEP from source-model probabilities theta (N x Z, rows summing to 1) and target labels.
 * Source classes never predicted (P(z) = 0) drop out, as their terms are 0 * (0/0).
 */
export function leep(probs: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = labels.length;
  const zDim = probs.length / n;
  if (!Number.isInteger(zDim)) throw new Error('leep: probs must be N x Z');
  const c = numClasses(labels);
  const joint = new Float64Array(c * zDim); // N * P(y, z)
  const pz = new Float64Array(zDim);
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    for (let k = 0; k < zDim; k++) {
      joint[y * zDim + k] += probs[i * zDim + k];
      pz[k] += probs[i * zDim + k];
    }
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    let s = 0;
    for (let k = 0; k < zDim; k++) if (pz[k] > 0) s += (joint[y * zDim + k] / pz[k]) * probs[i * zDim + k];
    total += Math.log(s);
  }
  return total / n;
}

/** LEEP from source logits (softmax taken here). */
export function leepFromLogits(logits: ArrayLike<number>, labels: ArrayLike<number>): number {
  return leep(softmax(logits, labels.length), labels);
}

export interface NLeepOptions extends GmmOptions {
  /** PCA variance to keep before the GMM (paper: 0.8). */
  varianceKept?: number;
  /** GMM components per target class (N-LEEP paper: as many as target classes -> 1; SFDA's code: 5). */
  componentsPerClass?: number;
}

/**
 * N-LEEP: replace the source classifier by a Gaussian mixture fitted on PCA-reduced features;
 * its posterior P(component | x) plays the role of theta in LEEP. Deterministic given opts.seed.
 */
export function nleep(f: Features, labels: ArrayLike<number>, opts: NLeepOptions = {}): number {
  const reduced = pca(f, { varianceKept: opts.varianceKept ?? 0.8 });
  const k = (opts.componentsPerClass ?? 1) * numClasses(labels);
  const gmm = fitGmm(reduced, k, opts);
  return leep(gmm.responsibilities, labels);
}
