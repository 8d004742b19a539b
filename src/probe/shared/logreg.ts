// L2-regularised multinomial logistic regression on frozen features, fitted by L-BFGS in float64.
// Objective (sklearn's, divided by C * N so that tolerances do not depend on N):
//   (1/N) sum_i -log softmax(W x_i + b)_{y_i} + ||W||^2 / (2 C N);   b is not penalised.
// Features are standardised inside (scaler fitted on the training rows only).

export interface Scaler {
  mean: Float64Array;
  scale: Float64Array;
}

/** Mean / population std per column; constant columns get scale 1 (as sklearn's StandardScaler). */
export function fitScaler(x: ArrayLike<number>, n: number, d: number): Scaler {
  const mean = new Float64Array(d);
  const scale = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) scale[j] += (x[i * d + j] - mean[j]) ** 2;
  for (let j = 0; j < d; j++) {
    const s = Math.sqrt(scale[j] / n);
    scale[j] = s > 1e-12 ? s : 1;
  }
  return { mean, scale };
}

export function applyScaler(s: Scaler, x: ArrayLike<number>, n: number, d: number): Float64Array {
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) out[i * d + j] = (x[i * d + j] - s.mean[j]) / s.scale[j];
  return out;
}

export interface LogRegModel {
  /** C x D weights (row-major) and C biases, on standardised features. */
  w: Float64Array;
  b: Float64Array;
  classes: number;
  d: number;
  scaler: Scaler;
  iterations: number;
  objective: number;
}

export interface LogRegOptions {
  C?: number;
  maxIter?: number;
  /** Stop when the max-abs gradient entry is below this. */
  gtol?: number;
  memory?: number;
  /** Skip standardisation (when the caller already did it). */
  standardize?: boolean;
  classes?: number;
}

/** Objective and gradient at theta = [W (C x D), b (C)], for standardised X. */
function objective(
  theta: Float64Array,
  grad: Float64Array,
  x: Float64Array,
  y: ArrayLike<number>,
  n: number,
  d: number,
  c: number,
  C: number,
): number {
  grad.fill(0);
  const z = new Float64Array(c);
  let loss = 0;
  const bo = c * d;
  for (let i = 0; i < n; i++) {
    const xo = i * d;
    let m = -Infinity;
    for (let k = 0; k < c; k++) {
      let s = theta[bo + k];
      const wo = k * d;
      for (let j = 0; j < d; j++) s += theta[wo + j] * x[xo + j];
      z[k] = s;
      if (s > m) m = s;
    }
    let se = 0;
    for (let k = 0; k < c; k++) se += Math.exp(z[k] - m);
    const lse = m + Math.log(se);
    loss += lse - z[y[i]];
    for (let k = 0; k < c; k++) {
      const g = Math.exp(z[k] - lse) - (k === y[i] ? 1 : 0); // p_k - 1[y = k]
      if (g === 0) continue;
      const wo = k * d;
      for (let j = 0; j < d; j++) grad[wo + j] += g * x[xo + j];
      grad[bo + k] += g;
    }
  }
  let reg = 0;
  const lam = 1 / (C * n);
  for (let q = 0; q < bo; q++) {
    reg += theta[q] * theta[q];
    grad[q] = grad[q] / n + lam * theta[q];
  }
  for (let k = 0; k < c; k++) grad[bo + k] /= n;
  return loss / n + (lam / 2) * reg;
}

