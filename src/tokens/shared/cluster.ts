// Pseudo-labels for an unlabelled folder: seeded k-means on unit embeddings, k chosen by the mean
// silhouette (cosine distance) unless the user sets it.
import { kmeans } from '../../transfer/shared/gmm.ts';
import { mulberry32 } from '../../shared/random.ts';

export interface Clustering {
  k: number;
  labels: Int32Array;
  silhouette: number;
  /** silhouette per k tried (auto only) */
  tried: { k: number; silhouette: number }[];
}

function assign(data: Float32Array, n: number, d: number, centres: Float64Array, k: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0, bd = Infinity;
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        const t = data[i * d + j] - centres[c * d + j];
        s += t * t;
      }
      if (s < bd) (bd = s), (best = c);
    }
    out[i] = best;
  }
  return out;
}

/** Mean silhouette with cosine distance on (a seeded sample of at most `cap`) unit vectors. */
export function silhouette(data: Float32Array, n: number, d: number, labels: Int32Array, k: number, seed = 0, cap = 600): number {
  let idx = Array.from({ length: n }, (_, i) => i);
  if (n > cap) {
    const r = mulberry32(seed);
    for (let i = 0; i < cap; i++) {
      const j = i + Math.floor(r() * (n - i));
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    idx = idx.slice(0, cap);
  }
  const m = idx.length;
  let total = 0, counted = 0;
  for (const i of idx) {
    const sum = new Float64Array(k), cnt = new Float64Array(k);
    for (const j of idx) {
      if (i === j) continue;
      let dot = 0;
      for (let t = 0; t < d; t++) dot += data[i * d + t] * data[j * d + t];
      sum[labels[j]] += 1 - dot;
      cnt[labels[j]]++;
    }
    const own = labels[i];
    if (cnt[own] === 0) continue; // singleton: silhouette 0 by convention, skip
    const a = sum[own] / cnt[own];
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && cnt[c] > 0) b = Math.min(b, sum[c] / cnt[c]);
    if (!Number.isFinite(b)) continue;
    total += (b - a) / Math.max(a, b, 1e-12);
    counted++;
  }
  return m > 0 && counted > 0 ? total / counted : 0;
}

export function clusterEmbeddings(data: Float32Array, n: number, d: number, opts: { k?: number; seed?: number; maxK?: number } = {}): Clustering {
  const seed = opts.seed ?? 0;
  const f = { data, n, d };
  if (n < 2) throw new Error('clustering needs at least 2 images');
  const run = (k: number) => {
    const centres = kmeans(f, k, seed, 20);
    const labels = assign(data, n, d, centres, k);
    return { labels, s: silhouette(data, n, d, labels, k, seed) };
  };
  if (opts.k) {
    const k = Math.max(1, Math.min(opts.k, n));
    const r = run(k);
    return { k, labels: r.labels, silhouette: r.s, tried: [] };
  }
  const maxK = Math.max(2, Math.min(opts.maxK ?? 20, Math.floor(n / 3)));
  let best: Clustering | null = null;
  const tried: Clustering['tried'] = [];
  for (let k = 2; k <= maxK; k++) {
    const r = run(k);
    tried.push({ k, silhouette: r.s });
    if (!best || r.s > best.silhouette + 1e-9) best = { k, labels: r.labels, silhouette: r.s, tried };
  }
  return best!;
}

export { assign as assignToCentres };
