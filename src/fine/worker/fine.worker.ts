// The fine-stage worker: runs the top-k models on the user's images with onnxruntime-web (WASM) or,
// for the tfjs models this build serves, with tfjs and the page's own loading and feature code
// (npm-models.ts, features.ts; loaded only when such a model is asked for),
// takes each model's pooled features (and logits when it has them), computes the transferability
// scores and the linear probe with successive halving, and re-ranks the models by probe accuracy.
// Images are read and decoded once; preprocessed tensors are shared by models with the same
// preprocessing, within a memory budget. Nothing leaves this worker but the result.
import * as Comlink from 'comlink';
import * as ort from 'onnxruntime-web';
import { sniffImage } from '../../encode/shared/imageinfo.ts';
import { decodeInBrowser, pixelLimitReason } from '../../encode/shared/decode-browser.ts';
import { preprocess, toFloat16Bits, type RgbaImage } from '../../encode/shared/preprocess.ts';
import { sha256Hex } from '../../encode/shared/model-file.ts';
import type { Preprocess } from '../../encode/shared/manifest.ts';
import { readGraph } from '../../hardware/shared/onnx.ts';
import { computeScores, SCORE_NAMES, type ScoreName } from '../../transfer/shared/scores.ts';
import { complement, cvSplits, foldsFor, protocolLabel } from '../../probe/shared/cv.ts';
import { chooseFeatureNode, withFeatureOutput } from '../shared/feature-node.ts';
import { FINE_PROBE, halvingPlan, probeModels, rerank, useHalving } from '../shared/probe.ts';
import { pickRows, probeLabels, sampleImages } from '../shared/data.ts';
import {
  FINE_RESULT_VERSION,
  type FineModel, type FineModelResult, type FineOnnxModel, type FineProgress, type FineRequest, type FineResult, type FineRunOptions, type FineTfjsModel, type FineWorkerApi,
} from '../shared/types.ts';
import type { BackendChoice } from '../../probe/tfjs/backends.ts';

let cancelled = false;
let running = false;

const now = () => performance.now();
/** Lets the cancel message in: the worker's loop only reads messages between macrotasks. */
const yieldToLoop = () => new Promise<void>((r) => setTimeout(r, 0));
const keyOf = (p: Preprocess) => JSON.stringify(p);

class Cancelled extends Error {}

interface TfjsLib {
  npm: typeof import('../../npmzoo/client/npm-models.ts');
  features: typeof import('../../npmzoo/tfjs/features.ts');
  backends: typeof import('../../probe/tfjs/backends.ts');
}
let tfjsLib: Promise<TfjsLib> | null = null;
let tfjsBackend: Promise<BackendChoice> | null = null;

/** tfjs and the page's npm-model code, loaded at the first tfjs model: an ONNX-only run never pays for them. */
async function loadTfjs(pageBase: string): Promise<TfjsLib> {
  tfjsLib ??= Promise.all([
    import('../../npmzoo/client/npm-models.ts'),
    import('../../npmzoo/tfjs/features.ts'),
    import('../../probe/tfjs/backends.ts'),
  ]).then(([npm, features, backends]) => ({ npm, features, backends })).catch((e: unknown) => {
    tfjsLib = null;
    throw e;
  });
  const lib = await tfjsLib;
  lib.npm.setNpmPageBase(pageBase); // model files are fetched against the page, not this script
  return lib;
}

/** The page's choice, once per worker: WebGPU when it gives the CPU backend's results on the check, else WASM (tfjs-wasm/ of the page), else CPU. */
function tfjsBackendIn(lib: TfjsLib, pageBase: string): Promise<BackendChoice> {
  tfjsBackend ??= lib.backends.chooseBackend(['webgpu', 'wasm', 'cpu'], { wasmBase: new URL(lib.backends.TFJS_WASM_DIR, pageBase).href }).catch((e: unknown) => {
    tfjsBackend = null;
    throw e;
  });
  return tfjsBackend;
}

async function modelBytes(m: FineOnnxModel): Promise<Uint8Array> {
  if ('bytes' in m.source) return new Uint8Array(m.source.bytes);
  const url = new URL(m.source.url, self.location.href);
  if (url.origin !== self.location.origin) throw new Error(`model URL ${m.source.url} is not on this page's origin; only same-origin model files are fetched`);
  const r = await fetch(url);
  if (!r.ok) throw new Error(`model file not found at ${m.source.url} (HTTP ${r.status})`);
  return new Uint8Array(await r.arrayBuffer());
}

