// The page's first slice end to end: files -> plan -> embeddings (worker, cache) -> tokens.
// UI-free, so tests drive it directly and the UI only renders its state.
import { planDataset, IngestError, type Plan, type PlanOptions } from '../ingest/shared/plan.ts';
import { findDuplicates } from '../ingest/shared/duplicates.ts';
import type { PickedFile } from '../ingest/client/gather.ts';
import type { EncoderHandle } from '../encode/client/encoder-client.ts';
import type { EncodeProgress, EncodeResult, SkippedItem } from '../encode/shared/types.ts';
import type { DatasetTokens } from '../tokens/shared/format.ts';

export interface RunOptions {
  plan?: Partial<PlanOptions>;
  /** clusters for unlabelled data; undefined = automatic */
  k?: number;
  subCentres?: number;
  name?: string;
  /** every folder seen while walking the input (empty class folders are reported from it) */
  folders?: string[];
}

export interface SkipLine {
  path: string;
  reason: string;
  detail: string;
}

export interface RunReport {
  plan: Plan<PickedFile>;
  encode: EncodeResult;
  tokens: DatasetTokens | null;
  /** every file not used, with why: from the plan and from decoding */
  skipped: SkipLine[];
  notes: string[];
  cancelled: boolean;
}

export function planFromFiles(files: PickedFile[], opts: Partial<PlanOptions> = {}): Plan<PickedFile> {
  return planDataset(files, opts);
}

export async function runPipeline(
  encoder: EncoderHandle,
  files: PickedFile[],
  opts: RunOptions = {},
  onProgress?: (p: EncodeProgress) => void,
  extraErrors: string[] = [],
): Promise<RunReport> {
  const plan = planDataset(files, opts.plan, opts.folders);
  const items = plan.classes.flatMap((c, ci) => c.items.map((f) => ({ f, ci })));
  const enc = await encoder.encode(items.map(({ f }) => ({ path: f.path, file: f.file })), onProgress);
  performance.mark('zs:encoded');
  const notes = [...plan.notes];
  const skipped: SkipLine[] = [
    ...extraErrors.map((e) => ({ path: e.split(':')[0], reason: 'unreadable', detail: e })),
    ...plan.skipped.filter((s) => s.reason !== 'sampled-out'),
    ...enc.skipped.map((s: SkippedItem) => ({ path: s.path, reason: s.reason, detail: s.detail })),
  ];
  if (enc.downscaled.length) notes.push(`${enc.downscaled.length} very large image(s) were downscaled while decoding.`);
  if (enc.cache.enabled && enc.cache.notStored > 0) {
    notes.push(`Storage is full: ${enc.cache.notStored} embedding(s) were not cached (the run is complete; the next run will encode them again).`);
  }
  if (enc.cancelled) {
    notes.push(`Cancelled after ${enc.indices.length} of ${items.length} images; tokens use what was done.`);
  }
  // exact duplicates (same sha256) count once; one image under two classes is a label conflict
  const dup = findDuplicates(
    enc.indices.map((i, r) => ({ path: items[i].f.path, cls: plan.labelled ? items[i].ci : -1, sha256: enc.hashes[r] })),
    plan.classes.map((c) => c.name),
  );
  skipped.push(...dup.skipped);
  notes.push(...dup.notes);
  const rows = enc.indices.map((i, r) => ({ i, r })).filter(({ r }) => dup.keep[r]);
  const dim = enc.dim;
  const embeddings = new Float32Array(rows.length * dim);
  rows.forEach(({ r }, j) => embeddings.set(enc.embeddings.subarray(r * dim, (r + 1) * dim), j * dim));
  // classes that lost images to decoding or duplicates may now be too small
  const rowsPerClass = new Map<number, number>();
  for (const { i } of rows) rowsPerClass.set(items[i].ci, (rowsPerClass.get(items[i].ci) ?? 0) + 1);
  let tokens: DatasetTokens | null = null;
  if (rows.length >= 2) {
    const keepClasses = plan.classes.map((_, ci) => ci).filter((ci) => (rowsPerClass.get(ci) ?? 0) > 0);
    const remap = new Map(keepClasses.map((ci, j) => [ci, j]));
    const res = await encoder.tokens({
      embeddings,
      labels: plan.labelled ? Int32Array.from(rows, ({ i }) => remap.get(items[i].ci)!) : null,
      classNames: plan.labelled ? keepClasses.map((ci) => plan.classes[ci].name) : [],
      k: opts.k,
      subCentres: opts.subCentres ?? 1,
      seed: opts.plan?.seed ?? 0,
      name: opts.name,
    });
    tokens = res.tokens;
    performance.mark('zs:tokens');
    if (res.clustering) notes.push(`Found ${res.clustering.k} clusters (${opts.k ? 'set by you' : 'chosen automatically'}; silhouette ${res.clustering.silhouette.toFixed(3)}).`);
  } else notes.push('Fewer than 2 images could be used: no tokens.');
  return { plan, encode: enc, tokens, skipped, notes, cancelled: enc.cancelled };
}

export { IngestError };
