// Which tensor of an ONNX graph gives a model's pooled features, and the graph patch that exposes
// it as an extra output when the model does not already have one. Works on the unmodified file:
// the patch is appended as a second ModelProto.graph, which protobuf merges into the first (the
// trick of src/encode/shared/onnx-patch.ts), so every original output stays as it was.
//
// Rule (in this order):
//   1. the 2-d input of the last Gemm / MatMul (or its quantized form: QLinearMatMul, QGemm,
//      MatMulInteger) — the layer before the classifier head; a quantized input is dequantized;
//   2. else the output of the last GlobalAveragePool / ReduceMean / Flatten;
//   3. else the first graph output.
// The chosen tensor is flattened to [N, D] and cast to float32 in the graph.
import type { OnnxGraph, OnnxNode } from '../../hardware/shared/onnx.ts';
import { appendGraph, attrInt, ELEM_FLOAT, floatOutput, lenField, node } from '../../encode/shared/onnx-patch.ts';

export const FEATURES_OUTPUT = 'zooscout_fine_features';

export type FeatureRecipe =
  /** already a graph output: fetched as is */
  | { kind: 'output'; tensor: string }
  /** an inner float tensor: Flatten + Cast */
  | { kind: 'tensor'; tensor: string }
  /** an inner quantized tensor: DequantizeLinear + Flatten + Cast */
  | { kind: 'dequantize'; tensor: string; scale: string; zeroPoint: string };

export interface FeatureChoice {
  recipe: FeatureRecipe;
  /** human-readable: which node and why (goes to FineModelResult.featuresFrom) */
  from: string;
  rule: 'head-input' | 'pool-output' | 'first-output';
}

const HEAD_OPS = new Set(['Gemm', 'MatMul', 'FusedMatMul', 'QLinearMatMul', 'QGemm', 'MatMulInteger', 'DynamicQuantizeMatMul', 'MatMulIntegerToFloat']);
const POOL_OPS = new Set(['GlobalAveragePool', 'ReduceMean', 'Flatten']);
const SAME_RANK = new Set([
  'Conv', 'ConvTranspose', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'BatchNormalization',
  'InstanceNormalization', 'LayerNormalization', 'Relu', 'LeakyRelu', 'PRelu', 'Sigmoid', 'Tanh', 'HardSigmoid',
  'HardSwish', 'Clip', 'Erf', 'Gelu', 'Softmax', 'LogSoftmax', 'Dropout', 'Identity', 'Cast', 'Transpose',
  'QuantizeLinear', 'DequantizeLinear', 'QLinearConv', 'QLinearAdd', 'QLinearMul', 'QLinearGlobalAveragePool',
  'QLinearSigmoid', 'QLinearLeakyRelu', 'DynamicQuantizeLinear', 'LRN', 'Pad', 'Resize', 'Upsample', 'Concat', 'Slice',
]);

/**
 * Ranks of the graph's tensors where they can be known without running it (graph inputs,
 * initializers, and a forward walk over the operators CNN heads use); unknown ranks are absent.
 */
export function tensorRanks(g: OnnxGraph): Map<string, number> {
  const rank = new Map<string, number>();
  for (const i of g.inputs) rank.set(i.name, i.dims.length);
  for (const [n, d] of g.initializers) rank.set(n, d.length);
  for (const n of g.nodes) {
    const r0 = rank.get(n.inputs[0]);
    const known = n.inputs.map((i) => rank.get(i)).filter((r): r is number => r !== undefined);
    const axesLen = Array.isArray(n.attrs.axes) ? (n.attrs.axes as number[]).length : undefined;
    let r: number | undefined;
    switch (n.op) {
      case 'Gemm': case 'QGemm': case 'Flatten': r = 2; break;
      case 'MatMul': case 'QLinearMatMul': case 'MatMulInteger': case 'FusedMatMul': {
        const b = rank.get(n.inputs[n.op === 'QLinearMatMul' ? 3 : 1]);
        r = r0 !== undefined && b !== undefined ? Math.max(r0, b) : undefined;
        break;
      }
      case 'ReduceMean': case 'ReduceSum': case 'ReduceMax': case 'ReduceMin': {
        const keep = n.attrs.keepdims === undefined || n.attrs.keepdims === 1;
        r = keep ? r0 : r0 !== undefined && axesLen !== undefined ? r0 - axesLen : undefined;
        break;
      }
      case 'Squeeze': r = r0 !== undefined && axesLen !== undefined ? r0 - axesLen : undefined; break;
      case 'Unsqueeze': r = r0 !== undefined && axesLen !== undefined ? r0 + axesLen : undefined; break;
      case 'Reshape': {
        const s = g.initializers.get(n.inputs[1]);
        r = s && s.length === 1 ? s[0] : undefined;
        break;
      }
      case 'Shape': r = 1; break;
      case 'Gather': case 'Constant': r = undefined; break;
      default:
        r = SAME_RANK.has(n.op) ? r0 : known.length ? Math.max(...known) : undefined;
    }
    if (r !== undefined) for (const o of n.outputs) rank.set(o, r);
  }
  return rank;
}

