// npm run bench:public — ranking of public models on every published (model x target) table of
// ../shared/gt (via the committed data/public), leave-one-target-out, beside the priors a user would use
// instead, the published heuristic scores, the published rows, and the agreement between papers.
// Last two lines are the headline figures (docs/public.md).
import { loadPublicData } from '../src/catalogue/node/context.ts';
import { rankingTable, heuristicScores, type RankingTable } from '../src/catalogue/shared/evidence.ts';
import { figures, meanOtherTargets, familyMeanOtherTargets, summarise, mean, type MethodResult, type TargetFigures } from '../src/catalogue/shared/rankeval.ts';
import { leaveOneTargetOut } from '../src/catalogue/shared/loto.ts';
import { RidgeRanker } from '../src/catalogue/shared/ranker.ts';
import { findConflicts, formatConflict } from '../src/catalogue/shared/conflicts.ts';
import { twoPhaseRecall } from '../src/recall/recall.ts';

const t0 = Date.now();
const data = loadPublicData();
const { ctx, evidence, published } = data;
const T = {
  'ms-standard': rankingTable(evidence, 'ms-standard', 'top1_acc'),
  'ms-multi': rankingTable(evidence, 'ms-multi', 'top1_acc'),
  'sfda-g1': rankingTable(evidence, 'sfda-g1', 'top1_acc'),
  'sfda-g2': rankingTable(evidence, 'sfda-g2', 'top1_acc'),
  parc: rankingTable(evidence, 'parc', 'oracle_acc'),
  openclip: rankingTable(evidence, 'openclip', 'zeroshot'),
};
const TITLES: Record<string, string> = {
  'ms-standard': "Model Spider standard zoo (= TLlib's table): 10 torchvision ImageNet models x 8 targets, fine-tune top-1",
  'ms-multi': 'Model Spider multi-source zoo: 66 models (3 architectures x 22 sources) x 7 targets, fine-tune top-1',
  'sfda-g1': 'SFDA group 1: 11 supervised ImageNet models x 11 targets, fine-tune top-1',
  'sfda-g2': "SFDA group 2 (= PED's GT): 12 self-supervised ResNet-50s x 11 targets, fine-tune top-1",
  parc: 'PARC benchmark: source models x 6 default targets, oracle accuracy (models with an oracle; SSL sources set aside by the benchmark dropped)',
  openclip: 'OpenCLIP: 121 CLIP checkpoints x 35 classification sets, zero-shot accuracy',
};

const fineTunePool: RankingTable[] = [T['ms-standard'], T['ms-multi'], T['sfda-g1'], T['sfda-g2'], T.parc];
console.log('training rankers leave-one-target-out (no target\'s results from any table are seen for its evaluation) ...');
// the headline ranker chooses, per table, whether to use the token similarity and the per-recipe vectors,
// or to rank by the ImageNet top-1 prior instead, by an inner leave-one-target-out on the training
// targets only; the variants below are ablations
const CHOOSE = [{ sim: true, tableBias: true }, { sim: false, tableBias: true }, { sim: true, tableBias: false }, { sim: false, tableBias: false }];
const picks = new Map<string, Map<string, number>>();
const chosenRanker = (priorCandidate: boolean) => () => {
  const r = new RidgeRanker({ choose: CHOOSE, priorCandidate });
  if (!priorCandidate) return r;
  const fit = r.fit.bind(r);
  r.fit = (p, c) => {
    fit(p, c);
    for (const [table, v] of r.chosen) {
      const key = v.prior ? 'ImageNet top-1 prior' : `${v.blocks.sim ? 'similarity' : 'no similarity'} + ${v.blocks.tableBias ? 'per-recipe' : 'shared'} vectors`;
      if (!picks.has(table)) picks.set(table, new Map());
      picks.get(table)!.set(key, (picks.get(table)!.get(key) ?? 0) + 1);
    }
  };
  return r;
};
const VARIANTS: { label: string; make: () => RidgeRanker }[] = [
  { label: 'ranker: ridge variants or the ImageNet top-1 prior, chosen per table inside training', make: chosenRanker(true) },
  { label: 'ranker variant: ridge variants only (similarity, per-recipe vectors chosen per table)', make: chosenRanker(false) },
  { label: 'ranker variant: similarity + per-recipe vectors fixed (the earlier default, chosen on these targets)', make: () => new RidgeRanker() },
  { label: 'ranker variant: no tokens (learned vectors only)', make: () => new RidgeRanker({ useTokens: false }) },
  { label: 'ranker variant: + family vectors and metadata x target token', make: () => new RidgeRanker({ blocks: { family: true, meta: true } }) },
  { label: 'ranker variant: one shared vector per model (no per-recipe)', make: () => new RidgeRanker({ blocks: { tableBias: false } }) },
];
const lotoFt = VARIANTS.map((v) => leaveOneTargetOut(fineTunePool, fineTunePool, v.make, ctx));
const lotoClip = VARIANTS.map((v) => leaveOneTargetOut([T.openclip], [T.openclip], v.make, ctx));
console.log('blocks chosen by the inner leave-one-target-out, per table (folds): ' + [...picks].map(([t, m]) => `${t === '*' ? 'a table not seen' : t}: ${[...m].map(([k, n]) => `${k} x${n}`).join(', ')}`).join('; '));
const loto = lotoFt[0];
// ablation: each table's own evidence only (no pooling across papers)
const lotoOwn = new Map(fineTunePool.map((t) => [t.id, leaveOneTargetOut([t], [t], () => new RidgeRanker(), ctx)]));

