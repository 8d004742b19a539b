// Which npm models the page build ships (served from the app's own origin under npm-models/, see
// src/npmzoo/node/assets.ts), and what the page knows about each without downloading it.
// No tfjs import: vite.config.ts reads NPM_PAGE_MODELS.
//
// The default set (docs/npm-models.md, "In the page"): the nine face models measured on all 18 GT
// tasks (the only real models with ground truth everywhere) plus nsfwjs's MobileNetV2, the one
// small ImageNet-initialised model of the packages (no GT yet). ~9.4 MB served in all; the next
// candidates, mobilefacenet (5.3 MB, GT on 7 tasks) and antispoof (0.9 MB, 1 task), are left out
// to keep the build lean; every other usable model (~180 MB more) can be added by id.
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
