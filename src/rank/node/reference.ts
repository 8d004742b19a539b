// Writes src/rank/rank-reference.json: dataset tokens of two tasks and the Node scores of every zoo
// model for them (both rankers), from the committed weights. The browser test checks the page
// gives the same scores. `rank:train` refreshes it; or run `node --import tsx src/rank/node/reference.ts`.
import './tf-shim.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { tf } from '../../probe/tfjs/tf.ts';
import { Scorer } from '../model/scorer.ts';
import type { RankerArtifact, ZooTokens } from '../shared/artifact.ts';
import { loadCatalogue } from '../../zoo/node/catalogue.ts';
import { loadTasks, taskTokens } from './data.ts';

export const REFERENCE_TASKS = ['pacs/c5-0', 'mnist/c5-0'];

export async function writeReference(path = 'src/rank/rank-reference.json'): Promise<void> {
  await tf.setBackend('cpu');
  const art = JSON.parse(readFileSync('models/ranker/ranker.json', 'utf8')) as RankerArtifact;
  const zoo = JSON.parse(readFileSync('models/ranker/zoo-tokens.json', 'utf8')) as ZooTokens;
  const scorer = new Scorer(art);
  const models = scorer.prepareZoo(zoo);
  const tasks = loadTasks().filter((t) => REFERENCE_TASKS.includes(t.id));
  const tok = await taskTokens(tasks, loadCatalogue());
  const tokens = REFERENCE_TASKS.map((t) => tok.get(t)!);
  const scores = Object.fromEntries((['cross', 'self'] as const).map((k) => [k, tokens.map((t) => Array.from(scorer.score(t, models, k)))]));
  writeFileSync(path, JSON.stringify({ ranker: art.id, models: models.map((m) => m.id), tasks: REFERENCE_TASKS, tokens, scores }) + '\n');
  scorer.dispose();
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) await writeReference();
