// Which npm models the page build ships (served from the app's own origin under npm-models/, see
// src/npmzoo/node/assets.ts), and what the page knows about each without downloading it.
// No tfjs import: vite.config.ts reads NPM_PAGE_MODELS.
//
// The default set (docs/npm-models.md, "In the page"): nine small face models plus nsfwjs's
// MobileNetV2 (chosen when only they had GT), and the models that are the best real one on at
// least one dataset of the complete GT (`npm run npm-models:report`: nanodet, mobilenet_v2_mid,
// centernet, gear; emotion, blazeface-front and handlandmark-lite too). Every usable model can be
// added by id.
import type { NpmCatalogueEntry } from './catalogue.ts';

/** inventory ids (data/npm-gt/inventory.json `id`); unique across the two packages */
export const NPM_PAGE_MODELS: readonly string[] = [
  'mobilenet_v2', // nsfwjs
  'emotion',
  'gender',
  'gender-ssrnet-imdb',
  'age',
  'liveness',
  'mobileface',
  'facemesh-detection-short',
  'blazeface-front',
  'facemesh',
  // best real model on some dataset (data/npm-gt, 76 tasks)
  'nanodet',
  'mobilenet_v2_mid',
  'centernet',
  'gear',
  'handlandmark-lite',
];

/** A catalogue entry plus what a results table shows before anything is downloaded. */
export interface NpmPageEntry extends NpmCatalogueEntry {
  /** inventory id (the key of npm-models/index.json) */
  key: string;
  /** the original model, as the package's docs name it */
  label: string;
  /** bytes the page downloads (model.json + weights.bin as the build serves them) */
  servedBytes: number;
  /** sha256 of the served weights.bin */
  weightsSha256: string;
}

/** GT ids (npm:human/emotion) and inventory ids (emotion) both name a model */
export function findNpmEntry<T extends { id: string; key: string }>(entries: readonly T[], id: string): T {
  const e = entries.find((x) => x.id === id || x.key === id);
  if (!e) throw new Error(`unknown npm model ${id}`);
  return e;
}
