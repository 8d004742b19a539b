import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  logme, logmeExactEvidence, leepFromLogits, leep, nleep, nce, argmaxRows, hScore, hScoreShrinkage, ledoitWolfShrinkage, gbc, pca,
  centered, gramCols, eigh, softmax, fitGmm, computeScores, syntheticTask, type Features,
} from './index.ts';

// Computed once by tools/reference/transfer_reference.py (numpy/scipy/sklearn); hard-coded here.
// eslint-disable-next-line
const REF = {"tall":{"n":60,"d":8,"c":3,"logme":-0.6484142223134036,"logmeExact":-0.6484142223134035,"leep":-0.9388012892156683,"nce":-0.9140297408778937,"hscore":1.092432489574612,"hscoreShrinkage":0.3069447336725134,"shrinkage":0.8154513874538553,"gbc":-2.434115010421282,"pca80Components":6,"eigvalsCov":[1.1253280803088264,1.0617616776707726,0.5669286089472718]},"wide":{"n":12,"d":30,"c":3,"logme":3.1619292239867103,"logmeExact":-0.47358902412960807,"leep":-0.9565166216826285,"nce":-0.7803552045207034,"hscore":2.0000000000000004,"hscoreShrinkage":1.7179250732806461,"shrinkage":0.6066378934166469,"gbc":-1.8072996107996e-07,"pca80Components":7,"eigvalsCov":[6.817165207784891,3.811883552142073,1.9527875418042502]},"mid":{"n":90,"d":20,"c":4,"logme":-0.2589716735830775,"logmeExact":-0.2589716735830767,"leep":-1.2150534031210236,"nce":-1.2418100085015753,"hscore":2.5855744313091433,"hscoreShrinkage":1.4891004230817901,"shrinkage":0.43596860969287154,"gbc":-1.1935636784134096,"pca80Components":11,"eigvalsCov":[1.6700947566338475,1.3816261261300065,1.0479437179622157]},"wide128":{"n":30,"d":128,"c":3,"logme":9.994001388832073,"logmeExact":-0.391549523215109},"wide1280":{"n":40,"d":1280,"c":4,"logme":143.69294923229833,"logmeExact":-0.08097542457948777},"rankDeficient":{"n":50,"d":8,"c":2,"logme":-0.7323142191989918},"nleepBlobs":{"features":[[0.12573,-0.105684,0.320211,0.03147],[-0.535669,0.289276,0.652,0.284124],[-0.703735,-1.012337,-0.311637,0.012398],[-2.325031,-0.175033,-0.622955,-0.21968],[-0.544259,-0.25304,0.205815,0.312754],[-0.128535,1.093171,-0.332597,0.105453],[0.90347,0.07521,-0.37175,-0.276518],[-0.457726,0.176156,-0.504809,-0.062753],[-0.159225,0.432676,0.10733,0.106612],[-0.653829,-0.103691,0.391988,0.448029],[-1.259066,1.211139,0.672938,0.234393],[0.264456,-0.251138,0.72901,0.588077],[1.801635,1.052083,0.17869,-0.362496],[-0.004454,0.52518,-0.644181,0.118537],[0.429864,0.556834,-0.592059,-0.198511],[-0.436435,-0.935842,0.869684,-0.148773],[0.32897,-0.206858,0.791736,0.396108],[0.633353,-1.762808,0.026014,0.205106],[1.003962,-0.494326,0.911006,-0.396129],[-0.661528,0.74804,0.024527,0.600718],[0.188519,-0.506555,-0.188782,-0.327344],[-1.27768,0.504329,0.290583,0.388368],[-0.754606,1.351286,-0.143694,0.472322],[-0.432786,-0.588387,0.124893,0.309436],[0.16101,-0.468423,-0.67061,-0.420456],[0.502683,0.79177,-0.082147,-0.322309],[0.873042,-1.024315,-0.356534,0.186305],[-2.250141,0.309096,-0.29082,0.032784],[-0.075702,0.161692,0.347086,-0.227511],[1.420982,0.580875,0.421866,0.349459],[0.787588,0.675263,0.037797,-0.428032],[-0.135045,-0.615612,-0.711371,0.077536],[-0.568549,-0.823844,-0.521501,0.080525],[0.358672,1.057966,-0.006957,0.312552],[1.402265,0.920133,-1.182652,0.368605],[0.33962,0.339017,0.185614,0.114827],[0.319414,-0.287131,-0.950818,-0.032674],[-0.803732,0.864131,-0.144383,0.025043],[-0.849606,-0.408498,-0.005767,-0.445613],[0.300685,-0.084858,-0.59286,-0.71947],[4.513052,-0.238067,0.734996,-0.070846],[5.816476,-0.039841,1.04331,-0.446122],[5.647339,0.73399,1.533467,0.014302],[4.916655,0.296757,1.306595,-0.045658],[2.526112,0.823083,0.03252,-0.071981],[3.795478,-0.834288,1.306562,-0.060099],[3.563132,0.415873,0.76171,0.416694],[4.351455,-0.379466,0.027868,-0.392326],[5.086831,-0.040483,0.858437,0.492975],[2.717351,-0.468526,0.763706,0.175901],[3.336465,-0.490734,0.197425,0.218805],[4.806139,-0.381101,1.08167,-0.387794],[3.528187,1.102361,1.067865,0.693109],[3.212807,0.464228,0.902247,0.169745],[3.992789,-0.448958,0.566192,0.919811],[3.922655,-1.613329,0.6757,0.203412],[3.499992,1.088357,1.501199,-0.045702],[3.527784,-0.803841,0.650017,-0.441943],[5.204396,1.272561,0.371931,-0.354505],[2.231488,-0.771083,-0.553168,-0.342684],[5.296915,-0.276538,1.427292,-0.146691],[5.760667,0.159374,0.808999,0.765727],[3.675528,-0.976979,1.100955,-0.011651],[5.066325,-0.737307,1.402358,0.255825],[3.332313,0.130595,0.584624,0.703742],[3.29586,-0.36246,0.467081,-0.103836],[3.994124,0.614231,0.694757,-0.055732],[2.583511,-0.661922,2.377904,0.312373],[3.218576,-1.069918,0.512209,-0.006507],[4.034728,-0.595488,0.356713,0.426714],[4.451685,-0.299654,0.889669,-0.158859],[1.063955,0.092529,0.464728,-0.300805],[3.359738,0.585841,0.414735,-0.430284],[4.639852,0.603495,0.520533,0.168719],[3.708368,0.241034,0.36952,0.249868],[5.203259,0.509659,1.27917,-1.131683],[4.26063,-0.020356,0.926477,-0.189173],[4.055365,0.329694,0.868106,-0.138997],[5.229754,-0.884294,1.515078,0.053044],[3.195694,-0.231986,0.540003,0.202519],[0.347902,3.554563,-0.551109,1.090515],[0.957386,3.908931,0.209176,0.887192],[0.067569,3.766974,0.147021,0.547068],[0.644191,3.816054,0.179304,0.897907],[0.320361,3.14195,0.594577,0.488937],[-1.039239,4.188533,0.731421,1.083438],[-0.247908,2.859928,-0.095638,0.994037],[1.690569,4.4977,-0.764546,1.608034],[-0.39501,3.296432,0.737411,0.985073],[-0.367403,4.175029,0.422444,1.298001],[-1.375202,5.598785,0.473431,0.88624],[-0.81866,3.22479,0.061689,0.805595],[-0.764874,4.649004,0.182284,0.881629],[0.734248,5.093903,-0.547248,0.819012],[0.942622,4.575152,0.113349,1.348726],[-1.088212,2.81669,-0.433254,1.036763],[-0.796087,3.610225,-0.4875,0.813871],[-1.004787,4.293973,0.397446,0.855866],[-0.207266,3.535174,0.265626,1.026717],[1.594157,3.123622,0.181251,1.133197],[-0.36044,4.466827,-0.719261,1.635641],[-1.342044,4.735846,-0.560561,1.345265],[-0.384774,4.126738,0.026672,1.33022],[-0.321547,1.626253,-0.380029,1.055114],[-0.440468,4.615857,0.507663,0.955668],[-1.489645,5.107332,0.541527,0.910243],[2.108288,3.7209,-0.56856,0.953238],[1.077834,3.250037,0.975613,0.731042],[0.954422,4.43557,-0.077029,1.32416],[-1.499799,5.086057,-0.031842,0.837269],[0.749174,4.847919,0.384898,1.599851],[1.080726,5.026805,-0.269932,1.031957],[0.562983,3.985806,0.150818,1.127831],[0.844244,3.918713,-0.1749,0.751505],[-0.891732,4.937961,-0.042261,1.236083],[-1.297364,2.449466,-0.524546,1.343988],[1.068077,4.265631,-0.401085,0.960759],[-0.29776,3.724021,-1.253035,0.742622],[-0.190109,5.213142,0.080372,1.420266],[-0.393707,3.797849,-1.949711,1.138999]],"labels":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2],"components":2,"nleep":-0.07520505409376162}} as const;

