// Real backbones (Node): files pinned and checked, the feature node of each tfjs backbone gives the
// registry's width on real images, a tampered file is refused, the GT table (when measured) is v2.
import '../npmzoo/node/tf-shim.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, cpSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeImage } from '../encode/node/decode.ts';
import { ensureCpuOrBest, extractFeatures, loadNpmModel, prepareImages } from '../npmzoo/tfjs/features.ts';
import { REAL_BACKBONES, realBackbonesLine } from './shared/backbones.ts';
import { REAL_SHARED, onnxFacts, readRealTfjs } from './node/files.ts';
import { parseGtCsv } from '../zoo/shared/gt-format.ts';

const haveShared = existsSync(REAL_SHARED);
const images = () => {
  const dir = '../shared/datasets/pets';
  const cls = readdirSync(dir, { withFileTypes: true }).filter((c) => c.isDirectory() && !c.name.startsWith('.')).map((c) => c.name).sort()[0];
  return readdirSync(join(dir, cls)).sort().slice(0, 2).map((f) => decodeImage(new Uint8Array(readFileSync(join(dir, cls, f)))));
};

test('registry: 7 real ImageNet backbones, unique ids, the summary line', () => {
  assert.equal(REAL_BACKBONES.length, 7);
  assert.equal(new Set(REAL_BACKBONES.map((b) => b.id)).size, 7);
  assert.ok(REAL_BACKBONES.every((b) => b.id.startsWith('real:') && b.pretraining === 'ImageNet-1k' && b.dim > 0));
  assert.equal(realBackbonesLine(7, 7, 76, 0.9123), 'real backbones: 7 (ImageNet-pretrained 7), GT on 76 tasks, noise ceiling 0.912');
});

test('ONNX encoder backbones: size, sha256 and parameters from the manifest and the graph', { skip: !existsSync('models/encoders/mobilenetv2-12-int8.onnx') }, () => {
  const f = onnxFacts(REAL_BACKBONES.find((b) => b.id === 'real:mobilenetv2-12-int8')!);
  assert.equal(f.bytes, 3655033);
  assert.match(f.sha256, /^[0-9a-f]{64}$/);
  assert.ok(f.params > 3e6 && f.params < 4e6, `params ${f.params}`);
});

test('tfjs backbones: every file sha256-checked, features of the registry width on real images', { skip: !haveShared }, async () => {
  await ensureCpuOrBest('cpu');
  const imgs = images();
  for (const b of REAL_BACKBONES.filter((x) => x.format !== 'onnx-encoder')) {
    const m = await loadNpmModel(readRealTfjs(b), b.format as 'tfjs-layers' | 'tfjs-graph', b.format === 'tfjs-layers' ? b.featureNode : undefined);
    try {
      const f = await extractFeatures(m, { node: b.featureNode!, pooling: b.pooling! }, prepareImages(imgs, b.input!), imgs.length, b.input!);
      assert.equal(f.length, imgs.length * b.dim, b.id);
      assert.ok(f.every(Number.isFinite), b.id);
      assert.notDeepEqual(f.subarray(0, b.dim), f.subarray(b.dim), `${b.id}: two images, two different features`);
    } finally {
      m.dispose();
    }
  }
});

test('a tampered backbone file is refused by its sha256', { skip: !haveShared }, () => {
  const b = REAL_BACKBONES.find((x) => x.id === 'real:tfhub_mobilenet_v1_0.25')!;
  const root = mkdtempSync(join(tmpdir(), 'real-'));
  cpSync(join(REAL_SHARED, b.source), join(root, b.source), { recursive: true });
  writeFileSync(join(root, b.source, 'group1-shard1of1'), new Uint8Array(16));
  assert.throws(() => readRealTfjs(b, root), /sha256 does not match/);
});

test('real backbones GT table: format v2, every model measured on the same tasks', { skip: !existsSync('data/real-gt/gt.csv') }, () => {
  const cells = parseGtCsv(readFileSync('data/real-gt/gt.csv', 'utf8'));
  const models = new Set(cells.map((c) => c.model));
  const tasks = new Set(cells.map((c) => c.task));
  assert.ok([...models].every((m) => REAL_BACKBONES.some((b) => b.id === m)));
  assert.ok(cells.every((c) => c.accuracy >= 0 && c.accuracy <= 1 && c.repeats.length >= 2));
  assert.ok(tasks.size > 0 && models.size > 0);
});
