// tfjs model files -> the weight list the ranker's ArchToVec reads (src/rank/shared/model-tokens.ts
// archFeatures takes readOnnxWeights output), and the multiply-accumulates of one forward pass.
// Pure (no tfjs import): the token command in Node and the tests use it.
//
// What archFeatures expects, and how a tfjs model is made to look like it:
//   * tensors: the conv / linear weight tensors in the order the graph first uses them, in ONNX
//     layout — Conv [out, in/groups, kh, kw], depthwise [C*mult, 1, kh, kw], ConvTranspose
//     [in, out, kh, kw], Gemm [out, in] (what PyTorch's export of the zoo writes). tfjs keeps
//     conv filters as [kh, kw, in, out] and dense kernels as [in, out]: transposed here, values
//     included (archFeatures samples values by index).
//   * usedBy: the ONNX op type of the first user ('Conv', 'ConvTranspose', 'Gemm').
//   * only weights that are the filter / kernel operand of a conv or matmul: the zoo's ONNX files
//     have batch norm folded into the convs, so their rank>=2 initializers are exactly those.
//     tfjs graph models come with batch norm already fused (_FusedConv2D); in layers models
//     (nsfwjs) a BatchNormalization layer right after a conv is folded into its kernel here
//     (w * gamma / sqrt(var + eps) per output channel), as the ONNX export would.
import type { OnnxTensor, OnnxWeights } from '../../rank/shared/onnx-weights.ts';

export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: 'uint8' | 'uint16' | 'float16'; min?: number; scale?: number };
}

export interface DecodedWeight { name: string; shape: number[]; dtype: string; data: Float32Array | Int32Array | Uint8Array }

function float16ToFloat32(h: number): number {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/** The weight bytes of a tfjs model (shards concatenated in manifest order) decoded per spec, as tf.io.decodeWeights does (affine uint8/uint16, float16). */
export function decodeTfjsWeights(specs: TfjsWeightSpec[], bytes: Uint8Array): Map<string, DecodedWeight> {
  const out = new Map<string, DecodedWeight>();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = 0;
  for (const s of specs) {
    const n = s.shape.reduce((a, x) => a * x, 1);
    const q = s.quantization;
    let data: Float32Array | Int32Array | Uint8Array;
    if (q) {
      const w = q.dtype === 'uint8' ? 1 : 2;
      const f = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const v = q.dtype === 'uint8' ? view.getUint8(o + i) : view.getUint16(o + 2 * i, true);
        f[i] = q.dtype === 'float16' ? float16ToFloat32(v) : v * (q.scale ?? 1) + (q.min ?? 0);
      }
      data = s.dtype === 'int32' ? Int32Array.from(f, Math.round) : f;
      o += n * w;
    } else if (s.dtype === 'float32') {
      data = new Float32Array(n);
      for (let i = 0; i < n; i++) data[i] = view.getFloat32(o + 4 * i, true);
      o += 4 * n;
    } else if (s.dtype === 'int32') {
      data = new Int32Array(n);
      for (let i = 0; i < n; i++) data[i] = view.getInt32(o + 4 * i, true);
      o += 4 * n;
    } else if (s.dtype === 'bool') {
      data = bytes.slice(o, o + n);
      o += n;
    } else throw new Error(`weight ${s.name}: dtype ${s.dtype} not supported`);
    out.set(s.name, { name: s.name, shape: s.shape, dtype: s.dtype, data });
  }
  if (o !== bytes.byteLength) throw new Error(`weights: specs describe ${o} bytes, files hold ${bytes.byteLength}`);
  return out;
}

/** [d0, d1, ..., dk] row-major -> permuted by `perm` (out dim i = in dim perm[i]) */
export function permute(data: ArrayLike<number>, dims: number[], perm: number[]): { data: Float32Array; dims: number[] } {
  const nd = dims.length;
  const od = perm.map((p) => dims[p]);
  const inStride = new Array(nd).fill(1);
  for (let i = nd - 2; i >= 0; i--) inStride[i] = inStride[i + 1] * dims[i + 1];
  const n = data.length;
  const out = new Float32Array(n);
  const idx = new Array(nd).fill(0);
  const strideOut = perm.map((p) => inStride[p]);
  for (let k = 0; k < n; k++) {
    let src = 0;
    for (let i = 0; i < nd; i++) src += idx[i] * strideOut[i];
    out[k] = data[src];
    for (let i = nd - 1; i >= 0; i--) {
      if (++idx[i] < od[i]) break;
      idx[i] = 0;
    }
  }
  return { data: out, dims: od };
}

