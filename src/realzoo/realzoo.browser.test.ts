// The real tfjs backbones in the page: served beside the npm models (npm-models/real@1/, converted
// from the pinned files of ../shared/models/real), loaded, sha256-checked and cached by the npm
// models' page path, and giving the features Node gave on the same images (one backbone per tfjs
// format; reference written by `npm run real-models:page`).
import { expect } from 'chai';
import { ensureCpuOrBest } from '../npmzoo/tfjs/features.ts';
import { syntheticImages } from '../npmzoo/shared/synthetic.ts';
import { clearNpmModelCache, loadNpmModel, npmBuildIndex, npmFeatures } from '../npmzoo/client/npm-models.ts';
import { REAL_TFJS_IDS } from './shared/backbones.ts';

interface Reference { images: number; models: Record<string, { dim: number; features: number[] }> }

const cosine = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) { ab += a[i] * b[i]; aa += a[i] * a[i]; bb += b[i] * b[i]; }
  return ab / Math.sqrt(aa * bb);
};

describe('real tfjs backbones in the page', () => {
  it('are served by this build, pinned by sha256, and give the features Node gave (cosine > 0.9999)', async () => {
    expect(await ensureCpuOrBest('cpu')).to.equal('cpu');
    const index = await npmBuildIndex();
    for (const id of REAL_TFJS_IDS) expect(index.models[id], `${id} served`).to.exist;
    const ref = (await (await fetch('/src/realzoo/real-reference.json')).json()) as Reference;
    const ids = Object.keys(ref.models);
    expect(ids.length).to.equal(2);
    for (const id of ids) {
      await clearNpmModelCache(id);
      const m = await loadNpmModel(id);
      expect(m.source).to.equal('network');
      const { features, dim } = await npmFeatures(id, syntheticImages(ref.images), m);
      m.dispose();
      const r = ref.models[id];
      expect(dim, id).to.equal(r.dim);
      for (let i = 0; i < ref.images; i++) {
        const a = features.subarray(i * dim, (i + 1) * dim);
        expect(cosine(a, r.features.slice(i * dim, (i + 1) * dim)), `${id} image ${i}`).to.be.greaterThan(0.9999);
      }
      // the images differ: the check could fail
      expect(cosine(features.subarray(0, dim), r.features.slice(dim, 2 * dim)), `${id}: images 0 and 1 alike`).to.be.lessThan(0.99999);
      // the second load reads IndexedDB, not the network
      const again = await loadNpmModel(id);
      expect(again.source).to.equal('indexeddb');
      again.dispose();
    }
  });
});
