// `npm run npm-models:gt [-- options]`: measured transfer GT of the npm packages' models on the zoo's
// own tasks (data/zoo-gt/tasks.json), with the zoo's splits, probe and table format
// (src/zoo/node/gt.ts: loadTargets for the eligible images, GT_PROBE, TEST_FRACTION, NOISE_EVERY).
// Features: src/npmzoo/tfjs (the page's code path), tfjs CPU backend, only the images the selected
// tasks use, cached per (model sha256, dataset listing) under .cache/npmzoo/features.
//   --models a,b   inventory ids (default: every usable model)   --tasks REGEX   task ids
//   --seeds 0,1    split seeds (first = GT; others on every NOISE_EVERY-th task = noise ceiling)
//   --scores LogME,H-Score   heuristic scores on the training split (default LogME; 'none')
//   --out DIR      default data/npm-gt      --backend cpu|wasm   tfjs backend in Node (default cpu)
// Resumable: every (model, task, seed) result is appended to .cache/npmzoo/gt/results.jsonl.
import './tf-shim.ts';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decodeImage } from '../../encode/node/decode.ts';
import { linearProbe } from '../../probe/shared/probe.ts';
import { take, takeRows } from '../../probe/shared/split.ts';
import { SCORE_NAMES, computeScores, type ScoreName } from '../../transfer/shared/scores.ts';
import { resolveTask, type TaskDef } from '../../zoo/shared/tasks.ts';
import { loadCatalogue } from '../../zoo/node/catalogue.ts';
import { listingHash, sharedManifest } from '../../zoo/node/dataset.ts';
import { EXCLUDED_TARGETS, GT_PROBE, GT_VERSION, NOISE_EVERY, TEST_FRACTION, csvCell, loadTargets, type GtRow, type Target } from '../../zoo/node/gt.ts';
import { npmModelId, type NpmInventoryEntry } from '../shared/types.ts';
import { ensureCpuOrBest, extractFeatures, loadNpmModel, prepareImages, type LoadedNpmModel } from '../tfjs/features.ts';
import { NPM_MODEL_DOCS } from '../shared/models.ts';
import { readModelFiles } from './files.ts';
import { loadInventory } from './inventory.ts';