const perTarget = (t: RankingTable, f: (j: number) => ArrayLike<number> | null): Record<string, TargetFigures | null> =>
  Object.fromEntries(t.targets.map((tg, j) => { const s = f(j); return [tg, s ? figures(t.acc[j], s) : null]; }));

function priors(t: RankingTable): MethodResult[] {
  const info = t.models.map((m) => ctx.models.get(m));
  const top1 = info.map((i) => i?.imagenetTop1 ?? NaN);
  const params = info.map((i) => i?.logParams ?? NaN);
  const cov = (xs: number[]) => `${xs.filter(Number.isFinite).length}/${xs.length} models`;
  const out: MethodResult[] = [];
  // OpenCLIP's "ImageNet top-1" is its zero-shot ImageNet result, itself a target of that table: not used for that target
  if (top1.some(Number.isFinite)) out.push({ method: `prior: ImageNet top-1 (${cov(top1)}; others last)`, kind: 'prior', perTarget: perTarget(t, (j) => (t.id === 'openclip' && t.targets[j] === 'imagenet' ? null : top1)) });
  if (params.some(Number.isFinite) && new Set(params.filter(Number.isFinite)).size > 1) out.push({ method: `prior: parameter count (${cov(params)})`, kind: 'prior', perTarget: perTarget(t, () => params) });
  out.push({ method: 'prior: mean z-scored result on the other targets', kind: 'prior', perTarget: perTarget(t, (j) => meanOtherTargets(t, j)) });
  const fam = (m: string) => ctx.models.get(m)?.family ?? m;
  if (new Set(t.models.map(fam)).size < t.models.length) out.push({ method: 'prior: architecture alone (family mean on the other targets)', kind: 'prior', perTarget: perTarget(t, (j) => familyMeanOtherTargets(t, j, fam)) });
  return out;
}

function publishedRows(id: string, t: RankingTable): MethodResult[] {
  const rows = published.filter((p) => p.table === id && p.statistic === 'weighted_tau');
  const methods = [...new Set(rows.map((r) => r.method))];
  return methods.map((m) => ({
    method: `published: ${m}`, kind: 'published' as const,
    perTarget: Object.fromEntries(t.targets.map((tg) => {
      const r = rows.find((x) => x.method === m && x.target === tg);
      return [tg, r ? { tau: r.value, regret: NaN, hit3: NaN, n: NaN } : null];
    })),
  }));
}

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '  -  ');
const pad = (s: string, n: number) => (s.length >= n ? s.slice(0, n) : s + ' '.repeat(n - s.length));
const conflicts = findConflicts(evidence);
const agreement = conflicts.find((c) => c.a === 'ms-standard' && c.b === 'sfda-g1');
const results: Record<string, MethodResult[]> = {};

for (const [id, t] of Object.entries(T)) {
  const runs = id === 'openclip' ? lotoClip : lotoFt;
  const ms: MethodResult[] = [
    ...VARIANTS.map((v, i) => ({ method: v.label, kind: 'ranker' as const, perTarget: runs[i].perTable.get(id)! })),
    ...(lotoOwn.has(id) ? [{ method: 'ranker variant: this table\'s evidence only (no other paper)', kind: 'ranker' as const, perTarget: lotoOwn.get(id)!.perTable.get(id)! }] : []),
    ...priors(t),
  ];
  if (id === 'ms-standard') {
    for (const [method, sc] of heuristicScores(evidence, 'ms-standard', t)) {
      ms.push({ method: `heuristic (released scores): ${method}`, kind: 'heuristic', perTarget: perTarget(t, (j) => (sc[j].every(Number.isFinite) ? sc[j] : null)) });
    }
  }
  ms.push(...publishedRows(id, t));
  results[id] = ms;
  const tokened = t.targets.filter((tg) => ctx.targetTokens.has(tg));
  console.log(`\n## ${id}: ${TITLES[id]}`);
  console.log(`targets with a dataset token (a sample in ../shared/datasets): ${tokened.join(', ') || 'none'}; without (metadata only): ${t.targets.filter((tg) => !ctx.targetTokens.has(tg)).join(', ') || 'none'}`);
  if ((id === 'ms-standard' || id === 'sfda-g1') && agreement) console.log(`agreement of two published measurements of the same pairs (Model Spider vs SFDA): mean weighted tau ${agreement.meanTau.toFixed(3)}`);
  const cols = t.targets.map((tg) => pad(tg, 8)).join(' ');
  console.log(`${pad('weighted tau (rank=None)', 70)} ${cols} |  mean  regret  top3`);
  for (const m of ms) {
    const s = summarise(m);
    const cells = t.targets.map((tg) => pad(f3(m.perTarget[tg]?.tau ?? NaN), 8)).join(' ');
    const reg = m.kind === 'published' ? '   -  ' : s.regret.toFixed(2).padStart(6);
    const hit = m.kind === 'published' ? '  -  ' : s.hit3.toFixed(2).padStart(5);
    console.log(`${pad(m.method, 70)} ${cells} | ${f3(s.tau)} ${reg} ${hit}`);
  }
  for (const m of ms.filter((x) => x.kind !== 'published').slice(0, 1).concat(ms.filter((x) => x.method === 'prior: mean z-scored result on the other targets'))) {
    console.log(`${pad(`  per target regret / top-3 hit: ${m.method.split(':')[0]}${m.kind === 'prior' ? ' (mean of other targets)' : ''}`, 70)} ` +
      t.targets.map((tg) => pad(m.perTarget[tg] ? `${m.perTarget[tg]!.regret.toFixed(1)}/${m.perTarget[tg]!.hit3}` : '-', 8)).join(' '));
  }
}

