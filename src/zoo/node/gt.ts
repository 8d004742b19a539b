// `npm run zoo:gt [-- options]`: measured transfer ground truth (GT format v2, docs/zoo.md) of every
// zoo model on every target task: the mean held-out accuracy of a linear probe on frozen penultimate
// features under repeated stratified k-fold CV (src/probe/shared/cv.ts GT_CV), each repeat kept so
// the noise ceiling compares two disjoint halves of the repeats; the forward-pass scores
// (src/transfer/shared) on the same training folds.
//
//   --data DIR        a folder of class subfolders never seen before: its tasks only (full +
//                     class subsets), written to --out (default data/zoo-gt/custom/<name>)
//   --out DIR         output folder (default data/zoo-gt)
//   --models a,b      only these model ids       --tasks REGEX   only matching task ids
//   --no-scores       skip heuristic scores       --finetune      also run the end-to-end
//   --finetune-only   only the fine-tune sample   fine-tune sample (Python, tools/zoo/train.py)
//   --ft-models N --ft-tasks K   size of the fine-tune sample (models x 5-class tasks)
//   --reverse         models in reverse order (a second process can share the work)
//   --tasks-only      write tasks.json (when missing or older than TASKS_VERSION) and count images
// Resumable: the committed gt.csv counts as done; every new cell is appended to
// <cache>/gt-v2/<key>/results.jsonl; features are cached per model under .cache/zoo/features.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { protocolLabel, GT_CV } from '../../probe/shared/cv.ts';
import { takeRows } from '../../probe/shared/split.ts';
import { SCORE_NAMES } from '../../transfer/shared/scores.ts';
import { mulberry32 } from '../../shared/random.ts';
import type { ZooModelEntry } from '../shared/catalogue.ts';
import { measureCell } from '../shared/gt-cell.ts';
import { gtCsv, parseGtCsv, scoresCsv, type GtCellV2 } from '../shared/gt-format.ts';
import { zooTargetSplit } from '../shared/split.ts';
import { TASKS_VERSION, makeTasks, resolveTask, type DatasetInfo, type TaskDef } from '../shared/tasks.ts';
import { ZOO_DIR, loadCatalogue } from './catalogue.ts';
import { CACHE_DIR, SHARED_DATASETS, listFolder, listingHash, loadPixels, pixelCachePath, sharedManifest, type PixelSet } from './dataset.ts';
import { datasetOutputs, releaseSessions } from './features.ts';

/** GT format v2: repeated stratified k-fold (src/probe/shared/cv.ts GT_CV), every image of the task (docs/zoo.md). */
export const GT_VERSION = 2;
/** the held-out fraction of the end-to-end fine-tune sample's single split (finetune.csv) */
export const TEST_FRACTION = 0.3;
export const TASK_SEED = 1;
/** datasets not used as targets, and why */
export const EXCLUDED_TARGETS: Record<string, string> = { imagenet_1shot: 'one image per class: no stratified split possible' };

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

export { csvCell } from '../shared/gt-format.ts';

/** Task definitions of a GT folder: its committed tasks.json when it is the current TASKS_VERSION (a later run measures exactly the same tasks), else made and written. */
export function tasksFor(targets: Map<string, Target>, outDir: string, custom: boolean): TaskDef[] {
  const tasksPath = join(outDir, 'tasks.json');
  const committed = existsSync(tasksPath) ? JSON.parse(readFileSync(tasksPath, 'utf8')) : null;
  if (committed?.version === TASKS_VERSION) return committed.tasks;
  const tasks = makeTasks([...targets].map(([n, t]) => datasetInfo(n, t)), TASK_SEED);
  const listingHashes = Object.fromEntries([...targets].map(([n, t]) => [n, listingHash(t.px.listing)]));
  mkdirSync(outDir, { recursive: true });
  writeFileSync(tasksPath, JSON.stringify({ version: TASKS_VERSION, seed: TASK_SEED, excluded: custom ? {} : EXCLUDED_TARGETS, listingHashes, tasks }, null, 1) + '\n');
  return tasks;
}

/**
 * The tasks, images and result-cache key another family of models (npm, real backbones) is measured
 * on: the zoo's committed tasks over ../shared/datasets, or with `custom` (--data DIR) the zoo's tasks
 * for that folder (data/zoo-gt/custom/<name>/tasks.json, made when missing). Resolved per task.
 */
