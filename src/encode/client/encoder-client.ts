// Page side of the encode worker: starts it, picks weights, and exposes a typed API.
import * as Comlink from 'comlink';
import { env } from '../../env.ts';
import { encoderById } from '../shared/manifest.ts';
import { servedFile } from '../shared/model-file.ts';
import { keepFetched } from '../../offline/files.ts';
import type { BackendPreference, BackendInfo, InitOptions, EncodeWorkerApi, EncodeItem, EncodeProgress, EncodeResult, TokenJob, TokenJobResult } from '../shared/types.ts';

export interface EncoderHandle {
  backend: BackendInfo;
  encode(items: EncodeItem[], onProgress?: (p: EncodeProgress) => void): Promise<EncodeResult>;
  tokens(job: TokenJob): Promise<TokenJobResult>;
  cancel(): Promise<void>;
  terminate(): void;
}

interface Member {
  worker: Worker;
  api: Comlink.Remote<EncodeWorkerApi>;
}

function spawn(): { m: Member; failed: Promise<never> } {
  const worker = new Worker(new URL('../worker/encode.worker.ts', import.meta.url), { type: 'module', name: 'encode' });
  const api = Comlink.wrap<EncodeWorkerApi>(worker);
  // a worker that fails to load never answers: turn its error event into a rejection
  const failed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (ev) => reject(new Error(`encode worker failed to start: ${ev.message || 'script error'}`)), { once: true });
  });
  return { m: { worker, api }, failed };
}

const end = (m: Member) => {
  m.api[Comlink.releaseProxy]();
  m.worker.terminate();
};

/** Items a worker takes at a time: large enough that a call's overhead is small, small enough
 * that the workers finish together. */
const SHARE = 16;

/**
 * Starts the encoder. On WASM an encoder that runs on tfjs (entry.wasmRuntime) is a pool of
 * `workers` single-threaded workers (default env.encodeWorkers), each decoding and embedding its own
 * images side by side; one on onnxruntime-web keeps one worker with every thread unless `workers`
 * says otherwise (a pool of those cost 1 GB more memory). WebGPU keeps one worker (one device queue).
 */
