// Formats of the open zoo: what validation learns of a user's ONNX model and the stored record. Pure types; docs/open-zoo.md describes them.
export type InputDtype = 'float32' | 'float16' | 'uint8';

export interface OnnxInput {
  name: string;
  /** as declared in the file, -1 where symbolic (N, C, H, W) */
  shape: number[];
  dtype: InputDtype;
  channels: 1 | 3;
  /** the spatial size the page feeds (224 where the file leaves it symbolic) */
  height: number;
  width: number;
  /** fixed batch size, null when symbolic */
  batch: number | null;
}

export interface OnnxInfo {
  /** the name the user gave the model */
  name: string;
  /** hex sha256 of the file ('' when validateOnnx was called without it; checkOnnx fills it) */
  sha256: string;
  /** file size */
  bytes: number;
  input: OnnxInput;
  /** the tensor to read features from (may be internal to the graph, not a graph output) */
  featuresOutput: string;
  /** why that tensor: which rule picked it */
  featuresFrom: string;
  /** rank of the features tensor where the graph tells it, null when it cannot be inferred statically */
  featuresRank: number | null;
  /** set when the features tensor is quantised (uint8/int8): dequantise with these tensors */
  featuresQuantized: { scale: string; zeroPoint: string } | null;
  /** the first graph output when it is 2-d (N x classes) and not the features themselves */
  logitsOutput: string | null;
  /** every graph output, in order */
  outputs: string[];
  /** elements of all initializers */
  params: number;
  /** multiply-accumulates at batch 1 from the graph walk (graphCost), null when it cannot count them */
  macs: number | null;
  nodes: number;
  /** distinct operator types, contrib ops prefixed with their domain (com.microsoft.QLinearAdd) */
  opTypes: string[];
  /** things the user should know that do not refuse the model */
  notes: string[];
}

export type Validation = { ok: true; info: OnnxInfo } | { ok: false; errors: string[] };

export const USER_MODEL_FORMAT_VERSION = 1;

/** What listUserModels gives: the stored record without its bytes (cheap to list). */
export interface UserModelMeta {
  version: typeof USER_MODEL_FORMAT_VERSION;
  /** 'user:' + first 12 hex digits of sha256 */
  id: string;
  name: string;
  sha256: string;
  info: OnnxInfo;
  /** ms since epoch */
  addedAt: number;
}

/** The stored record (IndexedDB `zooscout-user-models`, store `models`, key sha256). */
export interface UserModelRecord extends UserModelMeta {
  bytes: ArrayBuffer;
}

/** The model description the fine stage takes (src/fine/shared/types.ts); toFineModel builds it. */
export type { FineModel } from '../../fine/shared/types.ts';
