// Which of the user's images the fine stage uses, and with which labels: a seeded per-class sample
// when there are more than maxImages, and only classes with at least 2 decoded images in the
// probe and the label-based scores (a stratified split needs one image to train and one to test).
import { seededSample } from '../../ingest/shared/plan.ts';

export const MIN_PER_CLASS = 2;

/**
 * Indices of the images to run: all of them, or at most maxImages kept in proportion to each
 * class (largest remainders; every class keeps at least min(2, its size)), seeded, in input order.
 */
export function sampleImages(labels: readonly number[], maxImages: number | undefined, seed: number): number[] {
  const n = labels.length;
  if (maxImages === undefined || maxImages >= n) return labels.map((_, i) => i);
  const byClass = new Map<number, number[]>();
  labels.forEach((y, i) => (byClass.get(y) ?? byClass.set(y, []).get(y)!).push(i));
  const groups = [...byClass.entries()].sort((a, b) => a[0] - b[0]);
  const quota = groups.map(([, g]) => Math.min(g.length, MIN_PER_CLASS));
  let left = Math.max(0, maxImages - quota.reduce((s, q) => s + q, 0));
  const want = groups.map(([, g], c) => (g.length - quota[c]) * (left / Math.max(1, n - quota.reduce((s, q) => s + q, 0))));
  const base = want.map((w) => Math.floor(w));
  left -= base.reduce((s, b) => s + b, 0);
  const order = want.map((w, c) => ({ c, r: w - base[c] })).sort((a, b) => b.r - a.r || a.c - b.c);
  for (const { c } of order) {
    if (left <= 0) break;
    if (quota[c] + base[c] < groups[c][1].length) { base[c]++; left--; }
  }
  const out: number[] = [];
  groups.forEach(([y, g], c) => out.push(...seededSample(g, quota[c] + base[c], seed + 7919 * (y + 1))));
  return out.sort((a, b) => a - b);
}

export interface ProbeLabels {
  /** positions (into the list given) of the images whose class is usable */
  rows: number[];
  /** contiguous labels 0..C-1 for those rows */
  labels: Int32Array;
  /** original class index of each new label */
  classes: number[];
  /** classes left out, with their image counts */
  dropped: { cls: number; count: number }[];
}

/** Classes with at least MIN_PER_CLASS images, relabelled contiguously in their original order. */
export function probeLabels(labels: readonly number[]): ProbeLabels {
  const counts = new Map<number, number>();
  for (const y of labels) counts.set(y, (counts.get(y) ?? 0) + 1);
  const sorted = [...counts.keys()].sort((a, b) => a - b);
  const classes = sorted.filter((c) => counts.get(c)! >= MIN_PER_CLASS);
  const dropped = sorted.filter((c) => counts.get(c)! < MIN_PER_CLASS).map((cls) => ({ cls, count: counts.get(cls)! }));
  const remap = new Map(classes.map((c, i) => [c, i]));
  const rows: number[] = [];
  const out: number[] = [];
  labels.forEach((y, i) => {
    const m = remap.get(y);
    if (m !== undefined) { rows.push(i); out.push(m); }
  });
  return { rows, labels: Int32Array.from(out), classes, dropped };
}

/** Rows of a row-major [n, d] matrix, as float32. */
export function pickRows(x: Float32Array, d: number, rows: readonly number[]): Float32Array {
  const out = new Float32Array(rows.length * d);
  rows.forEach((r, i) => out.set(x.subarray(r * d, (r + 1) * d), i * d));
  return out;
}
