// validateOnnx on real files: every zoo model, the three encoder files, and real files damaged or
// rewritten to break exactly one rule; generated graphs (the micro-benchmark's writer) for inputs
// that are not images.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { readGraph, writeModel } from '../hardware/shared/onnx.ts';
import { microBenchProbes } from '../hardware/shared/cost-model.ts';
import { mulberry32 } from '../shared/random.ts';
import { checkOnnx, validateOnnx, DEFAULT_MAX_BYTES } from './shared/validate.ts';
import type { OnnxInfo, Validation } from './shared/types.ts';

interface Entry { id: string; family: string; file: string; params: number; macs: number; featureDim: number; input: { name: string; shape: (string | number)[] }; outputs: { logits?: string; features?: string } }
const cat = JSON.parse(readFileSync('models/zoo/catalogue.json', 'utf8')) as { models: Entry[] };
const read = (p: string) => new Uint8Array(readFileSync(p));

function accepted(v: Validation, what: string): OnnxInfo {
  assert.ok(v.ok, `${what} refused: ${v.ok ? '' : v.errors.join(' | ')}`);
  return v.info;
}
function refused(v: Validation, what: string): string {
  assert.ok(!v.ok, `${what} was accepted`);
  return v.errors.join(' | ');
}

test('every zoo model passes; its feature node is the catalogue\'s outputs.features, its logits outputs.logits', () => {
  const families = new Set<string>();
  let slowest = { ms: 0, file: '' };
  for (const m of cat.models) {
    const b = read(`models/zoo/${m.file}`);
    const t0 = performance.now();
    const info = accepted(validateOnnx(b, m.id), m.id);
    const ms = performance.now() - t0;
    if (ms > slowest.ms) slowest = { ms, file: m.file };
    families.add(m.family);
    if (m.outputs.features) assert.equal(info.featuresOutput, m.outputs.features, `${m.id}: ${info.featuresFrom}`);
    assert.match(info.featuresFrom, /last Gemm/, m.id);
    assert.equal(info.featuresRank, 2, m.id);
    assert.equal(info.logitsOutput, m.outputs.logits ?? null, m.id);
    assert.equal(info.input.name, m.input.name, m.id);
    assert.deepEqual(info.input.shape.slice(1), m.input.shape.slice(1).map(Number), m.id);
    assert.equal(info.input.batch, null, `${m.id}: symbolic batch`);
    assert.equal(info.input.dtype, 'float32', m.id);
    assert.equal(info.macs, m.macs, `${m.id}: MACs`);
    assert.ok(Math.abs(info.params - m.params) / m.params < 0.05, `${m.id}: params`);
    assert.equal(info.bytes, b.length);
    assert.equal(info.sha256, '', 'validateOnnx does not hash');
    assert.deepEqual(info.notes, [], `${m.id}: ${info.notes.join(' | ')}`);
  }
  assert.ok(['resnet', 'mobilenetv2', 'vgg', 'convmixer'].every((f) => families.has(f)), [...families].join(','));
  console.log(`validated ${cat.models.length} zoo models; slowest ${slowest.file} ${slowest.ms.toFixed(1)} ms`);
});

const ENC = 'models/encoders';
const haveEncoders = ['mobilenetv2-12-int8.onnx', 'shufflenet-v2-12-qdq.onnx', 'SqueezeNet_fp16.onnx'].every((f) => existsSync(`${ENC}/${f}`));

