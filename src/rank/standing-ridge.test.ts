// The standing ridge against known values: the Cholesky solve, the mean prior it reduces to when
// lambda is large, a residual that is linear in the task feature recovered for an unseen task, and
// lambda chosen by leave-one-dataset-out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseStandingLambda, fitStandingRidge, Gram, lodoTau, predictStandingRidge, solveRidge, type MeasuredRow } from './shared/standing-ridge.ts';

test('solveRidge solves (K + lambda I) A = Y', () => {
  const K = [[4, 2, 0], [2, 5, 1], [0, 1, 3]].map((r) => Float64Array.from(r));
  const Y = [[1, 0], [2, 1], [3, -1]].map((r) => Float64Array.from(r));
  const A = solveRidge(K, Y, 0.5);
  for (let i = 0; i < 3; i++) for (let c = 0; c < 2; c++) {
    const lhs = K[i].reduce((s, k, j) => s + k * A[j][c], 0) + 0.5 * A[i][c];
    assert.ok(Math.abs(lhs - Y[i][c]) < 1e-12, `row ${i} col ${c}`);
  }
  assert.throws(() => solveRidge([Float64Array.from([-1])], [Float64Array.from([1])], 0), /positive definite/);
});

// 4 models; standing = base + slope * x[0] (model 0 gains on tasks with a large x[0], model 3 loses)
const models = ['a', 'b', 'c', 'd'];
const base = [0.4, 0.6, 0.5, 0.5], slope = [0.4, 0, 0, -0.4];
const row = (id: string, dataset: string, x0: number, x1: number, missing = -1): MeasuredRow => ({
  id, dataset, x: [x0, x1], standing: models.map((_, j) => (j === missing ? NaN : base[j] + slope[j] * x0)),
});
const rows = [row('p/1', 'p', -1, 0.2), row('p/2', 'p', -0.5, -0.1), row('q/1', 'q', 0, 0.3), row('q/2', 'q', 0.5, 0, 2), row('r/1', 'r', 1, -0.2), row('s/1', 's', 0.8, 0.1)];

test('a large lambda gives the mean standing prior; a small one follows the residual to an unseen task', () => {
  const big = fitStandingRidge(models, rows, 1e9);
  const mean = models.map((_, j) => { const v = rows.map((r) => r.standing[j]).filter(Number.isFinite); return v.reduce((a, b) => a + b, 0) / v.length; });
  const p = predictStandingRidge(big, [2, 0]);
  // the residual's own mean over the training tasks (my) is part of the prior
  p.forEach((v, j) => assert.ok(Math.abs(v - (big.mean[j] + big.my[j])) < 1e-6, `model ${j}`));
  big.mean.forEach((v, j) => assert.ok(Math.abs(v - mean[j]) < 1e-12));
  const small = fitStandingRidge(models, rows, 1e-4);
  const q = predictStandingRidge(small, [1.5, 0]);
  // x0 = 1.5: model a (0.4 + 0.6 = 1.0) above b, c, above d (0.5 - 0.6 = -0.1)
  assert.ok(q[0] > q[1] && q[1] > q[3] && q[2] > q[3], `order ${[...q].map((v) => v.toFixed(3))}`);
  assert.ok(Math.abs(q[0] - 1.0) < 0.05 && Math.abs(q[3] - -0.1) < 0.05, `values ${[...q].map((v) => v.toFixed(3))}`);
  // a Gram shared across fits gives the same predictions, from a row or from raw features
  const gram = new Gram(rows);
  const viaGram = predictStandingRidge(fitStandingRidge(models, rows.slice(1), 1e-4, gram), rows[0], gram);
  const direct = predictStandingRidge(fitStandingRidge(models, rows.slice(1), 1e-4), rows[0].x);
  viaGram.forEach((v, j) => assert.ok(Math.abs(v - direct[j]) < 1e-9));
});

test('lambda is chosen by leave-one-dataset-out: a linear residual wants a small one', () => {
  const { lambda, tried } = chooseStandingLambda(models, rows, [1e-3, 1e3]);
  assert.equal(tried.length, 2);
  assert.equal(lambda, 1e-3);
  assert.ok(tried[0].tau > tried[1].tau);
  assert.ok(lodoTau(models, rows, 1e-3) > 0.8); // 0.852: ties of the constant models cap it
  assert.ok(tried[1].tau < 0, "the mean prior gets the varying models backwards on the extreme tasks");
});
