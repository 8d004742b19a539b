// In headless Chromium: the scores worker computes the same numbers as Node, and the tfjs probe
// with successive halving runs in the page.
import { expect } from 'chai';
import { createTransferClient } from './client/index.ts';
import { computeScores, syntheticTask } from './shared/index.ts';
import { probeHalving, ensureBackend, TfProbe } from '../probe/tfjs/probe.ts';

// Node, same code: `computeScores(syntheticTask(200, 32, 4, 3))` (src/transfer/shared), printed once.
const NODE = {
  LogME: -0.4257763976417493,
  LEEP: -1.0823523866402942,
  NCE: -1.0552498279646758,
  'N-LEEP': -0.8519550517531954,
  'H-Score': 1.9153146169128816,
  'H-Score (shrinkage)': 1.5165266607048953,
  GBC: -1.9956623653217491,
} as const;

describe('transferability scores in a Web Worker', () => {
  it('gives the Node values, and the same as the main thread', async () => {
    const client = createTransferClient();
    try {
      const task = syntheticTask(200, 32, 4, 3);
      const inWorker = await client.computeScores(task);
      const inPage = computeScores(task);
      const fromSynthetic = await client.scoreSynthetic(200, 32, 4, 3);
      for (const [name, v] of Object.entries(NODE)) {
        const w = inWorker[name as keyof typeof NODE]!.value;
        expect(Math.abs(w - v), `${name}: worker ${w} vs Node ${v}`).to.be.below(1e-9 * Math.max(1, Math.abs(v)));
        expect(inPage[name as keyof typeof NODE]!.value).to.equal(w);
        expect(fromSynthetic[name as keyof typeof NODE]!.value).to.equal(w);
        expect(inWorker[name as keyof typeof NODE]!.ms).to.be.a('number');
      }
    } finally {
      client.terminate();
    }
  });

  it('keeps the main thread responsive while scoring', async () => {
    const client = createTransferClient();
    try {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 10);
      const t0 = performance.now();
      await client.scoreSynthetic(600, 128, 5, 1, ['LogME', 'H-Score']);
      const elapsed = performance.now() - t0;
      clearInterval(timer);
      // If the work ran on the main thread, no interval callback could fire until it ended.
      if (elapsed > 100) expect(ticks).to.be.above(elapsed / 10 / 4);
    } finally {
      client.terminate();
    }
  });
});

describe('tfjs linear probe in the page', () => {
  it('learns a separable task and successive halving picks the informative features', async () => {
    const backend = await ensureBackend();
    expect(['webgpu', 'webgl', 'cpu']).to.include(backend);
    const good = syntheticTask(240, 16, 3, 4);
    // A candidate whose features ignore the class: the same generator with shuffled labels.
    const noise = syntheticTask(240, 16, 3, 99);
    const perm = Array.from({ length: 240 }, (_, i) => (i * 97) % 240);
    const noiseFeat = new Float32Array(240 * 16);
    perm.forEach((src, i) => noiseFeat.set(noise.features.subarray(src * 16, src * 16 + 16), i * 16));
    const probe = new TfProbe(good.features, good.labels, 240, 16, { C: 1 });
    const l0 = await probe.train(1);
    const l1 = await probe.train(60);
    expect(l1).to.be.below(l0);
    const acc = await probe.evaluate(good.features, good.labels, 240);
    expect(acc.accuracy).to.be.above(0.6);
    probe.dispose();
    const res = await probeHalving(
      [
        { id: 'noise', features: noiseFeat, d: 16 },
        { id: 'good', features: good.features, d: 16 },
        { id: 'noise-2', features: noiseFeat.map((v) => v * 2 + 1), d: 16 },
      ],
      good.labels,
      { seed: 1, minEpochs: 10 },
    );
    expect(res.ranking[0]).to.equal('good');
    expect(res.ranking).to.have.length(3);
    expect(res.rounds[0].survivors).to.include('good');
  });
});
