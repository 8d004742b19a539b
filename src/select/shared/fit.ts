// The fit the results table orders by. A model with measured ground truth (the zoo, the npm models,
// the real backbones) gets the standing ridge's prediction for the user's data: its mean standing
// over the measured tasks plus the residual that tasks like the user's add (src/rank/shared/
// standing-ridge.ts). bench:rank's real-models block measured it at weighted tau 0.773 on blind
// datasets against 0.652 for the previous fit (the cross-attention ranker's standing averaged with
// the nearest tasks' standing) and 0.757 for the best prior. A model never measured (the user's
// own) gets the metadata ridge's standing (src/rank/shared/meta-standing.ts), else the
// cross-attention ranker's standing among the candidates. Pure.
import type { MeasuredTask } from './neighbour.ts';
import { standing, standings } from './neighbour.ts';
import type { MeasuredRow, StandingRidge } from '../../rank/shared/standing-ridge.ts';
import { fitStandingRidge, predictStandingRidge } from '../../rank/shared/standing-ridge.ts';
import { fitMetaStanding, metaStandingFeatures, predictMetaStanding, type MetaStanding } from '../../rank/shared/meta-standing.ts';

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

/** The real models measured here (npm packages, ImageNet backbones): what the metadata ridge learns from. */
export const isRealMeasured = (id: string) => /^(npm|real):/.test(id);

/**
 * Fit per candidate: the standing ridge's prediction (clamped to 0..1) for a measured model. A model
 * nobody measured (a dropped ONNX file) with metadata (`queries`: its ranker query, metaVector first)
 * gets the metadata ridge's standing, fitted on the real measured models' predicted standings for this
 * data (bench:rank's real block, double blind: 0.642 against 0.340 for the cross-attention ranker and
 * 0.419 for LogME on every candidate); without metadata, the cross-attention ranker's standing among
 * the candidates. The zoo trained here stays out of the metadata fit: its 32x32 models are a research
 * instrument whose metadata sit far from any real model's.
 */
export function fitScores(ids: readonly string[], rankerRaw: ArrayLike<number>, ridge: StandingRidge, direction: ArrayLike<number>, queries?: readonly (ArrayLike<number> | null)[]): { fit: Float64Array; predicted: Float64Array; byMetadata: Uint8Array } {
  const p = predictStandingRidge(ridge, direction);
  const at = new Map(ridge.models.map((m, j) => [m, j]));
  const st = standings(rankerRaw);
  const predicted = Float64Array.from(ids, (id) => (at.has(id) ? p[at.get(id)!] : NaN));
  const byMetadata = new Uint8Array(ids.length);
  let meta: MetaStanding | null = null;
  const train = queries ? ids.map((id, i) => i).filter((i) => queries[i] && isRealMeasured(ids[i]) && Number.isFinite(predicted[i])) : [];
  if (queries && train.length >= 3 && ids.some((_, i) => !Number.isFinite(predicted[i]) && queries[i])) {
    meta = fitMetaStanding(train.map((i) => metaStandingFeatures(queries[i]!)), train.map((i) => predicted[i]));
  }
  const fit = Float64Array.from(ids, (_, i) => {
    if (Number.isFinite(predicted[i])) return Math.min(1, Math.max(0, predicted[i]));
    if (meta && queries![i]) { byMetadata[i] = 1; return Math.min(1, Math.max(0, predictMetaStanding(meta, metaStandingFeatures(queries![i]!)))); }
    return st[i];
  });
  return { fit, predicted, byMetadata };
}
