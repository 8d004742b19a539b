// The recommendation: every candidate with its predicted fit, its cost on this device, what was
// checked here, and the final order under the user's budgets. This is also the export format
// (JSON, versioned; CSV is a flat view of `rows`). It never holds image data, file names or
// class names: only counts and the encoder that made the tokens. See docs/results.md.
import { recommend, paretoFront, hwFigures, type Budgets, type CombineMethod, type HwFigures, type HwMetric } from '../../hardware/shared/combine.ts';
import type { DeviceProfile, ModelCost } from '../../hardware/shared/types.ts';
import type { CandidateKind, RegistryEntry } from '../../registry/shared/registry.ts';

export const RECOMMENDATION_FORMAT = 'zooscout.recommendation';
/** 3: rows are registry entries (files, feature node, runtime, evidence kind; docs/registry.md) and kind may be 'public'; 2: rows carry `provenance`; versions 1 and 2 are still read */
export const RECOMMENDATION_VERSION = 3;
const READABLE_VERSIONS = [1, 2, 3];

export type { CandidateKind, Provenance } from '../../registry/shared/registry.ts';

export interface FineCheck {
  status: 'done' | 'failed' | 'cancelled';
  /** linear-probe accuracy on the user's images (held-out split) */
  accuracy?: number;
  logme?: number;
  error?: string;
}

/** A registry entry (src/registry/shared/registry.ts) with its fit for the user's data and its cost here.
 * The registry fields after `sourceDomain` are optional only because version 1 and 2 exports lack them. */
export interface CandidateInput extends Omit<RegistryEntry, 'featureNode' | 'runtime' | 'files' | 'evidenceKind' | 'provenance' | 'checkable'>,
  Partial<Pick<RegistryEntry, 'featureNode' | 'runtime' | 'files' | 'evidenceKind' | 'provenance' | 'checkable'>> {
  /**
   * fit for the user's data, what orders the table (higher is better, 0..1 for a ranking made in
   * the page): the standing ridge's prediction for a measured model, else the metadata ridge's or the
   * ranker's standing (src/select/shared/fit.ts). Field name kept from v1, where it held the ranker's
   * raw score.
   */
  rankerScore: number;
  /** the cross-attention ranker's raw score */
  rankerRaw?: number;
  /** standing on the measured tasks nearest the user's data (share of the models measured there it beat); null: never measured */
  measuredStanding?: number | null;
  cost: ModelCost | null;
  fine?: FineCheck;
}

/**
 * What a row's fit rests on: 'checked' = probed on the user's images here; 'measured' = the model's
 * own ground truth on the measured tasks nearest the data; 'published' = the public ranker, fitted on
 * published transfer tables that hold this model (other datasets); 'inferred' = a ranker alone
 * (tokens from metadata and weights, no measurement of this model anywhere).
 */
export type Evidence = 'checked' | 'measured' | 'published' | 'inferred';

export function evidenceOf(c: Pick<CandidateInput, 'fine' | 'measuredStanding' | 'evidenceKind'>): Evidence {
  if (c.fine?.status === 'done' && c.fine.accuracy !== undefined) return 'checked';
  if (c.measuredStanding != null) return 'measured';
  return c.evidenceKind === 'published' ? 'published' : 'inferred';
}

/** Evidence that may make a top pick by default: checked on the user's images or measured near them. */
export const onEvidence = (e: Evidence) => e === 'checked' || e === 'measured';

/** The default budget of the top pick: at least this many images a second on this device (measured or predicted). */
export const DEFAULT_MIN_IMAGES_PER_SEC = 10;

export interface RowOptions {
  /** let a model never measured here ('published' or 'inferred') be the top pick (default false) */
  allowInferredTop?: boolean;
}

export interface ResultRow extends Omit<CandidateInput, 'cost'> {
  /** 1-based final position */
  rank: number;
  evidence?: Evidence;
  /** position by the ranker alone */
  rankerRank: number;
  feasible: boolean;
  violations: HwMetric[];
  onPareto: boolean;
  cost: { latencyMs: number; imagesPerSec: number; memoryBytes: number; bytes: number; measured: boolean; backend: string } | null;
}

export interface DatasetSummary {
  classes: number;
  images: number;
  labelled: boolean;
  encoder: { id: string; sha256: string };
}

export interface Recommendation {
  format: typeof RECOMMENDATION_FORMAT;
  version: number;
  createdAt: string;
  ranker: { id: string; kind: 'cross' | 'self'; ms: number };
  dataset: DatasetSummary;
  settings: { method: CombineMethod; budgets: Budgets };
  device: DeviceProfile | null;
  rows: ResultRow[];
}

/**
 * Final order. Models checked on the user's images (fine stage, status done) move to the top in
 * order of measured probe accuracy, ahead of everything only predicted, as in "ranker, then
 * forward-pass re-ranking of its top k"; the rest keep the ranker's order. Budgets then split
 * feasible from infeasible (see hardware/shared/combine.ts: infeasible models are kept, last).
 */