export const NPM_CACHE = resolve(process.env.NPMZOO_CACHE ?? '.cache/npmzoo');
export const ZOO_TASKS = resolve('data/zoo-gt/tasks.json');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Features of the given images of a dataset for one model, cached (N x D over the whole listing + done mask). */
export async function datasetFeatures(entry: NpmInventoryEntry, loaded: () => Promise<LoadedNpmModel>, tg: Target, ids: Int32Array): Promise<{ data: Float64Array; d: number }> {
  const f = entry.feature!;
  const key = `${entry.id}-${entry.files[0].sha256.slice(0, 12)}`;
  const dir = join(NPM_CACHE, 'features', key);
  mkdirSync(dir, { recursive: true });
  const listing = tg.px.listing;
  const base = join(dir, `${listing.name}-${listingHash(listing)}`);
  const n = listing.files.length;
  let data = new Float32Array(n * f.dim);
  let have = new Uint8Array(n);
  if (existsSync(`${base}.f32`) && existsSync(`${base}.have`)) {
    const b = readFileSync(`${base}.f32`);
    data = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    have = new Uint8Array(readFileSync(`${base}.have`));
  }
  const todo = [...ids].filter((i) => !have[i]);
  if (todo.length) {
    const m = await loaded();
    const CH = 32;
    for (let s = 0; s < todo.length; s += CH) {
      const chunk = todo.slice(s, s + CH);
      const imgs = chunk.map((i) => decodeImage(new Uint8Array(readFileSync(join(listing.dir, listing.files[i])))));
      const x = prepareImages(imgs, entry.input);
      const y = await extractFeatures(m, f, x, chunk.length, entry.input);
      if (y.length !== chunk.length * f.dim) throw new Error(`${entry.id}: feature width ${y.length / chunk.length}, inventory says ${f.dim}`);
      chunk.forEach((i, j) => {
        data.set(y.subarray(j * f.dim, (j + 1) * f.dim), i * f.dim);
        have[i] = 1;
      });
    }
    writeFileSync(`${base}.f32`, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    writeFileSync(`${base}.have`, have);
  }
  return { data: takeRows(data, f.dim, ids), d: f.dim };
}

export function readResults(path: string): Map<string, GtRow> {
  const done = new Map<string, GtRow>();
  if (existsSync(path))
    for (const line of readFileSync(path, 'utf8').split('\n')) if (line) {
      const r = JSON.parse(line) as GtRow;
      done.set(`${r.model}|${r.task}|${r.seed}`, r);
    }
  return done;
}

export async function main(): Promise<void> {
  // --backend wasm: tfjs-backend-wasm (XNNPACK, SIMD) registers into the same engine as the bundle;
  // 3x-10x faster than the pure-JS CPU backend here, same features to float32 rounding
  const want = (arg('--backend') ?? 'cpu') as 'cpu' | 'wasm';
  if (want === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  const backend = await ensureCpuOrBest(want);
  const inv = loadInventory();
  const modelFilter = arg('--models')?.split(',');
  // in --models order when given (cheapest first keeps a time-boxed run useful)
  const models = inv.models.filter((m) => m.feature && (!modelFilter || modelFilter.includes(m.id))).sort((a, b) => (modelFilter ? modelFilter.indexOf(a.id) - modelFilter.indexOf(b.id) : 0));
  const seeds = (arg('--seeds') ?? '0,1').split(',').map(Number);
  const taskRe = arg('--tasks') ? new RegExp(arg('--tasks')!) : null;
  const scoreArg = arg('--scores') ?? 'LogME';
  const which = (scoreArg === 'none' ? [] : scoreArg === 'all' ? [...SCORE_NAMES] : scoreArg.split(',')) as ScoreName[];
  const outDir = resolve(arg('--out') ?? 'data/npm-gt');
  mkdirSync(outDir, { recursive: true });

  const taskFile = JSON.parse(readFileSync(ZOO_TASKS, 'utf8'));
  const tasks: TaskDef[] = taskFile.tasks;
  const selected = tasks.filter((t) => !taskRe || taskRe.test(t.id));
  const catalogue = loadCatalogue();
  const names = [...new Set(selected.map((t) => t.dataset))].filter((n) => !(n in EXCLUDED_TARGETS) && sharedManifest().some((d) => d.name === n));
  const targets = loadTargets(names, catalogue);
  for (const [n, t] of targets)
    if (taskFile.listingHashes?.[n] && taskFile.listingHashes[n] !== listingHash(t.px.listing)) throw new Error(`${n}: dataset listing differs from the one tasks.json was made from`);
  const resolved = new Map(selected.map((t) => {
    const tg = targets.get(t.dataset)!;
    return [t.id, resolveTask(t, tg.px.listing.classes, tg.px.listing.labels, tg.eligible)] as const;
  }));
  const noiseTasks = new Set(tasks.filter((_, i) => i % NOISE_EVERY === 0).map((t) => t.id));
  const seedsFor = (t: TaskDef) => (noiseTasks.has(t.id) ? seeds : seeds.slice(0, 1));
  console.log(`npm-models:gt: ${models.length} models x ${selected.length} tasks x seeds ${seeds.join(',')}, scores ${which.join(',') || 'none'}, tfjs ${backend} -> ${outDir}`);

  const cacheDir = join(NPM_CACHE, 'gt');
  mkdirSync(cacheDir, { recursive: true });
  const resultsPath = join(cacheDir, 'results.jsonl');
  const done = readResults(resultsPath);
  const t0 = Date.now();
  for (const entry of models) {
    const id = npmModelId(entry.package, entry.id);
    const doc = NPM_MODEL_DOCS.find((d) => d.id === entry.id && d.package === entry.package)!;
    let model: LoadedNpmModel | null = null;
    const loaded = async () => (model ??= await loadNpmModel(readModelFiles(doc), doc.format, doc.format === 'tfjs-layers' ? entry.feature!.node : undefined));
    const tm = Date.now();
    for (const ds of new Set(selected.map((t) => t.dataset))) {
      const todo = selected.filter((t) => t.dataset === ds && seedsFor(t).some((s) => !done.has(`${id}|${t.id}|${s}`)));
      if (!todo.length) continue;
      const tg = targets.get(ds)!;
      const allIds = Int32Array.from(new Set(todo.flatMap((t) => [...resolved.get(t.id)!.ids])));
      const tf0 = Date.now();
      await datasetFeatures(entry, loaded, tg, allIds);
      const featMs = Date.now() - tf0;
      for (const t of todo) {
        const { ids, labels } = resolved.get(t.id)!;
        const { data: f, d } = await datasetFeatures(entry, loaded, tg, ids);
        for (const seed of seedsFor(t)) {
          const k = `${id}|${t.id}|${seed}`;
          if (done.has(k)) continue;
          const ts = Date.now();
          const p = linearProbe(f, labels, ids.length, d, { seed, testFraction: TEST_FRACTION, ...GT_PROBE });
          const row: GtRow = { model: id, task: t.id, seed, accuracy: p.accuracy, C: p.C, nTrain: p.train.length, nTest: p.test.length, classes: t.classes.length, ms: 0 };
          if (which.length && seed === seeds[0]) {
            const tr = p.train;
            const sc = computeScores({ features: takeRows(f, d, tr), n: tr.length, d, labels: take(labels, tr), seed: 0 }, which);
            row.scores = Object.fromEntries(Object.entries(sc).map(([name, v]) => [name, v!.value]));
          }
          row.ms = Date.now() - ts;
          appendFileSync(resultsPath, JSON.stringify(row) + '\n');
          done.set(k, row);
        }
      }
      console.log(`  ${id} ${ds}: ${allIds.length} images (features ${(featMs / 1000).toFixed(1)} s), ${todo.length} tasks`);
    }
    (model as LoadedNpmModel | null)?.dispose();
    console.log(`  ${id}: done (${((Date.now() - tm) / 1000).toFixed(1)} s, ${((Date.now() - t0) / 60000).toFixed(1)} min)`);
  }
  // re-read: other runs (one per model, in parallel) append to the same file
  const all = readResults(resultsPath);
  for (const [k, r] of done) if (!all.has(k)) all.set(k, r);
  writeTables(outDir, inv.models.filter((m) => m.feature).map((m) => npmModelId(m.package, m.id)), tasks, seeds, all, seedsFor, inv.models);
}

/** gt.csv / scores.csv / gt-meta.json in the zoo's format (src/zoo/node/gt.ts writeTables), for every result measured so far. */
export function writeTables(outDir: string, modelIds: string[], tasks: TaskDef[], seeds: number[], done: Map<string, GtRow>, seedsFor: (t: TaskDef) => number[], entries: NpmInventoryEntry[]): void {
  const gt = ['task,model,seed,accuracy,C,n_train,n_test,classes'];
  const sc = [['task', 'model', ...SCORE_NAMES].map(csvCell).join(',')];
  let missing = 0;
  for (const t of tasks)
    for (const m of modelIds)
      for (const s of seedsFor(t)) {
        const r = done.get(`${m}|${t.id}|${s}`);
        if (!r) {
          missing++;
          continue;
        }
        gt.push([t.id, m, s, r.accuracy, r.C, r.nTrain, r.nTest, r.classes].map(csvCell).join(','));
        if (r.scores) sc.push([t.id, m, ...SCORE_NAMES.map((n) => r.scores![n] ?? '')].map(csvCell).join(','));
      }
  writeFileSync(join(outDir, 'gt.csv'), gt.join('\n') + '\n');
  writeFileSync(join(outDir, 'scores.csv'), sc.join('\n') + '\n');
  writeFileSync(
    join(outDir, 'gt-meta.json'),
    JSON.stringify(
      {
        version: GT_VERSION,
        seeds,
        noiseEvery: NOISE_EVERY,
        testFraction: TEST_FRACTION,
        tasksFrom: 'data/zoo-gt/tasks.json',
        probe: { fn: 'src/probe/shared linearProbe', ...GT_PROBE },
        features: 'src/npmzoo/tfjs extractFeatures, @tensorflow/tfjs CPU backend (the first 11 models) or WASM backend (`--backend wasm`, the models added later); both give the same features to float32 rounding',
        models: entries.filter((e) => e.feature).map((e) => `${npmModelId(e.package, e.id)}:${e.package}@${e.version}:${e.files[0].sha256}`),
        tasks: tasks.length,
        missing,
      },
      null,
      1,
    ) + '\n',
  );
  console.log(`wrote ${join(outDir, 'gt.csv')} (${gt.length - 1} rows, ${missing} missing cells) and scores.csv (${sc.length - 1} rows)`);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
