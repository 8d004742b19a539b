// Order statistics for noisy timings: medians and quantiles, never means.
import type { TimingStats } from './types.ts';

/** Linear-interpolation quantile (numpy's default), q in [0, 1]. */
export function quantile(xs: ArrayLike<number>, q: number): number {
  const a = Array.from(xs).sort((x, y) => x - y);
  if (a.length === 0) return NaN;
  const pos = (a.length - 1) * q;
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return a[lo] + (a[hi] - a[lo]) * (pos - lo);
}

export const median = (xs: ArrayLike<number>) => quantile(xs, 0.5);

export function timingStats(xs: ArrayLike<number>): TimingStats {
  const a = Array.from(xs);
  return {
    n: a.length,
    p50: quantile(a, 0.5),
    p90: quantile(a, 0.9),
    min: a.length ? Math.min(...a) : NaN,
    max: a.length ? Math.max(...a) : NaN,
    iqr: quantile(a, 0.75) - quantile(a, 0.25),
  };
}
