// Build-time assets: the npm models' files served from the app's own origin under /npm-models/
// (never fetched from a third party). Every usable model becomes <pkg>@<version>/<id>/model.json +
// weights.bin (nsfwjs's UMD modules are decoded here, in Node, so the page never evals code), plus
// /npm-models/index.json with each served file's sha256 and the package file it came from.
//   npmModelsVitePlugin()  serves them in `vite` dev and emits them in `vite build`
//   npmModelsKoaMiddleware() the same for @web/test-runner's server
import { createHash } from 'node:crypto';
import { NPM_MODEL_DOCS } from '../shared/models.ts';
import { NPM_MODELS_BASE, npmModelUrl, type NpmAssetIndex } from '../shared/catalogue.ts';
import type { NpmInventory } from '../shared/types.ts';
import { toArtifacts } from '../shared/artifacts.ts';
import { readModelFiles } from './files.ts';
import { loadInventory } from './inventory-file.ts';
import { buildRealModelAssets } from '../../realzoo/node/assets.ts';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');


/** url path -> bytes, for every usable model of the inventory */
export function buildNpmModelAssets(inv: NpmInventory = loadInventory(), ids?: readonly string[]): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const index: NpmAssetIndex = { version: 1, models: {} };
  for (const e of inv.models.filter((m) => m.feature && (!ids || ids.includes(m.id)))) {
    const doc = NPM_MODEL_DOCS.find((d) => d.id === e.id && d.package === e.package)!;
    const files = readModelFiles(doc);
    const art = toArtifacts(files);
    const weights = new Uint8Array(art.weightData as ArrayBuffer);
    const json = new TextEncoder().encode(
      JSON.stringify({ format: doc.format === 'tfjs-graph' ? 'graph-model' : 'layers-model', modelTopology: files.json.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: art.weightSpecs }] }),
    );
    const url = npmModelUrl(e);
    const binUrl = url.replace(/model\.json$/, 'weights.bin');
    out.set(url, json);
    out.set(binUrl, weights);
    index.models[e.id] = {
      package: e.package,
      version: e.version,
      sourceSha256: e.files[0].sha256,
      files: [
        { url, bytes: json.byteLength, sha256: sha(json) },
        { url: binUrl, bytes: weights.byteLength, sha256: sha(weights) },
      ],
    };
  }
  // the real tfjs backbones ride on the same server, index and page path (src/realzoo/node/assets.ts)
  if (!ids || ids.some((i) => i.startsWith('real:'))) {
    const real = buildRealModelAssets();
    for (const [id, rec] of Object.entries(real.index)) {
      if (ids && !ids.includes(id)) continue;
      index.models[id] = rec;
      for (const f of rec.files) out.set(f.url, real.files.get(f.url)!);
    }
  }
  out.set(`${NPM_MODELS_BASE}/index.json`, new TextEncoder().encode(JSON.stringify(index)));
  return out;
}

/** all usable models are ~190 MB; `ids` limits what is served and bundled */
export interface NpmAssetOptions { ids?: readonly string[] }
let cached: Map<string, Uint8Array> | null = null;
let cachedIds: readonly string[] | undefined;
/** the assets for `ids`, built once per ids list (the vite plugin and vite.config.ts's offline list share them) */
export const npmModelAssets = (o: NpmAssetOptions = {}) => {
  if (!cached || cachedIds !== o.ids) {
    cached = buildNpmModelAssets(loadInventory(), o.ids);
    cachedIds = o.ids;
  }
  return cached;
};
const typeOf = (p: string) => (p.endsWith('.json') ? 'application/json' : 'application/octet-stream');

/** Vite plugin: dev middleware + emitted files in the build. */
export function npmModelsVitePlugin(o: NpmAssetOptions = {}) {
  return {
    name: 'zooscout-npm-models',
    configureServer(server: { middlewares: { use(fn: (req: { url?: string }, res: { setHeader(k: string, v: string): void; end(b: Uint8Array): void }, next: () => void) => void): void } }) {
      server.middlewares.use((req, res, next) => {
        const path = (req.url ?? '').split('?')[0];
        const body = path.startsWith(NPM_MODELS_BASE) ? npmModelAssets(o).get(path) : undefined;
        if (!body) return next();
        res.setHeader('Content-Type', typeOf(path));
        res.end(body);
      });
    },
    generateBundle(this: { emitFile(f: { type: 'asset'; fileName: string; source: Uint8Array }): void }) {
      for (const [path, source] of npmModelAssets(o)) this.emitFile({ type: 'asset', fileName: path.slice(1), source });
    },
  };
}

/** koa middleware for @web/test-runner's dev server */
export function npmModelsKoaMiddleware(o: NpmAssetOptions = {}) {
  return async (ctx: { path: string; body: unknown; type: string }, next: () => Promise<void>) => {
    const body = ctx.path.startsWith(NPM_MODELS_BASE) ? npmModelAssets(o).get(ctx.path) : undefined;
    if (!body) return next();
    ctx.type = typeOf(ctx.path);
    ctx.body = Buffer.from(body);
  };
}
