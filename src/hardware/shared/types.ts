// Hardware awareness: the formats (all versioned) shared by the worker, the client, the page and
// the bench. See docs/hardware.md.
import type { MacKind } from './onnx.ts';

export const HARDWARE_FORMAT_VERSION = 1;

export type HwBackend = 'wasm' | 'webgpu';

/** Robust summary of repeated timings (ms). */
export interface TimingStats {
  n: number;
  p50: number;
  p90: number;
  min: number;
  max: number;
  /** interquartile range, the spread reported beside every median */
  iqr: number;
}

/** Micro-benchmark of one backend: tiny single-operator ONNX graphs run in onnxruntime-web. */
export interface MicroBench {
  version: number;
  backend: HwBackend;
  threads: number;
  /** per-run overhead (a one-node graph, its elementwise work taken out), ms */
  runMs: number;
  /** extra cost of one more graph node, ms */
  nodeMs: number;
  /** cost of one activation element in an elementwise op, ms */
  elemMs: number;
  /** MACs per ms by operator kind */
  macsPerMs: Record<MacKind, number>;
  /** raw medians per probe graph, with their spread */
  probes: Record<string, TimingStats & { macs: number }>;
  wallMs: number;
}

export interface AdapterProfile {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
  features: string[];
  limits: Record<string, number>;
}

export interface DeviceProfile {
  version: number;
  userAgent: string;
  cores: number | null;
  /** navigator.deviceMemory (GB, coarse; Chromium only) */
  deviceMemoryGB: number | null;
  storage: { quota: number; usage: number } | null;
  crossOriginIsolated: boolean;
  webgpu: { available: boolean; why: string; adapter: AdapterProfile | null };
  micro: Partial<Record<HwBackend, MicroBench | { error: string }>>;
  gatheredAt: number;
}

/** Per-model cost measured in the page. */
export interface MeasuredCost {
  version: number;
  source: 'measured';
  modelId: string;
  modelSha256: string;
  backend: HwBackend;
  threads: number;
  /** session creation (parse, optimise, upload), ms */
  createMs: number;
  /** the first run at batch 1 (never counted as warm) */
  coldMs: number;
  /** warm runs at batch 1 */
  warm: TimingStats;
  throughput: { batch: number; msPerBatch: TimingStats; imagesPerSec: number };
  modelBytes: number;
  /** estimate: file + fp32 weights + live activations at the throughput batch (see docs) */
  peakMemoryBytes: number;
  measuredAt: number;
}

/** Per-model cost predicted from MACs/params/family and the micro-benchmark. */
export interface PredictedCost {
  version: number;
  source: 'predicted';
  modelId: string;
  backend: HwBackend;
  warmP50Ms: number;
  throughput: { batch: number; imagesPerSec: number };
  modelBytes: number;
  peakMemoryBytes: number;
  /** how the structure was known: the model's own graph, its family's table, or a generic guess */
  basis: 'graph' | 'family' | 'generic';
}

export type ModelCost = MeasuredCost | PredictedCost;

export interface MeasureProgress {
  modelId: string;
  phase: 'fetch' | 'create' | 'cold' | 'warm' | 'throughput' | 'done';
  done: number;
  total: number;
}

export interface MeasureOptions {
  backend: HwBackend;
  threads: number;
  ortWasmBase: string;
  /** warm runs at batch 1 (upper bound; stopped earlier by warmBudgetMs) */
  warmRuns: number;
  warmBudgetMs: number;
  throughputBatch: number;
  throughputRuns: number;
}

export const DEFAULT_MEASURE: Omit<MeasureOptions, 'backend' | 'threads' | 'ortWasmBase'> = {
  warmRuns: 30,
  warmBudgetMs: 1500,
  throughputBatch: 16,
  throughputRuns: 5,
};

export interface MeasureRequest {
  modelId: string;
  modelSha256: string;
  url?: string;
  bytes?: ArrayBuffer;
  inputName: string;
  /** per-sample input dims, e.g. [3, 32, 32] */
  inputDims: number[];
  /** the input's element type (default float32; SqueezeNet fp16 takes float16) */
  inputDtype?: 'float32' | 'float16';
  /** a graph whose batch is fixed (ShuffleNet v2 QDQ: 1): throughput is timed at that batch */
  fixedBatch?: number | null;
}

export interface HardwareWorkerApi {
  microBench(opts: { backend: HwBackend; threads: number; ortWasmBase: string; budgetMs?: number }): Promise<MicroBench>;
  measure(req: MeasureRequest, opts: MeasureOptions, onProgress?: (p: MeasureProgress) => void): Promise<MeasuredCost>;
  cancel(): void;
}
