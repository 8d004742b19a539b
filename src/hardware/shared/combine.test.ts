import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recommend, weightedObjective, shadowScores, violations, positiveScores, paretoFront, fusionFeatures, FUSION_FEATURES, hwFigures, type Candidate, type HwFigures } from './combine.ts';
import type { MeasuredCost, PredictedCost } from './types.ts';

const hw = (latencyMs: number, bytes: number, memoryBytes = 1e6, imagesPerSec = 100): HwFigures => ({ latencyMs, bytes, memoryBytes, imagesPerSec });
const cand = (id: string, taskScore: number, h: HwFigures, measured = true): Candidate => ({ id, taskScore, hw: h, measured });

test('violations: each budget checked, every one broken is listed', () => {
  const b = { maxLatencyMs: 10, maxBytes: 1000, maxMemoryBytes: 5000, minImagesPerSec: 50 };
  assert.deepEqual(violations(hw(5, 500, 1000, 60), b), []);
  assert.deepEqual(violations(hw(10, 1000, 5000, 50), b), [], 'a budget is inclusive');
  assert.deepEqual(violations(hw(11, 1001, 5001, 49), b), ['latencyMs', 'bytes', 'memoryBytes', 'imagesPerSec']);
  assert.deepEqual(violations(hw(1e9, 1e9), {}), [], 'no budgets: nothing is broken');
});

test('weighted objective: f * prod (HW/T)^(-w) for costs, ^(+w) for throughput, by hand', () => {
  // f = 0.8; latency 20 ms vs target 10 with w = 1 halves it; size 500 vs 1000 with w = 0.5 gives x sqrt(2)
  const v = weightedObjective(0.8, hw(20, 500), [{ metric: 'latencyMs', target: 10, weight: 1 }, { metric: 'bytes', target: 1000, weight: 0.5 }]);
  assert.ok(Math.abs(v - 0.8 * 0.5 * Math.SQRT2) < 1e-12, `${v}`);
  // throughput: more is better, so the exponent is +w
  assert.ok(Math.abs(weightedObjective(1, hw(1, 1, 1, 200), [{ metric: 'imagesPerSec', target: 100, weight: 1 }]) - 2) < 1e-12);
  // weight 0 ignores the metric; no terms returns f
  assert.equal(weightedObjective(0.3, hw(1e6, 1e9), [{ metric: 'latencyMs', target: 1, weight: 0 }]), 0.3);
  assert.throws(() => weightedObjective(0, hw(1, 1), []), RangeError);
  assert.throws(() => weightedObjective(-1, hw(1, 1), []), /positive/);
  assert.throws(() => weightedObjective(1, hw(1, 1), [{ metric: 'latencyMs', target: 0, weight: 1 }]), RangeError);
});

test('positiveScores: raw scores (negative too) to (0, 1], order and ties kept', () => {
  assert.deepEqual([...positiveScores([-3, 5, -3, 10])], [1.5 / 4, 3 / 4, 1.5 / 4, 1]);
});

test('objective: a slightly better task score does not buy a 10x slower model', () => {
  const cs = [cand('big', 0.9, hw(100, 1e6)), cand('small', 0.85, hw(10, 1e5))];
  const task = recommend(cs, { method: 'task' });
  assert.deepEqual(task.ranked.map((r) => r.id), ['big', 'small']);
  const obj = recommend(cs, { method: 'objective', terms: [{ metric: 'latencyMs', target: 10, weight: 0.5 }] });
  assert.deepEqual(obj.ranked.map((r) => r.id), ['small', 'big']);
});

test('shadow: Copeland of the task ranking and the hardware rankings, by hand', () => {
  // A best task/slow/big, B middle, C worst task/fast/small: voters task, -latency, -bytes
  const s = shadowScores([3, 2, 1], [hw(30, 300), hw(20, 200), hw(10, 100)], ['latencyMs', 'bytes']);
  // pairs: A-B: task A, lat B, size B -> B; A-C -> C; B-C -> C. Points: A 0, B 1, C 2
  assert.deepEqual([...s], [0, 1, 2]);
  // task only voter + one hw voter: disagreement is a tie (0.5 each)
  assert.deepEqual([...shadowScores([2, 1], [hw(20, 1), hw(10, 1)], ['latencyMs'])], [0.5, 0.5]);
  const r = recommend([cand('A', 3, hw(30, 300)), cand('B', 2, hw(20, 200)), cand('C', 1, hw(10, 100))], { method: 'shadow' });
  assert.deepEqual(r.ranked.map((x) => [x.id, x.rank]), [['C', 1], ['B', 2], ['A', 3]]);
});

