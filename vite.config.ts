// Vite: the page, its workers, the onnxruntime-web runtime and the encoder weights, all served
// from the app's own origin (nothing from a CDN), cross-origin isolated for threaded WASM.
import { defineConfig, type Plugin } from 'vite';
import { createReadStream, existsSync, readdirSync, mkdirSync, copyFileSync } from 'node:fs';
import { join, extname, resolve } from 'node:path';

const ORT_DIR = resolve('node_modules/onnxruntime-web/dist');
const MODELS_DIR = resolve('models/encoders');
const ZOO_DIR = resolve('models/zoo');
const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function localAssets(): Plugin {
  const serve = (prefix: string, dir: string, filter: (f: string) => boolean) => (req: { url?: string }, res: import('node:http').ServerResponse, next: () => void) => {
    const url = (req.url ?? '').split('?')[0];
    if (!url.startsWith(prefix)) return next();
    const file = join(dir, decodeURIComponent(url.slice(prefix.length)));
    if (!file.startsWith(dir) || !filter(file) || !existsSync(file)) return next();
    const types: Record<string, string> = { '.wasm': 'application/wasm', '.mjs': 'text/javascript', '.json': 'application/json' };
    res.setHeader('Content-Type', types[extname(file)] ?? 'application/octet-stream');
    createReadStream(file).pipe(res);
  };
  // only the WebGPU+WASM (jsep) build that the default onnxruntime-web bundle loads
  const ortFiles = (f: string) => /ort-wasm-simd-threaded\.jsep\.(wasm|mjs)$/.test(f);
  const modelFiles = (f: string) => /\.(onnx|json)$/.test(f);
  return {
    name: 'zooscout-local-assets',
    configureServer(server) {
      server.middlewares.use(serve('/ort/', ORT_DIR, ortFiles));
      server.middlewares.use(serve('/models/encoders/', MODELS_DIR, modelFiles));
    },
    configurePreviewServer(server) {
      server.middlewares.use(serve('/ort/', ORT_DIR, ortFiles));
    },
    writeBundle(opts) {
      const out = opts.dir ?? 'dist';
      const copy = (from: string, to: string, filter: (f: string) => boolean) => {
        if (!existsSync(from)) return;
        mkdirSync(to, { recursive: true });
        for (const f of readdirSync(from)) if (filter(f)) copyFileSync(join(from, f), join(to, f));
      };
      copy(ORT_DIR, join(out, 'ort'), ortFiles);
      copy(MODELS_DIR, join(out, 'models/encoders'), modelFiles);
      copy(ZOO_DIR, join(out, 'models/zoo'), (f) => f.endsWith('.onnx') || f === 'catalogue.json');
    },
  };
}

export default defineConfig({
  base: './',
  plugins: [localAssets()],
  server: { headers: ISOLATION },
  preview: { headers: ISOLATION },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true },
});
