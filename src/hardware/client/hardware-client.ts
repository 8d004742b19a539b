// Page side of the hardware worker: micro-benchmarks, model measurement with progress, cancel and
// the IndexedDB cache; predictions for the models not measured.
import * as Comlink from 'comlink';
import { env } from '../../env.ts';
import { predictCost, type ModelDescription } from '../shared/cost-model.ts';
import { DEFAULT_MEASURE, type DeviceProfile, type HardwareWorkerApi, type HwBackend, type MeasuredCost, type MeasureOptions, type MeasureProgress, type MicroBench, type ModelCost } from '../shared/types.ts';
import { costKey, getCost, putCost } from './cache.ts';
import { basicProfile, deviceKey } from './profile.ts';

/** What the client needs of a zoo/catalogue model. */
export interface MeasurableModel extends ModelDescription {
  sha256: string;
  url: string;
  inputName: string;
  inputDims: number[];
  inputDtype?: 'float32' | 'float16';
  fixedBatch?: number | null;
}

export interface HardwareHandle {
  backend: HwBackend;
  threads: number;
  /** the cache key of this device (settable: one worker can serve several keys, e.g. in tests) */
  deviceKey: string;
  microBench(budgetMs?: number): Promise<MicroBench>;
  /** cached: the cost came from IndexedDB (same device, backend, threads, model bytes) */
  measure(m: MeasurableModel, o?: { useCache?: boolean; onProgress?: (p: MeasureProgress) => void; options?: Partial<MeasureOptions> }): Promise<{ cost: MeasuredCost; cached: boolean; stored: boolean }>;
  cancel(): Promise<void>;
  terminate(): void;
}

export async function startHardware(o: { backend: HwBackend; threads?: number; deviceKey: string }): Promise<HardwareHandle> {
  const worker = new Worker(new URL('../worker/hardware.worker.ts', import.meta.url), { type: 'module', name: 'hardware' });
  const api = Comlink.wrap<HardwareWorkerApi>(worker);
  const failed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (ev) => reject(new Error(`hardware worker failed: ${ev.message || 'script error'}`)), { once: true });
  });
  const threads = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated ? (o.threads ?? env.wasmThreads) : 1;
  const base = { backend: o.backend, threads, ortWasmBase: env.ortWasmBase };
  const handle: HardwareHandle = {
    backend: o.backend,
    threads,
    deviceKey: o.deviceKey,
    microBench: (budgetMs) => Promise.race([failed, api.microBench({ ...base, budgetMs })]),
    async measure(m, mo = {}) {
      const key = costKey(handle.deviceKey, o.backend, threads, m.id, m.sha256);
      if (mo.useCache !== false) {
        const hit = await getCost(key);
        if (hit) return { cost: hit, cached: true, stored: true };
      }
      const opts: MeasureOptions = { ...DEFAULT_MEASURE, ...base, ...mo.options };
      const cost = await Promise.race([failed, api.measure(
        { modelId: m.id, modelSha256: m.sha256, url: m.url, inputName: m.inputName, inputDims: m.inputDims, inputDtype: m.inputDtype, fixedBatch: m.fixedBatch },
        opts,
        mo.onProgress ? Comlink.proxy(mo.onProgress) : undefined,
      )]);
      const stored = mo.useCache === false ? false : await putCost(key, handle.deviceKey, cost);
      return { cost, cached: false, stored };
    },
    cancel: () => api.cancel(),
    terminate() {
      api[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
  return handle;
}

/** The profile with a micro-benchmark per available backend (each in its own worker). */
/** `signal`: aborting cancels the running micro-benchmark and starts no further worker (the call then rejects with an AbortError). */
export async function gatherProfile(o: { budgetMs?: number; backends?: HwBackend[]; reuse?: Partial<Record<HwBackend, HardwareHandle>>; signal?: AbortSignal } = {}): Promise<{ profile: DeviceProfile; deviceKey: string }> {
  const profile = await basicProfile();
  const key = await deviceKey(profile);
  for (const b of o.backends ?? (['wasm', 'webgpu'] as HwBackend[])) {
    o.signal?.throwIfAborted();
    if (b === 'webgpu' && !profile.webgpu.available) {
      profile.micro.webgpu = { error: profile.webgpu.why };
      continue;
    }
    // a worker per backend (onnxruntime-web settles its setup at the first session), or the caller's
    const own = !o.reuse?.[b];
    const h = o.reuse?.[b] ?? (await startHardware({ backend: b, deviceKey: key }));
    const stop = () => void h.cancel().catch(() => undefined);
    o.signal?.addEventListener('abort', stop);
    try {
      o.signal?.throwIfAborted();
      profile.micro[b] = await h.microBench(o.budgetMs);
    } catch (e) {
      o.signal?.throwIfAborted();
      profile.micro[b] = { error: (e as Error).message.slice(0, 200) };
    } finally {
      o.signal?.removeEventListener('abort', stop);
      if (own) h.terminate();
    }
  }
  o.signal?.throwIfAborted();
  return { profile, deviceKey: key };
}

/** Measured cost where there is one, else a prediction from the micro-benchmark. */
export function costFor(m: ModelDescription, measured: Map<string, MeasuredCost>, micro: MicroBench, batch = DEFAULT_MEASURE.throughputBatch): ModelCost {
  return measured.get(m.id) ?? predictCost(m, micro, batch);
}

/** A zoo catalogue entry as a measurable model (served at /models/zoo/ by the app and the tests). */
export function zooModel(e: { id: string; family: string; file: string; sha256: string; bytes: number; params: number; macs: number; input: { name: string; shape: (string | number)[] } }, base = new URL('models/zoo/', document.baseURI).href): MeasurableModel {
  return {
    id: e.id, family: e.family, macs: e.macs, params: e.params, bytes: e.bytes, sha256: e.sha256,
    url: base + e.file, inputName: e.input.name, inputDims: e.input.shape.slice(1).map(Number),
  };
}