export type WeightKind = 'conv' | 'depthwise' | 'convTranspose' | 'dense';

/** one tfjs kernel in tfjs layout -> ONNX layout and op type */
export function toOnnxLayout(name: string, kind: WeightKind, shape: number[], data: ArrayLike<number>, transposeB = false): OnnxTensor & { op: string } {
  if (kind === 'dense') {
    // [in, out] -> Gemm [out, in]; a matmul with transpose_b already holds [out, in]
    if (shape.length !== 2) return { name, dims: shape, data: Float32Array.from(data), op: 'Gemm' };
    const t = transposeB ? { data: Float32Array.from(data), dims: shape } : permute(data, shape, [1, 0]);
    return { name, ...t, op: 'Gemm' };
  }
  if (shape.length !== 4) return { name, dims: shape, data: Float32Array.from(data), op: 'Conv' };
  const [kh, kw, a, b] = shape;
  if (kind === 'depthwise') {
    // [kh, kw, C, mult] -> [C*mult, 1, kh, kw] (output channel c*mult + m)
    const t = permute(data, shape, [2, 3, 0, 1]);
    return { name, data: t.data, dims: [a * b, 1, kh, kw], op: 'Conv' };
  }
  if (kind === 'convTranspose') {
    // [kh, kw, out, in] -> ConvTranspose [in, out, kh, kw]
    const t = permute(data, shape, [3, 2, 0, 1]);
    return { name, ...t, op: 'ConvTranspose' };
  }
  // [kh, kw, in, out] -> [out, in, kh, kw]
  const t = permute(data, shape, [3, 2, 0, 1]);
  return { name, ...t, op: 'Conv' };
}

// ---------------- graph models ----------------

export interface TfjsGraphNode { name: string; op: string; input?: string[]; attr?: Record<string, { b?: boolean; list?: { i?: string[] } }> }

const base = (s: string) => s.replace(/^\^/, '').replace(/:\d+$/, '');
const CONV = new Set(['Conv2D', '_FusedConv2D']);
const DEPTHWISE = new Set(['DepthwiseConv2dNative', 'FusedDepthwiseConv2dNative']);
const MATMUL = new Set(['MatMul', '_FusedMatMul', 'BatchMatMul', 'BatchMatMulV2']);
const TRANSPOSED = 'Conv2DBackpropInput';

/** A weighted op of a graph model: which input is its constant kernel. */
export interface WeightedOp { node: string; op: string; kind: WeightKind; weight: string; /** the data input (for MACs of a transposed conv) */ value: string; transposeB: boolean }

/** Compute nodes in topological order (Kahn from the node list, ties kept in file order). */
export function topoOrder(nodes: TfjsGraphNode[]): TfjsGraphNode[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const indeg = new Map<string, number>();
  const users = new Map<string, string[]>();
  for (const n of nodes) {
    const ins = [...new Set((n.input ?? []).map(base))].filter((i) => byName.has(i));
    indeg.set(n.name, ins.length);
    for (const i of ins) (users.get(i) ?? users.set(i, []).get(i)!).push(n.name);
  }
  const pos = new Map(nodes.map((n, i) => [n.name, i]));
  const ready = nodes.filter((n) => indeg.get(n.name) === 0).map((n) => n.name);
  const out: TfjsGraphNode[] = [];
  while (ready.length) {
    // smallest file position first
    let k = 0;
    for (let i = 1; i < ready.length; i++) if (pos.get(ready[i])! < pos.get(ready[k])!) k = i;
    const name = ready.splice(k, 1)[0];
    out.push(byName.get(name)!);
    for (const u of users.get(name) ?? []) {
      const d = indeg.get(u)! - 1;
      indeg.set(u, d);
      if (d === 0) ready.push(u);
    }
  }
  // control-flow cycles (NextIteration): whatever is left, in file order
  if (out.length < nodes.length) {
    const seen = new Set(out.map((n) => n.name));
    for (const n of nodes) if (!seen.has(n.name)) out.push(n);
  }
  return out;
}

