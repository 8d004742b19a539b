import { test } from 'node:test';
import { NEIGHBOUR_KS } from './shared/neighbour.ts';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  buildRows, sortRows, filterRows, toCsv, parseRecommendation, CSV_COLUMNS, whyTopPick, DEFAULT_MIN_IMAGES_PER_SEC,
  RECOMMENDATION_FORMAT, RECOMMENDATION_VERSION, type CandidateInput, type Recommendation,
} from './shared/recommendation.ts';
import { domainAbility, measuredRank, meanDirection, nearestTasks, EXPLAIN_FORMAT, type ExplainFile } from './shared/explain.ts';
import { parseCsv } from '../shared/csv.ts';
import { b64ToF32 } from '../rank/shared/artifact.ts';
import type { PredictedCost } from '../hardware/shared/types.ts';

const cost = (id: string, ms: number, bytes: number): PredictedCost => ({
  version: 1, source: 'predicted', modelId: id, backend: 'wasm', warmP50Ms: ms, throughput: { batch: 8, imagesPerSec: 1000 / ms }, modelBytes: bytes, peakMemoryBytes: bytes * 2, basis: 'graph',
});
const cand = (id: string, score: number, ms: number, bytes: number, extra: Partial<CandidateInput> = {}): CandidateInput => ({
  id, label: id, kind: 'zoo', family: id.split('-')[0], params: bytes / 4, macs: 1e6, bytes, inputSize: 32, source: id.split('-')[1] ?? null, sourceDomain: null,
  rankerScore: score, cost: cost(id, ms, bytes), ...extra,
});

test('rows: ranker order without budgets; checked models move to the top by accuracy', () => {
  const c = [cand('a-x', 0.1, 5, 100), cand('b-y', 0.9, 20, 400), cand('c-z', 0.5, 10, 200)];
  assert.deepEqual(buildRows(c, 'task', {}).map((r) => r.id), ['b-y', 'c-z', 'a-x']);
  const checked = c.map((x) => (x.id === 'a-x' ? { ...x, fine: { status: 'done' as const, accuracy: 0.7 } } : x.id === 'c-z' ? { ...x, fine: { status: 'done' as const, accuracy: 0.6 } } : x));
  const rows = buildRows(checked, 'task', {});
  assert.deepEqual(rows.map((r) => r.id), ['a-x', 'c-z', 'b-y']);
  assert.deepEqual(rows.map((r) => r.rankerRank), [3, 2, 1]);
  // a failed check is not evidence: order falls back to the ranker
  const failed = c.map((x) => (x.id === 'a-x' ? { ...x, fine: { status: 'failed' as const, error: 'x' } } : x));
  assert.deepEqual(buildRows(failed, 'task', {}).map((r) => r.id), ['b-y', 'c-z', 'a-x']);
});

test('top pick: never an inferred model unless asked; the default budget (10 images/s) applies; one sentence says why', () => {
  // the ranker likes the inferred x-new best; y-known has measured evidence; z-slow is measured but 2 images/s
  const c = [
    cand('x-new', 0.9, 20, 100),
    cand('y-known', 0.6, 40, 100, { measuredStanding: 0.8 }),
    cand('z-slow', 0.8, 500, 100, { measuredStanding: 0.95 }),
  ];
  const budget = { minImagesPerSec: DEFAULT_MIN_IMAGES_PER_SEC };
  const rows = buildRows(c, 'task', budget);
  assert.deepEqual(rows.map((r) => [r.id, r.evidence, r.feasible]), [['y-known', 'measured', true], ['x-new', 'inferred', true], ['z-slow', 'measured', false]]);
  // asked for: the inferred model may lead
  assert.equal(buildRows(c, 'task', budget, { allowInferredTop: true })[0].id, 'x-new');
  // the budget lifted: the slow measured model is no longer held back
  assert.equal(buildRows(c, 'task', {})[0].id, 'z-slow');
  const why = whyTopPick(rows[0], budget, ['pets/c10-0', 'cub200/c20-1']);
  assert.match(why, /^Top pick because its measured results on the tasks nearest your data \(pets\/c10-0, cub200\/c20-1\) put it above 80% of the models measured there.*; it runs at 25\.0 images\/s here \(predicted\), within your budget\.$/);
  // a checked model says so
  const checked = buildRows(c.map((x) => (x.id === 'x-new' ? { ...x, fine: { status: 'done' as const, accuracy: 0.91 } } : x)), 'task', budget);
  assert.equal(checked[0].evidence, 'checked');
  assert.match(whyTopPick(checked[0], budget), /scored best when checked on your images \(91\.0% linear-probe accuracy\)/);
});

