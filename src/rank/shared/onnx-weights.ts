// A tiny ONNX weight reader (no protobuf library): ModelProto.graph (7) -> GraphProto.initializer
// (5) -> TensorProto {dims (1), data_type (2), float_data (4), name (8), raw_data (9)}, plus the
// nodes' op types (GraphProto.node = 1, NodeProto.op_type = 4, input = 1) so layers can be put in
// the order the graph uses them. Float32, float16 and float64 tensors are decoded; others skipped.
import { fields, readVarint } from '../../shared/protobuf.ts';

export interface OnnxTensor {
  name: string;
  dims: number[];
  data: Float32Array;
}

export interface OnnxWeights {
  /** initializers in the order the graph's nodes first use them (then any unused ones) */
  tensors: OnnxTensor[];
  /** op type of the node that first uses each initializer (by name) */
  usedBy: Map<string, string>;
  ops: string[];
}


const dec = new TextDecoder();

function half(h: number): number {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

function readTensor(b: Uint8Array): OnnxTensor | null {
  let name = '', type = 0;
  const dims: number[] = [];
  let raw: Uint8Array | null = null;
  const floats: number[] = [];
  for (const f of fields(b)) {
    if (f.no === 1) {
      if (f.wire === 0) dims.push(f.num!);
      else { const p = { i: 0 }; while (p.i < f.bytes!.length) dims.push(readVarint(f.bytes!, p)); }
    } else if (f.no === 2) type = f.num!;
    else if (f.no === 8) name = dec.decode(f.bytes!);
    else if (f.no === 9) raw = f.bytes!;
    else if (f.no === 4) {
      const v = new DataView(f.bytes!.buffer, f.bytes!.byteOffset, f.bytes!.byteLength);
      if (f.wire === 5) floats.push(v.getFloat32(0, true));
      else for (let i = 0; i + 4 <= f.bytes!.length; i += 4) floats.push(v.getFloat32(i, true));
    }
  }
  const n = dims.reduce((a, x) => a * x, 1);
  let data: Float32Array;
  if (raw) {
    const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    if (type === 1) { data = new Float32Array(n); for (let i = 0; i < n; i++) data[i] = v.getFloat32(4 * i, true); }
    else if (type === 10) { data = new Float32Array(n); for (let i = 0; i < n; i++) data[i] = half(v.getUint16(2 * i, true)); }
    else if (type === 11) { data = new Float32Array(n); for (let i = 0; i < n; i++) data[i] = v.getFloat64(8 * i, true); }
    else return null;
  } else if (type === 1 && floats.length === n) data = Float32Array.from(floats);
  else return null;
  return { name, dims, data };
}

export function readOnnxWeights(model: Uint8Array): OnnxWeights {
  const tensors = new Map<string, OnnxTensor>();
  const order: string[] = [];
  const usedBy = new Map<string, string>();
  const ops: string[] = [];
  for (const f of fields(model)) {
    if (f.no !== 7 || f.wire !== 2) continue;
    for (const g of fields(f.bytes!)) {
      if (g.no === 5 && g.wire === 2) {
        const t = readTensor(g.bytes!);
        if (t) tensors.set(t.name, t);
      } else if (g.no === 1 && g.wire === 2) {
        let op = '';
        const inputs: string[] = [];
        for (const h of fields(g.bytes!)) {
          if (h.no === 4) op = dec.decode(h.bytes!);
          else if (h.no === 1) inputs.push(dec.decode(h.bytes!));
        }
        ops.push(op);
        for (const x of inputs) if (!usedBy.has(x)) { usedBy.set(x, op); order.push(x); }
      }
    }
  }
  const seen = new Set<string>();
  const out: OnnxTensor[] = [];
  for (const n of order) if (tensors.has(n) && !seen.has(n)) { seen.add(n); out.push(tensors.get(n)!); }
  for (const [n, t] of tensors) if (!seen.has(n)) out.push(t);
  return { tensors: out, usedBy, ops };
}
