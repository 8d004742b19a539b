// `npm run rank:train [-- --seed 1 --quick]`: trains both rankers (tfjs in Node, CPU), seeded.
//  1. PCA basis of the encoder space (training datasets' class centres + training models' sources)
//  2. ArchToVec autoencoder on the training models' weight features
//  3. hyper-parameters (width, steps) chosen on validation datasets held out of the training quadrant
//  4. final fit on every training task; writes models/ranker/ranker.json and zoo-tokens.json
import './tf-shim.ts';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tf } from '../../probe/tfjs/tf.ts';
import { mulberry32 } from '../../shared/random.ts';
import { TOKENS_VERSION } from '../../tokens/shared/format.ts';
import { CATALOGUE_VERSION } from '../../zoo/shared/catalogue.ts';
import { TASKS_VERSION } from '../../zoo/shared/tasks.ts';
import { f32ToB64, RANKER_FORMAT, RANKER_VERSION, ZOO_TOKENS_FORMAT, ZOO_TOKENS_VERSION, type B64Tensor, type RankerArtifact, type ZooTokens } from '../shared/artifact.ts';
import { buildQuery, DATASET_EXTRA, datasetInput, fitPca, PAIR_DIM, project, queryDim, type DatasetInput, type Pca, type PreparedModel } from '../shared/features.ts';
import { ARCH_RAW_DIM } from '../shared/model-tokens.ts';
import { disposeBatch, makeBatch } from '../model/batch.ts';
import { aeDecode, aeEncode, aeShapes, forward, initWeights, listwiseLoss, weightShapes, type AeConfig, type RankerConfig, type Weights } from '../model/ranker.ts';
import { assemble, evaluate, VAL_FOLDS, type Assembled } from './assemble.ts';
import { encoderRef } from './data.ts';
import { DEFAULT_ENCODER_ID } from '../../encode/shared/manifest.ts';
import { writeReference } from './reference.ts';

export const RANKER_DIR = resolve('models/ranker');
export const PCA_DIM = 32;
export const AE: AeConfig = { inDim: ARCH_RAW_DIM, hidden: 32, code: 8 };

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Subset of a dataset input's classes (token dropout during training). */
export function subsetInput(ds: DatasetInput, idx: number[], p: number): DatasetInput {
  const w = p + DATASET_EXTRA;
  const rows = new Float32Array(idx.length * w), centres = new Float32Array(idx.length * p);
  let spread = 0;
  idx.forEach((i, r) => {
    rows.set(ds.rows.subarray(i * w, (i + 1) * w), r * w);
    centres.set(ds.centres.subarray(i * p, (i + 1) * p), r * p);
    spread += (ds.rows[i * w + p + 1] + 1) / 2;
  });
  return { rows, n: idx.length, centres, stats: [Math.log10(idx.length) - 1, (spread / idx.length) * 2 - 1] };
}

function toVars(init: Record<string, Float32Array>, shapes: Record<string, number[]>): Record<string, tf.Variable> {
  return Object.fromEntries(Object.entries(init).map(([k, v]) => [k, tf.variable(tf.tensor(v, shapes[k]), true)]));
}

function toB64(ws: Weights): Record<string, B64Tensor> {
  return Object.fromEntries(Object.entries(ws).map(([k, t]) => [k, { shape: t.shape, data: f32ToB64(t.dataSync() as Float32Array) }]));
}

export function trainAe(raw: number[][], seed: number, steps = 300): { weights: Weights; mean: Float32Array; std: Float32Array; loss: number } {
  const d = raw[0].length;
  const mean = new Float32Array(d), std = new Float32Array(d);
  for (const r of raw) r.forEach((v, j) => (mean[j] += v / raw.length));
  for (const r of raw) r.forEach((v, j) => (std[j] += (v - mean[j]) ** 2 / raw.length));
  for (let j = 0; j < d; j++) std[j] = std[j] > 1e-8 ? Math.sqrt(std[j]) : 1;
  const x = tf.tensor2d(raw.map((r) => r.map((v, j) => (v - mean[j]) / std[j])));
  const shapes = aeShapes(AE);
  const g = mulberry32(seed);
  const init: Record<string, Float32Array> = {};
  for (const [k, s] of Object.entries(shapes)) {
    const n = s.reduce((a, b) => a * b, 1);
    init[k] = new Float32Array(n);
    if (s.length === 2) for (let i = 0; i < n; i++) init[k][i] = (g() * 2 - 1) * Math.sqrt(6 / (s[0] + s[1]));
  }
  const w = toVars(init, shapes);
  const opt = tf.train.adam(1e-2);
  let loss = 0;
  for (let s = 0; s < steps; s++) {
    const l = opt.minimize(() => aeDecode(w, aeEncode(w, x)).sub(x).square().mean() as tf.Scalar, true)!;
    if (s === steps - 1) loss = l.dataSync()[0];
    l.dispose();
  }
  x.dispose();
  opt.dispose();
  return { weights: w, mean, std, loss };
}

