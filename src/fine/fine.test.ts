// Fine stage, pure parts (Node): the feature-node choice on real graphs (and the patched graphs
// run in onnxruntime-node), the halving glue against the ground-truth probe, the re-ranking, the
// data preparation, and the freshness of the page/Node parity reference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { readGraph, type OnnxGraph } from '../hardware/shared/onnx.ts';
import { chooseFeatureNode, tensorRanks, withFeatureOutput, FEATURES_OUTPUT } from './shared/feature-node.ts';
import { FINE_PROBE, HALVING_ABOVE_FLOPS, fullProbeFlops, halvingPlan, plannedTrainings, probeModels, rerank, useHalving, type RerankInput } from './shared/probe.ts';
import { pickRows, probeLabels, sampleImages } from './shared/data.ts';
import { GT_CV, cvProbe } from '../probe/shared/cv.ts';
import { encoderById } from '../encode/shared/manifest.ts';
import { withEmbeddingOutput, EMBEDDING_OUTPUT } from '../encode/shared/onnx-patch.ts';
import { cosine } from '../encode/shared/vec.ts';
import { mulberry32, gaussian } from '../shared/random.ts';
import { computeFineReference } from '../../tools/fine/reference.ts';
import type { FineProbe } from './shared/types.ts';

const bytesOf = (p: string) => new Uint8Array(readFileSync(p));
const RESNET = 'models/zoo/resnet-mnist.onnx';
const MOBILENET_INT8 = 'models/encoders/mobilenetv2-12-int8.onnx';

test('feature node: zoo resnet-mnist -> the input of its Gemm head, which is the graph output "features"', () => {
  const c = chooseFeatureNode(readGraph(bytesOf(RESNET)));
  assert.equal(c.rule, 'head-input');
  assert.deepEqual(c.recipe, { kind: 'output', tensor: 'features' });
  assert.match(c.from, /last Gemm/);
});

test('feature node: ONNX-zoo MobileNetV2 int8 -> the quantized input of QLinearMatMul, dequantized', () => {
  const g = readGraph(bytesOf(MOBILENET_INT8));
  const c = chooseFeatureNode(g);
  assert.equal(c.rule, 'head-input');
  assert.deepEqual(c.recipe, { kind: 'dequantize', tensor: '472_quantized', scale: '464_scale', zeroPoint: '464_zero_point' });
  assert.match(c.from, /QLinearMatMul/);
  // the patched graph reads back with the new output and the old one untouched
  const patched = readGraph(withFeatureOutput(bytesOf(MOBILENET_INT8), c.recipe).bytes);
  assert.deepEqual(patched.outputs, ['output', FEATURES_OUTPUT]);
  assert.equal(patched.nodes.length, g.nodes.length + 3);
});

test('feature node: the other encoders (QDQ MatMul head; no head -> last GlobalAveragePool)', () => {
  const shuffle = chooseFeatureNode(readGraph(bytesOf('models/encoders/shufflenet-v2-12-qdq.onnx')));
  assert.deepEqual(shuffle.recipe, { kind: 'tensor', tensor: '611_Gemm_260_MatMul_dequantized' });
  const squeeze = chooseFeatureNode(readGraph(bytesOf('models/encoders/SqueezeNet_fp16.onnx')));
  assert.equal(squeeze.rule, 'pool-output');
  assert.deepEqual(squeeze.recipe, { kind: 'tensor', tensor: 'pool10_1' });
});

