// Successive halving (Jamieson & Talwalkar 2016; the fine-selection phase of Cui et al.'s
// recall-and-select): every surviving candidate gets the same extra budget each round (epochs or
// samples, growing by eta), is scored on validation data, and only the best 1/eta survive.
// Generic over the trainer so the same schedule drives the tfjs probe in the page and any Node probe.

export interface HalvingArm {
  id: string;
  /** Spend `budget` more units of training (continuing from the arm's current state). */
  train(budget: number): Promise<void> | void;
  /** Validation score, higher = better. */
  score(): Promise<number> | number;
}

export interface HalvingOptions {
  /** Budget given to every arm in round 0 (later rounds: minBudget * eta^round). */
  minBudget: number;
  eta?: number;
}

export interface HalvingResult {
  /** All arm ids, best first: the winner, then arms by the round they fell in (later = better), then score. */
  ranking: string[];
  rounds: { budget: number; scores: Record<string, number>; survivors: string[] }[];
  /** Total budget spent over all arms. */
  spent: number;
}

export async function successiveHalving(arms: HalvingArm[], opts: HalvingOptions): Promise<HalvingResult> {
  const eta = opts.eta ?? 2;
  if (!(eta > 1)) throw new Error('eta must be > 1');
  let alive = arms.slice();
  const fell: { id: string; round: number; score: number }[] = [];
  const rounds: HalvingResult['rounds'] = [];
  let spent = 0;
  for (let round = 0; alive.length > 0; round++) {
    const budget = Math.round(opts.minBudget * eta ** round);
    const scores: Record<string, number> = {};
    for (const arm of alive) {
      await arm.train(budget);
      spent += budget;
      scores[arm.id] = await arm.score();
    }
    // Sort by score; ties keep the input order so the outcome is deterministic.
    const order = alive.map((a, i) => ({ a, i })).sort((p, q) => scores[q.a.id] - scores[p.a.id] || p.i - q.i);
    const keep = alive.length === 1 ? 0 : Math.max(1, Math.ceil(alive.length / eta));
    const survivors = order.slice(0, keep).map((o) => o.a);
    order.slice(keep).forEach((o) => fell.push({ id: o.a.id, round, score: scores[o.a.id] }));
    rounds.push({ budget, scores, survivors: survivors.map((a) => a.id) });
    alive = survivors;
  }
  fell.sort((p, q) => q.round - p.round || q.score - p.score);
  return { ranking: fell.map((f) => f.id), rounds, spent };
}
