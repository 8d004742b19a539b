// Data assembly for the ranker (Node): measured GT (data/zoo-gt, or the GT command's cache while it
// is still being written), task definitions, and dataset tokens per task (class centres of the
// task's images under the Node encoder) and per zoo source dataset (the "source token" of a model:
// class centres of the data it was fine-tuned on, zoo half only).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_ENCODER_ID, encoderById } from '../../encode/shared/manifest.ts';
import { weightedTau } from '../../metrics/ranking.ts';
import { halves } from '../../probe/shared/cv.ts';
import { GT_FORMAT_VERSION, parseGtCsv, type GtCellV2 } from '../../zoo/shared/gt-format.ts';
import { mulberry32 } from '../../shared/random.ts';
import { buildTokens } from '../../tokens/shared/tokens.ts';
import type { DatasetTokens, EncoderRef } from '../../tokens/shared/format.ts';
import { POOL_SOURCES, type ZooCatalogue } from '../../zoo/shared/catalogue.ts';
import { zooTargetSplit } from '../../zoo/shared/split.ts';
import { resolveTask, type TaskDef } from '../../zoo/shared/tasks.ts';
import { CACHE_DIR, SHARED_DATASETS, listFolder, listingHash, loadPixels, type FolderListing } from '../../zoo/node/dataset.ts';
import { embedImages, RANK_CACHE } from './embed.ts';

export const DEFAULT_ENCODER = DEFAULT_ENCODER_ID;

export function encoderRef(id = DEFAULT_ENCODER): EncoderRef {
  const e = encoderById(id);
  return { id: e.id, sha256: e.sha256!, dim: e.dim };
}

/**
 * GT per task (format v2): model -> mean k-fold accuracy over all repeats; the means over the first
 * and the second half of the repeats (two disjoint measurements: the noise ceiling); forward-pass
 * scores on the same training folds.
 */
export interface GtTable {
  acc: Map<string, Map<string, number>>;
  halfA: Map<string, Map<string, number>>;
  halfB: Map<string, Map<string, number>>;
  scores: Map<string, Map<string, Record<string, number>>>;
  source: string;
}

export function emptyGt(source = ''): GtTable {
  return { acc: new Map(), halfA: new Map(), halfB: new Map(), scores: new Map(), source };
}

/** Add measured cells to a table (later cells of the same task and model replace earlier ones). */
export function addCells(g: GtTable, cells: Iterable<GtCellV2>): GtTable {
  const put = <T>(m: Map<string, Map<string, T>>, t: string, k: string, v: T) => {
    if (!m.has(t)) m.set(t, new Map());
    m.get(t)!.set(k, v);
  };
  for (const c of cells) {
    put(g.acc, c.task, c.model, c.accuracy);
    if (c.repeats.length >= 2) {
      const [a, b] = halves(c.repeats);
      put(g.halfA, c.task, c.model, a);
      put(g.halfB, c.task, c.model, b);
    }
    if (c.scores) put(g.scores, c.task, c.model, c.scores);
  }
  return g;
}

/** Adds every cell of `from` to `into` (same task and model: `from` wins); task ids pass through `rename`. */
export function mergeGt(into: GtTable, from: GtTable, rename: (task: string) => string = (t) => t): GtTable {
  for (const k of ['acc', 'halfA', 'halfB', 'scores'] as const) {
    const dst = into[k] as Map<string, Map<string, unknown>>;
    for (const [t, row] of from[k] as Map<string, Map<string, unknown>>) {
      const id = rename(t);
      if (!dst.has(id)) dst.set(id, new Map());
      for (const [m, v] of row) dst.get(id)!.set(m, v);
    }
  }
  return into;
}

