// The cost model: what a model should cost on this device, from its structure and the backend's
// micro-benchmark. Calibrated on the micro-benchmark only (tiny single-operator graphs), never on
// measured model latencies, so scoring it against the zoo's measured latencies is a fair test.
//
//   latency(B) = runMs + (nodes - 1) * nodeMs + B * (sum_k macs_k / macsPerMs_k + activations * elemMs)
//
// where k runs over dense conv, depthwise conv, pointwise conv and matmul. The structure (nodes,
// MACs by kind, activation elements) comes from the model's own graph when its bytes are at hand
// (graphCost), else from its family's table (below: computed from the zoo's graphs, checked by a
// test), else a generic guess from MACs alone.
import { MAC_KINDS, type GraphCost, type GraphSpec, type MacKind } from './onnx.ts';
import { HARDWARE_FORMAT_VERSION, type HwBackend, type MicroBench, type PredictedCost, type TimingStats } from './types.ts';

// ---------- the micro-benchmark probes ----------

export interface Probe { name: string; kind: MacKind | 'overhead'; macs: number; nodes: number; elems: number; spec: GraphSpec }

function reluChain(name: string, n: number, dims: number[]): Probe {
  const nodes = Array.from({ length: n }, (_, i) => ({ op: 'Relu', inputs: [i === 0 ? 'x' : `t${i - 1}`], outputs: [i === n - 1 ? 'y' : `t${i}`] }));
  const elems = dims.reduce((a, b) => a * b, 1);
  return { name, kind: 'overhead', macs: 0, nodes: n, elems: elems * n, spec: { inputs: [{ name: 'x', dims }], outputs: [{ name: 'y', dims }], initializers: [], nodes } };
}

function conv(name: string, kind: MacKind, cin: number, cout: number, k: number, hw: number, group: number): Probe {
  const pad = (k - 1) / 2;
  return {
    name, kind, nodes: 1, elems: 0,
    macs: cout * (cin / group) * k * k * hw * hw,
    spec: {
      inputs: [{ name: 'x', dims: [1, cin, hw, hw] }], outputs: [{ name: 'y', dims: [1, cout, hw, hw] }],
      initializers: [{ name: 'w', dims: [cout, cin / group, k, k] }, { name: 'b', dims: [cout] }],
      nodes: [{ op: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['y'], attrs: { kernel_shape: [k, k], pads: [pad, pad, pad, pad], strides: [1, 1], group } }],
    },
  };
}

/** The probe graphs, sized like the layers of small image models (a few M MACs each). */
export function microBenchProbes(): Probe[] {
  return [
    reluChain('relu1', 1, [1, 16, 16, 16]),
    reluChain('relu16', 16, [1, 16, 16, 16]),
    reluChain('relu16-big', 16, [1, 32, 32, 32]), // 8x the elements, still about a millisecond
    // compute probes as long as one layer of a small model (well under a millisecond to a few ms):
    // longer probes get preempted on a busy machine far more often than the models they calibrate
    conv('dense3x3', 'dense', 32, 32, 3, 16, 1),
    conv('depthwise3x3', 'depthwise', 128, 128, 3, 16, 128),
    conv('pointwise', 'pointwise', 64, 128, 1, 16, 1),
    {
      name: 'matmul', kind: 'matmul', nodes: 1, elems: 0, macs: 16 * 256 * 256,
      spec: {
        inputs: [{ name: 'x', dims: [16, 256] }], outputs: [{ name: 'y', dims: [16, 256] }],
        initializers: [{ name: 'w', dims: [256, 256] }],
        nodes: [{ op: 'MatMul', inputs: ['x', 'w'], outputs: ['y'] }],
      },
    },
  ];
}

/** Turns the probes' median timings into the calibration constants. */
export function calibrate(backend: HwBackend, threads: number, timings: Record<string, TimingStats>, wallMs = 0): MicroBench {
  const probes = microBenchProbes();
  const t = (n: string) => timings[n].p50;
  const one = probes.find((p) => p.name === 'relu1')!;
  const small = probes.find((p) => p.name === 'relu16')!, big = probes.find((p) => p.name === 'relu16-big')!;
  const elemMs = Math.max(0, (t('relu16-big') - t('relu16')) / (big.elems - small.elems));
  const runMs = Math.max(0, t('relu1') - elemMs * one.elems);
  const nodeMs = Math.max(0, (t('relu16') - runMs - elemMs * small.elems) / 15);
  const macsPerMs = {} as Record<MacKind, number>;
  for (const p of probes) {
    if (p.kind === 'overhead') continue;
    // at least a tenth of the probe's time is compute, so a noisy overhead cannot make it free
    const compute = Math.max(t(p.name) - runMs, 0.1 * t(p.name));
    macsPerMs[p.kind] = p.macs / compute;
  }
  const out: MicroBench['probes'] = {};
  for (const p of probes) out[p.name] = { ...timings[p.name], macs: p.macs };
  return { version: HARDWARE_FORMAT_VERSION, backend, threads, runMs, nodeMs, elemMs, macsPerMs, probes: out, wallMs };
}

// ---------- model structure ----------

/** What the predictor needs to know of a model's structure, per sample. */
export interface Structure {
  nodes: number;
  /** fraction of the model's MACs by kind (sums to 1) */
  macFraction: Record<MacKind, number>;
  /** activation elements produced per MAC (sum over all nodes) */
  activationsPerMac: number;
  /** largest activation tensor per MAC */
  maxActivationPerMac: number;
}

