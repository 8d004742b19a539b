// Find, by inspecting a tfjs graph (or layers) model, the internal node that gives a pooled feature
// vector, and record why. Rules in order:
//   embedding-output a rank-2 model output named as an embedding (e.g. mobilefacenet's `embeddings`)
//   global-pool      a global average pool over H,W (Mean over axes 1,2) that does not re-join the
//                    main path (a squeeze-excitation pool does) — as is; when it pools class logits
//                    (its width is an output's width and no weighted op follows), the input of the
//                    conv head before it, averaged over H,W
//   before-dense-head the input of the first fully-connected (MatMul) layer; a flattened map is
//                    replaced by that map averaged over H,W
//   deepest-trunk-map no pooling and no dense head (detectors, pose, segmentation): the lowest-
//                    resolution 4-D map among nodes every output depends on and that still has a
//                    weighted op below it (the backbone's end, before the heads), averaged over H,W
import { tf, type LoadedNpmModel } from '../tfjs/features.ts';
import type { NpmFeatureNode, NpmInputSpec } from '../shared/types.ts';

type Tensor = ReturnType<typeof tf.tensor>;
interface GNode { name: string; op: string; input?: string[]; attr?: Record<string, any> }

const base = (s: string) => s.replace(/^\^/, '').replace(/:\d+$/, '');
const WEIGHTED = new Set(['Conv2D', '_FusedConv2D', 'DepthwiseConv2dNative', 'FusedDepthwiseConv2dNative', 'MatMul', '_FusedMatMul', 'Conv2DBackpropInput']);
const PASS = new Set(['BiasAdd', 'Relu', 'Relu6', 'Elu', 'Prelu', 'LeakyRelu', 'Identity', 'FusedBatchNorm', 'FusedBatchNormV3', 'Add', 'AddV2', 'Mul', 'Sub', 'Maximum', 'Minimum', 'Sigmoid', 'Tanh', 'Reshape', 'Squeeze']);


import { inputShapeFor } from '../shared/shapes.ts';
export { inputShapeFor };

/** shapes of the named nodes at batch 1 (zeros input), executed in chunks; `cache` keeps them between runs */
export const shapeCache: { get?: () => Record<string, number[]> | null; put?: (v: Record<string, number[]>) => void } = {};
function shapesOf(m: LoadedNpmModel, s: NpmInputSpec, names: string[]): Map<string, number[]> {
  const hit = shapeCache.get?.();
  if (hit && names.every((n) => n in hit)) return new Map(Object.entries(hit));
  const out = new Map<string, number[]>();
  const g = m.graph!;
  const x = tf.zeros(inputShapeFor(s), s.dtype);
  for (let i = 0; i < names.length; i += 80) {
    const chunk = names.slice(i, i + 80);
    const ys = g.execute({ [m.inputName]: x }, chunk) as Tensor | Tensor[];
    const arr = Array.isArray(ys) ? ys : [ys];
    chunk.forEach((n, j) => out.set(n, arr[j].shape));
    tf.dispose(arr);
  }
  x.dispose();
  shapeCache.put?.(Object.fromEntries(out));
  return out;
}

