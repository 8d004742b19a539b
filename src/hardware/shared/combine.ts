// Combining the task ranking with hardware cost (DESIGN.md "Hardware awareness"; SERP4IoT 2025):
// hard constraints first, then one of
//   * the weighted objective  f(a) * prod_i (HW_i(a) / T_i)^(s_i * w_i), s_i = -1 for costs where
//     lower is better (latency, size, memory) so a larger cost penalises, +1 for throughput;
//   * "Shadow": Copeland aggregation of the task ranking and one ranking per hardware metric;
//   * "Fusion": hardware features fed to the ranker. The ranker does not exist yet: fusionFeatures()
//     is the feature vector it will take; Fusion itself is pending.
import { copeland } from '../../metrics/aggregate.ts';
import { averageRanks } from '../../metrics/ranking.ts';
import type { ModelCost } from './types.ts';

export interface HwFigures {
  latencyMs: number;
  bytes: number;
  memoryBytes: number;
  imagesPerSec: number;
}
export type HwMetric = keyof HwFigures;
export const LOWER_IS_BETTER: Record<HwMetric, boolean> = { latencyMs: true, bytes: true, memoryBytes: true, imagesPerSec: false };

export function hwFigures(c: ModelCost): HwFigures {
  return {
    latencyMs: c.source === 'measured' ? c.warm.p50 : c.warmP50Ms,
    bytes: c.modelBytes,
    memoryBytes: c.peakMemoryBytes,
    imagesPerSec: c.throughput.imagesPerSec,
  };
}

export interface Budgets {
  maxLatencyMs?: number;
  maxBytes?: number;
  maxMemoryBytes?: number;
  minImagesPerSec?: number;
}

/** The budgets a model breaks (empty: feasible). */
export function violations(f: HwFigures, b: Budgets): HwMetric[] {
  const v: HwMetric[] = [];
  if (b.maxLatencyMs !== undefined && f.latencyMs > b.maxLatencyMs) v.push('latencyMs');
  if (b.maxBytes !== undefined && f.bytes > b.maxBytes) v.push('bytes');
  if (b.maxMemoryBytes !== undefined && f.memoryBytes > b.maxMemoryBytes) v.push('memoryBytes');
  if (b.minImagesPerSec !== undefined && f.imagesPerSec < b.minImagesPerSec) v.push('imagesPerSec');
  return v;
}

export interface ObjectiveTerm {
  metric: HwMetric;
  /** T_i: the reference value (e.g. the budget, or the user's "good enough" figure); > 0 */
  target: number;
  /** w_i >= 0: the user's weight; 0 ignores the metric */
  weight: number;
}

/** f(a) * prod_i (HW_i(a)/T_i)^(s_i w_i). f must be > 0 (use positiveScores for raw task scores). */
export function weightedObjective(f: number, hw: HwFigures, terms: ObjectiveTerm[]): number {
  if (!(f > 0)) throw new RangeError(`weighted objective needs a positive task score, got ${f} (use positiveScores)`);
  let s = f;
  for (const t of terms) {
    if (t.weight < 0) throw new RangeError(`weight of ${t.metric} must be >= 0`);
    if (!(t.target > 0) || !(hw[t.metric] > 0)) throw new RangeError(`${t.metric}: value and target must be > 0`);
    if (t.weight === 0) continue;
    const sign = LOWER_IS_BETTER[t.metric] ? -1 : 1;
    s *= Math.pow(hw[t.metric] / t.target, sign * t.weight);
  }
  return s;
}

/** Any task scores (LogME can be negative) to (0, 1] by average rank / n; ties stay ties. */
export function positiveScores(scores: ArrayLike<number>): Float64Array {
  const r = averageRanks(scores); // 1 = smallest
  return Float64Array.from(r, (x) => x / scores.length);
}

/**
 * Shadow: Copeland over the task scores (higher is better) and one voter per hardware metric
 * (costs negated so that higher is better). Returns Copeland points (higher is better).
 */
export function shadowScores(task: ArrayLike<number>, hw: HwFigures[], metrics: HwMetric[]): Float64Array {
  const voters: ArrayLike<number>[] = [task];
  for (const m of metrics) voters.push(hw.map((h) => (LOWER_IS_BETTER[m] ? -h[m] : h[m])));
  return copeland(voters);
}