export function buildRows(cands: CandidateInput[], method: CombineMethod, budgets: Budgets, opts: RowOptions = {}): ResultRow[] {
  if (!cands.length) return [];
  const byRanker = cands.map((c, i) => i).sort((a, b) => cands[b].rankerScore - cands[a].rankerScore || a - b);
  const rankerRank = new Map(byRanker.map((i, r) => [i, r + 1]));
  const maxScore = Math.max(...cands.map((c) => c.rankerScore));
  // a checked model's task score sits above every unchecked one, ordered by accuracy; the public
  // catalogue's fit comes from another ranker (a standing among its own ~900 models, not comparable):
  // unchecked, those rows follow every model the cross-attention ranker scored, in their own order
  const taskScore = cands.map((c) => (c.fine?.status === 'done' && c.fine.accuracy !== undefined ? maxScore + 1 + c.fine.accuracy
    : c.kind === 'public' ? c.rankerScore - 2 : c.rankerScore));
  const UNKNOWN: HwFigures = { latencyMs: 0, bytes: 0, memoryBytes: 0, imagesPerSec: Infinity };
  const hw = cands.map((c) => (c.cost ? hwFigures(c.cost) : UNKNOWN));
  // the objective needs positive figures: without a cost, only the task score can decide
  const allCosted = cands.every((c) => c.cost);
  const m: CombineMethod = allCosted ? method : 'task';
  const { ranked } = recommend(
    cands.map((c, i) => ({ id: String(i), taskScore: taskScore[i], hw: hw[i], measured: c.cost?.source === 'measured' })),
    {
      method: m,
      budgets,
      terms: [
        { metric: 'latencyMs', target: budgets.maxLatencyMs ?? median(hw.map((h) => h.latencyMs)), weight: 0.5 },
        { metric: 'bytes', target: budgets.maxBytes ?? median(hw.map((h) => h.bytes)), weight: 0.25 },
      ],
    },
  );
  const costed = cands.map((_, i) => i).filter((i) => cands[i].cost);
  const front = new Set(paretoFront(costed.map((i) => taskScore[i]), costed.map((i) => hw[i].latencyMs)).map((k) => costed[k]));
  // the top pick rests on evidence: a first row never measured here ('published', 'inferred') gives
  // way to the best model within the budgets that was measured or checked (the rest keep their order)
  const order = ranked.slice();
  if (!opts.allowInferredTop && order.length && !onEvidence(evidenceOf(cands[Number(order[0].id)]))) {
    const k = order.findIndex((r) => r.feasible && onEvidence(evidenceOf(cands[Number(r.id)])));
    if (k > 0) order.unshift(...order.splice(k, 1));
  }
  return order.map((r, pos) => {
    const i = Number(r.id);
    const c = cands[i];
    const { cost: _cost, ...rest } = c;
    return {
      ...rest,
      rank: pos + 1,
      evidence: evidenceOf(c),
      rankerRank: rankerRank.get(i)!,
      feasible: r.feasible,
      violations: r.violations,
      onPareto: front.has(i),
      cost: c.cost ? { ...hw[i], measured: c.cost.source === 'measured', backend: c.cost.backend } : null,
    };
  });
}

function median(x: number[]): number {
  const s = x.filter((v) => v > 0 && Number.isFinite(v)).sort((a, b) => a - b);
  return s.length ? s[s.length >> 1] : 1;
}

export type SortKey = 'rank' | 'rankerScore' | 'accuracy' | 'latencyMs' | 'bytes' | 'params' | 'family' | 'source' | 'label';

const keyOf = (r: ResultRow, k: SortKey): number | string | null => {
  switch (k) {
    case 'rank': return r.rank;
    case 'rankerScore': return r.rankerScore;
    case 'accuracy': return r.fine?.accuracy ?? null;
    case 'latencyMs': return r.cost?.latencyMs ?? null;
    case 'bytes': return r.cost?.bytes ?? r.bytes;
    case 'params': return r.params;
    case 'family': return r.family;
    case 'source': return r.source;
    case 'label': return r.label;
  }
};

/** Stable sort; missing values always last, whichever the direction. */
export function sortRows(rows: ResultRow[], key: SortKey, dir: 'asc' | 'desc'): ResultRow[] {
  const s = dir === 'asc' ? 1 : -1;
  return rows
    .map((r, i) => ({ r, i, v: keyOf(r, key) }))
    .sort((a, b) => {
      if (a.v === null || b.v === null) return a.v === null && b.v === null ? a.i - b.i : a.v === null ? 1 : -1;
      const c = typeof a.v === 'string' ? a.v.localeCompare(b.v as string) : (a.v as number) - (b.v as number);
      return c * s || a.i - b.i;
    })
    .map((x) => x.r);
}