export function inspectGraph(m: LoadedNpmModel, topology: { node: GNode[] }, s: NpmInputSpec): { feature: NpmFeatureNode; outputs: { name: string; shape: number[] }[] } {
  const list = topology.node;
  const nodes = new Map(list.map((n) => [n.name, n]));
  const order = new Map(list.map((n, i) => [n.name, i]));
  const consumers = new Map<string, string[]>();
  for (const n of list) for (const i of n.input ?? []) {
    const b = base(i);
    if (!consumers.has(b)) consumers.set(b, []);
    consumers.get(b)!.push(n.name);
  }
  const outNames = m.graph!.outputs.map((o) => base(o.name));
  // every node reachable from `start` along `next` (inputs: ancestors; consumers: descendants)
  const reach = (start: string, next: (k: string) => string[]) => {
    const seen = new Set<string>();
    const stack = [start];
    while (stack.length) {
      const k = stack.pop()!;
      if (seen.has(k)) continue;
      seen.add(k);
      stack.push(...next(k));
    }
    return seen;
  };
  const ancestors = (start: string) => reach(start, (k) => (nodes.get(k)?.input ?? []).map(base));
  const outAnc = outNames.map(ancestors);
  const inAll = (n: string) => outAnc.every((a) => a.has(n));
  const inAny = (n: string) => outAnc.some((a) => a.has(n));
  const descendants = (start: string) => reach(start, (k) => consumers.get(k) ?? []);
  const isConst = (n: string) => nodes.get(n)?.op === 'Const';

  const candidates = list.filter((n) => n.op !== 'Const' && n.op !== 'Placeholder' && inAny(n.name) && !/^(Identity|NoOp)$/.test(n.op) || outNames.includes(n.name)).map((n) => n.name);
  const shapes = shapesOf(m, s, [...new Set([...candidates, ...outNames])]);
  const outputs = outNames.map((n) => ({ name: n, shape: shapes.get(n) ?? [] }));
  const dimOf = (n: string) => (shapes.get(n) ?? []).at(-1) ?? 0;
  const make = (node: string, pooling: NpmFeatureNode['pooling'], rule: NpmFeatureNode['rule'], reason: string): NpmFeatureNode => {
    const shape = shapes.get(node) ?? [];
    return { node, op: nodes.get(node)?.op ?? '?', pooling, shape, dim: pooling === 'mean-hw' && shape.length === 4 ? (s.layout === 'NCHW' ? shape[1] : shape[3]) : shape.slice(1).reduce((a, b) => a * b, 1), rule, reason };
  };

  // rule 2: the model's own embedding output (named so: a rank-2 output that is not a softmax/sigmoid)
  const emb = outputs.filter((o) => o.shape.length === 2 && o.shape[1] >= 64 && /embed/i.test(o.name) && !/Softmax|Sigmoid/.test(nodes.get(o.name)?.op ?? '')).sort((a, b) => b.shape[1] - a.shape[1])[0];
  if (emb) return { feature: make(emb.name, 'as-is', 'embedding-output', `model output ${emb.name} is the model's own ${emb.shape[1]}-d embedding (named so; no softmax/sigmoid)`), outputs };
  // rule 1: global pooling
  // a global pool: Mean / AvgPool / MaxPool taking a 4-D map with H*W > 1 to one value per channel
  // (found from the runtime shapes: the converter keeps reduction axes as weights, not in the topology)
  const pools = list.filter((n) => /^(Mean|AvgPool|MaxPool|Max)$/.test(n.op) && inAny(n.name)).filter((n) => {
    const i = shapes.get(base(n.input![0])) ?? [];
    const o = shapes.get(n.name) ?? [];
    if (i.length !== 4) return false;
    const [h, w, c] = s.layout === 'NCHW' ? [i[2], i[3], i[1]] : [i[1], i[2], i[3]];
    const oc = o.length === 2 ? o[1] : o.length === 4 ? (s.layout === 'NCHW' ? o[1] : o[3]) : -1;
    const o1 = o.length === 2 || (o.length === 4 && (s.layout === 'NCHW' ? o[2] * o[3] : o[1] * o[2]) === 1);
    return h * w > 1 && o1 && oc === c;
  });
  const headPools = pools.filter((p) => {
    const desc = descendants(p.name);
    // re-joins the main path (squeeze-excitation): some descendant takes a non-const input from outside
    for (const d of desc) for (const i of nodes.get(d)?.input ?? []) {
      const b = base(i);
      if (!desc.has(b) && !isConst(b) && !(nodes.get(b)?.op === 'Const')) {
        if (d === p.name) continue;
        return false;
      }
    }
    return true;
  });
  if (headPools.length) {
    const p = headPools.sort((a, b) => order.get(b.name)! - order.get(a.name)!)[0];
    const d = dimOf(p.name) || (shapes.get(p.name) ?? []).slice(1).reduce((a, b) => a * b, 1);
    const desc = descendants(p.name);
    const weightedAfter = [...desc].some((n) => WEIGHTED.has(nodes.get(n)?.op ?? ''));
    const isLogitPool = !weightedAfter && outputs.some((o) => o.shape.at(-1) === d);
    if (!isLogitPool) return { feature: make(p.name, 'as-is', 'global-pool', `global ${p.op} pool over H,W of the last ${shapes.get(base(p.input![0]))?.join('x')} map; no squeeze-excitation re-join; ${weightedAfter ? 'the task head follows it' : 'it is a model output'}`), outputs };
    // walk back to the conv head and take its input
    let k = base(p.input![0]);
    while (nodes.get(k) && !WEIGHTED.has(nodes.get(k)!.op) && PASS.has(nodes.get(k)!.op)) k = base(nodes.get(k)!.input![0]);
    const conv = nodes.get(k);
    if (conv && WEIGHTED.has(conv.op)) {
      const src = base(conv.input![0]);
      return { feature: make(src, 'mean-hw', 'global-pool', `the graph's global pool ${p.name} averages class logits (width ${d} = an output's width, no weighted op after it); features = input of the conv head ${conv.name} (${shapes.get(src)?.join('x')}), averaged over H,W`), outputs };
    }
  }
  // rule 3: before the first dense layer
  const dense = list.filter((n) => (n.op === 'MatMul' || n.op === '_FusedMatMul') && inAny(n.name) && isConst(base(n.input![1])) && (shapes.get(base(n.input![0])) ?? []).length === 2 && (shapes.get(base(n.input![0])) ?? [0, 0])[1] >= 16).sort((a, b) => order.get(a.name)! - order.get(b.name)!)[0];
  if (dense) {
    let src = base(dense.input![0]);
    const srcNode = nodes.get(src);
    if (srcNode && /Reshape|Squeeze/.test(srcNode.op) && (shapes.get(base(srcNode.input![0])) ?? []).length === 4) {
      const map = base(srcNode.input![0]);
      const shp = shapes.get(map)!;
      if (shp[1] * shp[2] > 1) return { feature: make(map, 'mean-hw', 'before-dense-head', `first dense layer ${dense.name} reads a flattened ${shp.join('x')} map (${srcNode.name}); features = that map averaged over H,W`), outputs };
      src = map;
    }
    return { feature: make(src, shapes.get(src)?.length === 4 ? 'mean-hw' : 'as-is', 'before-dense-head', `input of the first dense layer ${dense.name}`), outputs };
  }
  // rule 4: deepest trunk map
  const maps = candidates.filter((n) => inAll(n) && (shapes.get(n) ?? []).length === 4 && !isConst(n));
  const hw = (n: string) => {
    const sh = shapes.get(n)!;
    return s.layout === 'NCHW' ? sh[2] * sh[3] : sh[1] * sh[2];
  };
  const ch = (n: string) => (s.layout === 'NCHW' ? shapes.get(n)![1] : shapes.get(n)![3]);
  // a head's conv has no weighted op after it (only reshapes/concats to the outputs): not trunk
  const weightedBelow = (n: string) => [...descendants(n)].some((d) => d !== n && WEIGHTED.has(nodes.get(d)?.op ?? ''));
  // 1x1 maps here are squeeze-excitation gates (a real global pool was caught by rule 1)
  const usable = maps.filter((n) => ch(n) >= 8 && hw(n) > 1 && weightedBelow(n));
  if (!usable.length) throw new Error('no pooled vector, dense head or 4-D trunk map found');
  const minHw = Math.min(...usable.map(hw));
  const pick = usable.filter((n) => hw(n) === minHw).sort((a, b) => order.get(b)! - order.get(a)!)[0];
  return { feature: make(pick, 'mean-hw', 'deepest-trunk-map', `no global pooling and no dense head; ${pick} (${shapes.get(pick)!.join('x')}) is the last lowest-resolution map that every output (${outNames.length}) depends on: the backbone's end before the heads branch; averaged over H,W`), outputs };
}

