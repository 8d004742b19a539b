// Node reference for the fine stage's page/Node parity test: a zoo model's `features` output from
// onnxruntime-node on real images (jpeg-js decode + shared preprocessing), written to
// src/fine/fine-reference.json (committed). Rerun after retraining the zoo:
//   node --import tsx tools/fine/reference.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { ZOO_DIR, loadCatalogue } from '../../src/zoo/node/catalogue.ts';
import { decodeImage } from '../../src/encode/node/decode.ts';
import { preprocess } from '../../src/encode/shared/preprocess.ts';
import { FINE_REFERENCE_IMAGES, FINE_REFERENCE_MODEL, type FineReference } from '../../src/fine/shared/reference.ts';

export const SHARED = process.env.ZOOSCOUT_SHARED ?? '../shared';

export async function computeFineReference(): Promise<FineReference> {
  const m = loadCatalogue().models.find((x) => x.id === FINE_REFERENCE_MODEL);
  if (!m) throw new Error(`${FINE_REFERENCE_MODEL} is not in the catalogue`);
  const s = await ort.InferenceSession.create(join(ZOO_DIR, m.file), { intraOpNumThreads: 1 });
  try {
    const C = m.preprocess.crop, plane = 3 * C * C;
    const x = new Float32Array(FINE_REFERENCE_IMAGES.length * plane);
    FINE_REFERENCE_IMAGES.forEach((p, i) => preprocess(decodeImage(new Uint8Array(readFileSync(join(SHARED, p)))), m.preprocess, x.subarray(i * plane, (i + 1) * plane)));
    const r = await s.run({ [m.input.name]: new ort.Tensor('float32', x, [FINE_REFERENCE_IMAGES.length, 3, C, C]) }, [m.outputs.features]);
    const f = r[m.outputs.features].data as Float32Array;
    const d = m.featureDim;
    return {
      model: m.id, sha256: m.sha256, output: m.outputs.features,
      images: FINE_REFERENCE_IMAGES.map((path, i) => ({ path, features: [...f.subarray(i * d, (i + 1) * d)].map((v) => Number(v.toPrecision(7))) })),
    };
  } finally {
    await s.release();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const ref = await computeFineReference();
  writeFileSync('src/fine/fine-reference.json', JSON.stringify(ref) + '\n');
  console.log(`wrote src/fine/fine-reference.json (${ref.model}, ${ref.images.length} images, ${ref.images[0].features.length}-d)`);
}