test('the encoder files (int8 QLinear, QDQ, fp16) pass with a sensible feature node', { skip: haveEncoders ? false : 'models/encoders missing: npm run setup' }, async () => {
  // MobileNetV2 int8: QLinearMatMul head on the reshaped, quantised pooled features
  const mb = read(`${ENC}/mobilenetv2-12-int8.onnx`);
  let t0 = performance.now();
  const m = accepted(await checkOnnx(mb, 'mobilenetv2 int8'), 'mobilenetv2-12-int8');
  console.log(`checkOnnx (validate + sha256) of mobilenetv2-12-int8.onnx (${mb.length} bytes): ${(performance.now() - t0).toFixed(1)} ms`);
  assert.equal(m.sha256, createHash('sha256').update(mb).digest('hex'));
  assert.equal(m.featuresOutput, '472_quantized');
  assert.match(m.featuresFrom, /QLinearMatMul/);
  assert.deepEqual(m.featuresQuantized, { scale: '464_scale', zeroPoint: '464_zero_point' });
  assert.equal(m.logitsOutput, 'output');
  assert.ok(m.opTypes.includes('com.microsoft.QLinearAdd') && m.opTypes.includes('QLinearConv'), m.opTypes.join(','));
  assert.equal(m.input.dtype, 'float32');
  assert.equal(m.input.height, 224);
  // MobileNetV2 1.0 at 224: about 300 M MACs (the QLinear ops are counted as their float ops)
  assert.ok(m.macs! > 280e6 && m.macs! < 320e6, String(m.macs));
  const g = readGraph(mb);
  assert.ok(g.nodes.some((n) => n.outputs.includes(m.featuresOutput)), 'the feature tensor exists in the graph');

  // ShuffleNet-v2 QDQ: MatMul head; features before the fake-quantisation pair = the manifest's embedding tensor
  t0 = performance.now();
  const s = accepted(validateOnnx(read(`${ENC}/shufflenet-v2-12-qdq.onnx`), 'shufflenet'), 'shufflenet-v2-12-qdq');
  console.log(`validateOnnx shufflenet-v2-12-qdq.onnx: ${(performance.now() - t0).toFixed(1)} ms`);
  assert.equal(s.featuresOutput, '611');
  assert.match(s.featuresFrom, /QuantizeLinear\/DequantizeLinear/);
  assert.equal(s.featuresRank, 2);
  assert.equal(s.featuresQuantized, null);
  assert.equal(s.logitsOutput, 'output');
  assert.equal(s.input.batch, 1);
  // the shape walk follows its Split / Concat / channel-shuffle Reshape+Transpose / ReduceMean:
  // ShuffleNet v2 1.0x is 146 M MACs in its paper (Ma et al. 2018, Table 5: 146 MFLOPs, counted as multiply-adds)
  assert.ok(s.macs! > 140e6 && s.macs! < 150e6, String(s.macs));

  // SqueezeNet 1.1 fp16: no linear head; the pooled output, flagged as class scores
  const q = accepted(validateOnnx(read(`${ENC}/SqueezeNet_fp16.onnx`), 'squeezenet'), 'squeezenet1.1-fp16');
  assert.equal(q.input.dtype, 'float16');
  assert.equal(q.featuresOutput, 'pool10_1');
  assert.match(q.featuresFrom, /GlobalAveragePool/);
  assert.ok(q.notes.some((n) => /convolutional classifier/.test(n)), q.notes.join(' | '));
  assert.equal(q.logitsOutput, null, 'softmaxout_1 is [1, 1000, 1, 1]');
  assert.ok(q.notes.some((n) => /float16/.test(n)));
  // its fire modules Concat two branches: SqueezeNet 1.1 is ~0.35 G multiply-adds (2.4x fewer than 1.0's 0.86 G, per its authors' repository)
  assert.ok(q.macs! > 330e6 && q.macs! < 370e6, String(q.macs));
});

test('a truncated file is refused as not readable ONNX (zoo model and encoder cut short)', () => {
  const files = ['models/zoo/vgg-mnist.onnx', ...(haveEncoders ? [`${ENC}/mobilenetv2-12-int8.onnx`] : [])];
  for (const f of files) {
    const b = read(f);
    for (const frac of [0.1, 0.5, 0.9]) {
      const e = refused(validateOnnx(b.subarray(0, Math.floor(b.length * frac)), 'cut.onnx'), `${f} cut at ${frac}`);
      assert.match(e, /"cut\.onnx" is not a readable ONNX file .*truncated/, e);
    }
  }
  assert.match(refused(validateOnnx(new Uint8Array(0), 'empty.onnx'), 'empty'), /empty \(0 bytes\)/);
});

test('random bytes and an HTML file are refused as not readable ONNX', () => {
  const rand = mulberry32(7);
  for (let k = 0; k < 20; k++) {
    const b = new Uint8Array(1000 + k * 997);
    for (let i = 0; i < b.length; i++) b[i] = Math.floor(rand() * 256);
    assert.match(refused(validateOnnx(b, 'noise.onnx'), `random ${k}`), /not a readable ONNX file/);
  }
  const text = new TextEncoder().encode('<html><body>not a model</body></html>');
  assert.match(refused(validateOnnx(text, 'page.onnx'), 'html'), /not a readable ONNX file/);
});

test('a file over the size limit is refused with its size and the limit', () => {
  const b = read('models/zoo/resnet-mnist.onnx');
  const e = refused(validateOnnx(b, 'big.onnx', { maxBytes: 100_000 }), 'over maxBytes');
  assert.match(e, /"big\.onnx" is 693\.5 kB, over the 100\.0 kB limit/, e);
  assert.equal(DEFAULT_MAX_BYTES, 250_000_000);
  assert.ok(validateOnnx(b, 'ok.onnx', { maxBytes: b.length }).ok, 'a file of exactly the limit passes');
});

/** Rewrites one NodeProto.op_type string (field 4, length-delimited) to another of the same length. */
function renameOp(b: Uint8Array, from: string, to: string): Uint8Array {
  assert.equal(from.length, to.length);
  const pat = [0x22, from.length, ...new TextEncoder().encode(from)];
  const out = b.slice();
  let n = 0;
  outer: for (let i = 0; i + pat.length <= out.length; i++) {
    for (let j = 0; j < pat.length; j++) if (out[i + j] !== pat[j]) continue outer;
    out.set(new TextEncoder().encode(to), i + 2);
    n++;
  }
  assert.ok(n > 0, `${from} not found`);
  return out;
}

