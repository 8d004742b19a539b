// `npm run bench:rank [-- --data DIR] [-- --no-page]`: the rankers judged in four quadrants,
// measured on the spot from the committed weights (models/ranker/) and the measured GT
// (data/zoo-gt), beside random, priors, heuristics, Copeland of heuristics and the
// Model-Spider-style baseline; then the GT noise ceiling, scoring time, the line
// `blind-datasets tau_w: X.XXX (LogME X.XXX)`; before it, the real pre-trained npm models' block
// (src/npmzoo/node/bench-real.ts) and its line `real-models tau_w: X.XXX (LogME X.XXX)`; last, every
// real model measured here as one candidate set (src/rank/node/bench-real-models.ts), ending with
// `real blind-datasets top-3 checked tau_w: …` and `real blind-datasets tau_w: … (best prior …)`.
import '../src/rank/node/tf-shim.ts';
import { rerankTopK } from '../src/metrics/aggregate.ts';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { copeland, borda } from '../src/metrics/aggregate.ts';
import { tf } from '../src/probe/tfjs/tf.ts';
import { mulberry32 } from '../src/shared/random.ts';
import { SCORE_NAMES } from '../src/transfer/shared/scores.ts';
import { Scorer } from '../src/rank/model/scorer.ts';
import type { RankerArtifact, ZooTokens } from '../src/rank/shared/artifact.ts';
import type { DatasetInput, PreparedModel } from '../src/rank/shared/features.ts';
import { assemble, evaluate, type QuadrantResult } from '../src/rank/node/assemble.ts';
import { ceilingOf, DEFAULT_ENCODER, loadGt, loadTasks, mergeGt, taskTokens, type GtTable } from '../src/rank/node/data.ts';
import { realModelsBench } from '../src/npmzoo/node/bench-real.ts';
import { realModelsBlock, type CustomData } from '../src/rank/node/bench-real-models.ts';
import type { DatasetTokens } from '../src/tokens/shared/format.ts';
import { meanDirection } from '../src/select/shared/explain.ts';
import { blendWithMeasured, chooseNeighbourK, measuredTask, neighbourScores } from '../src/select/shared/neighbour.ts';

const arg = (n: string) => { const i = process.argv.indexOf(n); return i >= 0 ? process.argv[i + 1] : undefined; };

interface Quadrant { name: string; tasks: string[]; models: string[] }


