// Step 3 of `npm run zoo:train`: gather the per-model metadata the trainer wrote
// (models/zoo/<id>.json) into models/zoo/catalogue.json, checking each file's sha256 and that the
// ONNX graph has input `input` [batch,3,S,S] and outputs `logits`, `features` of the stated sizes.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { ZOO_DIR, checkEntry } from '../../src/zoo/node/catalogue.ts';
import {
  CATALOGUE_VERSION,
  RESERVED_FAMILIES,
  RESERVED_SOURCES,
  ZOO_FAMILIES,
  ZOO_PREPROCESS,
  ZOO_SPLIT_SEED,
  ZOO_TRAIN_FRACTION,
  isBlind,
  type ZooCatalogue,
  type ZooModelEntry,
} from '../../src/zoo/shared/catalogue.ts';

const S = ZOO_PREPROCESS.crop;
const models: ZooModelEntry[] = [];
for (const f of readdirSync(ZOO_DIR).filter((f) => f.endsWith('.json') && f !== 'catalogue.json').sort()) {
  const meta = JSON.parse(readFileSync(join(ZOO_DIR, f), 'utf8'));
  const entry: ZooModelEntry = {
    id: meta.id,
    family: meta.family,
    file: meta.file,
    sha256: meta.sha256,
    bytes: meta.bytes,
    params: meta.params,
    macs: meta.macs,
    input: { name: 'input', shape: ['batch', 3, S, S] },
    outputs: { logits: 'logits', features: 'features' },
    featureDim: meta.featureDim,
    logitDim: meta.logitDim,
    preprocess: ZOO_PREPROCESS,
    source: meta.source,
    sourceDomain: meta.sourceDomain,
    sourceAccuracy: meta.sourceAccuracy,
    sourceClasses: meta.sourceClasses,
    split: isBlind(meta.family, meta.source) ? 'blind' : 'train',
    recipe: meta.recipe,
    runtimes: { wasm: 'tested', webgpu: 'tested' }, // one model per family, in the page: zoo.browser.test.ts (WASM), zoo.webgpu.browser.test.ts (SwiftShader WebGPU)
  };
  const errs = checkEntry(ZOO_DIR, entry);
  const s = await ort.InferenceSession.create(join(ZOO_DIR, entry.file), { intraOpNumThreads: 1 });
  const r = await s.run({ input: new ort.Tensor('float32', new Float32Array(2 * 3 * S * S), [2, 3, S, S]) });
  if (r.features.dims.join() !== `2,${entry.featureDim}`) errs.push(`${entry.id}: features ${r.features.dims}`);
  if (r.logits.dims.join() !== `2,${entry.logitDim}`) errs.push(`${entry.id}: logits ${r.logits.dims}`);
  await s.release();
  if (errs.length) throw new Error(errs.join('\n'));
  models.push(entry);
}
const order = (m: ZooModelEntry) => `${ZOO_FAMILIES.indexOf(m.family)}-${m.source === 'pool' ? '' : m.source}`;
models.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
const cat: ZooCatalogue = {
  version: CATALOGUE_VERSION,
  preprocess: ZOO_PREPROCESS,
  splitSeed: ZOO_SPLIT_SEED,
  trainFraction: ZOO_TRAIN_FRACTION,
  reservedFamilies: [...RESERVED_FAMILIES],
  reservedSources: [...RESERVED_SOURCES],
  models,
};
writeFileSync(join(ZOO_DIR, 'catalogue.json'), JSON.stringify(cat, null, 1) + '\n');
const mb = models.reduce((a, m) => a + m.bytes, 0) / 1e6;
console.log(`catalogue: ${models.length} models, ${mb.toFixed(1)} MB, families ${[...new Set(models.map((m) => m.family))].join(', ')}`);
