import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RidgeRanker, ridgeSolve, type PublicRanker, type RankerContext, type TrainPair, type ModelInfo } from './shared/ranker.ts';
import { leaveOneTargetOut } from './shared/loto.ts';
import type { RankingTable } from './shared/evidence.ts';
import { summariseTokens, classCoverage, meanCosine, type TokenSummary } from './shared/token-features.ts';
import { buildTokens } from '../tokens/shared/tokens.ts';
import { mulberry32, gaussian } from '../shared/random.ts';
import { twoPhaseRecall } from '../recall/recall.ts';

test('ridgeSolve solves (A + lambda I) w = b', () => {
  const A = new Float64Array([4, 1, 1, 3]);
  const w = ridgeSolve(A, new Float64Array([1, 2]), 2, 1, new Float64Array([1, 1]));
  // (A + I) = [[5,1],[1,4]] -> w = [2/19, 9/19]
  assert.ok(Math.abs(w[0] - 2 / 19) < 1e-9 && Math.abs(w[1] - 9 / 19) < 1e-9);
});

/** synthetic world: 6 datasets as token blobs; models fine-tuned on one source; z = source-target closeness + quality */
function world(seed = 3) {
  const rand = mulberry32(seed), g = gaussian(rand);
  const d = 16, names = ['a', 'b', 'c', 'd', 'e', 'f'];
  const centre = names.map(() => Array.from({ length: d }, g));
  const tok = (k: number, off: number): TokenSummary => {
    const n = 24, emb = new Float32Array(n * d), labels: number[] = [];
    for (let i = 0; i < n; i++) {
      const v = centre[k].map((x, j) => x + 0.3 * g() + 0.2 * ((i % 3) - 1) * (j === (i % 3) ? 1 : 0) + off * 0);
      const nn = Math.hypot(...v);
      v.forEach((x, j) => (emb[i * d + j] = x / nn));
      labels.push(i % 3);
    }
    return summariseTokens(buildTokens({ encoder: { id: 'x', sha256: 'y', dim: d }, embeddings: emb, labels, classNames: ['0', '1', '2'], labelled: true }), names[k]);
  };
  const targetTokens = new Map(names.map((n, k) => [n, tok(k, 0)]));
  const sourceTokens = new Map(names.map((n, k) => [n, tok(k, 1)]));
  const models = new Map<string, ModelInfo>();
  const quality = new Map<string, number>();
  for (const s of names) for (const q of [0, 1]) {
    const id = `m-${s}-${q}`;
    models.set(id, { id, family: q ? 'big' : 'small', logParams: q ? 7 : 6, imagenetTop1: null, source: s });
    quality.set(id, q * 0.3 + 0.1 * g());
  }
  const acc = names.map((t) => [...models.keys()].map((m) => 70 + 20 * meanCosine(sourceTokens.get(models.get(m)!.source!)!, targetTokens.get(t)!) + 5 * quality.get(m)!));
  const table: RankingTable = { id: 'syn', metric: 'top1_acc', models: [...models.keys()], targets: names, acc };
  const ctx: RankerContext = { models, targetTokens, sourceTokens };
  return { table, ctx };
}

test('token features: a dataset covers itself best', () => {
  const { ctx } = world();
  const a = ctx.targetTokens.get('a')!;
  assert.ok(classCoverage(ctx.sourceTokens.get('a')!, a) > classCoverage(ctx.sourceTokens.get('b')!, a));
});

test('leave-one-target-out: the held-out target is never seen in training, and the token ranker finds the matching source', () => {
  const { table, ctx } = world();
  const seen: string[][] = [];
  class Spy implements PublicRanker {
    readonly name = 'spy';
    inner = new RidgeRanker();
    fit(pairs: TrainPair[], c: RankerContext) { seen.push([...new Set(pairs.map((p) => p.target))]); this.inner.fit(pairs, c); }
    score(models: string[], target: string, c: RankerContext, t?: string) { return this.inner.score(models, target, c, t); }
  }
  const res = leaveOneTargetOut([table], [table], () => new Spy(), ctx);
  assert.equal(seen.length, table.targets.length);
  table.targets.forEach((t, i) => assert.ok(!seen[i].includes(t), `fold ${t} saw its own target`));
  const withTok = Object.values(res.perTable.get('syn')!).map((f) => f.tau);
  const noTok = Object.values(leaveOneTargetOut([table], [table], () => new RidgeRanker({ useTokens: false }), ctx).perTable.get('syn')!).map((f) => f.tau);
  const m = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  assert.ok(m(withTok) > m(noTok) + 0.2, `tokens ${m(withTok)} vs none ${m(noTok)}`);
  // top-3 always holds the model fine-tuned on the target itself
  assert.ok(Object.values(res.perTable.get('syn')!).every((f) => f.hit3 === 1));
});

