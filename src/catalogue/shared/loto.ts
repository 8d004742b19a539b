// Leave-one-target-out evaluation of a PublicRanker on the published tables: for each canonical
// target, the ranker is trained on every pool table's pairs whose target differs (no table's result on
// that target is ever seen), then ranks each table's models on it.
import type { RankingTable } from './evidence.ts';
import { figures, zRows, type TargetFigures } from './rankeval.ts';
import type { PublicRanker, RankerContext, TrainPair } from './ranker.ts';

export function pairsOf(tables: RankingTable[]): TrainPair[] {
  const out: TrainPair[] = [];
  for (const t of tables) {
    const z = zRows(t.acc);
    t.targets.forEach((target, j) => t.models.forEach((m, i) => {
      if (Number.isFinite(z[j][i])) out.push({ model: m, target, group: `${t.id}|${target}`, z: z[j][i] });
    }));
  }
  return out;
}

export interface LotoResult {
  /** table id -> target -> figures */
  perTable: Map<string, Record<string, TargetFigures>>;
  /** table id -> target -> scores aligned with the table's models */
  scores: Map<string, Record<string, Float64Array>>;
  lambdas: Record<string, number>;
}

export function leaveOneTargetOut(pool: RankingTable[], evaluate: RankingTable[], make: () => PublicRanker, ctx: RankerContext): LotoResult {
  const pairs = pairsOf(pool);
  const perTable = new Map<string, Record<string, TargetFigures>>();
  const scores = new Map<string, Record<string, Float64Array>>();
  const lambdas: Record<string, number> = {};
  const targets = [...new Set(evaluate.flatMap((t) => t.targets))];
  for (const target of targets) {
    const r = make();
    r.fit(pairs.filter((p) => p.target !== target), ctx);
    lambdas[target] = (r as unknown as { lambda?: number }).lambda ?? NaN;
    for (const t of evaluate) {
      const j = t.targets.indexOf(target);
      if (j < 0) continue;
      const s = r.score(t.models, target, ctx, t.id);
      if (!perTable.has(t.id)) { perTable.set(t.id, {}); scores.set(t.id, {}); }
      perTable.get(t.id)![target] = figures(t.acc[j], s);
      scores.get(t.id)![target] = s;
    }
  }
  return { perTable, scores, lambdas };
}
