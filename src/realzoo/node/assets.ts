// The real tfjs backbones as the page serves them: beside the npm models under /npm-models/
// (one tfjs model server, one index, one IndexedDB cache and one loading path in the page), at
// /npm-models/real@<REAL_BACKBONES_VERSION>/<folder>/model.json + weights.bin, converted from the
// pinned files of ../shared/models/real (each file sha256-checked by readRealTfjs). Without
// ../shared (a fresh clone), none is served and the page's measurement of them says so.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { NpmAssetIndex } from '../../npmzoo/shared/catalogue.ts';
import { REAL_BACKBONES, REAL_BACKBONES_VERSION, realTfjsUrl, type RealBackbone } from '../shared/backbones.ts';
import { realServedFiles } from '../shared/served.ts';
import { readRealTfjs, REAL_SHARED } from './files.ts';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

export const realTfjsBackbones = (): RealBackbone[] => REAL_BACKBONES.filter((b) => b.format !== 'onnx-encoder');

/** url path -> bytes for every tfjs backbone present in ../shared, and their index entries (keyed by registry id) */
export function buildRealModelAssets(root = REAL_SHARED): { files: Map<string, Uint8Array>; index: NpmAssetIndex['models'] } {
  const files = new Map<string, Uint8Array>();
  const index: NpmAssetIndex['models'] = {};
  for (const b of realTfjsBackbones()) {
    if (!existsSync(join(root, b.source, 'model.json'))) continue;
    const { json, weights } = realServedFiles(b.format as 'tfjs-layers' | 'tfjs-graph', readRealTfjs(b, root));
    const url = realTfjsUrl(b);
    const binUrl = url.replace(/model\.json$/, 'weights.bin');
    files.set(url, json);
    files.set(binUrl, weights);
    index[b.id] = {
      package: 'real', version: String(REAL_BACKBONES_VERSION), sourceSha256: b.sha256,
      files: [{ url, bytes: json.byteLength, sha256: sha(json) }, { url: binUrl, bytes: weights.byteLength, sha256: sha(weights) }],
    };
  }
  return { files, index };
}
