// bench:rank's real-models block (issue 10, part 4): the committed ranker - trained on the zoo only -
// scores the real pre-trained npm models on the data/npm-gt tasks (the hardest blind-model test:
// other architectures, other sizes, other sources, no source token), next to LogME, the size
// prior and random; then the same tasks with the real models and the zoo as one candidate set.
// Model tokens: src/npmzoo/shared/npm-tokens.gen.ts (metadata + ArchToVec of the tfjs weights).
import { rerankTopK } from '../../metrics/aggregate.ts';
import { mulberry32 } from '../../shared/random.ts';
import type { Scorer } from '../../rank/model/scorer.ts';
import type { DatasetInput, PreparedModel } from '../../rank/shared/features.ts';
import type { DatasetTokens } from '../../tokens/shared/format.ts';
import type { ZooCatalogue } from '../../zoo/shared/catalogue.ts';
import { evaluate, type QuadrantResult, type Split } from '../../rank/node/assemble.ts';
import { ceilingOf, emptyGt, loadGt, type GtTable } from '../../rank/node/data.ts';
import { firstChoice, realVsZooPairs } from '../shared/blind.ts';
import { isReal, realModelsBenchLine } from '../shared/report.ts';
import { NPM_MODEL_TOKENS } from '../shared/npm-tokens.gen.ts';
import { npmPrepareInputs, staleTokens } from '../shared/tokens.ts';
import { loadInventory } from './inventory-file.ts';
import { blendWithMeasured, measuredTask, neighbourScores, type MeasuredTask } from '../../select/shared/neighbour.ts';

export const NPM_GT_DIR = 'data/npm-gt';

type Method = [string, (t: string, ms: string[]) => ArrayLike<number> | null];


function randomEval(acc: GtTable['acc'], tasks: string[], models: string[]): QuadrantResult {
  const rs: QuadrantResult[] = [];
  for (let d = 0; d < 100; d++) {
    const rand = mulberry32(1000 + d);
    rs.push(evaluate(acc, tasks, models, (_t, ms) => ms.map(() => rand())));
  }
  const avg = (k: keyof QuadrantResult) => rs.reduce((s, r) => s + r[k], 0) / rs.length;
  return { tau: avg('tau'), regret: avg('regret'), top3: avg('top3'), tasks: rs[0].tasks };
}

/** ranker scores per task for one candidate set: task -> model -> score */
function scoresFor(scorer: Scorer, inputs: Map<string, DatasetInput>, set: PreparedModel[], kind: 'cross' | 'self'): Map<string, Map<string, number>> {
  const tasks = [...inputs.keys()];
  const sc = scorer.scoreMany(tasks.map((t) => inputs.get(t)!), set, kind);
  return new Map(tasks.map((t, i) => [t, new Map(set.map((m, j) => [m.id, sc[i][j]]))]));
}

export interface RealModelsBench {
  /** the table block */
  lines: string[];
  /** `real+zoo tau_w: ...` (its own line) */
  mixedLine: string;
  /** exactly `real-models tau_w: X.XXX (LogME X.XXX)` */
  line: string;
  figures: { ranker: number; logme: number; mixedRanker: number; mixedLogme: number };
}

