// The npm models as runnable-zoo catalogue entries (what the page, the ranker's blind-model bench
// and the hardware stage need), built from the committed inventory. Split is always 'blind': no
// ranker trains on these models; they are its honest blind-model test (DESIGN.md, Ground truth).
import { npmModelId, type NpmInventory, type NpmInventoryEntry } from './types.ts';
import { npmPreprocessSpec } from './preprocess.ts';
import type { Preprocess } from '../../encode/shared/manifest.ts';

export interface NpmCatalogueEntry {
  /** id in GT tables: npm:human/<id> or npm:nsfwjs/<id> */
  id: string;
  family: 'npm';
  package: string;
  version: string;
  integrity: string;
  /** file urls on the app's own origin (build step copies them from node_modules, converting nsfwjs's JS modules) */
  modelUrl: string;
  /** IndexedDB cache key: package@version/id/sha256 of the model's first file */
  cacheKey: string;
  sha256: string;
  bytes: number;
  params: number;
  format: string;
  input: NpmInventoryEntry['input'];
  preprocess: Preprocess;
  featureNode: string;
  featurePooling: 'as-is' | 'mean-hw';
  featureDim: number;
  task: string;
  sourceDomain: string;
  trainingData: string;
  licence: string;
  split: 'blind';
  runtimes: { cpu: 'tested'; wasm: 'untested'; webgl: 'untested'; webgpu: 'untested' };
}

export const NPM_MODELS_BASE = '/npm-models';

/** /npm-models/index.json, written by the build step (src/npmzoo/node/assets.ts) */
export interface NpmAssetIndex {
  version: 1;
  models: Record<string, { package: string; version: string; sourceSha256: string; files: { url: string; bytes: number; sha256: string }[] }>;
}

export function npmModelUrl(e: Pick<NpmInventoryEntry, 'package' | 'version' | 'id'>): string {
  return `${NPM_MODELS_BASE}/${e.package}@${e.version}/${e.id}/model.json`;
}

export function npmCatalogue(inv: NpmInventory): NpmCatalogueEntry[] {
  return inv.models
    .filter((e) => e.feature)
    .map((e) => ({
      id: npmModelId(e.package, e.id),
      family: 'npm' as const,
      package: e.package,
      version: e.version,
      integrity: e.integrity,
      modelUrl: npmModelUrl(e),
      cacheKey: `${e.package}@${e.version}/${e.id}/${e.files[0].sha256}`,
      sha256: e.files[0].sha256,
      bytes: e.bytes,
      params: e.params,
      format: e.format,
      input: e.input,
      preprocess: npmPreprocessSpec(e.input),
      featureNode: e.feature!.node,
      featurePooling: e.feature!.pooling,
      featureDim: e.feature!.dim,
      task: e.task,
      sourceDomain: e.domain,
      trainingData: e.trainingData,
      licence: e.licence,
      split: 'blind' as const,
      runtimes: { cpu: 'tested' as const, wasm: 'untested' as const, webgl: 'untested' as const, webgpu: 'untested' as const },
    }));
}

/** `real pre-trained models: N` — the line zoo:summary prints (N = models with measured GT when a gt.csv is given, else usable models). */
export function realModelsSummaryLine(inv: NpmInventory, gtCsv?: string): string {
  if (gtCsv) {
    const ids = new Set(gtCsv.trim().split('\n').slice(1).map((l) => l.split(',')[1]).filter((m) => m.startsWith('npm:')));
    return `real pre-trained models: ${ids.size}`;
  }
  return `real pre-trained models: ${inv.models.filter((m) => m.feature).length}`;
}
