// The conv plan of the derived float32 MobileNetV2 (what the page runs on tfjs): its shape, and
// its embeddings against onnxruntime-node's on real images (tfjs's CPU backend here; the page's
// WASM backend is checked against Node in encode.browser.test.ts).
import '../rank/node/tf-shim.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { encoderById } from './shared/manifest.ts';
import { deriveFloatEncoder } from './shared/float-derive.ts';
import { convPlan } from './shared/conv-plan.ts';
import { preprocess } from './shared/preprocess.ts';
import { tfjsPlanRunner } from './worker/tfjs-encoder.ts';
import { loadNodeEncoder } from './node/encoder.ts';
import { decodeImage } from './node/decode.ts';
import { cosine, l2normalize } from './shared/vec.ts';

const f32 = encoderById('mobilenetv2-12-f32');
const int8Bytes = new Uint8Array(readFileSync(`../shared/models/encoders/${encoderById('mobilenetv2-12-int8').file}`));
const graph = deriveFloatEncoder(int8Bytes, { input: f32.input.name, size: f32.preprocess.crop }).model;
const tensor = f32.embedding.kind === 'identity' ? f32.embedding.tensor : '';

test('the derived MobileNetV2 becomes 52 convs (17 depthwise), 10 adds and the pool, every Clip fused', () => {
  const plan = convPlan(graph, f32.input.name, tensor);
  const convs = plan.steps.filter((s) => s.kind === 'conv');
  assert.equal(convs.length, 52);
  assert.equal(convs.filter((s) => s.kind === 'conv' && s.depthwise).length, 17);
  assert.equal(plan.steps.filter((s) => s.kind === 'add').length, 10);
  assert.equal(plan.steps.at(-1)!.kind, 'pool');
  assert.equal(plan.dim, 1280);
  assert.ok(plan.steps.every((s) => s.kind === 'pool' || s.clip !== null), 'every conv and add keeps its saturation');
  // layout: the first conv's filter [kh, kw, Cin, Cout] = ONNX [Cout, Cin, kh, kw] transposed
  const first = convs[0];
  assert.deepEqual(first.kind === 'conv' && first.filterShape, [3, 3, 3, 32]);
});

test('a graph with other operators is refused with the operator named', () => {
  assert.throws(() => convPlan(int8Bytes, 'input', 'output'), /QuantizeLinear|QLinearConv.*is not one of/);
});

test('the plan on tfjs gives onnxruntime-node\'s embeddings (cosine > 0.9999 on real images)', async () => {
  const files = ['beagle/beagle_0000.jpg', 'sphynx/sphynx_0000.jpg'];
  const images = files.map((p) => decodeImage(new Uint8Array(readFileSync(`../shared/datasets/pets/${p}`))));
  const enc = await loadNodeEncoder(f32.id);
  const ref = await enc.embed(images);
  await enc.release();
  const C = f32.preprocess.crop;
  const x = new Float32Array(images.length * 3 * C * C);
  images.forEach((img, i) => preprocess(img, f32.preprocess, x.subarray(i * 3 * C * C, (i + 1) * 3 * C * C)));
  const runner = await tfjsPlanRunner(convPlan(graph, f32.input.name, tensor), { wasmBase: '', backends: ['cpu'] });
  const out = await runner.run(x, images.length, C);
  runner.release();
  const cos = ref.map((v, i) => cosine(v, l2normalize(out.slice(i * 1280, (i + 1) * 1280))));
  assert.ok(Math.min(...cos) > 0.9999, `cosine ${cos}`);
  assert.ok(cosine(ref[0], l2normalize(out.slice(1280, 2560))) < 0.99, 'two different images do not agree');
});