// ---- two-phase coarse recall (Cui et al.), leave-one-target-out
console.log('\n## two-phase coarse recall, leave-one-target-out: k-means (k = ceil(sqrt(models))) on performance vectors over the other targets; each cluster representative measured on the target (its published result stands for the forward pass); propagated to members by performance-vector similarity (clusters alone) or as the cluster residual over the ranker (clusters + ranker); recall top-K');
for (const id of ['ms-multi', 'sfda-g1', 'sfda-g2', 'parc', 'openclip', 'ms-standard'] as const) {
  const t = T[id];
  const r = twoPhaseRecall(t, { ks: [3, 5, 10], rankerScores: (id === 'openclip' ? lotoClip[0] : loto).scores.get(id)! });
  const k3 = (h: Record<number, number>) => [3, 5, 10].map((k) => h[k].toFixed(2)).join(' / ');
  console.log(`${pad(id, 12)} ${String(r.models).padStart(3)} models, ${String(r.clusters).padStart(2)} clusters; best model recalled at K = 3 / 5 / 10: ` +
    `clusters alone ${k3(r.hit)}; clusters + ranker ${k3(r.hitWithRanker)}; ranker alone ${k3(r.rankerHit)}; ` +
    `forward passes ${r.passes} + K of ${r.models} (saved ${[3, 5, 10].map((k) => `${(100 * r.saved(k)).toFixed(0)} %`).join(' / ')})`);
}

console.log('\n## conflicts between published tables (npm run public:conflicts)');
for (const c of conflicts) console.log(formatConflict(c));
console.log(`benchmarks without a sample in ../shared/datasets (metadata only): ${data.noSample.join(', ')}`);
console.log(`time ${((Date.now() - t0) / 1000).toFixed(1)} s`);

const rk = (id: string) => summarise(results[id][0]).tau;
const bestPrior = (id: string) => Math.max(...results[id].filter((m) => m.kind === 'prior').map((m) => summarise(m).tau).filter(Number.isFinite));
console.log('\n## summary: mean weighted tau, ranker vs best prior');
for (const id of Object.keys(T)) {
  // targets with a dataset token vs targets known by name only (metadata fallback), reported separately
  const r0 = results[id][0], pm = results[id].find((m) => m.method === 'prior: mean z-scored result on the other targets')!;
  const split = (withTok: boolean) => {
    const ts = T[id as keyof typeof T].targets.filter((tg) => ctx.targetTokens.has(tg) === withTok);
    return ts.length ? `${mean(ts.map((tg) => r0.perTarget[tg]?.tau ?? NaN)).toFixed(3)} vs prior ${mean(ts.map((tg) => pm.perTarget[tg]?.tau ?? NaN)).toFixed(3)} (${ts.length})` : '-';
  };
  console.log(`${pad(id, 12)} ranker ${rk(id).toFixed(3)}  best prior ${bestPrior(id).toFixed(3)}  ${rk(id) > bestPrior(id) ? 'above' : 'NOT above'};  targets with a token: ${split(true)};  metadata only: ${split(false)}`);
}
const logme = summarise(results['ms-standard'].find((m) => m.method === 'heuristic (released scores): LogME')!).tau;
console.log(`multi-source leave-one-target-out tau_w: ${rk('ms-multi').toFixed(3)} (best prior ${bestPrior('ms-multi').toFixed(3)})`);
console.log(`public leave-one-dataset-out tau_w: ${rk('ms-standard').toFixed(3)} (best prior ${bestPrior('ms-standard').toFixed(3)}, LogME ${logme.toFixed(3)})`);
