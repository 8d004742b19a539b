// The files the service worker keeps once used (runtime, encoders, model weights), as the build
// listed them (vite.config.ts offlineFiles): the cache's name, which files every run reads (the
// runtime, the encoders, tfjs's WASM, the public ranker's tokens), and the rest with their sizes for
// "keep available offline". Outside the production build (dev server, test runner, Node) there is
// no list and nothing here touches the Cache API.
export interface OfflineFile {
  /** relative to the page's base */
  url: string;
  bytes: number;
  /** read on every run: stored in the cache as soon as the worker is active */
  essential: boolean;
}
export interface OfflineFiles {
  /** Cache Storage name: changes whenever one of the files does */
  cache: string;
  files: OfflineFile[];
}

declare const __ZS_OFFLINE__: OfflineFiles | undefined;

export function offlineFiles(): OfflineFiles | null {
  return typeof __ZS_OFFLINE__ === 'undefined' ? null : __ZS_OFFLINE__;
}

const abs = (url: string) => new URL(url, document.baseURI).href;

/** Which of the listed files the cache already holds. */
export async function cachedSet(list: OfflineFiles): Promise<Set<string>> {
  const have = new Set<string>();
  if (!globalThis.caches) return have;
  const cache = await caches.open(list.cache);
  for (const k of await cache.keys(undefined, { ignoreVary: true })) have.add(k.url);
  return new Set(list.files.filter((f) => have.has(abs(f.url))).map((f) => f.url));
}

export interface FetchProgress {
  done: number;
  total: number;
  bytes: number;
  totalBytes: number;
  startedAt: number;
}

/**
 * Stores each file in the cache the service worker answers from (CacheFirst). The fetch uses the
 * HTTP cache, so a file the page already loaded is only revalidated. A page the worker controls
 * only reads the response: the worker's route stores it (a second put of the same response from
 * here fails); a page it does not control yet stores it itself. Stops when `signal` aborts.
 */
export async function keepOffline(list: OfflineFiles, files: OfflineFile[], onProgress: (p: FetchProgress) => void = () => {}, signal?: AbortSignal): Promise<FetchProgress> {
  const p: FetchProgress = { done: 0, total: files.length, bytes: 0, totalBytes: files.reduce((a, f) => a + f.bytes, 0), startedAt: performance.now() };
  onProgress(p);
  const cache = await caches.open(list.cache);
  for (const f of files) {
    signal?.throwIfAborted();
    const viaWorker = !!navigator.serviceWorker?.controller;
    const r = await fetch(abs(f.url), { signal });
    if (!r.ok) throw new Error(`${f.url}: HTTP ${r.status}`);
    if (viaWorker) await r.arrayBuffer();
    else await cache.put(abs(f.url), r);
    p.done++;
    p.bytes += f.bytes;
    onProgress({ ...p });
  }
  return p;
}

/** Removes the caches of earlier builds' files (their names differ from this build's). */
export async function dropOldCaches(list: OfflineFiles): Promise<string[]> {
  if (!globalThis.caches) return [];
  const old = (await caches.keys()).filter((k) => k.startsWith('zs-files-') && k !== list.cache);
  await Promise.all(old.map((k) => caches.delete(k)));
  return old;
}

/**
 * Files the page fetched itself (outside the service worker's routes: before the worker controls
 * the page) are stored where the worker answers from, if they are on its list: the warm-up then
 * finds them and does not download them again. No list (dev, tests): nothing happens.
 */
export async function keepFetched(url: string, r: Response): Promise<void> {
  const list = offlineFiles();
  if (!list || !globalThis.caches || navigator.serviceWorker?.controller || !r.ok) return;
  const href = new URL(url, document.baseURI).href;
  if (!list.files.some((f) => abs(f.url) === href)) return;
  await (await caches.open(list.cache)).put(href, r.clone()).catch(() => undefined); // a full quota only costs a later download
}
