// The ground-truth protocol (GT format v2, docs/zoo.md): the mean held-out accuracy of a linear
// probe on frozen features under repeated stratified k-fold cross-validation over every image of
// the task. The same function serves the GT commands (Node) and the page's fine stage (worker), so
// "checked here" means what the GT means.
//
// Probes:
//  * 'ridge' (the GT's): closed-form ridge regression onto one-hot targets with an unpenalised
//    intercept, argmax decision (a ridge classifier). Features are standardised per column over the
//    task's images (label-free), divided by sqrt(D) so a sample's squared norm is about 1 whatever the
//    width, then solved in the dual (one N x N kernel per task, centred on each training fold, one
//    Cholesky per fold) or, when D is smaller than a training fold, in the primal (one D x D Cholesky). Fixed lambda: choosing it inside the folds costs an eigendecomposition per
//    fold, and `npm run gt:protocol` measured the fixed value against the logistic probe.
//  * 'logistic': L-BFGS multinomial logistic regression (src/probe/shared/logreg.ts), C chosen by an
//    inner stratified CV on the training fold only (selectC) — the reference the ridge is checked against.
import { accuracy, applyScaler, fitLogReg, fitScaler } from './logreg.ts';
import { selectC } from './probe.ts';
import { stratifiedKFold, take, takeRows } from './split.ts';

export type CvProbeName = 'ridge' | 'logistic';

export interface CvProtocol {
  /** k of k-fold (lowered to the smallest class count when a class has fewer images; at least 2) */
  folds: number;
  /** independent repetitions of the k-fold split; the GT is their mean */
  repeats: number;
  probe: CvProbeName;
  /** ridge penalty on features standardised and divided by sqrt(D) */
  lambda: number;
  /** logistic only: the C grid and inner folds of selectC, and the L-BFGS iteration cap */
  cGrid: number[];
  innerFolds: number;
  maxIter: number;
  /** repeat r uses stratifiedKFold(labels, k, seed + r) */
  seed: number;
}

/** GT format v2's protocol (chosen by `npm run gt:protocol`, figures in docs/zoo.md). */
export const GT_CV: CvProtocol = { folds: 5, repeats: 8, probe: 'ridge', lambda: 1, cGrid: [0.01, 0.1, 1], innerFolds: 2, maxIter: 40, seed: 1 };

/** One word for tables and lines: "k-fold 5 x 4 repeats, probe ridge(lambda=1)". */
export function protocolLabel(p: CvProtocol): string {
  const probe = p.probe === 'ridge' ? `ridge(lambda=${p.lambda})` : `logistic(C in {${p.cGrid.join(',')}} by ${p.innerFolds}-fold, ${p.maxIter} it)`;
  return `k-fold ${p.folds} x ${p.repeats} repeats, probe ${probe}`;
}

function classCounts(labels: ArrayLike<number>): number[] {
  const c: number[] = [];
  for (let i = 0; i < labels.length; i++) c[labels[i]] = (c[labels[i]] ?? 0) + 1;
  return c.filter((v) => v !== undefined);
}

/** Folds a task can have: at most `want`, at most the smallest class (each fold tests every class); 0 when a class has < 2 images. */
export function foldsFor(labels: ArrayLike<number>, want: number): number {
  const counts = classCounts(labels);
  if (counts.length < 2) return 0;
  const min = Math.min(...counts);
  return min < 2 ? 0 : Math.min(want, min);
}

/** Test indices per [repeat][fold]. */
export function cvSplits(labels: ArrayLike<number>, folds: number, repeats: number, seed: number): Int32Array[][] {
  return Array.from({ length: repeats }, (_, r) => stratifiedKFold(labels, folds, seed + r));
}

/** The training rows of a fold: every index below n that is not in `test`. */
export function complement(n: number, test: Int32Array): Int32Array {
  const inTest = new Uint8Array(n);
  test.forEach((i) => (inTest[i] = 1));
  const out = new Int32Array(n - test.length);
  let k = 0;
  for (let i = 0; i < n; i++) if (!inTest[i]) out[k++] = i;
  return out;
}

function argmax(v: Float64Array): number {
  let best = 0;
  for (let c = 1; c < v.length; c++) if (v[c] > v[best]) best = c;
  return best;
}

/** K = Z Z^T / D of the task's standardised features (label-free), N x N, float64. */
export function standardisedKernel(features: ArrayLike<number>, n: number, d: number): Float64Array {
  const z = applyScaler(fitScaler(features, n, d), features, n, d);
  const k = new Float64Array(n * n);
  const inv = 1 / d;
  for (let i = 0; i < n; i++) {
    const oi = i * d;
    for (let j = 0; j <= i; j++) {
      const oj = j * d;
      let s = 0;
      for (let q = 0; q < d; q++) s += z[oi + q] * z[oj + q];
      s *= inv;
      k[i * n + j] = s;
      k[j * n + i] = s;
    }
  }
  return k;
}

