// Builds the tidy evidence table from ../shared/gt (every row traced to file:line), de-duplicating
// tables that copy each other (TLlib's fine-tune table = Model Spider's standard table; PED's GT =
// SFDA group 2) and keeping heuristic scores and published taus beside them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv, type CsvRow } from '../../shared/csv.ts';
import { canonicalDataset } from '../shared/datasets.ts';
import type { EvidenceRow, PublishedTau } from '../shared/evidence.ts';

export const SHARED_ROOT = process.env.ZOOSCOUT_SHARED ?? '../shared';

/** rows of a ../shared CSV with their source reference `<rel>:<line>` */
export function readShared(rel: string, root = SHARED_ROOT): { row: CsvRow; src: string }[] {
  const text = readFileSync(join(root, rel), 'utf8');
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const nonEmpty: number[] = [];
  lines.forEach((l, i) => { if (l.trim() !== '') nonEmpty.push(i + 1); });
  const csv = parseCsv(text);
  return csv.rows.map((row, i) => ({ row, src: `${rel}:${nonEmpty[i + 1]}` }));
}

/** catalogue ids of the models named in the published tables */
export const modelId = {
  torchvision: (name: string) => `torchvision/${name}`,
  msMulti: (name: string) => `model-spider/${name}`,
  ssl: (name: string) => `ssl-resnet50/${name}`,
  parc: (arch: string, source: string) => `parc/${arch}@${source}`,
  openclip: (model: string, pretrained: string) => `openclip/${model}@${pretrained}`,
};

export interface DedupNote { dropped: string; keptAs: string; rows: number; identical: number; note: string }

export interface EvidenceBuild {
  rows: EvidenceRow[];
  published: PublishedTau[];
  dedup: DedupNote[];
}

const PROTO = {
  msStd: 'fine-tune, Model Spider / TLlib recipe (torchvision ImageNet weights)',
  msMulti: 'fine-tune of an ImageNet model first fine-tuned on the source dataset (Model Spider multi-source zoo)',
  sfda: 'fine-tune, SFDA recipe (grid search over lr and weight decay)',
  parc: 'PARC oracle: best of fine-tune-free probes trained on the target (benchmark oracle)',
  openclip: 'zero-shot classification (DataComp evaluation suite)',
  heur: 'forward-pass transferability score (published release)',
};

