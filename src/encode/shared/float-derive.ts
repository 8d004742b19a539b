// A float32 encoder derived from an int8 QLinear graph (the ONNX Model Zoo's MobileNetV2 int8) by a
// fixed, deterministic transform: onnxruntime-web's WASM int8 kernels are slow, its float kernels
// 2x faster (docs/encoders.md). Every QLinearConv becomes Conv with dequantized weights and bias
// followed by Clip to the range its uint8 output could hold (the int8 graph has no ReLU6 nodes:
// the activation is that saturation), every QLinearAdd an Add + Clip, the pool a float pool; the
// rounding of activations to the uint8 grid is dropped. So it is a different encoder (cosine ~0.97
// to the int8 embeddings): its own id, its own sha256, its own tokens and ranker.
// The output graph ends at the pooled features (`features`, [N, C]); the classifier is dropped.
import { tag, varint } from '../../shared/protobuf.ts';
import { readGraph, values, INT8, UINT8, FLOAT, type Tensor, type Node } from './onnx-graph.ts';

const enc = new TextEncoder();

// Messages are built as trees of parts and written once into one buffer at the end: the weights
// (8.8 MB) are copied once, not once per nesting level (the page derives this at start-up, on a
// thread shared with the runtime's loading, where fresh memory is slow to touch)
interface Msg { parts: (Uint8Array | Msg)[]; size: number }
type Part = Uint8Array | number[] | Msg;
function cat(parts: Part[]): Msg {
  const ps = parts.map((p) => (Array.isArray(p) ? Uint8Array.from(p) : p));
  return { parts: ps, size: ps.reduce((a, p) => a + (p instanceof Uint8Array ? p.length : p.size), 0) };
}
const sizeOf = (p: Part) => (Array.isArray(p) || p instanceof Uint8Array ? p.length : p.size);
const len = (no: number, body: Part) => cat([tag(no, 2), varint(sizeOf(body)), body]);
const str = (no: number, s: string) => len(no, enc.encode(s));
const int = (no: number, n: number) => [...tag(no, 0), ...varint(n)];
function write(m: Msg, out: Uint8Array, at: number): number {
  for (const p of m.parts) {
    if (p instanceof Uint8Array) {
      out.set(p, at);
      at += p.length;
    } else at = write(p, out, at);
  }
  return at;
}
const flat = (m: Msg) => {
  const out = new Uint8Array(m.size);
  write(m, out, 0);
  return out;
};

function floatTensor(name: string, dims: number[], data: Float32Array): Msg {
  const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return cat([...dims.map((d) => int(1, d)), int(2, FLOAT), str(8, name), len(9, raw)]);
}
function nodeProto(n: Node): Msg {
  return cat([...n.inputs.map((i) => str(1, i)), ...n.outputs.map((o) => str(2, o)), str(3, n.name), str(4, n.op),
    ...n.attrs.map((a) => len(5, a))]);
}
/** ValueInfoProto of a float tensor; string dims are symbolic. */
function valueInfo(name: string, dims: (number | string)[]): Msg {
  const shape = cat(dims.map((d) => len(1, typeof d === 'number' ? int(1, d) : str(2, d))));
  return cat([str(1, name), len(2, len(1, cat([int(1, FLOAT), len(2, shape)])))]);
}

/** An int8 / uint8 tensor's values without a float64 copy (its raw bytes viewed as they are). */
function ints8(t: Tensor): ArrayLike<number> {
  const n = t.dims.reduce((a, x) => a * x, 1);
  if (t.raw && t.raw.length >= n && (t.type === INT8 || t.type === UINT8)) {
    return t.type === INT8 ? new Int8Array(t.raw.buffer, t.raw.byteOffset, n) : t.raw.subarray(0, n);
  }
  return values(t);
}

export interface DeriveResult {
  model: Uint8Array;
  /** name of the pooled-features output ([N, C]) */
  output: string;
  dim: number;
  nodes: number;
}

