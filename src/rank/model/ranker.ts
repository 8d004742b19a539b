// The rankers as tfjs functions over named weight tensors: one implementation for Node (training,
// bench) and the page (scoring). Two kinds:
//   cross - encoder-decoder: dataset tokens -> projection + one self-attention layer (encoder);
//           model tokens (queries) -> projection + self-attention over the candidates (decoder),
//           cross-attention from every model to the dataset tokens (keys/values), then an MLP on
//           [model state, attended data, pair features] -> one score per model. All candidates
//           are scored in one pass.
//   self  - Model Spider style: a learned vector per training model, one self-attention layer
//           over [model token; dataset tokens], score read at the model position.
import { tf } from '../../probe/tfjs/tf.ts';
import { mulberry32, gaussian } from '../../shared/random.ts';

type Tensor = tf.Tensor;

export interface RankerConfig {
  kind: 'cross' | 'self';
  /** hidden width */
  h: number;
  /** width of a dataset token row (PCA p + extras) */
  dIn: number;
  /** width of a model query (cross) */
  qIn: number;
  /** pair features per (task, model) (cross) */
  pairIn: number;
  /** learned model tokens (self) */
  nLearned: number;
}

export type Weights = Record<string, Tensor>;

function shapes(c: RankerConfig): Record<string, number[]> {
  const h = c.h;
  const att = (p: string) => ({ [`${p}.q`]: [h, h], [`${p}.k`]: [h, h], [`${p}.v`]: [h, h], [`${p}.o`]: [h, h] });
  if (c.kind === 'cross')
    return {
      'd.w': [c.dIn, h], 'd.b': [h],
      ...att('enc'),
      'm.w': [c.qIn, h], 'm.b': [h],
      ...att('dec'),
      ...att('x'),
      'head.w1': [2 * h + c.pairIn, h], 'head.b1': [h], 'head.w2': [h, 1], 'head.b2': [1],
      // linear path from the raw model token and pair features (generalises with little data)
      'lin.q': [c.qIn, 1], 'lin.p': [c.pairIn, 1],
    };
  return {
    'd.w': [c.dIn, h], 'd.b': [h],
    'learned': [c.nLearned, h],
    ...att('sa'),
    'head.w1': [h, h], 'head.b1': [h], 'head.w2': [h, 1], 'head.b2': [1],
  };
}

/** Seeded Glorot-normal init (biases zero; learned tokens N(0, 0.1)). */
export function initWeights(c: RankerConfig, seed: number): Record<string, Float32Array> & { __shapes?: never } {
  const g = gaussian(mulberry32(seed));
  const out: Record<string, Float32Array> = {};
  for (const [name, s] of Object.entries(shapes(c))) {
    const n = s.reduce((a, b) => a * b, 1);
    const a = new Float32Array(n);
    if (s.length === 2) {
      const sd = name === 'learned' ? 0.1 : Math.sqrt(2 / (s[0] + s[1]));
      for (let i = 0; i < n; i++) a[i] = g() * sd;
    }
    out[name] = a;
  }
  return out;
}

export function weightShapes(c: RankerConfig): Record<string, number[]> {
  return shapes(c);
}

const NEG = -1e9;

/** single-head attention: q [B,M,h], kv [B,N,h], mask [B,N] (1 = present) -> [B,M,h] */
function attend(w: Weights, p: string, q: Tensor, kv: Tensor, mask: Tensor | null, h: number): Tensor {
  const Q = dense3(q, w[`${p}.q`]);
  const K = dense3(kv, w[`${p}.k`]);
  const V = dense3(kv, w[`${p}.v`]);
  let logits = tf.matMul(Q, K, false, true).div(Math.sqrt(h));
  if (mask) logits = logits.add(tf.sub(1, mask).mul(NEG).expandDims(1));
  const a = tf.softmax(logits, -1);
  return dense3(tf.matMul(a, V), w[`${p}.o`]);
}

function dense3(x: Tensor, wt: Tensor, b?: Tensor): Tensor {
  const [B, N, D] = x.shape as number[];
  const y = tf.matMul(x.reshape([B * N, D]), wt);
  return (b ? y.add(b) : y).reshape([B, N, wt.shape[1]!]);
}

export interface RankerBatch {
  /** dataset tokens [B, N, dIn] */
  D: Tensor;
  /** [B, N], 1 = present */
  Dmask: Tensor;
  /** model queries [M, qIn] (cross) */
  Q?: Tensor;
  /** pair features [B, M, pairIn] (cross) */
  P?: Tensor;
  /** learned-token index per model [M] (self), -1 = unknown model (mean of learned tokens) */
  learned?: Tensor;
  /** [B, M], 1 = candidate present (models can be masked out) */
  Mmask?: Tensor;
}

