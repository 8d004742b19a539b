import './node/tf-shim.ts';
import { DEFAULT_ENCODER_ID, encoderById } from '../encode/shared/manifest.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { tf } from '../probe/tfjs/tf.ts';
import { mulberry32, gaussian } from '../shared/random.ts';
import { b64ToF32, f32ToB64, type RankerArtifact, type ZooTokens } from './shared/artifact.ts';
import { fitPca, pairFeatures, project, type DatasetInput } from './shared/features.ts';
import { ARCH_RAW_DIM, archFeatures, kmeans1d, metaVector, META_DIM } from './shared/model-tokens.ts';
import { readOnnxWeights } from './shared/onnx-weights.ts';
import { forward, initWeights, listwiseLoss, weightShapes, type RankerConfig } from './model/ranker.ts';
import { Scorer } from './model/scorer.ts';
import { makeBatch } from './model/batch.ts';
import { subsetInput } from './node/train.ts';

await tf.setBackend('cpu');

test('onnx weight reader: zoo model layers in graph order, values decoded', () => {
  const w = readOnnxWeights(new Uint8Array(readFileSync('models/zoo/resnet-mnist.onnx')));
  const layers = w.tensors.filter((t) => t.dims.length >= 2);
  assert.deepEqual(layers[0].dims, [16, 3, 3, 3]);
  assert.deepEqual(layers.at(-1)!.dims, [10, 96]);
  assert.equal(w.usedBy.get(layers.at(-1)!.name), 'Gemm');
  for (const t of w.tensors) assert.equal(t.data.length, t.dims.reduce((a, b) => a * b, 1));
  assert.ok(layers[0].data.some((x) => x !== 0) && layers[0].data.every(Number.isFinite));
});

test('kmeans1d finds well-separated clusters; ArchToVec is fixed-size and deterministic', () => {
  const g = gaussian(mulberry32(3));
  const v = Float32Array.from({ length: 3000 }, (_, i) => [-2, 0, 3][i % 3] + 0.05 * g());
  const c = kmeans1d(v, 3);
  [-2, 0, 3].forEach((x, i) => assert.ok(Math.abs(c[i] - x) < 0.05, `${c}`));
  const bytes = new Uint8Array(readFileSync('models/zoo/vgg-dtd.onnx'));
  const a = archFeatures(readOnnxWeights(bytes));
  assert.equal(a.length, ARCH_RAW_DIM);
  assert.deepEqual(a, archFeatures(readOnnxWeights(bytes)));
  // vgg has 5 weight layers: slots beyond are zero padding
  assert.ok(a.slice(5 * (ARCH_RAW_DIM / 16)).every((x) => x === 0));
});

test('metadata vector: unknown family is all zeros in the family slots', () => {
  const m = metaVector({ family: 'convmixer', params: 5e4, macs: 3e6, inputSize: 32, featureDim: 80, sourceClasses: 10, sourceAccuracy: 0.9, pool: false });
  assert.equal(m.length, META_DIM);
  assert.deepEqual(m.slice(0, 3), [0, 0, 0]);
});

test('PCA (subspace iteration) recovers a planted subspace with unit-variance projections', () => {
  const g = gaussian(mulberry32(5));
  const dim = 40;
  const basis = [Array.from({ length: dim }, () => g()), Array.from({ length: dim }, () => g())];
  const rows = Array.from({ length: 300 }, () => {
    const a = 3 * g(), b = 1 * g();
    return basis[0].map((x, j) => a * x + b * basis[1][j] + 0.01 * g());
  });
  const pca = fitPca(rows, 2);
  const z = rows.map((r) => project(pca, r));
  for (let k = 0; k < 2; k++) {
    const m = z.reduce((s, v) => s + v[k], 0) / z.length;
    const v = z.reduce((s, x) => s + (x[k] - m) ** 2, 0) / z.length;
    assert.ok(Math.abs(m) < 1e-6 && Math.abs(v - 1) < 1e-3, `component ${k}: mean ${m} var ${v}`);
  }
});

