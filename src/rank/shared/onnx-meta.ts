// Metadata of an ONNX model from its graph and weights (params, MACs, input size, head width): one
// function for the page's token of a dropped or served ONNX file and for bench:rank in Node.
import { graphCost, readGraph } from '../../hardware/shared/onnx.ts';
import type { ModelMeta } from './model-tokens.ts';
import type { OnnxWeights } from './onnx-weights.ts';

export interface OnnxMetaExtra {
  family?: string;
  /** width of the feature node a probe reads, when known (an int8 or conv-only head is not readable as a float matrix) */
  featureDim?: number;
  sourceClasses?: number;
  sourceAccuracy?: number;
}

export function metaFromOnnx(bytes: Uint8Array, w: OnnxWeights, extra: OnnxMetaExtra = {}): ModelMeta {
  const g = readGraph(bytes);
  const cost = graphCost(g);
  const input = g.inputs[0]?.dims ?? [];
  const linear = w.tensors.filter((t) => t.dims.length === 2);
  const head = linear[linear.length - 1];
  return {
    family: extra.family ?? null,
    params: cost.params,
    macs: cost.totalMacs || null,
    inputSize: input.length === 4 && input[2] > 0 ? input[2] : 224,
    featureDim: extra.featureDim ?? (head ? head.dims[1] : 1000),
    sourceClasses: extra.sourceClasses ?? (head ? head.dims[0] : 1000),
    sourceAccuracy: extra.sourceAccuracy ?? null,
    pool: false,
  };
}
