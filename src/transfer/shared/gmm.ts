// Seeded diagonal-covariance Gaussian mixture (EM), initialised by k-means++ and a few Lloyd
// steps. Deterministic for a given seed, so N-LEEP gives the same number in Node and the page.
import { mulberry32 } from './random.ts';
import type { Features } from './linalg.ts';

export interface GmmOptions {
  seed?: number;
  maxIter?: number;
  /** Stop when the mean log-likelihood improves by less than this (sklearn: 1e-3). */
  tol?: number;
  /** Added to every variance (sklearn's reg_covar: 1e-6). */
  regCovar?: number;
}

export interface Gmm {
  weights: Float64Array;
  means: Float64Array; // K x D
  variances: Float64Array; // K x D
  /** N x K posterior P(component | x). */
  responsibilities: Float64Array;
  meanLogLikelihood: number;
}

function sqDist(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const t = a[ao + j] - b[bo + j];
    s += t * t;
  }
  return s;
}

/** k-means++ seeding followed by `iters` Lloyd steps; returns K x D centres. */
export function kmeans(f: Features, k: number, seed = 0, iters = 10): Float64Array {
  const { data, n, d } = f;
  const rand = mulberry32(seed);
  const centres = new Float64Array(k * d);
  const dist = new Float64Array(n).fill(Infinity);
  let pick = Math.floor(rand() * n);
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) centres[c * d + j] = data[pick * d + j];
    let total = 0;
    for (let i = 0; i < n; i++) {
      dist[i] = Math.min(dist[i], sqDist(data, i * d, centres, c * d, d));
      total += dist[i];
    }
    // Next centre with probability proportional to squared distance (first point if all zero).
    let r = rand() * total;
    pick = 0;
    for (let i = 0; i < n; i++) {
      r -= dist[i];
      if (r < 0) {
        pick = i;
        break;
      }
    }
  }
  const assign = new Int32Array(n);
  const counts = new Float64Array(k);
  for (let it = 0; it < iters; it++) {
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bd = Infinity;
      for (let c = 0; c < k; c++) {
        const t = sqDist(data, i * d, centres, c * d, d);
        if (t < bd) (bd = t), (best = c);
      }
      assign[i] = best;
    }
    const sums = new Float64Array(k * d);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      counts[assign[i]]++;
      for (let j = 0; j < d; j++) sums[assign[i] * d + j] += data[i * d + j];
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) continue; // keep an empty cluster's centre where it was
      for (let j = 0; j < d; j++) centres[c * d + j] = sums[c * d + j] / counts[c];
    }
  }
  return centres;
}

export function fitGmm(f: Features, k: number, opts: GmmOptions = {}): Gmm {
  const { data, n, d } = f;
  const maxIter = opts.maxIter ?? 100;
  const tol = opts.tol ?? 1e-3;
  const reg = opts.regCovar ?? 1e-6;
  const means = kmeans(f, k, opts.seed ?? 0);
  // Initial variances: global per-dimension variance; equal weights.
  const variances = new Float64Array(k * d);
  const weights = new Float64Array(k).fill(1 / k);
  {
    const mu = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mu[j] += data[i * d + j] / n;
    const v = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) v[j] += (data[i * d + j] - mu[j]) ** 2 / n;
    for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) variances[c * d + j] = v[j] + reg;
  }
  const resp = new Float64Array(n * k);
  const logp = new Float64Array(k);
  let prev = -Infinity;
  let ll = -Infinity;
  for (let it = 0; it < maxIter; it++) {
    // E step in log space (log-sum-exp per row).
    const logNorm = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += Math.log(2 * Math.PI * variances[c * d + j]);
      logNorm[c] = Math.log(weights[c]) - 0.5 * s;
    }
    ll = 0;
    for (let i = 0; i < n; i++) {
      let m = -Infinity;
      for (let c = 0; c < k; c++) {
        let q = 0;
        for (let j = 0; j < d; j++) {
          const t = data[i * d + j] - means[c * d + j];
          q += (t * t) / variances[c * d + j];
        }
        logp[c] = logNorm[c] - 0.5 * q;
        if (logp[c] > m) m = logp[c];
      }
      let s = 0;
      for (let c = 0; c < k; c++) s += Math.exp(logp[c] - m);
      const lse = m + Math.log(s);
      ll += lse;
      for (let c = 0; c < k; c++) resp[i * k + c] = Math.exp(logp[c] - lse);
    }
    ll /= n;
    if (Math.abs(ll - prev) < tol) break;
    prev = ll;
    // M step.
    for (let c = 0; c < k; c++) {
      let nk = 0;
      for (let i = 0; i < n; i++) nk += resp[i * k + c];
      nk += 10 * Number.EPSILON; // as sklearn, keeps empty components finite
      weights[c] = nk / n;
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += resp[i * k + c] * data[i * d + j];
        means[c * d + j] = s / nk;
      }
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += resp[i * k + c] * (data[i * d + j] - means[c * d + j]) ** 2;
        variances[c * d + j] = s / nk + reg;
      }
    }
  }
  return { weights, means, variances, responsibilities: resp, meanLogLikelihood: ll };
}