export async function main(): Promise<void> {
  const t0 = Date.now();
  await tf.setBackend('cpu');
  const dataDir = arg('--data');
  // --encoder ID: the ranker trained on another encoder's tokens (npm run rank:train -- --encoder ID)
  const encoderId = arg('--encoder');
  const dir = encoderId && encoderId !== DEFAULT_ENCODER ? join('models/ranker', encoderId) : 'models/ranker';
  if (!existsSync(join(dir, 'ranker.json'))) throw new Error(`no ranker for encoder ${encoderId} in ${dir}: run npm run rank:train -- --encoder ${encoderId}`);
  const art = JSON.parse(readFileSync(join(dir, 'ranker.json'), 'utf8')) as RankerArtifact;
  const zoo = JSON.parse(readFileSync(join(dir, 'zoo-tokens.json'), 'utf8')) as ZooTokens;
  const scorer = new Scorer(art);
  const all = scorer.prepareZoo(zoo);
  const a = await assemble({ encoderId: art.encoder.id });
  const sp = a.split;
  if (JSON.stringify(sp.blindDatasets) !== JSON.stringify(art.split.blindDatasets)) throw new Error('split differs from the one the ranker was trained with');
  const byId = new Map(a.cat.models.map((m) => [m.id, m]));
  const trainModels = all.filter((m) => sp.trainModels.includes(m.id));
  const blindModels = all.filter((m) => sp.blindModels.includes(m.id));

  let gt: GtTable = a.gt;
  let inputs = new Map<string, DatasetInput>([...a.taskTok].map(([t, tok]) => [t, scorer.datasetInput(tok)]));
  let quadrants: Quadrant[];
  let customTok: Map<string, DatasetTokens> | null = null;
  let customName = '';
  const trainDsTasks = a.tasks.filter((t) => sp.trainDatasets.includes(t.dataset)).map((t) => t.id);
  const blindDsTasks = a.tasks.filter((t) => sp.blindDatasets.includes(t.dataset)).map((t) => t.id);
  if (dataDir) {
    // a folder nobody trained on: measure its GT first (the zoo GT command), then tokens, then rank
    const name = basename(resolve(dataDir));
    const out = resolve('.cache/rank/custom-gt', name);
    console.log(`measuring the GT of ${dataDir} (npm run zoo:gt -- --data ${dataDir} --out ${out}) ...`);
    const r = spawnSync('node', ['--import', 'tsx', 'src/zoo/node/gt.ts', '--data', dataDir, '--out', out], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0 || !existsSync(join(out, 'gt.csv'))) throw new Error('zoo:gt --data failed');
    gt = loadGt(out, 'none');
    const tasks = loadTasks(join(out, 'tasks.json'));
    const tok = await taskTokens(tasks, a.cat, { dataDir, encoderId: art.encoder.id });
    inputs = new Map([...tok].map(([t, k]) => [t, scorer.datasetInput(k)]));
    customTok = tok;
    customName = name;
    const ids = tasks.map((t) => t.id);
    quadrants = [
      { name: 'blind datasets', tasks: ids, models: sp.trainModels },
      { name: 'double blind', tasks: ids, models: sp.blindModels },
    ];
  } else {
    quadrants = [
      { name: 'known/known', tasks: sp.knownTestTasks, models: sp.trainModels },
      { name: 'blind datasets', tasks: blindDsTasks, models: sp.trainModels },
      { name: 'blind models', tasks: trainDsTasks, models: sp.blindModels },
      { name: 'double blind', tasks: blindDsTasks, models: sp.blindModels },
    ];
  }

  // ranker scores, per candidate set (the decoder attends over the candidates it is given)
  const ts = Date.now();
  const rankerScores = new Map<string, Map<string, Map<string, number>>>(); // kind -> task -> model -> score
  for (const kind of ['cross', 'self'] as const) {
    const m = new Map<string, Map<string, number>>();
    for (const set of [trainModels, blindModels]) {
      const taskIds = [...inputs.keys()];
      const sc = scorer.scoreMany(taskIds.map((t) => inputs.get(t)!), set, kind);
      taskIds.forEach((t, i) => {
        const row = m.get(t) ?? new Map();
        set.forEach((md, j) => row.set(md.id, sc[i][j]));
        m.set(t, row);
      });
    }
    rankerScores.set(kind, m);
  }
  const nScored = inputs.size * 2;
  const scoreMs = (Date.now() - ts) / nScored;

  // priors and heuristics
  const meanGt = new Map<string, number>();
  for (const id of sp.trainModels) {
    let s = 0, n = 0;
    for (const t of sp.trainTasks) { const v = a.gt.acc.get(t)?.get(id); if (v !== undefined) { s += v; n++; } }
    meanGt.set(id, s / n);
  }
  const heurIn = (g: GtTable, name: string) => (t: string, ms: string[]) => ms.map((id) => g.scores.get(t)?.get(id)?.[name] ?? NaN);
  const hasIn = (g: GtTable, t: string, ms: string[], names: readonly string[]) => ms.every((id) => names.every((n) => Number.isFinite(g.scores.get(t)?.get(id)?.[n])));
  const heur = (name: string) => heurIn(gt, name);
  const hasAll = (t: string, ms: string[], names: readonly string[]) => hasIn(gt, t, ms, names);
  const others = SCORE_NAMES.filter((n) => n !== 'LogME');
  // best other heuristic: chosen on the training quadrant (training tasks x training models) only
  const bestOther = others
    .map((n) => ({ n, tau: evaluate(a.gt.acc, sp.trainTasks, sp.trainModels, (t, ms) => (hasIn(a.gt, t, ms, [n]) ? heurIn(a.gt, n)(t, ms) : null)).tau }))
    .sort((x, y) => y.tau - x.tau)[0].n;
  const score = (kind: string) => (t: string, ms: string[]) => ms.map((id) => rankerScores.get(kind)!.get(t)!.get(id)!);
  // known models: their standing on the nearest training tasks (the GT the ranker was trained on)
  const trainMeasured = sp.trainTasks.filter((t) => inputs.has(t) && a.gt.acc.has(t)).map((t) => {
    const inp = inputs.get(t)!;
    const row = a.gt.acc.get(t)!;
    return measuredTask(t, t.split('/')[0], inp.centres, inp.n, inp.centres.length / inp.n, new Map(sp.trainModels.filter((m) => row.has(m)).map((m) => [m, row.get(m)!])));
  });
  // k chosen on the training quadrant only (leave-one-dataset-out over training tasks x models)
  const kChoice = chooseNeighbourK(trainMeasured);
  const NEIGHBOUR_K = kChoice.k;
  const nearestGt = (t: string, ms: string[]) => {
    const inp = inputs.get(t);
    if (!inp) return null;
    const v = neighbourScores(meanDirection(inp.centres, inp.n, inp.centres.length / inp.n), trainMeasured.filter((u) => u.id !== t), ms, { k: NEIGHBOUR_K });
    return v.every(Number.isFinite) ? v : null;
  };
  const methods: [string, (t: string, ms: string[]) => ArrayLike<number> | null][] = [
    ['random (mean of 100 draws)', () => null],
    ['prior: size + source accuracy', (_t, ms) => borda([ms.map((id) => byId.get(id)!.params), ms.map((id) => byId.get(id)!.sourceAccuracy)])],
    ['prior: mean GT on training tasks', (_t, ms) => (ms.every((id) => meanGt.has(id)) ? ms.map((id) => meanGt.get(id)!) : null)],
    [`measured GT on the ${NEIGHBOUR_K >= 1000 ? 'all' : NEIGHBOUR_K} nearest training tasks`, nearestGt],
    ['LogME', (t, ms) => (hasAll(t, ms, ['LogME']) ? heur('LogME')(t, ms) : null)],
    [`best other heuristic (${bestOther})`, (t, ms) => (hasAll(t, ms, [bestOther]) ? heur(bestOther)(t, ms) : null)],
    ['Copeland of heuristics', (t, ms) => (hasAll(t, ms, SCORE_NAMES) ? copeland(SCORE_NAMES.map((n) => heur(n)(t, ms))) : null)],
    ['self-attention (Model Spider)', score('self')],
    ['cross-attention ranker', score('cross')],
    ['  + re-rank top-3 by LogME', (t, ms) => (hasAll(t, ms, ['LogME']) ? rerankTopK(score('cross')(t, ms), heur('LogME')(t, ms), 3) : null)],
    ['  + re-rank top-5 by LogME', (t, ms) => (hasAll(t, ms, ['LogME']) ? rerankTopK(score('cross')(t, ms), heur('LogME')(t, ms), 5) : null)],
    ['  + measured GT on the nearest tasks (mean)', (t, ms) => { const n = nearestGt(t, ms); return n ? blendWithMeasured(score('cross')(t, ms), n) : null; }],
  ];
  const randomEval = (q: Quadrant): QuadrantResult => {
    const rs: QuadrantResult[] = [];
    for (let d = 0; d < 100; d++) {
      const rand = mulberry32(1000 + d);
      rs.push(evaluate(gt.acc, q.tasks, q.models, (_t, ms) => ms.map(() => rand())));
    }
    const avg = (k: keyof QuadrantResult) => rs.reduce((s, r) => s + r[k], 0) / rs.length;
    return { tau: avg('tau'), regret: avg('regret'), top3: avg('top3'), tasks: rs[0].tasks };
  };
  const results = methods.map(([name, f]) => [name, quadrants.map((q) => (name.startsWith('random') ? randomEval(q) : evaluate(gt.acc, q.tasks, q.models, f)))] as const);
  // noise ceiling: weighted tau between the two halves of the GT's repeats, on the same tasks
  const ceiling = quadrants.map((q) => ceilingOf(gt, q.tasks, q.models));

  const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '  —  ');
  const W = 48;
  console.log(`\nbench:rank - ranker ${art.id} (encoder ${art.encoder.id}), GT ${gt.source.replace(resolve('.') + '/', '')}`);
  if (dataDir) console.log(`folder: ${dataDir} (never trained on: a blind dataset); its tasks: ${[...inputs.keys()].join(', ')}`);
  console.log(`blind datasets of the split: ${sp.blindDatasets.join(', ')}; blind models (${sp.blindModels.length}): ${sp.blindModels.join(', ')}`);
  console.log('per quadrant: weighted tau (scipy rank=None) | top-1 regret (accuracy points) | top-3 hit rate; mean over tasks\n');
  console.log(''.padEnd(W) + quadrants.map((q) => `${q.name} (${q.tasks.length} tasks x ${q.models.length} models)`.padEnd(40)).join(''));
  for (const [name, rs] of results)
    console.log(name.padEnd(W) + rs.map((r) => (r.tasks ? `${f3(r.tau)} | ${r.regret.toFixed(2).padStart(5)} | ${r.top3.toFixed(2)}` : '  —').padEnd(40)).join(''));
  console.log('GT noise ceiling (halves of the repeats)'.padEnd(W) + ceiling.map((c) => `${f3(c.tau)} (${c.tasks} tasks)`.padEnd(40)).join(''));
  console.log(`\nscoring: ${scoreMs.toFixed(1)} ms per task for a candidate set (tfjs CPU backend in Node), ${((Date.now() - t0) / 1000).toFixed(0)} s in all`);
  const bd = results.find(([n]) => n === 'cross-attention ranker')![1][quadrants.findIndex((q) => q.name === 'blind datasets')];
  const lm = results.find(([n]) => n === 'LogME')![1][quadrants.findIndex((q) => q.name === 'blind datasets')];
  // the real pre-trained npm models (data/npm-gt): the hardest blind-model test, alone and with the zoo
  console.log(`measured-GT neighbours: k = ${NEIGHBOUR_K} chosen on the training tasks (leave-one-dataset-out weighted tau: ${kChoice.tried.map((x) => `k=${x.k} ${x.tau.toFixed(3)}`).join(', ')})`);
  const real = realModelsBench({ scorer, taskTok: a.taskTok, zoo: all, zooGt: a.gt, split: sp, cat: a.cat, neighbourK: NEIGHBOUR_K });
  for (const l of real.lines) console.log(l);
  console.log(real.mixedLine);
  console.log(real.line);
  console.log(`blind-datasets tau_w: ${bd.tau.toFixed(3)} (LogME ${lm.tau.toFixed(3)})`);
  // every real model measured here (npm + ImageNet backbones) as one candidate set: issue 18's block, last;
  // with --data, every real model's GT on the folder is measured first (cached, resumable)
  let custom: CustomData | undefined;
  if (dataDir && customTok) {
    const base = resolve('.cache/rank/custom-real', customName);
    for (const [what, script] of [['npm', 'src/npmzoo/node/gt.ts'], ['real', 'src/realzoo/node/gt.ts']] as const) {
      const out = join(base, what);
      console.log(`measuring the GT of every ${what} model on ${dataDir} (node --import tsx ${script} --data ${dataDir} --out ${out}${what === 'npm' ? ' --backend wasm' : ''}) ...`);
      // tfjs on WASM in Node: 13 s for 400 images against 260 s on the CPU backend (MobileNetV2, measured here)
      const r = spawnSync('node', ['--import', 'tsx', script, '--data', dataDir, '--out', out, ...(what === 'npm' ? ['--backend', 'wasm'] : [])], { stdio: ['ignore', 'inherit', 'inherit'] });
      if (r.status !== 0 || !existsSync(join(out, 'gt.csv'))) throw new Error(`${script} --data failed`);
    }
    const merged = mergeGt(loadGt(join(base, 'npm'), `custom-npm-${customName}`), loadGt(join(base, 'real'), `custom-real-${customName}`));
    custom = { name: customName, gt: merged, taskTok: customTok };
  }
  const rb = realModelsBlock({ scorer, taskTok: a.taskTok, split: sp, custom });
  for (const l of rb.lines) console.log(l);
  console.log(rb.checkedLine);
  console.log(rb.rankerLine);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
