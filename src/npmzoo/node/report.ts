// `npm run npm-models:report`: the npm models' GT beside the zoo trained here, as one table
// (data/npm-gt/gt-all.csv = data/zoo-gt/gt.csv rows + data/npm-gt/gt.csv rows, GT format v2), the
// noise ceilings, and per dataset the best real model and its margin over the best trained one.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { gtCsv } from '../../zoo/shared/gt-format.ts';
import { REAL_BACKBONES } from '../../realzoo/shared/backbones.ts';
import { onnxFacts } from '../../realzoo/node/files.ts';
import { resolve } from 'node:path';
import { bestRealVsTrained, isReal, noiseCeiling, parseGt, realModelBaselines, type GtCell } from '../shared/report.ts';
import { npmModelId } from '../shared/types.ts';
import { realModelsSummaryLine } from '../shared/catalogue.ts';
import { loadInventory } from './inventory-file.ts';

const ZOO_GT = resolve('data/zoo-gt/gt.csv');
const NPM_GT = resolve('data/npm-gt/gt.csv');
const REAL_GT = resolve('data/real-gt/gt.csv');

export function zooRows(): { rows: GtCell[]; source: string } {
  if (!existsSync(ZOO_GT)) return { rows: [], source: 'none' };
  return { rows: parseGt(readFileSync(ZOO_GT, 'utf8')), source: 'data/zoo-gt/gt.csv' };
}

function main(): void {
  const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
  const npmText = readFileSync(NPM_GT, 'utf8');
  const npm = parseGt(npmText);
  const zoo = zooRows();
  // the real backbones (npm run real-models:gt) join the one table
  const backbones = existsSync(REAL_GT) ? parseGt(readFileSync(REAL_GT, 'utf8')) : [];
  const all = [...zoo.rows, ...npm, ...backbones];
  writeFileSync(resolve('data/npm-gt/gt-all.csv'), gtCsv(all));
  const npmModels = new Set(npm.map((r) => r.model));
  const tasks = new Set(npm.map((r) => r.task));
  console.log(`npm GT: ${npmModels.size} real models x ${tasks.size} tasks, ${npm.length} rows (data/npm-gt/gt.csv); zoo rows from ${zoo.source}: ${zoo.rows.length}`);
  const nc = noiseCeiling(npm);
  console.log(`noise ceiling, real models only: weighted tau between the two halves of the repeats: mean ${fmt(nc.tau)} over ${nc.tasks} tasks (${nc.models} models)`);
  const onTasks = all.filter((r) => tasks.has(r.task));
  const nz = noiseCeiling(onTasks, (m) => !isReal(m));
  const na = noiseCeiling(onTasks);
  console.log(`noise ceiling on the same tasks: trained zoo ${fmt(nz.tau)} (${nz.models} models), real + trained together ${fmt(na.tau)} (${na.models} models, ${na.tasks} tasks)`);
  if (backbones.length) {
    const nb = noiseCeiling(backbones);
    console.log(`real backbones (data/real-gt/gt.csv): ${new Set(backbones.map((r) => r.model)).size} models, ${backbones.length} cells; noise ceiling ${fmt(nb.tau)} over ${nb.tasks} tasks`);
  }
  console.log('per dataset (mean GT accuracy over the tasks both were measured on): best real model vs best trained model, margin');
  const best = bestRealVsTrained(all);
  for (const b of best) console.log(`  ${b.dataset.padEnd(20)} ${b.bestReal.padEnd(28)} ${fmt(b.realAcc)}  ${b.bestTrained.padEnd(26)} ${fmt(b.trainedAcc)}  ${b.margin >= 0 ? '+' : ''}${fmt(b.margin)}  (${b.tasks} task${b.tasks > 1 ? 's' : ''})`);
  const wins = best.filter((b) => b.margin > 0).length;
  console.log(`real model best on ${wins}/${best.length} datasets; mean margin ${fmt(best.reduce((a, b) => a + b.margin, 0) / Math.max(1, best.length))}`);
  // baselines on the real models alone (what the ranker's real-models line is compared with)
  const inv = loadInventory();
  const scoresText = readFileSync(resolve('data/npm-gt/scores.csv'), 'utf8').trim().split('\n');
  const sh = scoresText[0].split(',');
  const logme = new Map(scoresText.slice(1).map((l) => l.split(',')).map((c) => [`${c[sh.indexOf('task')]}|${c[sh.indexOf('model')]}`, Number(c[sh.indexOf('LogME')])] as const));
  for (const c of backbones) if (c.scores?.LogME !== undefined) logme.set(`${c.task}|${c.model}`, c.scores.LogME);
  const params = new Map(inv.models.map((m) => [npmModelId(m.package, m.id), m.params] as const));
  for (const bb of REAL_BACKBONES) params.set(bb.id, bb.format === 'onnx-encoder' ? onnxFacts(bb).params : bb.params);
  const b = realModelBaselines([...npm, ...backbones], logme, params);
  console.log(`real models only (npm + backbones), weighted tau vs GT (rank=None) over ${b.tasks} tasks: LogME ${fmt(b.logme)}, prior params ${fmt(b.params)}, prior mean-of-other-tasks ${fmt(b.meanOther)}`);
  console.log(realModelsSummaryLine(inv, npmText));
}

main();
