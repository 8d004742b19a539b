// From a list of files (with their paths inside what the user gave) to a labelled image set:
// which files are images, which subfolder is a class, what is sampled, and what is skipped and why.
// Pure: the page and Node both call it on {path, size} records.
import { mulberry32 } from '../../shared/random.ts';

export interface FileRecord {
  /** path relative to what was dropped or picked, '/'-separated, e.g. "pets/beagle/1.jpg" */
  path: string;
  size: number;
}

export type PlanSkipReason =
  | 'not-image'
  | 'hidden'
  | 'empty'
  | 'too-large'
  | 'outside-class'
  | 'class-too-small'
  | 'sampled-out';

export interface PlanSkip {
  path: string;
  reason: PlanSkipReason;
  detail: string;
}

export interface PlannedClass<T> {
  name: string;
  items: T[];
  /** images available before sampling */
  available: number;
}

export interface Plan<T> {
  /** true when classes come from subfolders; false: one flat set to be clustered */
  labelled: boolean;
  root: string;
  classes: PlannedClass<T>[];
  skipped: PlanSkip[];
  /** plain-language notes for the user (single class, sampling, ...) */
  notes: string[];
  totals: { files: number; images: number; selected: number };
}

export interface PlanOptions {
  /** images kept per class at most (seeded sample) */
  maxPerClass: number;
  /** images kept in all at most */
  maxImages: number;
  /** classes with fewer images are dropped */
  minPerClass: number;
  maxFileBytes: number;
  seed: number;
}

export const DEFAULT_PLAN: PlanOptions = { maxPerClass: 50, maxImages: 5000, minPerClass: 2, maxFileBytes: 64 << 20, seed: 0 };

export class IngestError extends Error {
  constructor(
    readonly code: 'empty' | 'no-images' | 'no-classes',
    message: string,
  ) {
    super(message);
  }
}

const IMAGE_EXT = new Set(['jpg', 'jpeg', 'jpe', 'jfif', 'png', 'gif', 'webp', 'bmp', 'avif']);
const HIDDEN = /(^|\/)(\.[^/]*|__MACOSX|Thumbs\.db|desktop\.ini)(\/|$)/i;

export function extensionOf(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/** k items out of xs, seeded, keeping their input order (a stable, reproducible sample). */
export function seededSample<T>(xs: readonly T[], k: number, seed: number): T[] {
  if (k >= xs.length) return [...xs];
  const idx = xs.map((_, i) => i);
  const rnd = mulberry32(seed);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rnd() * (idx.length - i));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx.slice(0, k).sort((a, b) => a - b).map((i) => xs[i]);
}

function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

const byPath = (a: FileRecord, b: FileRecord) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

