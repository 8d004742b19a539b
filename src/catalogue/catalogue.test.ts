import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalDataset } from './shared/datasets.ts';
import { evidenceFromCsv, evidenceToCsv, rankingTable, type EvidenceRow } from './shared/evidence.ts';
import { findConflicts } from './shared/conflicts.ts';
import { meanOtherTargets, familyMeanOtherTargets, figures, mean } from './shared/rankeval.ts';
import { parsePublicCatalogue, familyOf } from './shared/catalogue.ts';
import { splitCsvLine } from '../shared/csv.ts';

const PUBLIC = 'data/public';
const SHARED = process.env.ZOOSCOUT_SHARED ?? '../shared';
const evidence = evidenceFromCsv(readFileSync(join(PUBLIC, 'evidence.csv'), 'utf8'));

test('canonical dataset names join the papers\' spellings', () => {
  assert.equal(canonicalDataset('Pet'), 'pets');
  assert.equal(canonicalDataset('oxford_pets'), 'pets');
  assert.equal(canonicalDataset('Oxford-IIIT Pet'), 'pets');
  assert.equal(canonicalDataset('CUB2011'), 'cub200');
  assert.equal(canonicalDataset('FGVC Aircraft'), 'aircraft');
  assert.equal(canonicalDataset('ImageNet v2'), 'imagenet_v2');
});

test('CSV lines with quoted commas (timm\'s "1,013.01") split correctly', () => {
  assert.deepEqual(splitCsvLine('a,"1,013.01",b'), ['a', '"1,013.01"', 'b']);
  assert.deepEqual(splitCsvLine('a,b'), ['a', 'b']);
});

test('evidence CSV round-trips', () => {
  const rows: EvidenceRow[] = [{ table: 't', model: 'm/a', dataset: 'Pet, x', target: 'pets', metric: 'top1_acc', protocol: 'p "q"', value: 1.5, source: 'f:2' }];
  assert.deepEqual(evidenceFromCsv(evidenceToCsv(rows)), rows);
});

test('committed evidence: tables, sizes and de-duplication', () => {
  const dims = (id: string, metric: string) => { const t = rankingTable(evidence, id, metric); return [t.models.length, t.targets.length]; };
  assert.deepEqual(dims('ms-standard', 'top1_acc'), [10, 8]);
  assert.deepEqual(dims('ms-multi', 'top1_acc'), [66, 7]);
  assert.deepEqual(dims('sfda-g1', 'top1_acc'), [11, 11]);
  assert.deepEqual(dims('sfda-g2', 'top1_acc'), [12, 11]);
  assert.deepEqual(dims('openclip', 'zeroshot'), [121, 35]);
  assert.equal(evidence.filter((r) => r.table === 'tllib').length, 0, 'TLlib\'s table equals Model Spider\'s: kept once');
  for (const r of evidence) assert.match(r.source, /^(gt|catalogue)\/.+\.csv:\d+$/);
});

test('conflicts: Model Spider vs SFDA agree at mean weighted tau 0.479 (gt/SOURCES.md)', () => {
  const c = findConflicts(evidence).find((x) => x.a === 'ms-standard' && x.b === 'sfda-g1');
  assert.ok(c);
  assert.equal(c.pairs, 80);
  assert.equal(c.identical, 0);
  assert.equal(c.meanAbsDiff.toFixed(2), '1.95');
  assert.equal(c.meanTau.toFixed(3), '0.479');
  assert.equal(c.tauPerTarget.aircraft.toFixed(3), '-0.008');
});

test('priors reproduce the figures checked with scipy in gt/SOURCES.md', () => {
  const lo = (id: string, metric = 'top1_acc') => {
    const t = rankingTable(evidence, id, metric);
    return mean(t.targets.map((_, j) => figures(t.acc[j], meanOtherTargets(t, j)).tau));
  };
  assert.equal(lo('sfda-g1').toFixed(3), '0.822');
  assert.equal(lo('sfda-g2').toFixed(3), '0.684');
  assert.equal(lo('ms-multi').toFixed(3), '0.522');
  const ms = rankingTable(evidence, 'ms-multi', 'top1_acc');
  const arch = (m: string) => m.split('_')[1];
  assert.equal(mean(ms.targets.map((_, j) => figures(ms.acc[j], familyMeanOtherTargets(ms, j, arch)).tau)).toFixed(3), '0.263');
  const per = Object.fromEntries(ms.targets.map((t, j) => [t, figures(ms.acc[j], meanOtherTargets(ms, j)).tau.toFixed(3)]));
  assert.deepEqual(per, { aid: '0.351', aircraft: '-0.063', cub200: '0.284', dtd: '0.691', pets: '0.809', stl10: '0.802', vlcs: '0.778' });
});