const dot = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/** Fit on rows of x (N x D, any layout-compatible numeric array) with labels 0..C-1. */
export function fitLogReg(xRaw: ArrayLike<number>, y: ArrayLike<number>, n: number, d: number, opts: LogRegOptions = {}): LogRegModel {
  const C = opts.C ?? 1;
  const maxIter = opts.maxIter ?? 500;
  const gtol = opts.gtol ?? 1e-6;
  const mem = opts.memory ?? 10;
  let c = opts.classes ?? 0;
  for (let i = 0; i < n; i++) c = Math.max(c, y[i] + 1);
  const scaler = opts.standardize === false ? { mean: new Float64Array(d), scale: new Float64Array(d).fill(1) } : fitScaler(xRaw, n, d);
  const x = applyScaler(scaler, xRaw, n, d);
  const p = c * d + c;
  let theta = new Float64Array(p); // start at zero: deterministic, and sum of biases stays 0
  let g = new Float64Array(p);
  let f = objective(theta, g, x, y, n, d, c, C);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const dir = new Float64Array(p);
  const alphaBuf = new Float64Array(mem);
  let it = 0;
  for (; it < maxIter; it++) {
    let gmax = 0;
    for (let q = 0; q < p; q++) gmax = Math.max(gmax, Math.abs(g[q]));
    if (gmax < gtol) break;
    // Two-loop recursion: dir = -H g.
    for (let q = 0; q < p; q++) dir[q] = -g[q];
    for (let k = S.length - 1; k >= 0; k--) {
      alphaBuf[k] = rho[k] * dot(S[k], dir);
      for (let q = 0; q < p; q++) dir[q] -= alphaBuf[k] * Y[k][q];
    }
    if (S.length > 0) {
      const last = S.length - 1;
      const gamma = dot(S[last], Y[last]) / dot(Y[last], Y[last]);
      for (let q = 0; q < p; q++) dir[q] *= gamma;
    } else {
      const gn = Math.sqrt(dot(g, g));
      for (let q = 0; q < p; q++) dir[q] /= Math.max(gn, 1); // first step: bounded length
    }
    for (let k = 0; k < S.length; k++) {
      const beta = rho[k] * dot(Y[k], dir);
      for (let q = 0; q < p; q++) dir[q] += S[k][q] * (alphaBuf[k] - beta);
    }
    let slope = dot(g, dir);
    if (slope >= 0) {
      // Not a descent direction (should not happen with curvature-checked pairs): restart.
      S.length = Y.length = rho.length = 0;
      for (let q = 0; q < p; q++) dir[q] = -g[q];
      slope = -dot(g, g);
    }
    // Backtracking line search with the Armijo condition.
    let step = 1;
    const next = new Float64Array(p);
    const gNext = new Float64Array(p);
    let fNext = Infinity;
    for (let ls = 0; ls < 40; ls++) {
      for (let q = 0; q < p; q++) next[q] = theta[q] + step * dir[q];
      fNext = objective(next, gNext, x, y, n, d, c, C);
      if (fNext <= f + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNext <= f)) break; // no progress possible at float64 precision
    const s = new Float64Array(p);
    const yy = new Float64Array(p);
    for (let q = 0; q < p; q++) {
      s[q] = next[q] - theta[q];
      yy[q] = gNext[q] - g[q];
    }
    const sy = dot(s, yy);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(yy, yy))) {
      S.push(s);
      Y.push(yy);
      rho.push(1 / sy);
      if (S.length > mem) S.shift(), Y.shift(), rho.shift();
    }
    // Objective flat to float64 precision: further steps only chase rounding noise.
    const converged = f - fNext <= 1e-15 * Math.max(1, Math.abs(f));
    theta = next;
    g = gNext;
    f = fNext;
    if (converged) break;
  }
  return { w: theta.slice(0, c * d), b: theta.slice(c * d), classes: c, d, scaler, iterations: it, objective: f };
}

/** Class probabilities (N x C) for raw (unstandardised) features. */
export function predictProba(m: LogRegModel, xRaw: ArrayLike<number>, n: number): Float64Array {
  const { d, classes: c } = m;
  const x = applyScaler(m.scaler, xRaw, n, d);
  const out = new Float64Array(n * c);
  for (let i = 0; i < n; i++) {
    let mx = -Infinity;
    for (let k = 0; k < c; k++) {
      let s = m.b[k];
      for (let j = 0; j < d; j++) s += m.w[k * d + j] * x[i * d + j];
      out[i * c + k] = s;
      mx = Math.max(mx, s);
    }
    let se = 0;
    for (let k = 0; k < c; k++) se += out[i * c + k] = Math.exp(out[i * c + k] - mx);
    for (let k = 0; k < c; k++) out[i * c + k] /= se;
  }
  return out;
}

export function accuracy(m: LogRegModel, xRaw: ArrayLike<number>, y: ArrayLike<number>, n: number): number {
  const p = predictProba(m, xRaw, n);
  let ok = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < m.classes; k++) if (p[i * m.classes + k] > p[i * m.classes + best]) best = k;
    if (best === y[i]) ok++;
  }
  return n === 0 ? NaN : ok / n;
}
