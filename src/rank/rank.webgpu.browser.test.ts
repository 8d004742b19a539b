import { expect } from 'chai';
import { loadPageRanker, rankModels, RANKER_CHECK_TOLERANCE, tf } from './client/ranker.ts';

interface Reference { tokens: never[]; scores: { cross: number[][]; self: number[][] } }

// With SwiftShader's WebGPU adapter (the webgpu group): the ranker's default chooser either trusts
// WebGPU (it scored the check input like CPU) and then gives the Node scores within the check's
// tolerance, or refuses it with the reason and falls back to WASM, and nothing later picks it.
describe('ranker in the page with a (software) WebGPU adapter', function () {
  this.timeout(180000);

  it('uses WebGPU only when it scores like CPU, else says why and ranks on WASM', async () => {
    const ref = (await (await fetch('/src/rank/rank-reference.json')).json()) as Reference;
    const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
    expect(gpu, 'this group runs with WebGPU enabled').to.not.equal(undefined);
    expect(await gpu!.requestAdapter(), 'SwiftShader adapter').to.not.equal(null);
    const t0 = performance.now();
    const r = await loadPageRanker();
    const loadMs = performance.now() - t0;
    const { scores } = rankModels(r, ref.tokens[0]);
    const diff = Math.max(...Array.from(scores, (s, j) => Math.abs(s - ref.scores.cross[0][j])));
    console.log(`ranker on a WebGPU adapter: ${r.backend} (load ${loadMs.toFixed(0)} ms); skipped ${JSON.stringify(r.backendChoice.skipped)}; check ${JSON.stringify(r.backendChoice.check)}; max |score - Node| ${diff.toExponential(2)}`);
    if (r.backend === 'webgpu') {
      expect(r.backendChoice.skipped).to.deep.equal([]);
      expect(diff).to.be.below(RANKER_CHECK_TOLERANCE);
    } else {
      expect(r.backend).to.equal('wasm');
      expect(r.backendChoice.skipped.map((s) => s.backend)).to.deep.equal(['webgpu']);
      // an adapter exists, so the refusal comes from initialising or checking it
      expect(r.backendChoice.skipped[0].why).to.match(/webgpu (results differ from the CPU backend|failed the check run|backend failed to initialise)/);
      expect(diff).to.be.below(1e-4);
      // refused once: removed from tfjs (nothing picks it by priority), skipped at once next time
      expect(tf.engine().registryFactory.webgpu).to.equal(undefined);
      const again = await loadPageRanker();
      expect(again.backend).to.equal('wasm');
      expect(again.backendChoice.skipped[0].why).to.equal(r.backendChoice.skipped[0].why);
    }
    await tf.setBackend('cpu');
  });
});
