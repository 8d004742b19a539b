// The linear probe that defines measured ground truth: fixed stratified split, C chosen by inner
// stratified k-fold on the training split only, refit on the whole training split, accuracy on
// the held-out split. Deterministic given the seed.
import { accuracy, fitLogReg, type LogRegModel } from './logreg.ts';
import { stratifiedKFold, stratifiedSplit, take, takeRows } from './split.ts';

export const DEFAULT_C_GRID = [0.001, 0.01, 0.1, 1, 10];

export interface ProbeOptions {
  testFraction?: number;
  seed?: number;
  cGrid?: number[];
  folds?: number;
  maxIter?: number;
}

export interface ProbeResult {
  accuracy: number;
  C: number;
  /** Mean inner-CV accuracy per C, in grid order. */
  cvAccuracy: number[];
  model: LogRegModel;
  train: Int32Array;
  test: Int32Array;
}

/** Pick C by mean stratified k-fold accuracy (ties: the smaller C, i.e. more regularisation). */
export function selectC(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  n: number,
  d: number,
  opts: ProbeOptions = {},
): { C: number; cvAccuracy: number[] } {
  const grid = opts.cGrid ?? DEFAULT_C_GRID;
  let minClass = Infinity;
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) counts.set(y[i], (counts.get(y[i]) ?? 0) + 1);
  for (const v of counts.values()) minClass = Math.min(minClass, v);
  const k = Math.max(2, Math.min(opts.folds ?? 3, minClass));
  const folds = stratifiedKFold(take(y, Int32Array.from({ length: n }, (_, i) => i)), k, (opts.seed ?? 0) + 1);
  const classes = counts.size === 0 ? 0 : Math.max(...counts.keys()) + 1;
  const cvAccuracy = grid.map((C) => {
    let acc = 0;
    for (let f = 0; f < k; f++) {
      const val = folds[f];
      const inVal = new Uint8Array(n);
      val.forEach((i) => (inVal[i] = 1));
      const tr = Int32Array.from({ length: n }, (_, i) => i).filter((i) => !inVal[i]);
      const m = fitLogReg(takeRows(x, d, tr), take(y, tr), tr.length, d, { C, maxIter: opts.maxIter, classes });
      acc += accuracy(m, takeRows(x, d, val), take(y, val), val.length);
    }
    return acc / k;
  });
  let best = 0;
  for (let i = 1; i < grid.length; i++) if (cvAccuracy[i] > cvAccuracy[best] + 1e-12) best = i;
  return { C: grid[best], cvAccuracy };
}

export function linearProbe(features: ArrayLike<number>, labels: ArrayLike<number>, n: number, d: number, opts: ProbeOptions = {}): ProbeResult {
  const { train, test } = stratifiedSplit(labels, opts.testFraction ?? 0.25, opts.seed ?? 0);
  const xTr = takeRows(features, d, train);
  const yTr = take(labels, train);
  const { C, cvAccuracy } = selectC(xTr, yTr, train.length, d, opts);
  let classes = 0;
  for (let i = 0; i < n; i++) classes = Math.max(classes, labels[i] + 1);
  const model = fitLogReg(xTr, yTr, train.length, d, { C, maxIter: opts.maxIter, classes });
  return { accuracy: accuracy(model, takeRows(features, d, test), take(labels, test), test.length), C, cvAccuracy, model, train, test };
}
