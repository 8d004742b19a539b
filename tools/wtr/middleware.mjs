// Cross-origin isolation (SharedArrayBuffer for threaded WASM) and the onnxruntime-web
// runtime served at /ort/, the same URL the built page uses.
import { createReadStream, existsSync } from 'node:fs';
import { join, extname } from 'node:path';

export function isolationHeaders(ctx, next) {
  ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
  ctx.set('Cross-Origin-Embedder-Policy', 'require-corp');
  ctx.set('Cross-Origin-Resource-Policy', 'same-origin');
  return next();
}

const ORT_DIR = join(process.cwd(), 'node_modules/onnxruntime-web/dist');
const TYPES = { '.wasm': 'application/wasm', '.mjs': 'text/javascript', '.js': 'text/javascript' };

export function ortAssets(ctx, next) {
  if (!ctx.path.startsWith('/ort/')) return next();
  const file = join(ORT_DIR, ctx.path.slice('/ort/'.length));
  if (!file.startsWith(ORT_DIR) || !existsSync(file)) return next();
  ctx.type = TYPES[extname(file)] ?? 'application/octet-stream';
  ctx.body = createReadStream(file);
  return undefined;
}

// Test fixtures: the read-only datasets in ../shared, served at /__shared/ (tests only).
const SHARED_DIR = join(process.cwd(), '..', 'shared');
export function sharedFixtures(ctx, next) {
  if (!ctx.path.startsWith('/__shared/')) return next();
  const file = join(SHARED_DIR, decodeURIComponent(ctx.path.slice('/__shared/'.length)));
  if (!file.startsWith(SHARED_DIR) || !existsSync(file)) return next();
  ctx.type = extname(file) === '.json' ? 'application/json' : 'application/octet-stream';
  ctx.body = createReadStream(file);
  return undefined;
}

// An empty page at the site root, for running modules in a page (benches): same base URL as the app.
export function blankPage(ctx, next) {
  if (ctx.path !== '/__blank.html') return next();
  ctx.type = 'text/html';
  ctx.body = '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>ZooScout bench</title><body></body>';
  return undefined;
}