export function buildEvidence(root = SHARED_ROOT): EvidenceBuild {
  const rows: EvidenceRow[] = [];
  const published: PublishedTau[] = [];
  const dedup: DedupNote[] = [];

  // Model Spider standard (= TLlib's fine-tune table)
  const msStd = readShared('gt/model_spider/standard_finetune.csv', root);
  for (const { row, src } of msStd) {
    rows.push({ table: 'ms-standard', model: modelId.torchvision(row.model), dataset: row.dataset, target: canonicalDataset(row.dataset),
      metric: row.metric, protocol: PROTO.msStd, value: Number(row.value), source: src });
  }
  const key = (t: string, m: string) => `${canonicalDataset(t)}|${m}`;
  const msVal = new Map(rows.filter((r) => r.metric === 'top1_acc').map((r) => [key(r.dataset, r.model), r.value]));
  const tl = readShared('gt/tllib_model_selection/finetune.csv', root);
  let same = 0;
  const tlDiffer: { row: CsvRow; src: string }[] = [];
  for (const x of tl) {
    const v = msVal.get(key(x.row.dataset, modelId.torchvision(x.row.model)));
    if (v !== undefined && Math.abs(v - Number(x.row.top1_acc)) < 1e-9) same++;
    else tlDiffer.push(x);
  }
  dedup.push({ dropped: 'gt/tllib_model_selection/finetune.csv', keptAs: 'ms-standard', rows: tl.length, identical: same,
    note: "TLlib's fine-tune table is Model Spider's standard ground truth; identical rows are kept once" });
  for (const { row, src } of tlDiffer) {
    rows.push({ table: 'tllib', model: modelId.torchvision(row.model), dataset: row.dataset, target: canonicalDataset(row.dataset),
      metric: 'top1_acc', protocol: PROTO.msStd, value: Number(row.top1_acc), source: src });
  }

  // Model Spider multi-source
  for (const { row, src } of readShared('gt/model_spider/multi_source_finetune.csv', root)) {
    rows.push({ table: 'ms-multi', model: modelId.msMulti(row.model), dataset: row.dataset, target: canonicalDataset(row.dataset),
      metric: 'top1_acc', protocol: PROTO.msMulti, value: Number(row.top1_acc), source: src });
  }
  // SFDA groups (PED's GT is group 2: nothing to add from PED but its published table)
  for (const [g, file, id] of [['sfda-g1', 'gt/sfda/group1_finetune.csv', modelId.torchvision], ['sfda-g2', 'gt/sfda/group2_finetune.csv', modelId.ssl]] as const) {
    for (const { row, src } of readShared(file, root)) {
      rows.push({ table: g, model: id(row.model), dataset: row.dataset, target: canonicalDataset(row.dataset),
        metric: 'top1_acc', protocol: PROTO.sfda, value: Number(row.top1_acc), source: src });
    }
  }
  dedup.push({ dropped: "PED's tw.py finetune_acc (not stored)", keptAs: 'sfda-g2', rows: 132, identical: 132,
    note: 'gt/SOURCES.md: identical to SFDA group 2; only PED\'s published taus are taken' });
  // PARC oracles: the benchmark's default targets (voc2007 left out), SSL sources its metrics set aside dropped
  for (const { row, src } of readShared('gt/parc/oracles.csv', root)) {
    if (row.oracle_acc === '' || row.ssl_dropped_by_benchmark === 'yes') continue;
    const table = row.target_dataset === 'voc2007' ? 'parc-voc2007' : 'parc';
    rows.push({ table, model: modelId.parc(row.architecture, row.source_dataset), dataset: row.target_dataset,
      target: canonicalDataset(row.target_dataset), metric: 'oracle_acc', protocol: PROTO.parc, value: Number(row.oracle_acc), source: src });
  }
  // OpenCLIP zero-shot, classification sets only
  for (const { row, src } of readShared('gt/openclip/zeroshot.csv', root)) {
    if (row.task !== 'classification' || row.score === '') continue;
    rows.push({ table: 'openclip', model: modelId.openclip(row.model, row.pretrained), dataset: row.dataset,
      target: canonicalDataset(row.dataset), metric: 'zeroshot', protocol: PROTO.openclip, value: Number(row.score), source: src });
  }
  // heuristic scores
  for (const { row, src } of readShared('gt/model_spider/standard_heuristics.csv', root)) {
    rows.push({ table: 'ms-standard', model: modelId.torchvision(row.model), dataset: row.dataset, target: canonicalDataset(row.dataset),
      metric: `score:${row.method}`, protocol: PROTO.heur, value: Number(row.score), source: src });
  }
  for (const { row, src } of readShared('gt/tllib_model_selection/scores.csv', root)) {
    rows.push({ table: 'ms-standard', model: modelId.torchvision(row.model), dataset: row.dataset, target: canonicalDataset(row.dataset),
      metric: `score:TLlib-${row.method}`, protocol: PROTO.heur + ' (TLlib recomputation)', value: Number(row.score), source: src });
  }
  // published rankings
  for (const { row, src } of readShared('gt/model_spider/published_table2.csv', root)) {
    published.push({ table: 'ms-standard', method: row.method, dataset: row.dataset, target: row.dataset === 'Mean' ? 'mean' : canonicalDataset(row.dataset),
      statistic: 'weighted_tau', value: Number(row.weighted_tau), source: src });
  }
  for (const { row, src } of readShared('gt/sfda/published_table_group1.csv', root)) {
    published.push({ table: 'sfda-g1', method: row.method, dataset: row.dataset, target: canonicalDataset(row.dataset),
      statistic: 'weighted_tau', value: Number(row.weighted_tau), source: src });
  }
  for (const { row, src } of readShared('gt/ped/published_table_ssl.csv', root)) {
    published.push({ table: 'sfda-g2', method: row.method, dataset: row.dataset, target: canonicalDataset(row.dataset),
      statistic: 'weighted_tau', value: Number(row.weighted_tau), source: src });
  }
  for (const { row, src } of readShared('gt/tllib_model_selection/published_correlations.csv', root)) {
    published.push({ table: 'ms-standard', method: `TLlib-${row.method}`, dataset: row.dataset, target: canonicalDataset(row.dataset),
      statistic: row.statistic === 'weighted_tau' ? 'weighted_tau(rank=True)' : row.statistic, value: Number(row.value), source: src });
  }
  return { rows, published, dedup };
}