/** The float32 graph derived from an int8 QLinear classifier, up to its pooled features. */
export function deriveFloatEncoder(int8Model: Uint8Array, opts: { input: string; size: number }): DeriveResult {
  const { init, nodes } = readGraph(int8Model);
  const val = (name: string) => {
    const t = init.get(name);
    if (!t) throw new Error(`onnx: ${name} is not an initializer`);
    return values(t);
  };
  const scalar = (name: string) => val(name)[0];
  // what the uint8 / int8 output of a quantized op can hold, in real units
  const range = (scale: string, zp: string): [number, number] => {
    const s = scalar(scale), z = scalar(zp), t = init.get(zp)!.type;
    const [lo, hi] = t === INT8 ? [-128, 127] : [0, 255];
    return [(lo - z) * s, (hi - z) * s];
  };

  const out: Node[] = [];
  const inits: Msg[] = [];
  const alias = new Map<string, string>(); // quantized tensor -> its float name
  const name = (x: string) => alias.get(x) ?? x;
  // float32 values computed in float64 and rounded once on the store, as the pinned bytes were made
  const addInit = (n: string, dims: number[], data: Float32Array) => {
    inits.push(floatTensor(n, dims, data));
    return n;
  };
  const clip = (n: Node, pre: string, o: string, scale: string, zp: string) => {
    const [lo, hi] = range(scale, zp);
    out.push({ op: 'Clip', name: `${n.name || o}_clip`, inputs: [pre, addInit(`${o}_lo`, [], Float32Array.of(lo)), addInit(`${o}_hi`, [], Float32Array.of(hi))], outputs: [o], attrs: [] });
  };
  let features = '', dim = 0, channels = 0;
  for (const n of nodes) {
    const i = n.inputs, o = n.outputs[0];
    if (n.op === 'QuantizeLinear' && i[0] === opts.input) {
      alias.set(o, opts.input);
    } else if (n.op === 'QLinearConv') {
      // inputs: x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp, bias
      const wt = init.get(i[3])!;
      if (!wt) throw new Error(`onnx: ${i[3]} is not an initializer`);
      const w = ints8(wt), ws = val(i[4]), wz = val(i[5]);
      const cout = wt.dims[0], per = w.length / cout;
      channels = cout;
      const wf = new Float32Array(w.length);
      for (let c = 0; c < cout; c++) {
        const s = ws.length > 1 ? ws[c] : ws[0], z = wz.length > 1 ? wz[c] : wz[0];
        for (let k = 0; k < per; k++) wf[c * per + k] = (w[c * per + k] - z) * s;
      }
      const ins = [name(i[0]), addInit(`${o}_w`, wt.dims, wf)];
      if (i[8]) {
        const b = val(i[8]), xs = scalar(i[1]);
        const bf = new Float32Array(cout);
        for (let c = 0; c < cout; c++) bf[c] = b[c] * xs * (ws.length > 1 ? ws[c] : ws[0]);
        ins.push(addInit(`${o}_b`, [cout], bf));
      }
      out.push({ op: 'Conv', name: n.name || o, inputs: ins, outputs: [`${o}_pre`], attrs: n.attrs });
      clip(n, `${o}_pre`, o, i[6], i[7]);
    } else if (n.op === 'QLinearAdd') {
      // inputs: a, a_scale, a_zp, b, b_scale, b_zp, c_scale, c_zp
      out.push({ op: 'Add', name: n.name || o, inputs: [name(i[0]), name(i[3])], outputs: [`${o}_pre`], attrs: [] });
      clip(n, `${o}_pre`, o, i[6], i[7]);
    } else if (n.op === 'QLinearGlobalAveragePool') {
      const pooled = `${o}_pool`;
      out.push({ op: 'GlobalAveragePool', name: n.name || o, inputs: [name(i[0])], outputs: [pooled], attrs: [] });
      features = 'features';
      // AttributeProto: name=1, i=3, type=20 (INT = 2)
      out.push({ op: 'Flatten', name: 'features_flatten', inputs: [pooled], outputs: [features], attrs: [flat(cat([str(1, 'axis'), int(3, 1), int(20, 2)]))] });
      dim = channels;
      break;
    } else throw new Error(`deriveFloatEncoder: ${n.op} is not handled before the pool`);
  }
  if (!features) throw new Error('deriveFloatEncoder: no QLinearGlobalAveragePool found');
  // GraphProto: node=1, name=2, initializer=5, input=11, output=12
  const graph = cat([
    ...out.map((n) => len(1, nodeProto(n))),
    str(2, 'float32 derived from int8'),
    ...inits.map((t) => len(5, t)),
    len(11, valueInfo(opts.input, ['N', 3, opts.size, opts.size])),
    len(12, valueInfo(features, ['N', dim])),
  ]);
  // ModelProto: ir_version=1, producer_name=2, producer_version=3, graph=7, opset_import=8
  const proto = cat([int(1, 7), str(2, 'zooscout float-derive'), str(3, '1'), len(7, graph), len(8, cat([str(1, ''), int(2, 13)]))]);
  return { model: flat(proto), output: features, dim, nodes: out.length };
}
