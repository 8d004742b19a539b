// `node --import tsx src/npmzoo/node/tokens.ts [--only id,id]`: the npm models' model tokens for the
// ranker (src/npmzoo/shared/tokens.ts says what is in them and why), written to
// src/npmzoo/shared/npm-tokens.gen.ts so that Node (bench:rank) and the page read the same file;
// and the page's catalogue of every usable model (src/npmzoo/shared/npm-catalogue.gen.ts: the
// inventory's facts plus the bytes and sha256 the build serves), so the page can list and rank
// them before downloading any.
// MACs need each weighted op's output shape: read from the inventory's runtime-shape cache
// (.cache/npmzoo/shapes) where present, else one batch-1 pass on zeros (tfjs cpu backend).
import './tf-shim.ts';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { archFeatures, MODEL_TOKEN_FORMAT, MODEL_TOKEN_VERSION } from '../../rank/shared/model-tokens.ts';
import { NPM_MODEL_DOCS } from '../shared/models.ts';
import { decodeTfjsWeights, graphArchWeights, graphMacs, graphWeightedOps, kerasLayers, layersArchWeights, layersMacs, type TfjsGraphNode, type TfjsWeightSpec } from '../shared/tfjs-weights.ts';
import { familyOf, npmModelMeta, NO_SOURCE_WHY, NPM_TOKENS_FORMAT, NPM_TOKENS_VERSION, sourceClassesOf, type NpmModelToken, type NpmModelTokens } from '../shared/tokens.ts';
import { npmModelId, type NpmInventory, type NpmInventoryEntry } from '../shared/types.ts';
import { inputShapeFor } from '../shared/shapes.ts';
import { npmCatalogue, npmModelUrl } from '../shared/catalogue.ts';
import type { NpmPageEntry } from '../shared/page-set.ts';
import { buildNpmModelAssets } from './assets.ts';
import { ensureCpuOrBest, loadNpmModel, tf, type ModelFiles } from '../tfjs/features.ts';
import { readModelFiles } from './files.ts';
import { loadInventory } from './inventory-file.ts';

export const TOKENS_TS = resolve('src/npmzoo/shared/npm-tokens.gen.ts');
export const CATALOGUE_TS = resolve('src/npmzoo/shared/npm-catalogue.gen.ts');
const SHAPES = resolve('.cache/npmzoo/shapes');

type Tensor = ReturnType<typeof tf.tensor>;

/** ArchToVec raw features and MACs of a tfjs model from its files (npm models and the real tfjs backbones). */
export async function tfjsArchAndMacs(files: ModelFiles, format: 'tfjs-graph' | 'tfjs-layers', input: NpmInventoryEntry['input'], shapesKey: string): Promise<{ arch: number[]; macs: number | null; macsWhy: string }> {
  const specs = files.json.weightsManifest.flatMap((g) => g.weights) as TfjsWeightSpec[];
  const bytes = new Uint8Array(files.shards.reduce((a, s) => a + s.byteLength, 0));
  let o = 0;
  for (const s of files.shards) { bytes.set(s, o); o += s.byteLength; }
  const weights = decodeTfjsWeights(specs, bytes);
  let arch: number[];
  let macs: number | null = null;
  let macsWhy: string;
  if (format === 'tfjs-graph') {
    const nodes = (files.json.modelTopology as { node: TfjsGraphNode[] }).node;
    arch = archFeatures(graphArchWeights(nodes, weights));
    const ops = graphWeightedOps(nodes, new Set(specs.filter((s) => s.dtype === 'float32').map((s) => s.name)));
    const need = [...new Set(ops.flatMap((op) => (op.kind === 'convTranspose' ? [op.value] : [op.node])))];
    const cachePath = join(SHAPES, `${shapesKey}.json`);
    const cached: Record<string, number[]> = existsSync(cachePath) ? JSON.parse(readFileSync(cachePath, 'utf8')) : {};
    const shapes = new Map<string, number[]>(Object.entries(cached));
    const missing = need.filter((n) => !shapes.has(n));
    if (missing.length) {
      const m = await loadNpmModel(files, 'tfjs-graph');
      const x = tf.zeros(inputShapeFor(input), input.dtype as 'float32' | 'int32');
      try {
        for (let i = 0; i < missing.length; i += 60) {
          const chunk = missing.slice(i, i + 60);
          const ys = m.graph!.execute({ [m.inputName]: x }, chunk) as Tensor | Tensor[];
          const arr = Array.isArray(ys) ? ys : [ys];
          chunk.forEach((n, j) => shapes.set(n, arr[j].shape));
          tf.dispose(arr);
        }
      } finally {
        x.dispose();
        m.dispose();
      }
    }
    macs = graphMacs(ops, (n) => weights.get(n)!.shape, (n) => shapes.get(n));
    macsWhy = `counted over ${ops.length} conv/matmul ops of the tfjs graph: kernel shape x runtime output shape (batch 1, zeros input)`;
  } else {
    const layers = kerasLayers(files.json.modelTopology);
    arch = archFeatures(layersArchWeights(layers, weights));
    const m = await loadNpmModel(files, 'tfjs-layers');
    try {
      const kernel = (n: string, w: string) => weights.get(`${n}/${w}`)?.shape ?? null;
      macs = layersMacs(m.layers!.layers.map((l) => {
        const cn = l.getClassName();
        return {
          className: cn,
          kernel: cn === 'DepthwiseConv2D' || cn === 'SeparableConv2D' ? kernel(l.name, 'depthwise_kernel') : kernel(l.name, 'kernel'),
          pointwise: cn === 'SeparableConv2D' ? kernel(l.name, 'pointwise_kernel') : null,
          outputShape: l.outputShape as (number | null)[],
        };
      }));
    } finally {
      m.dispose();
    }
    macsWhy = 'counted over the Keras Conv2D / DepthwiseConv2D / SeparableConv2D / Dense layers: kernel shape x static output shape at batch 1';
  }
  return { arch, macs, macsWhy };
}

