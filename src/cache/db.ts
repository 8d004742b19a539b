// IndexedDB (idb) store of the page: embeddings keyed by encoder id + content hash, so a second run
// over the same folder encodes nothing. Versioned: a schema change bumps DB_VERSION and upgrades.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

export const DB_NAME = 'zooscout';
export const DB_VERSION = 1;

export interface EmbeddingRecord {
  /** `${encoderId}|${sha256 of the file}` */
  key: string;
  encoderId: string;
  encoderSha256: string;
  dim: number;
  vector: Float32Array;
  createdAt: number;
}

interface ZooScoutDB extends DBSchema {
  embeddings: { key: string; value: EmbeddingRecord; indexes: { byEncoder: string } };
  meta: { key: string; value: { key: string; value: unknown } };
}

export const embeddingKey = (encoderId: string, contentSha256: string) => `${encoderId}|${contentSha256}`;

let dbPromise: Promise<IDBPDatabase<ZooScoutDB>> | null = null;

export function db(): Promise<IDBPDatabase<ZooScoutDB>> {
  dbPromise ??= openDB<ZooScoutDB>(DB_NAME, DB_VERSION, {
    upgrade(d, oldVersion) {
      if (oldVersion < 1) {
        const s = d.createObjectStore('embeddings', { keyPath: 'key' });
        s.createIndex('byEncoder', 'encoderId');
        d.createObjectStore('meta', { keyPath: 'key' });
      }
    },
    terminated() {
      // the browser closed the connection (storage cleared, disk trouble): reopen on next use
      dbPromise = null;
    },
    blocking() {
      // another tab upgrades the schema: let it, reopen on next use
      void dbPromise?.then((d) => d.close());
      dbPromise = null;
    },
  });
  return dbPromise;
}

export function isQuotaError(e: unknown): boolean {
  const name = (e as { name?: string })?.name;
  return name === 'QuotaExceededError' || /quota/i.test(String((e as Error)?.message ?? ''));
}

/** Cache of embeddings. After the first quota error it stops writing and counts what it dropped. */
export class EmbeddingCache {
  full = false;
  notStored = 0;
  lastError = '';
  constructor(readonly encoderId: string, readonly encoderSha256: string) {}

  async getMany(hashes: string[]): Promise<(Float32Array | undefined)[]> {
    try {
      const d = await db();
      const tx = d.transaction('embeddings', 'readonly');
      const out = await Promise.all(hashes.map((h) => tx.store.get(embeddingKey(this.encoderId, h))));
      await tx.done;
      return out.map((r) => (r && r.encoderSha256 === this.encoderSha256 ? r.vector : undefined));
    } catch (e) {
      this.lastError = String((e as Error)?.message ?? e);
      return hashes.map(() => undefined); // an unreadable cache means encode again, never fail the run
    }
  }

  async putMany(items: { hash: string; vector: Float32Array }[]): Promise<void> {
    if (items.length === 0) return;
    if (this.full) {
      this.notStored += items.length;
      return;
    }
    try {
      const d = await db();
      const tx = d.transaction('embeddings', 'readwrite');
      const now = Date.now();
      for (const { hash, vector } of items) {
        void tx.store.put({
          key: embeddingKey(this.encoderId, hash),
          encoderId: this.encoderId,
          encoderSha256: this.encoderSha256,
          dim: vector.length,
          vector,
          createdAt: now,
        });
      }
      await tx.done;
    } catch (e) {
      this.notStored += items.length;
      this.lastError = String((e as Error)?.message ?? e);
      if (isQuotaError(e) || (e as Error)?.name === 'AbortError') this.full = true;
    }
  }
}

export async function cacheStats(): Promise<{ embeddings: number }> {
  const d = await db();
  return { embeddings: await d.count('embeddings') };
}

export async function clearCache(): Promise<void> {
  const d = await db();
  await d.clear('embeddings');
}
