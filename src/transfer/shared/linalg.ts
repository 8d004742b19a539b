// Small float64 dense linear algebra for the transferability scores: symmetric eigendecomposition
// (Householder tridiagonalisation + implicit QL, the EISPACK tred2/tql2 pair as in JAMA), Gram
// and covariance matrices. Matrices are flat row-major Float64Arrays.

/** N x D row-major feature matrix (any numeric typed array; read as float64). */
export interface Features {
  data: ArrayLike<number>;
  n: number;
  d: number;
}

export interface Eigh {
  /** Eigenvalues in descending order. */
  values: Float64Array;
  /** Row j (vectors[j*n .. j*n+n]) is the unit eigenvector of values[j]. */
  vectors: Float64Array;
}

/**
 * Eigendecomposition of a symmetric n x n matrix (only its symmetric part is meaningful).
 * The working array holds V transposed (w[j*n + k] = V[k][j]) so that the inner loops of tred2 and
 * the QL rotations run over contiguous memory; for n = 2048 this is several times faster.
 */
export function eigh(a: ArrayLike<number>, n: number): Eigh {
  if (a.length !== n * n) throw new Error(`eigh: expected ${n * n} entries, got ${a.length}`);
  const w = Float64Array.from(a); // symmetric, so its transpose is itself
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n === 0) return { values: d, vectors: w };
  // V(k, j) === w[j * n + k]
  tred2(w, d, e, n);
  tql2(w, d, e, n);
  // Sort descending (selection sort on values, swapping eigenvector rows).
  for (let i = 0; i < n - 1; i++) {
    let k = i;
    let p = d[i];
    for (let j = i + 1; j < n; j++) if (d[j] > p) (k = j), (p = d[j]);
    if (k !== i) {
      d[k] = d[i];
      d[i] = p;
      const ri = i * n;
      const rk = k * n;
      for (let j = 0; j < n; j++) {
        const t = w[ri + j];
        w[ri + j] = w[rk + j];
        w[rk + j] = t;
      }
    }
  }
  return { values: d, vectors: w };
}

/**
 * Eigenvalues of a symmetric n x n matrix A (descending) and the projections U^T y of given vectors
 * on its unit eigenvectors, without forming U: Householder tridiagonalisation with the reflectors
 * applied to the vectors, then the same implicit QL as eigh() with its rotations applied to them.
 * About 4/3 n^3 instead of eigh's ~9 n^3: LogME needs only the spectrum and these projections.
 * Signs of the projections follow the eigenvectors' (arbitrary) signs; x^2 is what callers use.
 */
export function eighProjections(a: ArrayLike<number>, n: number, ys: Float64Array[]): { values: Float64Array; xs: Float64Array[] } {
  if (a.length !== n * n) throw new Error(`eighProjections: expected ${n * n} entries, got ${a.length}`);
  const w = Float64Array.from(a);
  const us = ys.map((y) => Float64Array.from(y));
  const v = new Float64Array(n);
  const q = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    // reflector P = I - beta v v^T on indices k+1..n-1 that zeroes A[k+2.., k]
    let norm2 = 0;
    for (let i = k + 1; i < n; i++) norm2 += w[i * n + k] ** 2;
    const x0 = w[(k + 1) * n + k];
    if (norm2 - x0 * x0 <= 0) continue; // already tridiagonal in this column
    const alpha = x0 > 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2);
    let vtv = 0;
    for (let i = k + 1; i < n; i++) {
      v[i] = w[i * n + k] - (i === k + 1 ? alpha : 0);
      vtv += v[i] * v[i];
    }
    const beta = 2 / vtv;
    // q = beta A v - (beta^2 / 2)(v^T A v) v, then A <- A - v q^T - q v^T on the trailing block
    let vAv = 0;
    for (let i = k + 1; i < n; i++) {
      let t = 0;
      const oi = i * n;
      for (let j = k + 1; j < n; j++) t += w[oi + j] * v[j];
      q[i] = beta * t;
      vAv += v[i] * q[i];
    }
    const kk = (beta / 2) * vAv;
    for (let i = k + 1; i < n; i++) q[i] -= kk * v[i];
    for (let i = k + 1; i < n; i++) {
      const oi = i * n;
      const vi = v[i], qi = q[i];
      for (let j = k + 1; j < n; j++) w[oi + j] -= vi * q[j] + qi * v[j];
    }
    w[(k + 1) * n + k] = alpha;
    w[k * n + k + 1] = alpha;
    for (let i = k + 2; i < n; i++) w[i * n + k] = w[k * n + i] = 0;
    for (const u of us) {
      let t = 0;
      for (let i = k + 1; i < n; i++) t += v[i] * u[i];
      t *= beta;
      for (let i = k + 1; i < n; i++) u[i] -= t * v[i];
    }
  }
  // tql's layout: d the diagonal, e[i] the sub-diagonal T[i][i-1] (e[0] unused)
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = w[i * n + i];
  for (let i = 1; i < n; i++) e[i] = w[i * n + i - 1];
  if (n > 0)
    tqlRotating(d, e, n, (i, c, s) => {
      for (const u of us) {
        const h = u[i + 1];
        u[i + 1] = s * u[i] + c * h;
        u[i] = c * u[i] - s * h;
      }
    });
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[y] - d[x]);
  return { values: Float64Array.from(order, (i) => d[i]), xs: us.map((u) => Float64Array.from(order, (i) => u[i])) };
}