/** layers models (nsfwjs): the global pooling layer before the classifier */
export function inspectLayers(m: LoadedNpmModel): { feature: NpmFeatureNode; outputs: { name: string; shape: number[] }[] } {
  const L = m.layers!;
  const layers = L.layers;
  const pools = layers.filter((l) => /GlobalAveragePooling2D|GlobalMaxPooling2D|AveragePooling2D/.test(l.getClassName()));
  const outputs = L.outputs.map((o) => ({ name: o.name, shape: o.shape.map((v) => v ?? 1) as number[] }));
  const p = pools.at(-1);
  if (!p) throw new Error('no pooling layer');
  const inShape = (p.input as { shape: (number | null)[] }).shape;
  const outShape = (p.output as { shape: (number | null)[] }).shape.map((v) => v ?? 1) as number[];
  const global = p.getClassName().startsWith('Global') || (outShape[1] === 1 && outShape[2] === 1);
  if (!global) throw new Error(`last pooling layer ${p.name} is not global`);
  return {
    feature: {
      node: p.name,
      op: p.getClassName(),
      pooling: outShape.length === 4 ? 'mean-hw' : 'as-is',
      shape: outShape,
      dim: outShape.at(-1)!,
      rule: 'global-pool',
      reason: `last pooling layer ${p.name} (${p.getClassName()}) reduces the ${inShape.slice(1).join('x')} map to 1x1 before the classifier layers (${layers.slice(layers.indexOf(p) + 1).map((l) => l.getClassName()).join(' -> ')})`,
    },
    outputs,
  };
}
