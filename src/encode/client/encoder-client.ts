// Page side of the encode worker: starts it, picks weights, and exposes a typed API.
import * as Comlink from 'comlink';
import { env } from '../../env.ts';
import { encoderById } from '../shared/manifest.ts';
import type { BackendPreference, BackendInfo, EncodeWorkerApi, EncodeItem, EncodeProgress, EncodeResult, TokenJob, TokenJobResult } from '../shared/types.ts';

export interface EncoderHandle {
  backend: BackendInfo;
  encode(items: EncodeItem[], onProgress?: (p: EncodeProgress) => void): Promise<EncodeResult>;
  tokens(job: TokenJob): Promise<TokenJobResult>;
  cancel(): Promise<void>;
  terminate(): void;
}

export async function startEncoder(opts: {
  encoderId: string;
  prefer?: BackendPreference;
  modelBytes?: ArrayBuffer;
  useCache?: boolean;
  threads?: number;
}): Promise<EncoderHandle> {
  const entry = encoderById(opts.encoderId);
  const worker = new Worker(new URL('../worker/encode.worker.ts', import.meta.url), { type: 'module', name: 'encode' });
  const api = Comlink.wrap<EncodeWorkerApi>(worker);
  // a worker that fails to load never answers: turn its error event into a rejection
  const failed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (ev) => reject(new Error(`encode worker failed to start: ${ev.message || 'script error'}`)), { once: true });
  });
  try {
    const backend = await Promise.race([failed, api.init({
      encoderId: entry.id,
      modelUrl: opts.modelBytes ? undefined : env.modelsBase + entry.file,
      modelBytes: opts.modelBytes,
      prefer: opts.prefer ?? 'auto',
      ortWasmBase: env.ortWasmBase,
      threads: opts.threads ?? env.wasmThreads,
      useCache: opts.useCache ?? true,
      limits: { maxPixels: env.maxPixels, maxBrowserPixels: env.maxBrowserPixels, maxDecodeSide: env.maxDecodeSide, minSide: env.minSide, maxFileBytes: env.maxFileBytes },
    })]);
    return {
      backend,
      encode: (items, onProgress) => api.encode(items, onProgress ? Comlink.proxy(onProgress) : undefined),
      tokens: (job) => api.tokens(Comlink.transfer(job, [job.embeddings.buffer])),
      cancel: () => api.cancel(),
      terminate: () => {
        api[Comlink.releaseProxy]();
        worker.terminate();
      },
    };
  } catch (e) {
    worker.terminate();
    throw e;
  }
}

/** Which encoders have their weights served (written by `npm run setup`). */
export async function presentEncoders(): Promise<Set<string>> {
  return new Set((await presentEncoderInfo()).keys());
}

/** The encoders whose files are served here, with their counted MACs (null: not countable; undefined: an index written before MACs were). */
export async function presentEncoderInfo(): Promise<Map<string, { macs?: number | null }>> {
  try {
    const r = await fetch(env.modelsBase + 'index.json');
    if (!r.ok) return new Map();
    const j = (await r.json()) as { present: { id: string; macs?: number | null }[] };
    return new Map(j.present.map((p) => [p.id, { macs: p.macs }]));
  } catch {
    return new Map();
  }
}
