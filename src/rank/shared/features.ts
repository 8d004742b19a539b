// Pure maths shared by Node and the page: the PCA basis of the encoder space the ranker works in,
// dataset tokens -> ranker rows, source-vs-target pair features, and the model query vector.
import { eigh } from '../../transfer/shared/linalg.ts';
import { gaussian, mulberry32 } from '../../shared/random.ts';
import type { DatasetTokens } from '../../tokens/shared/format.ts';
import { META_DIM, metaVector, type ModelMeta } from './model-tokens.ts';

export interface Pca {
  dim: number;
  p: number;
  mean: Float32Array;
  /** p x dim, rows are components */
  comps: Float32Array;
}

/**
 * PCA of row vectors (n x dim), p components: seeded subspace iteration on the centred rows
 * (never forms the dim x dim covariance), then a Rayleigh-Ritz rotation (eigh of p x p).
 * Components are scaled so projections have unit variance on the fitting rows.
 */
export function fitPca(rows: number[][], p: number, iters = 40, seed = 7): Pca {
  const n = rows.length, dim = rows[0].length;
  const mean = new Float64Array(dim);
  for (const r of rows) for (let j = 0; j < dim; j++) mean[j] += r[j] / n;
  const X = new Float64Array(n * dim);
  rows.forEach((r, i) => { for (let j = 0; j < dim; j++) X[i * dim + j] = r[j] - mean[j]; });
  const g = gaussian(mulberry32(seed));
  let V: Float64Array = new Float64Array(p * dim); // rows = basis vectors
  for (let i = 0; i < V.length; i++) V[i] = g();
  const XV = new Float64Array(n * p);
  const apply = (Vin: Float64Array): Float64Array => {
    // out = Xt (X Vin^T), as p rows of length dim
    XV.fill(0);
    for (let i = 0; i < n; i++) for (let k = 0; k < p; k++) {
      let s = 0;
      const o = i * dim, q = k * dim;
      for (let j = 0; j < dim; j++) s += X[o + j] * Vin[q + j];
      XV[i * p + k] = s;
    }
    const out = new Float64Array(p * dim);
    for (let i = 0; i < n; i++) for (let k = 0; k < p; k++) {
      const c = XV[i * p + k];
      if (c === 0) continue;
      const o = i * dim, q = k * dim;
      for (let j = 0; j < dim; j++) out[q + j] += c * X[o + j];
    }
    return out;
  };
  const orth = (A: Float64Array) => {
    for (let k = 0; k < p; k++) {
      for (let l = 0; l < k; l++) {
        let d = 0;
        for (let j = 0; j < dim; j++) d += A[k * dim + j] * A[l * dim + j];
        for (let j = 0; j < dim; j++) A[k * dim + j] -= d * A[l * dim + j];
      }
      let nn = 0;
      for (let j = 0; j < dim; j++) nn += A[k * dim + j] ** 2;
      nn = Math.sqrt(nn) || 1;
      for (let j = 0; j < dim; j++) A[k * dim + j] /= nn;
    }
  };
  orth(V);
  for (let it = 0; it < iters; it++) { V = apply(V); orth(V); }
  // Rayleigh-Ritz: B = V Xt X Vt (p x p)
  const AV = apply(V);
  const Bm = new Float64Array(p * p);
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += V[a * dim + j] * AV[b * dim + j];
    Bm[a * p + b] = s / n;
  }
  for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) Bm[a * p + b] = Bm[b * p + a] = (Bm[a * p + b] + Bm[b * p + a]) / 2;
  const e = eigh(Bm, p);
  const comps = new Float32Array(p * dim);
  for (let k = 0; k < p; k++) {
    const vec = new Float64Array(dim);
    for (let a = 0; a < p; a++) { const c = e.vectors[k * p + a]; for (let j = 0; j < dim; j++) vec[j] += c * V[a * dim + j]; }
    let big = 0;
    for (let j = 0; j < dim; j++) if (Math.abs(vec[j]) > Math.abs(big)) big = vec[j];
    const s = (big < 0 ? -1 : 1) / Math.sqrt(Math.max(e.values[k], 1e-12));
    for (let j = 0; j < dim; j++) comps[k * dim + j] = vec[j] * s;
  }
  return { dim, p, mean: Float32Array.from(mean), comps };
}

export function project(pca: Pca, v: ArrayLike<number>): Float32Array {
  const out = new Float32Array(pca.p);
  for (let k = 0; k < pca.p; k++) {
    let s = 0;
    const o = k * pca.dim;
    for (let j = 0; j < pca.dim; j++) s += (v[j] - pca.mean[j]) * pca.comps[o + j];
    out[k] = s;
  }
  return out;
}

