// The encode worker: reads, checks, decodes, preprocesses and embeds images with onnxruntime-web,
// WebGPU first and WASM otherwise (or tfjs, for an encoder that runs on it on WASM), and caches
// embeddings in IndexedDB. The page thread only waits. In a pool one worker makes the encoder and
// posts it to the others (InitOptions.shareTo / sharedFrom).
import * as Comlink from 'comlink';
import * as ort from 'onnxruntime-web';
import { encoderById, type EncoderEntry } from '../shared/manifest.ts';
import { withEmbeddingOutput, EMBEDDING_OUTPUT } from '../shared/onnx-patch.ts';
import { preprocess, toFloat16Bits } from '../shared/preprocess.ts';
import { sniffImage, type ImageInfo } from '../shared/imageinfo.ts';
import { decodeInBrowser, pixelLimitReason } from '../shared/decode-browser.ts';
import { encoderGraph, sha256Hex } from '../shared/model-file.ts';
import { l2normalize, cosine } from '../shared/vec.ts';
import { EmbeddingCache } from '../../cache/db.ts';
import { convPlan } from '../shared/conv-plan.ts';
import { tfjsPlanRunner, loadTfjs, type PlanRunner } from './tfjs-encoder.ts';
import { buildTokens } from '../../tokens/shared/tokens.ts';
import { clusterEmbeddings } from '../../tokens/shared/cluster.ts';
import type {
  TokenJob, TokenJobResult,
  BackendInfo, EncodeItem, EncodeProgress, EncodeResult, EncodeWorkerApi, InitOptions, SkippedItem, SharedModel, SharedMessage,
} from '../shared/types.ts';

let session: ort.InferenceSession | null = null;
/** set when the encoder runs on tfjs instead of onnxruntime-web (entry.wasmRuntime) */
let runner: PlanRunner | null = null;
let entry: EncoderEntry | null = null;
let options: InitOptions | null = null;
let backend: BackendInfo | null = null;
let cancelled = false;
/** images a run takes at most, for graphs with a dynamic batch */
const BATCH_MAX = 8;

let adapterAsked: Promise<{ adapter: GPUAdapter | null; why: string }> | null = null;
/** asked once per worker: prepare() and init both want it */
const webgpuAdapter = () => (adapterAsked ??= askAdapter());
async function askAdapter(): Promise<{ adapter: GPUAdapter | null; why: string }> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return { adapter: null, why: 'this browser exposes no WebGPU (navigator.gpu missing)' };
  try {
    const adapter = await gpu.requestAdapter();
    return adapter ? { adapter, why: '' } : { adapter: null, why: 'WebGPU present but no adapter (no usable GPU)' };
  } catch (e) {
    return { adapter: null, why: `WebGPU adapter request failed: ${(e as Error).message}` };
  }
}

/** A fixed, image-like check input (smooth gradients and stripes), same on every device. */
function checkInput(e: EncoderEntry): ort.Tensor {
  const w = 96, h = 80, data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 4;
      data[o] = (x * 255) / w;
      data[o + 1] = (y * 255) / h;
      data[o + 2] = ((x >> 3) + (y >> 3)) % 2 ? 220 : 40;
      data[o + 3] = 255;
    }
  }
  const C = e.preprocess.crop;
  const x = preprocess({ width: w, height: h, data }, e.preprocess);
  return e.preprocess.inputDtype === 'float16'
    ? new ort.Tensor('float16', toFloat16Bits(x), [1, 3, C, C])
    : new ort.Tensor('float32', x, [1, 3, C, C]);
}

async function agreement(a: ort.InferenceSession, b: ort.InferenceSession, opts: InitOptions): Promise<number> {
  const e = encoderById(opts.encoderId);
  const feed = { [e.input.name]: checkInput(e) };
  const [ra, rb] = [await a.run(feed, [EMBEDDING_OUTPUT]), await b.run(feed, [EMBEDDING_OUTPUT])];
  return cosine((await ra[EMBEDDING_OUTPUT].getData()) as Float32Array, (await rb[EMBEDDING_OUTPUT].getData()) as Float32Array);
}