export interface TrainOpts { h: number; steps: number; lr: number; batch: number; seed: number; T0: number; T1: number; checkpoints?: number[] }

/** Listwise training on tasks sampled from the measured GT; returns the weights (and validation at checkpoints). */
export function trainRanker(
  kind: 'cross' | 'self', a: Assembled, inputs: Map<string, DatasetInput>, models: PreparedModel[], p: number, trainTasks: string[], o: TrainOpts,
  onCheckpoint?: (step: number, w: Weights, cfg: RankerConfig) => void,
): { weights: Weights; cfg: RankerConfig; ms: number } {
  const cfg: RankerConfig = { kind, h: o.h, dIn: p + DATASET_EXTRA, qIn: models[0].query.length, pairIn: PAIR_DIM, nLearned: models.filter((m) => m.learned >= 0).length };
  const w = toVars(initWeights(cfg, o.seed), weightShapes(cfg));
  const opt = tf.train.adam(o.lr);
  const rand = mulberry32(o.seed + 1);
  const tasks = trainTasks.filter((t) => a.gt.acc.has(t) && models.filter((m) => a.gt.acc.get(t)!.has(m.id)).length >= 3);
  // training targets: the GT itself (v2: already the mean over every fold of every repeat)
  const target = new Map(tasks.map((t) => [t, a.gt.acc.get(t)!] as const));
  const t0 = Date.now();
  for (let s = 1; s <= o.steps; s++) {
    const T = o.T0 * (o.T1 / o.T0) ** (s / o.steps);
    const ds: DatasetInput[] = [];
    const masks: Float32Array[] = [];
    const G = new Float32Array(o.batch * models.length);
    for (let b = 0; b < o.batch; b++) {
      const t = tasks[Math.floor(rand() * tasks.length)];
      const full = inputs.get(t)!;
      let idx = Array.from({ length: full.n }, (_, i) => i);
      if (rand() < 0.3 && full.n > 2) {
        const k = Math.max(2, Math.ceil(full.n * (0.5 + 0.5 * rand())));
        idx = idx.map((i) => [rand(), i] as const).sort((x, y) => x[0] - y[0]).slice(0, k).map((x) => x[1]).sort((x, y) => x - y);
      }
      ds.push(idx.length === full.n ? full : subsetInput(full, idx, p));
      const row = target.get(t)!;
      const keep = 0.6 + 0.4 * rand();
      const m = new Float32Array(models.length);
      models.forEach((md, j) => {
        if (row.has(md.id) && rand() < keep) { m[j] = 1; G[b * models.length + j] = row.get(md.id)!; }
      });
      if (m.reduce((x, y) => x + y, 0) < 2) models.forEach((md, j) => { if (row.has(md.id)) { m[j] = 1; G[b * models.length + j] = row.get(md.id)!; } });
      masks.push(m);
    }
    const batch = makeBatch(ds, models, p, masks);
    const g = tf.tensor2d(G, [o.batch, models.length]);
    const l = opt.minimize(() => listwiseLoss(forward(cfg, w, batch), g, batch.Mmask!, T) as tf.Scalar, true);
    l?.dispose();
    g.dispose();
    disposeBatch(batch);
    if (o.checkpoints?.includes(s)) onCheckpoint?.(s, w, cfg);
  }
  opt.dispose();
  return { weights: w, cfg, ms: Date.now() - t0 };
}

export function scoreWith(cfg: RankerConfig, w: Weights, inputs: DatasetInput[], models: PreparedModel[], p: number): Float32Array[] {
  const out: Float32Array[] = [];
  for (let s = 0; s < inputs.length; s += 16) {
    const batch = makeBatch(inputs.slice(s, s + 16), models, p);
    const y = tf.tidy(() => forward(cfg, w, batch));
    const v = y.dataSync() as Float32Array;
    y.dispose();
    disposeBatch(batch);
    for (let b = 0; b < Math.min(16, inputs.length - s); b++) out.push(v.slice(b * models.length, (b + 1) * models.length));
  }
  return out;
}

