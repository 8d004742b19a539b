// GT table format v2 (docs/zoo.md): one row per (task, model), the mean held-out accuracy of
// repeated stratified k-fold CV (src/probe/shared/cv.ts) and each repeat's own mean, so that any
// reader can form two disjoint halves of the repeats (the noise ceiling). Used by the zoo, the npm
// models and the real backbones alike; v1 tables (one split per seed) are refused with a message.
import { parseCsv } from '../../shared/csv.ts';
import { weightedTau } from '../../metrics/ranking.ts';
import { halves } from '../../probe/shared/cv.ts';

export const GT_FORMAT_VERSION = 2;

export interface GtCellV2 {
  task: string;
  model: string;
  /** mean over all folds of all repeats: the GT */
  accuracy: number;
  /** mean accuracy of each repeat, in order */
  repeats: number[];
  folds: number;
  n: number;
  classes: number;
  /** forward-pass scores, each the mean over the training folds of the first repeat */
  scores?: Record<string, number>;
}

export function csvCell(v: unknown): string {
  const s = typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(6)) : String(v ?? '');
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** gt.csv text: task,model,accuracy,r0..r{R-1},folds,n,classes */
export function gtCsv(cells: GtCellV2[]): string {
  const r = Math.max(0, ...cells.map((c) => c.repeats.length));
  const head = ['task', 'model', 'accuracy', ...Array.from({ length: r }, (_, i) => `r${i}`), 'folds', 'n', 'classes'];
  const lines = cells.map((c) => [c.task, c.model, c.accuracy, ...Array.from({ length: r }, (_, i) => c.repeats[i] ?? ''), c.folds, c.n, c.classes].map(csvCell).join(','));
  return [head.join(','), ...lines].join('\n') + '\n';
}

/** scores.csv text: task,model,<score names> (empty where a score was not computed) */
export function scoresCsv(cells: GtCellV2[], names: readonly string[]): string {
  const lines = cells.filter((c) => c.scores).map((c) => [c.task, c.model, ...names.map((n) => c.scores![n] ?? '')].map(csvCell).join(','));
  return [['task', 'model', ...names].map(csvCell).join(','), ...lines].join('\n') + '\n';
}

/** Parse a v2 gt.csv (and optionally its scores.csv). A v1 table (a `seed` column) is refused. */
export function parseGtCsv(text: string, scoresText?: string): GtCellV2[] {
  const { header, rows } = parseCsv(text);
  if (header.includes('seed')) throw new Error('GT table is format v1 (one split per seed): re-measure it with the v2 protocol (npm run zoo:gt / npm-models:gt)');
  const rcols = header.filter((h) => /^r\d+$/.test(h)).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
  const scores = new Map<string, Record<string, number>>();
  if (scoresText)
    for (const r of parseCsv(scoresText).rows) {
      const { task, model, ...rest } = r;
      scores.set(`${task}|${model}`, Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== '').map(([k, v]) => [k, Number(v)])));
    }
  return rows.map((r) => ({
    task: r.task,
    model: r.model,
    accuracy: Number(r.accuracy),
    repeats: rcols.map((c) => r[c]).filter((v) => v !== '' && v !== undefined).map(Number),
    folds: Number(r.folds),
    n: Number(r.n),
    classes: Number(r.classes),
    ...(scores.has(`${r.task}|${r.model}`) ? { scores: scores.get(`${r.task}|${r.model}`) } : {}),
  }));
}

/**
 * Noise ceiling: per task, weighted tau (scipy's weightedtau, hyperbolic weights) between the
 * models' mean accuracy over the first half of the repeats and over the second half; the mean over
 * tasks with at least 2 models. It bounds what any ranker can score against this GT.
 */
export function noiseCeilingV2(cells: GtCellV2[], keep: (c: GtCellV2) => boolean = () => true): { tau: number; tasks: number; perTask: Map<string, number> } {
  const byTask = new Map<string, [number[], number[]]>();
  for (const c of cells) {
    if (!keep(c) || c.repeats.length < 2) continue;
    const [a, b] = halves(c.repeats);
    const t = byTask.get(c.task) ?? byTask.set(c.task, [[], []]).get(c.task)!;
    t[0].push(a);
    t[1].push(b);
  }
  const perTask = new Map<string, number>();
  for (const [t, [a, b]] of byTask) {
    if (a.length < 2) continue;
    const tau = weightedTau(a, b);
    if (Number.isFinite(tau)) perTask.set(t, tau);
  }
  const v = [...perTask.values()];
  return { tau: v.length ? v.reduce((s, x) => s + x, 0) / v.length : NaN, tasks: v.length, perTask };
}
