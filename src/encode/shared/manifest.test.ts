import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ENCODERS, verifyWeights, encoderForHash, encoderById, DEFAULT_ENCODER_ID } from './manifest.ts';

test('every pinned entry is complete; CLIP stays unavailable until pinned', () => {
  for (const e of ENCODERS) {
    assert.ok(e.urls.length > 0 && e.urls.every((u) => u.startsWith('https://')), e.id);
    assert.ok(e.dim > 0 && e.preprocess.crop > 0 && e.input.name && e.output, e.id);
    if (e.sha256) assert.match(e.sha256, /^[0-9a-f]{64}$/);
  }
  assert.equal(DEFAULT_ENCODER_ID, 'mobilenetv2-12-int8');
  const clip = encoderById('clip-vit-b32-quantized');
  assert.equal(clip.sha256, null);
  assert.match(clip.urls[0], /\/resolve\/[0-9a-f]{40}\/onnx\/vision_model_quantized\.onnx$/); // pinned revision
  const v = verifyWeights(clip, 1, 'ab'.repeat(32));
  assert.equal(v.ok, false);
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