test('rows: budgets put infeasible models last and say which budget they break; Pareto marks the front', () => {
  const c = [cand('a-x', 0.1, 5, 100), cand('b-y', 0.9, 20, 400), cand('c-z', 0.5, 30, 200)];
  const rows = buildRows(c, 'task', { maxLatencyMs: 15 });
  assert.deepEqual(rows.map((r) => [r.id, r.feasible]), [['a-x', true], ['b-y', false], ['c-z', false]]);
  assert.deepEqual(rows[1].violations, ['latencyMs']);
  // c-z is slower and worse than b-y: dominated
  assert.deepEqual(rows.filter((r) => r.onPareto).map((r) => r.id).sort(), ['a-x', 'b-y']);
});

test('rows: a model without a cost is ranked by task score only and never on the front', () => {
  const c = [cand('a-x', 0.1, 5, 100), { ...cand('u-q', 0.95, 1, 1), cost: null }];
  const rows = buildRows(c, 'objective', {});
  assert.equal(rows[0].id, 'u-q');
  assert.equal(rows[0].cost, null);
  assert.equal(rows[0].onPareto, false);
});

test('sort is stable with missing values last; filter by text, family, feasibility', () => {
  const c = [cand('a-x', 0.1, 5, 100), cand('b-y', 0.9, 20, 400), { ...cand('c-z', 0.5, 10, 200), cost: null }];
  const rows = buildRows(c, 'task', { maxLatencyMs: 10 });
  assert.deepEqual(sortRows(rows, 'latencyMs', 'asc').map((r) => r.id), ['a-x', 'b-y', 'c-z']);
  assert.deepEqual(sortRows(rows, 'latencyMs', 'desc').map((r) => r.id), ['b-y', 'a-x', 'c-z']);
  assert.deepEqual(sortRows(rows, 'label', 'desc').map((r) => r.id), ['c-z', 'b-y', 'a-x']);
  assert.deepEqual(filterRows(rows, { text: 'Y' }).map((r) => r.id), ['b-y']);
  assert.deepEqual(filterRows(rows, { family: 'a' }).map((r) => r.id), ['a-x']);
  assert.deepEqual(filterRows(rows, { feasibleOnly: true }).map((r) => r.id).sort(), ['a-x', 'c-z']);
});

test('export: CSV has one row per model with the documented columns; JSON round-trips and bad files are refused', () => {
  const prov = { url: 'https://www.npmjs.com/package/p/v/1.0.0', from: 'X, from the npm package p@1.0.0', licence: 'MIT', sha256: 'ab'.repeat(32) };
  const rows = buildRows([cand('a-x', 0.1, 5, 100), cand('b-y', 0.9, 20, 400, { label: 'b, "quoted"', provenance: prov })], 'task', {});
  const rec: Recommendation = {
    format: RECOMMENDATION_FORMAT, version: RECOMMENDATION_VERSION, createdAt: '2026-01-01T00:00:00Z', ranker: { id: 'r', kind: 'cross', ms: 3 },
    dataset: { classes: 3, images: 30, labelled: true, encoder: { id: 'e', sha256: 'f' } }, settings: { method: 'task', budgets: {} }, device: null, rows,
  };
  const csv = parseCsv(toCsv(rec));
  assert.deepEqual(csv.header, [...CSV_COLUMNS]);
  assert.equal(csv.rows.length, 2);
  assert.equal(csv.rows[0].id, 'b-y');
  assert.equal(csv.rows[0].label, 'b, "quoted"');
  assert.equal(Number(csv.rows[1].latency_ms), 5);
  // provenance: registry id (id), sha256, origin address and licence travel with the row
  assert.deepEqual([csv.rows[0].sha256, csv.rows[0].origin, csv.rows[0].licence], [prov.sha256, prov.url, 'MIT']);
  assert.deepEqual([csv.rows[1].sha256, csv.rows[1].origin], ['', '']);
  assert.deepEqual(parseRecommendation(JSON.stringify(rec)), rec);
  // a version 1 file (before provenance) is still read
  assert.equal(parseRecommendation(JSON.stringify({ ...rec, version: 1 })).rows.length, 2);
  assert.throws(() => parseRecommendation('{nope'), /not JSON/);
  assert.throws(() => parseRecommendation('{"format":"x"}'), /not a ZooScout recommendation/);
  assert.throws(() => parseRecommendation(JSON.stringify({ ...rec, version: 9 })), /version 9/);
});

