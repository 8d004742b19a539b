// `npm run zoo:summary`: zoo size, task count and how spread the measured GT is; noise ceiling,
// linear-probe vs fine-tune agreement, and the heuristic baselines against the GT.
// Last line: `zoo: N models, T tasks, best-model changes across tasks: P%`.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { realModelsSummaryLine } from '../src/npmzoo/shared/catalogue.ts';
import { loadInventory } from '../src/npmzoo/node/inventory-file.ts';
import { parseCsv } from '../src/shared/csv.ts';
import { GT_CV, protocolLabel } from '../src/probe/shared/cv.ts';
import { noiseCeilingV2, parseGtCsv, type GtCellV2 } from '../src/zoo/shared/gt-format.ts';
import { REAL_BACKBONES, realBackbonesLine } from '../src/realzoo/shared/backbones.ts';
import { kendallTauB, weightedTau as wtau, type WeightedTauOptions } from '../src/metrics/ranking.ts';

// pairs where both values are known; NaN when fewer than 2 remain or one side is constant
function weightedTau(x: number[], y: number[], opts: WeightedTauOptions = {}): number {
  const keep = x.map((v, i) => Number.isFinite(v) && Number.isFinite(y[i]));
  const a = x.filter((_, i) => keep[i]), b = y.filter((_, i) => keep[i]);
  if (a.length < 2) return NaN;
  try {
    return wtau(a, b, opts);
  } catch {
    return NaN;
  }
}
import { loadCatalogue } from '../src/zoo/node/catalogue.ts';
import { SCORE_NAMES } from '../src/transfer/shared/scores.ts';

const dir = process.argv[2] ?? 'data/zoo-gt';
const cat = loadCatalogue();
const meta = JSON.parse(readFileSync(join(dir, 'gt-meta.json'), 'utf8'));
const cells = parseGtCsv(readFileSync(join(dir, 'gt.csv'), 'utf8'));
const gt = cells;
const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;
const std = (a: number[]) => Math.sqrt(mean(a.map((x) => (x - mean(a)) ** 2)));
const fmt = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

// acc[task][model]: the GT (mean over every fold of every repeat)
function table(): Map<string, Map<string, number>> {
  const t = new Map<string, Map<string, number>>();
  for (const r of cells) {
    if (!t.has(r.task)) t.set(r.task, new Map());
    t.get(r.task)!.set(r.model, r.accuracy);
  }
  return t;
}
const A = table();
const kindOf = new Map<string, string>(
  (JSON.parse(readFileSync(join(dir, 'tasks.json'), 'utf8')).tasks as { id: string; kind: string; classes: string[] }[]).map((t) => [t.id, `${t.kind === 'fewshot' ? 'few-shot' : t.kind}`]),
);
const models = cat.models.map((m) => m.id).filter((id) => [...A.values()].some((row) => row.has(id)));
const tasks = [...A.keys()];
const vec = (row: Map<string, number>, ids = models) => ids.map((id) => row.get(id) ?? NaN);

const mb = cat.models.reduce((a, m) => a + m.bytes, 0) / 1e6;
const fams = [...new Set(cat.models.map((m) => m.family))];
console.log(`zoo: ${cat.models.length} models (${fams.map((f) => `${f} ${cat.models.filter((m) => m.family === f).length}`).join(', ')}), ${mb.toFixed(1)} MB`);
console.log(`  params ${Math.min(...cat.models.map((m) => m.params))}..${Math.max(...cat.models.map((m) => m.params))}, MACs ${(Math.min(...cat.models.map((m) => m.macs)) / 1e6).toFixed(1)}M..${(Math.max(...cat.models.map((m) => m.macs)) / 1e6).toFixed(1)}M`);
console.log(`  sources: ${[...new Set(cat.models.map((m) => `${m.source}(${m.sourceDomain})`))].join(' ')}`);
console.log(`  blind models: ${cat.models.filter((m) => m.split === 'blind').length} (reserved family ${cat.reservedFamilies.join(',')}, reserved sources ${cat.reservedSources.join(',')})`);
console.log(`GT (format v${meta.version}): ${models.length} models x ${tasks.length} tasks (${gt.length} cells, ${meta.missing} missing)`);

