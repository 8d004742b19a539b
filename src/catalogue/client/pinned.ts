// Pinned public model files in the page: size shown first, download only on consent from the pinned
// address, sha256 and size verified, cached in IndexedDB by sha256; a file the user drops is checked
// and cached the same way (air-gapped use). Nothing here downloads without `consent` returning true.
import { openDB, type IDBPDatabase } from 'idb';
import { sha256Hex } from '../../encode/shared/model-file.ts';
import type { PinnedFile } from '../shared/catalogue.ts';

export const PINNED_DB = 'zooscout-public-files';
const STORE = 'files';

export interface PinnedRecord { sha256: string; bytes: number; path: string; data: ArrayBuffer; storedAt: string }

export class PinnedFileError extends Error {
  constructor(message: string, readonly reason: 'consent' | 'size' | 'sha256' | 'network') { super(message); }
}

let dbp: Promise<IDBPDatabase> | null = null;
function db(): Promise<IDBPDatabase> {
  dbp ??= openDB(PINNED_DB, 1, { upgrade(d) { d.createObjectStore(STORE, { keyPath: 'sha256' }); } });
  return dbp;
}

export async function cachedPinned(sha256: string): Promise<PinnedRecord | undefined> {
  return (await db()).get(STORE, sha256);
}

/** Whether a pinned file is cached, without reading its bytes. */
export async function hasPinned(sha256: string): Promise<boolean> {
  return (await (await db()).getKey(STORE, sha256)) !== undefined;
}

export async function clearPinned(): Promise<void> {
  await (await db()).clear(STORE);
}

async function verify(file: PinnedFile, data: ArrayBuffer): Promise<void> {
  if (data.byteLength !== file.bytes) throw new PinnedFileError(`${file.path}: ${data.byteLength} bytes, the pinned file has ${file.bytes}`, 'size');
  const h = await sha256Hex(data);
  if (h !== file.sha256) throw new PinnedFileError(`${file.path}: sha256 ${h.slice(0, 12)}… is not the pinned ${file.sha256.slice(0, 12)}…`, 'sha256');
}

async function store(file: PinnedFile, data: ArrayBuffer): Promise<boolean> {
  try {
    await (await db()).put(STORE, { sha256: file.sha256, bytes: file.bytes, path: file.path, data, storedAt: new Date().toISOString() } satisfies PinnedRecord);
    return true;
  } catch {
    return false; // quota: the file is still usable for this session
  }
}

export interface GetPinnedOptions {
  /** asked with the download size before any byte is fetched; false = nothing is downloaded */
  consent: (info: { bytes: number; url: string; path: string }) => boolean | Promise<boolean>;
  /** injectable fetch (tests map the pinned URL to a local fixture) */
  fetch?: (url: string) => Promise<Response>;
  onProgress?: (done: number, total: number) => void;
}

export interface PinnedResult { data: ArrayBuffer; from: 'cache' | 'download' | 'drop'; cached: boolean }

/** The verified bytes of a pinned file: from the cache, else downloaded on consent. */
export async function getPinned(file: PinnedFile, opts: GetPinnedOptions): Promise<PinnedResult> {
  const hit = await cachedPinned(file.sha256);
  if (hit) return { data: hit.data, from: 'cache', cached: true };
  if (!(await opts.consent({ bytes: file.bytes, url: file.url, path: file.path }))) {
    throw new PinnedFileError(`download of ${file.path} (${file.bytes} bytes) declined`, 'consent');
  }
  const res = await (opts.fetch ?? ((u: string) => fetch(u)))(file.url);
  if (!res.ok || !res.body) throw new PinnedFileError(`${file.url}: HTTP ${res.status}`, 'network');
  const reader = res.body.getReader();
  const buf = new Uint8Array(file.bytes);
  let done = 0;
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    if (done + r.value.length > file.bytes) { await reader.cancel(); throw new PinnedFileError(`${file.path}: more than the pinned ${file.bytes} bytes`, 'size'); }
    buf.set(r.value, done);
    done += r.value.length;
    opts.onProgress?.(done, file.bytes);
  }
  const data = buf.buffer.slice(0, done);
  await verify(file, data);
  return { data, from: 'download', cached: await store(file, data) };
}

/** A file the user dropped: accepted if it is one of the pinned files (size + sha256), then cached. */
export async function acceptDropped(candidates: PinnedFile[], blob: Blob): Promise<{ file: PinnedFile; result: PinnedResult }> {
  const data = await blob.arrayBuffer();
  const h = await sha256Hex(data);
  const file = candidates.find((f) => f.sha256 === h && f.bytes === data.byteLength);
  if (!file) throw new PinnedFileError(`the dropped file (sha256 ${h.slice(0, 12)}…, ${data.byteLength} bytes) is none of the pinned files`, 'sha256');
  return { file, result: { data, from: 'drop', cached: await store(file, data) } };
}
