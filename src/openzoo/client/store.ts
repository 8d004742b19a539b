// The user's own models, in IndexedDB (idb), in their own database `zooscout-user-models`:
//   store `models` (key sha256): the full record, bytes included, format version 1;
//   store `meta`   (key sha256): the same record without its bytes, so listing never loads them.
// Both are written in one transaction: a refused write (quota, private mode) leaves neither.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { isQuotaError } from '../../cache/db.ts';
import { checkOnnx, DEFAULT_MAX_BYTES, formatBytes, sizeError } from '../shared/validate.ts';
import { USER_MODEL_FORMAT_VERSION, type UserModelMeta, type UserModelRecord } from '../shared/types.ts';

export type { FineModel, OnnxInfo, UserModelMeta, UserModelRecord } from '../shared/types.ts';
export { toFineModel, userPreprocess } from '../shared/fine.ts';

export const USER_DB_NAME = 'zooscout-user-models';
export const USER_DB_VERSION = 1;

interface UserDB extends DBSchema {
  models: { key: string; value: UserModelRecord; indexes: { byId: string } };
  meta: { key: string; value: UserModelMeta; indexes: { byId: string } };
}

let dbp: Promise<IDBPDatabase<UserDB>> | null = null;
function userDb(): Promise<IDBPDatabase<UserDB>> {
  dbp ??= openDB<UserDB>(USER_DB_NAME, USER_DB_VERSION, {
    upgrade(d, old) {
      if (old < 1) {
        d.createObjectStore('models', { keyPath: 'sha256' }).createIndex('byId', 'id', { unique: true });
        d.createObjectStore('meta', { keyPath: 'sha256' }).createIndex('byId', 'id', { unique: true });
      }
    },
    terminated() { dbp = null; },
    blocking() {
      void dbp?.then((d) => d.close());
      dbp = null;
    },
  });
  dbp.catch(() => { dbp = null; });
  return dbp;
}

/** Closes the connection (the next call opens a fresh one). */
export async function closeUserModelDb(): Promise<void> {
  const p = dbp;
  dbp = null;
  if (p) (await p.catch(() => null))?.close();
}

export const userModelId = (sha256: string) => `user:${sha256.slice(0, 12)}`;

const metaOf = (r: UserModelRecord): UserModelMeta => ({ version: r.version, id: r.id, name: r.name, sha256: r.sha256, info: r.info, addedAt: r.addedAt });

export type AddResult = { ok: true; model: UserModelRecord } | { ok: false; errors: string[] };

const when = (t: number) => new Date(t).toLocaleString();

/**
 * Validates a file (size first, before reading it), refuses one already stored, and stores it with
 * its validation. Never throws: every refusal comes back as `errors`.
 */
export async function addUserModel(file: File | Blob, name: string, opts: { maxBytes?: number } = {}): Promise<AddResult> {
  const label = (name || (file as File).name || 'model').trim();
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  if (file.size > maxBytes) return { ok: false, errors: [sizeError(label, file.size, maxBytes)] };
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await file.arrayBuffer());
  } catch (e) {
    return { ok: false, errors: [`"${label}" could not be read (${(e as Error).message}); was the file moved or deleted?`] };
  }
  const v = await checkOnnx(bytes, label, { maxBytes });
  if (!v.ok) return v;
  const sha256 = v.info.sha256;

  let d: IDBPDatabase<UserDB>;
  try {
    d = await userDb();
  } catch (e) {
    return { ok: false, errors: [`this browser refuses to store models (${(e as Error).message || (e as Error).name}); in a private window storage may be off`] };
  }
  const dup = await d.get('meta', sha256);
  if (dup) {
    return { ok: false, errors: [`"${label}" is already in your models as "${dup.name}" (added ${when(dup.addedAt)}): the same file, byte for byte, so nothing was added`] };
  }
  const record: UserModelRecord = {
    version: USER_MODEL_FORMAT_VERSION, id: userModelId(sha256), name: label, sha256,
    bytes: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    info: v.info, addedAt: Date.now(),
  };
  const tx = d.transaction(['models', 'meta'], 'readwrite');
  const pending: Promise<unknown>[] = [];
  try {
    pending.push(tx.objectStore('models').add(record));
    pending.push(tx.objectStore('meta').add(metaOf(record)));
    pending.push(tx.done);
    await Promise.all(pending);
  } catch (e) {
    for (const p of pending) p.catch(() => undefined); // the others reject with AbortError: expected
    try {
      tx.abort(); // a request that threw before reaching IndexedDB does not abort the transaction by itself
    } catch {
      // already aborted by the failed request
    }
    await tx.done.catch(() => undefined);
    const err = (e as DOMException) ?? {};
    if (isQuotaError(err) || isQuotaError(tx.error)) {
      return { ok: false, errors: [`not enough storage for "${label}" (${formatBytes(bytes.length)}): the browser's quota for this page is full. Nothing was stored; remove a model you no longer need or free disk space, then add it again`] };
    }
    if (err.name === 'ConstraintError') {
      return { ok: false, errors: [`"${label}" is already in your models (added meanwhile, perhaps from another tab): nothing was added`] };
    }
    return { ok: false, errors: [`"${label}" could not be stored (${err.name || 'error'}: ${err.message ?? String(e)}); nothing was stored`] };
  }
  return { ok: true, model: record };
}

/** The stored models, bytes included, oldest first. Records of another format version are skipped. */
export async function listUserModels(): Promise<UserModelRecord[]> {
  const all = await (await userDb()).getAll('models');
  return all.filter((r) => r.version === USER_MODEL_FORMAT_VERSION).sort((a, b) => a.addedAt - b.addedAt);
}

/** The same list without the bytes (reads only the small `meta` store: cheap with large models). */
export async function listUserModelMeta(): Promise<UserModelMeta[]> {
  const all = await (await userDb()).getAll('meta');
  return all.filter((r) => r.version === USER_MODEL_FORMAT_VERSION).sort((a, b) => a.addedAt - b.addedAt);
}

/** The full record (bytes included), or null. */
export async function getUserModel(id: string): Promise<UserModelRecord | null> {
  const r = await (await userDb()).getFromIndex('models', 'byId', id);
  return r && r.version === USER_MODEL_FORMAT_VERSION ? r : null;
}

export async function getUserModelBytes(id: string): Promise<ArrayBuffer | null> {
  return (await getUserModel(id))?.bytes ?? null;
}

/** Removes a model (record and listing together); false when there was none. */
export async function removeUserModel(id: string): Promise<boolean> {
  const d = await userDb();
  const tx = d.transaction(['models', 'meta'], 'readwrite');
  const m = await tx.objectStore('meta').index('byId').getKey(id);
  const r = await tx.objectStore('models').index('byId').getKey(id);
  const keys = [...new Set([m, r].filter((k): k is string => typeof k === 'string'))];
  for (const k of keys) {
    await tx.objectStore('meta').delete(k);
    await tx.objectStore('models').delete(k);
  }
  await tx.done;
  return keys.length > 0;
}

/** Removes every user model. */
export async function clearUserModels(): Promise<void> {
  const d = await userDb();
  const tx = d.transaction(['models', 'meta'], 'readwrite');
  await Promise.all([tx.objectStore('models').clear(), tx.objectStore('meta').clear(), tx.done]);
}
