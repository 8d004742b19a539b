// A minimal ONNX protobuf reader and writer, enough for two jobs: (1) read a model's graph to count
// its nodes and split its MACs by operator kind (dense conv, depthwise conv, pointwise conv, matmul),
// which the cost model uses; (2) write the tiny single-operator graphs of the micro-benchmark.
// No protobuf library: ONNX files are plain protobuf, and only a handful of fields matter here.
import { varint, tag } from '../../shared/protobuf.ts';

// ---------- reading ----------

interface Field { no: number; wire: number; v: bigint | Uint8Array }

function readVarint(b: Uint8Array, p: { i: number }): bigint {
  let r = 0n, s = 0n;
  for (;;) {
    if (p.i >= b.length) throw new Error('onnx: truncated varint');
    const x = b[p.i++];
    r |= BigInt(x & 0x7f) << s;
    if (!(x & 0x80)) return r;
    s += 7n;
  }
}

function* fields(b: Uint8Array): Generator<Field> {
  const p = { i: 0 };
  while (p.i < b.length) {
    const key = Number(readVarint(b, p));
    const no = key >>> 3, wire = key & 7;
    if (wire === 0) yield { no, wire, v: readVarint(b, p) };
    else if (wire === 2) {
      const n = Number(readVarint(b, p));
      if (p.i + n > b.length) throw new Error('onnx: truncated field');
      yield { no, wire, v: b.subarray(p.i, p.i + n) };
      p.i += n;
    } else if (wire === 5) { yield { no, wire, v: b.subarray(p.i, p.i + 4) }; p.i += 4; }
    else if (wire === 1) { yield { no, wire, v: b.subarray(p.i, p.i + 8) }; p.i += 8; }
    else throw new Error(`onnx: unsupported wire type ${wire}`);
  }
}

const dec = new TextDecoder();
const str = (f: Field) => dec.decode(f.v as Uint8Array);
function int64s(f: Field): number[] {
  if (f.wire === 0) return [Number(BigInt.asIntN(64, f.v as bigint))];
  const out: number[] = [];
  const p = { i: 0 };
  const b = f.v as Uint8Array;
  while (p.i < b.length) out.push(Number(BigInt.asIntN(64, readVarint(b, p))));
  return out;
}

export interface OnnxNode {
  op: string; inputs: string[]; outputs: string[]; attrs: Record<string, number | number[]>;
  /** operator domain ('' = ai.onnx; 'com.microsoft' for onnxruntime's contrib ops) */
  domain?: string;
}
/** A graph input or output: dims with -1 where symbolic; elemType is ONNX's TensorProto.DataType (0 unknown). */
export interface OnnxValueInfo { name: string; dims: number[]; elemType?: number }
export interface OnnxGraph {
  nodes: OnnxNode[];
  /** initializer dims by name */
  initializers: Map<string, number[]>;
  /** graph inputs (excluding initializers) with their dims; symbolic dims are -1 */
  inputs: OnnxValueInfo[];
  outputs: string[];
  /** the graph outputs with their dims and element types, in order */
  outputInfo?: OnnxValueInfo[];
}

function readNode(b: Uint8Array): OnnxNode {
  const n: OnnxNode = { op: '', inputs: [], outputs: [], attrs: {} };
  for (const f of fields(b)) {
    if (f.no === 1) n.inputs.push(str(f));
    else if (f.no === 2) n.outputs.push(str(f));
    else if (f.no === 4) n.op = str(f);
    else if (f.no === 7) n.domain = str(f);
    else if (f.no === 5) {
      let name = '';
      let i: number | undefined;
      const ints: number[] = [];
      for (const a of fields(f.v as Uint8Array)) {
        if (a.no === 1) name = str(a);
        else if (a.no === 3) i = int64s(a)[0];
        else if (a.no === 8) ints.push(...int64s(a));
      }
      n.attrs[name] = i ?? ints;
    }
  }
  return n;
}

