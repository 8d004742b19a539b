// What the test server and the page-bench server share: TS via esbuild, CommonJS deps, headers,
// the onnxruntime-web runtime at /ort/ and ../shared fixtures at /__shared/.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { buildSync } from 'esbuild';
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

export const serverPlugins = () => [
  cjsAsEsm(),
  esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' }),
];
// The npm models the page build ships, at the same /npm-models/ paths as `vite` / `vite build`
// (src/npmzoo/node/assets.ts; loaded on the first such request, through tsx like every runner here).
let npmMw = null;
async function npmModels(ctx, next) {
  if (!ctx.path.startsWith('/npm-models/')) return next();
  if (!npmMw) {
    const [{ npmModelsKoaMiddleware }, { NPM_PAGE_MODELS }] = await Promise.all([import('../../src/npmzoo/node/assets.ts'), import('../../src/npmzoo/shared/page-set.ts')]);
    npmMw = npmModelsKoaMiddleware({ ids: NPM_PAGE_MODELS });
  }
  return npmMw(ctx, next);
}

export const serverMiddleware = [isolationHeaders, ortAssets, sharedFixtures, blankPage, npmModels];
export const nodeResolve = { exportConditions: ['browser', 'import', 'default'] };

export const chromiumPath = process.env.CHROME_PATH || '/usr/bin/chromium';
// Debian Chromium as root in a sandbox-less container, with no background traffic
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

// WebGPU without a GPU: SwiftShader's software adapter
export const webgpuArgs = ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-webgpu-adapter=swiftshader'];
