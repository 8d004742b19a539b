// Page side of the fine-stage worker: starts it and exposes run / cancel / terminate. Images (Blobs)
// go to the worker by reference, dropped model bytes are transferred; nothing goes anywhere else.
import * as Comlink from 'comlink';
import { env } from '../../env.ts';
import type { FineProgress, FineRequest, FineResult, FineRunOptions, FineWorkerApi } from '../shared/types.ts';

export interface FineHandle {
  /** Runs the models; one run at a time per handle. A dropped model's bytes are transferred (detached here). */
  run(req: FineRequest, onProgress?: (p: FineProgress) => void): Promise<FineResult>;
  /** Stops the forward passes; run() then resolves with cancelled: true and the finished models probed. */
  cancel(): Promise<void>;
  /** Kills the worker at once (a pending run() never resolves). */
  terminate(): void;
}

function baseHref(): string {
  const g = globalThis as { document?: Document; location?: Location };
  return g.document?.baseURI ?? g.location?.href ?? 'http://localhost/';
}

/** A model URL resolved against the page (the worker refuses other origins: models come from the app itself). */
export function resolveModelUrl(url: string, base = baseHref()): string {
  return new URL(url, base).href;
}

export async function startFine(opts: { threads?: number; cacheBytes?: number } = {}): Promise<FineHandle> {
  const worker = new Worker(new URL('../worker/fine.worker.ts', import.meta.url), { type: 'module', name: 'fine' });
  const api = Comlink.wrap<FineWorkerApi>(worker);
  const failed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (ev) => reject(new Error(`fine worker failed to start: ${ev.message || 'script error'}`)), { once: true });
  });
  failed.catch(() => undefined);
  const runOpts: FineRunOptions = {
    ortWasmBase: env.ortWasmBase,
    threads: opts.threads ?? env.wasmThreads,
    limits: { maxPixels: env.maxPixels, maxBrowserPixels: env.maxBrowserPixels, maxDecodeSide: env.maxDecodeSide, minSide: env.minSide, maxFileBytes: env.maxFileBytes },
    cacheBytes: opts.cacheBytes ?? 512 * 1024 * 1024,
  };
  return {
    async run(req, onProgress) {
      const transfer: ArrayBuffer[] = [];
      const models = req.models.map((m) => {
        if ('bytes' in m.source) {
          transfer.push(m.source.bytes);
          return m;
        }
        return { ...m, source: { url: resolveModelUrl(m.source.url) } };
      });
      const payload = Comlink.transfer({ ...req, models }, transfer);
      return Promise.race([failed, api.run(payload, runOpts, onProgress ? Comlink.proxy(onProgress) : undefined)]);
    },
    cancel: () => api.cancel(),
    terminate() {
      api[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