export async function startEncoder(opts: {
  encoderId: string;
  prefer?: BackendPreference;
  modelBytes?: ArrayBuffer;
  useCache?: boolean;
  threads?: number;
  workers?: number;
  /** 'onnxruntime-web': never the tfjs path (benches) */
  runtime?: 'auto' | 'onnxruntime-web';
}): Promise<EncoderHandle> {
  const entry = encoderById(opts.encoderId);
  const threads = opts.threads ?? env.wasmThreads;
  const onTfjs = entry.wasmRuntime === 'tfjs' && opts.runtime !== 'onnxruntime-web';
  // tfjs workers run one thread each and are light; onnxruntime-web ones are not (env.encodeWorkers)
  const want = Math.max(1, Math.min(opts.workers ?? (onTfjs ? env.encodeWorkers : 1), threads));
  const perWorker = Math.max(1, Math.floor(threads / want));
  // every worker is started at once, before the weights are fetched, and starts loading its runtime
  // (tfjs) while it waits: the worker's script and the runtime load while the weights download
  const first = spawn();
  const members: Member[] = [first.m];
  const rest = want > 1 ? Array.from({ length: want - 1 }, spawn) : [];
  const runtimeOpts = { encoderId: entry.id, runtime: opts.runtime, tfjsWasmBase: env.tfjsWasmBase };
  void first.m.api.prepare({ ...runtimeOpts, prefer: opts.prefer ?? 'auto' }).catch(() => undefined);
  for (const r of rest) void r.m.api.prepare({ ...runtimeOpts, prefer: 'wasm' }).catch(() => undefined);
  let modelBytes = opts.modelBytes;
  let ortWasmBinary: ArrayBuffer | undefined;
  try {
    // a pool fetches the weights (and onnxruntime's binary) once: workers started together would
    // each download them (the runtime is 6.7 MB compressed)
    if (want > 1) {
      const url = env.modelsBase + servedFile(entry);
      const [model, runtime] = await Promise.all([
        modelBytes ? Promise.resolve(null) : fetch(url),
        // a graph that runs on tfjs on WASM never loads onnxruntime's 25 MB binary in a pool worker
        onTfjs ? Promise.resolve(null) : fetch(env.ortWasmBase + env.ortWasmFile).catch(() => null),
      ]);
      if (model && !model.ok) throw new Error(`${entry.name}: weights not found at ${url} (HTTP ${model.status}); run npm run setup or drop the .onnx file`);
      // kept for the offline copy from a clone, side by side: the workers do not wait for the cache write
      if (model) void keepFetched(url, model.clone()).catch(() => undefined);
      if (runtime) void keepFetched(env.ortWasmBase + env.ortWasmFile, runtime.clone()).catch(() => undefined);
      if (model) modelBytes = await model.arrayBuffer();
      if (runtime?.ok) ortWasmBinary = await runtime.arrayBuffer(); // else each worker fetches it and says why it cannot
    }
  } catch (e) {
    [first, ...rest].forEach((r) => end(r.m));
    throw e;
  }
  const init = (m: Member, failed: Promise<never>, prefer: BackendPreference, t: number, more: Partial<InitOptions>, ports: MessagePort[] = []) => Promise.race([failed, m.api.init(Comlink.transfer({
    encoderId: entry.id,
    modelUrl: modelBytes ? undefined : env.modelsBase + servedFile(entry),
    prefer,
    ortWasmBase: env.ortWasmBase,
    ortWasmBinary: ortWasmBinary?.slice(0),
    tfjsWasmBase: env.tfjsWasmBase,
    runtime: opts.runtime,
    threads: t,
    useCache: opts.useCache ?? true,
    limits: { maxPixels: env.maxPixels, maxBrowserPixels: env.maxBrowserPixels, maxDecodeSide: env.maxDecodeSide, minSide: env.minSide, maxFileBytes: env.maxFileBytes },
    ...more,
  }, ports))]);
  // one worker of a pool fetches (or takes the bytes), checks and derives the encoder and posts what
  // it made (the tfjs plan, else the checked graph) to the others, worker to worker (the page's thread
  // is busy as the page opens): fetched, checked and derived once for the pool. That is a second
  // worker, while the first loads its runtime: the first, which settles the backend and starts the
  // run, is ready sooner. The others run on WASM; if the first settles on WebGPU they are let go.
  // They join the pool when they are ready, even in the middle of a run: a folder picked as the
  // page opens starts on the first worker instead of waiting for all of them
  const all = [first, ...rest];
  const maker = rest.length > 0 ? rest[0] : first;
  const channels = new Map(all.filter((r) => r !== maker).map((r) => [r, new MessageChannel()]));
  // the first takes the graph too: it may run onnxruntime-web (WebGPU, or tfjs failing)
  const shareTo = [...channels].map(([r, c]) => ({ port: c.port1, graph: r === first }));
  const start = (r: { m: Member; failed: Promise<never> }, prefer: BackendPreference, t: number) => {
    const ch = channels.get(r);
    return ch
      ? init(r.m, r.failed, prefer, t, { sharedFrom: ch.port2, modelUrl: undefined }, [ch.port2])
      : init(r.m, r.failed, prefer, t, { modelBytes: modelBytes?.slice(0), shareTo }, shareTo.map((s) => s.port));
  };
  // a maker whose script fails to load never posts: the first would wait for ever
  const firstReady = Promise.race([maker.failed, start(first, opts.prefer ?? 'auto', want > 1 ? perWorker : threads)]);
  const restReady = rest.map((r) => start(r, 'wasm', perWorker));
  restReady.forEach((p) => p.catch(() => undefined)); // judged below, never unhandled
  const state = { cancelled: false, ended: false };
  const pool: Pool = { members, onJoin: null };
  let backend: BackendInfo;
  try {
    backend = await firstReady;
  } catch (e) {
    members.forEach(end);
    rest.forEach((r) => end(r.m));
    throw e;
  }
  if (backend.backend === 'wasm') {
    rest.forEach((r, k) => restReady[k].then(() => {
      if (state.ended) return end(r.m);
      members.push(r.m);
      pool.onJoin?.(r.m);
    }, () => end(r.m))); // a worker that cannot start leaves the others to do the work
  } else rest.forEach((r) => end(r.m));
  backend = { ...backend, workers: backend.backend === 'wasm' ? want : 1 };
  return {
    backend,
    encode: (items, onProgress) => {
      state.cancelled = false;
      return encodePool(pool, backend, { dim: entry.dim, cache: opts.useCache ?? true }, items, state, onProgress);
    },
    tokens: (job) => first.m.api.tokens(Comlink.transfer(job, [job.embeddings.buffer])),
    cancel: async () => {
      state.cancelled = true; // no further shares go out; the running ones stop at their next image
      await Promise.all(members.map((m) => m.api.cancel()));
    },
    terminate: () => {
      if (state.ended) return; // the page may let go of one handle from two places
      state.ended = true;
      members.forEach(end);
    },
  };
}

