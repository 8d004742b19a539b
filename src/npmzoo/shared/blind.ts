// Figures for ranking the real npm models together with the zoo trained here on the same task:
// does a ranker put a real model above a zoo model when it is better, and first when it is best?
// Pure: bench:rank (src/npmzoo/node/bench-real.ts) and the tests use it.

/** Over every (real, zoo) pair whose GT accuracies differ: how many the scores order the same way (a score tie counts half). */
export function realVsZooPairs(gt: Map<string, number>, score: Map<string, number>, isReal: (id: string) => boolean): { agree: number; pairs: number } {
  const ids = [...gt.keys()].filter((m) => score.has(m) && Number.isFinite(score.get(m)!));
  const real = ids.filter(isReal), zoo = ids.filter((m) => !isReal(m));
  let agree = 0, pairs = 0;
  for (const r of real) for (const z of zoo) {
    const dg = gt.get(r)! - gt.get(z)!;
    if (dg === 0) continue;
    const ds = score.get(r)! - score.get(z)!;
    pairs++;
    agree += ds === 0 ? 0.5 : Math.sign(ds) === Math.sign(dg) ? 1 : 0;
  }
  return { agree, pairs };
}

/** Is a real model strictly the best on this task (GT), and is the score's first choice a real model? */
export function firstChoice(gt: Map<string, number>, score: Map<string, number>, isReal: (id: string) => boolean): { realBest: boolean; realFirst: boolean; firstIsBest: boolean } {
  const ids = [...gt.keys()].filter((m) => score.has(m) && Number.isFinite(score.get(m)!));
  const best = (pred: (m: string) => boolean) => Math.max(...ids.filter(pred).map((m) => gt.get(m)!));
  const realBest = best(isReal) > best((m) => !isReal(m));
  const first = ids.reduce((a, m) => (score.get(m)! > score.get(a)! ? m : a), ids[0]);
  return { realBest, realFirst: isReal(first), firstIsBest: gt.get(first)! === Math.max(...ids.map((m) => gt.get(m)!)) };
}
