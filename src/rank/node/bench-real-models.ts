// bench:rank's block for the real models (issue 18): every real model measured here — the npm
// packages' models (data/npm-gt) and the ImageNet backbones (data/real-gt) — as one candidate set on
// the zoo's tasks. Quadrants: blind datasets (leave one dataset out: nothing of the scored dataset is
// read), blind models and double blind (the cross-attention ranker, trained on the zoo only, has never
// seen a real model's GT; methods that need a model's own GT have no score there). Methods without a
// forward pass, forward-pass scores on every candidate, and a method followed by the page's check of
// its top 3 (the check runs the GT protocol on the user's images, so its result here is the GT cell).
// Ends with the issue's two lines.
import { rerankTopK } from '../../metrics/aggregate.ts';
import { mulberry32 } from '../../shared/random.ts';
import type { Scorer } from '../model/scorer.ts';
import type { DatasetInput } from '../shared/features.ts';
import type { DatasetTokens } from '../../tokens/shared/format.ts';
import { evaluate, type QuadrantResult, type Split } from './assemble.ts';
import { ceilingOf, emptyGt, loadGt, mergeGt, type GtTable } from './data.ts';
import { blendWithMeasured, chooseNeighbourK, measuredTask, neighbourScores, type MeasuredTask } from '../../select/shared/neighbour.ts';
import { chooseStandingLambda, fitStandingRidge, Gram, predictStandingRidge } from '../shared/standing-ridge.ts';
import { measuredRows } from '../../select/shared/fit.ts';
import { nnls } from '../shared/nnls.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encoderById } from '../../encode/shared/manifest.ts';
import { metaVector } from '../shared/model-tokens.ts';
import { metaFromOnnx } from '../shared/onnx-meta.ts';
import { readOnnxWeights } from '../shared/onnx-weights.ts';
import { fitMetaStanding, metaStandingFeatures, predictMetaStanding } from '../shared/meta-standing.ts';

// Families left out together by the metadata ridge's blind-model evaluation: variants of one network
// (blazeface front/back, the hand models, MobileNetV2 from nsfwjs and the ONNX zoo ...) never help
// predict each other.
const FAMILY_PATTERNS: [RegExp, string][] = [
  [/blazeface/, 'blazeface'], [/blazepose/, 'blazepose'], [/facemesh/, 'facemesh'], [/^hand/, 'hand'], [/movenet/, 'movenet'],
  [/faceres/, 'faceres'], [/gender/, 'gender'], [/mobileface/, 'mobileface'], [/mobilenet_v1/, 'mobilenet_v1'], [/mobilenet_?v2/, 'mobilenet_v2'],
];
export function modelFamily(id: string): string {
  const name = id.replace(/^[a-z]+:/, '').split('/').pop()!;
  return FAMILY_PATTERNS.find(([re]) => re.test(name))?.[1] ?? name;
}
import { weightedTau } from '../../metrics/ranking.ts';
import { NPM_MODEL_TOKENS } from '../../npmzoo/shared/npm-tokens.gen.ts';
import { REAL_MODEL_TOKENS } from '../../realzoo/shared/real-page.gen.ts';
import { npmPrepareInputs } from '../../npmzoo/shared/tokens.ts';
import { REAL_BACKBONES } from '../../realzoo/shared/backbones.ts';

type Score = (t: string, ms: string[]) => ArrayLike<number> | null;
interface Method { name: string; passes: (n: number) => string; f: Score; quadrants: ('bd' | 'bm' | 'db')[]; models?: string[] }

/** npm-gt and real-gt as one table (same tasks, same protocol) */
export function realModelsGt(): GtTable {
  const g = emptyGt('data/npm-gt + data/real-gt');
  for (const src of [loadGt('data/npm-gt', 'npm-gt-csv-only'), loadGt('data/real-gt', 'real-gt-csv-only')]) mergeGt(g, src);
  return g;
}

export interface RealBlock {
  lines: string[];
  /** `real blind-datasets top-3 checked tau_w: X.XXX (LogME on all Y.YYY)` */
  checkedLine: string;
  /** `real blind-datasets tau_w: X.XXX (best prior Z.ZZZ)` */
  rankerLine: string;
}

/** A folder nobody measured (bench:rank -- --data DIR): its tasks' GT for every real model and their tokens. */
export interface CustomData {
  name: string;
  gt: GtTable;
  taskTok: Map<string, DatasetTokens>;
}