export interface Candidate {
  id: string;
  taskScore: number;
  hw: HwFigures;
  measured: boolean;
}

export type CombineMethod = 'task' | 'objective' | 'shadow';

export interface CombineOptions {
  method: CombineMethod;
  budgets?: Budgets;
  /** objective: the terms; shadow: the metrics voting (default latency and size) */
  terms?: ObjectiveTerm[];
  shadowMetrics?: HwMetric[];
}

export interface Ranked {
  id: string;
  /** the combined score the order was made from (higher is better) */
  score: number;
  feasible: boolean;
  violations: HwMetric[];
  /** 1-based; tied scores share the best rank of their group */
  rank: number;
  measured: boolean;
}

/**
 * Constraints first, then the chosen combination among the feasible models. Models that break a
 * budget are not dropped: they follow every feasible model, fewest violations first, then by
 * score, so a user whose budgets nothing meets still sees the least bad options.
 */
export function recommend(cands: Candidate[], o: CombineOptions): { ranked: Ranked[]; feasible: number } {
  const v = cands.map((c) => violations(c.hw, o.budgets ?? {}));
  const scoreOf = (idx: number[]): Map<number, number> => {
    const m = new Map<number, number>();
    if (idx.length === 0) return m;
    const task = idx.map((i) => cands[i].taskScore);
    let s: ArrayLike<number>;
    if (o.method === 'task') s = task;
    else if (o.method === 'objective') {
      const f = positiveScores(task);
      s = idx.map((i, k) => weightedObjective(f[k], cands[i].hw, o.terms ?? []));
    } else s = shadowScores(task, idx.map((i) => cands[i].hw), o.shadowMetrics ?? ['latencyMs', 'bytes']);
    idx.forEach((i, k) => m.set(i, s[k]));
    return m;
  };
  const feasibleIdx = cands.map((_, i) => i).filter((i) => v[i].length === 0);
  const infeasibleIdx = cands.map((_, i) => i).filter((i) => v[i].length > 0);
  // scores are computed within each group, so infeasible models never change the feasible order
  const sf = scoreOf(feasibleIdx), si = scoreOf(infeasibleIdx);
  const order = [
    ...feasibleIdx.sort((a, b) => sf.get(b)! - sf.get(a)! || a - b),
    ...infeasibleIdx.sort((a, b) => v[a].length - v[b].length || si.get(b)! - si.get(a)! || a - b),
  ];
  const ranked: Ranked[] = [];
  order.forEach((i, pos) => {
    const feasible = v[i].length === 0;
    const score = feasible ? sf.get(i)! : si.get(i)!;
    const prev = ranked[pos - 1];
    const tied = prev && prev.feasible === feasible && prev.score === score && prev.violations.length === v[i].length;
    ranked.push({ id: cands[i].id, score, feasible, violations: v[i], rank: tied ? prev.rank : pos + 1, measured: cands[i].measured });
  });
  return { ranked, feasible: feasibleIdx.length };
}

/** Indices of the Pareto front of (task score: higher better, cost: lower better). */
export function paretoFront(task: ArrayLike<number>, cost: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < task.length; i++) {
    let dominated = false;
    for (let j = 0; j < task.length && !dominated; j++) {
      if (j === i) continue;
      dominated = task[j] >= task[i] && cost[j] <= cost[i] && (task[j] > task[i] || cost[j] < cost[i]);
    }
    if (!dominated) out.push(i);
  }
  return out;
}

/** The hardware features Fusion will feed the ranker (pending: no ranker yet). Fixed order, log scale. */
export const FUSION_FEATURES = ['log10LatencyMs', 'log10Bytes', 'log10MemoryBytes', 'log10ImagesPerSec', 'log10Macs', 'log10Params', 'measured', 'webgpu'] as const;

export function fusionFeatures(c: ModelCost, model: { macs: number; params: number }): Float32Array {
  const h = hwFigures(c);
  const l = (x: number) => Math.log10(Math.max(x, 1e-9));
  return Float32Array.from([l(h.latencyMs), l(h.bytes), l(h.memoryBytes), l(h.imagesPerSec), l(model.macs), l(model.params), c.source === 'measured' ? 1 : 0, c.backend === 'webgpu' ? 1 : 0]);
}
