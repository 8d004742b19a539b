// Seeded stratified splits: the same seed gives the same split in Node and in the page, so probe
// accuracies are comparable across models (every model is probed on the same images).
import { mulberry32 } from '../../transfer/shared/random.ts';

function shuffle<T>(a: T[], rand: () => number): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

function byClass(labels: ArrayLike<number>): number[][] {
  const groups: number[][] = [];
  for (let i = 0; i < labels.length; i++) (groups[labels[i]] ??= []).push(i);
  return groups.filter((g) => g !== undefined);
}

/**
 * Fixed stratified train/test split: each class contributes round(testFraction * n_c) test items,
 * at least one when it has two or more items (so every class is both trained and tested).
 */
export function stratifiedSplit(
  labels: ArrayLike<number>,
  testFraction = 0.25,
  seed = 0,
): { train: Int32Array; test: Int32Array } {
  const rand = mulberry32(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (const g of byClass(labels)) {
    const idx = shuffle(g.slice(), rand);
    let k = Math.round(testFraction * idx.length);
    if (idx.length >= 2) k = Math.min(Math.max(k, 1), idx.length - 1);
    else k = 0;
    test.push(...idx.slice(0, k));
    train.push(...idx.slice(k));
  }
  const sort = (a: number[]) => Int32Array.from(a).sort();
  return { train: sort(train), test: sort(test) };
}

/** Stratified k folds: fold f holds every k-th item of each shuffled class (offset by class). */
export function stratifiedKFold(labels: ArrayLike<number>, k: number, seed = 0): Int32Array[] {
  const rand = mulberry32(seed);
  const folds: number[][] = Array.from({ length: k }, () => []);
  let offset = 0;
  for (const g of byClass(labels)) {
    const idx = shuffle(g.slice(), rand);
    // Rotate the starting fold so small classes do not all land in fold 0.
    idx.forEach((item, j) => folds[(j + offset) % k].push(item));
    offset += idx.length;
  }
  return folds.map((f) => Int32Array.from(f).sort());
}

/** Rows of an N x D matrix (row-major) picked by index, as Float64. */
export function takeRows(data: ArrayLike<number>, d: number, idx: ArrayLike<number>): Float64Array {
  const out = new Float64Array(idx.length * d);
  for (let r = 0; r < idx.length; r++) for (let j = 0; j < d; j++) out[r * d + j] = data[idx[r] * d + j];
  return out;
}

export function take(a: ArrayLike<number>, idx: ArrayLike<number>): Int32Array {
  return Int32Array.from({ length: idx.length }, (_, i) => a[idx[i]]);
}
