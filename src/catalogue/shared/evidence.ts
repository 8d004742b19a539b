// The tidy evidence table (format `zooscout.public-evidence`, version 1; docs/public.md):
// one row per published (model, target dataset, metric) value, traced to the file and line it came from.
// Pure: no file access here, so the page can read the committed CSV too.
import { parseCsv } from '../../shared/csv.ts';

export const EVIDENCE_VERSION = 1;
export const EVIDENCE_COLUMNS = ['table', 'model', 'dataset', 'target', 'metric', 'protocol', 'value', 'source'] as const;

export interface EvidenceRow {
  /** ranking table id, e.g. ms-standard, ms-multi, sfda-g1, sfda-g2, parc, openclip; *-heuristics for scores */
  table: string;
  /** catalogue id of the model (catalogue.json) */
  model: string;
  /** target dataset as the paper writes it */
  dataset: string;
  /** canonical target name (src/catalogue/shared/datasets.ts) */
  target: string;
  /** top1_acc (%), oracle_acc (%), zeroshot (fraction), neg_mse, or score:<method> */
  metric: string;
  protocol: string;
  value: number;
  /** <path under ../shared>:<line> (1-based, header = line 1) */
  source: string;
}

export interface PublishedTau {
  table: string;
  method: string;
  dataset: string;
  target: string;
  /** weighted_tau (rank=None unless the note says otherwise) or pearson */
  statistic: string;
  value: number;
  source: string;
}

const esc = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export function evidenceToCsv(rows: EvidenceRow[]): string {
  const lines = [EVIDENCE_COLUMNS.join(',')];
  for (const r of rows) lines.push(EVIDENCE_COLUMNS.map((c) => esc(String(r[c]))).join(','));
  return lines.join('\n') + '\n';
}

export function evidenceFromCsv(text: string): EvidenceRow[] {
  const csv = parseCsv(text);
  for (const c of EVIDENCE_COLUMNS) if (!csv.header.includes(c)) throw new Error(`evidence CSV lacks column ${c}`);
  return csv.rows.map((r) => ({
    table: r.table, model: r.model, dataset: r.dataset, target: r.target, metric: r.metric,
    protocol: r.protocol, value: Number(r.value), source: r.source,
  }));
}

export const PUBLISHED_COLUMNS = ['table', 'method', 'dataset', 'target', 'statistic', 'value', 'source'] as const;

export function publishedToCsv(rows: PublishedTau[]): string {
  const lines = [PUBLISHED_COLUMNS.join(',')];
  for (const r of rows) lines.push(PUBLISHED_COLUMNS.map((c) => esc(String(r[c]))).join(','));
  return lines.join('\n') + '\n';
}

export function publishedFromCsv(text: string): PublishedTau[] {
  return parseCsv(text).rows.map((r) => ({
    table: r.table, method: r.method, dataset: r.dataset, target: r.target, statistic: r.statistic,
    value: Number(r.value), source: r.source,
  }));
}

/** A (model x target) accuracy matrix; NaN where the table has no value. */
export interface RankingTable {
  id: string;
  metric: string;
  models: string[];
  targets: string[];
  /** acc[t][m] */
  acc: number[][];
}

export function rankingTable(rows: EvidenceRow[], table: string, metric: string): RankingTable {
  const sel = rows.filter((r) => r.table === table && r.metric === metric);
  const models = [...new Set(sel.map((r) => r.model))];
  const targets = [...new Set(sel.map((r) => r.target))];
  const mi = new Map(models.map((m, i) => [m, i]));
  const ti = new Map(targets.map((t, i) => [t, i]));
  const acc = targets.map(() => models.map(() => NaN));
  for (const r of sel) acc[ti.get(r.target)!][mi.get(r.model)!] = r.value;
  return { id: table, metric, models, targets, acc };
}

/** heuristic scores of a table: method -> acc-shaped matrix aligned with `t` */
export function heuristicScores(rows: EvidenceRow[], table: string, t: RankingTable): Map<string, number[][]> {
  const out = new Map<string, number[][]>();
  const mi = new Map(t.models.map((m, i) => [m, i]));
  const ti = new Map(t.targets.map((x, i) => [x, i]));
  for (const r of rows) {
    if (r.table !== table || !r.metric.startsWith('score:')) continue;
    const method = r.metric.slice(6);
    if (!out.has(method)) out.set(method, t.targets.map(() => t.models.map(() => NaN)));
    const a = ti.get(r.target), b = mi.get(r.model);
    if (a !== undefined && b !== undefined) out.get(method)![a][b] = r.value;
  }
  return out;
}
