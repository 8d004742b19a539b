// `npm run npm-models:gt [-- options]`: measured transfer GT (format v2, docs/zoo.md) of the npm
// packages' models on the zoo's own tasks (data/zoo-gt/tasks.json) under the zoo's protocol
// (src/probe/shared/cv.ts GT_CV: repeated stratified k-fold, every image of the task) and table format.
// Features: src/npmzoo/tfjs (the page's code path), only the images the selected tasks use, cached
// per (model sha256, dataset listing) under .cache/npmzoo/features.
//   --models a,b   inventory ids (default: every usable model)   --tasks REGEX   task ids
//   --scores LogME,GBC   forward-pass scores on the same training folds (default NPM_SCORES; 'none', 'all')
//   --out DIR      default data/npm-gt      --backend cpu|wasm   tfjs backend in Node (default cpu)
//   --features-only   fill the feature cache only
//   --data DIR     a folder of class subfolders nobody has seen: the zoo's tasks for it, written to data/npm-gt/custom/<name>
// Resumable: the committed gt.csv counts as done; new cells are appended to .cache/npmzoo/gt-v2/results.jsonl.
import './tf-shim.ts';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decodeImage } from '../../encode/node/decode.ts';
import type { RgbaImage } from '../../encode/shared/preprocess.ts';
import { GT_CV, protocolLabel } from '../../probe/shared/cv.ts';
import { takeRows } from '../../probe/shared/split.ts';
import { SCORE_NAMES, type ScoreName } from '../../transfer/shared/scores.ts';
import { measureCell } from '../../zoo/shared/gt-cell.ts';
import { listingHash } from '../../zoo/node/dataset.ts';
import { GT_VERSION, GtResults, gtWorkload, writeGtTables, type Target } from '../../zoo/node/gt.ts';
import { npmModelId, type NpmInventoryEntry } from '../shared/types.ts';
import { ensureCpuOrBest, extractFeatures, loadNpmModel, prepareImages, type LoadedNpmModel } from '../tfjs/features.ts';
import { NPM_MODEL_DOCS } from '../shared/models.ts';
import { readModelFiles } from './files.ts';
import { loadInventory } from './inventory.ts';

export const NPM_CACHE = resolve(process.env.NPMZOO_CACHE ?? '.cache/npmzoo');
export const ZOO_TASKS = resolve('data/zoo-gt/tasks.json');
/** forward-pass scores measured for the npm models: LogME (as v1); the others cost minutes per model at D up to 2,048 (`--scores all` adds them) */
export const NPM_SCORES: ScoreName[] = ['LogME'];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/**
 * Features of the given images of a dataset for one model, cached under <dir>/<dataset>-<listing hash>
 * (N x D over the whole listing + a done mask): only missing images are decoded and run, in chunks.
 */
export async function cachedFeatures(dir: string, listing: Target['px']['listing'], ids: Int32Array, dim: number, extract: (imgs: RgbaImage[]) => Promise<Float32Array>): Promise<{ data: Float64Array; d: number }> {
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `${listing.name}-${listingHash(listing)}`);
  const n = listing.files.length;
  let data = new Float32Array(n * dim);
  let have = new Uint8Array(n);
  if (existsSync(`${base}.f32`) && existsSync(`${base}.have`)) {
    const b = readFileSync(`${base}.f32`);
    data = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    have = new Uint8Array(readFileSync(`${base}.have`));
  }
  const todo = [...ids].filter((i) => !have[i]);
  if (todo.length) {
    const CH = 32;
    for (let s = 0; s < todo.length; s += CH) {
      const chunk = todo.slice(s, s + CH);
      const y = await extract(chunk.map((i) => decodeImage(new Uint8Array(readFileSync(join(listing.dir, listing.files[i]))))));
      if (y.length !== chunk.length * dim) throw new Error(`${dir}: feature width ${y.length / chunk.length}, expected ${dim}`);
      chunk.forEach((i, j) => {
        data.set(y.subarray(j * dim, (j + 1) * dim), i * dim);
        have[i] = 1;
      });
    }
    writeFileSync(`${base}.f32`, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    writeFileSync(`${base}.have`, have);
  }
  return { data: takeRows(data, dim, ids), d: dim };
}

