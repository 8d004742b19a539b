// Main-thread wrapper around the scores worker.
import * as Comlink from 'comlink';
import type { TransferWorkerApi } from '../worker/transfer.worker.ts';
import type { ScoreInput, ScoreName, ScoreResult } from '../shared/scores.ts';

export type Scores = Partial<Record<ScoreName, ScoreResult>>;

export interface TransferClient {
  computeScores(input: ScoreInput, which?: ScoreName[], opts?: { transfer?: boolean }): Promise<Scores>;
  scoreSynthetic(n: number, d: number, classes: number, seed: number, which?: ScoreName[]): Promise<Scores>;
  terminate(): void;
}

export function createTransferClient(): TransferClient {
  const worker = new Worker(new URL('../worker/transfer.worker.ts', import.meta.url), { type: 'module' });
  const api = Comlink.wrap<TransferWorkerApi>(worker);
  return {
    computeScores(input, which, opts) {
      // Transferring the feature buffer avoids a copy of up to 80 MB but detaches it here.
      const payload = opts?.transfer ? Comlink.transfer(input, [input.features.buffer as ArrayBuffer]) : input;
      return api.computeScores(payload, which);
    },
    scoreSynthetic: (n, d, classes, seed, which) => api.scoreSynthetic(n, d, classes, seed, which),
    terminate() {
      api[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
