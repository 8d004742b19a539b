// A real tfjs backbone that this build does not serve (a clone without ../shared), fetched on the
// user's consent from its pinned public copy (src/realzoo/shared/pins.ts: raw.githubusercontent.com
// at the source commit, jsDelivr as the mirror) or taken from files the user already has. Every file
// is checked by size and sha256 before anything is stored; the model is converted as the build
// converts it (realServedFiles) and saved where loadNpmModel looks first (npmIdbKey), so that
// loadNpmModel(id) then works, offline too.
import { npmEntry, npmIdbKey } from '../../npmzoo/client/npm-models.ts';
import { loadNpmModel as loadFromFiles, tf, type ModelFiles } from '../../npmzoo/tfjs/features.ts';
import { realPinned, realPinnedModels, type RealPinnedFile, type RealPinnedModel } from '../shared/pins.ts';
import { realServedFiles } from '../shared/served.ts';

export interface RealDownloadInfo {
  id: string;
  label: string;
  files: number;
  bytes: number;
  /** the hosts asked, in order (pinned address, then the mirror) */
  hosts: string[];
}

export interface RealProgress {
  id: string;
  filesDone: number;
  files: number;
  bytesDone: number;
  bytes: number;
  bytesPerSecond: number;
  /** null until a rate is known */
  secondsLeft: number | null;
}

export type RealFetch = (url: string, init: { signal: AbortSignal }) => Promise<Response>;

export interface GetRealBackboneOptions {
  /** asked with the size before any byte is fetched; false = nothing is fetched */
  consent: boolean | ((info: RealDownloadInfo) => boolean | Promise<boolean>);
  /** injectable (tests map the pinned addresses to local files) */
  fetch?: RealFetch;
  onProgress?: (p: RealProgress) => void;
  signal?: AbortSignal;
  /** files fetched at once (the layers models have one small shard per layer) */
  concurrency?: number;
}

export interface RealBackboneStored {
  id: string;
  idbKey: string;
  from: 'indexeddb' | 'download' | 'files';
  files: number;
  bytes: number;
  /** files that came from the mirror because the pinned address failed */
  fromMirror: number;
}

export class RealBackboneError extends Error {
  readonly name = 'RealBackboneError';
  constructor(message: string, readonly reason: 'consent' | 'network' | 'size' | 'sha256' | 'aborted' | 'store', readonly id: string, readonly file?: string) {
    super(message);
  }
}

function pinsOf(id: string): RealPinnedModel {
  const p = realPinned(id);
  if (!p) throw new Error(`${id} is not a real tfjs backbone with pinned public files`);
  return p;
}

/** What fetching `id` costs: total bytes and file count. Nothing is fetched. */
export function realBackboneDownload(id: string): RealDownloadInfo {
  const p = pinsOf(id);
  const hosts = [...new Set(p.files.flatMap((f) => [new URL(f.url).host, new URL(f.mirror).host]))];
  return { id, label: npmEntry(id).label, files: p.files.length, bytes: p.bytes, hosts };
}

async function sha256Hex(b: Uint8Array): Promise<string> {
  const h = new Uint8Array(await crypto.subtle.digest('SHA-256', b as Uint8Array<ArrayBuffer>));
  return [...h].map((x) => x.toString(16).padStart(2, '0')).join('');
}

/** whether the model is already where loadNpmModel looks first */
export async function realBackboneStored(id: string): Promise<boolean> {
  try {
    return npmIdbKey(npmEntry(id)) in (await tf.io.listModels());
  } catch {
    return false;
  }
}

class Refused extends Error {
  constructor(message: string, readonly reason: 'network' | 'size' | 'sha256') { super(message); }
}

/** The body, refused past the pinned size (a wrong file never fills memory). */
async function readCapped(res: Response, f: RealPinnedFile, signal: AbortSignal, onBytes: (n: number) => void): Promise<Uint8Array> {
  const buf = new Uint8Array(f.bytes);
  let n = 0;
  const take = (chunk: Uint8Array) => {
    if (n + chunk.byteLength > f.bytes) throw new Refused(`more than the pinned ${f.bytes} bytes`, 'size');
    buf.set(chunk, n);
    n += chunk.byteLength;
    onBytes(chunk.byteLength);
  };
  if (res.body) {
    const reader = res.body.getReader();
    try {
      for (;;) {
        const r = await reader.read();
        if (r.done) break;
        signal.throwIfAborted(); // an injected fetch may ignore the signal
        take(r.value);
      }
    } catch (e) {
      await reader.cancel().catch(() => undefined);
      throw e;
    }
  } else take(new Uint8Array(await res.arrayBuffer()));
  if (n !== f.bytes) throw new Refused(`${n} bytes, the pinned file has ${f.bytes}`, 'size');
  return buf;
}

