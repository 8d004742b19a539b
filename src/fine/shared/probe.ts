// The fine stage's probe: the project's ground-truth protocol (docs/zoo.md, src/zoo/node/gt.ts:
// stratified split with test fraction 0.3, C chosen by 2-fold stratified CV on the training split
// only over {0.01, 0.1, 1}, at most 40 L-BFGS iterations) for the models that survive successive
// halving (src/probe/shared/halving.ts), whose cheap rounds use a smaller C grid and fewer
// iterations and score on the training split only, so the test split decides nothing but the
// reported accuracy. Pure: runs in the worker and in Node tests alike.
import { successiveHalving, type HalvingArm } from '../../probe/shared/halving.ts';
import { linearProbe, selectC } from '../../probe/shared/probe.ts';
import { accuracy, fitLogReg } from '../../probe/shared/logreg.ts';
import { stratifiedSplit, take, takeRows } from '../../probe/shared/split.ts';
import type { FineProbe } from './types.ts';

/** The ground-truth probe settings (same values as GT_PROBE and TEST_FRACTION of src/zoo/node/gt.ts). */
export const FINE_PROBE = { testFraction: 0.3, cGrid: [0.01, 0.1, 1], folds: 2, maxIter: 40 } as const;

export interface CheapRound {
  cGrid: number[];
  maxIter: number;
}

/** Cheap rounds before the full probe: none for 1-2 models, then one per halving, at most 2. */
export function halvingPlan(k: number): CheapRound[] {
  const rounds = k <= 2 ? 0 : Math.min(2, Math.ceil(Math.log2(k)) - 1);
  const plan: CheapRound[] = [{ cGrid: [0.1], maxIter: 10 }, { cGrid: [...FINE_PROBE.cGrid], maxIter: 20 }];
  return plan.slice(0, rounds);
}

/** Above this estimated work (floating-point operations) for the full probes of all k models, cheap rounds go first. */
export const HALVING_ABOVE_FLOPS = 1e10;

/**
 * Rough work of the full probe of k models: (folds x grid + 1 refit) L-BFGS fits of maxIter
 * iterations, each a forward and a backward pass over nTrain x d x classes.
 */
export function fullProbeFlops(k: number, nTrain: number, d: number, classes: number): number {
  return k * (FINE_PROBE.folds * FINE_PROBE.cGrid.length + 1) * FINE_PROBE.maxIter * 4 * nTrain * d * classes;
}

export type HalvingMode = 'auto' | 'always' | 'never';

/** Whether to run cheap rounds: 'auto' only when the full probes of every model would cost real time. */
export function useHalving(mode: HalvingMode, k: number, nTrain: number, meanD: number, classes: number): boolean {
  if (mode === 'auto') return fullProbeFlops(k, nTrain, meanD, classes) > HALVING_ABOVE_FLOPS;
  return mode === 'always';
}

/** Number of model trainings the plan runs for k models (for progress): k, ceil(k/2), ... then the full probes. */
export function plannedTrainings(k: number, halving = true): number {
  if (!halving) return k;
  let alive = k, total = 0;
  for (let r = 0; r <= halvingPlan(k).length; r++) {
    total += alive;
    alive = Math.max(1, Math.ceil(alive / 2));
  }
  return total;
}

export interface ProbeArmInput {
  id: string;
  /** row-major [n, d] over the probe's images (labels below) */
  features: Float32Array;
  d: number;
}

export interface ProbeRun {
  probes: Map<string, FineProbe>;
  rounds: number;
}

/**
 * Successive halving over the models (halving = false: the full probe for all), then the full
 * probe for the survivors. Every model gets a
 * FineProbe: full ones from linearProbe (the GT protocol); models dropped after a cheap round get
 * the held-out accuracy of their cheap fit, marked full: false.
 */
