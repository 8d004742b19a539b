// Validation of an ONNX image model a user adds to the zoo: pure (page and Node), built on the
// project's ONNX reader (src/hardware/shared/onnx.ts). Refuses what the page cannot run or read
// (size, damaged bytes, a non-image input, operators onnxruntime-web's WASM build lacks) with
// messages a user can act on; for a model it accepts, finds the tensor to read features from, the
// logits output, the input size and dtype, parameters and MACs.
import { sha256Hex } from '../../encode/shared/model-file.ts';
import { graphCost, readGraph, type GraphCost, type OnnxGraph, type OnnxNode } from '../../hardware/shared/onnx.ts';
import { normDomain, opName, opSupported } from './ops.ts';
import type { InputDtype, OnnxInfo, Validation } from './types.ts';

export const DEFAULT_MAX_BYTES = 250_000_000;
/** the spatial size assumed when the file leaves H/W symbolic */
export const DEFAULT_IMAGE_SIZE = 224;

// TensorProto.DataType
const DTYPES: Record<number, InputDtype> = { 1: 'float32', 10: 'float16', 2: 'uint8' };
const DTYPE_NAMES: Record<number, string> = {
  0: 'undeclared', 1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string',
  9: 'bool', 10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64', 16: 'bfloat16',
};

/** 1234 -> '1.2 kB', 250000000 -> '250.0 MB' (decimal units, as file managers show sizes) */
export const formatBytes = (n: number) =>
  n < 1e3 ? `${n} bytes` : n < 1e6 ? `${(n / 1e3).toFixed(1)} kB` : n < 1e9 ? `${(n / 1e6).toFixed(1)} MB` : `${(n / 1e9).toFixed(2)} GB`;
const shapeStr = (d: number[]) => `[${d.map((x) => (x < 0 ? '?' : String(x))).join(', ')}]`;

/** The refusal of a file over the size limit (also used before a large file is read at all). */
export const sizeError = (name: string, size: number, maxBytes = DEFAULT_MAX_BYTES) =>
  `"${name}" is ${formatBytes(size)}, over the ${formatBytes(maxBytes)} limit for a model added in the page`;

export interface ValidateOptions {
  /** size limit in bytes (default 250 MB) */
  maxBytes?: number;
  /** the file's sha256 when the caller has it (validateOnnx is synchronous and does not hash) */
  sha256?: string;
}

/** Ops whose output is a linear layer applied to their first input: [activation, weight, quant scale, quant zero point] inputs. */
const HEADS: Record<string, { act: number; weight: number; scale?: number; zeroPoint?: number }> = {
  Gemm: { act: 0, weight: 1 },
  MatMul: { act: 0, weight: 1 },
  MatMulInteger: { act: 0, weight: 1 },
  QLinearMatMul: { act: 0, weight: 3, scale: 1, zeroPoint: 2 },
  'com.microsoft.FusedGemm': { act: 0, weight: 1 },
  'com.microsoft.FusedMatMul': { act: 0, weight: 1 },
  'com.microsoft.QGemm': { act: 0, weight: 3, scale: 1, zeroPoint: 2 },
  'com.microsoft.DynamicQuantizeMatMul': { act: 0, weight: 1 },
  'com.microsoft.MatMulIntegerToFloat': { act: 0, weight: 1, scale: 2, zeroPoint: 4 },
  'com.microsoft.MatMulNBits': { act: 0, weight: 1 },
};
const POOLS = new Set(['GlobalAveragePool', 'ReduceMean', 'Flatten', 'com.microsoft.QLinearGlobalAveragePool']);

const key = (n: OnnxNode) => opName(n.op, n.domain);

/**
 * Rank of every tensor the graph lets us know statically (batch included), from the declared
 * inputs/outputs, the initializers and a walk over the ops whose output rank is plain. Unknown: absent.
 */
