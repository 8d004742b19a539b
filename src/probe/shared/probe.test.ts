import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitLogReg, predictProba, fitScaler } from './logreg.ts';
import { stratifiedSplit, stratifiedKFold } from './split.ts';
import { linearProbe, selectC } from './probe.ts';
import { syntheticTask } from '../../transfer/shared/scores.ts';
import { mulberry32 } from '../../transfer/shared/random.ts';

// sklearn LogisticRegression(lbfgs, tol=1e-12) and an exact Newton solve of the same objective,
// on StandardScaler'd data, by tools/reference/probe_reference.py; hard-coded here.
const REF = {"0.05":{"coef":[[0.19598678751947363,-0.07315197480432535,-0.06036215350042049],[0.039169336670067174,0.24497640953153027,-0.17268851959965126],[-0.09272410639528474,-0.06938533511903486,0.27631895403999146],[-0.142432017794256,-0.10243909960817009,-0.04326828093991982]],"intercept":[-0.07898635179646998,0.06055776764000691,-0.04373296177862145,0.062161545935084564],"proba0":[0.7885902294024476,0.0907811629575073,0.0631076696451884,0.05752093799485659],"proba7":[0.22344371577783645,0.0331674942503405,0.5562548972482311,0.187133892723592],"objective":0.6514101777556259,"trainAccuracy":0.9333333333333333,"newtonCoef":[[0.19598505090659682,-0.07315198594099542,-0.0603601654906549],[0.0391711224101186,0.24497517182446846,-0.17268837606810178],[-0.0927225637572485,-0.06938324419664663,0.2763177013452852],[-0.1424336095594669,-0.10243994168682646,-0.04326915978652846]],"newtonIntercept":[-0.07899784476900706,0.060551486299892925,-0.04371666451760205,0.06216302298671597],"newtonObjective":0.6514101776667933},"2.0":{"coef":[[0.40239044521830936,-0.14444409474981876,-0.1201736075508821],[0.5470053420485015,0.7788500594426447,-0.9344019815428154],[0.2759064886334367,-0.17388043217751908,0.9960489186355483],[-1.2253022759002463,-0.46052553251530615,0.058526670458151055]],"intercept":[-0.5192911986443796,0.13672252985710195,0.3637715083380616,0.01879716044921331],"proba0":[0.9901625254111566,0.005183143907335045,0.0042391994948901566,0.0004151311866181036],"proba7":[0.03912679927562326,0.0023503646411909243,0.6521979270821034,0.30632490900108234],"objective":0.1487962903427934,"trainAccuracy":0.9777777777777777,"newtonCoef":[[0.4023551961334953,-0.1444325746414392,-0.12018726961419654],[0.547031047125353,0.778890618083019,-0.934347527455142],[0.27589136543376136,-0.17389718983723734,0.9960483893625126],[-1.2252776086926125,-0.46056085360434146,0.05848640770682443]],"newtonIntercept":[-0.5193728299994885,0.13673854348733575,0.3638074887091494,0.018826797803001626],"newtonObjective":0.14879629008987072}} as const;

function mid() {
  const n = 90, d = 20, c = 4;
  const x = new Float64Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % c;
    for (let j = 0; j < d; j++) x[i * d + j] = Math.sin(0.37 * (i + 1) * (j + 1) + 0.11 * j) + (y[i] === j % c ? 0.8 : 0);
  }
  return { x, y, n, d };
}

for (const key of ['0.05', '2.0'] as const) {
  test(`L-BFGS logistic regression matches sklearn at C=${key}`, () => {
    const { x, y, n, d } = mid();
    const r = REF[key];
    const m = fitLogReg(x, y, n, d, { C: Number(key), gtol: 1e-10, maxIter: 2000 });
    // sklearn's lbfgs stops a little early (its objective is ~1e-10 above the optimum), so the
    // coefficients are checked against the Newton optimum and sklearn only on probabilities.
    assert.ok(m.objective <= r.objective + 1e-13, `objective ${m.objective} vs ${r.objective}`);
    assert.ok(Math.abs(m.objective - r.newtonObjective) < 1e-12);
    for (let k = 0; k < 4; k++) {
      for (let j = 0; j < 3; j++) assert.ok(Math.abs(m.w[k * d + j] - r.newtonCoef[k][j]) < 1e-6, `coef ${k},${j}`);
      assert.ok(Math.abs(m.b[k] - r.newtonIntercept[k]) < 1e-6, `intercept ${k}`);
    }
    const p = predictProba(m, x, n);
    r.proba0.forEach((v, k) => assert.ok(Math.abs(p[k] - v) < 1e-5));
    r.proba7.forEach((v, k) => assert.ok(Math.abs(p[7 * 4 + k] - v) < 1e-5));
  });
}

test('scaler: population std, constant columns left at scale 1', () => {
  const s = fitScaler([1, 5, 3, 5], 2, 2);
  assert.deepEqual(Array.from(s.mean), [2, 5]);
  assert.deepEqual(Array.from(s.scale), [1, 1]);
});

test('stratified split: disjoint, covering, per-class proportions, seed-deterministic', () => {
  const labels = Int32Array.from({ length: 103 }, (_, i) => (i < 60 ? 0 : i < 100 ? 1 : 2));
  const a = stratifiedSplit(labels, 0.25, 7);
  const b = stratifiedSplit(labels, 0.25, 7);
  assert.deepEqual(a, b);
  assert.notDeepEqual(Array.from(a.test), Array.from(stratifiedSplit(labels, 0.25, 8).test));
  const all = [...a.train, ...a.test].sort((p, q) => p - q);
  assert.deepEqual(all, Array.from({ length: 103 }, (_, i) => i));
  const count = (idx: Int32Array, c: number) => Array.from(idx).filter((i) => labels[i] === c).length;
  assert.equal(count(a.test, 0), 15);
  assert.equal(count(a.test, 1), 10);
  assert.equal(count(a.test, 2), 1); // a 3-item class still gets one test item
  const folds = stratifiedKFold(labels, 3, 1);
  assert.equal(folds.reduce((s, f) => s + f.length, 0), 103);
  for (const f of folds) assert.ok(Math.abs(count(f, 0) - 20) <= 1 && Math.abs(count(f, 1) - 40 / 3) <= 1);
});

test('linear probe: informative features beat shuffled labels; C comes from the training split only', () => {
  const t = syntheticTask(160, 12, 4, 5);
  const res = linearProbe(t.features, t.labels, t.n, t.d, { seed: 1, cGrid: [0.01, 1] });
  assert.ok(res.accuracy > 0.5, `accuracy ${res.accuracy}`); // chance is 0.25
  assert.equal(res.train.length + res.test.length, 160);
  // Changing only test-split features must not change the chosen C.
  const poisoned = Float32Array.from(t.features);
  for (const i of res.test) for (let j = 0; j < t.d; j++) poisoned[i * t.d + j] = 1000 * Math.sin(i + j);
  assert.equal(linearProbe(poisoned, t.labels, t.n, t.d, { seed: 1, cGrid: [0.01, 1] }).C, res.C);
  const rand = mulberry32(9);
  const shuffled = Int32Array.from(t.labels, () => Math.floor(rand() * 4));
  const chance = linearProbe(t.features, shuffled, t.n, t.d, { seed: 1, cGrid: [0.01, 1] });
  assert.ok(chance.accuracy < 0.45, `chance ${chance.accuracy}`);
  const sel = selectC(t.features, t.labels, t.n, t.d, { cGrid: [0.01, 1], seed: 2 });
  assert.equal(sel.cvAccuracy.length, 2);
});