/** The conv / depthwise / transposed-conv / matmul ops whose kernel is a stored weight, in topological order. */
export function graphWeightedOps(nodes: TfjsGraphNode[], weightNames: Set<string>): WeightedOp[] {
  const out: WeightedOp[] = [];
  for (const n of topoOrder(nodes)) {
    const ins = (n.input ?? []).map(base);
    let kind: WeightKind | null = null, w = '', v = ins[0] ?? '';
    let transposeB = false;
    if (CONV.has(n.op)) { kind = 'conv'; w = ins[1]; }
    else if (DEPTHWISE.has(n.op)) { kind = 'depthwise'; w = ins[1]; }
    else if (n.op === TRANSPOSED) { kind = 'convTranspose'; w = ins[1]; v = ins[2]; }
    else if (MATMUL.has(n.op)) {
      kind = 'dense';
      // the constant operand (usually b); a constant a with a variable b is written as b^T a^T
      if (weightNames.has(ins[1])) { w = ins[1]; transposeB = !!(n.attr?.transpose_b?.b || n.attr?.adj_y?.b); }
      else if (weightNames.has(ins[0])) { w = ins[0]; v = ins[1]; transposeB = !(n.attr?.transpose_a?.b || n.attr?.adj_x?.b); }
    }
    if (kind && w && weightNames.has(w)) out.push({ node: n.name, op: n.op, kind, weight: w, value: v, transposeB });
  }
  return out;
}

/**
 * Multiply-accumulates of one batch-1 forward pass over the weighted ops (convs + matmuls, as the
 * zoo's catalogue counts them), from the kernels' shapes and the runtime output shapes.
 * null when a weighted op's output shape is unknown.
 */
export function graphMacs(ops: WeightedOp[], weightShape: (name: string) => number[], shape: (node: string) => number[] | undefined): number | null {
  let macs = 0;
  const numel = (s: number[]) => s.reduce((a, x) => a * Math.max(1, x), 1);
  for (const o of ops) {
    const w = weightShape(o.weight);
    if (o.kind === 'convTranspose') {
      const v = shape(o.value);
      if (!v) return null;
      macs += numel(v) * w[0] * w[1] * w[2]; // every input element meets kh*kw*out weights
      continue;
    }
    const y = shape(o.node);
    if (!y) return null;
    if (o.kind === 'conv') macs += numel(y) * w[0] * w[1] * w[2];
    else if (o.kind === 'depthwise') macs += numel(y) * w[0] * w[1];
    else macs += numel(y) * (o.transposeB ? w[w.length - 1] : w[w.length - 2]);
  }
  return macs;
}

/** ArchToVec input of a tfjs graph model: its kernels in ONNX layout, in the order the graph uses them. */
export function graphArchWeights(nodes: TfjsGraphNode[], weights: Map<string, DecodedWeight>): OnnxWeights {
  const floatW = new Set([...weights.values()].filter((w) => w.dtype === 'float32').map((w) => w.name));
  const ops = graphWeightedOps(nodes, floatW);
  const tensors: OnnxTensor[] = [];
  const usedBy = new Map<string, string>();
  const seen = new Set<string>();
  for (const o of ops) {
    if (seen.has(o.weight)) continue;
    seen.add(o.weight);
    const w = weights.get(o.weight)!;
    const t = toOnnxLayout(o.weight, o.kind, w.shape, w.data as Float32Array, o.transposeB);
    if (t.dims.length < 2 || t.data.length < 4) continue;
    tensors.push({ name: t.name, dims: t.dims, data: t.data });
    usedBy.set(t.name, t.op);
  }
  return { tensors, usedBy, ops: ops.map((o) => o.op) };
}

// ---------------- layers models (Keras) ----------------

export interface KerasLayer { class_name: string; name?: string; config: Record<string, unknown> & { name: string }; inbound_nodes?: unknown[] }

