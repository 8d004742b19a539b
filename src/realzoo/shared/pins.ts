// Where each file of a real tfjs backbone can be had from the public internet: its pinned address
// (raw.githubusercontent.com at the source commit), a second mirror (jsDelivr, same commit) and its
// sha256 and size. The table is generated from ../shared/models/real (PROVENANCE.md + sha256sums)
// by `npm run real-models:page` into real-pins.gen.ts; nothing here is typed in by hand.
import { REAL_PINS } from './real-pins.gen.ts';

export interface RealPinnedFile {
  /** file name in the model's folder (model.json, groupN-shard1of1), as model.json's manifest names it */
  name: string;
  bytes: number;
  sha256: string;
  /** https://raw.githubusercontent.com/<owner>/<repo>/<commit>/<path> */
  url: string;
  /** https://cdn.jsdelivr.net/gh/<owner>/<repo>@<commit>/<path> */
  mirror: string;
}

export interface RealPinnedModel {
  /** registry id (src/realzoo/shared/backbones.ts) */
  id: string;
  /** folder under ../shared/models/real */
  folder: string;
  format: 'tfjs-layers' | 'tfjs-graph';
  bytes: number;
  /** model.json first, then the shards in manifest order */
  files: RealPinnedFile[];
}

export const rawGithubUrl = (repo: string, commit: string, path: string) => `https://raw.githubusercontent.com/${repo}/${commit}/${encodePath(path)}`;
export const jsdelivrUrl = (repo: string, commit: string, path: string) => `https://cdn.jsdelivr.net/gh/${repo}@${commit}/${encodePath(path)}`;
const encodePath = (p: string) => p.split('/').map(encodeURIComponent).join('/');

/** the pins of a real tfjs backbone, or undefined for any other id */
export const realPinned = (id: string): RealPinnedModel | undefined => REAL_PINS.find((m) => m.id === id);

/** every real tfjs backbone's pins */
export const realPinnedModels = (): readonly RealPinnedModel[] => REAL_PINS;

/**
 * A real backbone that this build does not serve and IndexedDB does not hold: the page can offer to
 * fetch it from its pinned public addresses (src/realzoo/client/download.ts), with this size.
 */
export class RealBackboneNotHere extends Error {
  readonly name = 'RealBackboneNotHere';
  constructor(readonly id: string, readonly bytes: number, readonly files: number) {
    super(`${id} is not served by this build and not stored in this browser: it can be fetched from its pinned public copy (${files} files, ${bytes} bytes) on your consent, or taken from files you already have`);
  }
}
