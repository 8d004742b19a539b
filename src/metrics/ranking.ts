// Ranking metrics used to judge a model ranking against ground truth (higher = better everywhere).
// weightedTau follows scipy.stats.weightedtau exactly (scipy/stats/_stats.pyx, _weightedrankedtau),
// ties included, because published figures (Model Spider, SFDA, LogME) were computed with it.

export type Weigher = (rank: number) => number;

/** scipy's default weigher: hyperbolic, w(r) = 1 / (1 + r) for rank r = 0, 1, ... */
export const hyperbolic: Weigher = (r) => 1 / (1 + r);

export interface WeightedTauOptions {
  /**
   * true (scipy's default): average of the rank=null tau of (x, y) and of (y, x).
   * null: rank elements by decreasing lexicographic order of (x, y) (the "importance" is
   *   driven by x first; this is what Model Spider calls with weightedtau(gt, score, rank=None)).
   * false: rank = element index.  number[]: explicit rank per element (0 = most important).
   */
  rank?: boolean | null | ArrayLike<number>;
  weigher?: Weigher;
  /** Pair weight is w_i + w_j when additive (scipy default), w_i * w_j otherwise. */
  additive?: boolean;
}

function checkInputs(x: ArrayLike<number>, y: ArrayLike<number>): void {
  if (x.length !== y.length) throw new Error(`length mismatch: ${x.length} vs ${y.length}`);
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(x[i]) || Number.isNaN(y[i])) throw new Error('NaN in ranking input');
  }
}

/** Stable ascending sort of indices by (x, then y): numpy.lexsort((y, x)). */
function lexsortXY(x: ArrayLike<number>, y: ArrayLike<number>): number[] {
  const idx = Array.from({ length: x.length }, (_, i) => i);
  idx.sort((a, b) => x[a] - x[b] || y[a] - y[b]); // Array.sort is stable (ES2019)
  return idx;
}

/** Port of scipy's _weightedrankedtau (same loops, same summation order). */
function weightedRankedTau(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  rankIn: ArrayLike<number> | null,
  weigher: Weigher,
  additive: boolean,
): number {
  const n = x.length;
  const perm = lexsortXY(x, y);
  const temp = new Array<number>(n);
  let rank: ArrayLike<number>;
  if (rankIn === null) {
    // Decreasing lexicographic rank: the largest (x, y) gets rank 0.
    const r = new Array<number>(n);
    for (let j = 0; j < n; j++) r[perm[n - 1 - j]] = j;
    rank = r;
  } else {
    rank = rankIn;
  }
  const wOf = (i: number) => weigher(rank[i]);
  const tiesTerm = (s: number, sq: number, size: number) => (additive ? s * (size - 1) : (s * s - sq) / 2);

  // Weigh ties: groups of consecutive equal keys along perm.
  const tieWeight = (same: (a: number, b: number) => boolean): { w: number; constant: boolean } => {
    let first = 0;
    let acc = 0;
    let w = wOf(perm[0]);
    let s = w;
    let sq = w * w;
    for (let i = 1; i < n; i++) {
      if (!same(perm[first], perm[i])) {
        acc += tiesTerm(s, sq, i - first);
        first = i;
        s = sq = 0;
      }
      w = wOf(perm[i]);
      s += w;
      sq += w * w;
    }
    acc += tiesTerm(s, sq, n - first);
    return { w: acc, constant: first === 0 };
  };

  const t = tieWeight((a, b) => x[a] === x[b] && y[a] === y[b]).w; // joint ties
  const ux = tieWeight((a, b) => x[a] === x[b]);
  if (ux.constant) return NaN; // x constant
  const u = ux.w;

  // Merge sort of perm by y, accumulating the weight of exchanges (discordant pairs).
  let exchanges = 0;
  const weigh = (offset: number, length: number): number => {
    if (length === 1) return wOf(perm[offset]);
    const length0 = length >> 1;
    const length1 = length - length0;
    const middle = offset + length0;
    let residual = weigh(offset, length0);
    const weight = weigh(middle, length1) + residual;
    if (y[perm[middle - 1]] < y[perm[middle]]) return weight;
    let i = 0;
    let j = 0;
    let k = 0;
    while (j < length0 && k < length1) {
      if (y[perm[offset + j]] <= y[perm[middle + k]]) {
        temp[i] = perm[offset + j];
        residual -= wOf(temp[i]);
        j++;
      } else {
        temp[i] = perm[middle + k];
        exchanges += additive ? wOf(temp[i]) * (length0 - j) + residual : wOf(temp[i]) * residual;
        k++;
      }
      i++;
    }
    // Remaining left elements go after the merged prefix; the right tail is already in place.
    for (let q = length0 - 1; q >= j; q--) perm[offset + i + q - j] = perm[offset + q];
    for (let q = 0; q < i; q++) perm[offset + q] = temp[q];
    return weight;
  };
  weigh(0, n);

  const vy = tieWeight((a, b) => y[a] === y[b]);
  if (vy.constant) return NaN; // y constant
  const v = vy.w;

  let s = 0;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const w = wOf(perm[i]);
    s += w;
    sq += w * w;
  }
  const tot = additive ? s * (n - 1) : (s * s - sq) / 2;
  const tau = (tot - (v + u - t) - 2 * exchanges) / Math.sqrt(tot - u) / Math.sqrt(tot - v);
  return Math.min(1, Math.max(-1, tau));
}