export const CUSTOM_PREFIX = 'custom/';

export function realModelsBlock(o: { scorer: Scorer; taskTok: Map<string, DatasetTokens>; split: Split; custom?: CustomData }): RealBlock {
  const { scorer, split: sp } = o;
  const g = realModelsGt();
  // a custom folder's tasks join under custom/<task id>; they count as its folder's dataset, so a
  // folder named like a measured dataset leaves that dataset out of everything that scores it
  const taskTok = new Map(o.taskTok);
  if (o.custom) {
    mergeGt(g, o.custom.gt, (t) => CUSTOM_PREFIX + t);
    for (const [t, tok] of o.custom.taskTok) taskTok.set(CUSTOM_PREFIX + t, tok);
  }
  const tasks = [...g.acc.keys()].filter((t) => taskTok.has(t)).sort();
  const ds = (t: string) => (t.startsWith(CUSTOM_PREFIX) ? t.slice(CUSTOM_PREFIX.length) : t).split('/')[0];
  const inputs = new Map<string, DatasetInput>(tasks.map((t) => [t, scorer.datasetInput(taskTok.get(t)!)]));
  // measured tasks (unit mean class direction in the ranker's PCA space) and every model's standing on each: the page's rows too
  const measured: MeasuredTask[] = tasks.map((t) => { const i = inputs.get(t)!; return measuredTask(t, ds(t), i.centres, i.n, i.centres.length / i.n, g.acc.get(t)!); });
  const { models, rows } = measuredRows(measured);

  // metadata
  const TOK = { ...NPM_MODEL_TOKENS, models: [...NPM_MODEL_TOKENS.models, ...REAL_MODEL_TOKENS.models] };
  const params = new Map<string, number>(TOK.models.map((m) => [m.id, m.meta.params]));
  for (const b of REAL_BACKBONES) params.set(b.id, b.params);
  const top1 = new Map(REAL_BACKBONES.map((b) => [b.id, b.top1Here]));
  const withTop1 = models.filter((m) => top1.has(m));
  // the cross-attention ranker: every real model with a token (the ONNX encoders' tokens come from their graph in the page)
  const tokModels = models.filter((m) => TOK.models.some((x) => x.id === m));
  const prepared = scorer.prepare(npmPrepareInputs(TOK, tokModels));
  const crossAll = scorer.scoreMany(tasks.map((t) => inputs.get(t)!), prepared, 'cross');
  const cross = new Map(tasks.map((t, i) => [t, crossAll[i]] as const));
  const crossOf: Score = (t, ms) => (ms.every((m) => tokModels.includes(m)) ? ms.map((m) => cross.get(t)![tokModels.indexOf(m)]) : null);

  // measured standings and the no-forward-pass methods, leave one dataset out
  const rowOf = new Map(rows.map((r) => [r.id, r]));
  const gram = new Gram(rows);
  const lambdas = new Map<string, number>();
  const ridgeCache = new Map<string, ReturnType<typeof fitStandingRidge>>();
  const ridge = (d: string) => {
    if (!ridgeCache.has(d)) {
      const train = rows.filter((r) => r.dataset !== d);
      const { lambda } = chooseStandingLambda(models, train, undefined, gram); // training datasets only
      lambdas.set(d, lambda);
      ridgeCache.set(d, fitStandingRidge(models, train, lambda, gram));
    }
    return ridgeCache.get(d)!;
  };
  const standingRidge: Score = (t, ms) => { const v = predictStandingRidge(ridge(ds(t)), rowOf.get(t)!, gram); return ms.map((m) => v[models.indexOf(m)]); };
  const meanStanding: Score = (t, ms) => ms.map((m) => {
    const v = rows.filter((r) => r.dataset !== ds(t)).map((r) => r.standing[models.indexOf(m)]).filter(Number.isFinite);
    return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN;
  });
  const kOf = new Map<string, number>();
  const nearest: Score = (t, ms) => {
    if (!kOf.has(ds(t))) kOf.set(ds(t), chooseNeighbourK(measured.filter((u) => u.dataset !== ds(t))).k);
    const v = neighbourScores(measured.find((u) => u.id === t)!.direction, measured, ms, { k: kOf.get(ds(t))!, excludeDatasets: new Set([ds(t)]) });
    return v.every(Number.isFinite) ? v : null;
  };
  const logme: Score = (t, ms) => { const v = ms.map((m) => g.scores.get(t)?.get(m)?.LogME ?? NaN); return v.every(Number.isFinite) ? v : null; };
  const gtOf = (t: string, ms: string[]) => ms.map((m) => g.acc.get(t)!.get(m)!);
  const checked = (f: Score, k = 3): Score => (t, ms) => { const s = f(t, ms); return s ? rerankTopK(s, gtOf(t, ms), k) : null; };
  // Bounds, not methods: they read the held-out task's own GT to choose how to combine the other
  // datasets' mean standings, so they show what any predictor built from those measurements could
  // reach at best (a nearest-dataset rule, a similarity-weighted mix), whatever it learns from the token.
  const dsMeans = (d: string) => {
    const others = [...new Set(rows.map((r) => r.dataset))].filter((x) => x !== d).sort();
    return others.map((o) => Float64Array.from(models, (_, j) => {
      const v = rows.filter((r) => r.dataset === o).map((r) => r.standing[j]).filter(Number.isFinite);
      return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN;
    }));
  };
  const dsMeanCache = new Map<string, Float64Array[]>();
  const othersOf = (t: string) => { const d = ds(t); if (!dsMeanCache.has(d)) dsMeanCache.set(d, dsMeans(d)); return dsMeanCache.get(d)!; };
  const own = (t: string, ms: string[]) => ms.map((m) => rowOf.get(t)!.standing[models.indexOf(m)]);
  const bestSingle: Score = (t, ms) => {
    const y = own(t, ms);
    const cands = othersOf(t).map((P) => ms.map((m) => P[models.indexOf(m)])).filter((v) => v.every(Number.isFinite));
    let best: number[] | null = null, bt = -Infinity;
    for (const v of cands) { const w = weightedTau(y, v, { rank: null }); if (w > bt) { bt = w; best = v; } }
    return best;
  };
  const bestMix: Score = (t, ms) => {
    const y = own(t, ms);
    const P = othersOf(t).map((v) => ms.map((m) => v[models.indexOf(m)])).filter((v) => v.every(Number.isFinite));
    if (!P.length) return null;
    const w = nnls(ms.map((_, i) => P.map((v) => v[i])), y);
    return ms.map((_, i) => P.reduce((s, v, k) => s + w[k] * v[i], 0));
  };
  // Metadata ridge for models nobody measured: every family is left out in turn (its GT never read);
  // blind models: fitted on the other families' standings on the same (known) task; double blind: as
  // the page does, on the other families' standings predicted by the standing ridge (fitted on the
  // training datasets' tasks, the family's GT masked out) for the blind task.
  const metaOf = new Map<string, number[]>();
  for (const m of TOK.models) metaOf.set(m.id, metaStandingFeatures(metaVector(m.meta)));
  for (const b of REAL_BACKBONES.filter((x) => x.format === 'onnx-encoder')) {
    const bytes = new Uint8Array(readFileSync(join('models/encoders', encoderById(b.source).file)));
    metaOf.set(b.id, metaStandingFeatures(metaVector(metaFromOnnx(bytes, readOnnxWeights(bytes), { featureDim: b.dim }))));
  }
  const families = [...new Set(models.map(modelFamily))];
  const trainRows = rows.filter((r) => sp.trainDatasets.includes(r.dataset));
  const maskedRidge = new Map<string, ReturnType<typeof fitStandingRidge>>();
  const ridgeWithout = (fam: string) => {
    if (!maskedRidge.has(fam)) {
      const masked = trainRows.map((r) => ({ ...r, standing: Float64Array.from(r.standing, (v, j) => (modelFamily(models[j]) === fam ? NaN : v)) }));
      const mg = new Gram(masked);
      maskedRidge.set(fam, fitStandingRidge(models, masked, chooseStandingLambda(models, masked, undefined, mg).lambda, mg));
    }
    return maskedRidge.get(fam)!;
  };
  const metaCache = new Map<string, Float64Array>();
  const metaRidge: Score = (t, ms) => {
    if (!metaCache.has(t)) {
      const known = sp.trainDatasets.includes(ds(t));
      const out = new Float64Array(models.length).fill(NaN);
      for (const fam of families) {
        const y = known ? rowOf.get(t)!.standing : predictStandingRidge(ridgeWithout(fam), rowOf.get(t)!.x);
        const train = models.map((_, j) => j).filter((j) => modelFamily(models[j]) !== fam && metaOf.has(models[j]) && Number.isFinite(y[j]));
        const fit = fitMetaStanding(train.map((j) => metaOf.get(models[j])!), train.map((j) => y[j]));
        models.forEach((m, j) => { if (modelFamily(m) === fam && metaOf.has(m)) out[j] = predictMetaStanding(fit, metaOf.get(m)!); });
      }
      metaCache.set(t, out);
    }
    const v = ms.map((m) => metaCache.get(t)![models.indexOf(m)]);
    return v.every(Number.isFinite) ? v : null;
  };
  const none = () => '0';
  const all = (n: number) => String(n);

  const methods: Method[] = [
    { name: 'random (mean of 100 draws)', passes: none, f: () => null, quadrants: ['bd', 'bm', 'db'] },
    { name: 'prior: size (params)', passes: none, f: (_t, ms) => ms.map((m) => params.get(m) ?? NaN), quadrants: ['bd', 'bm', 'db'] },
    { name: `prior: ImageNet top-1 (the ${withTop1.length} models with one)`, passes: none, f: (_t, ms) => ms.map((m) => top1.get(m)!), quadrants: ['bd', 'bm', 'db'], models: withTop1 },
    { name: 'prior: mean standing on the other datasets', passes: none, f: meanStanding, quadrants: ['bd'] },
    { name: 'prior: standing on the nearest other-dataset tasks', passes: none, f: nearest, quadrants: ['bd'] },
    { name: 'LogME on every candidate', passes: all, f: logme, quadrants: ['bd', 'bm', 'db'] },
    { name: 'cross-attention ranker (zoo-trained) *', passes: none, f: crossOf, quadrants: ['bd', 'bm', 'db'], models: tokModels },
    { name: '  + check of its top 3', passes: () => '3', f: checked(crossOf), quadrants: ['bd', 'bm', 'db'], models: tokModels },
    { name: 'page fit until now: mean(cross, nearest) *', passes: none, f: (t, ms) => { const c = crossOf(t, ms), n = nearest(t, ms); return c && n ? blendWithMeasured(c, n) : null; }, quadrants: ['bd'], models: tokModels },
    { name: 'metadata ridge (each family left out) §', passes: none, f: metaRidge, quadrants: ['bm', 'db'] },
    { name: '  + check of its top 3', passes: () => '3', f: checked(metaRidge), quadrants: ['bm', 'db'] },
    { name: 'standing ridge (residual over the mean prior)', passes: none, f: standingRidge, quadrants: ['bd'] },
    { name: '  + check of its top 3', passes: () => '3', f: checked(standingRidge), quadrants: ['bd'] },
    { name: 'prior: mean standing + check of its top 3', passes: () => '3', f: checked(meanStanding), quadrants: ['bd'] },
    { name: 'bound ‡: the best single other dataset', passes: none, f: bestSingle, quadrants: ['bd'] },
    { name: 'bound ‡: best non-negative mix of other datasets', passes: none, f: bestMix, quadrants: ['bd'] },
  ];
  const customTasks = tasks.filter((t) => t.startsWith(CUSTOM_PREFIX));
  const quads = o.custom
    ? [{ key: 'bd' as const, name: `blind datasets: ${o.custom.name}`, tasks: customTasks }]
    : [
      { key: 'bd' as const, name: 'blind datasets', tasks: tasks.filter((t) => !t.startsWith(CUSTOM_PREFIX)) },
      { key: 'bm' as const, name: 'blind models', tasks: tasks.filter((t) => sp.trainDatasets.includes(ds(t))) },
      { key: 'db' as const, name: 'double blind', tasks: tasks.filter((t) => sp.blindDatasets.includes(ds(t))) },
    ];
  const randomEval = (ts: string[], ms: string[]): QuadrantResult => {
    const rs: QuadrantResult[] = [];
    for (let d = 0; d < 100; d++) { const rand = mulberry32(1000 + d); rs.push(evaluate(g.acc, ts, ms, (_t, m) => m.map(() => rand()))); }
    const avg = (k: keyof QuadrantResult) => rs.reduce((s, r) => s + r[k], 0) / rs.length;
    return { tau: avg('tau'), regret: avg('regret'), top3: avg('top3'), tasks: rs[0].tasks };
  };
  const res = methods.map((m) => quads.map((q) => {
    if (!m.quadrants.includes(q.key)) return null;
    const ms = m.models ?? models;
    return m.name.startsWith('random') ? randomEval(q.tasks, ms) : evaluate(g.acc, q.tasks, ms, m.f);
  }));
  const ceil = quads.map((q) => ceilingOf(g, q.tasks, models));

  const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '  —  ');
  const W = 52;
  const cell = (r: QuadrantResult | null, passes: string) => (r?.tasks ? `${f3(r.tau)} | ${r.regret.toFixed(2).padStart(5)} | ${r.top3.toFixed(2)} | ${passes.padStart(2)}` : '  —').padEnd(38);
  const lines: string[] = [''];
  lines.push(`real models measured here: ${models.length} (${models.filter((m) => m.startsWith('npm:')).length} npm, ${models.filter((m) => m.startsWith('real:')).length} ImageNet backbones) on ${tasks.length - customTasks.length} tasks, one candidate set (data/npm-gt + data/real-gt)${o.custom ? `; scored: the ${customTasks.length} tasks of ${o.custom.name}, its GT measured now with the same protocol` : ''}`);
  lines.push('per quadrant: weighted tau (rank=None) | top-1 regret (accuracy points) | top-3 hit rate | forward passes per task; mean over tasks');
  lines.push(''.padEnd(W) + quads.map((q) => `${q.name} (${q.tasks.length} tasks)`.padEnd(38)).join(''));
  methods.forEach((m, i) => lines.push(m.name.padEnd(W) + res[i].map((r) => cell(r, m.passes(m.models?.length ?? models.length))).join('')));
  lines.push('GT noise ceiling (halves of the repeats)'.padEnd(W) + ceil.map((c) => `${f3(c.tau)} (${c.tasks} tasks)`.padEnd(38)).join(''));
  lines.push(`* scores the ${tokModels.length} models with a token from their tfjs weights (the three ONNX encoders get theirs from their graph in the page); the cross ranker never trained on a real model: every quadrant is blind-model for it`);
  lines.push('blind datasets: every method that reads GT sees only the other datasets (nearest-task k and the ridge lambda chosen by leave-one-dataset-out on those); "check of its top 3" = the page\'s check (the GT protocol on the images) of the 3 it ranks first, which then lead in measured order');
  lines.push(`§ a model's standing from its metadata alone (log params, MACs, input size, feature width, source classes; ridge, lambda 3 fixed a priori), fitted on the other families' standings: measured ones on a known task (blind models), the standing ridge's predictions on a blind one (double blind, as the page does for a model nobody measured); ${families.length} families left out in turn`);
  lines.push('‡ not a method: chooses, with the held-out task\'s own GT, the other dataset (or the non-negative least-squares mix of the other datasets\' mean standings) that fits it best (least squares on its standings): about the most a no-forward-pass ranker that predicts by mixing the other datasets\' measurements could reach, however it reads the token');
  lines.push(`standing ridge lambda per held-out dataset: ${[...new Set(lambdas.values())].sort((a, b) => a - b).join(', ')}; nearest-task k: ${[...new Set(kOf.values())].sort((a, b) => a - b).join(', ')}; only LogME was computed for these models (scores.csv): no other forward-pass score to compare`);

  const bd = (name: string) => res[methods.findIndex((m) => m.name === name)][0]!;
  const sr = bd('standing ridge (residual over the mean prior)');
  const srChecked = res[methods.findIndex((m) => m.name === 'standing ridge (residual over the mean prior)') + 1][0]!;
  const lm = bd('LogME on every candidate');
  // the best prior on the full candidate set (ImageNet top-1 exists for 7 models only: not comparable)
  const priors = ['prior: size (params)', 'prior: mean standing on the other datasets', 'prior: standing on the nearest other-dataset tasks'].map((n) => ({ n, tau: bd(n).tau }));
  const best = priors.reduce((a, b) => (b.tau > a.tau ? b : a));
  lines.push(`best prior on blind datasets: ${best.n.replace('prior: ', '')}; regret after checking the standing ridge's top 3: ${srChecked.regret.toFixed(2)} points`);
  return {
    lines,
    checkedLine: `real blind-datasets top-3 checked tau_w: ${srChecked.tau.toFixed(3)} (LogME on all ${lm.tau.toFixed(3)})`,
    rankerLine: `real blind-datasets tau_w: ${sr.tau.toFixed(3)} (best prior ${best.tau.toFixed(3)})`,
  };
}
