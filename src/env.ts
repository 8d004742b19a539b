// One place for run-time configuration of the page (as transformers.js keeps `env`): where the
// runtime and weights are served from, thread counts, limits. Tests and benches override fields.

function baseHref(): string {
  const g = globalThis as { document?: Document; location?: Location };
  return g.document?.baseURI ?? g.location?.href ?? 'http://localhost/';
}

export const env = {
  /** onnxruntime-web .wasm/.mjs files, served from the app's own origin (never a CDN) */
  ortWasmBase: new URL('ort/', baseHref()).href,
  /** the runtime binary onnxruntime-web loads from ortWasmBase (the one file of it vite.config.ts serves) */
  ortWasmFile: 'ort-wasm-simd-threaded.jsep.wasm',
  /** tfjs-backend-wasm's .wasm files (TFJS_WASM_DIR of probe/tfjs/backends.ts: vite build copies them there) */
  tfjsWasmBase: new URL('tfjs-wasm/', baseHref()).href,
  /** encoder weights placed by `npm run setup` */
  modelsBase: new URL('models/encoders/', baseHref()).href,
  /** WASM threads; needs cross-origin isolation, else 1 */
  wasmThreads: Math.max(1, Math.min(4, (globalThis.navigator?.hardwareConcurrency ?? 1))),
  /** encode workers side by side for an encoder that runs on tfjs on WASM (one thread each; src/encode/client/encoder-client.ts):
   * one per core, at most 4. An encoder on onnxruntime-web keeps one worker: a pool of two of those held
   * over 1 GB more of the browser's memory in the 108 MP PNG test (+1120 MB against +102 MB); on tfjs +64 MB */
  encodeWorkers: Math.max(1, Math.min(4, (globalThis.navigator?.hardwareConcurrency ?? 1))),
  /** when the page opens, start the default encoder (runtime, weights, first run) and load the ranker and
   * the served candidates, while the user picks a folder, rather than after the pick */
  preload: true,
  /** a non-interlaced PNG larger than this (pixels) is refused before decoding; it is streamed row by row, so memory stays O(width) */
  maxPixels: 1_000_000_000,
  /** other images larger than this are refused: the browser decodes them whole (4 bytes a pixel) before resizing */
  maxBrowserPixels: 100_000_000,
  /** images with a longer side above this are downscaled while decoding */
  maxDecodeSide: 2048,
  /** images with a shorter side below this are skipped */
  minSide: 8,
  /** files larger than this are skipped without reading them */
  maxFileBytes: 64 * 1024 * 1024,
};

export type Env = typeof env;
