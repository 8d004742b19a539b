// Ranker artefacts committed in models/ranker/ (docs/ranker.md):
//   ranker.json      format `zooscout.ranker` v1 - encoder it belongs to, data versions, PCA basis,
//                    ArchToVec standardisation + autoencoder, both rankers' configs and weights
//   zoo-tokens.json  format `zooscout.zoo-tokens` v1 - every zoo model's token (raw: metadata,
//                    ArchToVec raw features, source name) and the source tokens' class centres in
//                    the ranker's PCA space; the page prepares queries from these once and caches them
// Float arrays are little-endian float32, base64.
import type { EncoderRef } from '../../tokens/shared/format.ts';
import type { AeConfig, RankerConfig } from '../model/ranker.ts';
import type { ModelMeta } from './model-tokens.ts';

export const RANKER_FORMAT = 'zooscout.ranker';
export const RANKER_VERSION = 1;
export const ZOO_TOKENS_FORMAT = 'zooscout.zoo-tokens';
export const ZOO_TOKENS_VERSION = 1;

export interface B64Tensor { shape: number[]; data: string }

export interface RankerArtifact {
  format: typeof RANKER_FORMAT;
  version: typeof RANKER_VERSION;
  /** content id: sha-256 prefix of the weights (caches key on it) */
  id: string;
  encoder: EncoderRef;
  data: { gt: string; gtRows: number; tasksVersion: number; catalogueVersion: number; tokensVersion: number };
  split: { seed: number; trainDatasets: string[]; blindDatasets: string[]; knownTestTasks: string[]; trainModels: string[] };
  pca: { dim: number; p: number; mean: string; comps: string };
  arch: { mean: string; std: string; ae: AeConfig; weights: Record<string, B64Tensor> };
  rankers: {
    cross: { config: RankerConfig; weights: Record<string, B64Tensor> };
    self: { config: RankerConfig; weights: Record<string, B64Tensor>; learnedIds: string[] };
  };
  training: Record<string, unknown>;
}

export interface ZooTokens {
  format: typeof ZOO_TOKENS_FORMAT;
  version: typeof ZOO_TOKENS_VERSION;
  ranker: string;
  encoder: EncoderRef;
  models: { id: string; meta: ModelMeta; arch: number[] | null; source: string | null }[];
  /** source name -> class centres in the ranker's PCA space (n x p, base64 float32) */
  sources: Record<string, { n: number; centres: string }>;
}

export function f32ToB64(a: Float32Array): string {
  const u8 = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let s = '';
  for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode(...u8.subarray(i, i + 0x8000));
  return btoa(s);
}

export function b64ToF32(s: string): Float32Array {
  const bin = atob(s);
  const u8 = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) u8[i] = bin.charCodeAt(i);
  return new Float32Array(u8.buffer);
}
