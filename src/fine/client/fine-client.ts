// Page side of the fine-stage worker: starts it and exposes run / cancel / terminate. Images (Blobs)
// go to the worker by reference, dropped model bytes are transferred; nothing goes anywhere else.
import * as Comlink from 'comlink';
import { env } from '../../env.ts';
import { REAL_TFJS_IDS } from '../../realzoo/shared/backbones.ts';
import type { FineProgress, FineRequest, FineResult, FineRunOptions, FineTfjsModel, FineWorkerApi } from '../shared/types.ts';

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

/** Whether the fine stage runs this id with tfjs: an npm package's model (`npm:…`) or a real tfjs backbone (REAL_TFJS_IDS). */
export const isTfjsModelId = (id: string): boolean => id.startsWith('npm:') || REAL_TFJS_IDS.includes(id);

/**
 * The fine stage's description of a tfjs model this build serves; the worker resolves it in the page
 * catalogue (no catalogue is loaded here). Throws for any other id.
 */
export function tfjsFineModel(id: string, label: string = id): FineTfjsModel {
  if (!isTfjsModelId(id)) throw new Error(`${id} is not a tfjs model of this build (npm:… or one of ${REAL_TFJS_IDS.join(', ')})`);
  return { runtime: 'tfjs', id, label, npmId: id };
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
    pageBase: baseHref(),
  };
  return {
    async run(req, onProgress) {
      const transfer: ArrayBuffer[] = [];
      const models = req.models.map((m) => {
        if (m.runtime === 'tfjs') return m;
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
