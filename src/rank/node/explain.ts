// `npm run rank:explain`: writes models/ranker/explain.json, what the results page needs to explain
// a recommendation: every training task's ranker input (for "your data is nearest to ...") and the
// ground-truth accuracies measured on it (the zoo's data/zoo-gt, the npm models' data/npm-gt and the real backbones' data/real-gt),
// the k of the measured-neighbour score (src/select/shared/neighbour.ts) and the lambda of the
// standing ridge (the page's fit for measured models), both chosen by leave-one-dataset-out over
// these tasks. Rerun after `npm run rank:train` (the PCA must match) or
// after new GT.
import './tf-shim.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Scorer } from '../model/scorer.ts';
import { f32ToB64, type RankerArtifact } from '../shared/artifact.ts';
import { assemble } from './assemble.ts';
import { SHARED_DATASETS } from '../../zoo/node/dataset.ts';
import { EXPLAIN_FORMAT, EXPLAIN_VERSION, type ExplainFile } from '../../select/shared/explain.ts';
import { chooseNeighbourK, measuredTask } from '../../select/shared/neighbour.ts';
import { chooseStandingLambda } from '../shared/standing-ridge.ts';
import { measuredRows } from '../../select/shared/fit.ts';
import { parseGt } from '../../npmzoo/shared/report.ts';

const OUT = 'models/ranker/explain.json';
const art = JSON.parse(readFileSync('models/ranker/ranker.json', 'utf8')) as RankerArtifact;
const scorer = new Scorer(art);
const manifest = JSON.parse(readFileSync(join(SHARED_DATASETS, 'MANIFEST.json'), 'utf8')) as { datasets: { name: string; domain: string }[] };
const domainOf = new Map(manifest.datasets.map((d) => [d.name, d.domain]));
const a = await assemble({ log: true });
const round = (x: number) => Math.round(x * 1e4) / 1e4;
// the npm models' measured GT on the same tasks (seed 0, as the zoo's)
const npmAcc = new Map<string, [string, number][]>();
for (const r of parseGt(readFileSync('data/npm-gt/gt.csv', 'utf8'))) npmAcc.set(r.task, [...(npmAcc.get(r.task) ?? []), [r.model, r.accuracy]]);
// and the real ImageNet backbones' (npm run real-models:gt): the page ranks the ONNX ones as candidates
for (const r of parseGt(readFileSync('data/real-gt/gt.csv', 'utf8'))) npmAcc.set(r.task, [...(npmAcc.get(r.task) ?? []), [r.model, r.accuracy]]);
const kept = a.tasks.filter((t) => a.taskTok.has(t.id) && a.gt.acc.has(t.id));
const inputs = kept.map((t) => scorer.datasetInput(a.taskTok.get(t.id)!));
const tasks = kept
  .map((t, i) => {
    const inp = inputs[i];
    return {
      id: t.id,
      dataset: t.dataset,
      domain: domainOf.get(t.dataset) ?? 'unknown',
      classes: inp.n,
      input: { n: inp.n, rows: f32ToB64(inp.rows), centres: f32ToB64(inp.centres), stats: inp.stats.map(round) },
      accuracy: Object.fromEntries([...a.gt.acc.get(t.id)!, ...(npmAcc.get(t.id) ?? [])].map(([m, v]) => [m, round(v)])),
    };
  });
const measured = tasks.map((t, i) => measuredTask(t.id, t.dataset, inputs[i].centres, t.classes, art.pca.p, new Map(Object.entries(t.accuracy))));
const choice = chooseNeighbourK(measured);
// the page's fit for measured models: lambda by leave-one-dataset-out over every task and model here
const { models: srModels, rows: srRows } = measuredRows(measured);
const sr = chooseStandingLambda(srModels, srRows);
const file: ExplainFile = {
  format: EXPLAIN_FORMAT,
  version: EXPLAIN_VERSION,
  ranker: art.id,
  p: art.pca.p,
  domains: [...new Set(tasks.map((t) => t.domain))].sort(),
  neighbour: { k: choice.k, tried: choice.tried.map((x) => ({ ...x, tau: round(x.tau) })) },
  standingRidge: { lambda: sr.lambda, tried: sr.tried.map((x) => ({ ...x, tau: round(x.tau) })) },
  tasks,
};
writeFileSync(OUT, JSON.stringify(file));
const models = new Set(tasks.flatMap((t) => Object.keys(t.accuracy)));
console.log(`${OUT}: ${tasks.length} tasks, ${models.size} measured models (${[...models].filter((m) => m.startsWith('npm:')).length} npm, ${[...models].filter((m) => m.startsWith('real:')).length} real backbones), ${file.domains.length} domains, ${(JSON.stringify(file).length / 1024).toFixed(0)} KiB`);
console.log(`standing ridge lambda = ${sr.lambda} (leave-one-dataset-out weighted tau over ${srModels.length} models: ${sr.tried.map((x) => `${x.lambda} ${x.tau.toFixed(3)}`).join(', ')})`);
console.log(`measured-neighbour k = ${choice.k} (leave-one-dataset-out weighted tau: ${choice.tried.map((x) => `k=${x.k} ${x.tau.toFixed(3)}`).join(', ')})`);
scorer.dispose();
