// Loads the committed public data (data/public) into what rankers and benches read.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePublicCatalogue, familyOf, type PublicCatalogue } from '../shared/catalogue.ts';
import { evidenceFromCsv, publishedFromCsv, type EvidenceRow, type PublishedTau } from '../shared/evidence.ts';
import { SAMPLE_FOLDER } from '../shared/datasets.ts';
import { parseTokens } from '../../tokens/shared/format.ts';
import { summariseTokens, type TokenSummary } from '../shared/token-features.ts';
import type { ModelInfo, RankerContext } from '../shared/ranker.ts';

export const PUBLIC_DIR = process.env.ZOOSCOUT_PUBLIC ?? 'data/public';

export interface PublicData {
  catalogue: PublicCatalogue;
  evidence: EvidenceRow[];
  published: PublishedTau[];
  ctx: RankerContext;
  /** canonical benchmark datasets without a sample (no token) among the tables' targets and sources */
  noSample: string[];
}

export function sourceOf(m: PublicCatalogue['models'][number]): string | null {
  if (m.sourceDataset) return m.sourceDataset.value;
  const p = m.pretrain?.value.toLowerCase() ?? '';
  return /imagenet-1k|^in1k$/.test(p) ? 'imagenet' : null;
}

export function loadPublicData(dir = PUBLIC_DIR): PublicData {
  const catalogue = parsePublicCatalogue(JSON.parse(readFileSync(join(dir, 'catalogue.json'), 'utf8')));
  const evidence = evidenceFromCsv(readFileSync(join(dir, 'evidence.csv'), 'utf8'));
  const published = publishedFromCsv(readFileSync(join(dir, 'published.csv'), 'utf8'));
  const models = new Map<string, ModelInfo>();
  for (const m of catalogue.models) {
    models.set(m.id, {
      id: m.id, family: familyOf(m.family?.value ?? m.name),
      logParams: m.params ? Math.log10(m.params.value) : null,
      imagenetTop1: m.imagenetTop1?.value ?? null,
      source: sourceOf(m),
    });
  }
  const targetTokens = new Map<string, TokenSummary>(), sourceTokens = new Map<string, TokenSummary>();
  for (const [canon, folder] of Object.entries(SAMPLE_FOLDER)) {
    for (const [role, map] of [['target', targetTokens], ['source', sourceTokens]] as const) {
      const f = join(dir, 'tokens', `${folder}.${role}.json`);
      if (existsSync(f)) map.set(canon, summariseTokens(parseTokens(JSON.parse(readFileSync(f, 'utf8'))), canon));
    }
  }
  const named = new Set<string>();
  for (const r of evidence) if (!r.metric.startsWith('score:') && r.table !== 'openclip') named.add(r.target);
  for (const m of models.values()) if (m.source) named.add(m.source);
  const noSample = [...named].filter((d) => !targetTokens.has(d) && !sourceTokens.has(d)).sort();
  return { catalogue, evidence, published, ctx: { models, targetTokens, sourceTokens }, noSample };
}