test('feature node: a head on a 3-d input falls back to pooling, and no pooling to the first output', () => {
  const g: OnnxGraph = {
    inputs: [{ name: 'x', dims: [-1, 3, 8, 8] }],
    initializers: new Map([['w', [4, 3, 1, 1]], ['m', [16, 5]], ['shape', [3]]]),
    outputs: ['y', 'aux'],
    nodes: [
      { op: 'Conv', inputs: ['x', 'w'], outputs: ['c'], attrs: {} },
      { op: 'GlobalAveragePool', inputs: ['c'], outputs: ['p'], attrs: {} },
      { op: 'Reshape', inputs: ['c', 'shape'], outputs: ['tokens'], attrs: {} },
      { op: 'MatMul', inputs: ['tokens', 'm'], outputs: ['y'], attrs: {} },
      { op: 'Relu', inputs: ['p'], outputs: ['aux'], attrs: {} },
    ],
  };
  assert.equal(tensorRanks(g).get('tokens'), 3);
  const c = chooseFeatureNode(g);
  assert.equal(c.rule, 'pool-output');
  assert.deepEqual(c.recipe, { kind: 'tensor', tensor: 'p' });
  const bare: OnnxGraph = { ...g, nodes: [g.nodes[0], { op: 'Relu', inputs: ['c'], outputs: ['y'], attrs: {} }], outputs: ['y'] };
  assert.deepEqual(chooseFeatureNode(bare), { recipe: { kind: 'output', tensor: 'y' }, rule: 'first-output', from: 'first graph output: y (no Gemm/MatMul head, no pooling node)' });
});

test('patched graphs run in onnxruntime-node: MobileNetV2 int8 gives the 1280-d features the encoder recipe gives', async () => {
  const bytes = bytesOf(MOBILENET_INT8);
  const c = chooseFeatureNode(readGraph(bytes));
  const p = withFeatureOutput(bytes, c.recipe);
  const e = encoderById('mobilenetv2-12-int8');
  const rand = mulberry32(3);
  const x = Float32Array.from({ length: 2 * 3 * 224 * 224 }, () => rand() * 4 - 2);
  const feed = { input: new ort.Tensor('float32', x, [2, 3, 224, 224]) };
  const a = await ort.InferenceSession.create(p.bytes, { intraOpNumThreads: 1 });
  const b = await ort.InferenceSession.create(withEmbeddingOutput(bytes, e.embedding, e.dim), { intraOpNumThreads: 1 });
  try {
    const fa = (await a.run(feed, [p.output]))[p.output];
    const fb = (await b.run(feed, [EMBEDDING_OUTPUT]))[EMBEDDING_OUTPUT];
    assert.deepEqual(fa.dims, [2, 1280]);
    assert.equal(fa.type, 'float32');
    const va = fa.data as Float32Array, vb = fb.data as Float32Array;
    for (let i = 0; i < 2; i++) assert.ok(cosine(va.subarray(i * 1280, (i + 1) * 1280), vb.subarray(i * 1280, (i + 1) * 1280)) > 0.99999);
    assert.ok(cosine(va.subarray(0, 1280), va.subarray(1280)) < 0.9999, 'two different inputs must differ');
  } finally {
    await a.release();
    await b.release();
  }
});

test('patched graphs run in onnxruntime-node: SqueezeNet fp16 gives float32 [N, 1000] from its pooling', async () => {
  const bytes = bytesOf('models/encoders/SqueezeNet_fp16.onnx');
  const p = withFeatureOutput(bytes, chooseFeatureNode(readGraph(bytes)).recipe);
  const s = await ort.InferenceSession.create(p.bytes, { intraOpNumThreads: 1 });
  try {
    const x = new Uint16Array(3 * 224 * 224).fill(0x3c00); // 1.0 in half precision
    const f = (await s.run({ data_0: new ort.Tensor('float16', x, [1, 3, 224, 224]) }, [p.output]))[p.output];
    assert.deepEqual(f.dims, [1, 1000]);
    assert.equal(f.type, 'float32');
  } finally {
    await s.release();
  }
});

test('the fine probe is the ground truth protocol (GT_CV, which src/zoo/node/gt.ts measures with)', () => {
  assert.equal(FINE_PROBE, GT_CV);
});