export function structureOf(c: GraphCost): Structure {
  const f = {} as Record<MacKind, number>;
  for (const k of MAC_KINDS) f[k] = c.totalMacs > 0 ? c.macs[k] / c.totalMacs : k === 'dense' ? 1 : 0;
  const m = Math.max(1, c.totalMacs);
  return { nodes: c.nodes, macFraction: f, activationsPerMac: c.sumActivations / m, maxActivationPerMac: c.maxActivation / m };
}

const r4 = (x: number) => Number(x.toPrecision(4));
/**
 * Family tables of the zoo (docs/zoo.md), from graphCost() of each family's `-mnist` model
 * (hardware.test.ts checks them against the files). Structural facts, not latencies.
 */
export const FAMILY_STRUCTURE: Record<string, Structure> = {
  resnet: { nodes: 23, macFraction: { dense: r4(6635520 / 6882240), depthwise: 0, pointwise: r4(245760 / 6882240), matmul: r4(960 / 6882240) }, activationsPerMac: r4(97482 / 6882240), maxActivationPerMac: r4(16384 / 6882240) },
  mobilenetv2: { nodes: 46, macFraction: { dense: r4(110592 / 2459392), depthwise: r4(225792 / 2459392), pointwise: r4(2121728 / 2459392), matmul: r4(1280 / 2459392) }, activationsPerMac: r4(164490 / 2459392), maxActivationPerMac: r4(16384 / 2459392) },
  vgg: { nodes: 14, macFraction: { dense: r4(3981312 / 3982592), depthwise: 0, pointwise: 0, matmul: r4(1280 / 3982592) }, activationsPerMac: r4(68874 / 3982592), maxActivationPerMac: r4(16384 / 3982592) },
  convmixer: { nodes: 118, macFraction: { dense: r4(245760 / 2934560), depthwise: r4(640000 / 2934560), pointwise: r4(2048000 / 2934560), matmul: r4(800 / 2934560) }, activationsPerMac: r4(420043 / 2934560), maxActivationPerMac: r4(5120 / 2934560) },
};

/** For a model of unknown family: all dense conv, a typical small-CNN node count and activation ratio. */
export const GENERIC_STRUCTURE: Structure = {
  nodes: 40, macFraction: { dense: 1, depthwise: 0, pointwise: 0, matmul: 0 }, activationsPerMac: 0.02, maxActivationPerMac: 0.003,
};

export interface ModelDescription {
  id: string;
  family?: string;
  macs: number;
  params: number;
  bytes: number;
  /** its own graph's structure, when known */
  structure?: Structure;
}

export function structureFor(m: ModelDescription): { s: Structure; basis: PredictedCost['basis'] } {
  if (m.structure) return { s: m.structure, basis: 'graph' };
  if (m.family && FAMILY_STRUCTURE[m.family]) return { s: FAMILY_STRUCTURE[m.family], basis: 'family' };
  return { s: GENERIC_STRUCTURE, basis: 'generic' };
}

/** Predicted latency (ms) of one run at batch `batch`. */
export function predictLatencyMs(m: ModelDescription, mb: MicroBench, batch = 1): number {
  const { s } = structureFor(m);
  let perSample = m.macs * s.activationsPerMac * mb.elemMs;
  for (const k of MAC_KINDS) if (s.macFraction[k] > 0) perSample += (m.macs * s.macFraction[k]) / mb.macsPerMs[k];
  return mb.runMs + Math.max(0, s.nodes - 1) * mb.nodeMs + batch * perSample;
}

/**
 * Peak memory estimate (bytes): the file (held while the session is created), fp32 weights, and at
 * `batch` three live copies of the largest activation (its input, its output, one skip branch).
 */
export function peakMemoryEstimate(bytes: number, params: number, maxActivation: number, batch: number): number {
  return bytes + 4 * params + 4 * batch * 3 * maxActivation;
}

export function predictCost(m: ModelDescription, mb: MicroBench, batch = 16): PredictedCost {
  const { s, basis } = structureFor(m);
  const t1 = predictLatencyMs(m, mb, 1);
  const tb = predictLatencyMs(m, mb, batch);
  return {
    version: HARDWARE_FORMAT_VERSION, source: 'predicted', modelId: m.id, backend: mb.backend,
    warmP50Ms: t1,
    throughput: { batch, imagesPerSec: (1000 * batch) / tb },
    modelBytes: m.bytes,
    peakMemoryBytes: peakMemoryEstimate(m.bytes, m.params, m.macs * s.maxActivationPerMac, batch),
    basis,
  };
}

// ---------- the held-out alternative (bench only) ----------

/** Least squares y = a + b x. */
export function fitLine(x: number[], y: number[]): { a: number; b: number } {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n, my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < n; i++) { sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) ** 2; }
  const b = sxx > 0 ? sxy / sxx : 0;
  return { a: my - b * mx, b };
}

/**
 * Leave-one-family-out: for each family, fit log(latency) = a + b log(MACs) on the other families'
 * measured latencies and predict the held-out family's. Returns predictions in input order.
 */
export function leaveOneFamilyOut(items: { family: string; macs: number; measuredMs: number }[]): number[] {
  const fams = [...new Set(items.map((i) => i.family))];
  const out = new Array<number>(items.length).fill(NaN);
  for (const f of fams) {
    const train = items.filter((i) => i.family !== f);
    if (train.length < 2) continue;
    const { a, b } = fitLine(train.map((i) => Math.log(i.macs)), train.map((i) => Math.log(i.measuredMs)));
    items.forEach((i, k) => { if (i.family === f) out[k] = Math.exp(a + b * Math.log(i.macs)); });
  }
  return out;
}

export function relativeErrors(pred: number[], meas: number[]): number[] {
  return pred.map((p, i) => Math.abs(p - meas[i]) / meas[i]);
}
