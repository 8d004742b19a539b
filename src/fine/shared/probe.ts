// The fine stage's probe: the project's ground-truth protocol (GT format v2, docs/zoo.md:
// repeated stratified k-fold over every sampled image, the ridge probe of src/probe/shared/cv.ts
// GT_CV) at the size the user's data allows (k lowered to the smallest class), for the models that
// survive successive halving (src/probe/shared/halving.ts), whose cheap rounds run one repeat of the
// same k-fold. Every accuracy is cross-validated, so no image decides anything but the accuracy it
// is tested in. Pure: runs in the worker and in Node tests alike.
import { successiveHalving, type HalvingArm } from '../../probe/shared/halving.ts';
import { GT_CV, cvProbe, foldsFor, type CvProtocol } from '../../probe/shared/cv.ts';
import type { FineProbe } from './types.ts';

/** The ground-truth protocol, as the GT commands run it (src/zoo/node/gt.ts measures with GT_CV). */
export const FINE_PROBE: CvProtocol = GT_CV;

export interface CheapRound {
  folds: number;
  repeats: number;
}

/** Cheap rounds before the full probe: none for 1-2 models, then one per halving, at most 2. */
export function halvingPlan(k: number): CheapRound[] {
  const rounds = k <= 2 ? 0 : Math.min(2, Math.ceil(Math.log2(k)) - 1);
  const plan: CheapRound[] = [{ folds: 3, repeats: 1 }, { folds: FINE_PROBE.folds, repeats: 1 }];
  return plan.slice(0, rounds);
}

/** Above this estimated work (floating-point operations) for the full probes of all k models, cheap rounds go first. */
export const HALVING_ABOVE_FLOPS = 1e10;

/**
 * Rough work of the full probe of k models on n images: the task kernel (n^2 d / 2) and, per fold of
 * each repeat, a Cholesky of the training kernel (n_tr^3 / 3) and the solve and predictions (n^2 classes).
 */
export function fullProbeFlops(k: number, n: number, d: number, classes: number): number {
  const fits = FINE_PROBE.folds * FINE_PROBE.repeats;
  const nTr = (n * (FINE_PROBE.folds - 1)) / FINE_PROBE.folds;
  return k * ((n * n * d) / 2 + fits * (nTr ** 3 / 3 + 2 * n * nTr * classes));
}

export type HalvingMode = 'auto' | 'always' | 'never';

/** Whether to run cheap rounds: 'auto' only when the full probes of every model would cost real time. */
export function useHalving(mode: HalvingMode, k: number, n: number, meanD: number, classes: number): boolean {
  if (mode === 'auto') return fullProbeFlops(k, n, meanD, classes) > HALVING_ABOVE_FLOPS;
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
 * FineProbe: full ones from cvProbe (the GT protocol); models dropped after a cheap round get
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
  const k = foldsFor(labels, FINE_PROBE.folds);
  if (k < 2) return { probes: new Map(), rounds: 0 }; // the caller says why (a class with < 2 images)
  const protocol: CvProtocol = { ...FINE_PROBE, seed: FINE_PROBE.seed + seed };
  const total = plannedTrainings(arms.length, halving);
  let done = 0;
  const probes = new Map<string, FineProbe>();

  const halvingArms: HalvingArm[] = arms.map((a) => {
    let round = 0;
    let last: FineProbe | null = null;
    return {
      id: a.id,
      async train() {
        if (last?.full) return; // the winner's extra halving rounds: nothing left to train
        const r = round++;
        const cheap = r < plan.length ? plan[r] : null;
        const p = cvProbe(a.features, labels, n, a.d, cheap ? { ...protocol, folds: cheap.folds, repeats: cheap.repeats } : protocol);
        const nTest = Math.round(n / p.folds);
        last = { accuracy: p.accuracy, lambda: protocol.lambda, folds: p.folds, repeats: p.repeats, nTrain: n - nTest, nTest, rounds: r + 1, full: !cheap, cvAccuracy: p.accuracy };
        probes.set(a.id, last);
        done++;
        await onStep?.(Math.min(done, total), total, a.id);
      },
      // cheap rounds: one repeat of the k-fold; the full probe's accuracy ranks above any cheap one
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
