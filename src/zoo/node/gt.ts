// `npm run zoo:gt [-- options]`: measured transfer ground truth of every zoo model on every
// target task (linear probe on frozen penultimate features, src/probe/shared), the forward-pass
// heuristic scores beside it (src/transfer/shared), and the noise ceiling (a second split seed).
//
//   --data DIR        a folder of class subfolders never seen before: its tasks only (full +
//                     class subsets), written to --out (default data/zoo-gt/custom/<name>)
//   --out DIR         output folder (default data/zoo-gt)
//   --models a,b      only these model ids       --tasks REGEX   only matching task ids
//   --seeds 0,1       probe split seeds (first = primary GT; others measure the noise ceiling)
//   --no-scores       skip heuristic scores       --finetune      also run the end-to-end
//   --finetune-only   only the fine-tune sample   fine-tune sample (Python, tools/zoo/train.py)
//   --ft-models N --ft-tasks K   size of the fine-tune sample (models x 5-class tasks)
//   --reverse         models in reverse order (a second process can share the work)
// Resumable: every (model, task, seed) result is appended to <cache>/gt/<key>/results.jsonl and
// skipped on the next run; features are cached per model under .cache/zoo/features.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { linearProbe } from '../../probe/shared/probe.ts';
import { take, takeRows } from '../../probe/shared/split.ts';
import { SCORE_NAMES, computeScores } from '../../transfer/shared/scores.ts';
import { mulberry32 } from '../../shared/random.ts';
import type { ZooModelEntry } from '../shared/catalogue.ts';
import { zooTargetSplit } from '../shared/split.ts';
import { TASKS_VERSION, makeTasks, resolveTask, type DatasetInfo, type TaskDef } from '../shared/tasks.ts';
import { ZOO_DIR, loadCatalogue } from './catalogue.ts';
import { CACHE_DIR, SHARED_DATASETS, listFolder, listingHash, loadPixels, pixelCachePath, sharedManifest, type PixelSet } from './dataset.ts';
import { datasetOutputs, releaseSessions } from './features.ts';

export const GT_VERSION = 1;
export const TEST_FRACTION = 0.3;
/** probe settings of the GT (src/probe/shared linearProbe); a smaller grid and iteration cap than
 * the probe's defaults keep ~50 models x ~90 tasks x 2 seeds within tens of minutes on one core */
export const GT_PROBE = { cGrid: [0.01, 0.1, 1], folds: 2, maxIter: 40 };
/** the noise-ceiling seeds (all but the first) run on every NOISE_EVERY-th task (tasks.json order) */
export const NOISE_EVERY = 2;
export const TASK_SEED = 1;
/** datasets not used as targets, and why */
export const EXCLUDED_TARGETS: Record<string, string> = { imagenet_1shot: 'one image per class: no stratified split possible' };