export function loadGt(dir = 'data/zoo-gt', cacheKey = 'shared'): GtTable {
  const gtCsv = join(dir, 'gt.csv');
  const cache = join(CACHE_DIR, `gt-v${GT_FORMAT_VERSION}`, cacheKey, 'results.jsonl');
  // the committed table when it exists; otherwise whatever the GT command has measured so far
  if (existsSync(gtCsv) && !(process.env.RANK_GT === 'cache' && existsSync(cache))) {
    const sc = join(dir, 'scores.csv');
    return addCells(emptyGt(gtCsv), parseGtCsv(readFileSync(gtCsv, 'utf8'), existsSync(sc) ? readFileSync(sc, 'utf8') : undefined));
  }
  if (!existsSync(cache)) throw new Error(`no GT: neither ${gtCsv} nor ${cache}`);
  const cells: GtCellV2[] = [];
  for (const line of readFileSync(cache, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      cells.push(JSON.parse(line));
    } catch {
      // a line being written
    }
  }
  return addCells(emptyGt(cache), cells);
}

/** Noise ceiling over tasks x models: mean weighted tau between the two halves of the repeats (tasks with >= 3 such models). */
export function ceilingOf(g: GtTable, tasks: string[], models: string[]): { tau: number; tasks: number } {
  let s = 0, n = 0;
  for (const t of tasks) {
    const a0 = g.halfA.get(t), a1 = g.halfB.get(t);
    if (!a0 || !a1) continue;
    const ms = models.filter((m) => a0.has(m) && a1.has(m));
    if (ms.length < 3) continue;
    const w = weightedTau(ms.map((m) => a0.get(m)!), ms.map((m) => a1.get(m)!));
    if (Number.isFinite(w)) { s += w; n++; }
  }
  return { tau: s / n, tasks: n };
}

export interface TaskFile {
  tasks: TaskDef[];
}
export function loadTasks(path = 'data/zoo-gt/tasks.json'): TaskDef[] {
  return (JSON.parse(readFileSync(path, 'utf8')) as TaskFile).tasks;
}

interface Target {
  listing: FolderListing;
  eligible: Uint8Array;
}

/** Same eligibility as the GT command: the zoo half of a source dataset and undecodable images never enter a task. */
export function loadTarget(name: string, catalogue: ZooCatalogue, dir?: string): Target {
  const listing = dir ? listFolder(dir) : listFolder(join(SHARED_DATASETS, name), name);
  const px = loadPixels(listing, catalogue.preprocess);
  const eligible = new Uint8Array(listing.files.length).fill(1);
  if (!dir && catalogue.models.some((m) => m.source === name)) {
    const zoo = zooTargetSplit(listing.labels, catalogue.trainFraction, catalogue.splitSeed);
    for (let i = 0; i < eligible.length; i++) if (zoo[i]) eligible[i] = 0;
  }
  for (let i = 0; i < eligible.length; i++) if (px.bad[i]) eligible[i] = 0;
  return { listing, eligible };
}

function tokensFromIds(listing: FolderListing, ids: Int32Array | number[], labels: ArrayLike<number>, classNames: string[], emb: { dim: number; get(i: number): Float32Array | null }, enc: EncoderRef, name: string): DatasetTokens {
  const rows: number[] = [];
  const ys: number[] = [];
  Array.from(ids).forEach((id, r) => {
    if (emb.get(id)) {
      rows.push(id);
      ys.push(labels[r]);
    }
  });
  const e = new Float32Array(rows.length * emb.dim);
  rows.forEach((id, r) => e.set(emb.get(id)!, r * emb.dim));
  const t = buildTokens({ encoder: enc, embeddings: e, labels: ys, classNames, labelled: true, name });
  t.createdAt = '';
  return t;
}

const tokenCacheDir = (encId: string) => join(RANK_CACHE, 'tokens', encId);