/** Weighted Kendall tau, scipy.stats.weightedtau semantics (hyperbolic additive weigher by default). */
export function weightedTau(x: ArrayLike<number>, y: ArrayLike<number>, opts: WeightedTauOptions = {}): number {
  checkInputs(x, y);
  if (x.length === 0) return NaN;
  const weigher = opts.weigher ?? hyperbolic;
  const additive = opts.additive ?? true;
  const rank = opts.rank === undefined ? true : opts.rank;
  if (rank === true) {
    return (weightedRankedTau(x, y, null, weigher, additive) + weightedRankedTau(y, x, null, weigher, additive)) / 2;
  }
  if (rank === false) {
    return weightedRankedTau(x, y, Array.from({ length: x.length }, (_, i) => i), weigher, additive);
  }
  if (rank !== null && rank.length !== x.length) throw new Error('rank length mismatch');
  return weightedRankedTau(x, y, rank, weigher, additive);
}

/** Kendall tau-b (scipy.stats.kendalltau default): (P - Q) / sqrt((P + Q + Tx)(P + Q + Ty)). */
export function kendallTauB(x: ArrayLike<number>, y: ArrayLike<number>): number {
  checkInputs(x, y);
  const n = x.length;
  let p = 0;
  let q = 0;
  let tx = 0; // pairs tied in x only
  let ty = 0; // pairs tied in y only
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = Math.sign(x[i] - x[j]);
      const dy = Math.sign(y[i] - y[j]);
      if (dx === 0 && dy === 0) continue;
      if (dx === 0) tx++;
      else if (dy === 0) ty++;
      else if (dx === dy) p++;
      else q++;
    }
  }
  const den = Math.sqrt((p + q + tx) * (p + q + ty));
  return den === 0 ? NaN : (p - q) / den;
}

/** Ranks 1..n with ties given their average rank (scipy.stats.rankdata 'average'). */
export function averageRanks(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a] - x[b]);
  const r = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && x[idx[j + 1]] === x[idx[i]]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[idx[k]] = avg;
    i = j + 1;
  }
  return r;
}

function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i] - ma;
    const db = b[i] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa === 0 || sbb === 0 ? NaN : sab / Math.sqrt(saa * sbb);
}

/** Spearman rho: Pearson correlation of average ranks (scipy.stats.spearmanr). */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  checkInputs(x, y);
  return pearson(averageRanks(x), averageRanks(y));
}

/**
 * Top-1 regret: GT of the best model minus GT of the model ranked first by `score`.
 * Ties for first place in `score` are resolved pessimistically (the worst GT among them),
 * so a ranker cannot gain from emitting constant scores.
 */
export function top1Regret(gt: ArrayLike<number>, score: ArrayLike<number>): number {
  checkInputs(gt, score);
  let best = -Infinity;
  let top = -Infinity;
  for (let i = 0; i < gt.length; i++) {
    best = Math.max(best, gt[i]);
    top = Math.max(top, score[i]);
  }
  let picked = Infinity;
  for (let i = 0; i < gt.length; i++) if (score[i] === top) picked = Math.min(picked, gt[i]);
  return best - picked;
}

/**
 * Top-k hit: 1 if a model with the best GT is among the k highest-scored models, else 0.
 * Score ties at the cut are resolved pessimistically (GT-best models go last among equals);
 * average over tasks for a hit rate.
 */
export function topKHit(gt: ArrayLike<number>, score: ArrayLike<number>, k: number): number {
  checkInputs(gt, score);
  let best = -Infinity;
  for (let i = 0; i < gt.length; i++) best = Math.max(best, gt[i]);
  const order = Array.from({ length: gt.length }, (_, i) => i).sort(
    (a, b) => score[b] - score[a] || Number(gt[a] === best) - Number(gt[b] === best) || a - b,
  );
  for (let i = 0; i < Math.min(k, order.length); i++) if (gt[order[i]] === best) return 1;
  return 0;
}
