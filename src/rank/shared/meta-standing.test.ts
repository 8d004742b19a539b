import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitMetaStanding, metaStandingFeatures, predictMetaStanding } from './meta-standing.ts';
import { metaVector } from './model-tokens.ts';

// Reference: numpy, features standardised with the population std, lambda 3 on the weights, intercept free.
test('metadata ridge equals the closed form computed with numpy', () => {
  const X = [[1, 2, 0.5], [2, 1, 0.1], [3, 5, 0.7], [4, 3, 0.2], [5, 8, 0.9], [6, 2, 0.3]];
  const y = [0.1, 0.2, 0.5, 0.4, 0.9, 0.3];
  const m = fitMetaStanding(X, y, 3);
  [0.06124442757563379, 0.11939527600637968, 0.0491589189963973, 0.4].forEach((w, i) => assert.ok(Math.abs(m.w[i] - w) < 1e-12, `w[${i}] ${m.w[i]} vs ${w}`));
  assert.ok(Math.abs(predictMetaStanding(m, [2.5, 4, 0.6]) - 0.41561072299177637) < 1e-12);
});

test('metadata features read the ranker query layout; a model without MACs uses its params', () => {
  const meta = { family: 'resnet', params: 1e6, macs: 3e8, inputSize: 224, featureDim: 512, sourceClasses: 1000, sourceAccuracy: 0.7, pool: false };
  const v = metaVector(meta);
  const f = metaStandingFeatures(v);
  assert.deepEqual(f.map((x) => +x.toFixed(6)), [1, +(Math.log10(3e8) - 6.5).toFixed(6), +(Math.log2(7) / 3).toFixed(6), +(9 / 7 - 1).toFixed(6), +(3 - 1.3).toFixed(6)]);
  const g = metaStandingFeatures(metaVector({ ...meta, macs: null }));
  assert.equal(g[1], g[0]);
  assert.throws(() => metaStandingFeatures([1, 2]), /metadata vector/);
});

test('wide, many-class models are predicted above narrow ones when the measured models say so', () => {
  const mk = (featureDim: number, sourceClasses: number) => metaStandingFeatures(metaVector({ family: null, params: 1e6, macs: 1e8, inputSize: 224, featureDim, sourceClasses, sourceAccuracy: null, pool: false }));
  const X = [mk(1024, 1000), mk(1280, 1000), mk(32, 2), mk(64, 2), mk(512, 80), mk(16, 2)];
  const y = [0.9, 0.95, 0.2, 0.3, 0.6, 0.1];
  const m = fitMetaStanding(X, y);
  assert.ok(predictMetaStanding(m, mk(768, 1000)) > predictMetaStanding(m, mk(48, 2)) + 0.2);
});
