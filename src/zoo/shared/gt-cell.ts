// One GT cell under the v2 protocol: repeated stratified k-fold accuracy of a model's frozen features
// on a task (src/probe/shared/cv.ts), and the forward-pass scores computed on the same training folds
// (the folds of the first repeat), averaged — so every baseline is judged on the same footing.
import { GT_CV, cvProbe, type CvProtocol } from '../../probe/shared/cv.ts';
import { take, takeRows } from '../../probe/shared/split.ts';
import { computeScores, type ScoreName } from '../../transfer/shared/scores.ts';
import type { GtCellV2 } from './gt-format.ts';

export interface CellInput {
  features: ArrayLike<number>;
  labels: Int32Array;
  n: number;
  d: number;
  /** the model's own source logits on the same images (LEEP, NCE), row-major n x logitDim */
  sourceLogits?: ArrayLike<number>;
  logitDim?: number;
}

export function measureCell(task: string, model: string, x: CellInput, scores: readonly ScoreName[], protocol: CvProtocol = GT_CV): GtCellV2 {
  const sums: Record<string, number[]> = {};
  const r = cvProbe(x.features, x.labels, x.n, x.d, protocol, {
    onTrainFold: scores.length
      ? (train) => {
          const sc = computeScores(
            {
              features: takeRows(x.features, x.d, train),
              n: train.length,
              d: x.d,
              labels: take(x.labels, train),
              ...(x.sourceLogits && x.logitDim ? { sourceLogits: takeRows(x.sourceLogits, x.logitDim, train) } : {}),
              seed: 0,
            },
            [...scores],
          );
          for (const [name, v] of Object.entries(sc)) if (v && Number.isFinite(v.value)) (sums[name] ??= []).push(v.value);
        }
      : undefined,
  });
  const cell: GtCellV2 = { task, model, accuracy: r.accuracy, repeats: r.repeatAccuracy, folds: r.folds, n: r.n, classes: r.classes };
  if (scores.length) cell.scores = Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v.reduce((a, b) => a + b, 0) / v.length]));
  return cell;
}