// spread
const stds = tasks.map((t) => std(vec(A.get(t)!).filter(Number.isFinite)));
const ranges = tasks.map((t) => {
  const v = vec(A.get(t)!).filter(Number.isFinite);
  return Math.max(...v) - Math.min(...v);
});
const best = tasks.map((t) => {
  const row = A.get(t)!;
  let b = models[0];
  for (const id of models) if ((row.get(id) ?? -1) > (row.get(b) ?? -1)) b = id;
  return b;
});
let differ = 0, pairs = 0;
for (let i = 0; i < best.length; i++) for (let j = i + 1; j < best.length; j++) {
  pairs++;
  if (best[i] !== best[j]) differ++;
}
const bestCounts = new Map<string, number>();
best.forEach((b) => bestCounts.set(b, (bestCounts.get(b) ?? 0) + 1));
const topBest = [...bestCounts].sort((a, b) => b[1] - a[1]).slice(0, 5);
console.log(`  spread: mean per-task std ${fmt(mean(stds))}, mean per-task range (best - worst) ${fmt(mean(ranges))}`);
console.log(`  best model: ${bestCounts.size} distinct over ${tasks.length} tasks; most often ${topBest.map(([m, c]) => `${m} ${c}`).join(', ')}`);
const famBest = new Map<string, number>();
best.forEach((b) => {
  const f = cat.models.find((m) => m.id === b)!.family;
  famBest.set(f, (famBest.get(f) ?? 0) + 1);
});
console.log(`  best family: ${[...famBest].map(([f, c]) => `${f} ${c}`).join(', ')}`);

// noise ceiling: weighted tau between the first and the second half of the repeats, per task kind
{
  const kindCeil = (cs: GtCellV2[], few: boolean | null) => noiseCeilingV2(cs, (c) => few === null || (kindOf.get(c.task) === 'few-shot') === few);
  const all = kindCeil(cells, null);
  const taus = [...all.perTask.values()].sort((x, y) => x - y);
  console.log(`noise ceiling (${protocolLabel(GT_CV)}): weighted tau between the two halves of the repeats: mean ${fmt(all.tau)} over ${all.tasks} tasks (median ${fmt(taus[taus.length >> 1])})`);
  const kinds = new Map<string, number[]>();
  for (const [t, tau] of all.perTask) (kinds.get(kindOf.get(t) ?? '?') ?? kinds.set(kindOf.get(t) ?? '?', []).get(kindOf.get(t) ?? '?')!).push(tau);
  console.log(`  by task kind: ${[...kinds].map(([k, v]) => `${k} ${fmt(mean(v))} (${v.length})`).join(', ')}`);
  // real = every real pre-trained model with GT: the npm packages' models and the real backbones
  const read = (path: string): GtCellV2[] => {
    try {
      return existsSync(path) ? parseGtCsv(readFileSync(path, 'utf8')) : [];
    } catch (e) {
      console.log(`${path}: ${(e as Error).message}`);
      return [];
    }
  };
  const backbones = read('data/real-gt/gt.csv');
  const real = [...read('data/npm-gt/gt.csv'), ...backbones];
  const bb = kindCeil(backbones, false);
  const bbIds = new Set(backbones.map((c) => c.model));
  console.log(realBackbonesLine(bbIds.size, REAL_BACKBONES.filter((b) => bbIds.has(b.id) && b.pretraining.startsWith('ImageNet')).length, new Set(backbones.map((c) => c.task)).size, bb.tau));
  const realIds = new Set(real.map((c) => c.model));
  const rz = kindCeil(real, false), rf = kindCeil(real, true), zf = kindCeil(cells, true), zz = kindCeil(cells, false);
  console.log(`few-shot tasks (${[...kindOf.values()].filter((k) => k === 'few-shot').length}, 8 images per class) are reported apart: noise ceiling zoo ${fmt(zf.tau)}, real ${fmt(rf.tau)}`);
  console.log(`GT noise ceiling: zoo ${fmt(zz.tau)}, real ${fmt(rz.tau)} (k-fold ${GT_CV.folds} x ${GT_CV.repeats} repeats, probe ${GT_CV.probe})`);
  console.log(`  (over the ${zz.tasks} full and subset tasks; real = ${realIds.size} real pre-trained models with GT — npm packages' models and real backbones — on ${rz.tasks} tasks)`);
}