/** Scores [B, M]; higher = better. */
export function forward(c: RankerConfig, w: Weights, b: RankerBatch): Tensor {
  const h = c.h;
  const X0 = tf.relu(dense3(b.D, w['d.w'], w['d.b']));
  const B = X0.shape[0];
  if (c.kind === 'cross') {
    const X = X0.add(attend(w, 'enc', X0, X0, b.Dmask, h));
    const M = b.Q!.shape[0];
    const Z0 = tf.relu(tf.matMul(b.Q!, w['m.w']).add(w['m.b'])).expandDims(0).tile([B, 1, 1]);
    const Z = Z0.add(attend(w, 'dec', Z0, Z0, b.Mmask ?? null, h));
    const C = attend(w, 'x', Z, X, b.Dmask, h);
    const H = tf.concat([Z, C, b.P!], -1);
    const hid = tf.relu(dense3(H, w['head.w1'], w['head.b1']));
    const lin = tf.matMul(b.Q!, w['lin.q']).reshape([1, M]).add(dense3(b.P!, w['lin.p']).reshape([B, M]));
    return dense3(hid, w['head.w2'], w['head.b2']).reshape([B, M]).add(lin);
  }
  // self: per model m, attention of its token over [token_m; dataset tokens]
  const L = w['learned'];
  const idx = b.learned!;
  const M = idx.shape[0];
  const meanTok = L.mean(0, true);
  const known = idx.greaterEqual(0);
  const E = tf.where(known.expandDims(1).tile([1, h]), tf.gather(L, tf.maximum(idx, tf.scalar(0, 'int32'))), meanTok.tile([M, 1])); // [M,h]
  const Eb = E.expandDims(0).tile([B, 1, 1]); // [B,M,h]
  const q = dense3(Eb, w['sa.q']);
  const kS = dense3(Eb, w['sa.k']);
  const vS = dense3(Eb, w['sa.v']);
  const kX = dense3(X0, w['sa.k']);
  const vX = dense3(X0, w['sa.v']);
  const sSelf = q.mul(kS).sum(-1, true).div(Math.sqrt(h)); // [B,M,1]
  const sX = tf.matMul(q, kX, false, true).div(Math.sqrt(h)).add(tf.sub(1, b.Dmask).mul(NEG).expandDims(1)); // [B,M,N]
  const a = tf.softmax(tf.concat([sSelf, sX], -1), -1);
  const att = a.slice([0, 0, 0], [-1, -1, 1]).mul(vS).add(tf.matMul(a.slice([0, 0, 1], [-1, -1, -1]), vX));
  const out = Eb.add(dense3(att, w['sa.o']));
  const hid = tf.relu(dense3(out, w['head.w1'], w['head.b1']));
  return dense3(hid, w['head.w2'], w['head.b2']).reshape([B, M]);
}

/**
 * Listwise loss (ListNet with a temperature): cross-entropy between softmax(z-scored GT / T) and
 * softmax(scores), over the candidates present; mean over the batch.
 */
export function listwiseLoss(scores: Tensor, gt: Tensor, mask: Tensor, T: number): Tensor {
  const cnt = mask.sum(-1, true);
  const mean = gt.mul(mask).sum(-1, true).div(cnt);
  const sd = gt.sub(mean).square().mul(mask).sum(-1, true).div(cnt).sqrt().add(1e-3);
  const z = gt.sub(mean).div(sd).div(T).add(tf.sub(1, mask).mul(NEG));
  const target = tf.softmax(z, -1);
  const logp = tf.logSoftmax(scores.add(tf.sub(1, mask).mul(NEG)), -1);
  return target.mul(logp).mul(mask).sum(-1).neg().mean();
}

// ---------------- ArchToVec autoencoder ----------------

export interface AeConfig { inDim: number; hidden: number; code: number }

export function aeShapes(c: AeConfig): Record<string, number[]> {
  return {
    'ae.e1': [c.inDim, c.hidden], 'ae.eb1': [c.hidden], 'ae.e2': [c.hidden, c.code], 'ae.eb2': [c.code],
    'ae.d1': [c.code, c.hidden], 'ae.db1': [c.hidden], 'ae.d2': [c.hidden, c.inDim], 'ae.db2': [c.inDim],
  };
}

/** code = tanh(relu(x W1 + b1) W2 + b2); x standardised with the zoo's mean/std */
export function aeEncode(w: Weights, x: Tensor): Tensor {
  return tf.tanh(tf.matMul(tf.relu(tf.matMul(x, w['ae.e1']).add(w['ae.eb1'])), w['ae.e2']).add(w['ae.eb2']));
}
export function aeDecode(w: Weights, z: Tensor): Tensor {
  return tf.matMul(tf.relu(tf.matMul(z, w['ae.d1']).add(w['ae.db1'])), w['ae.d2']).add(w['ae.db2']);
}
