// Reading an ONNX graph's nodes, initializers and attributes (the float-derive transform and the
// tfjs plan of a float graph read the same way), on the project's protobuf reader.
import { fields, readVarint, type Field } from '../../shared/protobuf.ts';

export interface Tensor { name: string; dims: number[]; type: number; raw: Uint8Array | null; ints: number[]; floats: number[] }
export interface Node { op: string; name: string; inputs: string[]; outputs: string[]; attrs: Uint8Array[] }

const dec = new TextDecoder();
const packed = (f: Field, out: number[]) => {
  if (f.wire === 0) out.push(f.num!);
  else { const p = { i: 0 }; while (p.i < f.bytes!.length) out.push(readVarint(f.bytes!, p)); }
};

function readTensor(b: Uint8Array): Tensor {
  const t: Tensor = { name: '', dims: [], type: 0, raw: null, ints: [], floats: [] };
  for (const f of fields(b)) {
    if (f.no === 1) packed(f, t.dims);
    else if (f.no === 2) t.type = f.num!;
    else if (f.no === 5) packed(f, t.ints);
    else if (f.no === 8) t.name = dec.decode(f.bytes!);
    else if (f.no === 9) t.raw = f.bytes!;
    else if (f.no === 4) {
      const v = new DataView(f.bytes!.buffer, f.bytes!.byteOffset, f.bytes!.byteLength);
      for (let i = 0; i + 4 <= f.bytes!.length; i += 4) t.floats.push(v.getFloat32(i, true));
    }
  }
  return t;
}

// TensorProto data types
export const FLOAT = 1, UINT8 = 2, INT8 = 3, INT32 = 6;

/** A tensor's values as float64 (uint8, int8, int32, float32). */
export function values(t: Tensor): Float64Array {
  const n = t.dims.reduce((a, x) => a * x, 1);
  const out = new Float64Array(n);
  if (t.raw && t.raw.length >= n * (t.type === FLOAT || t.type === INT32 ? 4 : 1) && (t.type === FLOAT || t.type === UINT8 || t.type === INT8)) {
    // typed views over a copy (raw may sit at any byte offset): the weights of a whole encoder are read at start-up
    const c = t.raw.slice(0, n * (t.type === FLOAT ? 4 : 1)).buffer;
    out.set(t.type === FLOAT ? new Float32Array(c) : t.type === UINT8 ? new Uint8Array(c) : new Int8Array(c));
  } else if (t.raw) {
    const v = new DataView(t.raw.buffer, t.raw.byteOffset, t.raw.byteLength);
    for (let i = 0; i < n; i++) {
      out[i] = t.type === UINT8 ? v.getUint8(i) : t.type === INT8 ? v.getInt8(i) : t.type === INT32 ? v.getInt32(4 * i, true)
        : t.type === FLOAT ? v.getFloat32(4 * i, true) : NaN;
    }
  } else if (t.type === FLOAT) out.set(t.floats.slice(0, n));
  else for (let i = 0; i < n; i++) out[i] = t.type === INT8 ? ((t.ints[i] << 24) >> 24) : t.ints[i];
  for (let i = 0; i < n; i++) if (out[i] !== out[i]) throw new Error(`onnx: tensor ${t.name} of type ${t.type} cannot be read`); // NaN
  return out;
}

/** A float32 tensor's values as float32: no float64 copy of a whole encoder's weights at start-up. */
export function floats32(t: Tensor): Float32Array {
  const n = t.dims.reduce((a, x) => a * x, 1);
  if (t.type === FLOAT && t.raw && t.raw.length >= 4 * n) {
    const out = new Float32Array(t.raw.slice(0, 4 * n).buffer); // a copy: raw may sit at any byte offset
    for (let i = 0; i < n; i++) if (out[i] !== out[i]) throw new Error(`onnx: tensor ${t.name} of type ${t.type} cannot be read`);
    return out;
  }
  return new Float32Array(values(t));
}

/** The main graph's initializers (by name) and nodes (in file order, which ONNX requires to be topological). */
export function readGraph(model: Uint8Array): { init: Map<string, Tensor>; nodes: Node[] } {
  const init = new Map<string, Tensor>();
  const nodes: Node[] = [];
  for (const f of fields(model)) {
    if (f.no !== 7 || f.wire !== 2) continue;
    for (const g of fields(f.bytes!)) {
      if (g.no === 5 && g.wire === 2) {
        const t = readTensor(g.bytes!);
        init.set(t.name, t);
      } else if (g.no === 1 && g.wire === 2) {
        const n: Node = { op: '', name: '', inputs: [], outputs: [], attrs: [] };
        for (const h of fields(g.bytes!)) {
          if (h.no === 1) n.inputs.push(dec.decode(h.bytes!));
          else if (h.no === 2) n.outputs.push(dec.decode(h.bytes!));
          else if (h.no === 3) n.name = dec.decode(h.bytes!);
          else if (h.no === 4) n.op = dec.decode(h.bytes!);
          else if (h.no === 5) n.attrs.push(h.bytes!);
        }
        nodes.push(n);
      }
    }
  }
  return { init, nodes };
}

/** A node's int and ints attributes by name (AttributeProto: name 1, i 3, ints 8). */
export function intAttrs(n: Node): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const a of n.attrs) {
    let name = '';
    const vals: number[] = [];
    for (const f of fields(a)) {
      if (f.no === 1) name = dec.decode(f.bytes!);
      else if (f.no === 3 && f.wire === 0) vals.push(f.num!);
      else if (f.no === 8) packed(f, vals);
    }
    out.set(name, vals);
  }
  return out;
}