function tred2(w: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) d[j] = w[j * n + n - 1];
  for (let i = n - 1; i > 0; i--) {
    // Scale to avoid under/overflow.
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = w[j * n + i - 1];
        w[j * n + i] = 0;
        w[i * n + j] = 0;
      }
    } else {
      // Generate Householder vector.
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      // Apply similarity transformation to remaining columns.
      for (let j = 0; j < i; j++) {
        const cj = j * n;
        f = d[j];
        w[i * n + j] = f; // V(j, i) = f
        g = e[j] + w[cj + j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += w[cj + k] * d[k];
          e[k] += w[cj + k] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        const cj = j * n;
        f = d[j];
        g = e[j];
        for (let k = j; k <= i - 1; k++) w[cj + k] -= f * e[k] + g * d[k];
        d[j] = w[cj + i - 1];
        w[cj + i] = 0; // V(i, j) = 0
      }
    }
    d[i] = h;
  }
  // Accumulate transformations.
  for (let i = 0; i < n - 1; i++) {
    const ci = i * n;
    const ci1 = (i + 1) * n;
    w[ci + n - 1] = w[ci + i]; // V(n-1, i) = V(i, i)
    w[ci + i] = 1;
    const h = d[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = w[ci1 + k] / h;
      for (let j = 0; j <= i; j++) {
        const cj = j * n;
        let g = 0;
        for (let k = 0; k <= i; k++) g += w[ci1 + k] * w[cj + k];
        for (let k = 0; k <= i; k++) w[cj + k] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) w[ci1 + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = w[j * n + n - 1];
    w[j * n + n - 1] = 0;
  }
  w[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

/** Rotation of eigenvector columns i and i+1 by (c, s), as the QL sweep applies it. */
type Rotate = (i: number, c: number, s: number) => void;

function tql2(w: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  // eigenvector rows i and i+1 of w (columns of V)
  tqlRotating(d, e, n, (i, c, s) => {
    const ri = i * n;
    const ri1 = (i + 1) * n;
    for (let k = 0; k < n; k++) {
      const hk = w[ri1 + k];
      w[ri1 + k] = s * w[ri + k] + c * hk;
      w[ri + k] = c * w[ri + k] - s * hk;
    }
  });
}

/** Implicit QL on the tridiagonal (d, e as tred2 leaves them), every rotation passed to `rotate`. */
function tqlRotating(d: Float64Array, e: Float64Array, n: number, rotate: Rotate): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    // Find small subdiagonal element.
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]) <= eps * tst1) break;
      m++;
    }
    // If m === l, d[l] is already an eigenvalue; otherwise iterate.
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 60) throw new Error('eigh: QL iteration did not converge');
        // Implicit shift.
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        // Implicit QL transformation.
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          rotate(i, c, s);
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}