test('halving plan: no cheap round for 1-2 models, one for 3-4, two (at most) beyond', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 8, 16].map((k) => halvingPlan(k).length), [0, 0, 1, 1, 2, 2, 2]);
  assert.deepEqual([1, 2, 3, 4, 5, 8].map((k) => plannedTrainings(k)), [1, 2, 5, 6, 10, 14]);
  assert.equal(plannedTrainings(8, false), 8);
  // cheap rounds are cheaper than the full probe: fewer fits
  for (const r of halvingPlan(8)) assert.ok(r.folds * r.repeats < FINE_PROBE.folds * FINE_PROBE.repeats);
});

test("halving 'auto': only when the full probes of all models would cost real time", () => {
  // a few dozen images: every model gets the full probe (halving would only add noise)
  assert.equal(useHalving('auto', 5, 20, 1280, 3), false);
  // thousands of images, wide features, many classes: cheap rounds first
  assert.equal(useHalving('auto', 5, 2000, 1280, 50), true);
  assert.ok(fullProbeFlops(5, 2000, 1280, 50) > HALVING_ABOVE_FLOPS && fullProbeFlops(5, 20, 1280, 3) < HALVING_ABOVE_FLOPS);
  assert.equal(useHalving('always', 3, 10, 8, 2), true);
  assert.equal(useHalving('never', 8, 5000, 2048, 100), false);
});

/** n x d features of `classes` Gaussian classes whose separation is `sep`. */
function task(n: number, d: number, classes: number, sep: number, seed: number) {
  const g = gaussian(mulberry32(seed));
  const centres = Array.from({ length: classes * d }, () => g() * sep);
  const x = new Float32Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % classes;
    for (let j = 0; j < d; j++) x[i * d + j] = centres[y[i] * d + j] + g();
  }
  return { x, y };
}

test('probeModels: halving drops the weak models on the training split, survivors get exactly the GT probe', async () => {
  const n = 60, d = 12, classes = 3, seed = 5;
  const labels = task(n, d, classes, 0, 1).y;
  const seps = { a: 0.05, b: 1.5, c: 0.1, d: 0.8, e: 0.02 } as Record<string, number>;
  const arms = Object.entries(seps).map(([id, sep], i) => ({ id, features: task(n, d, classes, sep, 10 + i).x, d }));
  const steps: [number, number][] = [];
  const run = await probeModels(arms, labels, seed, (done, total) => { steps.push([done, total]); });
  assert.equal(run.rounds, 2);
  assert.equal(steps.length, plannedTrainings(5));
  assert.deepEqual(steps.map((s) => s[0]), steps.map((_, i) => i + 1));
  const full = [...run.probes].filter(([, p]) => p.full).map(([id]) => id).sort();
  assert.deepEqual(full, ['b', 'd'], 'the two separable models survive to the full probe');
  for (const id of full) {
    const a = arms.find((x) => x.id === id)!;
    const ref = cvProbe(a.features, labels, n, d, { ...GT_CV, seed: GT_CV.seed + seed });
    const p = run.probes.get(id)!;
    assert.equal(p.accuracy, ref.accuracy);
    assert.equal(p.folds, ref.folds);
    assert.equal(p.repeats, GT_CV.repeats);
    assert.equal(p.nTest + p.nTrain, n);
    assert.equal(p.rounds, 3);
  }
  for (const id of ['a', 'c', 'e']) assert.equal(run.probes.get(id)!.full, false);
  const order = rerank(arms.map((a) => ({ id: a.id, status: 'done', probe: run.probes.get(a.id) })));
  assert.deepEqual(order.slice(0, 2), ['b', 'd']);
  // no halving: every model gets the GT probe
  const all = await probeModels(arms, labels, seed, undefined, false);
  assert.equal(all.rounds, 0);
  assert.deepEqual([...all.probes.values()].map((p) => p.full), [true, true, true, true, true]);
  assert.equal(all.probes.get('b')!.accuracy, run.probes.get('b')!.accuracy);
  // one model: the full probe straight away
  const one = await probeModels([arms[1]], labels, seed);
  assert.equal(one.rounds, 0);
  assert.equal(one.probes.get('b')!.full, true);
});