/** Fit PCA + autoencoder and prepare every model of the zoo (the training-side twin of Scorer.prepare). */
export function prepareAll(a: Assembled, seed: number, trainDatasets: string[]) {
  const train = new Set(a.split.trainModels);
  const rows: number[][] = [];
  for (const t of a.tasks) if (trainDatasets.includes(t.dataset)) for (const c of a.taskTok.get(t.id)!.classes) rows.push(c.centre);
  const trainSources = new Set(a.cat.models.filter((m) => train.has(m.id) && m.source !== 'pool').map((m) => m.source));
  for (const s of trainSources) for (const c of a.srcTok.get(s)!.classes) rows.push(c.centre);
  const pca = fitPca(rows, PCA_DIM);
  const ae = trainAe(a.modelTokens.filter((m) => train.has(m.id)).map((m) => m.arch!), seed);
  const rawAll = a.modelTokens.map((m) => m.arch!.map((v, j) => (v - ae.mean[j]) / ae.std[j]));
  const codes = tf.tidy(() => aeEncode(ae.weights, tf.tensor2d(rawAll))).arraySync() as number[][];
  const sources = new Map<string, { centres: Float32Array; n: number }>();
  for (const [name, tok] of a.srcTok) {
    const c = new Float32Array(tok.classes.length * pca.p);
    tok.classes.forEach((k, i) => c.set(project(pca, k.centre), i * pca.p));
    sources.set(name, { centres: c, n: tok.classes.length });
  }
  const learnedIds = a.split.trainModels;
  const models: PreparedModel[] = a.modelTokens.map((m, i) => {
    const src = m.source ? sources.get(m.source.name)! : null;
    return { id: m.id, query: buildQuery(m.meta, Float32Array.from(codes[i]), AE.code, src, pca.p), source: src, learned: learnedIds.indexOf(m.id) };
  });
  const inputs = new Map<string, DatasetInput>([...a.taskTok].map(([t, tok]) => [t, datasetInput(tok, pca)]));
  return { pca, ae, models, inputs, sources, learnedIds, rows: rows.length };
}

function sha(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 16);
}

