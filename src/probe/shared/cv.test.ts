import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GT_CV, cholesky, choleskySolve, cvProbe, cvSplits, foldsFor, halves, ridgeFold, ridgeFoldPrimal, standardisedKernel, standardisedRows } from './cv.ts';
import { applyScaler, fitScaler } from './logreg.ts';
import { mulberry32 } from '../../shared/random.ts';

function task(n: number, d: number, c: number, sep: number, seed = 3) {
  const rand = mulberry32(seed);
  const x = new Float64Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % c;
    for (let j = 0; j < d; j++) x[i * d + j] = (rand() - 0.5) * 2 + (j % c === y[i] ? sep : 0) + 3 * j;
  }
  return { x, y };
}

/** Ridge in the primal on the standardised / sqrt(D) features, with a centred (unpenalised) intercept. */
function primalRidge(x: Float64Array, y: Int32Array, n: number, d: number, c: number, train: Int32Array, test: Int32Array, lambda: number): number {
  const z = applyScaler(fitScaler(x, n, d), x, n, d).map((v) => v / Math.sqrt(d));
  const mu = new Float64Array(d);
  for (const i of train) for (let j = 0; j < d; j++) mu[j] += z[i * d + j] / train.length;
  const ym = new Float64Array(c);
  for (const i of train) ym[y[i]] += 1 / train.length;
  const a = new Float64Array(d * d);
  const b = new Float64Array(d * c);
  for (const i of train)
    for (let p = 0; p < d; p++) {
      const zp = z[i * d + p] - mu[p];
      for (let q = 0; q < d; q++) a[p * d + q] += zp * (z[i * d + q] - mu[q]);
      for (let k = 0; k < c; k++) b[p * c + k] += zp * ((y[i] === k ? 1 : 0) - ym[k]);
    }
  for (let p = 0; p < d; p++) a[p * d + p] += lambda;
  assert.ok(cholesky(a, d));
  choleskySolve(a, d, b, c);
  let ok = 0;
  for (const t of test) {
    let best = -1, bs = -Infinity;
    for (let k = 0; k < c; k++) {
      let s = ym[k];
      for (let p = 0; p < d; p++) s += (z[t * d + p] - mu[p]) * b[p * c + k];
      if (s > bs) (bs = s), (best = k);
    }
    if (best === y[t]) ok++;
  }
  return ok / test.length;
}

test('Cholesky solve recovers a known solution', () => {
  const n = 4;
  const a = Float64Array.from([4, 2, 0.6, 0, 2, 5, 1, 0.5, 0.6, 1, 3, 0.2, 0, 0.5, 0.2, 2]);
  const x = [1, -2, 0.5, 3];
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) b[i] += a[i * n + j] * x[j];
  assert.ok(cholesky(a, n));
  choleskySolve(a, n, b, 1);
  b.forEach((v, i) => assert.ok(Math.abs(v - x[i]) < 1e-12));
  assert.equal(cholesky(Float64Array.from([1, 2, 2, 1]), 2), false); // indefinite
});

test('ridge probe in the dual (task kernel, centred per fold) equals the primal solve', () => {
  for (const [n, d, c, lambda] of [[60, 8, 3, 0.3], [40, 70, 4, 1], [50, 50, 2, 10]] as const) {
    const { x, y } = task(n, d, c, 0.4);
    const k = standardisedKernel(x, n, d);
    const [folds] = cvSplits(y, 5, 1, 7);
    for (const te of folds) {
      const tr = Int32Array.from({ length: n }, (_, i) => i).filter((i) => !te.includes(i));
      assert.equal(ridgeFold(k, n, y, c, tr, te, lambda), primalRidge(x, y, n, d, c, tr, te, lambda), `n=${n} d=${d}`);
    }
  }
});

test('ridge probe in the primal (D x D) gives the same predictions as the dual', () => {
  for (const [n, d, c, lambda] of [[80, 6, 3, 1], [70, 20, 5, 0.2]] as const) {
    const { x, y } = task(n, d, c, 0.5);
    const k = standardisedKernel(x, n, d);
    const z = standardisedRows(x, n, d);
    for (const [r, folds] of cvSplits(y, 5, 2, 3).entries())
      for (const te of folds) {
        const tr = Int32Array.from({ length: n }, (_, i) => i).filter((i) => !te.includes(i));
        assert.equal(ridgeFoldPrimal(z, d, y, c, tr, te, lambda), ridgeFold(k, n, y, c, tr, te, lambda), `repeat ${r}`);
      }
  }
});

test('repeated stratified k-fold: every image tested once per repeat; folds follow the smallest class', () => {
  const y = Int32Array.from({ length: 23 }, (_, i) => (i < 3 ? 2 : i % 2));
  assert.equal(foldsFor(y, 5), 3);
  assert.equal(foldsFor(Int32Array.from([0, 1, 1, 1]), 5), 0);
  assert.equal(foldsFor(Int32Array.from([0, 0, 0]), 5), 0);
  const s = cvSplits(y, 3, 2, 1);
  for (const rep of s) assert.deepEqual([...rep.flatMap((f) => [...f])].sort((a, b) => a - b), [...Array(23).keys()]);
  assert.notDeepEqual(s[0][0], s[1][0]);
});

test('cvProbe: separable classes score high, noise near chance, repeats and halves consistent', () => {
  const n = 120, d = 16, c = 4;
  const good = task(n, d, c, 2.0);
  const r = cvProbe(good.x, good.y, n, d);
  assert.equal(r.folds, GT_CV.folds);
  assert.equal(r.repeatAccuracy.length, GT_CV.repeats);
  assert.ok(r.accuracy > 0.9, `separable ${r.accuracy}`);
  const [a, b] = halves(r.repeatAccuracy);
  assert.ok(Math.abs((a + b) / 2 - r.accuracy) < 1e-12);
  const noise = task(n, d, c, 0);
  const rn = cvProbe(noise.x, noise.y, n, d);
  assert.ok(rn.accuracy < 0.45, `noise ${rn.accuracy}`);
  const lg = cvProbe(good.x, good.y, n, d, { ...GT_CV, probe: 'logistic', repeats: 1 });
  assert.ok(lg.accuracy > 0.9);
  let calls = 0;
  cvProbe(good.x, good.y, n, d, GT_CV, { onTrainFold: () => calls++ });
  assert.equal(calls, GT_CV.folds); // forward-pass scores see the folds of the first repeat
  assert.throws(() => cvProbe(good.x.slice(0, 2 * d), Int32Array.from([0, 1]), 2, d), /at least 2 images/);
});
