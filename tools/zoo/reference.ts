// Node reference for the zoo browser test: features (onnxruntime-node) of a few zoo models on a
// deterministic synthetic batch, written to src/zoo/zoo-reference.json (committed). Rerun after
// retraining: `node --import tsx tools/zoo/reference.ts`.
import { writeFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { ZOO_DIR, loadCatalogue } from '../../src/zoo/node/catalogue.ts';
import { REFERENCE_MODELS, syntheticBatch } from '../../src/zoo/shared/probe-input.ts';
import { join } from 'node:path';

const cat = loadCatalogue();
const N = 2;
const out: Record<string, { sha256: string; n: number; features: number[]; logits0: number[] }> = {};
for (const id of REFERENCE_MODELS) {
  const m = cat.models.find((x) => x.id === id);
  if (!m) {
    console.log(`skip ${id}: not in the catalogue`);
    continue;
  }
  const S = m.preprocess.crop;
  const s = await ort.InferenceSession.create(join(ZOO_DIR, m.file), { intraOpNumThreads: 1 });
  const r = await s.run({ input: new ort.Tensor('float32', syntheticBatch(N, S), [N, 3, S, S]) });
  out[id] = {
    sha256: m.sha256,
    n: N,
    features: [...(r.features.data as Float32Array)].map((v) => Number(v.toPrecision(7))),
    logits0: [...(r.logits.data as Float32Array).subarray(0, 5)].map((v) => Number(v.toPrecision(7))),
  };
}
writeFileSync('src/zoo/zoo-reference.json', JSON.stringify({ seed: 1234, models: out }) + '\n');
console.log(`wrote src/zoo/zoo-reference.json (${Object.keys(out).join(', ')})`);
