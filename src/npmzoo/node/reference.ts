// `node --import tsx src/npmzoo/node/reference.ts`: Node's features for the parity models on the
// synthetic images, written to src/npmzoo/npm-reference.json for the browser test (rerun after an
// inventory or package change).
import './tf-shim.ts';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { NPM_MODEL_DOCS } from '../shared/models.ts';
import { PARITY_MODELS, syntheticImages } from '../shared/synthetic.ts';
import { ensureCpuOrBest, extractFeatures, loadNpmModel, prepareImages } from '../tfjs/features.ts';
import { readModelFiles } from './files.ts';
import { loadInventory } from './inventory.ts';

export const REFERENCE_PATH = resolve('src/npmzoo/npm-reference.json');
export const REFERENCE_IMAGES = 3;

export async function nodeFeatures(id: string): Promise<{ features: Float32Array; dim: number; sha256: string; node: string }> {
  const inv = loadInventory();
  const e = inv.models.find((m) => m.id === id)!;
  if (!e?.feature) throw new Error(`${id}: not usable in the inventory`);
  const doc = NPM_MODEL_DOCS.find((d) => d.id === id)!;
  const m = await loadNpmModel(readModelFiles(doc), doc.format, doc.format === 'tfjs-layers' ? e.feature.node : undefined);
  const x = prepareImages(syntheticImages(REFERENCE_IMAGES), e.input);
  const features = await extractFeatures(m, e.feature, x, REFERENCE_IMAGES, e.input);
  m.dispose();
  return { features, dim: e.feature.dim, sha256: e.files[0].sha256, node: e.feature.node };
}

async function main(): Promise<void> {
  console.log('tfjs backend', await ensureCpuOrBest('cpu'));
  const models: Record<string, { sha256: string; node: string; dim: number; n: number; features: number[] }> = {};
  for (const id of PARITY_MODELS) {
    const r = await nodeFeatures(id);
    models[id] = { sha256: r.sha256, node: r.node, dim: r.dim, n: REFERENCE_IMAGES, features: [...r.features].map((v) => Number(v.toPrecision(7))) };
    console.log(id, r.dim);
  }
  writeFileSync(REFERENCE_PATH, JSON.stringify({ backend: 'cpu', images: REFERENCE_IMAGES, models }) + '\n');
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) main();
