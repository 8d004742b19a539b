// Writes the page artifact of the public catalogue (npm run public:page): models/public/public-ranker.json
// (format `zooscout.public-ranker` v1, src/catalogue/shared/public-page.ts) and its source-token file
// models/public/public-ranker-tokens.bin. The ranker is fitted as `npm run public:rank -- --tokens` does
// for a user's token (every published fine-tune/probe table, family and metadata blocks on), except that
// its normalisation constants come from the published tokens only, so the artifact does not depend on
// the user. Deterministic: the same data/public gives the same bytes.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { gzipSync, gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { loadPublicData, sourceOf } from '../../src/catalogue/node/context.ts';
import { rankingTable } from '../../src/catalogue/shared/evidence.ts';
import { pairsOf } from '../../src/catalogue/shared/loto.ts';
import { RidgeRanker } from '../../src/catalogue/shared/ranker.ts';
import { ONNX_ZOO_COMMIT } from '../../src/catalogue/shared/catalogue.ts';
import { SAMPLE_FOLDER } from '../../src/catalogue/shared/datasets.ts';
import {
  PUBLIC_PAGE_FORMAT, PUBLIC_PAGE_VERSION, PublicPageRanker, packCentres, unpackSources, toPublicPageFile, parsePublicPage,
  type PageModel, type PublicPageArtifact,
} from '../../src/catalogue/shared/public-page.ts';
import { parseTokens } from '../../src/tokens/shared/format.ts';

export const PAGE_DIR = 'models/public';
export const PAGE_JSON = 'public-ranker.json';
export const PAGE_TOKENS = 'public-ranker-tokens.bin';
export const FILE_URL_BASE = `https://github.com/onnx/models/raw/${ONNX_ZOO_COMMIT}/`;
export const POOL_TABLES: [string, string][] = [['ms-standard', 'top1_acc'], ['ms-multi', 'top1_acc'], ['sfda-g1', 'top1_acc'], ['sfda-g2', 'top1_acc'], ['parc', 'oracle_acc']];

/** Builds the artifact (JSON object + gzip bytes of the source tokens) from data/public. */
export function buildPageArtifact(dir = 'data/public'): { artifact: PublicPageArtifact; tokensGz: Uint8Array; ranker: RidgeRanker } {
  const data = loadPublicData(dir);
  const pool = POOL_TABLES.map(([t, m]) => rankingTable(data.evidence, t, m));
  const pairs = pairsOf(pool);
  const ranker = new RidgeRanker({ blocks: { family: true, meta: true } });
  ranker.fit(pairs, data.ctx);

  // source tokens, in SAMPLE_FOLDER order, exactly as loadPublicData summarised them
  const names = Object.keys(SAMPLE_FOLDER).filter((n) => data.ctx.sourceTokens.has(n));
  const toks = names.map((n) => parseTokens(JSON.parse(readFileSync(join(dir, 'tokens', `${SAMPLE_FOLDER[n]}.source.json`), 'utf8'))));
  const encoder = toks[0].encoder;
  for (const t of toks) if (t.encoder.sha256 !== encoder.sha256) throw new Error('source tokens of different encoders');
  const tokensGz = new Uint8Array(gzipSync(packCentres(toks), { level: 9 }));

  const licences: string[] = [];
  const licenceIx = (s: string | undefined) => {
    if (!s) return null;
    let i = licences.indexOf(s);
    if (i < 0) i = licences.push(s) - 1;
    return i;
  };
  const models: PageModel[] = data.catalogue.models
    // as public:rank, without OpenCLIP's zero-shot models (their own ranking pool, no pinned file); the
    // ONNX Model Zoo's validated models have no parameter count and are scored from the rest of their metadata
    .filter((m) => !m.tables.includes('openclip'))
    .map((m) => {
      const f = m.files.length ? m.files.reduce((a, b) => (b.bytes < a.bytes ? b : a)) : null;
      return {
        id: m.id, name: m.name, family: m.family?.value ?? null, params: m.params?.value ?? null,
        gmacs: m.gmacs?.value ?? null, ops: m.ops?.value.total ?? null, inputSize: m.inputSize?.value ?? null,
        imagenetTop1: m.imagenetTop1?.value ?? null, evidence: m.evidence, tables: m.tables,
        source: sourceOf(m), trainedOn: m.sourceDataset?.value ?? m.pretrain?.value ?? null,
        licence: licenceIx(m.licence?.value),
        file: f ? { path: f.path, url: f.url, sha256: f.sha256, bytes: f.bytes, opset: f.opset } : null,
      };
    });
  const artifact: PublicPageArtifact = {
    format: PUBLIC_PAGE_FORMAT, version: PUBLIC_PAGE_VERSION,
    command: 'npm run public:page',
    fittedOn: { tables: POOL_TABLES.map(([t]) => t), pairs: pairs.length, blocks: 'model + per-recipe vectors, family and metadata x target token, source-token similarity; lambda 3' },
    encoder: { id: encoder.id, sha256: encoder.sha256, dim: encoder.dim },
    ranker: ranker.serialise(),
    tokens: { file: PAGE_TOKENS, bytes: tokensGz.length, sha256: createHash('sha256').update(tokensGz).digest('hex'), encoding: 'int32-micro-shuffled-gzip', dim: encoder.dim },
    sources: names.map((n, i) => ({ name: n, classes: toks[i].classes.length, meanCentreCosine: toks[i].stats.meanCentreCosine, meanSpread: toks[i].stats.meanSpread })),
    licences,
    models,
  };
  return { artifact, tokensGz, ranker };
}

