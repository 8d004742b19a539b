// Explanations for the results page: which of the ranker's training tasks a user's data is nearest
// to (cosine of mean class centres in the ranker's PCA space), and a model's ability per domain.
// The data file (models/ranker/explain.json) is made by `npm run rank:explain`; format versioned.
import type { DatasetInput } from '../../rank/shared/features.ts';

export const EXPLAIN_FORMAT = 'zooscout.explain';
/** 3: `standingRidge` (the lambda of the page's fit for measured models) */
export const EXPLAIN_VERSION = 3;

export interface ExplainTask {
  id: string;
  dataset: string;
  domain: string;
  classes: number;
  /** the ranker's input for this task (b64 float32 rows/centres; see DatasetInput) */
  input: { n: number; rows: string; centres: string; stats: number[] };
  /** measured linear-probe accuracy per model, the zoo's and the npm models' (seed 0 of the ground truth) */
  accuracy: Record<string, number>;
}

export interface ExplainFile {
  format: typeof EXPLAIN_FORMAT;
  version: typeof EXPLAIN_VERSION;
  /** ranker id these inputs belong to (same PCA) */
  ranker: string;
  p: number;
  domains: string[];
  /** the measured-neighbour score's k (neighbour.ts), chosen by leave-one-dataset-out over these tasks (v2) */
  neighbour: { k: number; tried: { k: number; tau: number; tasks: number }[] };
  /** the standing ridge's lambda (src/rank/shared/standing-ridge.ts), chosen by leave-one-dataset-out over these tasks and every measured model (v3) */
  standingRidge: { lambda: number; tried: { lambda: number; tau: number }[] };
  tasks: ExplainTask[];
}

/** Mean of the class centres, unit length (PCA coordinates, n x p). */
export function meanDirection(centres: ArrayLike<number>, n: number, p: number): Float64Array {
  const m = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) m[j] += centres[i * p + j] / n;
  const norm = Math.hypot(...m) || 1;
  for (let j = 0; j < p; j++) m[j] /= norm;
  return m;
}

export interface NearTask {
  id: string;
  dataset: string;
  domain: string;
  similarity: number;
}

/** The k training tasks whose mean direction is closest (cosine) to the user's. Ties keep file order. */
export function nearestTasks(user: DatasetInput, p: number, tasks: { id: string; dataset: string; domain: string; centres: Float32Array; n: number }[], k = 3): NearTask[] {
  const u = meanDirection(user.centres, user.n, p);
  return tasks
    .map((t, i) => {
      const v = meanDirection(t.centres, t.n, p);
      let s = 0;
      for (let j = 0; j < p; j++) s += u[j] * v[j];
      return { id: t.id, dataset: t.dataset, domain: t.domain, similarity: s, i };
    })
    .sort((a, b) => b.similarity - a.similarity || a.i - b.i)
    .slice(0, k)
    .map(({ i: _i, ...rest }) => rest);
}

/** 1-based rank of `id` among the models measured on a task (by accuracy), and how many there were. */
export function measuredRank(acc: Record<string, number>, id: string): { rank: number; of: number } | null {
  if (!(id in acc)) return null;
  const v = acc[id];
  const vals = Object.values(acc);
  return { rank: 1 + vals.filter((x) => x > v).length, of: vals.length };
}

/** Share of the other values that values[i] beats (ties count half); null with fewer than two values. */
export function shareBeaten(values: ArrayLike<number>, i: number): number | null {
  const n = values.length;
  if (n < 2) return null;
  const x = values[i];
  let beats = 0;
  for (let j = 0; j < n; j++) if (j !== i) beats += values[j] < x ? 1 : values[j] === x ? 0.5 : 0;
  return beats / (n - 1);
}

/** Mean of the non-null values per domain. */
export function meanByDomain(items: Iterable<{ domain: string; value: number | null }>): Record<string, number> {
  const sum = new Map<string, { s: number; n: number }>();
  for (const { domain, value } of items) {
    if (value === null) continue;
    const e = sum.get(domain) ?? { s: 0, n: 0 };
    sum.set(domain, { s: e.s + value, n: e.n + 1 });
  }
  return Object.fromEntries([...sum].map(([d, e]) => [d, e.s / e.n]));
}

/**
 * Per-domain ability as a percentile in [0, 1]: for each task the model's score is turned into the
 * fraction of other candidates it beats (ties count half), then averaged over the domain's tasks.
 * Works for predicted scores (the ranker) and measured accuracy alike, so the two can share a chart.
 */
export function domainAbility(perTask: { domain: string; scores: ArrayLike<number> }[], index: number): Record<string, number> {
  return meanByDomain(perTask.map((t) => ({ domain: t.domain, value: shareBeaten(t.scores, index) })));
}
