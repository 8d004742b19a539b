// `npm run real-models:page`: the real tfjs backbones as page candidates, written to
// src/realzoo/shared/real-page.gen.ts: model tokens for the ranker (ArchToVec of their weights +
// metadata, the npm models' recipe: src/npmzoo/node/tokens.ts tfjsArchAndMacs) and catalogue
// entries in the npm models' page format (what the build serves for each: src/realzoo/node/assets.ts),
// so the page lists, ranks, caches and measures them through the npm models' path. Also writes
// src/realzoo/shared/real-pins.gen.ts, each file's pinned public address (src/realzoo/node/pins.ts);
// `-- --pins-only` writes only that.
import '../../npmzoo/node/tf-shim.ts';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { MODEL_TOKEN_FORMAT, MODEL_TOKEN_VERSION } from '../../rank/shared/model-tokens.ts';
import { tfjsArchAndMacs } from '../../npmzoo/node/tokens.ts';
import { ensureCpuOrBest, extractFeatures, loadNpmModel, prepareImages, tf } from '../../npmzoo/tfjs/features.ts';
import { syntheticImages } from '../../npmzoo/shared/synthetic.ts';
import { npmPreprocessSpec } from '../../npmzoo/shared/preprocess.ts';
import { inputShapeFor } from '../../npmzoo/shared/shapes.ts';
import { NPM_TOKENS_FORMAT, NPM_TOKENS_VERSION, type NpmModelToken, type NpmModelTokens } from '../../npmzoo/shared/tokens.ts';
import type { NpmPageEntry } from '../../npmzoo/shared/page-set.ts';
import { REAL_BACKBONES_VERSION, REAL_TFJS_IDS, realTfjsUrl } from '../shared/backbones.ts';
import { buildRealModelAssets, realTfjsBackbones } from './assets.ts';
import { readRealTfjs } from './files.ts';
import { writeRealPins } from './pins.ts';

export const REAL_PAGE_TS = resolve('src/realzoo/shared/real-page.gen.ts');
/** Node's features of one backbone per format on the synthetic images, for the page's parity test */
export const REAL_REFERENCE = resolve('src/realzoo/real-reference.json');
export const REAL_PARITY = ['real:mobilenet_v1_0.25', 'real:tfhub_mobilenet_v1_0.25'];
const REFERENCE_IMAGES = 3;

export async function main(): Promise<void> {
  writeRealPins();
  if (process.argv.includes('--pins-only')) return;
  await ensureCpuOrBest('cpu');
  const served = buildRealModelAssets();
  const tokens: NpmModelToken[] = [];
  const entries: NpmPageEntry[] = [];
  for (const b of realTfjsBackbones()) {
    if (!REAL_TFJS_IDS.includes(b.id)) throw new Error(`${b.id} is missing from REAL_TFJS_IDS`);
    const rec = served.index[b.id];
    if (!rec) throw new Error(`${b.id}: its files are not in ../shared/models/real (needed to generate its token)`);
    const files = readRealTfjs(b);
    const input = { ...b.input!, name: 'input', shape: inputShapeFor(b.input!), dtype: b.input!.dtype };
    const { arch, macs, macsWhy } = await tfjsArchAndMacs(files, b.format as 'tfjs-graph' | 'tfjs-layers', input, b.sha256.slice(0, 16));
    const classes = b.format === 'tfjs-graph' ? 1001 : 1000;
    console.log(`${b.id}: ${((macs ?? 0) / 1e6).toFixed(1)} M MACs, arch ${arch.filter((v) => v !== 0).length} non-zero of ${arch.length}`);
    tokens.push({
      format: MODEL_TOKEN_FORMAT, version: MODEL_TOKEN_VERSION, id: b.id,
      meta: { family: null, params: b.params, macs, inputSize: b.input!.size, featureDim: b.dim, sourceClasses: classes, sourceAccuracy: null, pool: false },
      arch, source: null, package: 'real', packageVersion: String(REAL_BACKBONES_VERSION), sha256: b.sha256,
      why: {
        macs: macsWhy, sourceClasses: `ImageNet-1k classifier head (${classes} outputs)`,
        family: 'not one of the zoo\'s families (resnet, mobilenetv2, vgg, convmixer)',
        source: 'no source token: ImageNet is not among the datasets embedded here',
      },
    });
    const [json, bin] = rec.files;
    entries.push({
      id: b.id, family: 'npm', package: 'real', version: String(REAL_BACKBONES_VERSION), integrity: '',
      modelUrl: realTfjsUrl(b), cacheKey: `real@${REAL_BACKBONES_VERSION}/${b.source}/${b.sha256}`, sha256: b.sha256,
      bytes: b.bytes, params: b.params, format: b.format, input, preprocess: npmPreprocessSpec(b.input!),
      featureNode: b.featureNode!, featurePooling: b.pooling!, featureDim: b.dim,
      task: 'ImageNet-1k classification', sourceDomain: 'natural_images', trainingData: b.pretraining, licence: b.licence,
      split: 'blind', runtimes: { cpu: 'tested', wasm: 'untested', webgl: 'untested', webgpu: 'untested' },
      key: b.id, label: b.label, servedBytes: json.bytes + bin.bytes, weightsSha256: bin.sha256,
    });
  }
  const ref: Record<string, { dim: number; features: number[] }> = {};
  for (const id of REAL_PARITY) {
    const b = realTfjsBackbones().find((x) => x.id === id)!;
    const m = await loadNpmModel(readRealTfjs(b), b.format as 'tfjs-graph' | 'tfjs-layers', b.format === 'tfjs-layers' ? b.featureNode : undefined);
    const f = await extractFeatures(m, { node: b.featureNode!, pooling: b.pooling! }, prepareImages(syntheticImages(REFERENCE_IMAGES), b.input!), REFERENCE_IMAGES, b.input!);
    m.dispose();
    ref[id] = { dim: b.dim, features: [...f].map((v) => Number(v.toPrecision(7))) };
  }
  writeFileSync(REAL_REFERENCE, JSON.stringify({ backend: 'cpu', images: REFERENCE_IMAGES, models: ref }) + '\n');
  const t: NpmModelTokens = { format: NPM_TOKENS_FORMAT, version: NPM_TOKENS_VERSION, generatedBy: `src/realzoo/node/page.ts, @tensorflow/tfjs ${tf.version.tfjs} cpu, ../shared/models/real`, models: tokens };
  writeFileSync(REAL_PAGE_TS, [
    '// GENERATED by `npm run real-models:page` (src/realzoo/node/page.ts) from ../shared/models/real: do not edit.',
    '// Tokens: src/npmzoo/shared/tokens.ts format; entries: src/npmzoo/shared/page-set.ts NpmPageEntry.',
    "import type { NpmModelTokens } from '../../npmzoo/shared/tokens.ts';",
    "import type { NpmPageEntry } from '../../npmzoo/shared/page-set.ts';",
    '',
    `export const REAL_MODEL_TOKENS: NpmModelTokens = ${JSON.stringify({ ...t, models: [] }).replace(/"models":\[\]\}$/, '"models": [')}`,
    ...tokens.map((m) => '  ' + JSON.stringify(m) + ','),
    ']};',
    '',
    'export const REAL_PAGE_CATALOGUE: NpmPageEntry[] = [',
    ...entries.map((e) => '  ' + JSON.stringify(e) + ','),
    '];',
    '',
  ].join('\n'));
  console.log(`real tfjs backbones: ${tokens.length} tokens and page entries -> ${REAL_PAGE_TS}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