/** F^T F (D x D), float64, accumulated row by row (one pass over F, cache friendly). */
export function gramCols(f: Features): Float64Array {
  const { data, n, d } = f;
  const g = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let a = 0; a < d; a++) row[a] = data[o + a];
    for (let a = 0; a < d; a++) {
      const ra = row[a];
      if (ra === 0) continue;
      const ga = a * d;
      for (let b = a; b < d; b++) g[ga + b] += ra * row[b];
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) g[a * d + b] = g[b * d + a];
  return g;
}

/** F F^T (N x N), for the N < D branch. */
export function gramRows(f: Features): Float64Array {
  const { data, n, d } = f;
  const x = Float64Array.from(data as ArrayLike<number>);
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      const oi = i * d;
      const oj = j * d;
      for (let k = 0; k < d; k++) s += x[oi + k] * x[oj + k];
      g[i * n + j] = s;
      g[j * n + i] = s;
    }
  }
  return g;
}

/** Column means (float64). */
export function colMeans(f: Features): Float64Array {
  const mu = new Float64Array(f.d);
  for (let i = 0; i < f.n; i++) for (let j = 0; j < f.d; j++) mu[j] += f.data[i * f.d + j];
  for (let j = 0; j < f.d; j++) mu[j] /= f.n;
  return mu;
}

/** A float64 copy of F with column means removed. */
export function centered(f: Features): Features {
  const mu = colMeans(f);
  const out = new Float64Array(f.n * f.d);
  for (let i = 0; i < f.n; i++) for (let j = 0; j < f.d; j++) out[i * f.d + j] = f.data[i * f.d + j] - mu[j];
  return { data: out, n: f.n, d: f.d };
}

/** Labels as 0..C-1 integers; returns C = max + 1 (labels must be non-negative integers). */
export function numClasses(labels: ArrayLike<number>): number {
  let c = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (!Number.isInteger(y) || y < 0) throw new Error(`label ${y} is not a non-negative integer`);
    c = Math.max(c, y + 1);
  }
  return c;
}

/**
 * PCA scores keeping the leading components that explain `varianceKept` of the variance (or
 * exactly `components` of them). Uses the D x D covariance or, when N < D, the N x N Gram matrix.
 * Component signs are fixed (largest |loading| positive) so results are deterministic.
 */
export function pca(f: Features, opts: { varianceKept?: number; components?: number }): Features {
  const x = centered(f);
  const { n, d } = x;
  const useGram = n < d;
  const { values, vectors } = useGram ? eigh(gramRows(x), n) : eigh(gramCols(x), d);
  const m = values.length;
  let total = 0;
  for (let j = 0; j < m; j++) total += Math.max(values[j], 0);
  let k: number;
  if (opts.components !== undefined) k = Math.min(opts.components, m);
  else {
    const target = (opts.varianceKept ?? 0.8) * total;
    let acc = 0;
    k = 0;
    while (k < m && (acc < target || k === 0)) acc += Math.max(values[k++], 0);
  }
  const out = new Float64Array(n * k);
  for (let c = 0; c < k; c++) {
    const v = vectors.subarray(c * m, (c + 1) * m);
    // Sign convention: for the Gram branch v lives in sample space, fix via the score vector.
    let s: number;
    if (useGram) {
      const sc = Math.sqrt(Math.max(values[c], 0));
      for (let i = 0; i < n; i++) out[i * k + c] = v[i] * sc;
    } else {
      for (let i = 0; i < n; i++) {
        let t = 0;
        for (let j = 0; j < d; j++) t += x.data[i * d + j] * v[j];
        out[i * k + c] = t;
      }
    }
    let big = 0;
    for (let i = 0; i < n; i++) if (Math.abs(out[i * k + c]) > Math.abs(big)) big = out[i * k + c];
    s = big < 0 ? -1 : 1;
    if (s < 0) for (let i = 0; i < n; i++) out[i * k + c] = -out[i * k + c];
  }
  return { data: out, n, d: k };
}
