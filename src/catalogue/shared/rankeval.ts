// Per-target ranking figures and the priors a user would use instead of a ranker.
import { weightedTau, top1Regret, topKHit } from '../../metrics/ranking.ts';
import type { RankingTable } from './evidence.ts';

export interface TargetFigures { tau: number; regret: number; hit3: number; n: number }

/** Figures over the models with a finite GT; a missing score ranks the model last. */
export function figures(gt: number[], score: ArrayLike<number>): TargetFigures {
  const idx = gt.map((g, i) => (Number.isFinite(g) ? i : -1)).filter((i) => i >= 0);
  const g = idx.map((i) => gt[i]);
  const finite = idx.map((i) => score[i]).filter((s) => Number.isFinite(s));
  const floor = finite.length ? Math.min(...finite) - 1 : 0;
  const s = idx.map((i) => (Number.isFinite(score[i]) ? score[i] : floor));
  return { tau: weightedTau(g, s, { rank: null }), regret: top1Regret(g, s), hit3: topKHit(g, s, 3), n: idx.length };
}

export function mean(xs: number[]): number {
  const f = xs.filter((x) => Number.isFinite(x));
  return f.length ? f.reduce((a, b) => a + b, 0) / f.length : NaN;
}

/** z-score of each target's row over its finite values (population std, as numpy's default). */
export function zRows(acc: number[][]): number[][] {
  return acc.map((row) => {
    const f = row.filter((x) => Number.isFinite(x));
    const mu = mean(f);
    const sd = Math.sqrt(mean(f.map((x) => (x - mu) ** 2))) || 1;
    return row.map((x) => (Number.isFinite(x) ? (x - mu) / sd : NaN));
  });
}

/** Prior: each model's mean z-scored result on the table's other targets. */
export function meanOtherTargets(t: RankingTable, target: number): number[] {
  const z = zRows(t.acc);
  return t.models.map((_, m) => mean(z.filter((_, j) => j !== target).map((row) => row[m])));
}

/** Prior "architecture alone": the mean z on the other targets of all models sharing the family. */
export function familyMeanOtherTargets(t: RankingTable, target: number, family: (model: string) => string): number[] {
  const z = zRows(t.acc);
  const byFam = new Map<string, number[]>();
  t.models.forEach((m, i) => {
    const f = family(m);
    if (!byFam.has(f)) byFam.set(f, []);
    for (let j = 0; j < z.length; j++) if (j !== target && Number.isFinite(z[j][i])) byFam.get(f)!.push(z[j][i]);
  });
  return t.models.map((m) => mean(byFam.get(family(m)) ?? []));
}

export interface MethodResult { method: string; kind: 'ranker' | 'prior' | 'heuristic' | 'published'; perTarget: Record<string, TargetFigures | null>; note?: string }

export function summarise(r: MethodResult): { tau: number; regret: number; hit3: number; targets: number } {
  const v = Object.values(r.perTarget).filter((x): x is TargetFigures => !!x && Number.isFinite(x.tau));
  return { tau: mean(v.map((x) => x.tau)), regret: mean(v.map((x) => x.regret)), hit3: mean(v.map((x) => x.hit3)), targets: v.length };
}
