// `npm run real-models:gt [-- options]`: measured transfer GT (format v2, docs/zoo.md) of the real
// ImageNet-pretrained backbones (src/realzoo/shared/backbones.ts) on the zoo's tasks, under the zoo's
// protocol and table format, written to data/real-gt/.
// Files: the tfjs models from ../shared/models/real/<folder> (every file checked against the folder's
// sha256sums, model.json against the registry's pin), the ONNX encoders from models/encoders (the
// manifest's size + sha256, `npm run setup`). Features: tfjs through the npm models' code path
// (src/npmzoo/tfjs, tfjs-backend-wasm in Node), ONNX through the Node encoder with its raw pooled
// output (what the page's fine stage reads); cached per model under .cache/realzoo/features.
//   --models a,b   registry ids without "real:"   --tasks REGEX   --data DIR (as npm-models:gt)
//   --scores LogME   forward-pass scores on the same training folds ('none', 'all')   --out DIR
// Resumable: the committed gt.csv counts as done; new cells go to .cache/realzoo/gt-v2/<key>/results.jsonl.
import '../../npmzoo/node/tf-shim.ts';
import '@tensorflow/tfjs-backend-wasm';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadNodeEncoder, type NodeEncoder } from '../../encode/node/encoder.ts';
import { encoderById } from '../../encode/shared/manifest.ts';
import { GT_CV, protocolLabel } from '../../probe/shared/cv.ts';
import { SCORE_NAMES, type ScoreName } from '../../transfer/shared/scores.ts';
import { measureCell } from '../../zoo/shared/gt-cell.ts';
import { GT_VERSION, GtResults, gtWorkload, writeGtTables } from '../../zoo/node/gt.ts';
import { cachedFeatures } from '../../npmzoo/node/gt.ts';
import { ensureCpuOrBest, extractFeatures, loadNpmModel, prepareImages, type LoadedNpmModel } from '../../npmzoo/tfjs/features.ts';
import { onnxFacts, readRealTfjs } from './files.ts';
import { REAL_BACKBONES } from '../shared/backbones.ts';

export const REAL_CACHE = resolve('.cache/realzoo');
export const REAL_SCORES: ScoreName[] = ['LogME'];

const arg = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);

async function main(): Promise<void> {
  const backend = await ensureCpuOrBest('wasm');
  const filter = arg('--models')?.split(',').map((m) => (m.startsWith('real:') ? m : `real:${m}`));
  const models = REAL_BACKBONES.filter((b) => !filter || filter.includes(b.id));
  const taskRe = arg('--tasks') ? new RegExp(arg('--tasks')!) : null;
  const scoreArg = arg('--scores') ?? REAL_SCORES.join(',');
  const which = (scoreArg === 'none' ? [] : scoreArg === 'all' ? [...SCORE_NAMES] : scoreArg.split(',')) as ScoreName[];
  const custom = arg('--data');
  const { name, tasks, selected, targets, resolved, cacheKey } = gtWorkload(custom, taskRe);
  const outDir = resolve(arg('--out') ?? (custom ? join('data/real-gt/custom', name) : 'data/real-gt'));
  mkdirSync(outDir, { recursive: true });
  console.log(`real-models:gt: ${models.length} backbones x ${selected.length} tasks, ${protocolLabel(GT_CV)}, scores ${which.join(',') || 'none'}, tfjs ${backend} -> ${outDir}`);
  const done = new GtResults(join(REAL_CACHE, `gt-v${GT_VERSION}`, cacheKey, 'results.jsonl'), outDir);
  const t0 = Date.now();
  for (const b of models) {
    const tm = Date.now();
    let tfm: LoadedNpmModel | null = null;
    let enc: NodeEncoder | null = null;
    const key = b.format === 'onnx-encoder' ? `${b.source}-${(encoderById(b.source).sha256 ?? '').slice(0, 12)}` : `${b.source}-${b.sha256.slice(0, 12)}`;
    const extract = async (imgs: Parameters<typeof prepareImages>[0]) => {
      if (b.format === 'onnx-encoder') {
        enc ??= await loadNodeEncoder(b.source, { threads: 1, raw: true });
        const e = await enc.embed(imgs);
        const out = new Float32Array(e.length * b.dim);
        e.forEach((v, i) => out.set(v, i * b.dim));
        return out;
      }
      tfm ??= await loadNpmModel(readRealTfjs(b), b.format, b.format === 'tfjs-layers' ? b.featureNode : undefined);
      return extractFeatures(tfm, { node: b.featureNode!, pooling: b.pooling! }, prepareImages(imgs, b.input!), imgs.length, b.input!);
    };
    for (const ds of new Set(selected.map((t) => t.dataset))) {
      done.refresh();
      const todo = selected.filter((t) => t.dataset === ds && !done.has(b.id, t.id));
      if (!todo.length) continue;
      const tg = targets.get(ds)!;
      const dir = join(REAL_CACHE, 'features', key);
      const allIds = Int32Array.from(new Set(todo.flatMap((t) => [...resolved.get(t.id)!.ids])));
      const tf0 = Date.now();
      await cachedFeatures(dir, tg.px.listing, allIds, b.dim, extract);
      for (const t of todo) {
        const { ids, labels } = resolved.get(t.id)!;
        const { data: f, d } = await cachedFeatures(dir, tg.px.listing, ids, b.dim, extract);
        const ts = Date.now();
        done.add({ ...measureCell(t.id, b.id, { features: f, labels, n: ids.length, d }, which), ms: Date.now() - ts });
      }
      console.log(`  ${b.id} ${ds}: ${allIds.length} images (features ${((Date.now() - tf0) / 1000).toFixed(1)} s), ${todo.length} tasks`);
    }
    (tfm as LoadedNpmModel | null)?.dispose();
    await (enc as NodeEncoder | null)?.release();
    console.log(`  ${b.id}: done (${((Date.now() - tm) / 1000).toFixed(1)} s, ${((Date.now() - t0) / 60000).toFixed(1)} min)`);
  }
  done.refresh();
  writeGtTables(outDir, REAL_BACKBONES.map((b) => b.id), tasks, done, which.length ? which : REAL_SCORES, {
    tasksFrom: custom ? `data/zoo-gt/custom/${name}/tasks.json` : 'data/zoo-gt/tasks.json',
    features: 'tfjs: src/npmzoo/tfjs extractFeatures with @tensorflow/tfjs-backend-wasm in Node; ONNX encoders: src/encode/node/encoder.ts raw pooled output (onnxruntime-node)',
    models: REAL_BACKBONES.map((b) => `${b.id}:${b.format === 'onnx-encoder' ? onnxFacts(b).sha256 : b.sha256}`),
  });
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