/** weights (decoded), ArchToVec raw features and MACs of one npm model */
export async function tokenFor(e: NpmInventoryEntry, log = false): Promise<NpmModelToken> {
  const doc = NPM_MODEL_DOCS.find((d) => d.id === e.id && d.package === e.package)!;
  const files = readModelFiles(doc);
  const t0 = Date.now();
  const { arch, macs, macsWhy } = await tfjsArchAndMacs(files, e.format as 'tfjs-graph' | 'tfjs-layers', e.input, e.files[0].sha256.slice(0, 16));
  if (log) console.log(`${e.package}/${e.id}: ${(macs ?? 0) / 1e6 | 0} M MACs, arch ${arch.filter((v) => v !== 0).length} non-zero of ${arch.length} [${((Date.now() - t0) / 1000).toFixed(1)} s]`);
  const cls = sourceClassesOf(e), fam = familyOf(e);
  return {
    format: MODEL_TOKEN_FORMAT, version: MODEL_TOKEN_VERSION,
    id: npmModelId(e.package, e.id), meta: npmModelMeta(e, macs), arch, source: null,
    package: e.package, packageVersion: e.version, sha256: e.files[0].sha256,
    why: { macs: macsWhy, sourceClasses: cls.why, family: fam.why, source: NO_SOURCE_WHY },
  };
}

export function writeTokensTs(t: NpmModelTokens, path = TOKENS_TS): void {
  const models = t.models.map((m) => '    ' + JSON.stringify(m)).join(',\n');
  writeFileSync(path, [
    '// GENERATED by `node --import tsx src/npmzoo/node/tokens.ts` from data/npm-gt/inventory.json and the',
    '// pinned packages\' weights: do not edit. Format and meaning: src/npmzoo/shared/tokens.ts.',
    "import type { NpmModelTokens } from './tokens.ts';",
    '',
    'export const NPM_MODEL_TOKENS: NpmModelTokens = {',
    `  format: ${JSON.stringify(t.format)},`,
    `  version: ${t.version},`,
    `  generatedBy: ${JSON.stringify(t.generatedBy)},`,
    '  models: [',
    models,
    '  ],',
    '};',
    '',
  ].join('\n'));
}

/** the page's catalogue entries: inventory facts + what the build serves for each model */
export function pageCatalogue(inv: NpmInventory): NpmPageEntry[] {
  const cat = npmCatalogue(inv);
  return inv.models.filter((m) => m.feature).map((e, i) => {
    const files = buildNpmModelAssets(inv, [e.id]);
    const url = npmModelUrl(e);
    const json = files.get(url)!, bin = files.get(url.replace(/model\.json$/, 'weights.bin'))!;
    return { ...cat[i], key: e.id, label: e.original, servedBytes: json.byteLength + bin.byteLength, weightsSha256: createHash('sha256').update(bin).digest('hex') };
  });
}

export function writeCatalogueTs(entries: NpmPageEntry[], path = CATALOGUE_TS): void {
  writeFileSync(path, [
    '// GENERATED by `node --import tsx src/npmzoo/node/tokens.ts` from data/npm-gt/inventory.json and the',
    '// files the build serves (src/npmzoo/node/assets.ts): do not edit. Type: src/npmzoo/shared/page-set.ts.',
    "import type { NpmPageEntry } from './page-set.ts';",
    '',
    'export const NPM_PAGE_CATALOGUE: NpmPageEntry[] = [',
    ...entries.map((e) => '  ' + JSON.stringify(e) + ','),
    '];',
    '',
  ].join('\n'));
}

export async function main(): Promise<void> {
  await ensureCpuOrBest('cpu');
  const oi = process.argv.indexOf('--only');
  const only = oi >= 0 ? process.argv[oi + 1].split(',') : null;
  const inv = loadInventory();
  let prev: NpmModelToken[] = [];
  if (only && existsSync(TOKENS_TS)) prev = (await import(TOKENS_TS)).NPM_MODEL_TOKENS.models;
  const models: NpmModelToken[] = [];
  for (const e of inv.models.filter((m) => m.feature)) {
    const id = npmModelId(e.package, e.id);
    const old = prev.find((m) => m.id === id);
    if (only && !only.includes(e.id) && old) { models.push(old); continue; }
    models.push(await tokenFor(e, true));
  }
  writeTokensTs({ format: NPM_TOKENS_FORMAT, version: NPM_TOKENS_VERSION, generatedBy: `src/npmzoo/node/tokens.ts, @tensorflow/tfjs ${tf.version.tfjs} cpu, inventory ${inv.generatedBy}`, models });
  console.log(`npm model tokens: ${models.length} -> ${TOKENS_TS}`);
  const pc = pageCatalogue(inv);
  writeCatalogueTs(pc);
  console.log(`npm page catalogue: ${pc.length} -> ${CATALOGUE_TS}`);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