test('ties share a rank; input order breaks them for display only', () => {
  const r = recommend([cand('a', 0.5, hw(1, 1)), cand('b', 0.7, hw(1, 1)), cand('c', 0.5, hw(1, 1)), cand('d', 0.1, hw(1, 1))], { method: 'task' });
  assert.deepEqual(r.ranked.map((x) => [x.id, x.rank]), [['b', 1], ['a', 2], ['c', 2], ['d', 4]]);
  // identical hardware: shadow reduces to the task order, and equal task scores stay tied
  const s = recommend([cand('a', 0.5, hw(5, 5)), cand('b', 0.5, hw(5, 5))], { method: 'shadow' });
  assert.deepEqual(s.ranked.map((x) => x.rank), [1, 1]);
});

test('budgets first: infeasible models follow every feasible one, fewest violations first', () => {
  const cs = [
    cand('best-but-slow', 0.99, hw(50, 100)),
    cand('ok', 0.6, hw(5, 100)),
    cand('worse-ok', 0.4, hw(5, 100)),
    cand('slow-and-big', 0.95, hw(50, 1e9)),
  ];
  const r = recommend(cs, { method: 'task', budgets: { maxLatencyMs: 10, maxBytes: 1000 } });
  assert.equal(r.feasible, 2);
  assert.deepEqual(r.ranked.map((x) => x.id), ['ok', 'worse-ok', 'best-but-slow', 'slow-and-big']);
  assert.deepEqual(r.ranked.map((x) => x.feasible), [true, true, false, false]);
  assert.deepEqual(r.ranked[3].violations, ['latencyMs', 'bytes']);
});

test('every model violates every budget: still a full, ordered list, none feasible', () => {
  const cs = [cand('x', 0.2, hw(100, 1e9, 1e10, 1)), cand('y', 0.9, hw(200, 2e9, 2e10, 1)), cand('z', 0.5, hw(100, 1e9, 1e10, 1))];
  const budgets = { maxLatencyMs: 1, maxBytes: 1, maxMemoryBytes: 1, minImagesPerSec: 1000 };
  for (const method of ['task', 'objective', 'shadow'] as const) {
    const r = recommend(cs, { method, budgets, terms: [{ metric: 'latencyMs', target: 1, weight: 1 }] });
    assert.equal(r.feasible, 0, method);
    assert.equal(r.ranked.length, 3, method);
    assert.ok(r.ranked.every((x) => !x.feasible && x.violations.length === 4), method);
  }
  assert.deepEqual(recommend(cs, { method: 'task', budgets }).ranked.map((x) => x.id), ['y', 'z', 'x']);
});

test('infeasible models never change the order of the feasible ones', () => {
  const feasible = [cand('a', 0.9, hw(9, 10)), cand('b', 0.8, hw(2, 10)), cand('c', 0.7, hw(1, 10))];
  const extra = [cand('huge', 0.1, hw(1000, 1e9)), cand('huge2', 0.99, hw(0.5, 1e9))];
  const o = { method: 'shadow' as const, budgets: { maxBytes: 100 } };
  const alone = recommend(feasible, o).ranked.map((x) => [x.id, x.score]);
  const withExtra = recommend([...feasible, ...extra], o).ranked.filter((x) => x.feasible).map((x) => [x.id, x.score]);
  assert.deepEqual(withExtra, alone);
});

test('Pareto front of task score vs cost', () => {
  // (score, cost): a (0.9, 10), b (0.8, 5), c (0.7, 6) dominated by b, d (0.9, 12) dominated by a, e (0.5, 1)
  assert.deepEqual(paretoFront([0.9, 0.8, 0.7, 0.9, 0.5], [10, 5, 6, 12, 1]), [0, 1, 4]);
  assert.deepEqual(paretoFront([0.5, 0.5], [1, 1]), [0, 1], 'equal points do not dominate each other');
});

test('fusion features: fixed order and length, measured vs predicted flag, log scale', () => {
  const base = { version: 1, modelId: 'm', backend: 'wasm' as const, modelBytes: 1e5, peakMemoryBytes: 1e6, throughput: { batch: 16, imagesPerSec: 1000 } };
  const p: PredictedCost = { ...base, source: 'predicted', warmP50Ms: 10, basis: 'family' };
  const m = { ...base, source: 'measured', modelSha256: '', threads: 1, createMs: 1, coldMs: 2, warm: { n: 5, p50: 10, p90: 12, min: 9, max: 13, iqr: 1 }, throughput: { ...base.throughput, msPerBatch: { n: 3, p50: 16, p90: 16, min: 16, max: 16, iqr: 0 } }, measuredAt: 0 } as MeasuredCost;
  const fp = fusionFeatures(p, { macs: 1e6, params: 1e4 });
  const fm = fusionFeatures(m, { macs: 1e6, params: 1e4 });
  assert.equal(fp.length, FUSION_FEATURES.length);
  assert.deepEqual([...fp.slice(0, 6)].map((x) => Number(x.toFixed(5))), [1, 5, 6, 3, 6, 4]);
  assert.equal(fp[6], 0);
  assert.equal(fm[6], 1);
  assert.deepEqual(hwFigures(m), hwFigures(p));
});
