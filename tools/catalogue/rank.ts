// Ranks the whole public catalogue (models with published evidence and models with only a pinned file
// and metadata) for one target dataset token (npm run public:rank -- --target dtd | --tokens my.json).
// The ranker is trained on every published table *except* that target's results, with the metadata and
// family blocks on, so that a model without evidence is scored from its metadata and source token.
import { readFileSync } from 'node:fs';
import { loadPublicData } from '../../src/catalogue/node/context.ts';
import { rankingTable } from '../../src/catalogue/shared/evidence.ts';
import { pairsOf } from '../../src/catalogue/shared/loto.ts';
import { RidgeRanker } from '../../src/catalogue/shared/ranker.ts';
import { summariseTokens } from '../../src/catalogue/shared/token-features.ts';
import { parseTokens, assertSameEncoder } from '../../src/tokens/shared/format.ts';

const arg = (n: string, d = '') => { const i = process.argv.indexOf(`--${n}`); return i >= 0 ? process.argv[i + 1] : d; };
const data = loadPublicData();
let target = arg('target', 'dtd');
const tokFile = arg('tokens');
if (tokFile) {
  const tok = parseTokens(JSON.parse(readFileSync(tokFile, 'utf8')));
  // the ranker's tokens were made by one encoder: a token file from another cannot be mixed in
  assertSameEncoder(tok, JSON.parse(readFileSync('data/public/tokens/dtd.target.json', 'utf8')).encoder);
  target = 'user-data';
  data.ctx.targetTokens.set(target, summariseTokens(tok, target));
}
const pool = [
  rankingTable(data.evidence, 'ms-standard', 'top1_acc'), rankingTable(data.evidence, 'ms-multi', 'top1_acc'),
  rankingTable(data.evidence, 'sfda-g1', 'top1_acc'), rankingTable(data.evidence, 'sfda-g2', 'top1_acc'),
  rankingTable(data.evidence, 'parc', 'oracle_acc'),
];
const ranker = new RidgeRanker({ blocks: { family: true, meta: true } });
ranker.fit(pairsOf(pool).filter((p) => p.target !== target), data.ctx);
const models = data.catalogue.models.filter((m) => m.params && !m.tables.includes('openclip'));
const s = ranker.score(models.map((m) => m.id), target, data.ctx);
const order = models.map((_, i) => i).sort((a, b) => s[b] - s[a]);
const top = Number(arg('top', '25'));
console.log(`target ${target}${data.ctx.targetTokens.has(target) ? ' (dataset token)' : ' (no token: metadata only)'}; ${models.length} catalogue models scored; trained without any result on ${target}`);
for (const i of order.slice(0, top)) {
  const m = models[i];
  const file = m.files.length ? `pinned ${(Math.min(...m.files.map((f) => f.bytes)) / 1e6).toFixed(1)} MB` : 'no pinned weights';
  console.log(`${s[i].toFixed(3).padStart(7)}  ${m.id.padEnd(48)} ${m.evidence === 'published' ? 'published evidence' : 'inferred (metadata)'}  ${file}`);
}
