// The fit the results table orders by. A model with measured ground truth (the zoo, the npm models,
// the real backbones) gets the standing ridge's prediction for the user's data: its mean standing
// over the measured tasks plus the residual that tasks like the user's add (src/rank/shared/
// standing-ridge.ts). bench:rank's real-models block measured it at weighted tau 0.773 on blind
// datasets against 0.652 for the previous fit (the cross-attention ranker's standing averaged with
// the nearest tasks' standing) and 0.757 for the best prior. A model never measured (the user's
// own) keeps the cross-attention ranker's standing among the candidates. Pure.
import type { MeasuredTask } from './neighbour.ts';
import { standing, standings } from './neighbour.ts';
import type { MeasuredRow, StandingRidge } from '../../rank/shared/standing-ridge.ts';
import { fitStandingRidge, predictStandingRidge } from '../../rank/shared/standing-ridge.ts';

/** Every model measured on any of the tasks, and per task its features (mean direction) and standings. */
export function measuredRows(tasks: readonly MeasuredTask[]): { models: string[]; rows: MeasuredRow[] } {
  const models = [...new Set(tasks.flatMap((t) => [...t.accuracy.keys()]))].sort();
  const rows = tasks.map((t) => ({ id: t.id, dataset: t.dataset, x: t.direction, standing: Float64Array.from(models, (m) => standing(t.accuracy, m) ?? NaN) }));
  return { models, rows };
}

export function pageStandingRidge(tasks: readonly MeasuredTask[], lambda: number): StandingRidge {
  const { models, rows } = measuredRows(tasks);
  return fitStandingRidge(models, rows, lambda);
}

/**
 * Fit per candidate: the standing ridge's prediction (clamped to 0..1) for a measured model, the
 * cross-attention ranker's standing among the candidates otherwise.
 */
export function fitScores(ids: readonly string[], rankerRaw: ArrayLike<number>, ridge: StandingRidge, direction: ArrayLike<number>): { fit: Float64Array; predicted: Float64Array } {
  const p = predictStandingRidge(ridge, direction);
  const at = new Map(ridge.models.map((m, j) => [m, j]));
  const st = standings(rankerRaw);
  const predicted = Float64Array.from(ids, (id) => (at.has(id) ? p[at.get(id)!] : NaN));
  const fit = Float64Array.from(ids, (_, i) => (Number.isFinite(predicted[i]) ? Math.min(1, Math.max(0, predicted[i])) : st[i]));
  return { fit, predicted };
}
