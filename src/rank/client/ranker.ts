// The ranker in the page: loads the committed weights (models/ranker/), prepares the zoo's model
// tokens once and caches them in IndexedDB (database `zooscout-ranker`, keyed by ranker id, so a
// new ranker never reads stale tokens), scores every zoo model for a dataset token in one pass,
// and makes tokens for an ONNX file the user drops (weights + graph metadata; no retraining).
import { openDB, type IDBPDatabase } from 'idb';
import { tf } from '../../probe/tfjs/tf.ts';
import { chooseBackend, type BackendChoice } from '../../probe/tfjs/backends.ts';
import type { DatasetTokens } from '../../tokens/shared/format.ts';
import { Scorer, type RankerKind } from '../model/scorer.ts';
import type { RankerArtifact, ZooTokens } from '../shared/artifact.ts';
import { DATASET_EXTRA, type DatasetInput, type PreparedModel } from '../shared/features.ts';
import { archFeatures } from '../shared/model-tokens.ts';
import { metaFromOnnx, type OnnxMetaExtra } from '../shared/onnx-meta.ts';
import { readOnnxWeights } from '../shared/onnx-weights.ts';

export const RANKER_DB = 'zooscout-ranker';
export const RANKER_DB_VERSION = 1;
const STORE = 'zoo-tokens';

export interface PageRanker {
  scorer: Scorer;
  zoo: PreparedModel[];
  backend: string;
  /** the backends tried before it and why they were not used; the chosen one's check against CPU */
  backendChoice: BackendChoice;
  /** true when the prepared zoo tokens came from IndexedDB */
  cached: boolean;
}

async function db(): Promise<IDBPDatabase> {
  return openDB(RANKER_DB, RANKER_DB_VERSION, {
    upgrade(d) {
      if (!d.objectStoreNames.contains(STORE)) d.createObjectStore(STORE);
    },
  });
}

export async function clearRankerCache(): Promise<void> {
  const d = await db();
  await d.clear(STORE);
  d.close();
}

/** Backends tried in this order: WebGPU (checked against CPU on a fixed input), WASM, CPU. */
export const DEFAULT_RANKER_BACKENDS = ['webgpu', 'wasm', 'cpu'];
/** Largest |score - CPU score| on the check input for a backend to be trusted (scores span ~5). */
export const RANKER_CHECK_TOLERANCE = 1e-3;

/** A fixed dataset input made from the zoo itself (the first model's source classes, else a fixed pattern). */
function checkInput(zoo: PreparedModel[], p: number): DatasetInput {
  const src = zoo.find((m) => m.source && m.source.n >= 2)?.source;
  const n = src ? Math.min(src.n, 12) : 8;
  const centres = src ? src.centres.slice(0, n * p) : Float32Array.from({ length: n * p }, (_, i) => Math.sin(i * 0.37) * 1.5);
  const w = p + DATASET_EXTRA;
  const rows = new Float32Array(n * w);
  for (let i = 0; i < n; i++) {
    rows.set(centres.subarray(i * p, (i + 1) * p), i * w);
    rows[i * w + p] = 0.2 * Math.cos(i); // concentration, spread (x 2 - 1)
    rows[i * w + p + 1] = -0.1 * Math.sin(i);
  }
  return { rows, n, centres, stats: [Math.log10(n) - 1, 0] };
}

export async function loadPageRanker(opts: { base?: string; backends?: string[]; useCache?: boolean } = {}): Promise<PageRanker> {
  const base = opts.base ?? '/models/ranker/';
  const art = (await (await fetch(`${base}ranker.json`)).json()) as RankerArtifact;
  // zoo tokens are made on the CPU backend (the same numbers as Node, whatever the device); the
  // backend is chosen afterwards by scoring a check input with a throw-away scorer on each
  // candidate (its tensors never come back to CPU), and the page's scorer is made on the chosen one
  await tf.setBackend('cpu');
  const cpuScorer = new Scorer(art);
  const zoo = await preparedZoo(cpuScorer, base, opts.useCache !== false);
  const check = checkInput(zoo.models, cpuScorer.pca.p);
  const backendChoice = await chooseBackend(opts.backends ?? DEFAULT_RANKER_BACKENDS, {
    check: () => {
      const s = new Scorer(art);
      try {
        return s.score(check, zoo.models, 'cross');
      } finally {
        s.dispose();
      }
    },
    tolerance: RANKER_CHECK_TOLERANCE,
  });
  let scorer = cpuScorer;
  if (backendChoice.backend !== 'cpu') {
    cpuScorer.dispose();
    scorer = new Scorer(art);
  }
  return { scorer, zoo: zoo.models, backend: backendChoice.backend, backendChoice, cached: zoo.cached };
}

async function preparedZoo(scorer: Scorer, base: string, useCache: boolean): Promise<{ models: PreparedModel[]; cached: boolean }> {
  const art = scorer.art;
  const key = `${art.id}:${art.encoder.sha256}`;
  let d: IDBPDatabase | null = null;
  try {
    d = useCache ? await db() : null;
  } catch {
    d = null; // no IndexedDB (private mode): prepare every time
  }
  const hit = d ? ((await d.get(STORE, key)) as PreparedModel[] | undefined) : undefined;
  if (hit) {
    d?.close();
    return { models: hit, cached: true };
  }
  const zooTokens = (await (await fetch(`${base}zoo-tokens.json`)).json()) as ZooTokens;
  const zoo = scorer.prepareZoo(zooTokens);
  try {
    await d?.put(STORE, zoo, key);
  } catch {
    // quota: keep going without the cache
  }
  d?.close();
  return { models: zoo, cached: false };
}

export interface Ranked { id: string; score: number; rank: number }

/** Scores every candidate for the dataset tokens in one pass; returns them best first with the time taken. */
export function rankModels(r: PageRanker, tokens: DatasetTokens, kind: RankerKind = 'cross', models = r.zoo): { ranked: Ranked[]; ms: number; scores: Float32Array } {
  const t0 = performance.now();
  const scores = r.scorer.score(tokens, models, kind);
  const ms = performance.now() - t0;
  const ranked = models.map((m, i) => ({ id: m.id, score: scores[i], rank: 0 })).sort((a, b) => b.score - a.score);
  ranked.forEach((x, i) => (x.rank = i + 1));
  return { ranked, ms, scores };
}

/**
 * Token of a model the user drops (ONNX): ArchToVec from its weights, metadata from its graph
 * (params, MACs, input size, feature width); family and source unknown unless given. A source
 * dataset's tokens, when the user has them, give it a source token too.
 */
export function tokenForOnnx(r: PageRanker, id: string, bytes: Uint8Array, extra: OnnxMetaExtra & { source?: DatasetTokens } = {}): PreparedModel {
  const w = readOnnxWeights(bytes);
  const meta = metaFromOnnx(bytes, w, extra);
  const source = extra.source ? r.scorer.projectSource(extra.source.classes.map((c) => c.centre)) : null;
  return r.scorer.prepare([{ id, meta, arch: archFeatures(w), source }])[0];
}

export { tf };
