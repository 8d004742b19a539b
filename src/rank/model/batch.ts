// Tensors of one forward pass: B datasets (padded to the largest, masked) x M candidate models.
import { tf } from '../../probe/tfjs/tf.ts';
import { pairFeatures, PAIR_DIM, type DatasetInput, type PreparedModel } from '../shared/features.ts';
import type { RankerBatch } from './ranker.ts';

const pairCache = new WeakMap<DatasetInput, WeakMap<PreparedModel[], Float32Array>>();

/** Pair features of one dataset with every model, [M * PAIR_DIM] (cached per dataset input object). */
export function pairsFor(d: DatasetInput, models: PreparedModel[], p: number): Float32Array {
  let byModels = pairCache.get(d);
  if (!byModels) pairCache.set(d, (byModels = new WeakMap()));
  let out = byModels.get(models);
  if (out) return out;
  out = new Float32Array(models.length * PAIR_DIM);
  models.forEach((m, j) => out!.set(pairFeatures(d, m.source, p), j * PAIR_DIM));
  byModels.set(models, out);
  return out;
}

export function makeBatch(ds: DatasetInput[], models: PreparedModel[], p: number, modelMask?: Float32Array[]): RankerBatch {
  const B = ds.length, M = models.length;
  const N = Math.max(...ds.map((d) => d.n));
  const w = ds[0].rows.length / ds[0].n;
  const D = new Float32Array(B * N * w), Dm = new Float32Array(B * N);
  const P = new Float32Array(B * M * PAIR_DIM);
  ds.forEach((d, b) => {
    D.set(d.rows, b * N * w);
    Dm.fill(1, b * N, b * N + d.n);
    P.set(pairsFor(d, models, p), b * M * PAIR_DIM);
  });
  const qIn = models[0].query.length;
  const Q = new Float32Array(M * qIn);
  models.forEach((m, j) => Q.set(m.query, j * qIn));
  const Mm = new Float32Array(B * M).fill(1);
  if (modelMask) modelMask.forEach((mm, b) => Mm.set(mm, b * M));
  return {
    D: tf.tensor3d(D, [B, N, w]),
    Dmask: tf.tensor2d(Dm, [B, N]),
    Q: tf.tensor2d(Q, [M, qIn]),
    P: tf.tensor3d(P, [B, M, PAIR_DIM]),
    learned: tf.tensor1d(Int32Array.from(models.map((m) => m.learned)), 'int32'),
    Mmask: tf.tensor2d(Mm, [B, M]),
  };
}

export function disposeBatch(b: RankerBatch): void {
  for (const t of Object.values(b)) (t as tf.Tensor | undefined)?.dispose();
}