/** The encode workers ready now, and what to do with one that becomes ready during a run. */
interface Pool {
  members: Member[];
  onJoin: ((m: Member) => void) | null;
}

/** Hands out shares of the items to whichever worker is free and merges their results in request order. */
async function encodePool(pool: Pool, backend: BackendInfo, shape: { dim: number; cache: boolean }, items: EncodeItem[], state: { cancelled: boolean }, onProgress?: (p: EncodeProgress) => void): Promise<EncodeResult> {
  const t0 = performance.now();
  const parts: { offset: number; r: EncodeResult }[] = [];
  const live = new Map<Member, EncodeProgress>(); // worker -> progress within its current share
  const current = new Map<Member, number>(); // worker -> offset of the share it works on
  let next = 0, doneItems = 0, fromCache = 0, skipped = 0, encoded = 0, lastReport = 0, lastDone = 0;
  const report = (final = false) => {
    if (!onProgress) return;
    const now = performance.now();
    if (!final && now - lastReport < 100) return;
    lastReport = now;
    let done = doneItems, fc = fromCache, sk = skipped;
    for (const p of live.values()) {
      done += p.done;
      fc += p.fromCache;
      sk += p.skipped;
    }
    const enc = encoded + [...live.values()].reduce((a, p) => a + Math.max(0, p.done - p.fromCache - p.skipped), 0);
    const rate = enc > 0 ? enc / ((now - t0) / 1000) : 0;
    // progress arrives on its own channel, so a share's last report can trail its result: never go back
    done = lastDone = Math.min(items.length, Math.max(lastDone, done));
    const left = items.length - done;
    onProgress({ done, total: items.length, fromCache: fc, skipped: sk, rate, etaSeconds: rate > 0 ? left / rate : NaN, phase: final ? 'done' : 'encoding' });
  };
  const run = async (m: Member) => {
    const w = m;
    while (!state.cancelled && next < items.length) {
      const offset = next;
      const share = items.slice(offset, offset + SHARE);
      next += share.length;
      current.set(w, offset);
      const r = await m.api.encode(share, Comlink.proxy((p: EncodeProgress) => {
        if (current.get(w) !== offset) return; // a late report of a finished share
        live.set(w, p);
        report();
      }));
      current.delete(w);
      live.delete(w);
      parts.push({ offset, r });
      doneItems += r.cancelled ? 0 : share.length;
      fromCache += r.fromCache;
      skipped += r.skipped.length;
      encoded += r.encoded;
      if (r.cancelled) state.cancelled = true;
      report();
    }
  };
  const loops = pool.members.map(run);
  pool.onJoin = (m) => {
    if (!state.cancelled && next < items.length) loops.push(run(m));
  };
  try {
    // a worker may join while the others run: wait until no loop was added during the wait
    for (let n = -1; n !== loops.length;) {
      n = loops.length;
      await Promise.all(loops);
    }
  } finally {
    pool.onJoin = null;
  }
  return mergeResults(parts, backend, shape, (performance.now() - t0) / 1000, state.cancelled, () => report(true));
}

function mergeResults(parts: { offset: number; r: EncodeResult }[], backend: BackendInfo, shape: { dim: number; cache: boolean }, seconds: number, cancelled: boolean, done: () => void): EncodeResult {
  parts.sort((a, b) => a.offset - b.offset);
  const dim = shape.dim;
  const rows = parts.reduce((a, p) => a + p.r.indices.length, 0);
  const embeddings = new Float32Array(rows * dim);
  const out: EncodeResult = {
    dim, embeddings, indices: [], hashes: [], skipped: [], downscaled: [], fromCache: 0, encoded: 0, cancelled,
    cache: { enabled: shape.cache, full: false, notStored: 0, error: '' },
    seconds, timing: { readMs: 0, decodeMs: 0, embedMs: 0 }, backend,
  };
  let row = 0;
  for (const { offset, r } of parts) {
    embeddings.set(r.embeddings, row * dim);
    row += r.indices.length;
    out.indices.push(...r.indices.map((i) => i + offset));
    out.hashes.push(...r.hashes);
    out.skipped.push(...r.skipped.map((s) => ({ ...s, index: s.index + offset })));
    out.downscaled.push(...r.downscaled);
    out.fromCache += r.fromCache;
    out.encoded += r.encoded;
    out.cache.full ||= r.cache.full;
    out.cache.notStored += r.cache.notStored;
    out.cache.error ||= r.cache.error;
    out.timing.readMs += r.timing.readMs;
    out.timing.decodeMs += r.timing.decodeMs;
    out.timing.embedMs += r.timing.embedMs;
  }
  done();
  return out;
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
