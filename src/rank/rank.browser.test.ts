import { expect } from 'chai';
import { clearRankerCache, loadPageRanker, rankModels, tokenForOnnx, tf } from './client/ranker.ts';
import { META_DIM } from './shared/model-tokens.ts';

interface Reference { ranker: string; models: string[]; tasks: string[]; tokens: never[]; scores: { cross: number[][]; self: number[][] } }

describe('ranker in the page', function () {
  this.timeout(120000);
  let ref: Reference;
  before(async () => {
    ref = (await (await fetch('/src/rank/rank-reference.json')).json()) as Reference;
    await clearRankerCache();
  });

  it('gives the Node scores (CPU backend), ranks the whole zoo well under 100 ms, caches zoo tokens in IndexedDB', async () => {
    const r = await loadPageRanker({ backends: ['cpu'] });
    expect(r.cached).to.equal(false);
    expect(r.scorer.art.id).to.equal(ref.ranker);
    expect(r.zoo.map((m) => m.id)).to.deep.equal(ref.models);
    for (const kind of ['cross', 'self'] as const)
      ref.tokens.forEach((t, i) => {
        const { scores } = rankModels(r, t, kind);
        scores.forEach((s, j) => expect(Math.abs(s - ref.scores[kind][i][j])).to.be.below(1e-4));
      });
    const times: number[] = [];
    for (let i = 0; i < 7; i++) times.push(rankModels(r, ref.tokens[i % 2]).ms);
    times.sort((a, b) => a - b);
    const median = times[3];
    console.log(`rank whole zoo (52 models, cpu backend): median ${median.toFixed(1)} ms`);
    expect(median).to.be.below(100);
    const again = await loadPageRanker({ backends: ['cpu'] });
    expect(again.cached).to.equal(true);
    const a = rankModels(again, ref.tokens[0]).scores, b = rankModels(r, ref.tokens[0]).scores;
    a.forEach((x, j) => expect(x).to.be.closeTo(b[j], 1e-6));
  });

  it('a dropped ONNX file gets a token from its weights without retraining (same ArchToVec code as the zoo token)', async () => {
    const r = await loadPageRanker({ backends: ['cpu'] });
    const bytes = new Uint8Array(await (await fetch('/models/zoo/convmixer-pool.onnx')).arrayBuffer());
    const t = tokenForOnnx(r, 'dropped', bytes);
    const z = r.zoo.find((m) => m.id === 'convmixer-pool')!;
    for (let j = META_DIM; j < META_DIM + r.scorer.art.arch.ae.code; j++) expect(t.query[j]).to.be.closeTo(z.query[j], 1e-4);
    const { ranked } = rankModels(r, ref.tokens[0], 'cross', [...r.zoo, t]);
    expect(ranked.length).to.equal(53);
    expect(ranked.every((x) => Number.isFinite(x.score))).to.equal(true);
  });

  it('by default takes WASM here (no WebGPU adapter, reason recorded): the Node scores, the whole zoo well under 100 ms', async () => {
    const r = await loadPageRanker();
    expect(r.backend).to.equal('wasm');
    expect(tf.getBackend()).to.equal('wasm');
    expect(r.backendChoice.skipped.map((s) => s.backend)).to.deep.equal(['webgpu']);
    expect(r.backendChoice.skipped[0].why).to.match(/WebGPU/);
    expect(r.backendChoice.check!.maxAbsDiff).to.be.below(1e-3);
    for (const kind of ['cross', 'self'] as const)
      ref.tokens.forEach((t, i) => {
        const { scores } = rankModels(r, t, kind);
        scores.forEach((s, j) => expect(Math.abs(s - ref.scores[kind][i][j])).to.be.below(1e-4));
      });
    // a fresh dataset (a class count not scored yet), then repeated rankings
    const [t0, t1] = ref.tokens as unknown as { classes: unknown[] }[];
    const fresh = { ...t0, classes: [...t0.classes, ...t1.classes].slice(0, 7) } as never;
    const first = rankModels(r, fresh).ms;
    const times: number[] = [];
    for (let i = 0; i < 15; i++) times.push(rankModels(r, ref.tokens[i % 2]).ms);
    times.sort((a, b) => a - b);
    console.log(`rank whole zoo (52 models, wasm backend; skipped ${JSON.stringify(r.backendChoice.skipped)}): first ranking of a fresh dataset ${first.toFixed(1)} ms, median of 15 ${times[7].toFixed(1)} ms`);
    expect(first).to.be.below(100);
    expect(times[7]).to.be.below(50);
    await tf.setBackend('cpu');
  });
});
