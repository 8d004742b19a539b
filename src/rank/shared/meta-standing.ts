// "Metadata ridge": the standing of a model nobody measured, predicted from its metadata alone (size,
// compute, input size, feature width, number of source classes) by a ridge fitted on the measured
// models' standings for the same data. Linear probes reward wide features from models trained on many
// classes; this is what separates a face-landmark net with a 32-wide head from an ImageNet backbone,
// and it needs no forward pass. bench:rank's real block measures it leaving whole model families out
// (blind models, double blind); the page uses it for a model with no measured GT (a dropped ONNX file),
// fitted on the measured models' predicted standings for the user's data. Pure maths, float64.
import { META_DIM } from './model-tokens.ts';
import { solveRidge } from './standing-ridge.ts';

/** lambda on standardised features: fixed a priori (the bench prints the others beside it) */
export const META_STANDING_LAMBDA = 3;

/**
 * Features from a model's metaVector (the first META_DIM numbers of its ranker query): log params,
 * log MACs (log params when unknown), log input size, log feature width, log source classes.
 */
export function metaStandingFeatures(metaVec: ArrayLike<number>): number[] {
  if (metaVec.length < META_DIM) throw new Error(`metadata vector of ${metaVec.length} numbers, need ${META_DIM}`);
  const o = META_DIM - 8; // after the family one-hot: params, macs, has-macs, input, feature dim, source classes, ...
  const params = metaVec[o], macs = metaVec[o + 2] ? metaVec[o + 1] : params;
  return [params, macs, metaVec[o + 3], metaVec[o + 4], metaVec[o + 5]];
}

export interface MetaStanding {
  mu: number[];
  sd: number[];
  /** weights on the standardised features, then the intercept */
  w: number[];
}

/**
 * Ridge from features (rows) to standings; features standardised on the rows. Centred features make
 * the unpenalised intercept the mean standing, so the weights are one small ridge solve.
 */
export function fitMetaStanding(X: readonly ArrayLike<number>[], y: ArrayLike<number>, lambda = META_STANDING_LAMBDA): MetaStanding {
  const n = X.length, d = X[0]?.length ?? 0;
  if (n < 2) throw new Error('metadata ridge: fewer than 2 measured models');
  const mu = Array.from({ length: d }, (_, j) => X.reduce((s, x) => s + x[j], 0) / n);
  const sd = mu.map((m, j) => Math.sqrt(X.reduce((s, x) => s + (x[j] - m) ** 2, 0) / n) || 1);
  const Z = X.map((x) => Array.from({ length: d }, (_, j) => (x[j] - mu[j]) / sd[j]));
  const ZtZ = Array.from({ length: d }, (_, i) => Float64Array.from({ length: d }, (_, j) => Z.reduce((s, z) => s + z[i] * z[j], 0)));
  const Zty = Array.from({ length: d }, (_, i) => Float64Array.of(Z.reduce((s, z, r) => s + z[i] * y[r], 0)));
  const w = solveRidge(ZtZ, Zty, lambda).map((r) => r[0]);
  let ym = 0;
  for (let r = 0; r < n; r++) ym += y[r] / n;
  return { mu, sd, w: [...w, ym] };
}

export function predictMetaStanding(m: MetaStanding, x: ArrayLike<number>): number {
  let s = m.w[m.w.length - 1];
  for (let j = 0; j < m.mu.length; j++) s += m.w[j] * (x[j] - m.mu[j]) / m.sd[j];
  return s;
}