export function tensorRanks(g: OnnxGraph): Map<string, number> {
  const r = new Map<string, number>();
  for (const i of g.inputs) if (i.dims.length) r.set(i.name, i.dims.length);
  for (const [n, d] of g.initializers) r.set(n, d.length);
  const k = (name: string) => (g.initializers.get(name)?.[0]); // length of a 1-D constant (axes, shape)
  for (const n of g.nodes) {
    const x = r.get(n.inputs[0] ?? '');
    const a = n.attrs;
    let out: number | undefined;
    switch (n.op) {
      case 'Flatten': case 'Gemm': case 'QGemm': case 'FusedGemm': out = 2; break;
      case 'Shape': out = 1; break;
      case 'Constant': out = undefined; break;
      case 'Reshape': out = k(n.inputs[1]); break;
      case 'Squeeze': case 'Unsqueeze': {
        const axes = Array.isArray(a.axes) ? a.axes.length : k(n.inputs[1] ?? '');
        out = x !== undefined && axes !== undefined ? x + (n.op === 'Squeeze' ? -axes : axes) : undefined;
        break;
      }
      case 'MatMul': case 'MatMulInteger': case 'QLinearMatMul': case 'FusedMatMul': case 'MatMulIntegerToFloat': case 'DynamicQuantizeMatMul': case 'MatMulNBits': {
        const w = r.get(n.inputs[n.op === 'QLinearMatMul' ? 3 : 1] ?? '');
        out = x !== undefined && w !== undefined ? Math.max(x, w) : undefined;
        break;
      }
      case 'Gather': {
        const idx = r.get(n.inputs[1] ?? '');
        out = x !== undefined && idx !== undefined ? x - 1 + idx : undefined;
        break;
      }
      default:
        if (n.op.startsWith('Reduce') || n.op === 'ArgMax' || n.op === 'ArgMin') {
          const keep = (a.keepdims as number | undefined) ?? 1;
          const axes = Array.isArray(a.axes) ? a.axes.length : k(n.inputs[1] ?? '');
          out = keep ? x : x !== undefined && axes !== undefined ? x - axes : undefined;
        } else out = x; // elementwise, pooling, conv, normalisation, (de)quantisation keep the rank
    }
    if (out !== undefined) for (const o of n.outputs) r.set(o, out);
  }
  for (const o of g.outputInfo ?? []) if (o.dims.length) r.set(o.name, o.dims.length);
  return r;
}

/** The same graph with quantised ops written as their float counterparts, so graphCost counts their MACs. */
export function floatView(g: OnnxGraph): OnnxGraph {
  const nodes = g.nodes.map((n): OnnxNode => {
    const i = n.inputs;
    switch (n.op) {
      case 'QLinearConv': return { ...n, op: 'Conv', inputs: [i[0], i[3]] };
      case 'ConvInteger': return { ...n, op: 'Conv', inputs: [i[0], i[1]] };
      case 'QLinearMatMul': return { ...n, op: 'MatMul', inputs: [i[0], i[3]] };
      case 'MatMulInteger': return { ...n, op: 'MatMul', inputs: [i[0], i[1]] };
      case 'QGemm': return { ...n, op: 'Gemm', inputs: [i[0], i[3]] };
      case 'FusedConv': return { ...n, op: 'Conv' };
      case 'FusedGemm': return { ...n, op: 'Gemm' };
      case 'FusedMatMul': case 'MatMulIntegerToFloat': case 'DynamicQuantizeMatMul': return { ...n, op: 'MatMul' };
      case 'QLinearGlobalAveragePool': return { ...n, op: 'GlobalAveragePool' };
      case 'QLinearAveragePool': return { ...n, op: 'AveragePool' };
      default: return n;
    }
  });
  return { ...g, nodes };
}

function inputDtype(t: number | undefined): InputDtype | null {
  return t !== undefined ? DTYPES[t] ?? null : null;
}

/**
 * Checks an ONNX file for the open zoo. Synchronous and pure; `info.sha256` is `opts.sha256` or ''
 * (use checkOnnx to have it computed).
 */
