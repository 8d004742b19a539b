// Runs with SwiftShader's software WebGPU adapter (the 'webgpu' test group).
import { expect } from 'chai';
import { checkZooInPage } from './zoo-page-check.ts';

describe('zoo models in the page (onnxruntime-web, WebGPU)', () => {
  it('give the features onnxruntime-node gave (cosine > 0.999) on a WebGPU adapter', async () => {
    expect(await (navigator as Navigator & { gpu?: GPU }).gpu?.requestAdapter(), 'WebGPU adapter').to.not.equal(null);
    const families = await checkZooInPage('webgpu');
    expect(families.size).to.be.greaterThanOrEqual(2);
  });
});
