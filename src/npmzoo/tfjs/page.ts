// The npm models in the page: files from the app's own origin (/npm-models/, see
// src/npmzoo/node/assets.ts), checked against the build's index (sha256), cached in IndexedDB under
// a key that carries package@version, then the shared feature path (features.ts) and an on-device
// latency measurement (cold = first run, never counted as warm).
import { openDB, type IDBPDatabase } from 'idb';
import type { NpmCatalogueEntry } from '../shared/catalogue.ts';
import { NPM_MODELS_BASE, type NpmAssetIndex } from '../shared/catalogue.ts';
import { inputShapeFor } from '../shared/shapes.ts';
import { loadNpmModel, tf, type LoadedNpmModel, type ModelFiles } from './features.ts';

const DB = 'zooscout-npm-models';
const STORE = 'files';

async function sha256Hex(buf: ArrayBuffer | Uint8Array): Promise<string> {
  const h = new Uint8Array(await crypto.subtle.digest('SHA-256', buf as ArrayBuffer));
  return [...h].map((b) => b.toString(16).padStart(2, '0')).join('');
}

let dbp: Promise<IDBPDatabase> | null = null;
const db = () => (dbp ??= openDB(DB, 1, { upgrade: (d) => void d.createObjectStore(STORE) }));

let indexP: Promise<NpmAssetIndex> | null = null;
export const npmAssetIndex = (base = NPM_MODELS_BASE) => (indexP ??= fetch(`${base}/index.json`).then((r) => r.json()));

/** model.json + weights from IndexedDB (key: package@version/id/sha256/file) or the app's origin, sha256-checked. */
export async function fetchNpmModelFiles(e: NpmCatalogueEntry, opts: { cache?: boolean } = {}): Promise<{ files: ModelFiles; fromCache: boolean }> {
  const index = await npmAssetIndex();
  const rec = index.models[e.id.replace(/^npm:[^/]+\//, '')];
  if (!rec || rec.version !== e.version) throw new Error(`${e.id}: not in this build's /npm-models/index.json`);
  const useCache = opts.cache !== false;
  const d = useCache ? await db() : null;
  let fromCache = true;
  const bufs: Uint8Array[] = [];
  for (const f of rec.files) {
    const key = `${e.cacheKey}/${f.url.split('/').pop()}`;
    let b = d ? ((await d.get(STORE, key)) as Uint8Array | undefined) : undefined;
    if (!b || (await sha256Hex(b)) !== f.sha256) {
      fromCache = false;
      b = new Uint8Array(await (await fetch(f.url)).arrayBuffer());
      if ((await sha256Hex(b)) !== f.sha256) throw new Error(`${f.url}: sha256 mismatch`);
      if (d) await d.put(STORE, b, key).catch(() => undefined); // a full quota leaves the run working
    }
    bufs.push(b);
  }
  const json = JSON.parse(new TextDecoder().decode(bufs[0]));
  return { files: { json, shards: bufs.slice(1) }, fromCache };
}

export async function loadNpmModelInPage(e: NpmCatalogueEntry): Promise<LoadedNpmModel> {
  const { files } = await fetchNpmModelFiles(e);
  return loadNpmModel(files, e.format as 'tfjs-graph' | 'tfjs-layers', e.format === 'tfjs-layers' ? e.featureNode : undefined);
}

/** batch-1 latency to the feature node on the current tfjs backend: first run (cold) and the warm median */
export async function measureNpmLatency(m: LoadedNpmModel, e: NpmCatalogueEntry, warmRuns = 5): Promise<{ backend: string; coldMs: number; warmMedianMs: number }> {
  const x = tf.zeros(inputShapeFor(e.input), e.input.dtype);
  const once = async () => {
    const t = performance.now();
    const y = (m.kind === 'graph' ? m.graph!.execute({ [m.inputName]: x }, e.featureNode) : m.featureLayers!.predict(x)) as ReturnType<typeof tf.tensor>;
    await y.data();
    y.dispose();
    return performance.now() - t;
  };
  const coldMs = await once();
  const warm: number[] = [];
  for (let i = 0; i < warmRuns; i++) warm.push(await once());
  x.dispose();
  warm.sort((a, b) => a - b);
  return { backend: tf.getBackend(), coldMs, warmMedianMs: warm[Math.floor(warm.length / 2)] };
}
