import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nnls } from './nnls.ts';

// Reference values: scipy.optimize.nnls on the same numbers (numpy default_rng(3), rounded to 6 digits).
test('nnls matches scipy on a 12 x 5 problem with two active constraints', () => {
  const A = [[2.040919, -2.555665, 0.418099, -0.56777, -0.452649], [-0.215597, -2.019986, -0.231932, -0.865213, 3.323], [0.225787, -0.352631, -0.281287, -0.668046, -1.055151], [-0.390801, 0.481945, -0.238554, 0.957759, -0.199802], [0.02426, 1.545821, 0.545106, -0.505229, -0.182839], [0.540525, 1.935088, -0.26962, -0.243559, 1.002314], [-0.88646, -0.29172, 0.882539, 0.58035, 0.091517], [0.670104, -2.828162, 1.021307, -0.959645, -1.66862], [0.276446, 0.700545, -0.444767, -1.076406, 0.026125], [-0.052747, 1.405598, 0.747408, 0.193816, 1.111633], [-0.205523, -0.9259, 0.584058, 0.582538, -0.214829], [-0.782809, 0.229154, -2.493894, 0.690125, 0.491368]];
  const b = [-1.638857, 0.061354, -0.9641, 0.757221, -2.034167, -0.914495, 0.70958, 1.156401, -2.158005, -0.49804, 0.32802, -0.609216];
  const x = nnls(A, b);
  const want = [0, 0, 0.4044467198521294, 0.8985083026768637, 0];
  want.forEach((w, i) => assert.ok(Math.abs(x[i] - w) < 1e-9, `x[${i}] = ${x[i]}, scipy ${w}`));
});

test('nnls: a negative unconstrained solution is clipped to the boundary (scipy: [1.5, 0])', () => {
  const x = nnls([[1, 0], [1, 0], [0, 1]], [2, 1, -1]);
  assert.ok(Math.abs(x[0] - 1.5) < 1e-12 && x[1] === 0);
});

test('nnls recovers a sparse non-negative mix and satisfies the KKT conditions', () => {
  // 40 x 17 non-negative columns, b = 0.3 col 2 + 0.6 col 7 exactly: x is that mix
  let s = 7;
  const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  const A = Array.from({ length: 40 }, () => Array.from({ length: 17 }, rand));
  const b = A.map((r) => 0.3 * r[2] + 0.6 * r[7]);
  const x = nnls(A, b);
  x.forEach((v, i) => assert.ok(Math.abs(v - (i === 2 ? 0.3 : i === 7 ? 0.6 : 0)) < 1e-8, `x[${i}] = ${v}`));
});
