// Recomputes the standard-evaluation heuristic rows of Model Spider's Table 2 (Zhang et al.,
// NeurIPS 2023) from the released scores and fine-tune ground truth, as the paper did:
// scipy.stats.weightedtau(ground_truth, score, rank=None), one cell per (method, dataset).
import { parseCsv } from '../shared/csv.ts';
import { weightedTau } from './ranking.ts';

/** Release names -> Table 2 names. */
const METHOD_NAMES: Record<string, string> = { NLEEP: 'N-LEEP', PACTranDirichlet: 'PACTran' };
const DATASET_NAMES: Record<string, string> = { Pet: 'Pets' };
export const TABLE2_METHODS = ['H-Score', 'NCE', 'LEEP', 'N-LEEP', 'LogME', 'PACTran', 'OTCE', 'LFC', 'GBC'];
export const TABLE2_DATASETS = ['Aircraft', 'Caltech101', 'Cars', 'CIFAR10', 'CIFAR100', 'DTD', 'Pets', 'SUN397'];

export interface Table2Cell {
  method: string;
  dataset: string;
  ours: number;
  published: number;
  /** round(ours, 3) equals the published 3-decimal figure. */
  match: boolean;
}

export interface Table2Result {
  cells: Table2Cell[];
  reproduced: number;
  /** Largest |ours - published| over the cells that do not reproduce (reproduced ones differ by < 0.0005). */
  maxDiffElsewhere: number;
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

export function recomputeTable2(finetuneCsv: string, heuristicsCsv: string, publishedCsv: string): Table2Result {
  const gt = new Map<string, number>(); // dataset|model -> accuracy
  for (const r of parseCsv(finetuneCsv).rows) {
    gt.set(`${DATASET_NAMES[r.dataset] ?? r.dataset}|${r.model}`, Number(r.value));
  }
  const scores = new Map<string, Map<string, number>>(); // method|dataset -> model -> score
  for (const r of parseCsv(heuristicsCsv).rows) {
    const key = `${METHOD_NAMES[r.method] ?? r.method}|${DATASET_NAMES[r.dataset] ?? r.dataset}`;
    if (!scores.has(key)) scores.set(key, new Map());
    scores.get(key)!.set(r.model, Number(r.score));
  }
  const published = new Map<string, number>();
  for (const r of parseCsv(publishedCsv).rows) published.set(`${r.method}|${r.dataset}`, Number(r.weighted_tau));

  const cells: Table2Cell[] = [];
  for (const method of TABLE2_METHODS) {
    for (const dataset of TABLE2_DATASETS) {
      const byModel = scores.get(`${method}|${dataset}`);
      const pub = published.get(`${method}|${dataset}`);
      if (!byModel || pub === undefined) throw new Error(`missing data for ${method} on ${dataset}`);
      const models = [...byModel.keys()];
      const g = models.map((m) => {
        const v = gt.get(`${dataset}|${m}`);
        if (v === undefined) throw new Error(`no ground truth for ${m} on ${dataset}`);
        return v;
      });
      const s = models.map((m) => byModel.get(m)!);
      const ours = weightedTau(g, s, { rank: null });
      // Compare at the published precision; 1e-9 guards against binary representation of x.xxx5.
      cells.push({ method, dataset, ours, published: pub, match: Math.abs(round3(ours) - pub) < 1e-9 });
    }
  }
  let maxDiffElsewhere = 0;
  for (const c of cells) if (!c.match) maxDiffElsewhere = Math.max(maxDiffElsewhere, Math.abs(c.ours - c.published));
  return { cells, reproduced: cells.filter((c) => c.match).length, maxDiffElsewhere };
}

/** Text table: ours / published per cell, '*' marks a cell that does not reproduce. */
export function formatTable2(res: Table2Result): string {
  const pad = (s: string, w: number) => s.padStart(w);
  const lines = [['method'.padEnd(8), ...TABLE2_DATASETS.map((d) => pad(d, 14))].join(' ')];
  for (const method of TABLE2_METHODS) {
    const row = [method.padEnd(8)];
    for (const dataset of TABLE2_DATASETS) {
      const c = res.cells.find((x) => x.method === method && x.dataset === dataset)!;
      row.push(pad(`${c.ours.toFixed(3)}/${c.published.toFixed(3)}${c.match ? ' ' : '*'}`, 14));
    }
    lines.push(row.join(' '));
  }
  return lines.join('\n');
}
