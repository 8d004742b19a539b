// One entry point for all forward-pass scores, used by the worker, the bench and the tests, so
// the page and Node run literally the same sequence of calls.
import type { Features } from './linalg.ts';
import { logme } from './logme.ts';
import { leepFromLogits, nleep } from './leep.ts';
import { argmaxRows, nce } from './nce.ts';
import { hScore, hScoreShrinkage } from './hscore.ts';
import { gbc } from './gbc.ts';
import { gaussian, mulberry32 } from './random.ts';

export const SCORE_NAMES = ['LogME', 'LEEP', 'N-LEEP', 'NCE', 'H-Score', 'H-Score (shrinkage)', 'GBC'] as const;
export type ScoreName = (typeof SCORE_NAMES)[number];

export interface ScoreInput {
  /** N x D row-major penultimate features. */
  features: Float32Array | Float64Array;
  n: number;
  d: number;
  /** Target labels 0..C-1. */
  labels: Int32Array | number[];
  /** N x Z source-model logits; LEEP and NCE need them and are skipped without. */
  sourceLogits?: Float32Array | Float64Array;
  seed?: number;
}

export interface ScoreResult {
  value: number;
  ms: number;
}

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

export function computeScores(
  input: ScoreInput,
  which: readonly ScoreName[] = SCORE_NAMES,
): Partial<Record<ScoreName, ScoreResult>> {
  const f: Features = { data: input.features, n: input.n, d: input.d };
  const y = input.labels;
  const out: Partial<Record<ScoreName, ScoreResult>> = {};
  const run = (name: ScoreName, fn: () => number) => {
    if (!which.includes(name)) return;
    const t0 = now();
    const value = fn();
    out[name] = { value, ms: now() - t0 };
  };
  run('LogME', () => logme(f, y));
  if (input.sourceLogits) {
    const logits = input.sourceLogits;
    run('LEEP', () => leepFromLogits(logits, y));
    run('NCE', () => nce(argmaxRows(logits, input.n), y));
  }
  run('N-LEEP', () => nleep(f, y, { seed: input.seed ?? 0 }));
  run('H-Score', () => hScore(f, y));
  run('H-Score (shrinkage)', () => hScoreShrinkage(f, y));
  run('GBC', () => gbc(f, y, { pcaDim: 64 }));
  return out;
}

/**
 * A seeded synthetic task: C Gaussian classes in D dims (class means on a random low-dimensional
 * subspace, so the features look like a network's: correlated, with a decaying spectrum) and
 * source logits from a noisy linear map. For benches and page/Node agreement tests.
 */
export function syntheticTask(n: number, d: number, classes = 10, seed = 1, z = 20): ScoreInput {
  const rand = mulberry32(seed);
  const g = gaussian(rand);
  const r = Math.min(16, d);
  const basis = Float64Array.from({ length: r * d }, () => g() / Math.sqrt(r));
  const centres = Float64Array.from({ length: classes * r }, () => 0.45 * g());
  const features = new Float32Array(n * d);
  const labels = new Int32Array(n);
  const logits = new Float32Array(n * z);
  const map = Float64Array.from({ length: d * z }, () => g() / Math.sqrt(d));
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    labels[i] = c;
    for (let j = 0; j < d; j++) {
      let s = 0.5 * g() * (1 + (j % 7) / 7);
      for (let k = 0; k < r; k++) s += (centres[c * r + k] + 0.7 * g()) * basis[k * d + j];
      features[i * d + j] = s;
    }
    for (let q = 0; q < z; q++) {
      let s = 0.3 * g();
      for (let j = 0; j < d; j++) s += features[i * d + j] * map[j * z + q];
      logits[i * z + q] = 3 * s;
    }
  }
  return { features, n, d, labels, sourceLogits: logits, seed };
}
