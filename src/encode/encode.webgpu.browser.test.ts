// Run with a software WebGPU adapter (SwiftShader; see the 'webgpu' group of the test config).
import { expect } from 'chai';
import { startEncoder } from './client/encoder-client.ts';

describe('encoder with a WebGPU adapter present', () => {
  it('uses WebGPU only when it agrees with WASM, and says why otherwise', async () => {
    const adapter = await (navigator as Navigator & { gpu?: GPU }).gpu?.requestAdapter();
    expect(adapter, 'SwiftShader WebGPU adapter').to.not.equal(null);
    for (const id of ['mobilenetv2-12-int8', 'shufflenet-v2-12-qdq']) {
      const enc = await startEncoder({ encoderId: id, prefer: 'webgpu', useCache: false });
      try {
        const b = enc.backend;
        if (b.backend === 'webgpu') {
          expect(b.reason).to.match(/checked against WASM \(cosine 0\.99\d\d|checked against WASM \(cosine 1\.0000/);
          expect(b.adapter).to.not.equal(undefined);
        } else expect(b.reason).to.match(/WebGPU gave different embeddings from WASM|WebGPU session failed/);
      } finally {
        enc.terminate();
      }
    }
  });
});