// linear probe vs fine-tune
const ftPath = join(dir, 'finetune.csv');
if (existsSync(ftPath)) {
  const ft = parseCsv(readFileSync(ftPath, 'utf8')).rows;
  const byTask = new Map<string, { m: string; acc: number }[]>();
  for (const r of ft) (byTask.get(r.task) ?? byTask.set(r.task, []).get(r.task)!).push({ m: r.model, acc: Number(r.accuracy) });
  const kt: number[] = [], wt: number[] = [];
  for (const [t, rows] of byTask) if (rows.length >= 3 && A.has(t)) {
    const known = rows.filter((r) => A.get(t)!.has(r.m));
    if (known.length < 3) continue;
    const lp = known.map((r) => A.get(t)!.get(r.m)!);
    const fa = known.map((r) => r.acc);
    let k = NaN;
    try {
      k = kendallTauB(lp, fa);
    } catch {
      /* constant input */
    }
    const w = weightedTau(fa, lp, { rank: null });
    if (Number.isFinite(k)) kt.push(k);
    if (Number.isFinite(w)) wt.push(w);
  }
  console.log(`linear probe vs fine-tune: ${ft.length} fine-tuned pairs over ${byTask.size} tasks; Kendall tau-b mean ${fmt(mean(kt))}, weighted tau mean ${fmt(mean(wt))}`);
}

// baselines against the GT (weightedTau(gt, score, rank=None), as Model Spider)
const scPath = join(dir, 'scores.csv');
if (existsSync(scPath)) {
  const sc = parseCsv(readFileSync(scPath, 'utf8')).rows;
  const S = new Map<string, Map<string, Record<string, number>>>();
  for (const r of sc) {
    if (!S.has(r.task)) S.set(r.task, new Map());
    S.get(r.task)!.set(r.model, Object.fromEntries(SCORE_NAMES.map((n) => [n, Number(r[n])])));
  }
  const priors: Record<string, (id: string) => number> = {
    params: (id) => cat.models.find((m) => m.id === id)!.params,
    'source accuracy': (id) => cat.models.find((m) => m.id === id)!.sourceAccuracy,
  };
  const line: string[] = [];
  for (const [name, f] of Object.entries(priors))
    line.push(`${name} ${fmt(mean(tasks.map((t) => weightedTau(vec(A.get(t)!), models.map(f), { rank: null })).filter(Number.isFinite)))}`);
  // mean GT over the other tasks (leave-one-out)
  line.push(`mean-of-other-tasks ${fmt(mean(tasks.map((t) => weightedTau(vec(A.get(t)!), models.map((id) => mean(tasks.filter((u) => u !== t).map((u) => A.get(u)!.get(id) ?? 0))), { rank: null })).filter(Number.isFinite)))}`);
  for (const n of SCORE_NAMES)
    line.push(`${n} ${fmt(mean(tasks.filter((t) => S.has(t)).map((t) => weightedTau(vec(A.get(t)!), models.map((id) => S.get(t)!.get(id)?.[n] ?? NaN), { rank: null })).filter(Number.isFinite)))}`);
  console.log(`baselines (mean weighted tau vs GT): ${line.join(', ')}`);
}
// real pre-trained models from npm packages with measured GT (docs/npm-models.md)
if (existsSync('data/npm-gt/gt.csv')) console.log(realModelsSummaryLine(loadInventory(), readFileSync('data/npm-gt/gt.csv', 'utf8')));
console.log(`zoo: ${cat.models.length} models, ${tasks.length} tasks, best-model changes across tasks: ${((100 * differ) / Math.max(1, pairs)).toFixed(1)}%`);
