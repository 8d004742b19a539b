import type { DecodeLimits } from '../../encode/shared/decode-browser.ts';
// The fine stage: the top-k candidate models run on the user's own images in the page (a Web
// Worker), scored by transferability heuristics and a linear probe, and re-ranked by measured
// probe accuracy. Messages between the page and the worker; format of the result (docs/fine.md).
import type { Preprocess } from '../../encode/shared/manifest.ts';
import type { ScoreName } from '../../transfer/shared/scores.ts';

/** Bump on any incompatible change of FineResult (docs/fine.md). */
/** v2: the probe is the GT v2 protocol (repeated k-fold, ridge); scores averaged over the training folds */
export const FINE_RESULT_VERSION = 2;

/** An ONNX model, run with onnxruntime-web (WASM). */
export interface FineOnnxModel {
  runtime?: 'onnx';
  id: string;
  label: string;
  /** url: a same-origin path such as models/zoo/resnet-mnist.onnx; bytes: a file the user dropped (transferred to the worker) */
  source: { url: string } | { bytes: ArrayBuffer };
  /** verified before running; a mismatch fails that model with a clear message */
  sha256: string;
  inputName: string;
  /** graph output giving pooled features; null = the worker adds one (featuresFrom says which) */
  featuresOutput: string | null;
  /** graph output with the source head's logits (LEEP, N-LEEP's sibling NCE); null = those scores are skipped */
  logitsOutput: string | null;
  preprocess: Preprocess;
}

/**
 * A tfjs model this build serves (an npm package's model, a real tfjs backbone): the worker loads it
 * as the page does (loadNpmModel: IndexedDB, else the build's files, sha256-checked), with the
 * page's input preparation and feature node (npmFeatures). No source logits: LEEP and NCE are skipped.
 */
export interface FineTfjsModel {
  runtime: 'tfjs';
  id: string;
  label: string;
  /** the page catalogue's id: `npm:<package>/<model>` (or its inventory key) or one of REAL_TFJS_IDS */
  npmId: string;
}

export type FineModel = FineOnnxModel | FineTfjsModel;

export interface FineImage {
  path: string;
  file: Blob;
  label: number;
}

export interface FineRequest {
  models: FineModel[];
  images: FineImage[];
  classNames: string[];
  seed: number;
  /** at most this many images (a seeded per-class sample, proportions kept) */
  maxImages?: number;
  /** which heuristic scores to compute (default: all of SCORE_NAMES) */
  scores?: ScoreName[];
  /** successive halving before the full probe: 'auto' (default) only when the full probes of all models would cost real time (src/fine/shared/probe.ts) */
  halving?: 'auto' | 'always' | 'never';
  /** return each done model's feature matrix (FineModelResult.features) */
  keepFeatures?: boolean;
}

export interface FineProbe {
  /** mean held-out top-1 accuracy over the folds of every repeat (the GT protocol, src/probe/shared/cv.ts) */
  accuracy: number;
  /** the ridge probe's penalty */
  lambda: number;
  /** k of the k-fold (lowered to the smallest class) and the repeats run */
  folds: number;
  repeats: number;
  /** images per training / test fold (rounded mean) */
  nTrain: number;
  nTest: number;
  /** successive-halving rounds this model was trained in (cheap rounds + the full probe) */
  rounds: number;
  /** true: the full probe (the ground-truth protocol); false: dropped by successive halving after a cheap round (one repeat) */
  full: boolean;
  /** the accuracy of this model's last round (cheap rounds compare on it) */
  cvAccuracy: number;
}

export interface FineModelResult {
  id: string;
  status: 'done' | 'failed' | 'cancelled';
  error?: string;
  featureDim?: number;
  /** images that went through the model */
  images?: number;
  scores?: Partial<Record<ScoreName, number>>;
  probe?: FineProbe;
  /** wall time of this model: load + forward passes + scores (the probe is shared across models) */
  seconds?: number;
  /** forward-pass throughput: images / seconds of the features stage (decode excluded, preprocess included) */
  imagesPerSecond?: number;
  /** which tensor gave the features and why */
  featuresFrom?: string;
  /** rows of FineResult.used, row-major [used.length, featureDim]; only with keepFeatures */
  features?: Float32Array;
}

export interface FineResult {
  version: typeof FINE_RESULT_VERSION;
  /** one per requested model, in request order */
  models: FineModelResult[];
  /** ids of the done models, best first */
  reranked: string[];
  skipped: { path: string; reason: string }[];
  cancelled: boolean;
  /** indices into FineRequest.images of the images that ran (feature-row order) */
  used: number[];
  /** what the user should know about the data: small classes left out, sampling */
  notes: string[];
  /** the probe protocol that was run */
  protocol: { probe: string; lambda: number; folds: number; repeats: number; seed: number; halvingRounds: number };
  seconds: number;
}

export interface FineProgress {
  stage: 'loading' | 'features' | 'scores' | 'probe';
  /** 1-based model index (0 while the images are decoded) */
  model: number;
  models: number;
  done: number;
  total: number;
  /** items per second in this stage (images for loading/features) */
  rate: number;
  /** rough seconds left for the whole run (NaN when unknown) */
  etaSeconds: number;
}

/** Set by the client, not the caller: runtime location, threads, limits. */
export interface FineRunOptions {
  ortWasmBase: string;
  threads: number;
  limits: DecodeLimits;
  /** bytes of decoded pixels and preprocessed tensors kept in memory between models */
  cacheBytes: number;
  /** the page's base URL: tfjs models and tfjs's WASM are fetched against it (the worker's own location is its script) */
  pageBase: string;
}

export interface FineWorkerApi {
  run(req: FineRequest, opts: FineRunOptions, onProgress?: (p: FineProgress) => void): Promise<FineResult>;
  cancel(): void;
}
