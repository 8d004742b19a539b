// The float32 encoder derived from the int8 zoo file: deterministic bytes (its pin), and what it is
// (a close but different encoder) measured on real images with real onnxruntime-node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ENCODERS, encoderById } from './shared/manifest.ts';
import { deriveFloatEncoder } from './shared/float-derive.ts';
import { loadNodeEncoder } from './node/encoder.ts';
import { decodeImage } from './node/decode.ts';
import { cosine } from './shared/vec.ts';

const f32 = encoderById('mobilenetv2-12-f32');
const int8 = encoderById('mobilenetv2-12-int8');

test('the transform of the pinned int8 file gives exactly each pinned float32 file (224 px, and 160 px: the default)', () => {
  const src = new Uint8Array(readFileSync(`../shared/models/encoders/${int8.file}`));
  const derived = ENCODERS.filter((e) => e.derivedFrom?.id === int8.id);
  assert.deepEqual(derived.map((e) => e.preprocess.crop).sort(), [160, 224]);
  const pins = new Set<string>();
  for (const e of derived) {
    const r = deriveFloatEncoder(src, { input: e.input.name, size: e.preprocess.crop });
    assert.equal(r.model.length, e.bytes, e.id);
    const sha = createHash('sha256').update(r.model).digest('hex');
    assert.equal(sha, e.sha256, e.id);
    pins.add(sha);
    assert.equal(r.dim, e.dim);
    assert.equal(r.output, e.embedding.kind === 'identity' ? e.embedding.tensor : '');
    // 52 convs + the 10 residual adds, each followed by its saturation Clip, then pool + flatten (the classifier's add is dropped)
    assert.equal(r.nodes, 52 * 2 + 10 * 2 + 2);
  }
  // the input size is in the graph: two sizes, two pins (tokens of one never pass for the other's)
  assert.equal(pins.size, derived.length);
});

test('the transform refuses a graph it does not know', () => {
  const fp16 = new Uint8Array(readFileSync('../shared/models/encoders/SqueezeNet_fp16.onnx'));
  assert.throws(() => deriveFloatEncoder(fp16, { input: 'data_0', size: 224 }), /not handled|QLinearGlobalAveragePool/);
});

test('derived embeddings are close to the int8 ones but not the same encoder (tokens never mix)', async () => {
  const files = ['beagle/beagle_0000.jpg', 'beagle/beagle_0001.jpg', 'bombay/bombay_0000.jpg', 'pug/pug_0000.jpg', 'sphynx/sphynx_0000.jpg'];
  const images = files.map((p) => decodeImage(new Uint8Array(readFileSync(`../shared/datasets/pets/${p}`))));
  const a = await loadNodeEncoder(int8.id), b = await loadNodeEncoder(f32.id);
  const va = await a.embed(images), vb = await b.embed(images);
  await a.release();
  await b.release();
  const cos = va.map((v, i) => cosine(v, vb[i]));
  console.log(`cosine int8 vs derived float32: ${cos.map((c) => c.toFixed(3)).join(' ')}`);
  assert.ok(Math.min(...cos) > 0.9, `cosine to int8 ${cos.map((c) => c.toFixed(3))}`);
  assert.ok(Math.max(...cos) < 0.999, `cosine to int8 ${cos.map((c) => c.toFixed(3))}`);
  // same breed closer than another breed, as with int8
  assert.ok(cosine(vb[0], vb[1]) > cosine(vb[0], vb[2]));
});