/** Dataset tokens of every task (cached as JSON per task). */
export async function taskTokens(tasks: TaskDef[], catalogue: ZooCatalogue, opts: { encoderId?: string; dataDir?: string; log?: boolean } = {}): Promise<Map<string, DatasetTokens>> {
  const encId = opts.encoderId ?? DEFAULT_ENCODER;
  const enc = encoderRef(encId);
  const dir = join(tokenCacheDir(encId), opts.dataDir ? 'custom' : 'shared');
  mkdirSync(dir, { recursive: true });
  const out = new Map<string, DatasetTokens>();
  const byDataset = new Map<string, TaskDef[]>();
  for (const t of tasks) byDataset.set(t.dataset, [...(byDataset.get(t.dataset) ?? []), t]);
  for (const [ds, ts] of byDataset) {
    const target = loadTarget(ds, catalogue, opts.dataDir);
    const key = (t: TaskDef) => join(dir, `${t.id.replace(/\//g, '__')}-${listingHash(target.listing)}.json`);
    if (ts.every((t) => existsSync(key(t)))) {
      for (const t of ts) out.set(t.id, JSON.parse(readFileSync(key(t), 'utf8')));
      continue;
    }
    const resolved = ts.map((t) => resolveTask(t, target.listing.classes, target.listing.labels, target.eligible));
    const need = new Set<number>();
    for (const r of resolved) for (const i of r.ids) need.add(i);
    const emb = await embedImages(target.listing, need, encId, opts.log);
    ts.forEach((t, k) => {
      const tok = tokensFromIds(target.listing, resolved[k].ids, resolved[k].labels, t.classes, emb, enc, t.id);
      writeFileSync(key(t), JSON.stringify(tok));
      out.set(t.id, tok);
    });
  }
  return out;
}

/** Images per source token: per-class cap so a source holds about this many images. */
export const SOURCE_TOKEN_IMAGES = 300;

/**
 * Source tokens: class centres of each zoo source dataset (its zoo half, the part the models were
 * fine-tuned on; seeded per-class sample), and the pool token (all pool sources' classes).
 */
export async function sourceTokens(catalogue: ZooCatalogue, opts: { encoderId?: string; log?: boolean } = {}): Promise<Map<string, DatasetTokens>> {
  const encId = opts.encoderId ?? DEFAULT_ENCODER;
  const enc = encoderRef(encId);
  const dir = join(tokenCacheDir(encId), 'sources');
  mkdirSync(dir, { recursive: true });
  const out = new Map<string, DatasetTokens>();
  const sources = [...new Set(catalogue.models.map((m) => m.source))].filter((s) => s !== 'pool').sort();
  for (const s of sources) {
    const listing = listFolder(join(SHARED_DATASETS, s), s);
    const path = join(dir, `${s}-${listingHash(listing)}.json`);
    if (existsSync(path)) {
      out.set(s, JSON.parse(readFileSync(path, 'utf8')));
      continue;
    }
    const zoo = zooTargetSplit(listing.labels, catalogue.trainFraction, catalogue.splitSeed);
    const cap = Math.max(2, Math.floor(SOURCE_TOKEN_IMAGES / listing.classes.length));
    const rand = mulberry32(17);
    const ids: number[] = [];
    const ys: number[] = [];
    listing.classes.forEach((_, c) => {
      const members = [];
      for (let i = 0; i < listing.labels.length; i++) if (listing.labels[i] === c && zoo[i]) members.push(i);
      for (let i = members.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [members[i], members[j]] = [members[j], members[i]];
      }
      for (const i of members.slice(0, cap).sort((a, b) => a - b)) {
        ids.push(i);
        ys.push(c);
      }
    });
    const emb = await embedImages(listing, ids, encId, opts.log);
    const tok = tokensFromIds(listing, ids, ys, listing.classes, emb, enc, `source:${s}`);
    writeFileSync(path, JSON.stringify(tok));
    out.set(s, tok);
  }
  // the pool: every pool source's classes together
  const pool = POOL_SOURCES.filter((s) => out.has(s)).map((s) => out.get(s)!);
  if (pool.length) {
    const classes = pool.flatMap((t) => t.classes.map((c) => ({ ...c, name: `${t.name}/${c.name}` })));
    out.set('pool', { ...pool[0], name: 'source:pool', classes, stats: { ...pool[0].stats, images: pool.reduce((a, t) => a + t.stats.images, 0) } });
  }
  return out;
}

export const resolveRoot = (p: string) => resolve(p);

// `node --import tsx src/rank/node/data.ts`: embed and tokenize everything the ranker needs
if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const { loadCatalogue } = await import('../../zoo/node/catalogue.ts');
  const cat = loadCatalogue();
  const t0 = Date.now();
  const src = await sourceTokens(cat, { log: true });
  console.log(`source tokens: ${src.size} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  const tt = await taskTokens(loadTasks(), cat, { log: true });
  console.log(`task tokens: ${tt.size} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
}
