// "Measured on tasks like yours": a model with measured ground truth (the zoo trained here, the npm
// models) is scored for a new dataset by how it ranked on the k measured tasks nearest to it
// (cosine of mean class directions in the ranker's PCA space, as the model card's nearest tasks),
// each weighted by its similarity. A model's standing on a task is the share of that task's other
// candidates it beats (ties half), so tasks with different accuracy levels and candidate sets mix.
// Pure; the real-models bench (leave-one-dataset-out) and the results page use it.
import { meanDirection, shareBeaten } from './explain.ts';
import { weightedTau } from '../../metrics/ranking.ts';

export interface MeasuredTask {
  id: string;
  dataset: string;
  /** unit mean class direction (meanDirection of the task's centres) */
  direction: Float64Array;
  /** measured accuracy per model id */
  accuracy: ReadonlyMap<string, number>;
}

/** Share of the other models on the task that `id` beats (ties count half); null when not measured there. */
export function standing(acc: ReadonlyMap<string, number>, id: string): number | null {
  if (!acc.has(id)) return null;
  return shareBeaten([...acc.values()], [...acc.keys()].indexOf(id));
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j] * b[j];
  return s;
}

export interface NeighbourOptions {
  /** how many nearest measured tasks a model's score averages (among the tasks it was measured on) */
  k?: number;
  /** leave these datasets' tasks out (the bench: the dataset being scored) */
  excludeDatasets?: ReadonlySet<string>;
}

/**
 * Score per model id (NaN when the model was measured on none of the allowed tasks): the similarity-
 * weighted mean standing on its k nearest measured tasks. Similarities are clipped at 0 (an opposite
 * direction says nothing); with all weights 0 the plain mean is used.
 */
export function neighbourScores(direction: ArrayLike<number>, tasks: readonly MeasuredTask[], ids: readonly string[], o: NeighbourOptions = {}): Float64Array {
  const k = o.k ?? 5;
  const near = tasks
    .filter((t) => !o.excludeDatasets?.has(t.dataset))
    .map((t, i) => ({ t, s: cosine(direction, t.direction), i }))
    .sort((a, b) => b.s - a.s || a.i - b.i);
  return Float64Array.from(ids, (id) => {
    let sw = 0, s = 0, plain = 0, n = 0;
    for (const { t, s: sim } of near) {
      const v = standing(t.accuracy, id);
      if (v === null) continue;
      const w = Math.max(0, sim);
      sw += w;
      s += w * v;
      plain += v;
      if (++n === k) break;
    }
    return n === 0 ? NaN : sw > 0 ? s / sw : plain / n;
  });
}

/** MeasuredTask from a ranker input's class centres (n x p). */
export function measuredTask(id: string, dataset: string, centres: ArrayLike<number>, n: number, p: number, accuracy: ReadonlyMap<string, number>): MeasuredTask {
  return { id, dataset, direction: meanDirection(centres, n, p), accuracy };
}

/** Each score as the share of the other candidates it beats (ties half): rankers' raw scales made comparable. */
export function standings(scores: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: scores.length }, (_, i) => shareBeaten(scores, i) ?? 0.5);
}

/** The ranker's standing averaged with the measured-neighbour score where a model has one (else the ranker's alone). */
export function blendWithMeasured(ranker: ArrayLike<number>, measured: ArrayLike<number>): Float64Array {
  const st = standings(ranker);
  return Float64Array.from(st, (v, i) => (Number.isFinite(measured[i]) ? (v + measured[i]) / 2 : v));
}

/** k values tried by chooseNeighbourK (1000 = every measured task, similarity-weighted; JSON-safe) */
export const NEIGHBOUR_KS = [3, 5, 10, 20, 1000] as const;

/**
 * Choose k by leave-one-dataset-out over measured tasks: each task is scored from the other
 * datasets' tasks and compared with its own measurements (weighted tau, rank=None, over the models
 * measured there). Returns every k's mean tau and the best (the smaller k on a tie).
 */
export function chooseNeighbourK(tasks: readonly MeasuredTask[], ks: readonly number[] = NEIGHBOUR_KS): { k: number; tried: { k: number; tau: number; tasks: number }[] } {
  const tried = ks.map((k) => {
    let s = 0, n = 0;
    for (const t of tasks) {
      const ids = [...t.accuracy.keys()];
      if (ids.length < 3) continue;
      const v = neighbourScores(t.direction, tasks, ids, { k, excludeDatasets: new Set([t.dataset]) });
      const keep = ids.map((_, i) => i).filter((i) => Number.isFinite(v[i]));
      if (keep.length < 3) continue;
      const w = weightedTau(keep.map((i) => t.accuracy.get(ids[i])!), keep.map((i) => v[i]), { rank: null });
      if (Number.isFinite(w)) { s += w; n++; }
    }
    return { k, tau: n ? s / n : NaN, tasks: n };
  });
  const best = tried.reduce((a, b) => (b.tau > a.tau ? b : a), tried[0]);
  return { k: best.k, tried };
}