export function realModelsBench(o: { scorer: Scorer; taskTok: Map<string, DatasetTokens>; zoo: PreparedModel[]; zooGt: GtTable; split: Split; cat: ZooCatalogue; neighbourK: number }): RealModelsBench {
  const { scorer, split: sp } = o;
  const NEIGHBOUR_K = o.neighbourK;
  const g = loadGt(NPM_GT_DIR, 'npm-gt-csv-only');
  const tasks = [...g.acc.keys()].sort();
  const models = [...new Set([...g.acc.values()].flatMap((r) => [...r.keys()]))].filter(isReal).sort();
  const stale = staleTokens(NPM_MODEL_TOKENS, loadInventory()).filter((s) => models.some((m) => s.startsWith(`${m}:`)));
  if (stale.length) throw new Error(`npm model tokens do not match the inventory (node --import tsx src/npmzoo/node/tokens.ts): ${stale.join('; ')}`);
  const npm = scorer.prepare(npmPrepareInputs(NPM_MODEL_TOKENS, models));
  const missing = tasks.filter((t) => !o.taskTok.has(t));
  if (missing.length) throw new Error(`no dataset tokens for ${missing.join(', ')}`);
  const inputs = new Map(tasks.map((t) => [t, scorer.datasetInput(o.taskTok.get(t)!)] as const));
  const params = new Map<string, number>([
    ...NPM_MODEL_TOKENS.models.map((m) => [m.id, m.meta.params] as const),
    ...o.cat.models.map((m) => [m.id, m.params] as const),
  ]);
  const heur = (gt: GtTable, name: string) => (t: string, ms: string[]) => {
    const v = ms.map((id) => gt.scores.get(t)?.get(id)?.[name] ?? NaN);
    return v.every(Number.isFinite) ? v : null;
  };

  // --- the real models alone (candidate set: every real model with GT)
  const cross = scoresFor(scorer, inputs, npm, 'cross');
  // ablation: the same tokens without the weights (ArchToVec of weights far from the zoo's)
  const metaOnly = scoresFor(scorer, inputs, scorer.prepare(npmPrepareInputs(NPM_MODEL_TOKENS, models).map((m) => ({ ...m, arch: null }))), 'cross');
  const self = scoresFor(scorer, inputs, npm, 'self');
  const from = (m: Map<string, Map<string, number>>) => (t: string, ms: string[]) => ms.map((id) => m.get(t)!.get(id)!);
  const meanOther = (t: string, ms: string[]) => ms.map((id) => {
    const o2 = tasks.filter((u) => u !== t && g.acc.get(u)?.has(id)).map((u) => g.acc.get(u)!.get(id)!);
    return o2.length ? o2.reduce((a, b) => a + b, 0) / o2.length : NaN;
  });
  // once measured, a real model is known: score it by its standing on the nearest measured tasks of
  // the other datasets (leave-one-dataset-out: the scored dataset's own tasks are never read)
  const measured = (acc: GtTable['acc']): MeasuredTask[] => tasks.map((t) => {
    const inp = inputs.get(t)!;
    return measuredTask(t, t.split('/')[0], inp.centres, inp.n, inp.centres.length / inp.n, acc.get(t)!);
  });
  const neighbour = (mt: MeasuredTask[]) => (t: string, ms: string[]) =>
    neighbourScores(mt.find((u) => u.id === t)!.direction, mt, ms, { k: NEIGHBOUR_K, excludeDatasets: new Set([t.split('/')[0]]) });
  const realMeasured = measured(g.acc);
  const methods: Method[] = [
    ['random (mean of 100 draws)', () => null],
    ['prior: size (params)', (_t, ms) => ms.map((id) => params.get(id)!)],
    ['prior: mean GT on the other tasks *', meanOther],
    ['LogME', heur(g, 'LogME')],
    ['self-attention (Model Spider) **', from(self)],
    ['cross-attention ranker', from(cross)],
    ['  metadata only (arch token left out)', from(metaOnly)],
    ['  + re-rank top-3 by LogME', (t, ms) => { const l = heur(g, 'LogME')(t, ms); return l ? rerankTopK(from(cross)(t, ms), l, 3) : null; }],
    [`measured GT on the ${NEIGHBOUR_K >= 1000 ? 'all' : NEIGHBOUR_K} nearest other-dataset tasks †`, neighbour(realMeasured)],
    ['  + cross-attention ranker (mean of standings)', (t, ms) => blendWithMeasured(from(cross)(t, ms), neighbour(realMeasured)(t, ms))],
  ];
  const quads = [
    { name: 'blind models', tasks: tasks.filter((t) => sp.trainDatasets.includes(t.split('/')[0])) },
    { name: 'double blind', tasks: tasks.filter((t) => sp.blindDatasets.includes(t.split('/')[0])) },
    { name: 'all', tasks },
  ];
  const res = methods.map(([name, f]) => [name, quads.map((q) => (name.startsWith('random') ? randomEval(g.acc, q.tasks, models) : evaluate(g.acc, q.tasks, models, f)))] as const);
  const ceil = quads.map((q) => ceilingOf(g, q.tasks, models));

  const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '  —  ');
  const W = 52;
  const cell = (r: QuadrantResult) => (r.tasks ? `${f3(r.tau)} | ${r.regret.toFixed(2).padStart(5)} | ${r.top3.toFixed(2)}` : '  —').padEnd(40);
  const lines: string[] = [];
  lines.push('');
  lines.push(`real pre-trained models from npm (${models.length} with GT in ${NPM_GT_DIR}/gt.csv; never seen by the ranker: tokens = metadata + ArchToVec of the tfjs weights, no source token)`);
  lines.push(`per quadrant: weighted tau (rank=None) | top-1 regret (accuracy points) | top-3 hit rate; candidates = the real models only`);
  lines.push(''.padEnd(W) + quads.map((q) => `${q.name} (${q.tasks.length} tasks x ${models.length} models)`.padEnd(40)).join(''));
  for (const [name, rs] of res) lines.push(name.padEnd(W) + rs.map(cell).join(''));
  lines.push('GT noise ceiling (halves of the repeats)'.padEnd(W) + ceil.map((c) => `${f3(c.tau)} (${c.tasks} tasks)`.padEnd(40)).join(''));
  lines.push('* reads these models\' own GT on the other tasks: a reference, not available to a blind ranker');
  lines.push('** scores a model through its learned per-model token: none exists for a model it never trained on');
  lines.push(`† the models as known ones: each one's standing on the ${NEIGHBOUR_K >= 1000 ? 'all' : NEIGHBOUR_K} measured tasks nearest to the task (ranker PCA space), the task's own dataset left out`);

  // --- the real models and the zoo together, one candidate set per task
  const zooIds = o.zoo.map((m) => m.id);
  const all = [...o.zoo, ...npm];
  const acc: GtTable['acc'] = new Map(tasks.map((t) => [t, new Map([...(o.zooGt.acc.get(t) ?? new Map()), ...g.acc.get(t)!].filter(([m]) => zooIds.includes(m) || models.includes(m)))]));
  const mixedScores: GtTable['scores'] = new Map(tasks.map((t) => [t, new Map([...(o.zooGt.scores.get(t) ?? new Map()), ...(g.scores.get(t) ?? new Map())])]));
  const mixedGt: GtTable = { ...emptyGt(), acc, scores: mixedScores };
  const mCross = scoresFor(scorer, inputs, all, 'cross');
  const mixedMeasured = measured(acc);
  const ids = all.map((m) => m.id);
  const mixedMethods: Method[] = [
    ['random (mean of 100 draws)', () => null],
    ['prior: size (params)', (_t, ms) => ms.map((id) => params.get(id)!)],
    ['LogME', heur(mixedGt, 'LogME')],
    ['cross-attention ranker', from(mCross)],
    [`measured GT on the ${NEIGHBOUR_K >= 1000 ? 'all' : NEIGHBOUR_K} nearest other-dataset tasks †`, neighbour(mixedMeasured)],
    ['  + cross-attention ranker (mean of standings)', (t, ms) => blendWithMeasured(from(mCross)(t, ms), neighbour(mixedMeasured)(t, ms))],
  ];
  const mres = mixedMethods.map(([name, f]) => [name, name.startsWith('random') ? randomEval(acc, tasks, ids) : evaluate(acc, tasks, ids, f)] as const);
  const nCand = Math.round(tasks.reduce((s, t) => s + acc.get(t)!.size, 0) / tasks.length);
  lines.push('');
  lines.push(`real + zoo together on the same ${tasks.length} tasks (about ${nCand} candidates per task: ${models.length} real, the rest trained here)`);
  for (const [name, r] of mres) lines.push(name.padEnd(W) + cell(r));
  // does the ranker put a real model above a zoo model when it is better, and first when it is best?
  const pairStats = (score: (t: string, ms: string[]) => ArrayLike<number> | null) => {
    let agree = 0, pairs = 0, realBest = 0, realFirstWhenBest = 0, realFirstOtherwise = 0, n = 0;
    for (const t of tasks) {
      const row = acc.get(t)!;
      const ms = [...row.keys()];
      const s = score(t, ms);
      if (!s) continue;
      const sm = new Map(ms.map((m, i) => [m, s[i]]));
      const p = realVsZooPairs(row, sm, isReal);
      agree += p.agree;
      pairs += p.pairs;
      const f = firstChoice(row, sm, isReal);
      n++;
      if (f.realBest) { realBest++; if (f.realFirst) realFirstWhenBest++; } else if (f.realFirst) realFirstOtherwise++;
    }
    return { pairAgree: agree / pairs, pairs, realBest, realFirstWhenBest, realFirstOtherwise, n };
  };
  const pr = pairStats(from(mCross)), pl = pairStats(heur(mixedGt, 'LogME')), pp = pairStats((_t, ms) => ms.map((id) => params.get(id)!));
  lines.push(`real-vs-zoo pairs ordered as the GT (${pr.pairs} pairs with different accuracy): ranker ${f3(pr.pairAgree)}, LogME ${f3(pl.pairAgree)}, size ${f3(pp.pairAgree)} (0.5 = chance)`);
  lines.push(`a real model is strictly best on ${pr.realBest}/${pr.n} tasks; a real model is ranked first there by the ranker on ${pr.realFirstWhenBest}, by LogME on ${pl.realFirstWhenBest}; and wrongly first elsewhere: ranker ${pr.realFirstOtherwise}, LogME ${pl.realFirstOtherwise} of ${pr.n - pr.realBest}`);

  const all3 = (n: string) => res.find(([m]) => m === n)![1][2];
  const mixed = (n: string) => mres.find(([m]) => m === n)![1];
  const figures = { ranker: all3('cross-attention ranker').tau, logme: all3('LogME').tau, mixedRanker: mixed('cross-attention ranker').tau, mixedLogme: mixed('LogME').tau };
  return {
    lines,
    mixedLine: `real+zoo tau_w: ${figures.mixedRanker.toFixed(3)} (LogME ${figures.mixedLogme.toFixed(3)}; real-vs-zoo pairs ordered right: ranker ${f3(pr.pairAgree)}, LogME ${f3(pl.pairAgree)})`,
    line: realModelsBenchLine(figures.ranker, figures.logme),
    figures,
  };
}
