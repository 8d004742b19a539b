import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calibrate, microBenchProbes, predictLatencyMs, predictCost, leaveOneFamilyOut, fitLine, peakMemoryEstimate, FAMILY_STRUCTURE, GENERIC_STRUCTURE, type ModelDescription } from './cost-model.ts';
import { timingStats, quantile, median } from './stats.ts';
import type { TimingStats } from './types.ts';

const st = (ms: number): TimingStats => timingStats([ms, ms, ms]);

/** Probe timings a device with known constants would give. */
function synthetic(run: number, node: number, elem: number, rates: Record<string, number>): Record<string, TimingStats> {
  const out: Record<string, TimingStats> = {};
  for (const p of microBenchProbes()) {
    out[p.name] = p.kind === 'overhead'
      ? st(run + (p.nodes - 1) * node + p.elems * elem)
      : st(run + p.macs / rates[p.kind]);
  }
  return out;
}

test('calibrate recovers the constants of a synthetic device', () => {
  const rates = { dense: 5000, depthwise: 400, pointwise: 3000, matmul: 6000 };
  const mb = calibrate('wasm', 1, synthetic(0.3, 0.01, 1e-6, rates));
  assert.ok(Math.abs(mb.runMs - 0.3) < 1e-9);
  assert.ok(Math.abs(mb.elemMs - 1e-6) < 1e-12);
  assert.ok(Math.abs(mb.nodeMs - 0.01) < 1e-6, `${mb.nodeMs}`);
  for (const [k, v] of Object.entries(rates)) assert.ok(Math.abs(mb.macsPerMs[k as keyof typeof rates] / v - 1) < 1e-9, k);
});

test('calibrate never divides by a negative time when overhead swamps a probe', () => {
  const t = synthetic(0.3, 0.01, 1e-6, { dense: 5000, depthwise: 400, pointwise: 3000, matmul: 6000 });
  t.matmul = st(0.2); // faster than the empty run: noise
  const mb = calibrate('wasm', 1, t);
  assert.ok(mb.macsPerMs.matmul > 0 && Number.isFinite(mb.macsPerMs.matmul));
});

const mb = calibrate('wasm', 1, synthetic(0.3, 0.01, 1e-6, { dense: 5000, depthwise: 400, pointwise: 3000, matmul: 6000 }));

test('prediction: grows with MACs and batch; depthwise-heavy families cost more per MAC; unknown family is generic', () => {
  const m = (id: string, family: string | undefined, macs: number): ModelDescription => ({ id, family, macs, params: 1e5, bytes: 4e5 });
  assert.ok(predictLatencyMs(m('a', 'vgg', 8e6), mb) > predictLatencyMs(m('b', 'vgg', 4e6), mb));
  assert.ok(predictLatencyMs(m('a', 'vgg', 4e6), mb, 16) > 10 * predictLatencyMs(m('a', 'vgg', 4e6), mb, 1) - 16 * mb.runMs);
  assert.ok(predictLatencyMs(m('a', 'mobilenetv2', 4e6), mb) > predictLatencyMs(m('b', 'vgg', 4e6), mb));
  const c = predictCost(m('x', 'transformer', 4e6), mb);
  assert.equal(c.basis, 'generic');
  assert.equal(c.source, 'predicted');
  assert.equal(predictCost(m('y', 'resnet', 4e6), mb).basis, 'family');
  assert.equal(predictCost({ ...m('z', 'resnet', 4e6), structure: GENERIC_STRUCTURE }, mb).basis, 'graph');
  // by hand: vgg is (almost) all dense conv
  const s = FAMILY_STRUCTURE.vgg;
  const expect = mb.runMs + (s.nodes - 1) * mb.nodeMs + 4e6 * (s.macFraction.dense / 5000 + s.macFraction.matmul / 6000 + s.activationsPerMac * 1e-6);
  assert.ok(Math.abs(predictLatencyMs(m('v', 'vgg', 4e6), mb) - expect) < 1e-9);
  assert.ok(c.throughput.imagesPerSec > 0 && c.peakMemoryBytes > c.modelBytes);
});

test('peak memory estimate: file + fp32 weights + 3 live copies of the largest activation per image', () => {
  assert.equal(peakMemoryEstimate(1000, 100, 10, 2), 1000 + 400 + 4 * 2 * 3 * 10);
});

test('leave-one-family-out never uses the held-out family', () => {
  const items = [
    { family: 'a', macs: 1e6, measuredMs: 1 }, { family: 'a', macs: 2e6, measuredMs: 2 },
    { family: 'b', macs: 4e6, measuredMs: 4 }, { family: 'b', macs: 8e6, measuredMs: 8 },
    { family: 'c', macs: 1e6, measuredMs: 1000 }, // wildly off: must not change a's or b's predictions
  ];
  const p = leaveOneFamilyOut(items);
  const p2 = leaveOneFamilyOut(items.map((i) => (i.family === 'c' ? { ...i, measuredMs: 1 } : i)));
  assert.ok(Math.abs(p[4] - p2[4]) < 1e-12, 'c is predicted from a and b only');
  assert.ok(Math.abs(p[4] - 1) < 1e-9);
  assert.notEqual(p[0], p2[0]); // a's prediction uses c (it is in a's training set)
  const { a, b } = fitLine([0, 1, 2], [1, 3, 5]);
  assert.equal(a, 1);
  assert.equal(b, 2);
});

test('stats: numpy-style quantiles, medians and spread', () => {
  assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
  assert.ok(Math.abs(quantile([4, 1, 3, 2], 0.9) - 3.7) < 1e-12);
  assert.equal(median([5]), 5);
  const s = timingStats([10, 1, 2, 3, 4]);
  assert.deepEqual({ ...s, p90: Number(s.p90.toFixed(9)) }, { n: 5, p50: 3, p90: 7.6, min: 1, max: 10, iqr: 2 });
  assert.ok(Number.isNaN(quantile([], 0.5)));
});