/** Any numeric tensor as float32 (float16 bits decoded). */
function asFloat32(t: ort.Tensor): Float32Array {
  const d = t.data;
  if (d instanceof Float32Array) return d;
  if (t.type === 'float16' && d instanceof Uint16Array) {
    const out = new Float32Array(d.length);
    for (let i = 0; i < d.length; i++) {
      const h = d[i], s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, f = h & 0x3ff;
      out[i] = e === 0 ? s * 2 ** -14 * (f / 1024) : e === 31 ? (f ? NaN : s * Infinity) : s * 2 ** (e - 15) * (1 + f / 1024);
    }
    return out;
  }
  return Float32Array.from(d as ArrayLike<number>, Number);
}

interface Decoded {
  index: number;
  img: RgbaImage | null; // null: over the cache budget, decoded again when needed
}

const api: FineWorkerApi = {
  cancel() {
    if (running) cancelled = true;
  },

  async run(req: FineRequest, opts: FineRunOptions, onProgress?: (p: FineProgress) => void): Promise<FineResult> {
    if (running) throw new Error('a fine-stage run is already in progress in this worker');
    running = true;
    cancelled = false;
    try {
      return await runFine(req, opts, onProgress);
    } finally {
      running = false;
      // the page's progress callback proxy is not needed after the run
      if (onProgress) (onProgress as unknown as Comlink.Remote<unknown>)[Comlink.releaseProxy]();
    }
  },
};

