// Web Worker that computes the transferability scores off the main thread (a 10k x 2048 LogME
// takes tens of seconds of float64 maths; the page must stay responsive). Exposed with Comlink.
import * as Comlink from 'comlink';
import { computeScores, syntheticTask, type ScoreInput, type ScoreName } from '../shared/index.ts';

const api = {
  computeScores(input: ScoreInput, which?: ScoreName[]) {
    return computeScores(input, which);
  },
  /** Builds the seeded synthetic task inside the worker and scores it (for timing in the page). */
  scoreSynthetic(n: number, d: number, classes: number, seed: number, which?: ScoreName[]) {
    return computeScores(syntheticTask(n, d, classes, seed), which);
  },
};

export type TransferWorkerApi = typeof api;

Comlink.expose(api);