function readValueInfo(b: Uint8Array): Required<OnnxValueInfo> {
  let name = '';
  let elemType = 0;
  const dims: number[] = [];
  for (const f of fields(b)) {
    if (f.no === 1) name = str(f);
    else if (f.no === 2) {
      for (const t of fields(f.v as Uint8Array)) {
        if (t.no !== 1) continue; // tensor_type
        for (const tt of fields(t.v as Uint8Array)) {
          if (tt.no === 1 && tt.wire === 0) elemType = Number(tt.v);
          if (tt.no !== 2) continue; // shape
          for (const d of fields(tt.v as Uint8Array)) {
            if (d.no !== 1) continue;
            let v = -1;
            for (const dd of fields(d.v as Uint8Array)) if (dd.no === 1) v = int64s(dd)[0];
            dims.push(v);
          }
        }
      }
    }
  }
  return { name, dims, elemType };
}

export function readGraph(model: Uint8Array): OnnxGraph {
  const g: OnnxGraph = { nodes: [], initializers: new Map(), inputs: [], outputs: [], outputInfo: [] };
  const rawInputs: OnnxValueInfo[] = [];
  for (const f of fields(model)) {
    if (f.no !== 7) continue; // ModelProto.graph (repeated occurrences merge)
    for (const gf of fields(f.v as Uint8Array)) {
      if (gf.no === 1) g.nodes.push(readNode(gf.v as Uint8Array));
      else if (gf.no === 5) {
        let name = '';
        const dims: number[] = [];
        for (const t of fields(gf.v as Uint8Array)) {
          if (t.no === 1) dims.push(...int64s(t));
          else if (t.no === 8) name = str(t);
        }
        g.initializers.set(name, dims);
      } else if (gf.no === 11) rawInputs.push(readValueInfo(gf.v as Uint8Array));
      else if (gf.no === 12) {
        const o = readValueInfo(gf.v as Uint8Array);
        g.outputs.push(o.name);
        g.outputInfo!.push(o);
      }
    }
  }
  g.inputs = rawInputs.filter((i) => !g.initializers.has(i.name));
  return g;
}

// ---------- graph cost ----------

export type MacKind = 'dense' | 'depthwise' | 'pointwise' | 'matmul';
export const MAC_KINDS: readonly MacKind[] = ['dense', 'depthwise', 'pointwise', 'matmul'];

export interface GraphCost {
  nodes: number;
  /** MACs at batch 1, by kind */
  macs: Record<MacKind, number>;
  totalMacs: number;
  /** parameters (elements of all initializers) */
  params: number;
  /** the largest activation tensor (elements, batch 1) and the sum over all activations */
  maxActivation: number;
  sumActivations: number;
  ops: Record<string, number>;
}

const prod = (a: number[]) => a.reduce((x, y) => x * y, 1);

/**
 * Walks the graph at batch 1 propagating [C, H, W] (or [D]) shapes for the operators CNNs use
 * (Conv, pools, elementwise, Gemm/MatMul, Flatten/Reshape to 2-D). Unknown operators keep their
 * first input's shape, which is right for elementwise ones.
 */