const probe = (accuracy: number, full = true, rounds = 2, cv = 0.5): FineProbe => ({ accuracy, lambda: 1, folds: 3, repeats: 4, nTrain: 10, nTest: 5, rounds, full, cvAccuracy: cv });

test('rerank: full probes by accuracy, then halving drop-outs by round, then unprobed by LogME; failed and cancelled left out', () => {
  const ms: RerankInput[] = [
    { id: 'failed', status: 'failed' },
    { id: 'low', status: 'done', probe: probe(0.6) },
    { id: 'dropped-r1', status: 'done', probe: probe(0.95, false, 1) },
    { id: 'high', status: 'done', probe: probe(0.9) },
    { id: 'cancelled', status: 'cancelled', probe: probe(1) },
    { id: 'dropped-r2', status: 'done', probe: probe(0.5, false, 2) },
    { id: 'tie', status: 'done', probe: probe(0.6) },
    { id: 'noprobe-a', status: 'done', scores: { LogME: -1 } },
    { id: 'noprobe-b', status: 'done', scores: { LogME: 0.5 } },
    { id: 'noprobe-c', status: 'done' },
  ];
  assert.deepEqual(rerank(ms), ['high', 'low', 'tie', 'dropped-r2', 'dropped-r1', 'noprobe-b', 'noprobe-a', 'noprobe-c']);
  assert.deepEqual(rerank([]), []);
  assert.deepEqual(rerank([{ id: 'x', status: 'failed' }]), []);
});

test('sampleImages: all when under the cap; else seeded, proportional, >= 2 a class, in input order', () => {
  const labels = [...Array(100).fill(0), ...Array(20).fill(1), ...Array(3).fill(2)];
  assert.equal(sampleImages(labels, undefined, 1).length, 123);
  assert.equal(sampleImages(labels, 500, 1).length, 123);
  const s = sampleImages(labels, 40, 1);
  assert.equal(s.length, 40);
  assert.deepEqual(s, [...s].sort((a, b) => a - b));
  const per = [0, 1, 2].map((c) => s.filter((i) => labels[i] === c).length);
  assert.ok(per[0] > per[1] && per[1] > per[2] && per[2] >= 2, `per class ${per}`);
  assert.deepEqual(sampleImages(labels, 40, 1), s);
  assert.notDeepEqual(sampleImages(labels, 40, 2), s);
});

test('probeLabels: classes with fewer than 2 images are left out and the rest relabelled 0..C-1', () => {
  const pl = probeLabels([3, 0, 3, 5, 0, 3]);
  assert.deepEqual(pl.classes, [0, 3]);
  assert.deepEqual(pl.dropped, [{ cls: 5, count: 1 }]);
  assert.deepEqual(pl.rows, [0, 1, 2, 4, 5]);
  assert.deepEqual([...pl.labels], [1, 0, 1, 0, 1]);
  assert.deepEqual([...pickRows(Float32Array.from([0, 1, 2, 3, 4, 5]), 2, [2, 0])], [4, 5, 0, 1]);
});

test('the committed page/Node reference (src/fine/fine-reference.json) is what onnxruntime-node gives now', async () => {
  const committed = JSON.parse(readFileSync('src/fine/fine-reference.json', 'utf8'));
  const fresh = await computeFineReference();
  assert.equal(committed.sha256, fresh.sha256, 'rerun tools/fine/reference.ts');
  fresh.images.forEach((im, i) => {
    assert.equal(committed.images[i].path, im.path);
    assert.ok(cosine(committed.images[i].features, im.features) > 0.99999);
  });
  assert.ok(cosine(fresh.images[0].features, fresh.images[1].features) < 0.999, 'different images differ');
});
