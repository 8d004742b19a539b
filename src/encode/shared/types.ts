import type { DecodeLimits } from './decode-browser.ts';
import type { ConvPlan } from './conv-plan.ts';
// Messages between the page and the encode worker.

export type BackendPreference = 'auto' | 'webgpu' | 'wasm';

export interface BackendInfo {
  backend: 'webgpu' | 'wasm';
  /** why this backend ran (e.g. why WebGPU was not used) */
  reason: string;
  threads: number;
  /** encode workers side by side (a pool on WASM; 1 on WebGPU) */
  workers?: number;
  crossOriginIsolated: boolean;
  /** what runs the graph: onnxruntime-web, or tfjs for an entry with wasmRuntime 'tfjs' on WASM */
  runtime?: 'onnxruntime-web' | 'tfjs';
  /** where the worker's start-up went (ms): the weights fetched, checked (and derived), or in a pool received from the worker that did that; then the runtime, session and first run */
  loadMs?: { weights: number; runtime: number };
  adapter?: { vendor: string; architecture: string; isFallbackAdapter: boolean };
}

export interface InitOptions {
  encoderId: string;
  /** URL of the weights (served by the app) or the bytes of a file the user dropped */
  modelUrl?: string;
  modelBytes?: ArrayBuffer;
  prefer: BackendPreference;
  ortWasmBase: string;
  /** the runtime's .wasm, fetched once by the page for a pool of workers (else each worker fetches it from ortWasmBase) */
  ortWasmBinary?: ArrayBuffer;
  threads: number;
  /** tfjs-backend-wasm's .wasm files (an entry with wasmRuntime 'tfjs') */
  tfjsWasmBase: string;
  /** 'onnxruntime-web': never the tfjs path (benches compare the two) */
  runtime?: 'auto' | 'onnxruntime-web';
  useCache: boolean;
  limits: DecodeLimits;
  /** the worker of a pool that fetches, checks and derives the encoder posts it (a SharedMessage) on
   * these ports; `graph`: with the checked graph besides the tfjs plan (for a worker that may need
   * onnxruntime-web: WebGPU, or tfjs failing) */
  shareTo?: { port: MessagePort; graph: boolean }[];
  /** another worker of a pool: takes the encoder from this port (no fetch, pin check or derive here) */
  sharedFrom?: MessagePort;
}

/** What the pool's maker (the worker that fetches, checks and derives the encoder) posts to the others, worker to worker (the page's thread is busy
 * as the page opens): the encoder as it checked it, or why it could not. */
export type SharedMessage = { model: SharedModel } | { error: string };

/** An encoder's graph after its pin check, or the tfjs plan made from it: handed from the
 * pool's maker to the others, so the weights are fetched, checked and derived once. */
export interface SharedModel {
  plan?: ConvPlan;
  graph?: Uint8Array;
}

export interface EncodeItem {
  path: string;
  file: Blob;
}

export type SkipReason = 'empty' | 'not-image' | 'corrupt' | 'too-small' | 'too-large' | 'unreadable';

export interface SkippedItem {
  index: number;
  path: string;
  reason: SkipReason;
  detail: string;
}

export interface EncodeProgress {
  done: number;
  total: number;
  fromCache: number;
  skipped: number;
  /** images per second over the items actually encoded */
  rate: number;
  etaSeconds: number;
  phase: 'reading' | 'encoding' | 'done';
}

export interface EncodeResult {
  dim: number;
  /** row-major [indices.length, dim], L2-normalised */
  embeddings: Float32Array;
  /** for each row, its position in the request */
  indices: number[];
  /** content sha256 of each row's file */
  hashes: string[];
  skipped: SkippedItem[];
  downscaled: string[];
  fromCache: number;
  encoded: number;
  cancelled: boolean;
  cache: { enabled: boolean; full: boolean; notStored: number; error: string };
  seconds: number;
  /** where the time went (ms, summed over the workers of a pool): reading + hashing + cache lookups, decoding + preprocessing, the encoder's runs */
  timing: { readMs: number; decodeMs: number; embedMs: number };
  backend: BackendInfo;
}

export interface TokenJob {
  embeddings: Float32Array;
  /** class index per row; null: unlabelled, cluster first */
  labels: Int32Array | null;
  classNames: string[];
  /** number of clusters for unlabelled data; undefined = chosen by silhouette */
  k?: number;
  subCentres: number;
  seed: number;
  name?: string;
}

export interface TokenJobResult {
  tokens: import('../../tokens/shared/format.ts').DatasetTokens;
  /** labels used (the clusters, for unlabelled data) */
  labels: Int32Array;
  clustering?: { k: number; silhouette: number; tried: { k: number; silhouette: number }[] };
}

export interface EncodeWorkerApi {
  /** dataset tokens (clustering unlabelled data first), off the page thread */
  tokens(job: TokenJob): Promise<TokenJobResult>;
  /** starts loading the runtime (tfjs, for an encoder that runs on it on WASM) before init */
  prepare(opts: Pick<InitOptions, 'encoderId' | 'prefer' | 'runtime' | 'tfjsWasmBase'>): void;
  init(opts: InitOptions): Promise<BackendInfo>;
  encode(items: EncodeItem[], onProgress?: (p: EncodeProgress) => void): Promise<EncodeResult>;
  cancel(): void;
  dispose(): Promise<void>;
}