export async function probeModels(
  arms: ProbeArmInput[],
  labels: Int32Array,
  seed: number,
  onStep?: (done: number, total: number, id: string) => void | Promise<void>,
  halving = true,
): Promise<ProbeRun> {
  const n = labels.length;
  const plan = halving ? halvingPlan(arms.length) : [];
  const { train, test } = stratifiedSplit(labels, FINE_PROBE.testFraction, seed);
  const yTr = take(labels, train);
  const yTe = take(labels, test);
  let classes = 0;
  for (let i = 0; i < n; i++) classes = Math.max(classes, labels[i] + 1);
  const total = plannedTrainings(arms.length, halving);
  let done = 0;
  const probes = new Map<string, FineProbe>();

  const halvingArms: HalvingArm[] = arms.map((a) => {
    let round = 0;
    let last: FineProbe | null = null;
    let xTr: Float64Array | null = null;
    const trainRows = () => (xTr ??= takeRows(a.features, a.d, train));
    return {
      id: a.id,
      async train() {
        if (last?.full) return; // the winner's extra halving rounds: nothing left to train
        const r = round++;
        if (r < plan.length) {
          const { cGrid, maxIter } = plan[r];
          const xs = trainRows();
          const sel = selectC(xs, yTr, train.length, a.d, { cGrid, folds: FINE_PROBE.folds, maxIter, seed });
          // the held-out accuracy of this cheap fit is what a model dropped here reports
          const m = fitLogReg(xs, yTr, train.length, a.d, { C: sel.C, maxIter, classes });
          last = {
            accuracy: accuracy(m, takeRows(a.features, a.d, test), yTe, test.length), C: sel.C,
            nTrain: train.length, nTest: test.length, rounds: r + 1, full: false, cvAccuracy: Math.max(...sel.cvAccuracy),
          };
        } else {
          const p = linearProbe(a.features, labels, n, a.d, { seed, testFraction: FINE_PROBE.testFraction,
            cGrid: [...FINE_PROBE.cGrid], folds: FINE_PROBE.folds, maxIter: FINE_PROBE.maxIter });
          last = { accuracy: p.accuracy, C: p.C, nTrain: p.train.length, nTest: p.test.length, rounds: r + 1, full: true,
            cvAccuracy: Math.max(...p.cvAccuracy) };
        }
        probes.set(a.id, last);
        done++;
        await onStep?.(Math.min(done, total), total, a.id);
      },
      // cheap rounds compare on the training split only; among fully probed models the held-out
      // accuracy is the measurement the page re-ranks by anyway
      score: () => (last ? (last.full ? 2 + last.accuracy : last.cvAccuracy) : -1),
    };
  });
  if (arms.length > 0) await successiveHalving(halvingArms, { minBudget: 1, eta: 2 });
  return { probes, rounds: plan.length };
}

export interface RerankInput {
  id: string;
  status: 'done' | 'failed' | 'cancelled';
  probe?: FineProbe;
  scores?: { LogME?: number };
}

/**
 * Done models, best first: fully probed models by held-out accuracy, then models dropped by
 * successive halving (later round first, then their cheap accuracy), then done models without a
 * probe (too few classes) by LogME where present; ties keep the order given (the ranker's).
 * Failed and cancelled models are not ranked.
 */
export function rerank(models: readonly RerankInput[]): string[] {
  const key = (m: RerankInput): number[] => {
    const p = m.probe;
    if (!p) return [0, 0, 0, m.scores?.LogME ?? -Infinity];
    return [p.full ? 2 : 1, p.rounds, p.accuracy, p.cvAccuracy];
  };
  return models
    .map((m, i) => ({ m, i, k: key(m) }))
    .filter((x) => x.m.status === 'done')
    .sort((a, b) => {
      for (let j = 0; j < a.k.length; j++) {
        const d = b.k[j] - a.k[j];
        if (d !== 0 && !Number.isNaN(d)) return d;
      }
      return a.i - b.i;
    })
    .map((x) => x.m.id);
}
