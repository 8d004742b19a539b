// Target tasks of the zoo ground truth: a dataset, or a seeded subset of its classes, optionally
// with a fixed number of images per class (few-shot). Definitions are committed
// (data/zoo-gt/tasks.json); the images a task uses are resolved deterministically from the sorted
// file listing, restricted to images no zoo model trained on.
import { mulberry32 } from '../../shared/random.ts';

/** v2 (GT format v2): a task holds every eligible image of its classes up to MAX_PER_CLASS (v1: 30). */
export const TASKS_VERSION = 2;
/** The stated per-class limit of a task (few-shot tasks excepted): every image of the shared datasets fits under it. */
export const MAX_PER_CLASS = 100;

export interface TaskDef {
  id: string;
  dataset: string;
  kind: 'full' | 'subset' | 'fewshot';
  /** class folder names, in label order */
  classes: string[];
  /** at most this many images per class (seeded sample of the eligible ones); null = all eligible */
  shots: number | null;
  seed: number;
}

export interface DatasetInfo {
  name: string;
  classes: string[];
  /** eligible (never trained on) images per class */
  counts: number[];
}

function seededPick<T>(xs: readonly T[], k: number, rand: () => number): T[] {
  const a = xs.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, k);
}

export interface TaskPlan {
  /** datasets with at most this many classes get a 'full' task (all classes) */
  fullMaxClasses: number;
  /** larger datasets get one subset of this many classes instead */
  bigSubset: number;
  /** [classes, how many subsets] */
  subsets: [number, number][];
  fewShotClasses: number;
  fewShot: number;
  /** at most this many images per class in any task (seeded sample) */
  maxPerClass: number;
  /** minimum eligible images per class for a class to be used at all */
  minPerClass: number;
}

export const DEFAULT_TASK_PLAN: TaskPlan = {
  fullMaxClasses: 10,
  bigSubset: 15,
  subsets: [[5, 2], [10, 1]],
  fewShotClasses: 10,
  fewShot: 8,
  maxPerClass: MAX_PER_CLASS,
  minPerClass: 4,
};

/** Seeded task list for a set of datasets: full (or a big class subset), class subsets, one few-shot task each. */
export function makeTasks(datasets: readonly DatasetInfo[], seed: number, plan: TaskPlan = DEFAULT_TASK_PLAN): TaskDef[] {
  const tasks: TaskDef[] = [];
  for (const ds of datasets) {
    const usable = ds.classes.filter((_, i) => ds.counts[i] >= plan.minPerClass);
    if (usable.length < 2) continue;
    const rand = mulberry32((seed ^ hashString(ds.name)) >>> 0);
    const cap = (n: number) => (n > plan.maxPerClass ? plan.maxPerClass : null);
    const maxCount = Math.max(...ds.counts);
    if (usable.length <= plan.fullMaxClasses)
      tasks.push({ id: `${ds.name}/full`, dataset: ds.name, kind: 'full', classes: usable, shots: cap(maxCount), seed });
    else {
      const cls = seededPick(usable, plan.bigSubset, rand).sort();
      tasks.push({ id: `${ds.name}/c${plan.bigSubset}-0`, dataset: ds.name, kind: 'subset', classes: cls, shots: cap(maxCount), seed });
    }
    for (const [k, times] of plan.subsets) {
      if (usable.length <= k) continue;
      for (let r = 0; r < times; r++) {
        const cls = seededPick(usable, k, rand).sort();
        tasks.push({ id: `${ds.name}/c${k}-${r}`, dataset: ds.name, kind: 'subset', classes: cls, shots: cap(maxCount), seed });
      }
    }
    const minCount = Math.min(...ds.classes.map((c, i) => (usable.includes(c) ? ds.counts[i] : Infinity)));
    const k = Math.min(plan.fewShotClasses, usable.length);
    if (minCount > plan.fewShot || k < usable.length) {
      const cls = k < usable.length ? seededPick(usable, k, rand).sort() : usable;
      const eligible = cls.filter((c) => ds.counts[ds.classes.indexOf(c)] >= plan.fewShot);
      if (eligible.length >= 2)
        tasks.push({ id: `${ds.name}/c${eligible.length}-shot${plan.fewShot}`, dataset: ds.name, kind: 'fewshot', classes: eligible, shots: plan.fewShot, seed });
    }
  }
  return tasks;
}

export function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * The images of a task: indices into the dataset listing and labels 0..k-1 (class order of the
 * task). `eligible[i]` = 1 when image i may be used (never trained on by any zoo model).
 */
export function resolveTask(
  task: TaskDef,
  listingClasses: readonly string[],
  labels: ArrayLike<number>,
  eligible: ArrayLike<number>,
): { ids: Int32Array; labels: Int32Array } {
  const rand = mulberry32((task.seed ^ hashString(task.id)) >>> 0);
  const ids: number[] = [];
  const ys: number[] = [];
  task.classes.forEach((c, label) => {
    const ci = listingClasses.indexOf(c);
    if (ci < 0) throw new Error(`${task.id}: class ${c} missing from ${task.dataset}`);
    let members: number[] = [];
    for (let i = 0; i < labels.length; i++) if (labels[i] === ci && eligible[i]) members.push(i);
    if (task.shots !== null && members.length > task.shots) members = seededPick(members, task.shots, rand).sort((a, b) => a - b);
    for (const i of members) {
      ids.push(i);
      ys.push(label);
    }
  });
  return { ids: Int32Array.from(ids), labels: Int32Array.from(ys) };
}
