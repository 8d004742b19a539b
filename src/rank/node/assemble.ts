// Everything the training command and the bench share: catalogue, GT, tasks, dataset tokens,
// source tokens, model tokens, and the seeded quadrant split.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { topKHit, top1Regret, weightedTau } from '../../metrics/ranking.ts';
import { mulberry32 } from '../../shared/random.ts';
import type { DatasetTokens } from '../../tokens/shared/format.ts';
import type { ZooCatalogue, ZooModelEntry } from '../../zoo/shared/catalogue.ts';
import type { TaskDef } from '../../zoo/shared/tasks.ts';
import { loadCatalogue, ZOO_DIR } from '../../zoo/node/catalogue.ts';
import { archFeatures, MODEL_TOKEN_FORMAT, MODEL_TOKEN_VERSION, type ModelMeta, type ModelToken } from '../shared/model-tokens.ts';
import { readOnnxWeights } from '../shared/onnx-weights.ts';
import { encoderRef, loadGt, loadTasks, sourceTokens, taskTokens, type GtTable } from './data.ts';

export const SPLIT_SEED = 2026;
export const BLIND_DATASETS = 6;
export const VAL_DATASETS = 6;
/** validation datasets are split into this many folds (each fold held out in turn) */
export const VAL_FOLDS = 2;

export interface Split {
  seed: number;
  trainDatasets: string[];
  blindDatasets: string[];
  /** one held-out task per training dataset: the known-models/known-datasets quadrant */
  knownTestTasks: string[];
  /** training datasets' remaining tasks: what the rankers train on */
  trainTasks: string[];
  /** validation datasets (a subset of the training datasets) for choosing hyper-parameters */
  valDatasets: string[];
  trainModels: string[];
  blindModels: string[];
}

function shuffle<T>(xs: T[], rand: () => number): T[] {
  const a = xs.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

export function makeSplit(tasks: TaskDef[], cat: ZooCatalogue, seed = SPLIT_SEED): Split {
  const rand = mulberry32(seed);
  const datasets = [...new Set(tasks.map((t) => t.dataset))].sort();
  const order = shuffle(datasets, rand);
  const blindDatasets = order.slice(0, BLIND_DATASETS).sort();
  const trainDatasets = order.slice(BLIND_DATASETS).sort();
  const knownTestTasks: string[] = [];
  for (const d of trainDatasets) {
    const ts = tasks.filter((t) => t.dataset === d);
    knownTestTasks.push(ts[Math.floor(rand() * ts.length)].id);
  }
  const trainTasks = tasks.filter((t) => trainDatasets.includes(t.dataset) && !knownTestTasks.includes(t.id)).map((t) => t.id);
  const valDatasets = shuffle(trainDatasets, rand).slice(0, VAL_DATASETS).sort();
  return {
    seed, trainDatasets, blindDatasets, knownTestTasks, trainTasks, valDatasets,
    trainModels: cat.models.filter((m) => m.split === 'train').map((m) => m.id),
    blindModels: cat.models.filter((m) => m.split === 'blind').map((m) => m.id),
  };
}

export function zooMeta(m: ZooModelEntry): ModelMeta {
  return {
    family: m.family, params: m.params, macs: m.macs, inputSize: m.input.shape[2] as number, featureDim: m.featureDim,
    sourceClasses: m.logitDim, sourceAccuracy: m.sourceAccuracy, pool: m.source === 'pool',
  };
}

export interface Assembled {
  cat: ZooCatalogue;
  gt: GtTable;
  tasks: TaskDef[];
  taskTok: Map<string, DatasetTokens>;
  srcTok: Map<string, DatasetTokens>;
  modelTokens: ModelToken[];
  split: Split;
}

/** `encoderId`: the encoder whose tokens the ranker reads (default: the page's default encoder). */
export async function assemble(opts: { log?: boolean; encoderId?: string } = {}): Promise<Assembled> {
  const cat = loadCatalogue();
  const gt = loadGt();
  const tasks = loadTasks();
  const taskTok = await taskTokens(tasks, cat, { log: opts.log, encoderId: opts.encoderId });
  const srcTok = await sourceTokens(cat, { log: opts.log, encoderId: opts.encoderId });
  const enc = encoderRef(opts.encoderId);
  const modelTokens: ModelToken[] = cat.models.map((m) => {
    const s = srcTok.get(m.source);
    return {
      format: MODEL_TOKEN_FORMAT, version: MODEL_TOKEN_VERSION, id: m.id, meta: zooMeta(m),
      arch: archFeatures(readOnnxWeights(new Uint8Array(readFileSync(join(ZOO_DIR, m.file))))),
      source: s ? { name: m.source, encoder: enc, centres: s.classes.map((c) => c.centre) } : null,
    };
  });
  return { cat, gt, tasks, taskTok, srcTok, modelTokens, split: makeSplit(tasks, cat) };
}

export interface QuadrantResult { tau: number; regret: number; top3: number; tasks: number }

/** Mean weighted tau (scipy rank=None), top-1 regret (accuracy points) and top-3 hit over tasks; models without GT on a task are left out of it. */
export function evaluate(gt: GtTable['acc'], tasks: string[], models: string[], score: (task: string, models: string[]) => ArrayLike<number> | null): QuadrantResult {
  let tau = 0, reg = 0, hit = 0, n = 0;
  for (const t of tasks) {
    const row = gt.get(t);
    if (!row) continue;
    const ms = models.filter((m) => row.has(m));
    if (ms.length < 3) continue;
    const s = score(t, ms);
    if (!s) continue;
    const g = ms.map((m) => row.get(m)!);
    const tw = weightedTau(g, s, { rank: null });
    if (!Number.isFinite(tw)) continue;
    tau += tw;
    reg += 100 * top1Regret(g, s);
    hit += topKHit(g, s, 3);
    n++;
  }
  return { tau: tau / n, regret: reg / n, top3: hit / n, tasks: n };
}
