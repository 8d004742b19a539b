// What the test server and the page-bench server share: TS via esbuild, CommonJS deps, headers,
// the onnxruntime-web runtime at /ort/ and ../shared fixtures at /__shared/.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { buildSync } from 'esbuild';
import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ortAssets, isolationHeaders, sharedFixtures, blankPage } from './middleware.mjs';

// CommonJS dependencies, served as one ES module each (Vite does this for the app itself)
const CJS = ['jpeg-js'];
function cjsAsEsm() {
  const cache = new Map();
  return {
    name: 'cjs-as-esm',
    resolveImport({ source }) {
      if (CJS.includes(source)) return `/__cjs/${source}.js`;
      return undefined;
    },
    serve(ctx) {
      const m = /^\/__cjs\/(.+)\.js$/.exec(ctx.path);
      if (!m || !CJS.includes(m[1])) return undefined;
      if (!cache.has(m[1])) {
        const out = buildSync({
          stdin: { contents: `import m from '${m[1]}'; export default m;`, resolveDir: process.cwd() },
          bundle: true, format: 'esm', write: false, platform: 'browser', target: 'es2022',
        });
        cache.set(m[1], out.outputFiles[0].text);
      }
      return { body: cache.get(m[1]), type: 'js' };
    },
  };
}

// tfjs backends (src/probe/tfjs/backends.ts): their bundles import '@tensorflow/tfjs-core', served as
// the tfjs bundle the app already loads (one engine, one kernel registry, as vite.config.ts's alias);
// the WASM bundle's Node-only builtins (unused in a browser) as an empty module.
const TFJS_BUNDLE = '/node_modules/@tensorflow/tfjs/dist/tf.fesm.js';
const NODE_ONLY = ['fs', 'path', 'os', 'perf_hooks', 'worker_threads'];
function tfjsBackends() {
  return {
    name: 'tfjs-backends',
    resolveImport({ source, context }) {
      if (source === '@tensorflow/tfjs-core') return TFJS_BUNDLE;
      if (NODE_ONLY.includes(source) && context.path.includes('/tfjs-backend-wasm/')) return '/__tfjs-node-only.js';
      return undefined;
    },
    serve(ctx) {
      if (ctx.path === '/__tfjs-node-only.js') return { body: 'export default {};', type: 'js' };
      return undefined;
    },
  };
}

// tfjs-backend-wasm's .wasm files at /tfjs-wasm/, the folder `vite build` ships them in
const TFJS_WASM_DIR = join(process.cwd(), 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
function tfjsWasmAssets(ctx, next) {
  const m = /^\/tfjs-wasm\/(tfjs-backend-wasm(?:-simd)?\.wasm)$/.exec(ctx.path);
  if (!m || !existsSync(join(TFJS_WASM_DIR, m[1]))) return next();
  ctx.type = 'application/wasm';
  ctx.body = createReadStream(join(TFJS_WASM_DIR, m[1]));
  return undefined;
}

export const serverPlugins = () => [
  cjsAsEsm(),
  tfjsBackends(),
  esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' }),
];
// The npm models the page build ships, at the same /npm-models/ paths as `vite` / `vite build`
// (src/npmzoo/node/assets.ts; loaded on the first such request, through tsx like every runner here).
let npmMw = null;
async function npmModels(ctx, next) {
  if (!ctx.path.startsWith('/npm-models/')) return next();
  if (!npmMw) {
    const [{ npmModelsKoaMiddleware }, { NPM_PAGE_MODELS }, { REAL_TFJS_IDS }] = await Promise.all([import('../../src/npmzoo/node/assets.ts'), import('../../src/npmzoo/shared/page-set.ts'), import('../../src/realzoo/shared/backbones.ts')]);
    npmMw = npmModelsKoaMiddleware({ ids: [...NPM_PAGE_MODELS, ...REAL_TFJS_IDS] });
  }
  return npmMw(ctx, next);
}

export const serverMiddleware = [isolationHeaders, ortAssets, sharedFixtures, blankPage, npmModels, tfjsWasmAssets];
export const nodeResolve = { exportConditions: ['browser', 'import', 'default'] };

export { chromiumPath, chromiumArgs, webgpuArgs } from '../chromium.mjs';
