// Step 1 of `npm run zoo:train`: decode + preprocess every shared dataset with the page's own
// TypeScript preprocessing (ZOO_PREPROCESS) and write, for the Python trainer, one index file
// naming the pixel cache of each dataset and its seeded zoo/target split.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR, SHARED_DATASETS, listFolder, loadPixels, pixelCachePath, sharedManifest } from '../../src/zoo/node/dataset.ts';
import { POOL_SOURCES, ZOO_PREPROCESS, ZOO_SOURCES, ZOO_SPLIT_SEED, ZOO_TRAIN_FRACTION } from '../../src/zoo/shared/catalogue.ts';
import { zooTargetSplit } from '../../src/zoo/shared/split.ts';

const manifest = sharedManifest();
const index: Record<string, unknown> = {};
for (const name of ZOO_SOURCES) {
  const m = manifest.find((d) => d.name === name);
  if (!m) throw new Error(`${name} not in MANIFEST.json`);
  const t0 = Date.now();
  const listing = listFolder(join(SHARED_DATASETS, name), name);
  const px = loadPixels(listing, ZOO_PREPROCESS);
  const part = zooTargetSplit(listing.labels, ZOO_TRAIN_FRACTION, ZOO_SPLIT_SEED);
  index[name] = {
    domain: m.domain,
    cache: pixelCachePath(listing, ZOO_PREPROCESS) + '.f32',
    classes: listing.classes,
    labels: [...listing.labels],
    zoo: [...part],
    bad: [...px.bad],
    n: listing.files.length,
  };
  console.log(`${name}: ${listing.files.length} images, ${listing.classes.length} classes, ${px.bad.reduce((a, b) => a + b, 0)} bad (${Date.now() - t0} ms)`);
}
mkdirSync(CACHE_DIR, { recursive: true });
writeFileSync(
  join(CACHE_DIR, 'train-index.json'),
  JSON.stringify({ size: ZOO_PREPROCESS.crop, preprocess: ZOO_PREPROCESS, pool: POOL_SOURCES, sources: ZOO_SOURCES, datasets: index }),
);
console.log(`wrote ${join(CACHE_DIR, 'train-index.json')}`);