export function gtWorkload(custom: string | undefined, taskRe: RegExp | null): { name: string; tasks: TaskDef[]; selected: TaskDef[]; targets: Map<string, Target>; resolved: Map<string, { ids: Int32Array; labels: Int32Array }>; cacheKey: string } {
  const catalogue = loadCatalogue();
  const name = custom ? basename(resolve(custom)) : '';
  let tasks: TaskDef[];
  let targets: Map<string, Target>;
  if (custom) {
    targets = loadTargets([name], catalogue, custom);
    tasks = tasksFor(targets, join('data/zoo-gt/custom', name), true);
  } else {
    const path = 'data/zoo-gt/tasks.json';
    const taskFile = JSON.parse(readFileSync(path, 'utf8'));
    if (taskFile.version !== TASKS_VERSION) throw new Error(`${path} is tasks v${taskFile.version}; run npm run zoo:gt -- --tasks-only first`);
    tasks = taskFile.tasks;
    targets = loadTargets([...new Set(tasks.map((t) => t.dataset))].filter((n) => !(n in EXCLUDED_TARGETS) && sharedManifest().some((d) => d.name === n)), catalogue);
    for (const [n, t] of targets)
      if (taskFile.listingHashes?.[n] && taskFile.listingHashes[n] !== listingHash(t.px.listing)) throw new Error(`${n}: dataset listing differs from the one tasks.json was made from`);
  }
  const selected = tasks.filter((t) => !taskRe || taskRe.test(t.id));
  const resolved = new Map(selected.map((t) => {
    const tg = targets.get(t.dataset)!;
    return [t.id, resolveTask(t, tg.px.listing.classes, tg.px.listing.labels, tg.eligible)] as const;
  }));
  const cacheKey = custom ? `custom-${name}-${listingHash(targets.get(name)!.px.listing)}` : 'shared';
  return { name, tasks, selected, targets, resolved, cacheKey };
}

export async function main(): Promise<void> {
  const custom = arg('--data');
  const catalogue = loadCatalogue();
  const modelFilter = arg('--models')?.split(',');
  const models = catalogue.models.filter((m) => !modelFilter || modelFilter.includes(m.id));
  const taskRe = arg('--tasks') ? new RegExp(arg('--tasks')!) : null;
  const withScores = !flag('--no-scores');
  const outDir = resolve(arg('--out') ?? (custom ? join('data/zoo-gt/custom', basename(resolve(custom))) : 'data/zoo-gt'));
  mkdirSync(outDir, { recursive: true });

  const names = custom ? [basename(resolve(custom))] : sharedManifest().map((d) => d.name).filter((n) => !(n in EXCLUDED_TARGETS));
  const targets = loadTargets(names, catalogue, custom);
  const tasks = tasksFor(targets, outDir, !!custom);
  const selected = tasks.filter((t) => !taskRe || taskRe.test(t.id));
  if (flag('--tasks-only')) {
    let total = 0;
    for (const ds of new Set(selected.map((t) => t.dataset))) {
      const tg = targets.get(ds)!;
      const ids = new Set(selected.filter((t) => t.dataset === ds).flatMap((t) => [...resolveTask(t, tg.px.listing.classes, tg.px.listing.labels, tg.eligible).ids]));
      total += ids.size;
      console.log(`  ${ds}: ${ids.size} images over its tasks`);
    }
    console.log(`${selected.length} tasks, ${total} distinct images`);
    return;
  }
  console.log(`zoo:gt: ${models.length} models x ${selected.length} tasks, ${protocolLabel(GT_CV)} -> ${outDir}`);

  const key = custom ? `custom-${basename(resolve(custom))}-${listingHash(targets.values().next().value!.px.listing)}` : 'shared';
  const resultsPath = join(CACHE_DIR, `gt-v${GT_VERSION}`, key, 'results.jsonl');
  const done = new GtResults(resultsPath, outDir);
  const resolved = new Map(selected.map((t) => {
    const tg = targets.get(t.dataset)!;
    return [t.id, resolveTask(t, tg.px.listing.classes, tg.px.listing.labels, tg.eligible)] as const;
  }));
  if (flag('--finetune-only')) return finetuneSample(outDir, models, selected, targets, resolved);
  const which = withScores ? SCORE_NAMES : [];
  const t0 = Date.now();
  let fresh = 0;
  for (const m of flag('--reverse') ? [...models].reverse() : models) {
    const tm = Date.now();
    for (const ds of new Set(selected.map((t) => t.dataset))) {
      done.refresh();
      const todo = selected.filter((t) => t.dataset === ds && !done.has(m.id, t.id));
      if (todo.length === 0) continue;
      const out = await datasetOutputs(ZOO_DIR, m, targets.get(ds)!.px);
      for (const t of todo) {
        const { ids, labels } = resolved.get(t.id)!;
        const ts = Date.now();
        const cell = measureCell(t.id, m.id, { features: takeRows(out.features, m.featureDim, ids), labels, n: ids.length, d: m.featureDim, sourceLogits: takeRows(out.logits, m.logitDim, ids), logitDim: m.logitDim }, which);
        done.add({ ...cell, ms: Date.now() - ts });
        fresh++;
      }
    }
    console.log(`  ${m.id}: done (${((Date.now() - tm) / 1000).toFixed(1)} s, ${fresh} new cells, ${((Date.now() - t0) / 60000).toFixed(1)} min)`);
  }
  releaseSessions();
  done.refresh();
  writeGtTables(outDir, models.map((m) => m.id), selected, done, which, { models: models.map((m) => `${m.id}:${m.sha256}`) });
  if (flag('--finetune') && !custom) finetuneSample(outDir, models, selected, targets, resolved);
}