export interface GtRow {
  model: string;
  task: string;
  seed: number;
  accuracy: number;
  C: number;
  nTrain: number;
  nTest: number;
  classes: number;
  ms: number;
  scores?: Record<string, number>;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const flag = (name: string) => process.argv.includes(name);

export interface Target {
  px: PixelSet;
  eligible: Uint8Array;
  domain: string;
}

export function loadTargets(names: string[], catalogue: ReturnType<typeof loadCatalogue>, custom?: string): Map<string, Target> {
  const out = new Map<string, Target>();
  const manifest = custom ? [] : sharedManifest();
  const sources = new Set(catalogue.models.map((m) => m.source));
  for (const name of names) {
    const listing = custom ? listFolder(custom) : listFolder(join(SHARED_DATASETS, name), name);
    const px = loadPixels(listing, catalogue.preprocess);
    const eligible = new Uint8Array(listing.files.length).fill(1);
    // images of a zoo source dataset that any model trained on never enter a task
    if (!custom && sources.has(name)) {
      const zoo = zooTargetSplit(listing.labels, catalogue.trainFraction, catalogue.splitSeed);
      for (let i = 0; i < eligible.length; i++) if (zoo[i]) eligible[i] = 0;
    }
    for (let i = 0; i < eligible.length; i++) if (px.bad[i]) eligible[i] = 0;
    out.set(listing.name, { px, eligible, domain: custom ? 'custom' : (manifest.find((d) => d.name === name)?.domain ?? '?') });
  }
  return out;
}

function datasetInfo(name: string, t: Target): DatasetInfo {
  const counts = t.px.listing.classes.map(() => 0);
  t.px.listing.labels.forEach((y, i) => (counts[y] += t.eligible[i]));
  return { name, classes: t.px.listing.classes, counts };
}

export function csvCell(v: unknown): string {
  const s = typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(6)) : String(v ?? '');
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export async function main(): Promise<void> {
  const custom = arg('--data');
  const catalogue = loadCatalogue();
  const modelFilter = arg('--models')?.split(',');
  const models = catalogue.models.filter((m) => !modelFilter || modelFilter.includes(m.id));
  const seeds = (arg('--seeds') ?? '0,1').split(',').map(Number);
  const taskRe = arg('--tasks') ? new RegExp(arg('--tasks')!) : null;
  const withScores = !flag('--no-scores');
  const outDir = resolve(arg('--out') ?? (custom ? join('data/zoo-gt/custom', basename(resolve(custom))) : 'data/zoo-gt'));
  mkdirSync(outDir, { recursive: true });

  const names = custom ? [basename(resolve(custom))] : sharedManifest().map((d) => d.name).filter((n) => !(n in EXCLUDED_TARGETS));
  const targets = loadTargets(names, catalogue, custom);
  // task definitions: committed file wins (so a later run measures exactly the same tasks)
  const tasksPath = join(outDir, 'tasks.json');
  let tasks: TaskDef[];
  const infos = [...targets].map(([n, t]) => datasetInfo(n, t));
  if (existsSync(tasksPath)) {
    tasks = JSON.parse(readFileSync(tasksPath, 'utf8')).tasks;
  } else {
    tasks = makeTasks(infos, TASK_SEED);
    const listingHashes = Object.fromEntries([...targets].map(([n, t]) => [n, listingHash(t.px.listing)]));
    writeFileSync(
      tasksPath,
      JSON.stringify({ version: TASKS_VERSION, seed: TASK_SEED, testFraction: TEST_FRACTION, excluded: custom ? {} : EXCLUDED_TARGETS, listingHashes, tasks }, null, 1) + '\n',
    );
  }
  const selected = tasks.filter((t) => !taskRe || taskRe.test(t.id));
  console.log(`zoo:gt: ${models.length} models x ${selected.length} tasks x seeds ${seeds.join(',')} -> ${outDir}`);

  const key = custom ? `custom-${basename(resolve(custom))}-${listingHash(targets.values().next().value!.px.listing)}` : 'shared';
  const cacheDir = join(CACHE_DIR, 'gt', key);
  mkdirSync(cacheDir, { recursive: true });
  const resultsPath = join(cacheDir, 'results.jsonl');
  const done = new Map<string, GtRow>();
  // re-read before each model: another `zoo:gt --reverse` process may share the work
  let readUpTo = 0;
  const refresh = () => {
    if (!existsSync(resultsPath)) return;
    const text = readFileSync(resultsPath, 'utf8');
    const end = text.lastIndexOf('\n') + 1;
    for (const line of text.slice(readUpTo, end).split('\n')) if (line) {
      const r = JSON.parse(line) as GtRow;
      done.set(`${r.model}|${r.task}|${r.seed}`, r);
    }
    readUpTo = end;
  };
  refresh();

  const resolved = new Map(selected.map((t) => {
    const tg = targets.get(t.dataset)!;
    return [t.id, resolveTask(t, tg.px.listing.classes, tg.px.listing.labels, tg.eligible)] as const;
  }));
  const noiseTasks = new Set(tasks.filter((_, i) => i % NOISE_EVERY === 0).map((t) => t.id));
  const seedsFor = (t: TaskDef) => (noiseTasks.has(t.id) ? seeds : seeds.slice(0, 1));
  if (flag('--finetune-only')) return finetuneSample(outDir, models, selected, targets, resolved);
  const t0 = Date.now();
  let fresh = 0;
  for (const m of flag('--reverse') ? [...models].reverse() : models) {
    const tm = Date.now();
    for (const ds of new Set(selected.map((t) => t.dataset))) {
      refresh();
      const todo = selected.filter((t) => t.dataset === ds && seedsFor(t).some((s) => !done.has(`${m.id}|${t.id}|${s}`)));
      if (todo.length === 0) continue;
      const out = await datasetOutputs(ZOO_DIR, m, targets.get(ds)!.px);
      for (const t of todo) {
        const { ids, labels } = resolved.get(t.id)!;
        const f = takeRows(out.features, m.featureDim, ids);
        for (const seed of seedsFor(t)) {
          const k = `${m.id}|${t.id}|${seed}`;
          if (done.has(k)) continue;
          const ts = Date.now();
          const p = linearProbe(f, labels, ids.length, m.featureDim, { seed, testFraction: TEST_FRACTION, ...GT_PROBE });
          const row: GtRow = { model: m.id, task: t.id, seed, accuracy: p.accuracy, C: p.C, nTrain: p.train.length, nTest: p.test.length, classes: t.classes.length, ms: 0 };
          if (withScores && seed === seeds[0]) {
            // scores see what a user would hold: the task's training split
            const tr = p.train;
            const sc = computeScores({
              features: takeRows(f, m.featureDim, tr),
              n: tr.length,
              d: m.featureDim,
              labels: take(labels, tr),
              sourceLogits: takeRows(takeRows(out.logits, m.logitDim, ids), m.logitDim, tr),
              seed: 0,
            });
            row.scores = Object.fromEntries(Object.entries(sc).map(([name, v]) => [name, v!.value]));
          }
          row.ms = Date.now() - ts;
          appendFileSync(resultsPath, JSON.stringify(row) + '\n');
          done.set(k, row);
          fresh++;
        }
      }
    }
    console.log(`  ${m.id}: done (${((Date.now() - tm) / 1000).toFixed(1)} s, ${fresh} new results, ${((Date.now() - t0) / 60000).toFixed(1)} min)`);
  }
  releaseSessions();
  writeTables(outDir, models, selected, seeds, done, seedsFor);
  if (flag('--finetune') && !custom) finetuneSample(outDir, models, selected, targets, resolved);
}

function writeTables(outDir: string, models: ZooModelEntry[], tasks: TaskDef[], seeds: number[], done: Map<string, GtRow>, seedsFor: (t: TaskDef) => number[]): void {
  const gt = ['task,model,seed,accuracy,C,n_train,n_test,classes'];
  const sc = [['task', 'model', ...SCORE_NAMES].map(csvCell).join(',')];
  let missing = 0;
  for (const t of tasks)
    for (const m of models) {
      for (const s of seedsFor(t)) {
        const r = done.get(`${m.id}|${t.id}|${s}`);
        if (!r) {
          missing++;
          continue;
        }
        gt.push([t.id, m.id, s, r.accuracy, r.C, r.nTrain, r.nTest, r.classes].map(csvCell).join(','));
        if (r.scores) sc.push([t.id, m.id, ...SCORE_NAMES.map((n) => r.scores![n] ?? '')].map(csvCell).join(','));
      }
    }
  writeFileSync(join(outDir, 'gt.csv'), gt.join('\n') + '\n');
  writeFileSync(join(outDir, 'scores.csv'), sc.join('\n') + '\n');
  writeFileSync(
    join(outDir, 'gt-meta.json'),
    JSON.stringify({ version: GT_VERSION, seeds, noiseEvery: NOISE_EVERY, testFraction: TEST_FRACTION, probe: { fn: 'src/probe/shared linearProbe', ...GT_PROBE }, models: models.map((m) => `${m.id}:${m.sha256}`), tasks: tasks.length, missing }, null, 1) + '\n',
  );
  console.log(`wrote ${join(outDir, 'gt.csv')} (${gt.length - 1} rows, ${missing} missing) and scores.csv (${sc.length - 1} rows)`);
}

/** A seeded sample of (model, task) pairs fine-tuned end to end by tools/zoo/train.py on the GT's split. */
function finetuneSample(outDir: string, models: ZooModelEntry[], tasks: TaskDef[], targets: Map<string, Target>, resolved: Map<string, { ids: Int32Array; labels: Int32Array }>): void {
  const rand = mulberry32(99);
  const pick = <T>(xs: T[], k: number) => xs.map((x) => [rand(), x] as const).sort((a, b) => a[0] - b[0]).slice(0, k).map((p) => p[1]);
  const nModels = Number(arg('--ft-models') ?? 8);
  const nTasks = Number(arg('--ft-tasks') ?? 6);
  const ftTasks = pick(tasks.filter((t) => t.kind === 'subset' && t.classes.length === 5), nTasks);
  const ftModels = pick(models.filter((m) => m.source !== 'pool'), nModels);
  const pairs = [];
  for (const t of ftTasks) {
    const tg = targets.get(t.dataset)!;
    const { ids, labels } = resolved.get(t.id)!;
    const split = linearProbeSplit(labels);
    for (const m of ftModels)
      pairs.push({ model: m.id, task: t.id, cache: pixelCachePath(tg.px.listing, m.preprocess) + '.f32', n: tg.px.listing.files.length, size: m.preprocess.crop, ids: [...ids], labels: [...labels], train: [...split.train], test: [...split.test], flip: !['digits', 'handwriting'].includes(tg.domain) });
  }
  const spec = join(CACHE_DIR, 'ft-spec.json');
  writeFileSync(spec, JSON.stringify({ recipe: { epochs: 15, lr: 1e-3, batch: 32 }, pairs }));
  const r = spawnSync('/usr/bin/python3', ['tools/zoo/train.py', 'finetune-sample', spec, join(outDir, 'finetune.csv')], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('fine-tune sample failed');
}

import { stratifiedSplit } from '../../probe/shared/split.ts';
function linearProbeSplit(labels: Int32Array) {
  return stratifiedSplit(labels, TEST_FRACTION, 0); // the primary GT split (seed 0)
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
