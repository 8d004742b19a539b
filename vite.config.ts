// Vite: the page, its workers, the onnxruntime-web runtime and the encoder weights, all served
// from the app's own origin (nothing from a CDN), cross-origin isolated for threaded WASM.
// The production build also gets a service worker (vite-plugin-pwa, Workbox generateSW) that
// precaches everything the page loads, so after the first visit it works with the network off
// (docs/offline-privacy.md).
import { defineConfig, defaultClientConditions, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { join, extname, resolve } from 'node:path';
import { npmModelsVitePlugin, npmModelAssets } from './src/npmzoo/node/assets.ts';
import { ENCODERS } from './src/encode/shared/manifest.ts';
import { NPM_PAGE_MODELS } from './src/npmzoo/shared/page-set.ts';
import { REAL_TFJS_IDS } from './src/realzoo/shared/backbones.ts';

// the tfjs models the build serves under npm-models/: the npm packages' page set and the real tfjs backbones
const TFJS_PAGE_MODELS = [...NPM_PAGE_MODELS, ...REAL_TFJS_IDS];

const ORT_DIR = resolve('node_modules/onnxruntime-web/dist');
// tfjs-backend-wasm's binaries, served and shipped at tfjs-wasm/ (src/probe/tfjs/backends.ts)
const TFJS_WASM_DIR = resolve('node_modules/@tensorflow/tfjs-backend-wasm/dist');
const tfjsWasmFiles = (f: string) => /tfjs-backend-wasm(-simd)?\.wasm$/.test(f);
// only the WebGPU+WASM (jsep) build that the default onnxruntime-web bundle loads
const ortFiles = (f: string) => /ort-wasm-simd-threaded\.jsep\.(wasm|mjs)$/.test(f);
const MODELS_DIR = resolve('models/encoders');
const ZOO_DIR = resolve('models/zoo');
const RANKER_DIR = resolve('models/ranker');
const PUBLIC_DIR = resolve('models/public');
const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
/** precached files are scripts and JSON (under 1 MB each today); Workbox's default limit is 2 MiB */
const MAX_PRECACHE_FILE = 16 * 1024 * 1024;

function localAssets(): Plugin {
  const serve = (prefix: string, dir: string, filter: (f: string) => boolean) => (req: { url?: string }, res: import('node:http').ServerResponse, next: () => void) => {
    const url = (req.url ?? '').split('?')[0];
    if (!url.startsWith(prefix)) return next();
    const file = join(dir, decodeURIComponent(url.slice(prefix.length)));
    if (!file.startsWith(dir) || !filter(file) || !existsSync(file)) return next();
    const types: Record<string, string> = { '.wasm': 'application/wasm', '.mjs': 'text/javascript', '.json': 'application/json' };
    res.setHeader('Content-Type', types[extname(file)] ?? 'application/octet-stream');
    // these middlewares answer before Vite adds server/preview `headers`: without COEP the
    // runtime's .mjs cannot start the pthread workers (net::ERR_BLOCKED_BY_RESPONSE)
    for (const [k, v] of Object.entries(ISOLATION)) res.setHeader(k, v);
    createReadStream(file).pipe(res);
  };
  const modelFiles = (f: string) => /\.(onnx|json)$/.test(f);
  return {
    name: 'zooscout-local-assets',
    configureServer(server) {
      server.middlewares.use(serve('/ort/', ORT_DIR, ortFiles));
      server.middlewares.use(serve('/models/encoders/', MODELS_DIR, modelFiles));
      server.middlewares.use(serve('/tfjs-wasm/', TFJS_WASM_DIR, tfjsWasmFiles));
    },
    // copied before vite-plugin-pwa's closeBundle globs the output, so they are precached too
    writeBundle(opts) {
      const out = opts.dir ?? 'dist';
      const copy = (from: string, to: string, filter: (f: string) => boolean) => {
        if (!existsSync(from)) return;
        mkdirSync(to, { recursive: true });
        for (const f of readdirSync(from)) if (filter(f)) copyFileSync(join(from, f), join(to, f));
      };
      copy(ORT_DIR, join(out, 'ort'), ortFiles);
      copy(TFJS_WASM_DIR, join(out, 'tfjs-wasm'), tfjsWasmFiles);
      copy(MODELS_DIR, join(out, 'models/encoders'), modelFiles);
      copy(ZOO_DIR, join(out, 'models/zoo'), (f) => f.endsWith('.onnx') || f === 'catalogue.json');
      copy(RANKER_DIR, join(out, 'models/ranker'), (f) => f.endsWith('.json'));
      // the public-models ranker (npm run public:page; src/catalogue/shared/public-page.ts)
      copy(PUBLIC_DIR, join(out, 'models/public'), (f) => /\.(json|bin)$/.test(f));
    },
  };
}

/**
 * What the service worker keeps. Precached at the first visit (small, revisioned): the shell, its
 * scripts and the JSON the first recommendation reads (ranker, registry, indexes). Cached when first
 * used, in one cache named after the content of what it may hold (CacheFirst: each file crosses the
 * network once): onnxruntime-web's runtime, the encoders, tfjs's WASM and every model file. The page
 * fills that cache with the essentials (`essential` below) once the worker is active, and with the
 * rest on request ("keep available offline"). src/offline/files.ts reads the list as __ZS_OFFLINE__.
 */
function offlineFiles(): { cache: string; files: { url: string; bytes: number; essential: boolean }[] } {
  const files: { url: string; bytes: number; essential: boolean }[] = [];
  const h = createHash('sha256');
  const add = (dir: string, prefix: string, filter: (f: string) => boolean, essential: (f: string) => boolean = () => false) => {
    if (!existsSync(dir)) return;
    for (const f of readdirSync(dir).sort()) {
      if (!filter(f)) continue;
      const bytes = readFileSync(join(dir, f));
      h.update(`${prefix}${f}\0`).update(bytes);
      files.push({ url: prefix + f, bytes: bytes.length, essential: essential(f) });
    }
  };
  add(ORT_DIR, 'ort/', ortFiles, () => true);
  // every encoder served here is read on each run: one embeds, all are real candidates (the
  // on-request CLIP file is neither until the user asks for it)
  const everyRun = new Set(ENCODERS.filter((e) => !e.onRequest).map((e) => e.file));
  add(MODELS_DIR, 'models/encoders/', (f) => f.endsWith('.onnx'), (f) => everyRun.has(f));
  // tfjs's WASM (npm models' costs and checks) and the public models' ranker tokens: read by the page
  // every visit, small, so kept as essentials too
  add(TFJS_WASM_DIR, 'tfjs-wasm/', tfjsWasmFiles, () => true);
  add(ZOO_DIR, 'models/zoo/', (f) => f.endsWith('.onnx'));
  add(PUBLIC_DIR, 'models/public/', (f) => f.endsWith('.bin'), () => true);
  // npm models: paths carry the package version (<pkg>@<version>/<id>/), so names and sizes identify them
  for (const [url, bytes] of npmModelAssets({ ids: TFJS_PAGE_MODELS })) {
    const rel = url.replace(/^\//, '');
    if (rel.endsWith('index.json')) continue;
    h.update(`${rel}\0${bytes.length}\0`);
    files.push({ url: rel, bytes: bytes.length, essential: false });
  }
  return { cache: `zs-files-${h.digest('hex').slice(0, 12)}`, files };
}

let offlineCache: ReturnType<typeof offlineFiles> | undefined;
const OFFLINE = () => (offlineCache ??= offlineFiles());

/** The service worker (vite-plugin-pwa, Workbox generateSW): see offlineFiles. */
function offline(): Plugin[] {
  const pwa = VitePWA({
    strategies: 'generateSW',
    // src/offline/register.ts registers it (workbox-window), only in the production build
    injectRegister: false,
    registerType: 'prompt',
    manifest: false,
    workbox: {
      globPatterns: [
        '*.html',
        'assets/*.{js,css,wasm}',
        'models/encoders/index.json',
        'models/zoo/catalogue.json',
        'models/ranker/*.json',
        'models/public/*.json',
        'npm-models/index.json',
      ],
      globIgnores: ['**/*.map'],
      maximumFileSizeToCacheInBytes: MAX_PRECACHE_FILE,
      // everything else of this origin that is a runtime or model file: kept once used
      runtimeCaching: [
        {
          urlPattern: ({ url, sameOrigin }) => sameOrigin && /\/(ort|tfjs-wasm)\/[^/]+$|\/models\/[^/]+\/[^/]+\.(onnx|bin)$|\/npm-models\/.+\.(json|bin)$/.test(url.pathname) && !url.pathname.endsWith('/npm-models/index.json'),
          handler: 'CacheFirst',
          // ignoreVary: preview and many hosts answer `Vary: Origin`; a module import (CORS mode,
          // Origin sent) must find the copy a plain fetch stored
          options: { cacheName: OFFLINE().cache, cacheableResponse: { statuses: [200] }, matchOptions: { ignoreVary: true } },
        },
      ],
      // a new version waits until the page asks it to take over (registerOffline's applyUpdate),
      // so a running page never loses the lazily loaded chunks of its own version
      skipWaiting: false,
      // the first visit is served by the worker as soon as it is installed, without a reload
      clientsClaim: true,
      cleanupOutdatedCaches: true,
      // the one page, also for a navigation with a query string; never in place of a missing asset
      navigateFallback: 'index.html',
      navigateFallbackDenylist: [/\/(assets|ort|tfjs-wasm|models)\//],
      sourcemap: false,
    },
  });
  // Vite 8 runs closeBundle after a failed build without the error, so vite-plugin-pwa would
  // glob an empty folder and replace the build's own error ("unresolved import ...") with
  // "Couldn't find configuration for either precaching or runtime caching": skip it then.
  let failed = false;
  const watch: Plugin = {
    name: 'zooscout-build-failed',
    buildEnd(error) {
      if (error) failed = true;
    },
    renderError() {
      failed = true;
    },
  };
  return [watch, ...pwa.map((p) => {
    const close = p.closeBundle;
    if (p.name !== 'vite-plugin-pwa:build' || !close || typeof close === 'function') return p;
    return { ...p, closeBundle: { ...close, handler(this: unknown, ...args: unknown[]) {
      if (failed) return;
      return (close.handler as (...a: unknown[]) => unknown).apply(this, args);
    } } } as Plugin;
  })];
}

export default defineConfig({
  base: './',
  plugins: [
    localAssets(),
    // the real pre-trained npm models the page ships, copied from node_modules (dev: served from
    // memory; build: emitted) at npm-models/<package>@<version>/<id>/ (docs/npm-models.md)
    npmModelsVitePlugin({ ids: TFJS_PAGE_MODELS }),
    ...offline(),
  ],
  // onnxruntime-web's "extern wasm" entry (ort.min.mjs): the runtime's .mjs and .wasm are loaded
  // from /ort/ (env.ortWasmBase) only. The default entry (ort.bundle.min.mjs) also names the .wasm
  // with `new URL(..., import.meta.url)`, which made Vite ship a second, hashed 28 MB copy under
  // assets/ that was never fetched (wasmPaths always points at /ort/).
  resolve: {
    conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions],
    // the tfjs backends' bundles (src/probe/tfjs/backends.ts) register into the tfjs bundle the
    // app already loads (src/probe/tfjs/tf.ts): one engine, one kernel registry, no second core
    alias: [{ find: /^@tensorflow\/tfjs-core$/, replacement: resolve('node_modules/@tensorflow/tfjs/dist/tf.fesm.js') }],
  },
  // the offline cache's name and its files (src/offline/files.ts)
  define: { __ZS_OFFLINE__: JSON.stringify(OFFLINE()) },
  server: { headers: ISOLATION },
  preview: { headers: ISOLATION },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true },
});
