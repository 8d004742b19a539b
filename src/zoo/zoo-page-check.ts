// Zoo models in the page: onnxruntime-web gives the `features` onnxruntime-node gave for the same
// input (reference written by tools/zoo/reference.ts). Used by the WASM and the WebGPU tests.
import { expect } from 'chai';
import * as ort from 'onnxruntime-web';
import type { ZooCatalogue } from './shared/catalogue.ts';
import { syntheticBatch } from './shared/probe-input.ts';
import { cosine } from '../encode/shared/vec.ts';
import { sha256Hex } from '../encode/shared/model-file.ts';

interface Reference {
  models: Record<string, { sha256: string; n: number; features: number[]; logits0: number[] }>;
}

/** Runs the reference models on `ep`; returns the families checked. */
export async function checkZooInPage(ep: 'wasm' | 'webgpu'): Promise<Set<string>> {
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
    const s = await ort.InferenceSession.create(new Uint8Array(bytes), { executionProviders: [ep] });
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
  return families;
}
