// `npm run npm-models:report`: the npm models' GT beside the zoo trained here, as one table
// (data/npm-gt/gt-all.csv = data/zoo-gt/gt.csv rows + data/npm-gt/gt.csv rows, same format), the
// noise ceilings, and per dataset the best real model and its margin over the best trained one.
// While the zoo's gt.csv is not written yet, the zoo rows are read from its results cache
// (.cache/zoo/gt/shared/results.jsonl, read-only) and the output says so.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { bestRealVsTrained, isReal, noiseCeiling, parseGt, realModelBaselines, type GtCell } from '../shared/report.ts';
import { npmModelId } from '../shared/types.ts';
import { realModelsSummaryLine } from '../shared/catalogue.ts';
import { loadInventory } from './inventory-file.ts';

const ZOO_GT = resolve('data/zoo-gt/gt.csv');
const ZOO_CACHE = resolve('.cache/zoo/gt/shared/results.jsonl');
const NPM_GT = resolve('data/npm-gt/gt.csv');
const HEADER = 'task,model,seed,accuracy,C,n_train,n_test,classes';

export function zooRows(): { rows: GtCell[]; lines: string[]; source: string } {
  if (existsSync(ZOO_GT)) {
    const text = readFileSync(ZOO_GT, 'utf8');
    return { rows: parseGt(text), lines: text.trim().split('\n').slice(1), source: 'data/zoo-gt/gt.csv' };
  }
  if (!existsSync(ZOO_CACHE)) return { rows: [], lines: [], source: 'none' };
  const lines: string[] = [];
  const rows: GtCell[] = [];
  for (const l of readFileSync(ZOO_CACHE, 'utf8').split('\n')) if (l.trim()) {
    try {
      const r = JSON.parse(l);
      rows.push({ task: r.task, model: r.model, seed: r.seed, accuracy: r.accuracy });
      lines.push([r.task, r.model, r.seed, Number(r.accuracy).toPrecision(6), r.C, r.nTrain, r.nTest, r.classes].join(','));
    } catch {
      /* a line being written */
    }
  }
  return { rows, lines, source: `${ZOO_CACHE} (zoo GT still being computed; partial)` };
}

function main(): void {
  const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
  const npmText = readFileSync(NPM_GT, 'utf8');
  const npm = parseGt(npmText);
  const zoo = zooRows();
  const all = [...zoo.rows, ...npm];
  writeFileSync(resolve('data/npm-gt/gt-all.csv'), [HEADER, ...zoo.lines, ...npmText.trim().split('\n').slice(1)].join('\n') + '\n');
  const npmModels = new Set(npm.map((r) => r.model));
  const tasks = new Set(npm.map((r) => r.task));
  console.log(`npm GT: ${npmModels.size} real models x ${tasks.size} tasks, ${npm.length} rows (data/npm-gt/gt.csv); zoo rows from ${zoo.source}: ${zoo.rows.length}`);
  const nc = noiseCeiling(npm);
  console.log(`noise ceiling, real models only: weighted tau between split seeds 0 and 1: mean ${fmt(nc.tau)} over ${nc.tasks} tasks (${nc.models} models)`);
  const onTasks = all.filter((r) => tasks.has(r.task));
  const nz = noiseCeiling(onTasks, (m) => !isReal(m));
  const na = noiseCeiling(onTasks);
  console.log(`noise ceiling on the same tasks: trained zoo ${fmt(nz.tau)} (${nz.models} models), real + trained together ${fmt(na.tau)} (${na.models} models, ${na.tasks} tasks)`);
  console.log('per dataset (mean seed-0 accuracy over the tasks both were measured on): best real model vs best trained model, margin');
  const best = bestRealVsTrained(all);
  for (const b of best) console.log(`  ${b.dataset.padEnd(20)} ${b.bestReal.padEnd(28)} ${fmt(b.realAcc)}  ${b.bestTrained.padEnd(26)} ${fmt(b.trainedAcc)}  ${b.margin >= 0 ? '+' : ''}${fmt(b.margin)}  (${b.tasks} task${b.tasks > 1 ? 's' : ''})`);
  const wins = best.filter((b) => b.margin > 0).length;
  console.log(`real model best on ${wins}/${best.length} datasets; mean margin ${fmt(best.reduce((a, b) => a + b.margin, 0) / Math.max(1, best.length))}`);
  // baselines on the real models alone (what the ranker's real-models line is compared with)
  const inv = loadInventory();
  const scoresText = readFileSync(resolve('data/npm-gt/scores.csv'), 'utf8').trim().split('\n');
  const sh = scoresText[0].split(',');
  const logme = new Map(scoresText.slice(1).map((l) => l.split(',')).map((c) => [`${c[sh.indexOf('task')]}|${c[sh.indexOf('model')]}`, Number(c[sh.indexOf('LogME')])] as const));
  const params = new Map(inv.models.map((m) => [npmModelId(m.package, m.id), m.params] as const));
  const b = realModelBaselines(npm, logme, params);
  console.log(`real models only, weighted tau vs GT (rank=None) over ${b.tasks} tasks: LogME ${fmt(b.logme)}, prior params ${fmt(b.params)}, prior mean-of-other-tasks ${fmt(b.meanOther)}`);
  console.log(realModelsSummaryLine(inv, npmText));
}

main();