/** The closed-form dataset of dataset() in the reference script. */
function makeCase(n: number, d: number, c: number, z = 5) {
  const features = new Float64Array(n * d);
  const labels = new Int32Array(n);
  const logits = new Float64Array(n * z);
  for (let i = 0; i < n; i++) {
    labels[i] = i % c;
    for (let j = 0; j < d; j++) {
      features[i * d + j] = Math.sin(0.37 * (i + 1) * (j + 1) + 0.11 * j) + (labels[i] === j % c ? 0.8 : 0);
    }
    for (let k = 0; k < z; k++) logits[i * z + k] = 2 * Math.cos(0.5 * i + 1.3 * k) + (k === labels[i] ? 1.5 : 0);
  }
  return { f: { data: features, n, d } as Features, labels, logits };
}

const rel = (a: number, b: number, tol: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

for (const name of ['tall', 'wide', 'mid'] as const) {
  const r = REF[name];
  const { f, labels, logits } = makeCase(r.n, r.d, r.c);
  test(`scores match the numpy/sklearn reference on "${name}" (N=${r.n}, D=${r.d})`, () => {
    rel(logme(f, labels), r.logme, 1e-9, 'LogME vs thuml _fit_fixed_point');
    rel(logmeExactEvidence(f, labels), r.logmeExact, 1e-9, 'LogME (exact evidence) vs D-space evidence');
    rel(leepFromLogits(logits, labels), r.leep, 1e-12, 'LEEP');
    rel(nce(argmaxRows(logits, r.n), labels), r.nce, 1e-12, 'NCE');
    rel(hScore(f, labels), r.hscore, 1e-8, 'H-Score');
    rel(hScoreShrinkage(f, labels), r.hscoreShrinkage, 1e-9, 'H-Score shrinkage');
    rel(gbc(f, labels), r.gbc, 1e-9, 'GBC');
    assert.equal(pca(f, { varianceKept: 0.8 }).d, r.pca80Components);
  });
  test(`Ledoit-Wolf shrinkage and covariance spectrum match sklearn/numpy on "${name}"`, () => {
    const x = centered(f);
    const emp = gramCols(x).map((v) => v / r.n);
    rel(ledoitWolfShrinkage(x, emp), r.shrinkage, 1e-12, 'shrinkage');
    const cov = gramCols(x).map((v) => v / (r.n - 1));
    const vals = eigh(cov, r.d).values;
    r.eigvalsCov.forEach((v, i) => rel(vals[i], v, 1e-12, `eigenvalue ${i}`));
  });
}

for (const name of ['wide128', 'wide1280', 'rankDeficient'] as const) {
  const r = REF[name];
  test(`LogME equals thuml's _fit_fixed_point where N < D or F is rank-deficient ("${name}", N=${r.n}, D=${r.d})`, () => {
    const { f, labels } = makeCase(r.n, name === 'rankDeficient' ? 6 : r.d, r.c);
    let g = f;
    if (name === 'rankDeficient') {
      // the reference's matrix: the 6 columns plus copies of the first two
      const data = new Float64Array(r.n * 8);
      for (let i = 0; i < r.n; i++) for (let j = 0; j < 8; j++) data[i * 8 + j] = f.data[i * 6 + (j < 6 ? j : j - 6)] as number;
      g = { data, n: r.n, d: 8 };
    }
    rel(logme(g, labels), r.logme, 1e-9, 'LogME');
    if ('logmeExact' in r) {
      rel(logmeExactEvidence(g, labels), r.logmeExact, 1e-9, 'exact evidence');
      // the two part by (D - N) log(alpha) / 2N per class: large for wide features
      assert.ok(Math.abs(r.logme - r.logmeExact) > 1, 'the variants differ here');
    }
  });
}

test('N-LEEP matches sklearn GaussianMixture (diag) on well-separated blobs', () => {
  const b = REF.nleepBlobs;
  const f: Features = { data: Float64Array.from(b.features.flat()), n: b.labels.length, d: 4 };
  const y = Int32Array.from(b.labels);
  assert.equal(pca(f, { varianceKept: 0.8 }).d, b.components);
  rel(nleep(f, y, { seed: 3, tol: 1e-10, maxIter: 1000 }), b.nleep, 1e-4, 'N-LEEP');
  // Deterministic for a seed.
  assert.equal(nleep(f, y, { seed: 5 }), nleep(f, y, { seed: 5 }));
});

test('known answers: perfect and useless source labels, separable and identical classes', () => {
  const y = Int32Array.from([0, 0, 1, 1, 2, 2, 0, 1]);
  // NCE: Z determines Y exactly -> 0; Z constant -> -H(Y).
  assert.equal(nce(y, y), 0);
  const h = -(3 / 8) * Math.log(3 / 8) * 2 - (2 / 8) * Math.log(2 / 8);
  assert.ok(Math.abs(nce(new Int32Array(8), y) + h) < 1e-15);
  // LEEP with one-hot theta = the labels -> 0; uniform theta -> sum_y P(y) log P(y) = -H(Y).
  const onehot = new Float64Array(8 * 3);
  y.forEach((c, i) => (onehot[i * 3 + c] = 1));
  assert.equal(leep(onehot, y), 0);
  assert.ok(Math.abs(leep(new Float64Array(8 * 4).fill(0.25), y) + h) < 1e-15);
  // softmax is shift invariant and survives huge logits (log-sum-exp).
  const p = softmax([1000, 1001, 1002, 0, 1, 2], 2);
  for (let k = 0; k < 3; k++) assert.ok(Math.abs(p[k] - p[3 + k]) < 1e-15);
  // GBC: identical class distributions overlap fully -> -(C(C-1)); disjoint -> about 0.
  const same: Features = { data: [1, 2, 3, 4, 1, 2, 3, 4], n: 8, d: 1 };
  assert.ok(Math.abs(gbc(same, [0, 0, 0, 0, 1, 1, 1, 1]) + 2) < 1e-12);
  const apart: Features = { data: [0, 0.1, 0.2, 100, 100.1, 100.2], n: 6, d: 1 };
  assert.ok(gbc(apart, [0, 0, 0, 1, 1, 1]) > -1e-100);
  // H-Score of features that are the one-hot labels: cov(g) = cov(f), so tr(pinv(S) S) = C - 1.
  const oh: Features = { data: onehot, n: 8, d: 3 };
  assert.ok(Math.abs(hScore(oh, y) - 2) < 1e-10);
});

test('LogME: class-aligned features beat noise; regression on one-hot targets equals classification', () => {
  const { f, labels } = makeCase(60, 8, 3);
  const noise: Features = { data: Float64Array.from({ length: 60 * 8 }, (_, i) => Math.sin(i * 12.9898) * 0.8), n: 60, d: 8 };
  assert.ok(logme(f, labels) > logme(noise, labels));
  const onehot = new Float64Array(60 * 3);
  labels.forEach((c, i) => (onehot[i * 3 + c] = 1));
  rel(logme(f, onehot, { regression: true }), logme(f, labels), 1e-14, 'regression vs classification');
});

test('GMM: responsibilities are normalised and the fit is seed-deterministic', () => {
  const { f } = makeCase(60, 8, 3);
  const red = pca(f, { components: 3 });
  const g1 = fitGmm(red, 3, { seed: 1 });
  const g2 = fitGmm(red, 3, { seed: 1 });
  assert.deepEqual(Array.from(g1.responsibilities), Array.from(g2.responsibilities));
  for (let i = 0; i < 60; i++) {
    const s = g1.responsibilities[i * 3] + g1.responsibilities[i * 3 + 1] + g1.responsibilities[i * 3 + 2];
    assert.ok(Math.abs(s - 1) < 1e-12);
  }
});

test('computeScores on a small synthetic task returns every score, finite', () => {
  const res = computeScores(syntheticTask(120, 24, 4, 2));
  for (const k of ['LogME', 'LEEP', 'N-LEEP', 'NCE', 'H-Score', 'H-Score (shrinkage)', 'GBC'] as const) {
    assert.ok(Number.isFinite(res[k]?.value), k);
  }
});