test('a model without evidence is still scored (from its source token)', () => {
  const { table, ctx } = world();
  const r = new RidgeRanker();
  const pairs: TrainPair[] = [];
  table.targets.forEach((t, j) => table.models.forEach((m, i) => { if (t !== 'a') pairs.push({ model: m, target: t, group: `syn|${t}`, z: (table.acc[j][i] - 80) / 5 }); }));
  r.fit(pairs, ctx);
  ctx.models.set('new-a', { id: 'new-a', family: 'small', logParams: 6, imagenetTop1: null, source: 'a' });
  ctx.models.set('new-f', { id: 'new-f', family: 'small', logParams: 6, imagenetTop1: null, source: 'f' });
  const s = r.score(['new-a', 'new-f'], 'a', ctx);
  assert.ok(s[0] > s[1]);
});

test('two-phase recall: K = number of models always recalls the best; forward passes saved', () => {
  const { table } = world();
  const r = twoPhaseRecall(table, { ks: [3, 12] });
  assert.equal(r.hit[12], 1);
  assert.equal(r.clusters, 4);
  assert.ok(r.saved(3) > 0.4);
});

test('blocks chosen per table inside training: the token similarity is kept where it predicts, and only training targets are read', () => {
  const { table, ctx } = world();
  // a second table of noise (another recipe, same models and targets): each table gets its own choice
  const rand = mulberry32(9);
  const flip: RankingTable = { ...table, id: 'flip', acc: table.acc.map((row) => row.map(() => 60 + 30 * rand())) };
  const choose = [{ sim: true, tableBias: true }, { sim: false, tableBias: true }];
  const seen: string[][] = [];
  const res = leaveOneTargetOut([table], [table], () => {
    const r = new RidgeRanker({ choose });
    const fit = r.fit.bind(r);
    r.fit = (p, c) => { seen.push([...new Set(p.map((x) => x.target))]); fit(p, c); };
    return r;
  }, ctx);
  table.targets.forEach((t, i) => assert.ok(!seen[i].includes(t), `fold ${t} saw its own target`));
  assert.ok(Object.values(res.perTable.get('syn')!).every((f) => f.hit3 === 1));
  const r = new RidgeRanker({ choose });
  const pairs: TrainPair[] = [];
  for (const t of [table, flip]) t.targets.forEach((tg, j) => t.models.forEach((m, i) => pairs.push({ model: m, target: tg, group: `${t.id}|${tg}`, z: (t.acc[j][i] - 100) / 10 })));
  r.fit(pairs, ctx);
  assert.deepEqual([...r.chosen.keys()].sort(), ['*', 'flip', 'syn']);
  assert.equal(r.chosen.get('syn')!.blocks.sim, true);
  assert.ok(r.chosen.get('syn')!.tau > 0.5, `syn inner tau ${r.chosen.get('syn')!.tau}`);
  assert.throws(() => r.serialise(), /no serialised form/);
});

test('the ImageNet top-1 prior is chosen for a table only where it beats the learned variants on that table\'s training targets', () => {
  const { table, ctx } = world();
  const rand = mulberry32(5), g = gaussian(rand);
  // every model gets a top-1 unrelated to the synthetic table; a second recipe's results follow it, each target with its own noise
  for (const m of ctx.models.values()) m.imagenetTop1 = 70 + 10 * rand();
  const byTop1: RankingTable = { ...table, id: 'top1', acc: table.acc.map(() => table.models.map((m) => ctx.models.get(m)!.imagenetTop1! + 2.5 * g())) };
  const choose = [{ sim: true, tableBias: true }, { sim: false, tableBias: true }];
  const pairs: TrainPair[] = [];
  for (const t of [table, byTop1]) t.targets.forEach((tg, j) => t.models.forEach((m, i) => pairs.push({ model: m, target: tg, group: `${t.id}|${tg}`, z: (t.acc[j][i] - 80) / 10 })));
  const withPrior = new RidgeRanker({ choose, priorCandidate: true });
  withPrior.fit(pairs, ctx);
  assert.equal(withPrior.chosen.get('top1')!.prior, true);
  assert.ok(!withPrior.chosen.get('syn')!.prior, 'the token table keeps a learned variant');
  // scored by the prior: the order of top-1, whatever the target
  const s = withPrior.score(table.models, 'a', ctx, 'top1');
  assert.deepEqual(Array.from(s), table.models.map((m) => ctx.models.get(m)!.imagenetTop1));
  // never for ImageNet as the target (the prior would be its own answer): the best learned variant scores it
  assert.notDeepEqual(Array.from(withPrior.score(table.models, 'imagenet', ctx, 'top1')), Array.from(s));
  // and the choice pays on held-out targets of that table
  const m = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const tauOf = (priorCandidate: boolean) => m(Object.values(leaveOneTargetOut([table, byTop1], [byTop1], () => new RidgeRanker({ choose, priorCandidate }), ctx).perTable.get('top1')!).map((f) => f.tau));
  assert.ok(tauOf(true) > tauOf(false), `held-out tau with the prior ${tauOf(true)} vs learned only ${tauOf(false)}`);
});