export function graphCost(g: OnnxGraph, inputDims?: number[]): GraphCost {
  const shape = new Map<string, number[]>();
  for (const i of g.inputs) {
    const d = inputDims ?? i.dims.slice(1);
    shape.set(i.name, d.map((x) => (x < 0 ? 1 : x)));
  }
  for (const [n, d] of g.initializers) shape.set(n, d);
  const macs: Record<MacKind, number> = { dense: 0, depthwise: 0, pointwise: 0, matmul: 0 };
  const ops: Record<string, number> = {};
  let maxAct = 0, sumAct = 0;
  for (const n of g.nodes) {
    ops[n.op] = (ops[n.op] ?? 0) + 1;
    const x = shape.get(n.inputs[0]) ?? [];
    let out: number[] = x;
    const a = n.attrs;
    if (n.op === 'Conv' || n.op === 'MaxPool' || n.op === 'AveragePool') {
      const w = n.op === 'Conv' ? g.initializers.get(n.inputs[1]) ?? shape.get(n.inputs[1]) ?? [] : [];
      const k = (a.kernel_shape as number[] | undefined) ?? w.slice(2);
      const s = (a.strides as number[] | undefined) ?? [1, 1];
      const pd = (a.pads as number[] | undefined) ?? [0, 0, 0, 0];
      const dl = (a.dilations as number[] | undefined) ?? [1, 1];
      const [C, H, W] = x;
      const Ho = Math.floor((H + pd[0] + pd[2] - dl[0] * (k[0] - 1) - 1) / s[0]) + 1;
      const Wo = Math.floor((W + pd[1] + pd[3] - dl[1] * (k[1] - 1) - 1) / s[1]) + 1;
      if (n.op === 'Conv') {
        const group = (a.group as number | undefined) ?? 1;
        const m = w[0] * w[1] * k[0] * k[1] * Ho * Wo;
        const kind: MacKind = group > 1 && group === C ? 'depthwise' : k[0] * k[1] === 1 ? 'pointwise' : 'dense';
        macs[kind] += m;
        out = [w[0], Ho, Wo];
      } else out = [C, Ho, Wo];
    } else if (n.op === 'GlobalAveragePool' || n.op === 'GlobalMaxPool') out = [x[0], 1, 1];
    else if (n.op === 'Flatten') out = [prod(x)];
    else if (n.op === 'Reshape') {
      // shapes here leave the batch out: a 2-element target ([N, -1]) flattens; a longer one keeps the
      // activation's layout (ShuffleNet's channel shuffle: [N,C,H,W] -> [N,g,C/g,H,W] -> transpose ->
      // back to [N,C,H,W]; the MACs that follow need C, H and W, not the shuffled order)
      const target = g.initializers.get(n.inputs[1]);
      out = target && target.length === 1 && target[0] > 2 ? x : [prod(x)];
    } else if (n.op === 'Concat' && n.inputs.length > 1 && x.length > 1) {
      // along one axis of activations (not the 1-d shape tensors of a Shape/Gather chain)
      const axis = (a.axis as number | undefined) ?? 1;
      const ax = axis < 0 ? x.length + 1 + axis - 1 : axis - 1;
      const parts = n.inputs.map((i) => shape.get(i));
      out = parts.every((d) => d && d.length === x.length) ? x.map((v, i) => (i === ax ? parts.reduce((t, d) => t + d![i], 0) : v)) : x;
    } else if (n.op === 'Split' && x.length > 1) {
      const axis = (a.axis as number | undefined) ?? 0;
      const ax = axis < 0 ? x.length + 1 + axis - 1 : axis - 1;
      const split = (a.split as number[] | undefined) ?? n.outputs.map(() => x[ax] / n.outputs.length);
      n.outputs.forEach((o, j) => shape.set(o, x.map((v, i) => (i === ax ? split[j] : v))));
      out = [];
    } else if ((n.op === 'ReduceMean' || n.op === 'ReduceMax') && x.length > 1) {
      const axes = ((a.axes as number[] | undefined) ?? x.map((_, i) => i + 1)).map((v) => (v < 0 ? x.length + 1 + v : v) - 1);
      const keep = (a.keepdims as number | undefined) ?? 1;
      out = keep ? x.map((v, i) => (axes.includes(i) ? 1 : v)) : x.filter((_, i) => !axes.includes(i));
    }
    else if (n.op === 'Gemm' || n.op === 'MatMul') {
      const w = g.initializers.get(n.inputs[1]) ?? shape.get(n.inputs[1]) ?? [];
      const transB = n.op === 'Gemm' && a.transB === 1;
      const [K, M] = transB ? [w[1], w[0]] : [w[0], w[1]];
      const rows = x.length > 1 ? prod(x.slice(0, -1)) : 1;
      macs.matmul += rows * K * M;
      out = x.length > 1 ? [...x.slice(0, -1), M] : [M];
    } else if (n.op === 'Shape' || n.op === 'Constant' || n.op === 'Gather' || n.op === 'Unsqueeze' || n.op === 'Concat') {
      out = [1];
    }
    if (n.op === 'Split' && out.length === 0) continue; // each output's shape is set above
    for (const o of n.outputs) shape.set(o, out);
    const e = prod(out);
    maxAct = Math.max(maxAct, e);
    sumAct += e;
  }
  let params = 0;
  for (const d of g.initializers.values()) params += prod(d);
  const totalMacs = MAC_KINDS.reduce((s, k) => s + macs[k], 0);
  return { nodes: g.nodes.length, macs, totalMacs, params, maxActivation: maxAct, sumActivations: sumAct, ops };
}

