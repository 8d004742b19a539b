// Page side of `npm run bench:metrics`: scores a seeded synthetic task inside a Web Worker and
// returns { name: { value, ms } } (ms measured in the worker, around each score).
import { createTransferClient } from './index.ts';

export async function timeScoresInWorker(n: number, d: number, classes: number, seed: number) {
  const client = createTransferClient();
  try {
    return await client.scoreSynthetic(n, d, classes, seed);
  } finally {
    client.terminate();
  }
}
