// A folder of class subfolders -> sorted classes and files, decoded and preprocessed with the
// page's own preprocessing (src/encode/shared/preprocess.ts), cached under .cache/zoo/pixels.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { decodeImage } from '../../encode/node/decode.ts';
import { preprocess } from '../../encode/shared/preprocess.ts';
import type { Preprocess } from '../../encode/shared/manifest.ts';

export const CACHE_DIR = resolve(process.env.ZOO_CACHE ?? '.cache/zoo');
export const SHARED_DATASETS = resolve(process.env.ZOO_DATASETS ?? '/work/shared/datasets');
const IMAGE_EXT = /\.(jpe?g|png)$/i;

export interface FolderListing {
  name: string;
  dir: string;
  classes: string[];
  /** relative paths class/file, sorted by class then file */
  files: string[];
  labels: Int32Array;
}

export function listFolder(dir: string, name = basename(resolve(dir))): FolderListing {
  const classes = readdirSync(dir)
    .filter((c) => !c.startsWith('.') && statSync(join(dir, c)).isDirectory())
    .sort();
  const files: string[] = [];
  const labels: number[] = [];
  const kept: string[] = [];
  for (const c of classes) {
    const fs = readdirSync(join(dir, c)).filter((f) => IMAGE_EXT.test(f)).sort();
    if (fs.length === 0) continue;
    const label = kept.length;
    kept.push(c);
    for (const f of fs) {
      files.push(`${c}/${f}`);
      labels.push(label);
    }
  }
  return { name, dir: resolve(dir), classes: kept, files, labels: Int32Array.from(labels) };
}

export function listingHash(l: FolderListing): string {
  return createHash('sha256').update(l.files.join('\n')).digest('hex').slice(0, 16);
}

export function preprocessKey(p: Preprocess): string {
  return createHash('sha256').update(JSON.stringify(p)).digest('hex').slice(0, 12);
}

export interface PixelSet {
  listing: FolderListing;
  /** N x 3 x S x S float32, the exact model input */
  pixels: Float32Array;
  size: number;
  /** images that failed to decode (kept as zeros, flagged) */
  bad: Uint8Array;
}

/** Decode + preprocess every image once per (folder content, preprocessing); cached on disk. */
export function loadPixels(listing: FolderListing, p: Preprocess): PixelSet {
  const dir = join(CACHE_DIR, 'pixels', preprocessKey(p));
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `${listing.name}-${listingHash(listing)}`);
  const S = p.crop;
  const per = 3 * S * S;
  if (existsSync(`${base}.f32`) && existsSync(`${base}.json`)) {
    const buf = readFileSync(`${base}.f32`);
    const meta = JSON.parse(readFileSync(`${base}.json`, 'utf8'));
    const pixels = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    return { listing, pixels, size: S, bad: Uint8Array.from(meta.bad) };
  }
  const n = listing.files.length;
  const pixels = new Float32Array(n * per);
  const bad = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    try {
      const img = decodeImage(new Uint8Array(readFileSync(join(listing.dir, listing.files[i]))));
      preprocess(img, p, pixels.subarray(i * per, (i + 1) * per));
    } catch {
      bad[i] = 1;
    }
  }
  writeFileSync(`${base}.f32`, Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength));
  writeFileSync(
    `${base}.json`,
    JSON.stringify({ name: listing.name, dir: listing.dir, size: S, preprocess: p, classes: listing.classes, files: listing.files, labels: [...listing.labels], bad: [...bad] }),
  );
  return { listing, pixels, size: S, bad };
}

export function pixelCachePath(listing: FolderListing, p: Preprocess): string {
  return join(CACHE_DIR, 'pixels', preprocessKey(p), `${listing.name}-${listingHash(listing)}`);
}

export interface ManifestEntry {
  name: string;
  domain: string;
  classes: number;
  images: number;
}

export function sharedManifest(): ManifestEntry[] {
  return JSON.parse(readFileSync(join(SHARED_DATASETS, 'MANIFEST.json'), 'utf8')).datasets;
}