export function validateOnnx(bytes: Uint8Array, name: string, opts: ValidateOptions = {}): Validation {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const label = `"${name}"`;
  if (bytes.length === 0) return { ok: false, errors: [`${label} is empty (0 bytes): not a readable ONNX file`] };
  if (bytes.length > maxBytes) return { ok: false, errors: [sizeError(name, bytes.length, maxBytes)] };
  let g: OnnxGraph;
  try {
    g = readGraph(bytes);
  } catch (e) {
    const why = (e as Error).message.replace(/^onnx: /, '');
    return { ok: false, errors: [`${label} is not a readable ONNX file (${why}): the file is damaged, truncated or not ONNX`] };
  }
  if (g.nodes.length === 0 || g.nodes.some((n) => !n.op)) {
    return { ok: false, errors: [`${label} is not a readable ONNX file: no model graph found in it`] };
  }

  const errors: string[] = [];
  const notes: string[] = [];

  // ---- the image input
  let input: OnnxInfo['input'] | null = null;
  if (g.inputs.length !== 1) {
    errors.push(g.inputs.length === 0
      ? `${label} declares no graph input: an image model takes exactly one image tensor`
      : `${label} takes ${g.inputs.length} inputs (${g.inputs.map((i) => `"${i.name}" ${shapeStr(i.dims)}`).join(', ')}): an image model here takes exactly one, the image tensor`);
  } else {
    const x = g.inputs[0];
    const d = x.dims;
    const bad: string[] = [];
    const dtype = inputDtype(x.elemType);
    if (d.length !== 4) bad.push(`it is rank ${d.length} ${shapeStr(d)}, an image input is rank 4 (N, C, H, W)`);
    else {
      const [, c, h, w] = d;
      if (c !== 1 && c !== 3) {
        bad.push((d[3] === 3 || d[3] === 1) && c !== 3
          ? `it looks channels-last ${shapeStr(d)} (NHWC); only NCHW (channels first) is supported`
          : `it has ${c < 0 ? 'a symbolic' : c} channel${c === 1 ? '' : 's'} ${shapeStr(d)}; an image input has 3 (RGB) or 1 (grey) channels in dim 1`);
      }
      if (h > 0 && w > 0 && h !== w) bad.push(`it is ${h}x${w}; the page feeds square crops only`);
    }
    if (!dtype) bad.push(`its element type is ${DTYPE_NAMES[x.elemType ?? 0] ?? `type ${x.elemType}`}; float32, float16 or uint8 is needed`);
    if (bad.length) errors.push(`input "${x.name}" is not an image: ${bad.join('; ')}`);
    else {
      const [n, c, h, w] = d;
      let size = h > 0 ? h : w > 0 ? w : DEFAULT_IMAGE_SIZE;
      if (h <= 0 || w <= 0) {
        if (h <= 0 && w <= 0) size = DEFAULT_IMAGE_SIZE;
        notes.push(`input "${x.name}" has a symbolic height/width ${shapeStr(d)}: the page feeds ${size}x${size}`);
      }
      if (n > 1) notes.push(`input "${x.name}" has a fixed batch of ${n}: every run must feed ${n} images`);
      if (dtype === 'uint8') notes.push(`input "${x.name}" is uint8 (raw 0-255 pixels): it can be ranked and its cost predicted, but the page's preprocessing and measurement feed float tensors`);
      if (dtype === 'float16') notes.push(`input "${x.name}" is float16: its cost is predicted; the latency measurement feeds float32 and cannot run it`);
      if (c === 1) notes.push(`input "${x.name}" has 1 channel (grey): images must be converted to grey before it`);
      input = { name: x.name, shape: d, dtype: dtype!, channels: c as 1 | 3, height: size, width: size, batch: n > 0 ? n : null };
    }
  }

  // ---- operators
  const unsupported = new Map<string, number>();
  const opTypes = new Set<string>();
  for (const n of g.nodes) {
    const k = key(n);
    opTypes.add(k);
    if (!opSupported(n.op, n.domain)) unsupported.set(k, (unsupported.get(k) ?? 0) + 1);
  }
  if (unsupported.size) {
    const list = [...unsupported].map(([op, c]) => `${op} (${c} node${c === 1 ? '' : 's'})`).join(', ');
    const domains = [...new Set(g.nodes.map((n) => normDomain(n.domain)).filter((d) => d && d !== 'com.microsoft'))];
    errors.push(`${label} uses operator${unsupported.size === 1 ? '' : 's'} onnxruntime-web (WASM) cannot run: ${list}` +
      (domains.length ? ` (custom operator domain${domains.length === 1 ? '' : 's'} ${domains.join(', ')})` : '') +
      '; export the model with standard ONNX operators');
  }
  if (errors.length || !input) return { ok: false, errors };

  // ---- features and logits
  const producer = new Map<string, OnnxNode>();
  for (const n of g.nodes) for (const o of n.outputs) producer.set(o, n);
  const ranks = tensorRanks(g);
  const constMemo = new Map<string, boolean>();
  const constLike = (t: string): boolean => {
    if (constMemo.has(t)) return constMemo.get(t)!;
    constMemo.set(t, false);
    const p = producer.get(t);
    const v = g.initializers.has(t) || (!!p && (p.op === 'Constant' ||
      (['DequantizeLinear', 'Transpose', 'Cast', 'Identity', 'Reshape', 'Unsqueeze', 'Squeeze'].includes(p.op) && constLike(p.inputs[0]))));
    constMemo.set(t, v);
    return v;
  };

  let featuresOutput = '', featuresFrom = '';
  let featuresQuantized: OnnxInfo['featuresQuantized'] = null;
  // rule 1: the activation entering the last linear layer (a Gemm/MatMul with a constant weight)
  const head = [...g.nodes].reverse().find((n) => HEADS[key(n)] && constLike(n.inputs[HEADS[key(n)].weight] ?? ''));
  if (head) {
    const h = HEADS[key(head)];
    const act = head.inputs[h.act];
    const rank = ranks.get(act);
    const wDims = g.initializers.get(head.inputs[h.weight]) ?? g.initializers.get(producer.get(head.inputs[h.weight])?.inputs[0] ?? '');
    if (rank === undefined || rank === 2) {
      let t = act;
      const steps: string[] = [];
      for (;;) {
        const p = producer.get(t);
        const q = p?.op === 'DequantizeLinear' ? producer.get(p.inputs[0]) : undefined;
        if (p && q?.op === 'QuantizeLinear') { t = q.inputs[0]; steps.push('before its QuantizeLinear/DequantizeLinear pair'); continue; }
        if (p?.op === 'DynamicQuantizeLinear') { t = p.inputs[0]; steps.push('before its DynamicQuantizeLinear'); continue; }
        break;
      }
      featuresOutput = t;
      if (h.scale !== undefined && t === act) featuresQuantized = { scale: head.inputs[h.scale], zeroPoint: head.inputs[h.zeroPoint!] };
      featuresFrom = `input of the last ${key(head)} (the layer before the head${wDims?.length ? `, weight ${wDims.join('x')}` : ''})` +
        (steps.length ? `, taken ${steps.join(', ')}` : '') + (rank === undefined ? '; its rank is not known statically' : '');
      if (featuresQuantized) notes.push(`the features "${featuresOutput}" are quantised: dequantise with "${featuresQuantized.scale}" and "${featuresQuantized.zeroPoint}"`);
    } else {
      notes.push(`the last ${key(head)} takes a rank-${rank} input, not a 2-d feature vector: looked for global pooling instead`);
    }
  }
  // rule 2: the last global pooling / flatten
  if (!featuresOutput) {
    const pool = [...g.nodes].reverse().find((n) => POOLS.has(key(n)));
    if (pool) {
      featuresOutput = pool.outputs[0];
      featuresFrom = `output of the last ${key(pool)} (${head ? 'the head is not a 2-d linear layer' : 'no Gemm/MatMul head in the graph'})`;
      if (key(pool) === 'com.microsoft.QLinearGlobalAveragePool') {
        featuresQuantized = { scale: pool.inputs[3], zeroPoint: pool.inputs[4] };
        notes.push(`the features "${featuresOutput}" are quantised: dequantise with "${featuresQuantized.scale}" and "${featuresQuantized.zeroPoint}"`);
      }
      const into = producer.get(pool.inputs[0]);
      const conv = into?.op === 'Relu' ? producer.get(into.inputs[0]) : into;
      const w = conv?.op === 'Conv' ? g.initializers.get(conv.inputs[1]) : undefined;
      if (w && w[2] === 1 && w[3] === 1) {
        notes.push(`the pooled tensor "${featuresOutput}" follows a 1x1 convolution to ${w[0]} channels, which looks like a convolutional classifier: these features are pooled class scores, not the penultimate layer ("${conv!.inputs[0]}", unpooled)`);
      }
    }
  }
  // rule 3: the first graph output
  if (!featuresOutput) {
    featuresOutput = g.outputs[0] ?? '';
    featuresFrom = 'first graph output (no Gemm/MatMul head and no global pooling in the graph)';
  }
  const featuresRank = ranks.get(featuresOutput) ?? null;
  if (featuresRank !== null && featuresRank > 2) notes.push(`the features "${featuresOutput}" are rank ${featuresRank}: flatten them to one vector per image`);

  const first = g.outputInfo?.[0] ?? (g.outputs[0] ? { name: g.outputs[0], dims: [] } : undefined);
  let logitsOutput: string | null = null;
  if (first) {
    const r = first.dims.length || ranks.get(first.name);
    if (first.name === featuresOutput) notes.push(`the first output "${first.name}" is the features themselves: no classifier head`);
    else if (r === 2) logitsOutput = first.name;
    else notes.push(`the first output "${first.name}" is ${r ? `rank ${r} ${shapeStr(first.dims)}` : 'of unknown rank'}, not 2-d (N x classes): no logits output recorded`);
  }

  // ---- size and cost
  let params = 0, macs: number | null = null;
  try {
    const c = costOfGraph(g, input);
    params = c.params;
    macs = Number.isFinite(c.totalMacs) && c.totalMacs > 0 ? c.totalMacs : null;
  } catch {
    params = [...g.initializers.values()].reduce((s, d) => s + d.reduce((a, b) => a * b, 1), 0);
  }
  if (macs === null) notes.push('its MACs could not be counted from the graph (the shape walk does not follow some of its operators): its latency can be measured, not predicted');

  return {
    ok: true,
    info: {
      name, sha256: opts.sha256 ?? '', bytes: bytes.length, input,
      featuresOutput, featuresFrom, featuresRank, featuresQuantized, logitsOutput, outputs: g.outputs,
      params, macs, nodes: g.nodes.length, opTypes: [...opTypes].sort(), notes,
    },
  };
}

/** graphCost of an accepted model at the size the page feeds, quantised ops counted as their float ops. */
export function costOfGraph(g: OnnxGraph, input: Pick<OnnxInfo['input'], 'channels' | 'height' | 'width'>): GraphCost {
  return graphCost(floatView(g), [input.channels, input.height, input.width]);
}

/** validateOnnx plus the file's sha256 (crypto.subtle, page and Node); only an accepted file is hashed. */
export async function checkOnnx(bytes: Uint8Array, name: string, opts: Omit<ValidateOptions, 'sha256'> = {}): Promise<Validation> {
  const v = validateOnnx(bytes, name, opts);
  if (v.ok) v.info.sha256 = await sha256Hex(bytes);
  return v;
}
