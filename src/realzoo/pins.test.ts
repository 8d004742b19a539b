// The real tfjs backbones' pinned public addresses: read from PROVENANCE.md (per file role: the
// shards and the model.json may come from different repositories) and sha256sums, generated into
// src/realzoo/shared/real-pins.gen.ts; the committed table is what ../shared gives now.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { REAL_BACKBONES, REAL_TFJS_IDS } from './shared/backbones.ts';
import { realPinned, realPinnedModels } from './shared/pins.ts';
import { REAL_SHARED } from './node/files.ts';
import { deriveRealPins, parseProvenance, realPinsTs, REAL_PINS_TS, sourcePath } from './node/pins.ts';

const haveShared = existsSync(`${REAL_SHARED}/PROVENANCE.md`);
const noShared = haveShared ? false : `no ${REAL_SHARED}/PROVENANCE.md here: the committed pins cannot be re-derived (they stay as committed)`;

const MD = `# x

## Models kept

| id | bytes (all files) | files | source repo @ commit : path | model.json sha256 |
|---|---:|---:|---|---|
| \`split\` | 1,200 | 3 (model.json + 2 shards) | shards: a/b @ ${'1'.repeat(40)} : \`w/group*-shard1of1\`; model.json: c/d.e @ ${'2'.repeat(40)} : \`model.json\` | ${'f'.repeat(64)} |
| \`folder\` | 10 | 2 (model.json + group1-shard1of1) | o/r @ ${'3'.repeat(40)} : \`m/v1_0.75/\` (duplicate in \`m/v1_075/\`) | ${'e'.repeat(64)} (note 1) |

after the table | not | a row |
`;

test('PROVENANCE.md source column: per-role sources, folders, globs', () => {
  const rows = parseProvenance(MD);
  assert.deepEqual(rows.map((r) => [r.folder, r.bytes, r.files]), [['split', 1200, 3], ['folder', 10, 2]]);
  const [split, folder] = rows;
  assert.deepEqual(sourcePath(split, 'model.json'), { role: 'model.json', repo: 'c/d.e', commit: '2'.repeat(40), path: 'model.json', file: 'model.json' });
  assert.equal(sourcePath(split, 'group7-shard1of1').file, 'w/group7-shard1of1');
  assert.equal(sourcePath(split, 'group7-shard1of1').repo, 'a/b');
  assert.throws(() => sourcePath(split, 'weights.bin'), /not matched by w\/group\*-shard1of1/);
  assert.equal(sourcePath(folder, 'model.json').file, 'm/v1_0.75/model.json');
  assert.equal(sourcePath(folder, 'group1-shard1of1').file, 'm/v1_0.75/group1-shard1of1');
  assert.equal(folder.modelJsonSha256, 'e'.repeat(64));
});

test('committed pins: every tfjs backbone, its registry size and model.json sha256, raw.githubusercontent.com + jsDelivr at one commit', () => {
  assert.deepEqual(realPinnedModels().map((m) => m.id), [...REAL_TFJS_IDS]);
  for (const m of realPinnedModels()) {
    const b = REAL_BACKBONES.find((x) => x.id === m.id)!;
    assert.equal(m.folder, b.source);
    assert.equal(m.bytes, b.bytes, m.id);
    assert.equal(m.files.reduce((a, f) => a + f.bytes, 0), m.bytes, m.id);
    assert.equal(m.files[0].name, 'model.json');
    assert.equal(m.files[0].sha256, b.sha256, m.id);
    assert.equal(new Set(m.files.map((f) => f.name)).size, m.files.length);
    for (const f of m.files) {
      const raw = /^https:\/\/raw\.githubusercontent\.com\/([^/]+\/[^/]+)\/([0-9a-f]{40})\/(.+)$/.exec(f.url);
      assert.ok(raw, f.url);
      assert.equal(f.mirror, `https://cdn.jsdelivr.net/gh/${raw[1]}@${raw[2]}/${raw[3]}`);
      assert.ok(raw[3].endsWith(`/${f.name}`) || raw[3] === f.name, f.url);
      assert.match(f.sha256, /^[0-9a-f]{64}$/);
    }
  }
  assert.equal(realPinned('real:mobilenetv2-12-int8'), undefined);
});

test('MobileNet v1 0.25: model.json from the Firewall repo, the shards from FoodPornBlocker (PROVENANCE.md)', () => {
  const m = realPinned('real:mobilenet_v1_0.25')!;
  assert.equal(m.files.length, 56);
  assert.equal(m.files[0].url, 'https://raw.githubusercontent.com/KarthikMallareddy/Zero-Trust-AI-Firewall/384d4dddd77e3752683c030c11adefd8405c7daa/model.json');
  assert.ok(m.files.slice(1).every((f) => f.url === `https://raw.githubusercontent.com/Nemurino-kai/FoodPornBlocker/f9485382dc06fc000a9f90011d02f1e18da641d0/mobilenet_v1_025_224/${f.name}`));
  const hub = realPinned('real:tfhub_mobilenet_v1_0.25')!;
  assert.deepEqual(hub.files.map((f) => f.url.split('/').slice(-3).join('/')), ['mobilenet_v1_025_224/imagenet/model.json', 'mobilenet_v1_025_224/imagenet/group1-shard1of1']);
});

test('committed pins are what ../shared/models/real gives now (npm run real-models:page -- --pins-only)', { skip: noShared }, () => {
  const now = deriveRealPins();
  assert.deepEqual(now, realPinnedModels());
  assert.equal(readFileSync(REAL_PINS_TS, 'utf8'), realPinsTs(now));
});