/** In-place Cholesky of a symmetric positive definite n x n matrix (lower triangle); false if not PD. */
export function cholesky(a: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    const oj = j * n;
    let s = a[oj + j];
    for (let k = 0; k < j; k++) s -= a[oj + k] * a[oj + k];
    if (!(s > 0)) return false;
    const l = Math.sqrt(s);
    a[oj + j] = l;
    for (let i = j + 1; i < n; i++) {
      const oi = i * n;
      let t = a[oi + j];
      for (let k = 0; k < j; k++) t -= a[oi + k] * a[oj + k];
      a[oi + j] = t / l;
    }
  }
  return true;
}

/** Solve L L^T X = B in place (B: n x m row-major), L from cholesky(). */
export function choleskySolve(l: Float64Array, n: number, b: Float64Array, m: number): void {
  for (let i = 0; i < n; i++) {
    const oi = i * n;
    for (let k = 0; k < i; k++) {
      const f = l[oi + k];
      if (f === 0) continue;
      for (let c = 0; c < m; c++) b[i * m + c] -= f * b[k * m + c];
    }
    const inv = 1 / l[oi + i];
    for (let c = 0; c < m; c++) b[i * m + c] *= inv;
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let k = i + 1; k < n; k++) {
      const f = l[k * n + i];
      if (f === 0) continue;
      for (let c = 0; c < m; c++) b[i * m + c] -= f * b[k * m + c];
    }
    const inv = 1 / l[i * n + i];
    for (let c = 0; c < m; c++) b[i * m + c] *= inv;
  }
}

/**
 * Held-out accuracy of the ridge classifier on one fold, from the task kernel: kernel ridge with the
 * kernel centred on the training rows (= an unpenalised intercept), targets one-hot minus their
 * training mean, prediction argmax(K_te,tr_c A + y_mean).
 */
export function ridgeFold(kernel: Float64Array, n: number, labels: ArrayLike<number>, classes: number, train: Int32Array, test: Int32Array, lambda: number): number {
  const nt = train.length;
  const rowMean = new Float64Array(nt);
  let grand = 0;
  for (let a = 0; a < nt; a++) {
    const o = train[a] * n;
    let s = 0;
    for (let b = 0; b < nt; b++) s += kernel[o + train[b]];
    rowMean[a] = s / nt;
    grand += s;
  }
  grand /= nt * nt;
  const g = new Float64Array(nt * nt);
  for (let a = 0; a < nt; a++) {
    const o = train[a] * n;
    for (let b = 0; b <= a; b++) {
      const v = kernel[o + train[b]] - rowMean[a] - rowMean[b] + grand;
      g[a * nt + b] = v;
      g[b * nt + a] = v;
    }
    g[a * nt + a] += lambda;
  }
  const yMean = new Float64Array(classes);
  for (let a = 0; a < nt; a++) yMean[labels[train[a]]] += 1 / nt;
  const alpha = new Float64Array(nt * classes);
  for (let a = 0; a < nt; a++) for (let c = 0; c < classes; c++) alpha[a * classes + c] = (labels[train[a]] === c ? 1 : 0) - yMean[c];
  if (!cholesky(g, nt)) throw new Error('ridge probe: kernel + lambda I is not positive definite');
  choleskySolve(g, nt, alpha, classes);
  let correct = 0;
  const score = new Float64Array(classes);
  for (const t of test) {
    const o = t * n;
    let tMean = 0;
    for (let b = 0; b < nt; b++) tMean += kernel[o + train[b]];
    tMean /= nt;
    score.set(yMean);
    for (let b = 0; b < nt; b++) {
      const kv = kernel[o + train[b]] - tMean - rowMean[b] + grand;
      if (kv === 0) continue;
      const ob = b * classes;
      for (let c = 0; c < classes; c++) score[c] += kv * alpha[ob + c];
    }
    if (argmax(score) === labels[t]) correct++;
  }
  return correct / test.length;
}

/** The task's features standardised per column (label-free) and divided by sqrt(D): the rows whose dot products make standardisedKernel. */
export function standardisedRows(features: ArrayLike<number>, n: number, d: number): Float64Array {
  const z = applyScaler(fitScaler(features, n, d), features, n, d);
  const s = 1 / Math.sqrt(d);
  for (let i = 0; i < z.length; i++) z[i] *= s;
  return z;
}

/**
 * The same ridge classifier as ridgeFold, solved in the primal (D x D) — cheaper when D is below
 * the training fold's size (the zoo's 80-128-d features); identical predictions up to rounding.
 */
