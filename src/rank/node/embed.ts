// Per-image embeddings of the Node encoder (the page's exact preprocessing), cached under
// .cache/rank/emb/<encoder>/<dataset>-<listing hash>.{f32,json}: only the images the ranker needs
// (task images, source-token samples) are embedded, once; later calls add what is missing.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImage } from '../../encode/node/decode.ts';
import { loadNodeEncoder, type NodeEncoder } from '../../encode/node/encoder.ts';
import { DEFAULT_ENCODER_ID } from '../../encode/shared/manifest.ts';
import type { RgbaImage } from '../../encode/shared/preprocess.ts';
import { CACHE_DIR, listingHash, type FolderListing } from '../../zoo/node/dataset.ts';

export const RANK_CACHE = join(CACHE_DIR, '..', 'rank');

const encoders = new Map<string, Promise<NodeEncoder>>();
export function rankEncoder(id = DEFAULT_ENCODER_ID): Promise<NodeEncoder> {
  if (!encoders.has(id)) encoders.set(id, loadNodeEncoder(id, { threads: 1 }));
  return encoders.get(id)!;
}

export interface EmbeddingSet {
  dim: number;
  /** image index -> unit-norm embedding (null: undecodable) */
  get(i: number): Float32Array | null;
}

export async function embedImages(listing: FolderListing, ids: Iterable<number>, encoderId = DEFAULT_ENCODER_ID, log = false): Promise<EmbeddingSet> {
  const enc = await rankEncoder(encoderId);
  const d = enc.entry.dim;
  const dir = join(RANK_CACHE, 'emb', encoderId);
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `${listing.name}-${listingHash(listing)}`);
  const have = new Map<number, Float32Array | null>();
  if (existsSync(`${base}.json`) && existsSync(`${base}.f32`)) {
    const meta = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as { ids: number[]; bad: number[] };
    const buf = readFileSync(`${base}.f32`);
    const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    meta.ids.forEach((id, r) => have.set(id, all.subarray(r * d, (r + 1) * d)));
    for (const b of meta.bad) have.set(b, null);
  }
  const todo = [...new Set(ids)].filter((i) => !have.has(i)).sort((a, b) => a - b);
  if (todo.length) {
    const t0 = Date.now();
    const B = 16;
    for (let s = 0; s < todo.length; s += B) {
      const chunk = todo.slice(s, s + B);
      const imgs: RgbaImage[] = [];
      const ok: number[] = [];
      for (const i of chunk) {
        try {
          imgs.push(decodeImage(new Uint8Array(readFileSync(join(listing.dir, listing.files[i])))));
          ok.push(i);
        } catch {
          have.set(i, null);
        }
      }
      const e = imgs.length ? await enc.embed(imgs) : [];
      ok.forEach((i, r) => have.set(i, e[r]));
    }
    if (log) console.log(`  embedded ${todo.length} images of ${listing.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    const good = [...have].filter(([, v]) => v !== null).sort((a, b) => a[0] - b[0]);
    const all = new Float32Array(good.length * d);
    good.forEach(([, v], r) => all.set(v!, r * d));
    writeFileSync(`${base}.f32`, Buffer.from(all.buffer));
    writeFileSync(`${base}.json`, JSON.stringify({ ids: good.map((g) => g[0]), bad: [...have].filter(([, v]) => v === null).map((g) => g[0]) }));
  }
  return { dim: d, get: (i) => have.get(i) ?? null };
}