test('catalogue: versioned, every field traced to a ../shared file line holding its value', () => {
  const cat = parsePublicCatalogue(JSON.parse(readFileSync(join(PUBLIC, 'catalogue.json'), 'utf8')));
  const ids = new Set(cat.models.map((m) => m.id));
  for (const id of ['torchvision/resnet50', 'model-spider/FTD_densenet201_AID', 'ssl-resnet50/byol', 'openclip/ViT-B-32@openai']) assert.ok(ids.has(id), id);
  assert.equal(cat.models.filter((m) => m.evidence === 'published').length, 275);
  assert.ok(cat.models.filter((m) => m.evidence === 'inferred' && m.files.length > 0).length > 700);
  const r50 = cat.models.find((m) => m.id === 'torchvision/resnet50')!;
  assert.equal(r50.imagenetTop1?.value, 76.156); // timm's tv_in1k row = torchvision weights
  assert.ok(r50.files.length >= 1 && r50.files.every((f) => /^[0-9a-f]{64}$/.test(f.sha256) && f.bytes > 0));
  // the encoder file is a catalogue file: same sha256 as ../shared/models/encoders/mobilenetv2-12-int8.onnx
  const enc = cat.models.flatMap((m) => m.files).find((f) => f.path.endsWith('mobilenetv2-12-int8.onnx'));
  assert.equal(enc?.sha256.slice(0, 8), 'cc028fe6');
  assert.equal(enc?.bytes, 3655033);
  if (!existsSync(SHARED)) return;
  const lines = new Map<string, string[]>();
  const lineOf = (ref: string) => {
    const [file, n] = ref.split(' ')[0].split(':');
    if (!lines.has(file)) lines.set(file, readFileSync(join(SHARED, file), 'utf8').split(/\r?\n/));
    return lines.get(file)![Number(n) - 1];
  };
  let checked = 0;
  for (const m of cat.models) {
    for (const k of ['params', 'imagenetTop1', 'cpuSamplesPerSec', 'inputSize'] as const) {
      const f = m[k];
      if (!f || f.from.startsWith('rule')) continue;
      const line = lineOf(f.from);
      assert.ok(line !== undefined, `${m.id}.${k}: ${f.from}`);
      // the line holds the value (openclip: params in millions, zero-shot accuracy as a fraction)
      const nums = (line.match(/-?\d+(\.\d+)?/g) ?? []).map(Number);
      const ok = nums.some((x) => [1, 100, 1e6].some((s) => Math.abs(x * s - f.value) <= 1e-6 * Math.max(1, Math.abs(f.value))));
      assert.ok(ok, `${m.id}.${k} = ${f.value} not on ${f.from}: ${line.slice(0, 120)}`);
      checked++;
    }
    for (const f of m.files) { assert.ok(lineOf(f.from).includes(f.sha256), `${m.id} file ${f.path}`); checked++; }
  }
  assert.ok(checked > 3000);
});

test('familyOf', () => {
  assert.equal(familyOf('resnet50'), 'resnet');
  assert.equal(familyOf('ViT-B-32'), 'vit');
  assert.equal(familyOf('DenseNet'), 'densenet');
});

test('committed dataset tokens: page format, default encoder, disjoint halves, < 5 MB each', async () => {
  const { readdirSync, statSync } = await import('node:fs');
  const { parseTokens } = await import('../tokens/shared/format.ts');
  const { encoderById, DEFAULT_ENCODER_ID } = await import('../encode/shared/manifest.ts');
  const enc = encoderById(DEFAULT_ENCODER_ID);
  const dir = join(PUBLIC, 'tokens');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  assert.ok(files.includes('dtd.target.json') && files.includes('dtd.source.json') && files.includes('imagenet_1shot.source.json'));
  assert.ok(!files.includes('imagenet_1shot.target.json'));
  for (const f of files) {
    assert.ok(statSync(join(dir, f)).size < 5e6, f);
    const raw = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    const t = parseTokens(raw);
    assert.equal(t.encoder.sha256, enc.sha256);
    assert.equal(raw.sample.role, f.split('.')[1]);
  }
  const a = JSON.parse(readFileSync(join(dir, 'dtd.target.json'), 'utf8')), b = JSON.parse(readFileSync(join(dir, 'dtd.source.json'), 'utf8'));
  assert.equal(a.sample.images + b.sample.images, 200);
  assert.notDeepEqual(a.classes[0].centre, b.classes[0].centre);
});
