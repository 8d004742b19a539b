import { expect } from 'chai';
import * as ort from 'onnxruntime-web';
import type { ZooCatalogue } from './shared/catalogue.ts';
import { syntheticBatch } from './shared/probe-input.ts';

// Zoo models in the page: onnxruntime-web (WASM) gives the `features` onnxruntime-node gave for
// the same input (reference written by tools/zoo/reference.ts). WebGPU: no adapter here, untested.
interface Reference {
  models: Record<string, { sha256: string; n: number; features: number[]; logits0: number[] }>;
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb);
}

async function sha256Hex(buf: ArrayBuffer): Promise<string> {
  const h = new Uint8Array(await crypto.subtle.digest('SHA-256', buf));
  return [...h].map((b) => b.toString(16).padStart(2, '0')).join('');
}

describe('zoo models in the page (onnxruntime-web, WASM)', () => {
  it('verify against the catalogue and give the features onnxruntime-node gave (cosine > 0.999)', async () => {
    ort.env.wasm.wasmPaths = '/ort/';
    ort.env.wasm.numThreads = 1;
    const cat = (await (await fetch('/models/zoo/catalogue.json')).json()) as ZooCatalogue;
    const ref = (await (await fetch('/src/zoo/zoo-reference.json')).json()) as Reference;
    const ids = Object.keys(ref.models);
    expect(ids.length).to.be.greaterThanOrEqual(2);
    const families = new Set<string>();
    for (const id of ids) {
      const m = cat.models.find((x) => x.id === id)!;
      expect(m, id).to.exist;
      expect(ref.models[id].sha256, `${id}: reference is stale, rerun tools/zoo/reference.ts`).to.equal(m.sha256);
      const bytes = await (await fetch(`/models/zoo/${m.file}`)).arrayBuffer();
      expect(await sha256Hex(bytes)).to.equal(m.sha256);
      const s = await ort.InferenceSession.create(new Uint8Array(bytes), { executionProviders: ['wasm'] });
      const S = m.preprocess.crop;
      const n = ref.models[id].n;
      const r = await s.run({ [m.input.name]: new ort.Tensor('float32', syntheticBatch(n, S), [n, 3, S, S]) });
      const f = r[m.outputs.features];
      expect(f.dims).to.deep.equal([n, m.featureDim]);
      expect(r[m.outputs.logits].dims).to.deep.equal([n, m.logitDim]);
      const page = f.data as Float32Array;
      const node = ref.models[id].features;
      for (let i = 0; i < n; i++) {
        const c = cosine(page.subarray(i * m.featureDim, (i + 1) * m.featureDim), node.slice(i * m.featureDim, (i + 1) * m.featureDim));
        expect(c, `${id} row ${i}`).to.be.greaterThan(0.999);
      }
      // rows differ from each other: the check can fail
      expect(cosine(page.subarray(0, m.featureDim), node.slice(m.featureDim, 2 * m.featureDim))).to.be.lessThan(0.9999);
      families.add(m.family);
      await s.release();
    }
    expect(families.size).to.be.greaterThanOrEqual(2);
  });
});
