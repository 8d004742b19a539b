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
  | 'sampled-out'
  | 'empty-folder'
  | 'no-images';

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

/** How folders became classes: 'top' = the first-level folders under the root, 'leaf' = the folders that hold the images. */
export type ClassLevel = 'top' | 'leaf';

export interface ClassRule {
  level: ClassLevel;
  /** the rule as told to the user */
  text: string;
  /** the other reading gives different classes; null when both agree (a flat tree) */
  alternative: { level: ClassLevel; classes: number; examples: string[] } | null;
}

export interface Plan<T> {
  /** true when classes come from subfolders; false: one flat set to be clustered */
  labelled: boolean;
  root: string;
  /** the folder rule applied (labelled plans), and the other reading when the tree is ambiguous */
  rule: ClassRule | null;
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
  /** which folder level is the class (see ClassLevel) */
  classLevel: ClassLevel;
}

// minPerClass 1: one image per class is Cross-Select's own setting (its dataset tokens are built from
// one image per class); the ranker needs only class centres. The fine stage needs 2 (it holds out).
export const DEFAULT_PLAN: PlanOptions = { maxPerClass: 50, maxImages: 5000, minPerClass: 1, maxFileBytes: 64 << 20, seed: 0, classLevel: 'top' };

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

/** Folders that hold no usable image anywhere below them, reported once at their top. */
function imagelessFolders(files: readonly FileRecord[], folders: readonly string[], images: readonly FileRecord[]): PlanSkip[] {
  const parentOf = (p: string) => p.slice(0, Math.max(0, p.lastIndexOf('/')));
  const all = new Set<string>();
  const addWithParents = (dir: string) => {
    for (let d = dir; d && !all.has(d); d = parentOf(d)) all.add(d);
  };
  for (const f of files) addWithParents(parentOf(f.path));
  for (const d of folders) addWithParents(d.replace(/\/+$/, ''));
  const withImages = new Set<string>(), withFiles = new Set<string>();
  for (const f of images) for (let d = parentOf(f.path); d && !withImages.has(d); d = parentOf(d)) withImages.add(d);
  for (const f of files) for (let d = parentOf(f.path); d && !withFiles.has(d); d = parentOf(d)) withFiles.add(d);
  const out: PlanSkip[] = [];
  for (const d of [...all].sort()) {
    if (withImages.has(d) || HIDDEN.test(d)) continue;
    const parent = parentOf(d);
    if (parent && !withImages.has(parent)) continue; // reported at a higher folder
    if (!parent && withImages.size === 0) continue;
    out.push(withFiles.has(d)
      ? { path: `${d}/`, reason: 'no-images', detail: 'folder with files but no usable image: not a class' }
      : { path: `${d}/`, reason: 'empty-folder', detail: 'empty folder: not a class' });
  }
  return out;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Plan a labelled (or flat) image set from file records. `folders` lists every folder seen while
 * walking (empty ones included), so empty class folders can be reported; a file picker that hides
 * empty folders simply passes none.
 */
export function planDataset<T extends FileRecord>(files: readonly T[], options: Partial<PlanOptions> = {}, folders: readonly string[] = []): Plan<T> {
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
  skipped.push(...imagelessFolders(files, folders, images));

  // The root is the deepest folder holding every image; below it, folders are classes.
  const dirs = images.map((f) => f.path.split('/').slice(0, -1));
  let depth = 0;
  while (dirs.every((d) => d.length > depth && d[depth] === dirs[0][depth])) depth++;
  const root = dirs[0].slice(0, depth).join('/');
  const where = root ? `"${root}"` : 'what you gave';
  // both readings of the tree: the first level under the root, or the folder holding each image
  const group = (level: ClassLevel) => {
    const groups = new Map<string, T[]>();
    const loose: T[] = [];
    images.forEach((f, i) => {
      const d = dirs[i];
      if (d.length === depth) return loose.push(f);
      const key = level === 'top' ? d[depth] : d.slice(depth).join('/');
      const g = groups.get(key) ?? [];
      g.push(f);
      groups.set(key, g);
    });
    return { groups, loose };
  };
  const chosen = group(o.classLevel);
  const other = group(o.classLevel === 'top' ? 'leaf' : 'top');
  // the readings differ when some first-level folder spreads its images over several folders
  const samePartition = chosen.groups.size === other.groups.size;
  const { groups, loose } = chosen;

  let labelled = groups.size >= 2;
  let rule: ClassRule | null = null;
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
    classes = [...groups].sort(([a], [b]) => cmp(a, b)).map(([name, items]) => ({ name, items, available: items.length }));
    const nested = dirs.some((d) => d.length > depth + 1);
    const text = o.classLevel === 'top'
      ? nested
        ? `Classes are the ${classes.length} first-level folders under ${where}; images in deeper folders count toward their first-level folder (as image-folder datasets are laid out: deeper levels usually split one label by date, source or sub-type).`
        : `Classes are the ${classes.length} folders under ${where}.`
      : `Classes are the ${classes.length} folders that hold the images, named by their path under ${where} (a deeper level is read as a label of its own).`;
    rule = {
      level: o.classLevel, text,
      alternative: samePartition || other.groups.size < 2 ? null : {
        level: o.classLevel === 'top' ? 'leaf' : 'top',
        classes: other.groups.size,
        examples: [...other.groups.keys()].sort(cmp).slice(0, 4),
      },
    };
    notes.push(text);
    if (rule.alternative) {
      notes.push(`The tree can be read another way: ${rule.alternative.level === 'leaf' ? 'each folder holding images as a class' : 'each first-level folder as a class'} gives ${rule.alternative.classes} classes (${rule.alternative.examples.map((e) => `"${e}"`).join(', ')}${rule.alternative.classes > 4 ? ', …' : ''}).`);
    }
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
      rule = null;
    }
    const single = classes.filter((c) => c.items.length === 1);
    if (labelled && single.length) {
      notes.push(`Tiny sample: ${single.length === classes.length ? 'every class has' : `${single.length} of ${classes.length} classes have`} a single image${single.length < classes.length ? ` (${single.slice(0, 5).map((c) => c.name).join(', ')}${single.length > 5 ? ', …' : ''})` : ''}. The ranking uses class centres alone (Cross-Select's one-image-per-class setting), so take it as a first guess; checking models on your images needs at least 2 images in each of 2 classes.`);
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
  return { labelled, root, rule, classes, skipped, notes, totals: { files: files.length, images: images.length, selected } };
}
