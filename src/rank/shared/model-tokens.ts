// Model tokens: what the ranker knows about a model, of three kinds behind one interface
// (docs/ranker.md, format `zooscout.model-token` v1):
//   learned  - a per-model vector trained with the ranker (Model Spider); only for training models
//   weights  - ArchToVec: per-layer 1-D k-means centroids of the weights (+ layer shape/statistics),
//              last layer first, padded, compressed by an autoencoder trained on the zoo
//   metadata - family, params, MACs, input size, feature width, source classes/accuracy, pool flag,
//              and the source token: class centres of the model's source data under our encoder
// Any model - a zoo model, or an ONNX file dropped into the page - gets the weights and metadata
// kinds without retraining the ranker; the source token when its source data is known.
import { mulberry32 } from '../../shared/random.ts';
import type { EncoderRef } from '../../tokens/shared/format.ts';
import type { OnnxWeights } from './onnx-weights.ts';

export const MODEL_TOKEN_FORMAT = 'zooscout.model-token';
export const MODEL_TOKEN_VERSION = 1;

export interface ModelMeta {
  family: string | null;
  params: number;
  macs: number | null;
  inputSize: number;
  featureDim: number;
  sourceClasses: number;
  /** top-1 on its own source data (held out), null if unknown */
  sourceAccuracy: number | null;
  /** pre-trained on a mixed pool only (no specialisation) */
  pool: boolean;
}

export interface ModelToken {
  format: typeof MODEL_TOKEN_FORMAT;
  version: typeof MODEL_TOKEN_VERSION;
  id: string;
  meta: ModelMeta;
  /** ArchToVec raw features from the weights (before the autoencoder), null if no weights */
  arch: number[] | null;
  /** source token: class centres of its source data (encoder space), null if unknown */
  source: { name: string; encoder: EncoderRef; centres: number[][] } | null;
}

// ---------------- ArchToVec (raw) ----------------

export const ARCH_LAYERS = 16;
export const ARCH_CENTROIDS = 6;
/** per layer: centroids (in units of the layer's std) + log numel, log std, mean|w|/std, log fan-in, log fan-out, kind one-hot (dense, depthwise, pointwise, linear) */
export const ARCH_PER_LAYER = ARCH_CENTROIDS + 5 + 4;
export const ARCH_RAW_DIM = ARCH_LAYERS * ARCH_PER_LAYER;

/** Seeded 1-D k-means (quantile start, Lloyd) of a layer's values; sorted centroids. */
export function kmeans1d(values: Float32Array, k: number, iters = 25, sample = 4096, seed = 1): number[] {
  const rand = mulberry32(seed);
  const n = Math.min(values.length, sample);
  const xs = new Float64Array(n);
  if (values.length <= sample) xs.set(values);
  else for (let i = 0; i < n; i++) xs[i] = values[Math.floor(rand() * values.length)];
  xs.sort();
  const c = Array.from({ length: k }, (_, j) => xs[Math.min(n - 1, Math.floor(((j + 0.5) / k) * n))]);
  const sum = new Float64Array(k), cnt = new Float64Array(k);
  for (let it = 0; it < iters; it++) {
    sum.fill(0); cnt.fill(0);
    let j = 0;
    for (let i = 0; i < n; i++) {
      // xs sorted and c sorted: the nearest centre index is monotone in i
      while (j + 1 < k && Math.abs(xs[i] - c[j + 1]) <= Math.abs(xs[i] - c[j])) j++;
      sum[j] += xs[i]; cnt[j]++;
    }
    for (let q = 0; q < k; q++) if (cnt[q]) c[q] = sum[q] / cnt[q];
    c.sort((a, b) => a - b);
  }
  return c;
}

/** ArchToVec raw vector of a model's weights: conv/linear weight tensors, last layer first. */
export function archFeatures(w: OnnxWeights): number[] {
  const layers = w.tensors.filter((t) => t.dims.length >= 2 && t.data.length >= 4);
  const out = new Array(ARCH_RAW_DIM).fill(0);
  layers.reverse().slice(0, ARCH_LAYERS).forEach((t, l) => {
    const n = t.data.length;
    let mean = 0;
    for (let i = 0; i < n; i++) mean += t.data[i];
    mean /= n;
    let v = 0, a = 0;
    for (let i = 0; i < n; i++) { v += (t.data[i] - mean) ** 2; a += Math.abs(t.data[i]); }
    const std = Math.sqrt(v / n) || 1e-8;
    const cs = kmeans1d(t.data, ARCH_CENTROIDS).map((x) => x / std);
    const op = w.usedBy.get(t.name) ?? '';
    const fanOut = t.dims[0];
    const fanIn = t.data.length / fanOut;
    const kernel = t.dims.length === 4 ? t.dims[2] * t.dims[3] : 1;
    const depthwise = t.dims.length === 4 && t.dims[1] === 1 && kernel > 1;
    const pointwise = t.dims.length === 4 && kernel === 1;
    const linear = op === 'Gemm' || op === 'MatMul' || t.dims.length === 2;
    const dense = !depthwise && !pointwise && !linear;
    const base = l * ARCH_PER_LAYER;
    cs.forEach((x, j) => (out[base + j] = x));
    out.splice(base + ARCH_CENTROIDS, 9,
      Math.log10(n) / 6, Math.log10(std), (a / n) / std, Math.log10(fanIn) / 4, Math.log10(fanOut) / 4,
      +dense, +depthwise, +pointwise, +linear);
  });
  return out.map((x) => Math.round(x * 1e6) / 1e6);
}

// ---------------- metadata ----------------

/** Families whose one-hot slot exists; any other family (incl. one never trained on) is all zeros. */
export const KNOWN_FAMILIES = ['resnet', 'mobilenetv2', 'vgg'];
export const META_DIM = KNOWN_FAMILIES.length + 8;

export function metaVector(m: ModelMeta): number[] {
  const fam = KNOWN_FAMILIES.map((f) => +(m.family === f));
  return [
    ...fam,
    Math.log10(m.params) - 5,
    m.macs ? Math.log10(m.macs) - 6.5 : 0,
    m.macs ? 1 : 0,
    Math.log2(m.inputSize / 32) / 3,
    Math.log2(m.featureDim) / 7 - 1,
    Math.log10(Math.max(2, m.sourceClasses)) - 1.3,
    m.sourceAccuracy ?? 0,
    +m.pool,
  ];
}
