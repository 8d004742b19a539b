// What a ranker can read from dataset tokens (docs/tokens.md) without labels of the target:
// dataset-level statistics and the similarity of two datasets' class centres.
import type { DatasetTokens } from '../../tokens/shared/format.ts';

export interface TokenSummary {
  name: string;
  /** unit-norm class centres, row-major [classes, dim] */
  centres: Float64Array;
  classes: number;
  dim: number;
  /** unit-norm mean of the class centres */
  mean: Float64Array;
  meanCentreCosine: number;
  meanSpread: number;
}

export function summariseTokens(t: DatasetTokens, name = t.name ?? ''): TokenSummary {
  const d = t.encoder.dim, k = t.classes.length;
  const centres = new Float64Array(k * d);
  const mean = new Float64Array(d);
  t.classes.forEach((c, i) => {
    const n = Math.hypot(...c.centre) || 1;
    for (let j = 0; j < d; j++) { centres[i * d + j] = c.centre[j] / n; mean[j] += c.centre[j] / k; }
  });
  const mn = Math.hypot(...mean) || 1;
  for (let j = 0; j < d; j++) mean[j] /= mn;
  return { name, centres, classes: k, dim: d, mean, meanCentreCosine: t.stats.meanCentreCosine, meanSpread: t.stats.meanSpread };
}

function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) s += a[ao + j] * b[bo + j];
  return s;
}

/** Mean over the target's classes of the best cosine to any source class centre. */
export function classCoverage(source: TokenSummary, target: TokenSummary): number {
  if (source.dim !== target.dim) throw new Error('tokens of different encoders');
  const d = target.dim;
  let s = 0;
  for (let i = 0; i < target.classes; i++) {
    let best = -Infinity;
    for (let c = 0; c < source.classes; c++) best = Math.max(best, dot(target.centres, i * d, source.centres, c * d, d));
    s += best;
  }
  return s / target.classes;
}

/** Cosine between the two datasets' mean centres. */
export function meanCosine(a: TokenSummary, b: TokenSummary): number {
  return dot(a.mean, 0, b.mean, 0, a.dim);
}