export function ridgeFoldPrimal(z: Float64Array, d: number, labels: ArrayLike<number>, classes: number, train: Int32Array, test: Int32Array, lambda: number): number {
  const nt = train.length;
  const mu = new Float64Array(d);
  for (const i of train) for (let j = 0; j < d; j++) mu[j] += z[i * d + j];
  for (let j = 0; j < d; j++) mu[j] /= nt;
  const yMean = new Float64Array(classes);
  for (const i of train) yMean[labels[i]] += 1 / nt;
  const a = new Float64Array(d * d);
  const b = new Float64Array(d * classes);
  const row = new Float64Array(d);
  for (const i of train) {
    for (let j = 0; j < d; j++) row[j] = z[i * d + j] - mu[j];
    const yi = labels[i];
    for (let p = 0; p < d; p++) {
      const rp = row[p];
      if (rp === 0) continue;
      const op = p * d;
      for (let q = 0; q <= p; q++) a[op + q] += rp * row[q];
      const ob = p * classes;
      for (let c = 0; c < classes; c++) b[ob + c] += rp * ((yi === c ? 1 : 0) - yMean[c]);
    }
  }
  for (let p = 0; p < d; p++) {
    for (let q = 0; q < p; q++) a[q * d + p] = a[p * d + q];
    a[p * d + p] += lambda;
  }
  if (!cholesky(a, d)) throw new Error('ridge probe: covariance + lambda I is not positive definite');
  choleskySolve(a, d, b, classes);
  let correct = 0;
  const score = new Float64Array(classes);
  for (const t of test) {
    score.set(yMean);
    for (let p = 0; p < d; p++) {
      const v = z[t * d + p] - mu[p];
      if (v === 0) continue;
      const ob = p * classes;
      for (let c = 0; c < classes; c++) score[c] += v * b[ob + c];
    }
    if (argmax(score) === labels[t]) correct++;
  }
  return correct / test.length;
}

/** Held-out accuracy of the logistic probe on one fold, C chosen on the training fold only. */
export function logisticFold(features: ArrayLike<number>, d: number, labels: ArrayLike<number>, classes: number, train: Int32Array, test: Int32Array, p: CvProtocol): number {
  const xTr = takeRows(features, d, train);
  const yTr = take(labels, train);
  const { C } = selectC(xTr, yTr, train.length, d, { cGrid: p.cGrid, folds: p.innerFolds, maxIter: p.maxIter, seed: p.seed });
  const m = fitLogReg(xTr, yTr, train.length, d, { C, maxIter: p.maxIter, classes });
  return accuracy(m, takeRows(features, d, test), take(labels, test), test.length);
}

export interface CvResult {
  /** mean over every fold of every repeat */
  accuracy: number;
  /** mean over the folds of each repeat */
  repeatAccuracy: number[];
  folds: number;
  repeats: number;
  n: number;
  classes: number;
}

export interface CvHooks {
  /** called after each fold (progress, cancellation: throw to stop) */
  onFold?: (done: number, total: number) => void;
  /** called with every training fold of the first repeat (forward-pass scores on the same folds) */
  onTrainFold?: (train: Int32Array, fold: number) => void;
}

/**
 * Repeated stratified k-fold accuracy of one model's features on one task.
 * Throws when a class has fewer than 2 images (no fold could test it).
 */
export function cvProbe(features: ArrayLike<number>, labels: ArrayLike<number>, n: number, d: number, p: CvProtocol = GT_CV, hooks: CvHooks = {}): CvResult {
  if (features.length !== n * d) throw new Error(`cvProbe: expected ${n} x ${d} features, got ${features.length} values`);
  const k = foldsFor(labels, p.folds);
  if (k < 2) throw new Error('cvProbe: every class needs at least 2 images');
  let classes = 0;
  for (let i = 0; i < n; i++) classes = Math.max(classes, labels[i] + 1);
  const splits = cvSplits(labels, k, p.repeats, p.seed);
  // ridge: the primal (D x D per fold) when D is below a training fold's size, else the dual (one N x N kernel per task)
  const primal = p.probe === 'ridge' && d < (n * (k - 1)) / k;
  const z = primal ? standardisedRows(features, n, d) : null;
  const kernel = p.probe === 'ridge' && !primal ? standardisedKernel(features, n, d) : null;
  const repeatAccuracy: number[] = [];
  let done = 0;
  splits.forEach((folds, r) => {
    let sum = 0;
    folds.forEach((test, f) => {
      const train = complement(n, test);
      if (r === 0) hooks.onTrainFold?.(train, f);
      sum += z ? ridgeFoldPrimal(z, d, labels, classes, train, test, p.lambda) : kernel ? ridgeFold(kernel, n, labels, classes, train, test, p.lambda) : logisticFold(features, d, labels, classes, train, test, p);
      hooks.onFold?.(++done, k * p.repeats);
    });
    repeatAccuracy.push(sum / k);
  });
  return { accuracy: repeatAccuracy.reduce((a, b) => a + b, 0) / repeatAccuracy.length, repeatAccuracy, folds: k, repeats: p.repeats, n, classes };
}

/** Mean of the first and of the second half of the repeats: two disjoint measurements for the noise ceiling. */
export function halves(repeatAccuracy: number[]): [number, number] {
  const h = Math.floor(repeatAccuracy.length / 2);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return [mean(repeatAccuracy.slice(0, h)), mean(repeatAccuracy.slice(h))];
}