export function planDataset<T extends FileRecord>(files: readonly T[], options: Partial<PlanOptions> = {}): Plan<T> {
  const o = { ...DEFAULT_PLAN, ...options };
  const skipped: PlanSkip[] = [];
  const notes: string[] = [];
  if (files.length === 0) throw new IngestError('empty', 'The folder is empty: there is nothing to read.');

  const images: T[] = [];
  for (const f of [...files].sort(byPath)) {
    if (HIDDEN.test(f.path)) skipped.push({ path: f.path, reason: 'hidden', detail: 'hidden or system file' });
    else if (!IMAGE_EXT.has(extensionOf(f.path))) {
      skipped.push({ path: f.path, reason: 'not-image', detail: `not an image file (.${extensionOf(f.path) || 'no extension'})` });
    } else if (f.size === 0) skipped.push({ path: f.path, reason: 'empty', detail: 'zero-byte file' });
    else if (f.size > o.maxFileBytes) {
      skipped.push({ path: f.path, reason: 'too-large', detail: `${(f.size / 1e6).toFixed(1)} MB, limit ${(o.maxFileBytes / 1e6).toFixed(0)} MB` });
    } else images.push(f);
  }
  if (images.length === 0) {
    throw new IngestError('no-images', `No images among ${files.length} file(s): drop a folder of JPEG, PNG, WebP, GIF or BMP images.`);
  }

  // The root is the deepest folder holding every image; its subfolders are the classes.
  const dirs = images.map((f) => f.path.split('/').slice(0, -1));
  let depth = 0;
  while (dirs.every((d) => d.length > depth && d[depth] === dirs[0][depth])) depth++;
  const root = dirs[0].slice(0, depth).join('/');
  const groups = new Map<string, T[]>();
  const loose: T[] = [];
  images.forEach((f, i) => {
    const d = dirs[i];
    if (d.length === depth) loose.push(f);
    else {
      const g = groups.get(d[depth]) ?? [];
      g.push(f);
      groups.set(d[depth], g);
    }
  });

  let labelled = groups.size >= 2;
  let classes: PlannedClass<T>[];
  if (groups.size === 0) {
    notes.push(depth >= 2
      ? `All images sit in one folder ("${dirs[0][depth - 1]}"), so there is only one class: they are treated as unlabelled and grouped by clustering their embeddings.`
      : 'No class subfolders: the images are treated as unlabelled and grouped by clustering their embeddings.');
    classes = [{ name: '(unlabelled)', items: loose, available: loose.length }];
  } else if (groups.size === 1) {
    const [name, items] = [...groups][0];
    notes.push(`Only one class folder ("${name}"): one class cannot be ranked on, so its images are treated as unlabelled and clustered.`);
    const all = [...items, ...loose];
    classes = [{ name: '(unlabelled)', items: all, available: all.length }];
  } else {
    for (const f of loose) skipped.push({ path: f.path, reason: 'outside-class', detail: 'image beside the class folders, not inside one' });
    classes = [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, items]) => ({ name, items, available: items.length }));
    const small = classes.filter((c) => c.items.length < o.minPerClass);
    for (const c of small) {
      for (const f of c.items) {
        skipped.push({ path: f.path, reason: 'class-too-small', detail: `class "${c.name}" has ${c.items.length} image(s), fewer than ${o.minPerClass}` });
      }
    }
    classes = classes.filter((c) => c.items.length >= o.minPerClass);
    if (small.length) notes.push(`${small.length} class(es) dropped for having fewer than ${o.minPerClass} images: ${small.map((c) => c.name).join(', ')}.`);
    if (classes.length < 2) {
      if (classes.length === 0) throw new IngestError('no-classes', `Every class has fewer than ${o.minPerClass} images: nothing to rank on.`);
      notes.push(`Only one class ("${classes[0].name}") has enough images: it is treated as unlabelled and clustered.`);
      classes = [{ name: '(unlabelled)', items: classes[0].items, available: classes[0].items.length }];
      labelled = false;
    }
  }

  // Seeded sampling: per class first, then a cap on the total, spread evenly over classes.
  const perClassCap = labelled ? Math.max(o.minPerClass, Math.min(o.maxPerClass, Math.floor(o.maxImages / classes.length))) : o.maxImages;
  let sampledOut = 0;
  for (const c of classes) {
    if (c.items.length > perClassCap) {
      const keep = seededSample(c.items, perClassCap, o.seed ^ hashString(c.name));
      const kept = new Set(keep);
      for (const f of c.items) {
        if (!kept.has(f)) skipped.push({ path: f.path, reason: 'sampled-out', detail: `not in the seeded sample of ${perClassCap} per class` });
      }
      sampledOut += c.items.length - keep.length;
      c.items = keep;
    }
  }
  const selected = classes.reduce((s, c) => s + c.items.length, 0);
  if (sampledOut > 0) {
    notes.push(`${images.length} images found; a seeded sample of ${selected} is used (at most ${perClassCap} per ${labelled ? 'class' : 'set'}, seed ${o.seed}).`);
  }
  return { labelled, root, classes, skipped, notes, totals: { files: files.length, images: images.length, selected } };
}
