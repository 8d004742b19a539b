// Real weights (placed by `npm run setup`), real onnxruntime-node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { encoderById } from '../shared/manifest.ts';
import { withEmbeddingOutput, EMBEDDING_OUTPUT } from '../shared/onnx-patch.ts';
import { loadNodeEncoder } from './encoder.ts';
import { decodeImage } from './decode.ts';
import { cosine } from '../shared/vec.ts';

const images = ['beagle/beagle_0000.jpg', 'beagle/beagle_0001.jpg', 'bombay/bombay_0000.jpg']
  .map((p) => decodeImage(new Uint8Array(readFileSync(`../shared/datasets/pets/${p}`))));

for (const id of ['mobilenetv2-12-int8', 'shufflenet-v2-12-qdq', 'squeezenet1.1-fp16']) {
  test(`${id}: the added embedding output leaves the logits unchanged and has the manifest's dim`, async () => {
    const e = encoderById(id);
    const bytes = new Uint8Array(readFileSync(`models/encoders/${e.file}`));
    const plain = await ort.InferenceSession.create(bytes);
    const patched = await ort.InferenceSession.create(withEmbeddingOutput(bytes, e.embedding, e.dim));
    assert.ok(patched.outputNames.includes(EMBEDDING_OUTPUT));
    const enc = await loadNodeEncoder(id);
    const [v] = await enc.embed(images.slice(0, 1));
    assert.equal(v.length, e.dim);
    await enc.release();
    const x = new Float32Array(3 * 224 * 224).map((_, i) => Math.sin(i / 97));
    const t = e.preprocess.inputDtype === 'float16'
      ? new ort.Tensor('float16', (await import('../shared/preprocess.ts')).toFloat16Bits(x), [1, 3, 224, 224])
      : new ort.Tensor('float32', x, [1, 3, 224, 224]);
    const a = await plain.run({ [e.input.name]: t });
    const b = await patched.run({ [e.input.name]: t });
    assert.deepEqual(Array.from(b[e.output].data as ArrayLike<number>), Array.from(a[e.output].data as ArrayLike<number>));
  });
}

test('embeddings are unit-norm and tell images apart (same breed closer than other breed)', async () => {
  const enc = await loadNodeEncoder('mobilenetv2-12-int8');
  const [a, b, c] = await enc.embed(images);
  await enc.release();
  assert.ok(Math.abs(Math.hypot(...a) - 1) < 1e-5);
  assert.ok(cosine(a, a) > 0.9999);
  assert.ok(cosine(a, c) < 0.99);
  assert.ok(Number.isFinite(cosine(a, b)));
});
