// Regenerates the committed public evidence and catalogue from ../shared (npm run public:build):
//   data/public/evidence.csv   tidy evidence (format zooscout.public-evidence v1)
//   data/public/published.csv  published ranking figures (weighted tau) of the papers
//   data/public/catalogue.json public-model catalogue (format zooscout.public-catalogue v1)
import { mkdirSync, writeFileSync } from 'node:fs';
import { buildEvidence, SHARED_ROOT } from '../../src/catalogue/node/evidence.ts';
import { buildCatalogue } from '../../src/catalogue/node/catalogue.ts';
import { evidenceToCsv, publishedToCsv } from '../../src/catalogue/shared/evidence.ts';

const OUT = 'data/public';
mkdirSync(OUT, { recursive: true });
const ev = buildEvidence(SHARED_ROOT);
writeFileSync(`${OUT}/evidence.csv`, evidenceToCsv(ev.rows));
writeFileSync(`${OUT}/published.csv`, publishedToCsv(ev.published));
const cat = buildCatalogue(ev.rows, SHARED_ROOT);
writeFileSync(`${OUT}/catalogue.json`, JSON.stringify({ ...cat, dedup: ev.dedup }, null, 0) + '\n');
const pub = cat.models.filter((m) => m.evidence === 'published');
const pinned = cat.models.filter((m) => m.files.length > 0);
console.log(`evidence rows: ${ev.rows.length} (${ev.rows.filter((r) => !r.metric.startsWith('score:')).length} results, ${ev.rows.filter((r) => r.metric.startsWith('score:')).length} heuristic scores); published figures: ${ev.published.length}`);
for (const d of ev.dedup) console.log(`de-duplicated: ${d.dropped} -> ${d.keptAs} (${d.identical}/${d.rows} identical)`);
console.log(`catalogue: ${cat.models.length} models; ${pub.length} with published evidence (${pub.filter((m) => m.files.length).length} of them pinned); ${pinned.length} with a pinned file; ${cat.models.length - pub.length} inferred only`);
console.log(`with ImageNet top-1: ${cat.models.filter((m) => m.imagenetTop1).length}; with params: ${cat.models.filter((m) => m.params).length}; with GMACs: ${cat.models.filter((m) => m.gmacs).length}`);
