// A float ONNX convnet (Conv, Clip, Add, GlobalAveragePool, Flatten: what float-derive writes) as a
// list of NHWC steps that tfjs runs: onnxruntime-web's WASM kernels take 31 ms an image on the
// derived MobileNetV2 here, tfjs-backend-wasm's (XNNPACK) 22 ms on one thread (docs/encoders.md).
// The same weights and the same operations, only laid out for tfjs: embeddings equal onnxruntime's
// up to float rounding (tested in the page against Node). Pure: no tfjs import.
import { readGraph, intAttrs, floats32, FLOAT, type Tensor } from './onnx-graph.ts';

export interface ConvStep {
  kind: 'conv';
  x: string;
  out: string;
  /** group = channels: tfjs depthwiseConv2d, filter [kh, kw, C, 1]; else conv2d, filter [kh, kw, Cin, Cout] */
  depthwise: boolean;
  filter: Float32Array;
  filterShape: [number, number, number, number];
  bias: Float32Array | null;
  strides: [number, number];
  /** [top, bottom, left, right] */
  pads: [number, number, number, number];
  clip: [number, number] | null;
}
export interface AddStep { kind: 'add'; a: string; b: string; out: string; clip: [number, number] | null }
export interface PoolStep { kind: 'pool'; x: string; out: string }
export type PlanStep = ConvStep | AddStep | PoolStep;

export interface ConvPlan {
  input: string;
  output: string;
  steps: PlanStep[];
  /** width of the output ([N, dim]) */
  dim: number;
}

/** The steps computing `output` from `input`, or an error naming what tfjs cannot run here. */
export function convPlan(model: Uint8Array, input: string, output: string): ConvPlan {
  const { init, nodes } = readGraph(model);
  const floats = (t: Tensor | undefined, what: string) => {
    if (!t || t.type !== FLOAT) throw new Error(`conv plan: ${what} is not a float32 initializer`);
    return floats32(t);
  };
  const steps: PlanStep[] = [];
  const producer = new Map<string, PlanStep>();
  const alias = new Map<string, string>();
  const name = (x: string) => alias.get(x) ?? x;
  const channels = new Map<string, number>([[input, 3]]);
  for (const n of nodes) {
    const i = n.inputs.map(name), o = n.outputs[0];
    if (n.op === 'Conv') {
      const a = intAttrs(n);
      const wt = init.get(n.inputs[1]);
      const w = floats(wt, `${n.name} weights`);
      const [cout, cinG, kh, kw] = wt!.dims;
      const group = a.get('group')?.[0] ?? 1;
      const cin = channels.get(i[0]);
      if (cin === undefined) throw new Error(`conv plan: ${n.name} reads ${i[0]}, whose width is unknown`);
      if ((a.get('dilations') ?? [1, 1]).some((d) => d !== 1)) throw new Error(`conv plan: ${n.name} is dilated`);
      const depthwise = group > 1;
      if (depthwise && !(group === cin && cout === cin && cinG === 1)) throw new Error(`conv plan: ${n.name} is a grouped conv other than depthwise`);
      if (!depthwise && cinG !== cin) throw new Error(`conv plan: ${n.name} expects ${cinG} channels, gets ${cin}`);
      // ONNX [Cout, Cin/g, kh, kw] -> tfjs [kh, kw, Cin, Cout] (depthwise: [kh, kw, C, 1]); p = y * kw + x
      const filter = new Float32Array(w.length);
      const fi = depthwise ? cout : cinG;
      const fo = depthwise ? 1 : cout;
      const khw = kh * kw;
      for (let co = 0; co < cout; co++) {
        for (let ci = 0; ci < cinG; ci++) {
          const src = (co * cinG + ci) * khw;
          const dst = depthwise ? co : ci * cout + co;
          const step = depthwise ? cout : cinG * cout;
          for (let p = 0; p < khw; p++) filter[dst + p * step] = w[src + p];
        }
      }
      const p = a.get('pads') ?? [0, 0, 0, 0];
      if (a.get('auto_pad')) throw new Error(`conv plan: ${n.name} uses auto_pad`);
      const s = a.get('strides') ?? [1, 1];
      const step: ConvStep = {
        kind: 'conv', x: i[0], out: o, depthwise, filter, filterShape: [kh, kw, fi, fo],
        bias: n.inputs[2] ? floats(init.get(n.inputs[2]), `${n.name} bias`) : null,
        strides: [s[0], s[1]], pads: [p[0], p[2], p[1], p[3]], clip: null,
      };
      steps.push(step);
      producer.set(o, step);
      channels.set(o, cout);
    } else if (n.op === 'Clip') {
      const lo = n.inputs[1] ? floats(init.get(n.inputs[1]), `${n.name} min`)[0] : -Infinity;
      const hi = n.inputs[2] ? floats(init.get(n.inputs[2]), `${n.name} max`)[0] : Infinity;
      const prev = producer.get(i[0]);
      const only = nodes.filter((m) => m.inputs.map(name).includes(i[0])).length === 1;
      if (prev && prev.kind !== 'pool' && !prev.clip && only) {
        // fused into the step that made its input (the unclipped tensor is read by nothing else)
        prev.clip = [lo, hi];
        alias.set(o, prev.out);
      } else throw new Error(`conv plan: ${n.name} clips a tensor that is not a conv or add output read only by it`);
      channels.set(o, channels.get(i[0])!);
    } else if (n.op === 'Add') {
      if (channels.get(i[0]) !== channels.get(i[1])) throw new Error(`conv plan: ${n.name} adds tensors of different widths`);
      const step: AddStep = { kind: 'add', a: i[0], b: i[1], out: o, clip: null };
      steps.push(step);
      producer.set(o, step);
      channels.set(o, channels.get(i[0])!);
    } else if (n.op === 'GlobalAveragePool') {
      const step: PoolStep = { kind: 'pool', x: i[0], out: o };
      steps.push(step);
      producer.set(o, step);
      channels.set(o, channels.get(i[0])!);
    } else if (n.op === 'Flatten' && producer.get(i[0])?.kind === 'pool') {
      alias.set(o, i[0]); // the pool's output is already [N, C]
      channels.set(o, channels.get(i[0])!);
    } else {
      throw new Error(`conv plan: ${n.op} (${n.name}) is not one of Conv, Clip, Add, GlobalAveragePool, Flatten`);
    }
    if (n.outputs.includes(output)) break;
  }
  const out = name(output);
  const dim = channels.get(out);
  if (dim === undefined || producer.get(out)?.kind !== 'pool') throw new Error(`conv plan: ${output} is not a pooled output of the graph`);
  return { input, output: out, steps, dim };
}
