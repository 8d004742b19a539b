// `npm run gt:protocol [-- --tasks N --models M]`: how the GT protocol was chosen (GT format v2,
// docs/zoo.md). On a seeded sample of tasks x zoo models it measures, for each candidate probe under
// repeated stratified k-fold:
//   * the noise ceiling: weighted tau between the first and the second half of the repeats;
//   * agreement with the L-BFGS logistic probe (C chosen inside the training folds) on the same folds;
//   * the cost: milliseconds per (model, task) cell, on this machine, now.
// Beside them, v1's protocol (one 70/30 split at <= 30 images per class, two split seeds) for scale.
import { weightedTau } from '../src/metrics/ranking.ts';
import { GT_CV, cvProbe, halves, protocolLabel, type CvProtocol } from '../src/probe/shared/cv.ts';
import { linearProbe } from '../src/probe/shared/probe.ts';
import { takeRows } from '../src/probe/shared/split.ts';
import { mulberry32 } from '../src/shared/random.ts';
import { loadCatalogue, ZOO_DIR } from '../src/zoo/node/catalogue.ts';
import { datasetOutputs, releaseSessions } from '../src/zoo/node/features.ts';
import { EXCLUDED_TARGETS, loadTargets } from '../src/zoo/node/gt.ts';
import { sharedManifest } from '../src/zoo/node/dataset.ts';
import { loadTasks } from '../src/rank/node/data.ts';
import { resolveTask } from '../src/zoo/shared/tasks.ts';
import { loadavg } from 'node:os';

const arg = (k: string, d: number) => (process.argv.includes(k) ? Number(process.argv[process.argv.indexOf(k) + 1]) : d);
const rand = mulberry32(2026);
const pick = <T>(xs: T[], k: number) => xs.map((x) => [rand(), x] as const).sort((a, b) => a[0] - b[0]).slice(0, k).map((p) => p[1]);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

const catalogue = loadCatalogue();
const allTasks = loadTasks();
const tasks = [...pick(allTasks.filter((t) => t.kind !== 'fewshot'), arg('--tasks', 8)), ...pick(allTasks.filter((t) => t.kind === 'fewshot'), 2)];
const models = pick(catalogue.models, arg('--models', 10));
const names = [...new Set(tasks.map((t) => t.dataset))].filter((n) => !(n in EXCLUDED_TARGETS) && sharedManifest().some((d) => d.name === n));
const targets = loadTargets(names, catalogue);

// ridge at three penalties and two repeat counts; the logistic reference at 4 repeats (its cost)
const candidates: CvProtocol[] = [
  ...[4, 8].flatMap((repeats) => [0.3, 1, 3].map((lambda) => ({ ...GT_CV, probe: 'ridge' as const, lambda, repeats }))),
  { ...GT_CV, probe: 'logistic', repeats: 4 },
];
const label = (p: CvProtocol) => `${p.probe === 'ridge' ? `ridge lambda=${p.lambda}` : 'logistic L-BFGS'}, 5 x ${p.repeats}${p.probe === GT_CV.probe && p.lambda === GT_CV.lambda && p.repeats === GT_CV.repeats ? ' (GT)' : ''}`;
// acc[candidate][task][model] = [all, halfA, halfB]
const acc = candidates.map(() => tasks.map(() => [] as number[][]));
const ms = candidates.map(() => 0);
const v1 = tasks.map(() => [] as number[][]);
let v1ms = 0;
console.log(`gt:protocol: ${tasks.length} tasks (${tasks.map((t) => t.id).join(' ')}) x ${models.length} zoo models`);
for (const m of models) {
  for (const [ti, t] of tasks.entries()) {
    const tg = targets.get(t.dataset)!;
    const out = await datasetOutputs(ZOO_DIR, m, tg.px);
    const { ids, labels } = resolveTask(t, tg.px.listing.classes, tg.px.listing.labels, tg.eligible);
    const f = takeRows(out.features, m.featureDim, ids);
    candidates.forEach((p, ci) => {
      const t0 = performance.now();
      const r = cvProbe(f, labels, ids.length, m.featureDim, p);
      ms[ci] += performance.now() - t0;
      acc[ci][ti].push([r.accuracy, ...halves(r.repeatAccuracy)]);
    });
    // v1: at most 30 images per class (seeded), one 70/30 split per seed
    const cap = resolveTask({ ...t, shots: t.kind === 'fewshot' ? t.shots : 30 }, tg.px.listing.classes, tg.px.listing.labels, tg.eligible);
    const f1 = takeRows(out.features, m.featureDim, cap.ids);
    const t1 = performance.now();
    const s = [0, 1].map((seed) => linearProbe(f1, cap.labels, cap.ids.length, m.featureDim, { seed, testFraction: 0.3, cGrid: [0.01, 0.1, 1], folds: 2, maxIter: 40 }).accuracy);
    v1ms += performance.now() - t1;
    v1[ti].push(s);
  }
  process.stdout.write('.');
}
releaseSessions();
console.log('');
const cells = tasks.length * models.length;
const perTask = (rows: number[][][], f: (ts: number[][]) => number) => mean(rows.map(f));
const logistic = acc[candidates.length - 1];
console.log('candidate (k-fold k x repeats)        | noise ceiling (non-few-shot / few-shot) | tau_w vs logistic | ms per cell');
candidates.forEach((p, ci) => {
  const ceil = (few: boolean) => mean(tasks.map((t, ti) => [t, ti] as const).filter(([t]) => (t.kind === 'fewshot') === few).map(([, ti]) => weightedTau(acc[ci][ti].map((r) => r[1]), acc[ci][ti].map((r) => r[2]))));
  const agree = perTask(acc[ci].map((rows, ti) => [rows, logistic[ti]] as unknown as number[][]), (pair) => {
    const [rows, lg] = pair as unknown as [number[][], number[][]];
    return weightedTau(rows.map((r) => r[0]), lg.map((r) => r[0]));
  });
  console.log(`${label(p).padEnd(38)}| ${ceil(false).toFixed(3)} / ${ceil(true).toFixed(3)}${' '.repeat(25)}| ${p.probe === 'logistic' ? '  -  ' : agree.toFixed(3)}             | ${(ms[ci] / cells).toFixed(0)}`);
});
const v1ceil = (few: boolean) => mean(tasks.map((t, ti) => [t, ti] as const).filter(([t]) => (t.kind === 'fewshot') === few).map(([, ti]) => weightedTau(v1[ti].map((r) => r[0]), v1[ti].map((r) => r[1]))));
console.log(`${'v1: one 70/30 split, <= 30 per class'.padEnd(38)}| ${v1ceil(false).toFixed(3)} / ${v1ceil(true).toFixed(3)}${' '.repeat(25)}|                   | ${(v1ms / cells / 2).toFixed(0)}`);
console.log(`GT protocol: ${protocolLabel(GT_CV)} (load average ${loadavg()[0].toFixed(1)})`);
