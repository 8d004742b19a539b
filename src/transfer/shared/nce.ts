// NCE, negative conditional entropy (Tran et al., ICCV 2019): -H(Y | Z) where Z is the source
// model's hard label (argmax of its logits) and Y the target label. Higher = more transferable.
import { numClasses } from './linalg.ts';

export function nce(sourceLabels: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = labels.length;
  if (sourceLabels.length !== n) throw new Error('nce: one source label per target label');
  const c = numClasses(labels);
  const z = numClasses(sourceLabels);
  const joint = new Float64Array(c * z);
  const pz = new Float64Array(z);
  for (let i = 0; i < n; i++) {
    joint[labels[i] * z + sourceLabels[i]] += 1;
    pz[sourceLabels[i]] += 1;
  }
  // sum_{y,z} P(y,z) log P(y|z), counts divided by N at the end.
  let s = 0;
  for (let y = 0; y < c; y++) {
    for (let k = 0; k < z; k++) {
      const j = joint[y * z + k];
      if (j > 0) s += j * Math.log(j / pz[k]);
    }
  }
  return s / n;
}

/** Argmax per row of N x Z scores (first index wins ties). */
export function argmaxRows(scores: ArrayLike<number>, n: number): Int32Array {
  const z = scores.length / n;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < z; k++) if (scores[i * z + k] > scores[i * z + best]) best = k;
    out[i] = best;
  }
  return out;
}
