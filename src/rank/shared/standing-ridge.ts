// "Standing ridge": a model's standing on a new dataset (the share of the measured models it beats)
// predicted from the measured ground truth and the dataset's token, with no forward pass. The best
// prior measured here is a model's mean standing over the measured tasks; this learns the residual
// over it: kernel ridge (linear kernel, dual form) from a task's feature vector (the unit mean of its
// class centres) to every model's standing minus its mean standing. lambda is chosen by
// leave-one-dataset-out over the training tasks only. Pure maths, numerically plain: the features
// enter only through their Gram matrix (computed once), then one Cholesky solve of an
// n_tasks x n_tasks system per fit. Used by bench:rank's real-models block and by the page.
import { weightedTau } from '../../metrics/ranking.ts';

export interface MeasuredRow {
  id: string;
  dataset: string;
  /** task feature (e.g. unit mean class direction) */
  x: ArrayLike<number>;
  /** standing per model (index into models), NaN where the model was not measured there */
  standing: ArrayLike<number>;
}

export interface StandingRidge {
  models: string[];
  lambda: number;
  /** each model's mean standing over the training tasks (0.5 when never measured) */
  mean: Float64Array;
  /** the training rows (their features are needed to score a new task) */
  rows: readonly MeasuredRow[];
  /** row sums of the training Gram matrix / n, and its grand mean (for centring) */
  rmean: Float64Array;
  gmean: number;
  /** dual coefficients, one row per training task, one column per model */
  alpha: Float64Array[];
  my: Float64Array;
}

export const STANDING_RIDGE_LAMBDAS = [0.1, 0.3, 1, 3, 10, 30] as const;

export const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/** Gram of the rows, shared across fits on subsets of them (the costly part on 1280-d features). */
export class Gram {
  private index = new Map<MeasuredRow, number>();
  private G: Float64Array[];
  constructor(rows: readonly MeasuredRow[]) {
    rows.forEach((r, i) => this.index.set(r, i));
    this.G = rows.map((a) => Float64Array.from(rows, (b) => dot(a.x, b.x)));
  }
  get(a: MeasuredRow, b: MeasuredRow): number {
    const i = this.index.get(a), j = this.index.get(b);
    return i !== undefined && j !== undefined ? this.G[i][j] : dot(a.x, b.x);
  }
}

/** Solves (K + lambda I) A = Y for symmetric positive semi-definite K (Cholesky). */
export function solveRidge(K: Float64Array[], Y: Float64Array[], lambda: number): Float64Array[] {
  const n = K.length;
  const L = K.map(() => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = K[i][j] + (i === j ? lambda : 0);
      for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k];
      if (i === j) {
        if (!(s > 0)) throw new Error(`ridge system not positive definite (lambda ${lambda})`);
        L[i][i] = Math.sqrt(s);
      } else L[i][j] = s / L[j][j];
    }
  }
  const q = Y[0]?.length ?? 0;
  const A = Y.map((r) => Float64Array.from(r));
  for (let c = 0; c < q; c++) {
    for (let i = 0; i < n; i++) {
      let s = A[i][c];
      for (let k = 0; k < i; k++) s -= L[i][k] * A[k][c];
      A[i][c] = s / L[i][i];
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = A[i][c];
      for (let k = i + 1; k < n; k++) s -= L[k][i] * A[k][c];
      A[i][c] = s / L[i][i];
    }
  }
  return A;
}

export function fitStandingRidge(models: string[], rows: readonly MeasuredRow[], lambda: number, gram: Gram = new Gram(rows)): StandingRidge {
  const q = models.length, n = rows.length;
  if (!n) throw new Error('no measured tasks to fit on');
  const mean = new Float64Array(q);
  for (let j = 0; j < q; j++) {
    let s = 0, c = 0;
    for (const r of rows) if (Number.isFinite(r.standing[j])) { s += r.standing[j]; c++; }
    mean[j] = c ? s / c : 0.5;
  }
  // residual over the mean standing; a model not measured on a task adds nothing there
  const Y = rows.map((r) => Float64Array.from({ length: q }, (_, j) => (Number.isFinite(r.standing[j]) ? r.standing[j] - mean[j] : 0)));
  const my = new Float64Array(q);
  for (const y of Y) for (let j = 0; j < q; j++) my[j] += y[j] / n;
  for (const y of Y) for (let j = 0; j < q; j++) y[j] -= my[j];
  // centred linear kernel from the Gram: K_ij = G_ij - r_i - r_j + g
  const G = rows.map((a) => Float64Array.from(rows, (b) => gram.get(a, b)));
  const rmean = Float64Array.from(G, (row) => row.reduce((s, v) => s + v, 0) / n);
  const gmean = rmean.reduce((s, v) => s + v, 0) / n;
  const K = G.map((row, i) => Float64Array.from(row, (v, j) => v - rmean[i] - rmean[j] + gmean));
  return { models, lambda, mean, rows, rmean, gmean, alpha: solveRidge(K, Y, lambda), my };
}

/** Predicted standing of every model (order of `r.models`) for a task with feature `x` (or a row of the Gram). */
export function predictStandingRidge(r: StandingRidge, x: ArrayLike<number> | MeasuredRow, gram?: Gram): Float64Array {
  const n = r.rows.length;
  const g = r.rows.map((row) => (gram && !('length' in x) ? gram.get(row, x) : dot(row.x, 'length' in x ? x : x.x)));
  const gbar = g.reduce((s, v) => s + v, 0) / n;
  const k = g.map((v, i) => v - r.rmean[i] - gbar + r.gmean);
  return Float64Array.from(r.models, (_, j) => {
    let s = r.mean[j] + r.my[j];
    for (let i = 0; i < n; i++) s += k[i] * r.alpha[i][j];
    return s;
  });
}

/** Mean weighted tau (rank=None) over rows, each held out with its whole dataset and scored against its own measured standings. */
export function lodoTau(models: string[], rows: readonly MeasuredRow[], lambda: number, gram: Gram = new Gram(rows)): number {
  let s = 0, n = 0;
  for (const d of new Set(rows.map((r) => r.dataset))) {
    const train = rows.filter((r) => r.dataset !== d);
    if (!train.length) continue;
    const fit = fitStandingRidge(models, train, lambda, gram);
    for (const t of rows.filter((r) => r.dataset === d)) {
      const keep = models.map((_, j) => j).filter((j) => Number.isFinite(t.standing[j]));
      if (keep.length < 3) continue;
      const v = predictStandingRidge(fit, t, gram);
      const w = weightedTau(keep.map((j) => t.standing[j]), keep.map((j) => v[j]), { rank: null });
      if (Number.isFinite(w)) { s += w; n++; }
    }
  }
  return n ? s / n : NaN;
}

/** lambda by leave-one-dataset-out over `rows` (the training tasks only); the larger lambda on a tie. */
export function chooseStandingLambda(models: string[], rows: readonly MeasuredRow[], grid: readonly number[] = STANDING_RIDGE_LAMBDAS, gram: Gram = new Gram(rows)): { lambda: number; tried: { lambda: number; tau: number }[] } {
  const tried = grid.map((lambda) => ({ lambda, tau: lodoTau(models, rows, lambda, gram) }));
  const best = tried.reduce((b, t) => (t.tau > b.tau || (t.tau === b.tau && t.lambda > b.lambda) ? t : b));
  return { lambda: best.lambda, tried };
}