const inboundOf = (l: KerasLayer): string[] => {
  const out: string[] = [];
  const walk = (x: unknown) => {
    if (Array.isArray(x)) {
      if (typeof x[0] === 'string' && typeof x[1] === 'number') out.push(x[0]);
      else x.forEach(walk);
    } else if (x && typeof x === 'object' && 'args' in (x as object)) {
      // Keras 3 format: { args: [{ config: { keras_history: [name, i, j] } }] }
      const s = JSON.stringify(x);
      for (const m of s.matchAll(/"keras_history":\["([^"]+)"/g)) out.push(m[1]);
    }
  };
  walk(l.inbound_nodes ?? []);
  return out;
};

/** the Keras layers of a layers model's topology (functional Model or Sequential) */
export function kerasLayers(topology: unknown): KerasLayer[] {
  const t = topology as { model_config?: { config?: { layers?: KerasLayer[] } | KerasLayer[] } };
  const c = t.model_config?.config;
  return (Array.isArray(c) ? c : c?.layers) ?? [];
}

/** ArchToVec input of a Keras layers model: Conv2D / DepthwiseConv2D / SeparableConv2D / Dense kernels in layer order, batch norm folded. */
export function layersArchWeights(layers: KerasLayer[], weights: Map<string, DecodedWeight>): OnnxWeights {
  const byLayer = (layer: string, w: string) => weights.get(`${layer}/${w}`);
  const bnAfter = new Map<string, KerasLayer>();
  for (const l of layers) if (l.class_name === 'BatchNormalization') {
    const ins = inboundOf(l);
    if (ins.length === 1) bnAfter.set(ins[0], l);
  }
  const tensors: OnnxTensor[] = [];
  const usedBy = new Map<string, string>();
  const ops: string[] = [];
  const push = (name: string, kind: WeightKind, w: DecodedWeight, fold: Float32Array | null) => {
    const t = toOnnxLayout(name, kind, w.shape, w.data as Float32Array);
    if (fold) {
      // per output channel (ONNX dim 0)
      const per = t.data.length / t.dims[0];
      for (let c = 0; c < t.dims[0]; c++) for (let i = 0; i < per; i++) t.data[c * per + i] *= fold[c];
    }
    if (t.dims.length < 2 || t.data.length < 4) return;
    tensors.push({ name, dims: t.dims, data: t.data });
    usedBy.set(name, t.op);
    ops.push(t.op);
  };
  const foldOf = (l: KerasLayer, channels: number): Float32Array | null => {
    const bn = bnAfter.get(l.config.name);
    if (!bn) return null;
    const n = bn.config.name;
    const v = byLayer(n, 'moving_variance');
    if (!v || v.data.length !== channels) return null;
    const g = byLayer(n, 'gamma');
    const eps = Number(bn.config.epsilon ?? 1e-3);
    const f = new Float32Array(channels);
    for (let c = 0; c < channels; c++) f[c] = (g ? g.data[c] : 1) / Math.sqrt(v.data[c] + eps);
    return f;
  };
  for (const l of layers) {
    const n = l.config.name;
    if (l.class_name === 'Conv2D') {
      const k = byLayer(n, 'kernel');
      if (k) push(k.name, 'conv', k, foldOf(l, k.shape[3]));
    } else if (l.class_name === 'DepthwiseConv2D') {
      const k = byLayer(n, 'depthwise_kernel');
      if (k) push(k.name, 'depthwise', k, foldOf(l, k.shape[2] * k.shape[3]));
    } else if (l.class_name === 'SeparableConv2D') {
      const d = byLayer(n, 'depthwise_kernel'), p = byLayer(n, 'pointwise_kernel');
      if (d) push(d.name, 'depthwise', d, null);
      if (p) push(p.name, 'conv', p, foldOf(l, p.shape[3]));
    } else if (l.class_name === 'Conv2DTranspose') {
      const k = byLayer(n, 'kernel');
      if (k) push(k.name, 'convTranspose', k, null);
    } else if (l.class_name === 'Dense') {
      const k = byLayer(n, 'kernel');
      if (k) push(k.name, 'dense', k, foldOf(l, k.shape[1]));
    }
  }
  return { tensors, usedBy, ops };
}

/** MACs of a Keras layers model from its layers' kernel shapes and output shapes (batch 1). */
export function layersMacs(layers: { className: string; kernel: number[] | null; pointwise?: number[] | null; outputShape: (number | null)[] }[]): number {
  let macs = 0;
  for (const l of layers) {
    if (!l.kernel) continue;
    const out = l.outputShape.slice(1).reduce<number>((a, x) => a * (x ?? 1), 1);
    const k = l.kernel;
    if (l.className === 'Conv2D') macs += out * k[0] * k[1] * k[2];
    else if (l.className === 'DepthwiseConv2D') macs += out * k[0] * k[1];
    else if (l.className === 'SeparableConv2D' && l.pointwise) {
      const hw = out / l.pointwise[3];
      macs += hw * k[2] * k[3] * k[0] * k[1] + out * l.pointwise[2];
    } else if (l.className === 'Dense') macs += out * k[0];
  }
  return macs;
}
