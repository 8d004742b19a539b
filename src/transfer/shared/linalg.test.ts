import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eigh, eighProjections, gramCols, gramRows, pca } from './linalg.ts';
import { mulberry32 } from './random.ts';

function randomSymmetric(n: number, seed: number): Float64Array {
  const r = mulberry32(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = r() * 2 - 1;
  return a;
}

function checkDecomposition(a: Float64Array, n: number, tol: number) {
  const { values, vectors } = eigh(a, n);
  for (let i = 1; i < n; i++) assert.ok(values[i - 1] >= values[i], 'descending');
  let scale = 0;
  for (const v of a) scale = Math.max(scale, Math.abs(v));
  // A v_j = lambda_j v_j and V^T V = I.
  for (let j = 0; j < n; j++) {
    const v = vectors.subarray(j * n, (j + 1) * n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[i * n + k] * v[k];
      assert.ok(Math.abs(s - values[j] * v[i]) < tol * Math.max(scale, 1), `A v = lambda v (${j},${i})`);
    }
    for (let k = 0; k <= j; k++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += v[i] * vectors[k * n + i];
      assert.ok(Math.abs(dot - (j === k ? 1 : 0)) < tol, 'orthonormal');
    }
  }
  return values;
}

test('eigh: second-difference matrix has eigenvalues 2 - 2 cos(k pi / (n + 1))', () => {
  const n = 12;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    a[i * n + i] = 2;
    if (i > 0) a[i * n + i - 1] = a[(i - 1) * n + i] = -1;
  }
  const values = checkDecomposition(a, n, 1e-12);
  for (let k = 1; k <= n; k++) {
    assert.ok(Math.abs(values[n - k] - (2 - 2 * Math.cos((k * Math.PI) / (n + 1)))) < 1e-13);
  }
});

test('eigh: random symmetric matrices, repeated eigenvalues, diagonal, 1x1 and zero matrix', () => {
  checkDecomposition(randomSymmetric(37, 1), 37, 1e-11);
  // Rank-2 projector-like matrix: eigenvalue 0 repeated n-2 times.
  const n = 9;
  const u = Float64Array.from({ length: n }, (_, i) => i + 1);
  const v = Float64Array.from({ length: n }, (_, i) => (i % 2 ? 1 : -1));
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = u[i] * u[j] + 3 * v[i] * v[j];
  const vals = checkDecomposition(a, n, 1e-12);
  // u.v = -1+2-3+...+8-9 = -5 here: eigenvalues of the 2x2 Gram [[285, -5*sqrt3],[.., 27]] scaled; just check trace
  assert.ok(Math.abs(vals.reduce((s, x) => s + x, 0) - (285 + 27)) < 1e-10);
  for (let i = 2; i < n; i++) assert.ok(Math.abs(vals[i]) < 1e-12);
  assert.deepEqual(Array.from(eigh([3, 0, 0, 0, -1, 0, 0, 0, 2], 3).values), [3, 2, -1]);
  assert.deepEqual(Array.from(eigh([5], 1).values), [5]);
  assert.deepEqual(Array.from(eigh(new Float64Array(4), 2).values), [0, 0]);
});

test('gram matrices and PCA agree with direct computation', () => {
  const r = mulberry32(3);
  const n = 6;
  const d = 4;
  const data = Float64Array.from({ length: n * d }, () => r());
  const g = gramCols({ data, n, d });
  const h = gramRows({ data, n, d });
  assert.ok(Math.abs(g[1 * d + 2] - [0, 1, 2, 3, 4, 5].reduce((s, i) => s + data[i * d + 1] * data[i * d + 2], 0)) < 1e-14);
  assert.ok(Math.abs(h[2 * n + 5] - [0, 1, 2, 3].reduce((s, k) => s + data[2 * d + k] * data[5 * d + k], 0)) < 1e-14);
  // PCA through the covariance (N > D) and through the Gram matrix (transpose problem: N < D)
  // must give the same total variance on the kept components.
  const p = pca({ data, n, d }, { components: 2 });
  const wide = pca({ data: Float64Array.from({ length: 3 * 8 }, () => r()), n: 3, d: 8 }, { components: 2 });
  assert.equal(p.d, 2);
  assert.equal(wide.d, 2);
  // Scores are uncorrelated.
  let c01 = 0;
  for (let i = 0; i < n; i++) c01 += p.data[i * 2] * p.data[i * 2 + 1];
  assert.ok(Math.abs(c01) < 1e-12);
});

test('eighProjections: the spectrum of eigh() and the squared projections U^T y, without forming U', () => {
  for (const n of [1, 2, 3, 7, 40]) {
    const r = mulberry32(n);
    const b = Float64Array.from({ length: n * n }, () => r() - 0.5);
    const a = new Float64Array(n * n); // B B^T + a repeated eigenvalue direction
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) a[i * n + j] += b[i * n + k] * b[j * n + k];
    const ys = [Float64Array.from({ length: n }, () => r()), Float64Array.from({ length: n }, (_, i) => (i % 2 ? 1 : 0))];
    const full = eigh(a, n);
    const fast = eighProjections(a, n, ys);
    for (let j = 0; j < n; j++) {
      assert.ok(Math.abs(full.values[j] - fast.values[j]) < 1e-10 * Math.max(1, Math.abs(full.values[0])), `value ${j}`);
      ys.forEach((y, c) => {
        let x = 0;
        for (let i = 0; i < n; i++) x += full.vectors[j * n + i] * y[i];
        assert.ok(Math.abs(x * x - fast.xs[c][j] ** 2) < 1e-9, `n=${n} projection ${j}: ${x * x} vs ${fast.xs[c][j] ** 2}`);
      });
    }
  }
});