/** per dataset token: p PCA coordinates + concentration + spread */
export const DATASET_EXTRA = 2;

export interface DatasetInput {
  /** n x (p + DATASET_EXTRA) */
  rows: Float32Array;
  n: number;
  /** PCA coordinates only, n x p (for pair features) */
  centres: Float32Array;
  stats: number[];
}

export function datasetInput(t: DatasetTokens, pca: Pca, classes?: number[]): DatasetInput {
  const cls = classes ? classes.map((i) => t.classes[i]) : t.classes;
  const w = pca.p + DATASET_EXTRA;
  const rows = new Float32Array(cls.length * w);
  const centres = new Float32Array(cls.length * pca.p);
  cls.forEach((c, i) => {
    const z = project(pca, c.centre);
    centres.set(z, i * pca.p);
    rows.set(z, i * w);
    rows[i * w + pca.p] = c.concentration * 2 - 1;
    rows[i * w + pca.p + 1] = c.spread * 2 - 1;
  });
  const meanSpread = cls.reduce((a, c) => a + c.spread, 0) / cls.length;
  return { rows, n: cls.length, centres, stats: [Math.log10(cls.length) - 1, meanSpread * 2 - 1] };
}

export const PAIR_DIM = 6;
const normCache = new WeakMap<Float32Array, Float32Array>();

function normRows(x: Float32Array, n: number, p: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < p; j++) s += x[i * p + j] ** 2;
    const r = 1 / (Math.sqrt(s) || 1);
    for (let j = 0; j < p; j++) out[i * p + j] = x[i * p + j] * r;
  }
  return out;
}

/**
 * Pair features of (dataset, model source token), in the PCA space: cosine of the means, mean over
 * target classes of the best-matching source class, mean over source classes of the best-matching
 * target class, a has-source flag, and two dataset statistics (log classes, mean spread).
 */
export function pairFeatures(ds: DatasetInput, src: { centres: Float32Array; n: number } | null, p: number): number[] {
  if (!src || src.n === 0) return [0, 0, 0, 0, ...ds.stats];
  const T = normRows(ds.centres, ds.n, p);
  let S = normCache.get(src.centres);
  if (!S) normCache.set(src.centres, (S = normRows(src.centres, src.n, p)));
  const mean = (x: Float32Array, n: number) => {
    const m = new Float32Array(p);
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) m[j] += x[i * p + j] / n;
    return m;
  };
  const mt = mean(ds.centres, ds.n), ms = mean(src.centres, src.n);
  let dot = 0, a = 0, b = 0;
  for (let j = 0; j < p; j++) { dot += mt[j] * ms[j]; a += mt[j] ** 2; b += ms[j] ** 2; }
  const cosMean = dot / (Math.sqrt(a * b) || 1);
  const bestT = new Float64Array(ds.n).fill(-1), bestS = new Float64Array(src.n).fill(-1);
  for (let i = 0; i < ds.n; i++)
    for (let k = 0; k < src.n; k++) {
      let s = 0;
      for (let j = 0; j < p; j++) s += T[i * p + j] * S[k * p + j];
      if (s > bestT[i]) bestT[i] = s;
      if (s > bestS[k]) bestS[k] = s;
    }
  const avg = (x: Float64Array) => x.reduce((u, v) => u + v, 0) / x.length;
  return [cosMean, avg(bestT), avg(bestS), 1, ...ds.stats];
}

/** What the ranker reads about one model once its token is prepared for a ranker (PCA + autoencoder applied). */
export interface PreparedModel {
  id: string;
  /** META_DIM + arch code + p (source mean) + 2 flags */
  query: Float32Array;
  /** source centres in PCA space, n x p */
  source: { centres: Float32Array; n: number } | null;
  /** index of its learned token (Model Spider baseline), -1 if none */
  learned: number;
}

export const queryDim = (p: number, archCode: number) => META_DIM + archCode + p + 2;

export function buildQuery(meta: ModelMeta, archCode: Float32Array | null, archDim: number, source: { centres: Float32Array; n: number } | null, p: number): Float32Array {
  const q = new Float32Array(queryDim(p, archDim));
  q.set(metaVector(meta), 0);
  if (archCode) q.set(archCode, META_DIM);
  if (source && source.n) {
    const o = META_DIM + archDim;
    for (let i = 0; i < source.n; i++) for (let j = 0; j < p; j++) q[o + j] += source.centres[i * p + j] / source.n;
    // scale the mean (PCA coordinates are unit-variance per class centre)
    q[o + p] = 1;
  }
  q[META_DIM + archDim + p + 1] = archCode ? 1 : 0;
  return q;
}