async function runFine(req: FineRequest, opts: FineRunOptions, onProgress?: (p: FineProgress) => void): Promise<FineResult> {
  const t0 = now();
  ort.env.wasm.wasmPaths = opts.ortWasmBase;
  const isolated = (self as unknown as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  ort.env.wasm.numThreads = isolated ? Math.max(1, opts.threads) : 1;
  ort.env.logLevel = 'error';

  const k = req.models.length;
  const which: ScoreName[] = req.scores ?? [...SCORE_NAMES];
  const notes: string[] = [];
  const skipped: FineResult['skipped'] = [];
  const lim = opts.limits;
  let lastReport = 0;
  const report = (p: FineProgress, force = false) => {
    const t = now();
    if (!force && t - lastReport < 100) return;
    lastReport = t;
    // a Comlink call to the page: never awaited (the run does not wait for the page), never thrown
    if (onProgress) void Promise.resolve(onProgress(p)).catch(() => undefined);
  };

  // ---- 1. read, check and decode every image once ----
  const chosen = sampleImages(req.images.map((x) => x.label), req.maxImages, req.seed);
  if (chosen.length < req.images.length) notes.push(`${chosen.length} of ${req.images.length} images used (seeded per-class sample, maxImages ${req.maxImages})`);
  const decoded: Decoded[] = [];
  let cacheLeft = opts.cacheBytes;
  const tLoad = now();
  const readAndDecode = async (index: number): Promise<{ img: RgbaImage } | { reason: string }> => {
    const it = req.images[index];
    if (it.file.size === 0) return { reason: 'zero-byte file' };
    if (it.file.size > lim.maxFileBytes) return { reason: `${(it.file.size / 1e6).toFixed(1)} MB file, limit ${(lim.maxFileBytes / 1e6).toFixed(0)} MB` };
    let bytes: Uint8Array;
    try { bytes = new Uint8Array(await it.file.arrayBuffer()); } catch (e) { return { reason: `could not be read (${(e as Error).message})` }; }
    const info = sniffImage(bytes);
    if (!info) return { reason: 'not an image (content is not a known image format)' };
    const tooLarge = pixelLimitReason(bytes, info, lim);
    if (tooLarge) return { reason: tooLarge };
    let img: RgbaImage;
    try { img = (await decodeInBrowser(bytes, info, lim)).img; } catch { return { reason: `corrupt: ${info.format} data cannot be decoded` }; }
    if (Math.min(img.width, img.height) < lim.minSide) return { reason: `${img.width}x${img.height} px, below ${lim.minSide} px` };
    return { img };
  };
  for (let j = 0; j < chosen.length; j++) {
    if (cancelled) break;
    const index = chosen[j];
    const r = await readAndDecode(index);
    if ('reason' in r) skipped.push({ path: req.images[index].path, reason: r.reason });
    else {
      const size = r.img.data.byteLength;
      const keep = size <= cacheLeft;
      if (keep) cacheLeft -= size;
      decoded.push({ index, img: keep ? r.img : null });
    }
    const rate = (j + 1) / ((now() - tLoad) / 1000);
    report({ stage: 'loading', model: 0, models: k, done: j + 1, total: chosen.length, rate, etaSeconds: (chosen.length - j - 1) / rate }, j === chosen.length - 1);
    if (j % 16 === 15) await yieldToLoop();
  }
  const redecoded = decoded.filter((d) => !d.img).length;
  if (redecoded) notes.push(`${redecoded} images over the memory budget are decoded again for each model`);
  const used = decoded.map((d) => d.index);
  const nUsed = used.length;

  // classes usable by the probe and the label-based scores
  const pl = probeLabels(used.map((i) => req.images[i].label));
  const className = (c: number) => req.classNames[c] ?? `class ${c}`;
  for (const d of pl.dropped) notes.push(`class "${className(d.cls)}" has ${d.count} usable image${d.count === 1 ? '' : 's'} (fewer than 2): left out of the probe and the scores`);
  const probeError = pl.classes.length < 2
    ? `no probe: ${pl.classes.length} class${pl.classes.length === 1 ? '' : 'es'} with at least 2 usable images; the probe and the scores need at least 2`
    : null;
  if (probeError) notes.push(probeError);
  // the scores see the training folds of the probe's first repeat and are averaged over them, as the
  // ground truth's scores.csv (src/zoo/shared/gt-cell.ts)
  const kFolds = probeError ? 0 : foldsFor(pl.labels, FINE_PROBE.folds);
  const trainFolds = kFolds < 2 ? [] : cvSplits(pl.labels, kFolds, 1, FINE_PROBE.seed + req.seed)[0].map((test) => {
    const train = complement(pl.labels.length, test);
    return { rows: Array.from(train, (i) => pl.rows[i]), labels: Int32Array.from(train, (i) => pl.labels[i]) };
  });

  // tfjs models: the page's code, loaded now (a failure fails those models only)
  let tfjs: TfjsLib | null = null;
  let tfjsError = '';
  if (req.models.some((m) => m.runtime === 'tfjs')) {
    try {
      tfjs = await loadTfjs(opts.pageBase);
    } catch (e) {
      tfjsError = `tfjs could not be loaded in the worker: ${(e as Error).message}`;
    }
  }
  const tfjsEntry = (m: FineTfjsModel) => {
    if (!tfjs) throw new Error(tfjsError);
    return tfjs.npm.npmEntry(m.npmId);
  };
  /** a tfjs model's pixels are the page's (prepareImages = preprocess() with this record): shareable with any model of the same record */
  const keyFor = (m: FineModel) => {
    if (m.runtime !== 'tfjs') return keyOf(m.preprocess);
    try {
      return keyOf(tfjs!.features.npmPreprocess(tfjsEntry(m).input));
    } catch {
      return `unresolved tfjs model ${m.id}`;
    }
  };

  // preprocessed tensors shared by models with the same preprocessing (zoo models all share one)
  const uses = new Map<string, number>();
  for (const m of req.models) uses.set(keyFor(m), (uses.get(keyFor(m)) ?? 0) + 1);
  const tensorCache = new Map<string, (Float32Array | undefined)[]>();

  /**
   * Rows s..s+nb of the batch for one preprocessing (key): from the shared tensor cache, else decoded
   * (again, when the decode cache let it go) and prepared by `prep`, then cached while room is left.
   */
  const fillBatch = async (key: string, batch: Float32Array, plane: number, s: number, nb: number, prep: (img: RgbaImage, dst: Float32Array) => void) => {
    let cache = tensorCache.get(key);
    if ((uses.get(key) ?? 0) > 1 && !cache) tensorCache.set(key, (cache = new Array(nUsed)));
    for (let j = 0; j < nb; j++) {
      const row = s + j;
      const dst = batch.subarray(j * plane, (j + 1) * plane);
      const hit = cache?.[row];
      if (hit) { dst.set(hit); continue; }
      let img = decoded[row].img;
      if (!img) {
        const r = await readAndDecode(decoded[row].index);
        if ('reason' in r) throw new Error(`${req.images[decoded[row].index].path} could not be decoded again: ${r.reason}`);
        img = r.img;
      }
      prep(img, dst);
      if (cache && plane * 4 <= cacheLeft) { cache[row] = dst.slice(); cacheLeft -= plane * 4; }
    }
  };

  // ---- 2. each model: load, features, scores ----
  const results: FineModelResult[] = req.models.map((m) => ({ id: m.id, status: 'cancelled' }));
  const features = new Map<string, { x: Float32Array; d: number }>();
  const rates: number[] = [];
  /** rough: this model's images left at its rate, the models after it at the mean rate so far (scores and probe not counted) */
  const etaFor = (model: number, doneInModel: number, rate: number) => {
    const avg = rates.length ? rates.reduce((s, r) => s + r, 0) / rates.length : rate;
    const r = rate > 0 ? rate : avg;
    const here = doneInModel >= nUsed ? 0 : r > 0 ? (nUsed - doneInModel) / r : NaN;
    const after = k - model === 0 ? 0 : avg > 0 ? ((k - model) * nUsed) / avg : NaN;
    return here + after;
  };

  /** A tfjs model: the page's loader (IndexedDB, else this build's files, sha256-checked), input preparation and feature node (npmFeatures). */
  const tfjsForward = async (m: FineTfjsModel, mi: number, res: FineModelResult, key: string) => {
    const e = tfjsEntry(m);
    const lib = tfjs!;
    const backend = await tfjsBackendIn(lib, opts.pageBase);
    if (cancelled) throw new Cancelled();
    const model = await lib.npm.loadNpmModel(e.id);
    try {
      if (cancelled) throw new Cancelled();
      const node = `${e.format === 'tfjs-layers' ? 'layer' : 'node'} ${e.featureNode}${e.featurePooling === 'mean-hw' ? ' averaged over H and W' : ''}`;
      const notUsed = backend.skipped.map((x) => `; ${x.backend} not used: ${x.why}`).join('');
      res.featuresFrom = `tfjs ${node} (the page's npmFeatures); weights from ${model.source === 'indexeddb' ? 'IndexedDB' : 'this build (sha256-checked)'}; ${backend.backend} backend${notUsed}`;
      const S = e.input.size, plane = 3 * S * S, B = 8;
      const batch = new Float32Array(B * plane);
      let fx: Float32Array | null = null;
      let d = 0;
      const t = now();
      for (let s = 0; s < nUsed; s += B) {
        const nb = Math.min(B, nUsed - s);
        await fillBatch(key, batch, plane, s, nb, (img, dst) => dst.set(lib.features.prepareImages([img], e.input)));
        const f = await lib.features.extractFeatures(model, { node: e.featureNode, pooling: e.featurePooling }, batch.subarray(0, nb * plane), nb, e.input, B);
        if (!fx) {
          d = f.length / nb;
          if (!Number.isInteger(d) || d < 1) throw new Error(`feature node ${e.featureNode} gave ${f.length} values for ${nb} images`);
          fx = new Float32Array(nUsed * d);
        }
        if (f.length !== nb * d) throw new Error(`feature node ${e.featureNode} changed size between batches`);
        fx.set(f, s * d);
        const rate = (s + nb) / ((now() - t) / 1000);
        report({ stage: 'features', model: mi + 1, models: k, done: s + nb, total: nUsed, rate, etaSeconds: etaFor(mi + 1, s + nb, rate) }, s + nb === nUsed);
        await yieldToLoop();
        if (cancelled) throw new Cancelled();
      }
      return { fx, d, featSeconds: (now() - t) / 1000 };
    } finally {
      model.dispose();
    }
  };

  for (let mi = 0; mi < k; mi++) {
    const m = req.models[mi];
    const res = results[mi];
    if (cancelled) { res.error = 'cancelled before this model started'; continue; }
    const tm = now();
    let session: ort.InferenceSession | null = null;
    const key = keyFor(m);
    try {
      report({ stage: 'loading', model: mi + 1, models: k, done: 0, total: nUsed, rate: 0, etaSeconds: etaFor(mi + 1, 0, 0) }, true);
      let fx: Float32Array | null = null;
      let logits: Float32Array | null = null;
      let d = 0, z = 0;
      let featSeconds = 0;
      if (m.runtime === 'tfjs') {
        ({ fx, d, featSeconds } = await tfjsForward(m, mi, res, key));
      } else {
        const bytes = await modelBytes(m);
        const sha = await sha256Hex(bytes);
        if (sha !== m.sha256.toLowerCase()) {
          throw new Error(`sha256 mismatch: the file has ${sha.slice(0, 12)}…, the catalogue pins ${m.sha256.slice(0, 12)}…; refusing to run a file that is not the one listed`);
        }
        let output = m.featuresOutput;
        let modelFile = bytes;
        const graph = readGraph(bytes);
        const input = graph.inputs.find((i) => i.name === m.inputName);
        if (!input) throw new Error(`the graph has no input "${m.inputName}" (inputs: ${graph.inputs.map((i) => i.name).join(', ')})`);
        if (output === null) {
          const choice = chooseFeatureNode(graph);
          const p = withFeatureOutput(bytes, choice.recipe);
          modelFile = p.bytes;
          output = p.output;
          res.featuresFrom = choice.from;
        } else {
          if (!graph.outputs.includes(output)) throw new Error(`the graph has no output "${output}" (outputs: ${graph.outputs.join(', ')})`);
          res.featuresFrom = `graph output ${output} (given)`;
        }
        if (m.logitsOutput !== null && !graph.outputs.includes(m.logitsOutput)) {
          throw new Error(`the graph has no output "${m.logitsOutput}" (outputs: ${graph.outputs.join(', ')})`);
        }
        session = await ort.InferenceSession.create(modelFile, { executionProviders: ['wasm'] });
        if (cancelled) throw new Cancelled();

        // ---- forward passes ----
        const C = m.preprocess.crop, plane = 3 * C * C;
        const fixedBatch = input.dims[0] > 0 ? input.dims[0] : 0;
        const B = fixedBatch || 8;
        const fetches = m.logitsOutput ? [output, m.logitsOutput] : [output];
        const batch = new Float32Array(B * plane);
        const tf = now();
        for (let s = 0; s < nUsed; s += B) {
          const nb = Math.min(B, nUsed - s);
          await fillBatch(key, batch, plane, s, nb, (img, dst) => preprocess(img, m.preprocess, dst));
          const rows = fixedBatch || nb; // a fixed-batch graph gets zero-padded rows
          if (fixedBatch && nb < fixedBatch) batch.fill(0, nb * plane);
          const x = batch.subarray(0, rows * plane);
          const dims = [rows, 3, C, C];
          const tensor = m.preprocess.inputDtype === 'float16' ? new ort.Tensor('float16', toFloat16Bits(x), dims) : new ort.Tensor('float32', x.slice(), dims);
          const out = await session.run({ [m.inputName]: tensor }, fetches);
          const f = asFloat32(out[output]);
          if (!fx) {
            d = f.length / rows;
            if (!Number.isInteger(d) || d < 1) throw new Error(`features output ${output} has ${f.length} values for ${rows} images`);
            fx = new Float32Array(nUsed * d);
          }
          if (f.length !== rows * d) throw new Error(`features output ${output} changed size between batches`);
          fx.set(f.subarray(0, nb * d), s * d);
          if (m.logitsOutput) {
            const l = asFloat32(out[m.logitsOutput]);
            if (!logits) { z = l.length / rows; logits = new Float32Array(nUsed * z); }
            logits.set(l.subarray(0, nb * z), s * z);
          }
          for (const t of Object.values(out)) t.dispose();
          const rate = (s + nb) / ((now() - tf) / 1000);
          report({ stage: 'features', model: mi + 1, models: k, done: s + nb, total: nUsed, rate, etaSeconds: etaFor(mi + 1, s + nb, rate) }, s + nb === nUsed);
          await yieldToLoop();
          if (cancelled) throw new Cancelled();
        }
        featSeconds = (now() - tf) / 1000;
        await session.release();
        session = null;
      }
      if (nUsed === 0 || !fx) throw new Error('no usable images: every file was skipped');
      for (let i = 0; i < fx.length; i++) if (!Number.isFinite(fx[i])) throw new Error(`the model gave non-finite features (image ${req.images[used[Math.floor(i / d)]].path})`);
      rates.push(nUsed / featSeconds);
      Object.assign(res, { status: 'done', featureDim: d, images: nUsed, imagesPerSecond: nUsed / featSeconds });

      // ---- scores (training folds of the probe's first repeat, averaged, as the ground truth's scores.csv) ----
      if (!probeError && trainFolds.length && which.length) {
        const sums: Partial<Record<ScoreName, number[]>> = {};
        const ts = now();
        const steps = which.length * trainFolds.length;
        let step = 0;
        for (const fold of trainFolds) {
          const input = {
            features: pickRows(fx, d, fold.rows), n: fold.rows.length, d, labels: fold.labels,
            sourceLogits: logits ? pickRows(logits, z, fold.rows) : undefined, seed: req.seed,
          };
          for (let j = 0; j < which.length; j++, step++) {
            const rate = step / ((now() - ts) / 1000);
            report({ stage: 'scores', model: mi + 1, models: k, done: step, total: steps, rate, etaSeconds: rate > 0 ? (steps - step) / rate + etaFor(mi + 1, nUsed, 0) : NaN }, true);
            // one score at a time: H-Score on 1000+-d features takes seconds, the page sees which
            const v = computeScores(input, [which[j]])[which[j]];
            if (v && Number.isFinite(v.value)) (sums[which[j]] ??= []).push(v.value);
            await yieldToLoop();
          }
        }
        res.scores = Object.fromEntries(Object.entries(sums).map(([name, v]) => [name, v!.reduce((a, b) => a + b, 0) / v!.length]));
        report({ stage: 'scores', model: mi + 1, models: k, done: steps, total: steps, rate: steps / ((now() - ts) / 1000), etaSeconds: NaN }, true);
      }
      if (probeError) res.error = probeError;
      features.set(m.id, { x: fx, d });
      res.seconds = (now() - tm) / 1000;
    } catch (e) {
      if (e instanceof Cancelled) {
        Object.assign(res, { status: 'cancelled', error: 'cancelled while this model ran; its partial features were discarded' });
      } else {
        Object.assign(res, { status: 'failed', error: `${m.label || m.id}: ${(e as Error).message}` });
      }
      res.seconds = (now() - tm) / 1000;
      delete res.featureDim; delete res.images; delete res.imagesPerSecond; delete res.scores;
    } finally {
      await session?.release().catch(() => undefined);
      // the last model with this preprocessing frees its cached tensors
      uses.set(key, (uses.get(key) ?? 1) - 1);
      const c = uses.get(key) === 0 ? tensorCache.get(key) : undefined;
      if (c) {
        for (const t of c) if (t) cacheLeft += t.byteLength;
        tensorCache.delete(key);
      }
    }
  }

  if (cancelled) {
    const stopped = results.filter((r) => r.status === 'cancelled').length;
    notes.push(`cancelled: ${stopped} of ${k} models did not finish; the finished ones are probed among themselves`);
  }

  // ---- 3. probe with successive halving over the finished models ----
  let halving = false;
  if (!probeError) {
    const arms = results.filter((r) => r.status === 'done').map((r) => {
      const f = features.get(r.id)!;
      return { id: r.id, features: pickRows(f.x, f.d, pl.rows), d: f.d };
    });
    const tp = now();
    const meanD = arms.reduce((s, a) => s + a.d, 0) / Math.max(1, arms.length);
    halving = useHalving(req.halving ?? 'auto', arms.length, pl.rows.length, meanD, pl.classes.length);
    const run = await probeModels(arms, pl.labels, req.seed, async (done, total, id) => {
      const rate = done / ((now() - tp) / 1000);
      report({ stage: 'probe', model: req.models.findIndex((m) => m.id === id) + 1, models: k, done, total, rate, etaSeconds: (total - done) / rate }, done === total);
      await yieldToLoop();
    }, halving);
    for (const r of results) {
      const p = run.probes.get(r.id);
      if (p) r.probe = p;
    }
  }

  const transfer: ArrayBuffer[] = [];
  if (req.keepFeatures) {
    for (const r of results) {
      const f = features.get(r.id);
      if (f && r.status === 'done') { r.features = f.x; transfer.push(f.x.buffer as ArrayBuffer); }
    }
  }
  const result: FineResult = {
    version: FINE_RESULT_VERSION,
    models: results,
    reranked: rerank(results),
    skipped,
    cancelled,
    used,
    notes,
    protocol: { probe: protocolLabel(FINE_PROBE), lambda: FINE_PROBE.lambda, folds: kFolds, repeats: FINE_PROBE.repeats, seed: FINE_PROBE.seed + req.seed, halvingRounds: halving ? halvingPlan(results.filter((r) => r.status === 'done').length).length : 0 },
    seconds: (now() - t0) / 1000,
  };
  return Comlink.transfer(result, transfer);
}

Comlink.expose(api);
