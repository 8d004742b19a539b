import { expect } from 'chai';
import { checkZooInPage } from './zoo-page-check.ts';

describe('zoo models in the page (onnxruntime-web, WASM)', () => {
  it('verify against the catalogue and give the features onnxruntime-node gave (cosine > 0.999)', async () => {
    const families = await checkZooInPage('wasm');
    expect(families.size).to.be.greaterThanOrEqual(2);
  });
});