/** Features of an npm model (cached per model id + weight sha256). */
export async function datasetFeatures(entry: NpmInventoryEntry, loaded: () => Promise<LoadedNpmModel>, tg: Target, ids: Int32Array): Promise<{ data: Float64Array; d: number }> {
  const f = entry.feature!;
  return cachedFeatures(join(NPM_CACHE, 'features', `${entry.id}-${entry.files[0].sha256.slice(0, 12)}`), tg.px.listing, ids, f.dim, async (imgs) => {
    const m = await loaded();
    return extractFeatures(m, f, prepareImages(imgs, entry.input), imgs.length, entry.input);
  });
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
  const taskRe = arg('--tasks') ? new RegExp(arg('--tasks')!) : null;
  const scoreArg = arg('--scores') ?? NPM_SCORES.join(',');
  const which = (scoreArg === 'none' ? [] : scoreArg === 'all' ? [...SCORE_NAMES] : scoreArg.split(',')) as ScoreName[];
  // --data DIR: a folder nobody has seen; its tasks are the zoo's for that folder (data/zoo-gt/custom/<name>/tasks.json, made when missing)
  const custom = arg('--data');
  const { name, tasks, selected, targets, resolved, cacheKey } = gtWorkload(custom, taskRe);
  const outDir = resolve(arg('--out') ?? (custom ? join('data/npm-gt/custom', name) : 'data/npm-gt'));
  mkdirSync(outDir, { recursive: true });
  console.log(`npm-models:gt: ${models.length} models x ${selected.length} tasks, ${protocolLabel(GT_CV)}, scores ${which.join(',') || 'none'}, tfjs ${backend} -> ${outDir}`);

  const done = new GtResults(join(NPM_CACHE, `gt-v${GT_VERSION}`, cacheKey, 'results.jsonl'), outDir);
  const featuresOnly = process.argv.includes('--features-only');
  const t0 = Date.now();
  for (const entry of models) {
    const id = npmModelId(entry.package, entry.id);
    const doc = NPM_MODEL_DOCS.find((d) => d.id === entry.id && d.package === entry.package)!;
    let model: LoadedNpmModel | null = null;
    const loaded = async () => (model ??= await loadNpmModel(readModelFiles(doc), doc.format, doc.format === 'tfjs-layers' ? entry.feature!.node : undefined));
    const tm = Date.now();
    for (const ds of new Set(selected.map((t) => t.dataset))) {
      done.refresh();
      const todo = selected.filter((t) => t.dataset === ds && (featuresOnly || !done.has(id, t.id)));
      if (!todo.length) continue;
      const tg = targets.get(ds)!;
      const allIds = Int32Array.from(new Set(todo.flatMap((t) => [...resolved.get(t.id)!.ids])));
      const tf0 = Date.now();
      await datasetFeatures(entry, loaded, tg, allIds);
      const featMs = Date.now() - tf0;
      // --features-only fills the feature cache (the long part) without probing
      if (!featuresOnly)
        for (const t of todo) {
          const { ids, labels } = resolved.get(t.id)!;
          const { data: f, d } = await datasetFeatures(entry, loaded, tg, ids);
          const ts = Date.now();
          const cell = measureCell(t.id, id, { features: f, labels, n: ids.length, d }, which);
          done.add({ ...cell, ms: Date.now() - ts });
        }
      console.log(`  ${id} ${ds}: ${allIds.length} images (features ${(featMs / 1000).toFixed(1)} s), ${todo.length} tasks`);
    }
    (model as LoadedNpmModel | null)?.dispose();
    console.log(`  ${id}: done (${((Date.now() - tm) / 1000).toFixed(1)} s, ${((Date.now() - t0) / 60000).toFixed(1)} min)`);
  }
  if (featuresOnly) return;
  done.refresh();
  const usable = inv.models.filter((m) => m.feature);
  writeGtTables(outDir, usable.map((m) => npmModelId(m.package, m.id)), tasks, done, which.length ? which : NPM_SCORES, {
    tasksFrom: custom ? `data/zoo-gt/custom/${name}/tasks.json` : 'data/zoo-gt/tasks.json',
    features: 'src/npmzoo/tfjs extractFeatures, @tensorflow/tfjs-backend-wasm in Node (`--backend wasm`); the CPU backend gives the same features to float32 rounding',
    models: usable.map((e) => `${npmModelId(e.package, e.id)}:${e.package}@${e.version}:${e.files[0].sha256}`),
  });
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