// ---------- writing ----------

const enc = new TextEncoder();
type Bytes = ArrayLike<number>;
function cat(parts: Bytes[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
const len = (f: number, body: Bytes) => cat([tag(f, 2), varint(body.length), body]);
const s = (f: number, v: string) => len(f, enc.encode(v));
const i64 = (f: number, v: number) => cat([tag(f, 0), varint(v)]);

export interface NodeSpec { op: string; inputs: string[]; outputs: string[]; attrs?: Record<string, number | number[]> }
export interface GraphSpec {
  inputs: { name: string; dims: number[] }[];
  outputs: { name: string; dims: number[] }[];
  /** float32 initializers, filled with a deterministic pattern */
  initializers: { name: string; dims: number[] }[];
  nodes: NodeSpec[];
  opset?: number;
}

function valueInfo(name: string, dims: number[]): Uint8Array {
  const shape = cat(dims.map((d) => len(1, i64(1, d))));
  const tt = cat([i64(1, 1), len(2, shape)]); // elem_type FLOAT
  return cat([s(1, name), len(2, len(1, tt))]);
}

function attr(name: string, v: number | number[]): Uint8Array {
  return Array.isArray(v)
    ? cat([s(1, name), ...v.map((x) => i64(8, x)), i64(20, 7)]) // INTS
    : cat([s(1, name), i64(3, v), i64(20, 2)]); // INT
}

/** The deterministic fill of writeModel's initializers. */
export function initializerPattern(count: number): Float32Array {
  const f = new Float32Array(count);
  for (let i = 0; i < count; i++) f[i] = (((i * 2654435761) >>> 0) % 1000) / 1000 - 0.5;
  return f;
}

/** Serialises a float32 graph to ONNX bytes (IR 7, default domain opset 13). */
export function writeModel(spec: GraphSpec): Uint8Array {
  const graph: Uint8Array[] = [];
  for (const n of spec.nodes) {
    const body = cat([
      ...n.inputs.map((x) => s(1, x)), ...n.outputs.map((x) => s(2, x)), s(4, n.op),
      ...Object.entries(n.attrs ?? {}).map(([k, v]) => len(5, attr(k, v))),
    ]);
    graph.push(len(1, body));
  }
  graph.push(s(2, 'microbench'));
  for (const t of spec.initializers) {
    const f = initializerPattern(prod(t.dims));
    const body = cat([...t.dims.map((d) => i64(1, d)), i64(2, 1), s(8, t.name), len(9, new Uint8Array(f.buffer))]);
    graph.push(len(5, body));
  }
  for (const x of spec.inputs) graph.push(len(11, valueInfo(x.name, x.dims)));
  for (const x of spec.outputs) graph.push(len(12, valueInfo(x.name, x.dims)));
  return cat([i64(1, 7), s(2, 'zooscout'), len(7, cat(graph)), len(8, cat([s(1, ''), i64(2, spec.opset ?? 13)]))]);
}