test('a graph with an operator onnxruntime-web cannot run is refused, naming the op', () => {
  // a real zoo model with its GlobalAveragePool renamed to an unknown op of the same length
  const b = renameOp(read('models/zoo/mobilenetv2-mnist.onnx'), 'GlobalAveragePool', 'ZooScoutUnknownOp');
  const e = refused(validateOnnx(b, 'odd.onnx'), 'unknown op');
  assert.match(e, /operator onnxruntime-web \(WASM\) cannot run: ZooScoutUnknownOp \(1 node\)/, e);
  // the untouched file passes (the refusal is the op, nothing else)
  assert.ok(validateOnnx(read('models/zoo/mobilenetv2-mnist.onnx'), 'fine.onnx').ok);
  // a written graph: an image input, a standard Conv and two ops ORT's WASM build lacks
  const g = writeModel({
    inputs: [{ name: 'x', dims: [1, 3, 8, 8] }], outputs: [{ name: 'z', dims: [1, 4, 8, 8] }],
    initializers: [{ name: 'w', dims: [4, 3, 1, 1] }],
    nodes: [
      { op: 'Conv', inputs: ['x', 'w'], outputs: ['y'] },
      { op: 'SpectralNormFoo', inputs: ['y'], outputs: ['y2'] },
      { op: 'SpectralNormFoo', inputs: ['y2'], outputs: ['y3'] },
      { op: 'Frobnicate', inputs: ['y3'], outputs: ['z'] },
    ],
  });
  const e2 = refused(validateOnnx(g, 'custom.onnx'), 'written graph');
  assert.match(e2, /operators onnxruntime-web \(WASM\) cannot run: SpectralNormFoo \(2 nodes\), Frobnicate \(1 node\)/, e2);
});

test('inputs that are not one NCHW image are refused, each with its reason', () => {
  const probes = microBenchProbes();
  // the MatMul probe: a 2-d input [16, 256]
  const mm = probes.find((p) => p.name === 'matmul')!;
  assert.match(refused(validateOnnx(writeModel(mm.spec), 'matmul.onnx'), '2-d input'), /input "x" is not an image: it is rank 2 \[16, 256\]/);
  // the dense conv probe: 32 channels
  const conv = probes.find((p) => p.name === 'dense3x3')!;
  assert.match(refused(validateOnnx(writeModel(conv.spec), 'conv.onnx'), '32 channels'), /32 channels \[1, 32, 16, 16\]/);
  // channels last
  const nhwc = writeModel({
    inputs: [{ name: 'img', dims: [1, 32, 32, 3] }], outputs: [{ name: 'y', dims: [1, 3, 32, 32] }], initializers: [],
    nodes: [{ op: 'Transpose', inputs: ['img'], outputs: ['y'], attrs: { perm: [0, 3, 1, 2] } }],
  });
  assert.match(refused(validateOnnx(nhwc, 'nhwc.onnx'), 'NHWC'), /channels-last .*NHWC/);
  // two inputs
  const two = writeModel({
    inputs: [{ name: 'a', dims: [1, 3, 8, 8] }, { name: 'b', dims: [1, 3, 8, 8] }], outputs: [{ name: 'y', dims: [1, 3, 8, 8] }], initializers: [],
    nodes: [{ op: 'Add', inputs: ['a', 'b'], outputs: ['y'] }],
  });
  assert.match(refused(validateOnnx(two, 'two.onnx'), 'two inputs'), /takes 2 inputs \("a" \[1, 3, 8, 8\], "b" \[1, 3, 8, 8\]\)/);
  // non-square
  const rect = writeModel({
    inputs: [{ name: 'x', dims: [1, 3, 32, 48] }], outputs: [{ name: 'y', dims: [1, 3, 32, 48] }], initializers: [],
    nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
  });
  assert.match(refused(validateOnnx(rect, 'rect.onnx'), 'non-square'), /32x48; the page feeds square crops only/);
});

test('an image input with symbolic H/W is accepted at 224 with a note; a head-less graph uses its pooling', () => {
  const g = writeModel({
    inputs: [{ name: 'x', dims: [-1, 3, -1, -1] }], outputs: [{ name: 'f', dims: [-1, 8] }],
    initializers: [{ name: 'w', dims: [8, 3, 3, 3] }],
    nodes: [
      { op: 'Conv', inputs: ['x', 'w'], outputs: ['c'], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
      { op: 'Relu', inputs: ['c'], outputs: ['r'] },
      { op: 'GlobalAveragePool', inputs: ['r'], outputs: ['p'] },
      { op: 'Flatten', inputs: ['p'], outputs: ['f'], attrs: { axis: 1 } },
    ],
  });
  const info = accepted(validateOnnx(g, 'backbone.onnx'), 'symbolic backbone');
  assert.equal(info.input.height, 224);
  assert.equal(info.input.width, 224);
  assert.ok(info.notes.some((n) => /symbolic height\/width .* feeds 224x224/.test(n)), info.notes.join(' | '));
  assert.equal(info.featuresOutput, 'f');
  assert.match(info.featuresFrom, /last Flatten \(no Gemm\/MatMul head/);
  assert.equal(info.logitsOutput, null, 'the only output is the features');
  assert.equal(info.macs, 8 * 3 * 9 * 224 * 224, 'MACs at the assumed 224x224');
});