export interface RowFilter {
  text?: string;
  family?: string;
  kind?: CandidateKind | '';
  feasibleOnly?: boolean;
}

export function filterRows(rows: ResultRow[], f: RowFilter): ResultRow[] {
  const t = f.text?.trim().toLowerCase() ?? '';
  return rows.filter((r) =>
    (!t || [r.label, r.id, r.family ?? '', r.source ?? '', r.sourceDomain ?? ''].some((s) => s.toLowerCase().includes(t))) &&
    (!f.family || r.family === f.family) &&
    (!f.kind || r.kind === f.kind) &&
    (!f.feasibleOnly || r.feasible));
}

export const CSV_COLUMNS = [
  'rank', 'id', 'label', 'kind', 'evidence', 'family', 'source', 'source_domain', 'fit_score', 'fit_rank', 'ranker_raw', 'measured_standing', 'checked_accuracy', 'checked_logme',
  'latency_ms', 'latency_measured', 'images_per_s', 'size_bytes', 'memory_bytes', 'params', 'macs', 'input_size', 'feasible', 'violations', 'pareto',
  'sha256', 'origin', 'licence', 'runtime', 'feature_node', 'files',
] as const;

const csvCell = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(6)) : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function toCsv(rec: Recommendation): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rec.rows) {
    lines.push([
      r.rank, r.id, r.label, r.kind, r.evidence, r.family, r.source, r.sourceDomain, r.rankerScore, r.rankerRank, r.rankerRaw, r.measuredStanding, r.fine?.accuracy, r.fine?.logme,
      r.cost?.latencyMs, r.cost ? r.cost.measured : null, r.cost?.imagesPerSec, r.cost?.bytes ?? r.bytes, r.cost?.memoryBytes, r.params, r.macs,
      r.inputSize, r.feasible, r.violations.join(' '), r.onPareto,
      r.provenance?.sha256, r.provenance?.url ?? r.provenance?.from, r.provenance?.licence,
      r.runtime, r.featureNode, r.files?.map((f) => `${f.url ?? '(local)'}#sha256=${f.sha256}`).join(' '),
    ].map(csvCell).join(','));
  }
  return lines.join('\n') + '\n';
}

/** Reads an exported recommendation back; throws a message a user can act on. */
export function parseRecommendation(text: string): Recommendation {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch {
    throw new Error('This file is not JSON: export a recommendation from ZooScout and import that file.');
  }
  const r = j as Recommendation;
  if (!r || r.format !== RECOMMENDATION_FORMAT) throw new Error('This JSON file is not a ZooScout recommendation.');
  if (!READABLE_VERSIONS.includes(r.version)) throw new Error(`This recommendation is format version ${r.version}; this page reads version ${RECOMMENDATION_VERSION}.`);
  if (!Array.isArray(r.rows) || !r.dataset || !r.settings) throw new Error('This recommendation file is incomplete.');
  for (const row of r.rows) {
    if (typeof row.id !== 'string' || typeof row.rank !== 'number' || typeof row.rankerScore !== 'number') throw new Error('This recommendation file has a malformed row.');
  }
  return r;
}

/**
 * One sentence on why the top row is the top pick: its evidence, where it comes from (the nearest
 * measured tasks, given by the caller), and its cost here against the budget.
 */
export function whyTopPick(top: ResultRow, budgets: Budgets, nearest: string[] = []): string {
  const ev = top.evidence ?? evidenceOf(top);
  const why = ev === 'checked'
    ? `it scored best when checked on your images (${(100 * top.fine!.accuracy!).toFixed(1)}% linear-probe accuracy)`
    : ev === 'measured'
      ? `its measured results on the tasks nearest your data${nearest.length ? ` (${nearest.join(', ')})` : ''} put it above ${(100 * top.measuredStanding!).toFixed(0)}% of the models measured there, and its standing predicted for your data from every measured task is ${top.rankerScore.toFixed(2)}`
      : ev === 'published'
        ? 'the ranker fitted on published transfer results puts it first (published on other datasets, never measured here; check it on your images before relying on it)'
        : "the ranker alone puts it first (inferred from its metadata and tokens against the models measured here: never measured itself; check it on your images before relying on it)";
  const cost = top.cost
    ? `it runs at ${top.cost.imagesPerSec >= 100 ? top.cost.imagesPerSec.toFixed(0) : top.cost.imagesPerSec.toFixed(1)} images/s here (${top.cost.measured ? 'measured' : 'predicted'})`
    : 'its cost here is not known yet';
  const budget = budgets.minImagesPerSec !== undefined || budgets.maxLatencyMs !== undefined || budgets.maxBytes !== undefined
    ? top.feasible ? ', within your budget' : ', though no model meets your budget'
    : '';
  return `Top pick because ${why}; ${cost}${budget}.`;
}