/**
 * Measured cells of a GT run: the committed v2 table (so a fresh clone resumes where the last
 * commit stopped) overlaid by the run's append-only cache (re-read before each dataset, so two
 * processes may share the work).
 */
export class GtResults {
  private cells = new Map<string, GtCellV2>();
  private readUpTo = 0;
  constructor(private path: string, committedDir?: string) {
    mkdirSync(dirname(path), { recursive: true });
    const gt = committedDir && join(committedDir, 'gt.csv');
    if (gt && existsSync(gt)) {
      const text = readFileSync(gt, 'utf8');
      if (!text.startsWith('task,model,seed')) {
        const sc = join(committedDir!, 'scores.csv');
        for (const c of parseGtCsv(text, existsSync(sc) ? readFileSync(sc, 'utf8') : undefined)) this.cells.set(`${c.model}|${c.task}`, c);
      }
    }
    this.refresh();
  }
  refresh(): void {
    if (!existsSync(this.path)) return;
    const text = readFileSync(this.path, 'utf8');
    const end = text.lastIndexOf('\n') + 1;
    for (const line of text.slice(this.readUpTo, end).split('\n')) if (line) {
      const c = JSON.parse(line) as GtCellV2;
      this.cells.set(`${c.model}|${c.task}`, c);
    }
    this.readUpTo = end;
  }
  has(model: string, task: string): boolean {
    return this.cells.has(`${model}|${task}`);
  }
  get(model: string, task: string): GtCellV2 | undefined {
    return this.cells.get(`${model}|${task}`);
  }
  add(c: GtCellV2 & { ms?: number }): void {
    appendFileSync(this.path, JSON.stringify(c) + '\n');
    this.cells.set(`${c.model}|${c.task}`, c);
  }
}

/** gt.csv, scores.csv and gt-meta.json (format v2) for the given models x tasks, from what was measured. */
export function writeGtTables(outDir: string, modelIds: string[], tasks: TaskDef[], done: GtResults, scoreNames: readonly string[], meta: Record<string, unknown>): void {
  const cells: GtCellV2[] = [];
  let missing = 0;
  for (const t of tasks)
    for (const m of modelIds) {
      const c = done.get(m, t.id);
      if (c) cells.push({ task: c.task, model: c.model, accuracy: c.accuracy, repeats: c.repeats, folds: c.folds, n: c.n, classes: c.classes, ...(c.scores ? { scores: c.scores } : {}) });
      else missing++;
    }
  writeFileSync(join(outDir, 'gt.csv'), gtCsv(cells));
  writeFileSync(join(outDir, 'scores.csv'), scoresCsv(cells, scoreNames.length ? scoreNames : SCORE_NAMES));
  writeFileSync(
    join(outDir, 'gt-meta.json'),
    JSON.stringify({ version: GT_VERSION, protocol: { ...GT_CV, label: protocolLabel(GT_CV), fn: 'src/probe/shared/cv.ts cvProbe' }, scores: 'mean over the training folds of the first repeat (src/zoo/shared/gt-cell.ts)', tasksVersion: TASKS_VERSION, ...meta, tasks: tasks.length, cells: cells.length, missing }, null, 1) + '\n',
  );
  console.log(`wrote ${join(outDir, 'gt.csv')} (${cells.length} cells, ${missing} missing) and scores.csv`);
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
