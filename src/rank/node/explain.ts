// `npm run rank:explain`: writes models/ranker/explain.json, what the results page needs to explain
// a recommendation: every training task's ranker input (for "your data is nearest to ...") and the
// ground-truth accuracies measured on it. Rerun after `npm run rank:train` (the PCA must match).
import './tf-shim.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Scorer } from '../model/scorer.ts';
import { f32ToB64, type RankerArtifact } from '../shared/artifact.ts';
import { assemble } from './assemble.ts';
import { SHARED_DATASETS } from '../../zoo/node/dataset.ts';
import { EXPLAIN_FORMAT, EXPLAIN_VERSION, type ExplainFile } from '../../select/shared/explain.ts';

const OUT = 'models/ranker/explain.json';
const art = JSON.parse(readFileSync('models/ranker/ranker.json', 'utf8')) as RankerArtifact;
const scorer = new Scorer(art);
const manifest = JSON.parse(readFileSync(join(SHARED_DATASETS, 'MANIFEST.json'), 'utf8')) as { datasets: { name: string; domain: string }[] };
const domainOf = new Map(manifest.datasets.map((d) => [d.name, d.domain]));
const a = await assemble({ log: true });
const round = (x: number) => Math.round(x * 1e4) / 1e4;
const tasks = a.tasks
  .filter((t) => a.taskTok.has(t.id) && a.gt.acc.has(t.id))
  .map((t) => {
    const inp = scorer.datasetInput(a.taskTok.get(t.id)!);
    return {
      id: t.id,
      dataset: t.dataset,
      domain: domainOf.get(t.dataset) ?? 'unknown',
      classes: inp.n,
      input: { n: inp.n, rows: f32ToB64(inp.rows), centres: f32ToB64(inp.centres), stats: inp.stats.map(round) },
      accuracy: Object.fromEntries([...a.gt.acc.get(t.id)!].map(([m, v]) => [m, round(v)])),
    };
  });
const file: ExplainFile = {
  format: EXPLAIN_FORMAT,
  version: EXPLAIN_VERSION,
  ranker: art.id,
  p: art.pca.p,
  domains: [...new Set(tasks.map((t) => t.domain))].sort(),
  tasks,
};
writeFileSync(OUT, JSON.stringify(file));
console.log(`${OUT}: ${tasks.length} tasks, ${file.domains.length} domains, ${(JSON.stringify(file).length / 1024).toFixed(0)} KiB`);
scorer.dispose();
