// The candidate registry: every source's adapter gives the same complete fields, ids stay unique
// across kinds, and the one table orders and exports registry entries (public rows after the
// models measured here, never an unmeasured top pick by default).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Registry, fromEncoder, fromNpm, fromPublic, fromRealTfjs, fromUser, fromZoo, type RegistryEntry } from './shared/registry.ts';
import { ENCODERS } from '../encode/shared/manifest.ts';
import { REAL_BACKBONES } from '../realzoo/shared/backbones.ts';
import { buildRows, parseRecommendation, toCsv, RECOMMENDATION_FORMAT, RECOMMENDATION_VERSION, type CandidateInput } from '../select/shared/recommendation.ts';
import { parsePublicPage } from '../catalogue/shared/public-page.ts';

const FIELDS = ['id', 'kind', 'label', 'family', 'params', 'macs', 'bytes', 'inputSize', 'source', 'sourceDomain', 'featureNode', 'runtime', 'files', 'evidenceKind', 'provenance', 'checkable'];

function entries(): RegistryEntry[] {
  const zoo = JSON.parse(readFileSync('models/zoo/catalogue.json', 'utf8')).models[0];
  const enc = ENCODERS[0];
  const info = { sha256: 'a'.repeat(64), params: 3.5e6, macs: 3.0e8, inputSize: 224, bytes: 3655033 };
  const b = REAL_BACKBONES.find((x) => x.format === 'tfjs-layers')!;
  const tfjs = { id: b.id, label: b.label, params: b.params, macs: 4.1e7, bytes: b.bytes, inputSize: 224, weightsSha256: 'b'.repeat(64), featureNode: b.featureNode ?? null, files: [{ url: '/x/weights.bin', sha256: 'b'.repeat(64), bytes: null }] };
  const pub = parsePublicPage(JSON.parse(readFileSync('models/public/public-ranker.json', 'utf8')));
  const withFile = pub.models.find((m) => m.file && m.evidence === 'published')!;
  return [
    fromZoo(zoo),
    fromEncoder(enc, info, '/models/'),
    fromRealTfjs(tfjs, b),
    fromNpm({ ...tfjs, id: 'npm:pkg/m', package: 'pkg', version: '1.0.0', packageVersion: 'pkg@1.0.0', licence: 'MIT', trainingData: 'faces', sourceDomain: 'faces' }),
    fromPublic(withFile, 'Apache-2.0'),
    fromUser('mine.onnx', info, `user:${info.sha256}`),
  ];
}

test('every adapter gives the same complete fields; each kind once; ids unique', () => {
  const all = entries();
  for (const e of all) {
    assert.deepEqual(FIELDS.filter((f) => !(f in e)), [], `${e.id} lacks fields`);
    assert.ok(e.files.length >= 1, `${e.id}: no file`);
    for (const f of e.files) assert.match(f.sha256, /^[0-9a-f]{64}$/, `${e.id}: file without a sha256`);
    assert.ok(e.provenance.licence.length > 0);
  }
  assert.deepEqual(all.map((e) => e.kind).sort(), ['npm', 'public', 'real', 'real', 'user', 'zoo']);
  const r = new Registry();
  r.put(...all);
  assert.equal(r.size, all.length);
  assert.deepEqual(r.list(['real']).map((e) => e.runtime).sort(), ['onnx', 'tfjs']);
  // a public entry keeps the catalogue's pinned address and evidence
  const p = r.list(['public'])[0];
  assert.match(p.id, /^public:/);
  assert.equal(p.evidenceKind, 'published');
  assert.match(p.files[0].url!, /^https:\/\/github\.com\/onnx\/models\/raw\/[0-9a-f]{40}\//);
  assert.equal(p.checkable, true);
});

const cand = (e: RegistryEntry, fit: number, extra: Partial<CandidateInput> = {}): CandidateInput => ({ ...e, rankerScore: fit, measuredStanding: null, cost: null, ...extra });

test('the one table: public rows follow the models the cross ranker scored, and an unmeasured row is never the default top pick', () => {
  const [zoo, enc, tfjs, npm, pub, user] = entries();
  const rows = buildRows([
    cand(pub, 0.99), cand(user, 0.95), cand(enc, 0.5, { measuredStanding: 0.6 }), cand(tfjs, 0.4, { measuredStanding: 0.4 }), cand(npm, 0.1, { measuredStanding: 0.2 }), cand(zoo, 0.2, { measuredStanding: 0.1 }),
  ], 'task', {});
  assert.equal(rows[rows.length - 1].id, pub.id, 'the public row (another ranker\'s standing) comes last, unchecked');
  assert.equal(rows[0].id, enc.id, 'the user model (inferred) gives way to the best measured one');
  assert.equal(rows.find((r) => r.id === pub.id)!.evidence, 'published');
  // checked on the user's images, a public model goes to the top like any other
  const checked = buildRows([cand(pub, 0.2, { fine: { status: 'done', accuracy: 0.9 } }), cand(enc, 0.9, { measuredStanding: 0.9 })], 'task', {});
  assert.equal(checked[0].id, pub.id);
  assert.equal(checked[0].evidence, 'checked');
  // asked for, a published row may lead
  const allowed = buildRows([cand(pub, 0.99), cand(npm, 0.1, { measuredStanding: 0.1 })], 'task', {}, { allowInferredTop: true });
  assert.equal(allowed[1].id, pub.id, 'still after the measured model: another ranker');
});

test('export v3 carries the registry fields; JSON round trip; CSV has runtime, feature node and files', () => {
  const [, enc, , , pub] = entries();
  const rec = {
    format: RECOMMENDATION_FORMAT, version: RECOMMENDATION_VERSION, createdAt: new Date(0).toISOString(),
    ranker: { id: 'r', kind: 'cross' as const, ms: 1 }, dataset: { classes: 2, images: 10, labelled: true, encoder: { id: 'e', sha256: 'c'.repeat(64) } },
    settings: { method: 'task' as const, budgets: {} }, device: null,
    rows: buildRows([cand(enc, 0.5, { measuredStanding: 0.5 }), cand(pub, 0.9)], 'task', {}),
  };
  assert.equal(RECOMMENDATION_VERSION, 3);
  const back = parseRecommendation(JSON.stringify(rec));
  assert.deepEqual(back.rows[1].files, pub.files);
  assert.equal(back.rows[0].featureNode, enc.featureNode);
  const csv = toCsv(back).split('\n');
  const head = csv[0].split(',');
  for (const c of ['runtime', 'feature_node', 'files', 'sha256']) assert.ok(head.includes(c), c);
  assert.match(csv[2], /#sha256=[0-9a-f]{64}/);
  // an older file is still read
  assert.equal(parseRecommendation(JSON.stringify({ ...rec, version: 2 })).version, 2);
  assert.throws(() => parseRecommendation(JSON.stringify({ ...rec, version: 4 })), /version 4/);
});