async function checkSha(f: RealPinnedFile, b: Uint8Array): Promise<void> {
  const h = await sha256Hex(b);
  if (h !== f.sha256) throw new Refused(`sha256 ${h.slice(0, 12)}… is not the pinned ${f.sha256.slice(0, 12)}…`, 'sha256');
}

/** Converts as the build does and saves with tfjs where loadNpmModel reads (its own save path). */
async function store(p: RealPinnedModel, byName: ReadonlyMap<string, Uint8Array>): Promise<string> {
  const e = npmEntry(p.id);
  const key = npmIdbKey(e);
  const dec = new TextDecoder();
  const json = JSON.parse(dec.decode(byName.get('model.json')!)) as ModelFiles['json'];
  const src: ModelFiles = { json, shards: json.weightsManifest.flatMap((g) => g.paths).map((n) => byName.get(n)!) };
  const served = realServedFiles(p.format, src);
  try {
    const m = await loadFromFiles({ json: JSON.parse(dec.decode(served.json)), shards: [served.weights] }, p.format);
    try {
      if (m.kind === 'graph') await m.graph!.save(key);
      else await m.layers!.save(key);
    } finally {
      m.dispose();
    }
  } catch (err) {
    await tf.io.removeModel(key).catch(() => undefined);
    throw new RealBackboneError(`${p.id}: could not be stored in this browser (${(err as Error).message})`, 'store', p.id);
  }
  return key;
}

/**
 * The model stored where loadNpmModel reads it: at once when IndexedDB has it, else fetched on
 * consent from the pinned addresses (the mirror when the pinned one fails), every file checked by
 * size and sha256. Any refused file refuses the model and nothing is stored.
 */
export async function getRealBackbone(id: string, opts: GetRealBackboneOptions): Promise<RealBackboneStored> {
  const p = pinsOf(id);
  const key = npmIdbKey(npmEntry(id));
  if (await realBackboneStored(id)) return { id, idbKey: key, from: 'indexeddb', files: p.files.length, bytes: p.bytes, fromMirror: 0 };
  const info = realBackboneDownload(id);
  const yes = typeof opts.consent === 'function' ? await opts.consent(info) : opts.consent === true;
  if (!yes) throw new RealBackboneError(`${id}: fetching ${p.files.length} files (${p.bytes} bytes) was declined; nothing was fetched`, 'consent', id);
  const aborted = () => new RealBackboneError(`${id}: cancelled; nothing was stored`, 'aborted', id);
  if (opts.signal?.aborted) throw aborted();

  const doFetch: RealFetch = opts.fetch ?? ((url, init) => fetch(url, { signal: init.signal, credentials: 'omit', referrerPolicy: 'no-referrer' }));
  const ctl = new AbortController();
  const onAbort = () => ctl.abort();
  opts.signal?.addEventListener('abort', onAbort);
  const t0 = performance.now();
  let bytesDone = 0, filesDone = 0, fromMirror = 0;
  const progress = () => {
    const s = (performance.now() - t0) / 1000;
    const rate = s > 0 ? bytesDone / s : 0;
    opts.onProgress?.({ id, filesDone, files: p.files.length, bytesDone, bytes: p.bytes, bytesPerSecond: rate, secondsLeft: rate > 0 ? (p.bytes - bytesDone) / rate : null });
  };

  const one = async (f: RealPinnedFile): Promise<Uint8Array> => {
    const why: string[] = [];
    let worst: Refused['reason'] = 'network';
    for (const url of [f.url, f.mirror]) {
      let counted = 0;
      try {
        const res = await doFetch(url, { signal: ctl.signal });
        if (!res.ok) throw new Refused(`HTTP ${res.status}`, 'network');
        const b = await readCapped(res, f, ctl.signal, (n) => { counted += n; bytesDone += n; progress(); });
        await checkSha(f, b);
        if (url === f.mirror) fromMirror++;
        return b;
      } catch (err) {
        bytesDone -= counted;
        if (ctl.signal.aborted) throw err;
        const r = err instanceof Refused ? err : new Refused((err as Error).message || String(err), 'network');
        if (r.reason !== 'network') worst = r.reason;
        why.push(`${new URL(url).host}: ${r.message}`);
      }
    }
    throw new RealBackboneError(`${id}: file ${f.name} refused (${why.join('; ')}); nothing was stored`, worst, id, f.name);
  };

  const byName = new Map<string, Uint8Array>();
  let failure: unknown = null;
  const queue = [...p.files];
  const worker = async () => {
    for (let f = queue.shift(); f && !failure; f = queue.shift()) {
      try {
        byName.set(f.name, await one(f));
        filesDone++;
        progress();
      } catch (err) {
        failure ??= err;
        ctl.abort();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 6) }, worker));
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  if (opts.signal?.aborted) throw aborted();
  if (failure) throw failure;
  return { id, idbKey: await store(p, byName), from: 'download', files: p.files.length, bytes: p.bytes, fromMirror };
}