const isSoftware = (adapter: GPUAdapter) => Boolean(((adapter as GPUAdapter & { info?: GPUAdapterInfo }).info as unknown as { isFallbackAdapter?: boolean })?.isFallbackAdapter ??
  (adapter as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter);

/** Whether the encoder will run on tfjs here, so far as can be told before its weights are in. */
async function likelyTfjs(opts: Pick<InitOptions, 'encoderId' | 'prefer' | 'runtime'>): Promise<boolean> {
  if (encoderById(opts.encoderId).wasmRuntime !== 'tfjs' || opts.runtime === 'onnxruntime-web' || opts.prefer === 'webgpu') return false;
  if (opts.prefer === 'wasm') return true;
  const { adapter } = await webgpuAdapter();
  return !adapter || isSoftware(adapter);
}

/** Starts loading tfjs when the encoder will likely run on it; failures are reported by the runner. */
function preloadRuntime(opts: Pick<InitOptions, 'encoderId' | 'prefer' | 'runtime' | 'tfjsWasmBase'>) {
  void likelyTfjs(opts).then(async (yes) => { if (yes) await loadTfjs({ wasmBase: opts.tfjsWasmBase }); }).catch(() => undefined);
}

/** Ports to the other workers of the pool (InitOptions.shareTo), until the encoder is posted on them. */
let shareTo: NonNullable<InitOptions['shareTo']> = [];
const post = (msg: (graph: boolean) => SharedMessage) => {
  for (const { port, graph } of shareTo) {
    port.postMessage(msg(graph)); // a copy each (structured clone): this worker still builds its own runner
    port.close();
  }
  shareTo = [];
};
// the plan alone where it is enough: the graph is 8.8 MB more to copy and hold
const share = (model: SharedModel) => post((graph) => ({ model: graph || !model.plan ? model : { plan: model.plan } }));

/** The encoder the pool's maker (the worker that fetches, checks and derives it) posts on `port`. */
const received = (port: MessagePort) => new Promise<SharedModel>((ok, fail) => {
  port.onmessage = (ev: MessageEvent<SharedMessage>) => {
    port.close();
    if ('model' in ev.data) ok(ev.data.model);
    else fail(new Error(ev.data.error));
  };
});

/** `graph`: the encoder's checked graph; `plan`: the tfjs plan another worker made from it (then graph may be absent). */
async function createSession(graph: Uint8Array | undefined, given: SharedModel['plan'], opts: InitOptions): Promise<BackendInfo> {
  // onnxruntime-web's graph (with the embedding output), made only if onnxruntime-web runs it
  let patched: Uint8Array | null = null;
  const onnx = () => {
    if (!graph) throw new Error('this worker was given only the tfjs plan of the encoder');
    const e = encoderById(opts.encoderId);
    return (patched ??= withEmbeddingOutput(graph, e.embedding, e.dim));
  };
  ort.env.wasm.wasmPaths = opts.ortWasmBase;
  if (opts.ortWasmBinary) ort.env.wasm.wasmBinary = opts.ortWasmBinary;
  const isolated = (self as unknown as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  const threads = isolated ? Math.max(1, opts.threads) : 1;
  ort.env.wasm.numThreads = threads;
  ort.env.logLevel = 'error';
  const base = { threads, crossOriginIsolated: isolated, runtime: 'onnxruntime-web' as const };
  let reason = opts.prefer === 'wasm' ? 'WASM chosen by the user' : '';
  if (opts.prefer !== 'wasm') {
    const { adapter, why } = await webgpuAdapter();
    const software = Boolean(adapter && isSoftware(adapter));
    if (adapter && software && opts.prefer === 'auto') {
      // a software rasteriser (SwiftShader) runs the encoder far slower than WASM: only on request
      reason = 'the WebGPU adapter is a software fallback (slower than WASM); WASM chosen';
    } else if (adapter) {
      try {
        const gpu = await ort.InferenceSession.create(onnx(), { executionProviders: ['webgpu'] });
        // WebGPU kernels are not always right (seen here: int8 graphs, cosine 0.2 to WASM on some
        // images), so the first run is checked against WASM on a fixed input before it is trusted.
        const cpu = await ort.InferenceSession.create(onnx(), { executionProviders: ['wasm'] });
        const agree = await agreement(gpu, cpu, opts);
        await cpu.release();
        const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo }).info;
        const adapterInfo = {
          vendor: info?.vendor ?? '', architecture: info?.architecture ?? '',
          isFallbackAdapter: Boolean((info as unknown as { isFallbackAdapter?: boolean })?.isFallbackAdapter ??
            (adapter as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter),
        };
        if (agree >= 0.999) {
          session = gpu;
          return { backend: 'webgpu', reason: `WebGPU adapter available; checked against WASM (cosine ${agree.toFixed(4)})`, ...base, adapter: adapterInfo };
        }
        await gpu.release();
        reason = `WebGPU gave different embeddings from WASM for this encoder (cosine ${agree.toFixed(3)} on a check input); fell back to WASM`;
      } catch (e) {
        reason = `WebGPU session failed (${(e as Error).message.slice(0, 160)}); fell back to WASM`;
      }
    } else reason = `${why}; fell back to WASM`;
  }
  const e = encoderById(opts.encoderId);
  if (e.wasmRuntime === 'tfjs' && opts.runtime !== 'onnxruntime-web') {
    // the same graph on tfjs's WASM kernels, faster than onnxruntime-web's here (docs/encoders.md)
    try {
      const plan = given ?? convPlan(graph!, e.input.name, e.embedding.tensor);
      share({ plan, graph });
      runner = await tfjsPlanRunner(plan, { wasmBase: opts.tfjsWasmBase });
      // the first run sets up every layer for XNNPACK while V8 still runs the WASM unoptimised
      // (0.4 s for one image here, 1.6 s for a batch of 8 against 0.2 s later): one image now, while
      // the page waits for a folder (bench:e2e: load + encode 8.9 s this way, 9.6 s with a batch of 8)
      const C = e.preprocess.crop;
      await runner.run(new Float32Array(3 * C * C), 1, C);
      return { backend: 'wasm', reason: `${reason}; tfjs WASM kernels (XNNPACK, one thread)`, ...base, threads: 1, runtime: 'tfjs' };
    } catch (err) {
      reason += `; tfjs could not run it (${(err as Error).message.slice(0, 160)}), onnxruntime-web used`;
    }
  }
  session = await ort.InferenceSession.create(onnx(), { executionProviders: ['wasm'] });
  if (!isolated) reason += ' (single thread: page not cross-origin isolated)';
  return { backend: 'wasm', reason, ...base };
}

const decode = (bytes: Uint8Array, info: ImageInfo, lim: InitOptions['limits']) => decodeInBrowser(bytes, info, lim);

const api: EncodeWorkerApi = {
  async init(opts) {
    const t0 = performance.now();
    const sharedFrom = opts.sharedFrom;
    entry = encoderById(opts.encoderId);
    options = opts;
    post(() => ({ error: 'the encode worker that derives the encoder was started again' }));
    shareTo = opts.shareTo ?? [];
    // tfjs (its download and WASM compile) loads while the weights are fetched, checked and derived
    preloadRuntime(opts);
    try {
      const given = sharedFrom ? await received(sharedFrom) : undefined;
      // a graph another worker of the pool checked is not checked again; else fetch (or take the
      // dropped bytes), check the pin, derive, check the derived pin
      const bytes = given ? given.graph : await encoderGraph(entry, async () => {
        const r = await fetch(opts.modelUrl ?? '');
        if (!r.ok) throw new Error(`${entry!.name}: weights not found at ${opts.modelUrl} (HTTP ${r.status}); run npm run setup or drop the .onnx file`);
        return new Uint8Array(await r.arrayBuffer());
      }, opts.modelBytes ? new Uint8Array(opts.modelBytes) : undefined);
      await session?.release();
      session = null;
      runner?.release();
      runner = null;
      const t1 = performance.now();
      backend = await createSession(bytes, given?.plan, opts);
      backend.loadMs = { weights: t1 - t0, runtime: performance.now() - t1 };
      if (bytes) share({ graph: bytes }); // not on tfjs: the others take the graph
      return backend;
    } catch (e) {
      post(() => ({ error: `the encode worker that derives the encoder failed: ${(e as Error).message}` }));
      throw e;
    }
  },

  prepare(opts) {
    preloadRuntime(opts);
  },

  async encode(items: EncodeItem[], onProgress?: (p: EncodeProgress) => void): Promise<EncodeResult> {
    if (!(session || runner) || !entry || !options || !backend) throw new Error('encoder not initialised');
    cancelled = false;
    const e = entry, sess = session, run = runner, lim = options.limits;
    const t0 = performance.now();
    const cache = new EmbeddingCache(e.id, e.sha256 ?? '');
    const useCache = options.useCache;
    const C = e.preprocess.crop, plane = 3 * C * C;
    const batchMax = e.input.batch === 'dynamic' ? BATCH_MAX : 1;
    const rows: { index: number; hash: string; vec: Float32Array }[] = [];
    const skipped: SkippedItem[] = [];
    const downscaled: string[] = [];
    let fromCache = 0, encoded = 0, encodeMs = 0, lastReport = 0, readMs = 0, decodeMs = 0;

    const report = (phase: EncodeProgress['phase'], done: number) => {
      const now = performance.now();
      if (phase !== 'done' && now - lastReport < 100) return;
      lastReport = now;
      const rate = encoded > 0 ? encoded / (encodeMs / 1000) : 0;
      const left = items.length - done;
      onProgress?.({
        done, total: items.length, fromCache, skipped: skipped.length, rate,
        etaSeconds: rate > 0 ? left / rate : NaN, phase,
      });
    };
    const skip = (index: number, reason: SkippedItem['reason'], detail: string) =>
      skipped.push({ index, path: items[index].path, reason, detail });

    const CHUNK = 32; // read + hash + cache lookup a chunk at a time, then encode its misses
    const batch = new Float32Array(batchMax * plane);
    let pending: { index: number; hash: string }[] = [];
    const flush = async () => {
      if (pending.length === 0) return;
      const n = pending.length;
      const dims = [n, 3, C, C];
      const x = batch.subarray(0, n * plane);
      const ts = performance.now();
      let data: Float32Array;
      if (run) data = await run.run(x, n, C);
      else {
        const input = e.preprocess.inputDtype === 'float16'
          ? new ort.Tensor('float16', toFloat16Bits(x), dims)
          : new ort.Tensor('float32', x.slice(), dims);
        const out = await sess!.run({ [e.input.name]: input }, [EMBEDDING_OUTPUT]);
        data = (await out[EMBEDDING_OUTPUT].getData()) as Float32Array;
      }
      encodeMs += performance.now() - ts;
      const fresh: { hash: string; vector: Float32Array }[] = [];
      pending.forEach((p, i) => {
        const vec = l2normalize(data.slice(i * e.dim, (i + 1) * e.dim));
        rows.push({ index: p.index, hash: p.hash, vec });
        fresh.push({ hash: p.hash, vector: vec });
      });
      encoded += n;
      if (useCache) await cache.putMany(fresh);
      pending = [];
    };

    let done = 0;
    for (let c = 0; c < items.length && !cancelled; c += CHUNK) {
      const idx = [...Array(Math.min(CHUNK, items.length - c)).keys()].map((k) => c + k);
      const tRead = performance.now();
      const read: { index: number; bytes: Uint8Array; hash: string }[] = [];
      for (const i of idx) {
        const it = items[i];
        if (it.file.size === 0) { skip(i, 'empty', 'zero-byte file'); continue; }
        if (it.file.size > lim.maxFileBytes) {
          skip(i, 'too-large', `${(it.file.size / 1e6).toFixed(1)} MB file, limit ${(lim.maxFileBytes / 1e6).toFixed(0)} MB`);
          continue;
        }
        let bytes: Uint8Array;
        try { bytes = new Uint8Array(await it.file.arrayBuffer()); } catch (err) {
          skip(i, 'unreadable', `could not be read (${(err as Error).message})`);
          continue;
        }
        if (!sniffImage(bytes)) { skip(i, 'not-image', 'content is not a known image format'); continue; }
        read.push({ index: i, bytes, hash: await sha256Hex(bytes) });
      }
      const hits = useCache ? await cache.getMany(read.map((r) => r.hash)) : read.map(() => undefined);
      readMs += performance.now() - tRead;
      for (let k = 0; k < read.length && !cancelled; k++) {
        const r = read[k];
        const hit = hits[k];
        if (hit && hit.length === e.dim) {
          rows.push({ index: r.index, hash: r.hash, vec: hit });
          fromCache++;
          continue;
        }
        const info = sniffImage(r.bytes)!;
        const tooLarge = pixelLimitReason(r.bytes, info, lim);
        if (tooLarge) {
          skip(r.index, 'too-large', tooLarge);
          continue;
        }
        const tDecode = performance.now();
        let decoded;
        try {
          decoded = await decode(r.bytes, info, lim);
        } catch {
          skip(r.index, 'corrupt', `${info.format} data cannot be decoded`);
          continue;
        }
        const { img } = decoded;
        if (Math.min(img.width, img.height) < lim.minSide) {
          skip(r.index, 'too-small', `${img.width}x${img.height} px, below ${lim.minSide} px`);
          continue;
        }
        if (decoded.downscaled) downscaled.push(items[r.index].path);
        preprocess(img, e.preprocess, batch.subarray(pending.length * plane, (pending.length + 1) * plane));
        decodeMs += performance.now() - tDecode;
        pending.push({ index: r.index, hash: r.hash });
        if (pending.length === batchMax) await flush();
        report('encoding', done + k + 1);
      }
      if (!cancelled) await flush();
      done = Math.min(items.length, c + CHUNK);
      report('encoding', done);
    }
    if (!cancelled) await flush();
    rows.sort((a, b) => a.index - b.index);
    const embeddings = new Float32Array(rows.length * e.dim);
    rows.forEach((r, i) => embeddings.set(r.vec, i * e.dim));
    report('done', cancelled ? done : items.length);
    const result: EncodeResult = {
      dim: e.dim, embeddings, indices: rows.map((r) => r.index), hashes: rows.map((r) => r.hash),
      skipped, downscaled, fromCache, encoded, cancelled,
      cache: { enabled: useCache, full: cache.full, notStored: cache.notStored, error: cache.lastError },
      seconds: (performance.now() - t0) / 1000, timing: { readMs, decodeMs, embedMs: encodeMs }, backend,
    };
    return Comlink.transfer(result, [embeddings.buffer]);
  },

  cancel() {
    cancelled = true;
  },

  async tokens(job: TokenJob): Promise<TokenJobResult> {
    if (!entry) throw new Error('encoder not initialised');
    const d = entry.dim, n = job.embeddings.length / d;
    const encoder = { id: entry.id, sha256: entry.sha256 ?? '', dim: d };
    if (job.labels) {
      const tokens = buildTokens({ encoder, embeddings: job.embeddings, labels: job.labels, classNames: job.classNames,
        labelled: true, subCentres: job.subCentres, seed: job.seed, name: job.name });
      return { tokens, labels: job.labels };
    }
    const c = clusterEmbeddings(job.embeddings, n, d, { k: job.k, seed: job.seed });
    const names = Array.from({ length: c.k }, (_, i) => `cluster ${i + 1}`);
    const tokens = buildTokens({ encoder, embeddings: job.embeddings, labels: c.labels, classNames: names, labelled: false,
      subCentres: job.subCentres, seed: job.seed, name: job.name,
      clustering: { k: c.k, chosen: job.k ? 'user' : 'auto', silhouette: Math.round(c.silhouette * 1e4) / 1e4 } });
    return { tokens, labels: c.labels, clustering: { k: c.k, silhouette: c.silhouette, tried: c.tried } };
  },

  async dispose() {
    await session?.release();
    session = null;
    runner?.release();
    runner = null;
  },
};

Comlink.expose(api);
