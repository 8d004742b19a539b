// toFineModel on records made from real files: what the fine stage is handed for a user model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { checkOnnx } from './shared/validate.ts';
import { toFineModel } from './shared/fine.ts';
import { USER_MODEL_FORMAT_VERSION, type UserModelRecord } from './shared/types.ts';

async function record(path: string, name: string): Promise<UserModelRecord> {
  const b = new Uint8Array(readFileSync(path));
  const v = await checkOnnx(b, name);
  assert.ok(v.ok, v.ok ? '' : v.errors.join(' | '));
  return { version: USER_MODEL_FORMAT_VERSION, id: `user:${v.info.sha256.slice(0, 12)}`, name, sha256: v.info.sha256, bytes: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer, info: v.info, addedAt: 0 };
}

test('a zoo file as a user model: its graph outputs and the catalogue\'s preprocessing', async () => {
  const cat = JSON.parse(readFileSync('models/zoo/catalogue.json', 'utf8')) as { models: { id: string; file: string; sha256: string; preprocess: object; outputs: { features: string; logits: string } }[] };
  const z = cat.models.find((m) => m.id === 'resnet-cub200')!;
  const rec = await record(`models/zoo/${z.file}`, 'mine');
  assert.equal(rec.sha256, z.sha256);
  const f = toFineModel(rec);
  assert.equal(f.id, rec.id);
  assert.equal(f.label, 'mine');
  assert.ok('bytes' in f.source && f.source.bytes.byteLength === rec.bytes.byteLength);
  assert.equal(f.inputName, 'input');
  assert.equal(f.featuresOutput, z.outputs.features);
  assert.equal(f.logitsOutput, z.outputs.logits);
  // the same preprocessing the catalogue gives the zoo model (32 px, no resize margin, ImageNet stats)
  assert.deepEqual(f.preprocess, z.preprocess);
});

test('encoders as user models: an internal feature tensor is left to the fine worker; fp16 input; 224 -> resize 256', { skip: existsSync('models/encoders/SqueezeNet_fp16.onnx') ? false : 'npm run setup' }, async () => {
  const q = toFineModel(await record('models/encoders/SqueezeNet_fp16.onnx', 'squeezenet'));
  assert.equal(q.featuresOutput, null, 'pool10_1 is not a graph output: the fine worker adds its own');
  assert.equal(q.logitsOutput, null);
  assert.equal(q.preprocess.inputDtype, 'float16');
  assert.equal(q.preprocess.crop, 224);
  assert.equal(q.preprocess.resize, 256);
  const m = toFineModel(await record('models/encoders/mobilenetv2-12-int8.onnx', 'mnv2'));
  assert.equal(m.featuresOutput, null);
  assert.equal(m.logitsOutput, 'output');
  assert.equal(m.preprocess.inputDtype, 'float32');
});
