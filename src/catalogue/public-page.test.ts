// The page artifact (models/public/public-ranker.json + public-ranker-tokens.bin, `npm run public:page`):
// it scores a real dataset token exactly (bit for bit) as a freshly fitted ranker does, it is what the
// command writes today (not stale), and it carries what the page shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { loadPublicData } from './node/context.ts';
import { rankingTable } from './shared/evidence.ts';
import { pairsOf } from './shared/loto.ts';
import { RidgeRanker } from './shared/ranker.ts';
import { summariseTokens } from './shared/token-features.ts';
import { parsePublicPage, PUBLIC_PAGE_PATH } from './shared/public-page.ts';
import { parseTokens } from '../tokens/shared/format.ts';
import { buildPageArtifact, loadPageArtifact, POOL_TABLES, PAGE_DIR, PAGE_JSON, PAGE_TOKENS, toFile } from '../../tools/catalogue/page.ts';

const dtd = () => parseTokens(JSON.parse(readFileSync('data/public/tokens/dtd.target.json', 'utf8')));

test('the page artifact scores dtd.target.json exactly as a freshly fitted ranker', () => {
  const page = loadPageArtifact();
  const got = page.score(dtd());

  const data = loadPublicData();
  const fresh = new RidgeRanker({ blocks: { family: true, meta: true } });
  fresh.fit(pairsOf(POOL_TABLES.map(([t, m]) => rankingTable(data.evidence, t, m))), data.ctx);
  data.ctx.targetTokens.set('fresh-user', summariseTokens(dtd(), 'fresh-user')); // after fit, as the page adds it
  const want = fresh.score(page.ids, 'fresh-user', data.ctx);

  assert.equal(got.length, 944); // every catalogue model but OpenCLIP's 121
  assert.equal(page.ids.length, new Set(page.ids).size);
  for (let i = 0; i < want.length; i++) assert.ok(Object.is(got[i], want[i]), `${page.ids[i]}: ${got[i]} vs ${want[i]}`);
  // scores spread (not all the prior): the token matters
  assert.ok(Math.max(...got) - Math.min(...got) > 1);
});

test('serialise / deserialise round-trips through JSON', () => {
  const data = loadPublicData();
  const r = new RidgeRanker({ blocks: { family: true, meta: true } });
  r.fit(pairsOf([rankingTable(data.evidence, 'ms-standard', 'top1_acc')]), data.ctx);
  const back = RidgeRanker.deserialise(JSON.parse(JSON.stringify(r.serialise())));
  const ids = [...data.ctx.models.keys()].slice(0, 300);
  for (const table of [undefined, 'ms-standard']) assert.deepEqual(back.score(ids, 'dtd', data.ctx, table), r.score(ids, 'dtd', data.ctx, table));
  assert.throws(() => RidgeRanker.deserialise({ ...r.serialise(), w: [1, 2] }), /weights/);
  assert.throws(() => RidgeRanker.deserialise({ ...r.serialise(), version: 2 } as never), /version/);
});

test('the committed artifact is what `npm run public:page` writes now', () => {
  const { artifact, tokensGz } = buildPageArtifact();
  assert.equal(readFileSync(`${PAGE_DIR}/${PAGE_JSON}`, 'utf8'), toFile(artifact), 'models/public/public-ranker.json is stale: run npm run public:page');
  assert.ok(Buffer.from(tokensGz).equals(readFileSync(`${PAGE_DIR}/${PAGE_TOKENS}`)), 'public-ranker-tokens.bin is stale: run npm run public:page');
  assert.equal(PUBLIC_PAGE_PATH, `${PAGE_DIR}/${PAGE_JSON}`);
});

test('the artifact carries what the page shows, and stays small', () => {
  const json = readFileSync(`${PAGE_DIR}/${PAGE_JSON}`);
  const bin = readFileSync(`${PAGE_DIR}/${PAGE_TOKENS}`);
  assert.ok(json.length + bin.length < 1.5e6, `${json.length + bin.length} bytes`);
  const a = parsePublicPage(JSON.parse(json.toString('utf8')));
  assert.equal(a.tokens.sha256, createHash('sha256').update(bin).digest('hex'));
  const withFile = a.models.filter((m) => m.file);
  assert.ok(withFile.length > 700 && withFile.length < a.models.length);
  for (const m of withFile) assert.match(m.file!.url, /^https:\/\/github\.com\/onnx\/models\/raw\/[0-9a-f]{40}\/.+\.onnx$/);
  assert.ok(a.models.some((m) => m.evidence === 'published') && a.models.some((m) => m.evidence === 'inferred'));
  // the page's encoder file is a catalogue file: the browser test drops it
  const enc = a.models.find((m) => m.file?.sha256 === 'cc028fe6cae7bc11a4ff53cfc9b79c920e8be65ce33a904ec3e2a8f66d77f95f');
  assert.equal(enc?.file?.bytes, 3655033);
  // the smallest of the catalogue's files for each model
  const cat = loadPublicData().catalogue;
  for (const m of withFile) {
    const files = cat.models.find((c) => c.id === m.id)!.files;
    assert.equal(m.file!.bytes, Math.min(...files.map((f) => f.bytes)));
    assert.ok(files.some((f) => f.sha256 === m.file!.sha256 && f.url === m.file!.url));
  }
  assert.throws(() => parsePublicPage({ ...JSON.parse(json.toString('utf8')), version: 9 }), /version/);
});