export interface RealFilesResult {
  /** models whose every file is now here: converted and stored */
  stored: RealBackboneStored[];
  /** models some of whose files are here (kept for this session: drop the rest to complete them) */
  incomplete: { id: string; missing: string[]; have: number; files: number }[];
  /** files that are no pinned file of any real backbone */
  refused: { name: string; reason: string }[];
  message: string;
}

// verified files of incomplete sets, by sha256, until the rest arrives (this page session only)
const pending = new Map<string, Uint8Array>();

/**
 * "Use files you already have": each file is matched by size and sha256 against every real
 * backbone's pinned files (its name does not matter); a model whose files are all here is converted
 * and stored as getRealBackbone stores it.
 */
export async function acceptRealBackboneFiles(files: readonly File[]): Promise<RealFilesResult> {
  const models = realPinnedModels();
  const sizes = new Set(models.flatMap((m) => m.files.map((f) => f.bytes)));
  const refused: RealFilesResult['refused'] = [];
  const touched = new Set<RealPinnedModel>();
  for (const file of files) {
    let hits: RealPinnedModel[] = [];
    if (sizes.has(file.size)) {
      const b = new Uint8Array(await file.arrayBuffer());
      const h = await sha256Hex(b);
      hits = models.filter((x) => x.files.some((f) => f.sha256 === h && f.bytes === b.byteLength));
      if (hits.length) pending.set(h, b);
    }
    if (!hits.length) refused.push({ name: file.name, reason: `${file.name} (${file.size} bytes) is no file of a real backbone: its size or sha256 matches none of the pinned files` });
    hits.forEach((m) => touched.add(m));
  }
  const stored: RealBackboneStored[] = [];
  const incomplete: RealFilesResult['incomplete'] = [];
  for (const m of touched) {
    const missing = m.files.filter((f) => !pending.has(f.sha256)).map((f) => f.name);
    if (missing.length) {
      incomplete.push({ id: m.id, missing, have: m.files.length - missing.length, files: m.files.length });
      continue;
    }
    const byName = new Map(m.files.map((f) => [f.name, pending.get(f.sha256)!] as const));
    const idbKey = await store(m, byName);
    for (const f of m.files) pending.delete(f.sha256);
    stored.push({ id: m.id, idbKey, from: 'files', files: m.files.length, bytes: m.bytes, fromMirror: 0 });
  }
  const lines = [
    ...stored.map((s) => `${s.id}: stored (${s.files} files, ${s.bytes} bytes)`),
    ...incomplete.map((i) => `${i.id}: ${i.have} of ${i.files} files; missing ${i.missing.join(', ')}`),
    ...refused.map((r) => `refused: ${r.reason}`),
  ];
  return { stored, incomplete, refused, message: lines.join('\n') || 'no files' };
}

/** Forgets the verified files of incomplete sets (tests; a UI's "start over"). */
export function clearPendingRealFiles(): void {
  pending.clear();
}