export async function main(): Promise<void> {
  const seed = Number(arg('--seed') ?? 1);
  const quick = process.argv.includes('--quick');
  const t0 = Date.now();
  await tf.setBackend('cpu');
  // --encoder ID: a ranker for another encoder's tokens (e.g. CLIP, once its file is in
  // ../shared/models/encoders), written beside the default one in models/ranker/<ID>/
  const encoderId = arg('--encoder') ?? DEFAULT_ENCODER_ID;
  const isDefault = encoderId === DEFAULT_ENCODER_ID;
  const outDir = isDefault ? RANKER_DIR : join(RANKER_DIR, encoderId);
  const a = await assemble({ log: true, encoderId });
  const sp = a.split;
  console.log(`rank:train: GT from ${a.gt.source} (${[...a.gt.acc.values()].reduce((x, m) => x + m.size, 0)} GT cells)`);
  console.log(`  blind datasets: ${sp.blindDatasets.join(', ')}`);
  console.log(`  training datasets: ${sp.trainDatasets.join(', ')} (validation: ${sp.valDatasets.join(', ')})`);
  console.log(`  known/known test tasks: ${sp.knownTestTasks.join(', ')}`);

  // --- validation: folds of validation datasets held out of the training quadrant; pick width and steps ---
  const base: Omit<TrainOpts, 'h' | 'steps'> = { lr: 5e-3, batch: 24, seed, T0: 1, T1: 0.5 };
  const widths = quick ? [32] : [16, 32];
  const checkpoints = quick ? [100, 200] : [75, 150, 250];
  const folds = Array.from({ length: VAL_FOLDS }, (_, f) => sp.valDatasets.filter((_, i) => i % VAL_FOLDS === f));
  const valLog: Record<string, Record<string, number[]>> = {};
  for (const [f, foldDs] of folds.entries()) {
    const fitDs = sp.trainDatasets.filter((d) => !foldDs.includes(d));
    const prepV = prepareAll(a, seed, fitDs);
    const trainModelsV = prepV.models.filter((m) => sp.trainModels.includes(m.id));
    const fitTasks = sp.trainTasks.filter((t) => fitDs.some((d) => t.startsWith(d + '/')));
    const valTasks = sp.trainTasks.filter((t) => foldDs.some((d) => t.startsWith(d + '/')));
    for (const kind of ['cross', 'self'] as const)
      for (const h of widths) {
        trainRanker(kind, a, prepV.inputs, trainModelsV, PCA_DIM, fitTasks, { ...base, h, steps: Math.max(...checkpoints), checkpoints }, (step, w, cfg) => {
          const sc = scoreWith(cfg, w, valTasks.map((t) => prepV.inputs.get(t)!), trainModelsV, PCA_DIM);
          const byTask = new Map(valTasks.map((t, i) => [t, sc[i]]));
          const r = evaluate(a.gt.acc, valTasks, trainModelsV.map((m) => m.id), (t, ms) => ms.map((id) => byTask.get(t)![trainModelsV.findIndex((m) => m.id === id)]));
          ((valLog[`${kind} h${h}`] ??= {})[step] ??= []).push(Number(r.tau.toFixed(4)));
        });
        console.log(`  fold ${f + 1}/${folds.length} (${foldDs.join(', ')}) ${kind} h=${h}: ${JSON.stringify(Object.fromEntries(Object.entries(valLog[`${kind} h${h}`]).map(([k, v]) => [k, v[f]])))} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
      }
  }
  const chosen: Record<string, { h: number; steps: number; val: number }> = {};
  for (const kind of ['cross', 'self'] as const) {
    let best = { h: 0, steps: 0, val: -Infinity };
    for (const h of widths)
      for (const [step, v] of Object.entries(valLog[`${kind} h${h}`])) {
        const m = v.reduce((x, y) => x + y, 0) / v.length;
        if (m > best.val) best = { h, steps: Number(step), val: m };
      }
    chosen[kind] = best;
    console.log(`  chosen ${kind}: h=${best.h}, steps=${best.steps} (mean validation tau_w ${best.val.toFixed(3)} over ${folds.length} folds)`);
  }

  // --- final fit on every training task ---
  const prep = prepareAll(a, seed, sp.trainDatasets);
  const trainModels = prep.models.filter((m) => sp.trainModels.includes(m.id));
  const fit = Object.fromEntries((['cross', 'self'] as const).map((kind) => {
    const r = trainRanker(kind, a, prep.inputs, trainModels, PCA_DIM, sp.trainTasks, { ...base, h: chosen[kind].h, steps: chosen[kind].steps });
    console.log(`  trained ${kind} (h=${chosen[kind].h}, ${chosen[kind].steps} steps) in ${(r.ms / 1000).toFixed(1)} s`);
    return [kind, r];
  })) as Record<'cross' | 'self', ReturnType<typeof trainRanker>>;

  const pca: Pca = prep.pca;
  const weights = { cross: toB64(fit.cross.weights), self: toB64(fit.self.weights), ae: toB64(prep.ae.weights) };
  const id = sha(JSON.stringify(weights) + f32ToB64(pca.comps));
  const gtRows = [...a.gt.acc.values()].reduce((x, m) => x + m.size, 0);
  const art: RankerArtifact = {
    format: RANKER_FORMAT, version: RANKER_VERSION, id, encoder: encoderRef(encoderId),
    data: { gt: a.gt.source.replace(resolve('.') + '/', ''), gtRows, tasksVersion: TASKS_VERSION, catalogueVersion: CATALOGUE_VERSION, tokensVersion: TOKENS_VERSION },
    split: { seed: sp.seed, trainDatasets: sp.trainDatasets, blindDatasets: sp.blindDatasets, knownTestTasks: sp.knownTestTasks, trainModels: sp.trainModels },
    pca: { dim: pca.dim, p: pca.p, mean: f32ToB64(pca.mean), comps: f32ToB64(pca.comps) },
    arch: { mean: f32ToB64(prep.ae.mean), std: f32ToB64(prep.ae.std), ae: AE, weights: weights.ae },
    rankers: {
      cross: { config: fit.cross.cfg, weights: weights.cross },
      self: { config: fit.self.cfg, weights: weights.self, learnedIds: prep.learnedIds },
    },
    training: {
      seed, command: isDefault ? 'npm run rank:train' : `npm run rank:train -- --encoder ${encoderId}`, loss: 'ListNet, softmax(z-scored GT / T), T annealed 1 -> 0.5 (exponential); targets = the GT (v2: mean over every fold of every repeat)', optimizer: `adam lr ${base.lr}, batch ${base.batch} tasks`,
      augmentation: 'class-token dropout (p 0.3, keep 50-100 %), candidate dropout (keep 60-100 %)',
      pcaRows: prep.rows, aeLoss: prep.ae.loss, validation: { datasets: sp.valDatasets, log: valLog, chosen },
      queryDim: queryDim(PCA_DIM, AE.code), seconds: Math.round((Date.now() - t0) / 1000),
    },
  };
  const zoo: ZooTokens = {
    format: ZOO_TOKENS_FORMAT, version: ZOO_TOKENS_VERSION, ranker: id, encoder: encoderRef(encoderId),
    models: a.modelTokens.map((m) => ({ id: m.id, meta: m.meta, arch: m.arch, source: m.source?.name ?? null })),
    sources: Object.fromEntries([...prep.sources].map(([k, v]) => [k, { n: v.n, centres: f32ToB64(v.centres) }])),
  };
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'ranker.json'), JSON.stringify(art) + '\n');
  writeFileSync(join(outDir, 'zoo-tokens.json'), JSON.stringify(zoo) + '\n');
  const rel = outDir.replace(resolve('.') + '/', '');
  if (isDefault) await writeReference(); // the page/Node parity reference is for the shipped ranker
  console.log(`wrote ${rel}/ranker.json (id ${id}, encoder ${encoderId}) and zoo-tokens.json${isDefault ? ' and src/rank/rank-reference.json' : ''} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
