import { expect } from 'chai';
import { executeServerCommand } from '@web/test-runner-commands';
import { startEncoder } from './client/encoder-client.ts';
import { cosine } from './shared/vec.ts';
import { datasetFiles, sharedFile, SHARED_FS } from '../../test/helpers/fixtures.ts';

describe('encoder in the page (onnxruntime-web in a worker)', () => {
  it('gives the same embeddings as onnxruntime-node for the same files (cosine > 0.999)', async () => {
    const list = (await datasetFiles('pets')).filter((_, i) => i % 37 === 0).slice(0, 8);
    const items = await Promise.all(list.map(async (f) => ({ path: f.file, file: await sharedFile(`datasets/pets/${f.file}`) })));
    const enc = await startEncoder({ encoderId: 'mobilenetv2-12-int8', prefer: 'auto', useCache: false });
    try {
      const res = await enc.encode(items);
      expect(res.skipped).to.have.length(0);
      expect(res.indices).to.deep.equal(items.map((_, i) => i));
      const node = (await executeServerCommand('node-embed', {
        encoderId: 'mobilenetv2-12-int8',
        paths: list.map((f) => `${SHARED_FS}/datasets/pets/${f.file}`),
      })) as number[][];
      const cos = node.map((v, i) => cosine(v, res.embeddings.subarray(i * res.dim, (i + 1) * res.dim)));
      expect(Math.min(...cos)).to.be.greaterThan(0.999);
      // different images must not agree that well: the check can fail
      expect(cosine(node[0], res.embeddings.subarray(res.dim, 2 * res.dim))).to.be.lessThan(0.99);
    } finally {
      enc.terminate();
    }
  });

  it('says which backend ran and why (no GPU here: WASM fallback)', async () => {
    const enc = await startEncoder({ encoderId: 'mobilenetv2-12-int8', prefer: 'webgpu', useCache: false });
    try {
      const hasAdapter = Boolean(await (navigator as Navigator & { gpu?: GPU }).gpu?.requestAdapter());
      if (hasAdapter) expect(enc.backend.backend).to.be.oneOf(['webgpu', 'wasm']);
      else {
        expect(enc.backend.backend).to.equal('wasm');
        expect(enc.backend.reason).to.match(/WebGPU/);
        expect(enc.backend.reason).to.match(/fell back to WASM/);
      }
      expect(enc.backend.reason.length).to.be.greaterThan(5);
    } finally {
      enc.terminate();
    }
  });
});
