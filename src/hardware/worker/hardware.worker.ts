// The hardware worker: runs the micro-benchmark probes and measures zoo models with
// onnxruntime-web on the chosen backend, off the page's main thread. One worker per
// (backend, threads): onnxruntime-web fixes its thread count at its first session.
import { toFloat16Bits } from '../../encode/shared/preprocess.ts';
import * as Comlink from 'comlink';
import * as ort from 'onnxruntime-web';
import { microBenchProbes, calibrate, peakMemoryEstimate } from '../shared/cost-model.ts';
import { readGraph, graphCost, writeModel } from '../shared/onnx.ts';
import { timingStats } from '../shared/stats.ts';
import {
  HARDWARE_FORMAT_VERSION,
  type HardwareWorkerApi, type HwBackend, type MeasureOptions, type MeasureRequest, type MeasuredCost, type MeasureProgress, type TimingStats,
} from '../shared/types.ts';

let cancelled = false;
let configured: { threads: number } | null = null;

class Cancelled extends Error {
  constructor() {
    super('measurement cancelled');
    this.name = 'AbortError';
  }
}
const check = () => {
  if (cancelled) throw new Cancelled();
};

function configure(ortWasmBase: string, threads: number): number {
  const isolated = (self as unknown as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  const t = isolated ? Math.max(1, threads) : 1;
  if (!configured) {
    ort.env.wasm.wasmPaths = ortWasmBase;
    ort.env.wasm.numThreads = t;
    ort.env.logLevel = 'error';
    configured = { threads: t };
  }
  return configured.threads;
}

const eps = (b: HwBackend) => [b];

/** Deterministic input data (the values do not change the cost of these graphs). */
function input(dims: number[], dtype: 'float32' | 'float16' = 'float32'): ort.Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = ((i * 7919) % 255) / 255 - 0.5;
  return dtype === 'float16' ? new ort.Tensor('float16', toFloat16Bits(x), dims) : new ort.Tensor('float32', x, dims);
}

const now = () => performance.now();
// yield to the event loop so that a cancel() message can land between runs
const tick = () => new Promise<void>((r) => setTimeout(r, 0));

async function timeRuns(s: ort.InferenceSession, feed: Record<string, ort.Tensor>, maxRuns: number, budgetMs: number, minRuns: number, each?: (i: number) => void): Promise<TimingStats> {
  const t: number[] = [];
  const start = now();
  for (let i = 0; i < maxRuns; i++) {
    await tick();
    check();
    const t0 = now();
    await s.run(feed);
    t.push(now() - t0);
    each?.(i + 1);
    if (i + 1 >= minRuns && now() - start > budgetMs) break;
  }
  return timingStats(t);
}

const api: HardwareWorkerApi = {
  async microBench({ backend, threads, ortWasmBase, budgetMs = 1500 }) {
    cancelled = false;
    const th = configure(ortWasmBase, threads);
    const probes = microBenchProbes();
    const t0 = now();
    const sessions: ort.InferenceSession[] = [];
    const feeds: Record<string, ort.Tensor>[] = [];
    const times: number[][] = probes.map(() => []);
    try {
      for (const p of probes) {
        check();
        const s = await ort.InferenceSession.create(writeModel(p.spec), { executionProviders: eps(backend) });
        sessions.push(s);
        const feed = { x: input(p.spec.inputs[0].dims) };
        feeds.push(feed);
        await s.run(feed); // first runs: never timed (allocation, shader compilation)
        await s.run(feed);
      }
      // round robin, so that a burst of load from elsewhere hits every probe alike
      const start = now();
      for (let round = 0; round < 200; round++) {
        await tick();
        check();
        // rotate the order: the first run after a yield is slower, and no probe should always pay it
        for (let j = 0; j < probes.length; j++) {
          const k = (j + round) % probes.length;
          const t = now();
          await sessions[k].run(feeds[k]);
          times[k].push(now() - t);
        }
        if (round >= 6 && now() - start > budgetMs) break;
      }
    } finally {
      for (const s of sessions) await s.release();
    }
    const timings: Record<string, TimingStats> = {};
    probes.forEach((p, k) => (timings[p.name] = timingStats(times[k])));
    return calibrate(backend, th, timings, now() - t0);
  },

  async measure(req: MeasureRequest, o: MeasureOptions, onProgress?: (p: MeasureProgress) => void): Promise<MeasuredCost> {
    cancelled = false;
    const th = configure(o.ortWasmBase, o.threads);
    const total = 1 + o.warmRuns + o.throughputRuns;
    const report = (phase: MeasureProgress['phase'], done: number) => onProgress?.({ modelId: req.modelId, phase, done, total });
    report('fetch', 0);
    let bytes: Uint8Array;
    if (req.bytes) bytes = new Uint8Array(req.bytes);
    else {
      const r = await fetch(req.url ?? '');
      if (!r.ok) throw new Error(`${req.modelId}: model not found at ${req.url} (HTTP ${r.status})`);
      bytes = new Uint8Array(await r.arrayBuffer());
    }
    if (req.modelSha256) {
      const h = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
      const hex = [...h].map((b) => b.toString(16).padStart(2, '0')).join('');
      if (hex !== req.modelSha256) throw new Error(`${req.modelId}: sha256 ${hex.slice(0, 12)}… is not the catalogue's ${req.modelSha256.slice(0, 12)}…`);
    }
    const cost = graphCost(readGraph(bytes), req.inputDims);
    check();
    report('create', 0);
    let t = now();
    const s = await ort.InferenceSession.create(bytes, { executionProviders: eps(o.backend) });
    const createMs = now() - t;
    try {
      const one = { [req.inputName]: input([1, ...req.inputDims], req.inputDtype) };
      check();
      report('cold', 0);
      t = now();
      await s.run(one);
      const coldMs = now() - t;
      report('warm', 1);
      const warm = await timeRuns(s, one, o.warmRuns, o.warmBudgetMs, Math.min(5, o.warmRuns), (i) => report('warm', 1 + i));
      const B = req.fixedBatch ?? o.throughputBatch;
      const many = { [req.inputName]: input([B, ...req.inputDims], req.inputDtype) };
      report('throughput', 1 + warm.n);
      await s.run(many); // first run at this batch size: not timed
      const tp = await timeRuns(s, many, o.throughputRuns, Infinity, o.throughputRuns, (i) => report('throughput', 1 + warm.n + i));
      report('done', total);
      return {
        version: HARDWARE_FORMAT_VERSION, source: 'measured', modelId: req.modelId, modelSha256: req.modelSha256,
        backend: o.backend, threads: th, createMs, coldMs, warm,
        throughput: { batch: B, msPerBatch: tp, imagesPerSec: (1000 * B) / tp.p50 },
        modelBytes: bytes.length,
        peakMemoryBytes: peakMemoryEstimate(bytes.length, cost.params, cost.maxActivation, B),
        measuredAt: Date.now(),
      };
    } finally {
      await s.release();
    }
  },

  cancel() {
    cancelled = true;
  },
};

Comlink.expose(api);