test('explain: nearest tasks by mean direction, measured rank, domain ability percentiles', () => {
  const p = 2;
  const task = (id: string, c: number[]) => ({ id, dataset: id, domain: 'd', centres: Float32Array.from(c), n: c.length / p });
  const user = { centres: Float32Array.from([1, 0.1, 1, -0.1]), n: 2, rows: new Float32Array(0), stats: [] };
  const near = nearestTasks(user, p, [task('up', [0, 1]), task('right', [2, 0, 3, 0.5]), task('left', [-1, 0])], 2);
  assert.deepEqual(near.map((t) => t.id), ['right', 'up']);
  assert.ok(Math.abs(near[0].similarity - Math.cos(Math.atan2(0.25, 2.5))) < 1e-6);
  assert.deepEqual(Array.from(meanDirection([3, 4], 1, 2)), [0.6, 0.8]);
  assert.deepEqual(measuredRank({ a: 0.5, b: 0.7, c: 0.5 }, 'c'), { rank: 2, of: 3 });
  assert.equal(measuredRank({ a: 0.5 }, 'z'), null);
  const ab = domainAbility([{ domain: 'x', scores: [3, 1, 2] }, { domain: 'x', scores: [1, 2, 3] }, { domain: 'y', scores: [5, 5, 0] }], 0);
  assert.deepEqual(ab, { x: 0.5, y: 0.75 });
});

test('explain file: committed, matches the committed ranker, every task has measured accuracies', () => {
  const f = JSON.parse(readFileSync('models/ranker/explain.json', 'utf8')) as ExplainFile;
  const ranker = JSON.parse(readFileSync('models/ranker/ranker.json', 'utf8')) as { id: string; pca: { p: number } };
  assert.equal(f.format, EXPLAIN_FORMAT);
  assert.equal(f.ranker, ranker.id, 'explain.json is stale: run npm run rank:explain');
  assert.equal(f.p, ranker.pca.p);
  assert.ok(f.tasks.length >= 50);
  for (const t of f.tasks) {
    assert.equal(b64ToF32(t.input.centres).length, t.input.n * f.p, t.id);
    assert.ok(Object.keys(t.accuracy).length >= 40, t.id);
  }
  // the npm models' measured GT is in (they are known models in the page), and k was chosen
  assert.ok(f.tasks.filter((t) => Object.keys(t.accuracy).some((m) => m.startsWith('npm:'))).length >= 18);
  assert.ok(NEIGHBOUR_KS.includes(f.neighbour.k as (typeof NEIGHBOUR_KS)[number]));
  assert.equal(f.neighbour.tried.length, NEIGHBOUR_KS.length);
  assert.equal(Math.max(...f.neighbour.tried.map((x) => x.tau)), f.neighbour.tried.find((x) => x.k === f.neighbour.k)!.tau);
});

test('fitScores: a model nobody measured gets the metadata ridge\'s standing from the real measured models', async () => {
  const { fitScores } = await import('./shared/fit.ts');
  const { fitStandingRidge } = await import('../rank/shared/standing-ridge.ts');
  const { metaVector } = await import('../rank/shared/model-tokens.ts');
  const q = (featureDim: number, sourceClasses: number) => Float32Array.from([...metaVector({ family: null, params: 1e6, macs: 1e8, inputSize: 224, featureDim, sourceClasses, sourceAccuracy: null, pool: false }), 0, 0]);
  // measured: wide ImageNet models stand high, narrow 2-class heads low, on every task
  const models = ['real:a', 'real:b', 'npm:c', 'npm:d', 'npm:e', 'zoo-x'];
  const st = [0.9, 0.8, 0.2, 0.1, 0.5, 0.95];
  const rows = [0, 1, 2].map((k) => ({ id: `t${k}`, dataset: `d${k}`, x: [k, 1 - k], standing: Float64Array.from(st) }));
  const ridge = fitStandingRidge(models, rows, 1);
  const ids = [...models, 'user:wide', 'user:narrow', 'user:nometa'];
  const queries = [q(1280, 1000), q(1024, 1000), q(32, 2), q(16, 2), q(256, 80), q(64, 10), q(768, 1000), q(24, 2), null];
  const raw = [1, 2, 3, 4, 5, 6, 7, 8, 9];
  const { fit, predicted, byMetadata } = fitScores(ids, raw, ridge, [0.5, 0.5], queries);
  models.forEach((_, i) => { assert.ok(Math.abs(fit[i] - st[i]) < 1e-9); assert.equal(byMetadata[i], 0); });
  assert.deepEqual(Array.from(byMetadata.slice(6)), [1, 1, 0]);
  assert.ok(fit[6] > 0.6 && fit[7] < 0.35, `wide ${fit[6]}, narrow ${fit[7]}`);
  assert.ok(Number.isNaN(predicted[6]));
  // without metadata: the ranker's standing among the candidates (highest raw score: above all 8 others)
  assert.equal(fit[8], 1);
  // without queries the page's earlier fit: the ranker's standing for every unmeasured model
  const plain = fitScores(ids, raw, ridge, [0.5, 0.5]);
  assert.equal(plain.byMetadata.reduce((a, b) => a + b, 0), 0);
});