function producer(g: OnnxGraph, tensor: string): OnnxNode | undefined {
  for (let i = g.nodes.length - 1; i >= 0; i--) if (g.nodes[i].outputs.includes(tensor)) return g.nodes[i];
  return undefined;
}

/** The head-input rule for one Gemm/MatMul-like node, or null when its input is not usable. */
function headInput(g: OnnxGraph, n: OnnxNode, outputs: Set<string>): FeatureChoice | null {
  const x = n.inputs[0];
  const where = `input of the last ${n.op} (the layer before the head)`;
  if (n.op === 'QLinearMatMul' || n.op === 'QGemm') {
    // QLinearMatMul(a, a_scale, a_zero_point, b, ...): a is uint8/int8
    return { recipe: { kind: 'dequantize', tensor: x, scale: n.inputs[1], zeroPoint: n.inputs[2] }, rule: 'head-input',
      from: `${where}: ${x}, dequantized with ${n.inputs[1]} / ${n.inputs[2]}` };
  }
  if (n.op === 'MatMulInteger') {
    // the float tensor is whatever DynamicQuantizeLinear quantized
    const q = producer(g, x);
    if (q?.op !== 'DynamicQuantizeLinear') return null;
    return { recipe: outputs.has(q.inputs[0]) ? { kind: 'output', tensor: q.inputs[0] } : { kind: 'tensor', tensor: q.inputs[0] },
      rule: 'head-input', from: `${where}: ${q.inputs[0]} (before its dynamic quantization)` };
  }
  return { recipe: outputs.has(x) ? { kind: 'output', tensor: x } : { kind: 'tensor', tensor: x }, rule: 'head-input',
    from: `${where}: ${x}${outputs.has(x) ? ' (already a graph output)' : ''}` };
}

export function chooseFeatureNode(g: OnnxGraph): FeatureChoice {
  const outputs = new Set(g.outputs);
  const rank = tensorRanks(g);
  for (let i = g.nodes.length - 1; i >= 0; i--) {
    const n = g.nodes[i];
    if (!HEAD_OPS.has(n.op)) continue;
    const r = rank.get(n.inputs[0]);
    // only the last one counts: a head whose input is not 2-d (a transformer's token MatMul) means rule 2
    if (r !== undefined && r !== 2) break;
    const c = headInput(g, n, outputs);
    if (c) {
      if (r === undefined) c.from += ' (rank not known statically; taken as 2-d)';
      return c;
    }
    break;
  }
  for (let i = g.nodes.length - 1; i >= 0; i--) {
    const n = g.nodes[i];
    if (!POOL_OPS.has(n.op)) continue;
    const t = n.outputs[0];
    return { recipe: outputs.has(t) ? { kind: 'output', tensor: t } : { kind: 'tensor', tensor: t }, rule: 'pool-output',
      from: `output of the last ${n.op}: ${t} (no Gemm/MatMul head with a 2-d input)` };
  }
  if (g.outputs.length === 0) throw new Error('the graph has no outputs');
  return { recipe: { kind: 'output', tensor: g.outputs[0] }, rule: 'first-output',
    from: `first graph output: ${g.outputs[0]} (no Gemm/MatMul head, no pooling node)` };
}

// ---------- the patch ----------

/** The output name to fetch for a choice, and the model bytes to load (patched when needed). */
export function withFeatureOutput(model: Uint8Array, recipe: FeatureRecipe): { bytes: Uint8Array; output: string } {
  if (recipe.kind === 'output') return { bytes: model, output: recipe.tensor };
  const p = 'zooscout_fine';
  const nodes: number[][] = [];
  let x = recipe.tensor;
  if (recipe.kind === 'dequantize') {
    nodes.push(node('DequantizeLinear', [recipe.tensor, recipe.scale, recipe.zeroPoint], [`${p}_dq`], `${p}_dq_node`));
    x = `${p}_dq`;
  }
  nodes.push(node('Flatten', [x], [`${p}_flat`], `${p}_flatten`, [attrInt('axis', 1)]));
  nodes.push(node('Cast', [`${p}_flat`], [FEATURES_OUTPUT], `${p}_cast`, [attrInt('to', ELEM_FLOAT)]));
  // GraphProto: node=1, output=12; the feature width stays symbolic
  const graph = [...nodes.flatMap((n) => lenField(1, n)), ...lenField(12, floatOutput(FEATURES_OUTPUT, 'D'))];
  return { bytes: appendGraph(model, graph), output: FEATURES_OUTPUT };
}