/** The JSON text of the artifact as written. */
export const toFile = (a: PublicPageArtifact): string => JSON.stringify(toPublicPageFile(a, FILE_URL_BASE));

/** Reads a written artifact back into a scorer (Node). */
export function loadPageArtifact(dir = PAGE_DIR): PublicPageRanker {
  const artifact = parsePublicPage(JSON.parse(readFileSync(join(dir, PAGE_JSON), 'utf8')));
  const gz = readFileSync(join(dir, artifact.tokens.file));
  if (createHash('sha256').update(gz).digest('hex') !== artifact.tokens.sha256) throw new Error(`${artifact.tokens.file}: sha256 differs from ${PAGE_JSON}`);
  return new PublicPageRanker(artifact, unpackSources(artifact, new Uint8Array(gunzipSync(gz))));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const t0 = performance.now();
  const { artifact, tokensGz } = buildPageArtifact();
  mkdirSync(PAGE_DIR, { recursive: true });
  const json = toFile(artifact);
  writeFileSync(join(PAGE_DIR, PAGE_JSON), json);
  writeFileSync(join(PAGE_DIR, PAGE_TOKENS), tokensGz);
  const withFile = artifact.models.filter((m) => m.file).length;
  const published = artifact.models.filter((m) => m.evidence === 'published').length;
  console.log(`${artifact.models.length} models (${published} published, ${artifact.models.length - published} inferred; ${withFile} with a pinned file); ranker ${artifact.ranker.w.length} weights on ${artifact.fittedOn.pairs} pairs`);
  console.log(`${join(PAGE_DIR, PAGE_JSON)}: ${(json.length / 1e6).toFixed(3)} MB; ${join(PAGE_DIR, PAGE_TOKENS)}: ${(tokensGz.length / 1e6).toFixed(3)} MB (${artifact.sources.length} source tokens, ${artifact.sources.reduce((s, x) => s + x.classes, 0)} class centres); total ${((json.length + tokensGz.length) / 1e6).toFixed(3)} MB`);
  // check: the written files score DTD's target token; print the top 5
  const page = loadPageArtifact();
  const dtd = parseTokens(JSON.parse(readFileSync('data/public/tokens/dtd.target.json', 'utf8')));
  const t1 = performance.now();
  const s = page.score(dtd);
  const ms = performance.now() - t1;
  const order = [...s.keys()].sort((a, b) => s[b] - s[a]);
  console.log(`dtd.target.json scored in ${ms.toFixed(0)} ms; top 5: ${order.slice(0, 5).map((i) => artifact.models[i].id).join(', ')}`);
  console.log(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
