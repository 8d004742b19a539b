// GBC, Gaussian Bhattacharyya Coefficient (Pandy et al., CVPR 2022), diagonal-covariance variant:
// one Gaussian per class; GBC = -sum over ordered class pairs of exp(-D_B), where
// D_B = 1/8 sum (mu1 - mu2)^2 / s + 1/2 sum log(s / sqrt(s1 s2)), s = (s1 + s2) / 2.
// Less class overlap -> higher (closer to 0) score. The paper first reduces features with PCA
// (64 dims); pass pcaDim to do the same.
import { numClasses, pca, type Features } from './linalg.ts';

export interface GbcOptions {
  pcaDim?: number;
  /** Floor added to per-class variances so constant dimensions do not divide by zero. */
  varFloor?: number;
}

export function gbc(f: Features, labels: ArrayLike<number>, opts: GbcOptions = {}): number {
  const x = opts.pcaDim !== undefined && opts.pcaDim < f.d ? pca(f, { components: opts.pcaDim }) : f;
  const { data, n, d } = x;
  const floor = opts.varFloor ?? 1e-12;
  const c = numClasses(labels);
  const mean = new Float64Array(c * d);
  const vari = new Float64Array(c * d);
  const count = new Float64Array(c);
  for (let i = 0; i < n; i++) {
    count[labels[i]]++;
    for (let j = 0; j < d; j++) mean[labels[i] * d + j] += data[i * d + j];
  }
  for (let k = 0; k < c; k++) for (let j = 0; j < d; j++) mean[k * d + j] /= count[k] || 1;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) vari[labels[i] * d + j] += (data[i * d + j] - mean[labels[i] * d + j]) ** 2;
  }
  // Population variance (tf.math.reduce_variance in the reference code), plus the floor.
  for (let k = 0; k < c; k++) for (let j = 0; j < d; j++) vari[k * d + j] = vari[k * d + j] / (count[k] || 1) + floor;
  let total = 0;
  for (let a = 0; a < c; a++) {
    if (count[a] === 0) continue;
    for (let b = a + 1; b < c; b++) {
      if (count[b] === 0) continue;
      let first = 0;
      let second = 0;
      for (let j = 0; j < d; j++) {
        const s1 = vari[a * d + j];
        const s2 = vari[b * d + j];
        const s = (s1 + s2) / 2;
        first += (mean[a * d + j] - mean[b * d + j]) ** 2 / s;
        second += Math.log(s) - 0.5 * Math.log(s1) - 0.5 * Math.log(s2);
      }
      total += 2 * Math.exp(-(first / 8 + 0.5 * second)); // D_B is symmetric: (a,b) and (b,a)
    }
  }
  return -total;
}
