import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ENCODERS, verifyWeights, encoderForHash, encoderById, DEFAULT_ENCODER_ID } from './manifest.ts';

test('every pinned entry is complete; CLIP is pinned to the public revision, size and sha256', () => {
  for (const e of ENCODERS) {
    // a derived entry has no address of its own: it is made from its source's pinned file
    const from = e.derivedFrom ? encoderById(e.derivedFrom.id) : e;
    assert.ok(from.urls.length > 0 && from.urls.every((u) => u.startsWith('https://')) && from.sha256, e.id);
    if (e.derivedFrom) assert.equal(e.urls.length, 0, e.id);
    assert.ok(e.dim > 0 && e.preprocess.crop > 0 && e.input.name && e.output, e.id);
    if (e.sha256) assert.match(e.sha256, /^[0-9a-f]{64}$/);
  }
  assert.equal(DEFAULT_ENCODER_ID, 'mobilenetv2-12-f32-160');
  const clip = encoderById('clip-vit-b32-quantized');
  assert.equal(clip.sha256, '583fd1110a514667812fee7d684952aaf82a99b959760c8d7dca7e0ab9839299');
  assert.equal(clip.bytes, 89_117_001);
  assert.equal(clip.urls[0], 'https://huggingface.co/Xenova/clip-vit-base-patch32/resolve/d15189d7028b43f1d3e65039190477f6af591c2a/onnx/vision_model_quantized.onnx');
  assert.equal(clip.output, 'image_embeds');
  assert.deepEqual([clip.preprocess.resize, clip.preprocess.crop, clip.preprocess.resample, clip.preprocess.cropOffset], [224, 224, 'bicubic', 'floor']);
  assert.equal(clip.onRequest, true);
  // a truncated download is refused by size before hashing; other bytes by sha256
  assert.match((verifyWeights(clip, 1, 'ab'.repeat(32)) as { reason: string }).reason, /truncated/);
  assert.match((verifyWeights(clip, 89_117_001, 'ab'.repeat(32)) as { reason: string }).reason, /does not match the pinned 583fd1110a51/);
  assert.equal(encoderForHash(clip.sha256!)?.id, clip.id);
});

test('wrong size, truncated file and wrong hash are refused with a clear reason', () => {
  const e = encoderById('mobilenetv2-12-int8');
  assert.deepEqual(verifyWeights(e, e.bytes!, e.sha256!), { ok: true });
  const t = verifyWeights(e, 1000, e.sha256!);
  assert.equal(t.ok, false);
  assert.match((t as { reason: string }).reason, /truncated/);
  const h = verifyWeights(e, e.bytes!, '0'.repeat(64));
  assert.match((h as { reason: string }).reason, /does not match the pinned/);
  assert.equal(encoderForHash(e.sha256!.toUpperCase())?.id, e.id);
  assert.equal(encoderForHash('1'.repeat(64)), undefined);
});