test('pair features: a source equal to the target matches itself', () => {
  const p = 4;
  const centres = Float32Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]);
  const ds: DatasetInput = { rows: new Float32Array(3 * (p + 2)), n: 3, centres, stats: [0, 0] };
  const f = pairFeatures(ds, { centres, n: 3 }, p);
  assert.ok(Math.abs(f[1] - 1) < 1e-6 && Math.abs(f[2] - 1) < 1e-6);
  assert.equal(f[3], 1);
  assert.deepEqual(pairFeatures(ds, null, p).slice(0, 4), [0, 0, 0, 0]);
  const sub = subsetInput(ds, [0, 2], p);
  assert.equal(sub.n, 2);
});

test('base64 float32 round trip', () => {
  const a = Float32Array.from([1.5, -2.25, 3e-8, 0]);
  assert.deepEqual(b64ToF32(f32ToB64(a)), a);
});

test('cross-attention ranker: scores permute with the candidates; listwise loss prefers the right order', () => {
  const cfg: RankerConfig = { kind: 'cross', h: 8, dIn: 6, qIn: META_DIM + 8 + 4 + 2, pairIn: 6, nLearned: 0 };
  const init = initWeights(cfg, 1);
  const shapes = weightShapes(cfg);
  const w = Object.fromEntries(Object.entries(init).map(([k, v]) => [k, tf.tensor(v, shapes[k])]));
  const g = gaussian(mulberry32(9));
  const ds: DatasetInput = { rows: Float32Array.from({ length: 3 * 6 }, g), n: 3, centres: Float32Array.from({ length: 12 }, g), stats: [0, 0] };
  const models = Array.from({ length: 5 }, (_, i) => ({ id: `m${i}`, query: Float32Array.from({ length: cfg.qIn }, g), source: i % 2 ? { centres: Float32Array.from({ length: 8 }, g), n: 2 } : null, learned: -1 }));
  const s1 = forward(cfg, w, makeBatch([ds], models, 4)).dataSync();
  const perm = [3, 0, 4, 1, 2];
  const s2 = forward(cfg, w, makeBatch([ds], perm.map((i) => models[i]), 4)).dataSync();
  perm.forEach((i, j) => assert.ok(Math.abs(s2[j] - s1[i]) < 1e-5));
  const gt = tf.tensor2d([[0.9, 0.5, 0.1]]), mask = tf.ones([1, 3]);
  const good = listwiseLoss(tf.tensor2d([[3, 1, -1]]), gt, mask, 0.5).dataSync()[0];
  const bad = listwiseLoss(tf.tensor2d([[-1, 1, 3]]), gt, mask, 0.5).dataSync()[0];
  assert.ok(good < bad);
});

test('committed ranker: belongs to its zoo tokens and encoder, scores are finite, the reference matches', { skip: !existsSync('models/ranker/ranker.json') }, () => {
  const art = JSON.parse(readFileSync('models/ranker/ranker.json', 'utf8')) as RankerArtifact;
  const zoo = JSON.parse(readFileSync('models/ranker/zoo-tokens.json', 'utf8')) as ZooTokens;
  assert.equal(zoo.ranker, art.id);
  assert.equal(art.encoder.id, DEFAULT_ENCODER_ID);
  assert.equal(art.encoder.sha256, encoderById(DEFAULT_ENCODER_ID).sha256);
  const scorer = new Scorer(art);
  const models = scorer.prepareZoo(zoo);
  assert.equal(models.length, 52);
  const ref = JSON.parse(readFileSync('src/rank/rank-reference.json', 'utf8'));
  assert.equal(ref.ranker, art.id);
  for (const kind of ['cross', 'self'] as const)
    ref.tokens.forEach((t: never, i: number) => {
      const s = scorer.score(t, models, kind);
      assert.ok(s.every(Number.isFinite));
      s.forEach((x, j) => assert.ok(Math.abs(x - ref.scores[kind][i][j]) < 1e-5));
    });
  // another encoder's tokens are refused
  assert.throws(() => scorer.score({ ...ref.tokens[0], encoder: { id: 'x', sha256: 'y', dim: 1280 } }, models));
  scorer.dispose();
});
