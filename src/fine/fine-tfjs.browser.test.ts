// Fine stage with tfjs models (npm packages' models, real tfjs backbones): run in the worker with the
// page's own loader and feature code, they give the page's npmFeatures and the probe those features
// give; mixed with an ONNX model in one run, both finish.
import { expect } from 'chai';
import { startFine, tfjsFineModel, isTfjsModelId, type FineHandle } from './client/fine-client.ts';
import { probeModels } from './shared/probe.ts';
import { pickRows, probeLabels } from './shared/data.ts';
import { cosine } from '../encode/shared/vec.ts';
import { sniffImage } from '../encode/shared/imageinfo.ts';
import { decodeInBrowser } from '../encode/shared/decode-browser.ts';
import type { RgbaImage } from '../encode/shared/preprocess.ts';
import { env } from '../env.ts';
import { ensureCpuOrBest } from '../npmzoo/tfjs/features.ts';
import { clearNpmModelCache, loadNpmModel, npmFeatures } from '../npmzoo/client/npm-models.ts';
import type { ZooCatalogue } from '../zoo/shared/catalogue.ts';
import type { FineImage, FineModel, FineOnnxModel, FineProgress } from './shared/types.ts';
import { sharedFile } from '../../test/helpers/fixtures.ts';

const PER_CLASS = 6;
const CLASSES = ['abyssinian', 'beagle', 'pug'];
const LAYERS = 'real:mobilenet_v1_0.25';
const GRAPH = 'real:tfhub_mobilenet_v1_0.25';

async function images(): Promise<FineImage[]> {
  const out: FineImage[] = [];
  for (const [label, cls] of CLASSES.entries()) {
    for (let i = 0; i < PER_CLASS; i++) {
      const rel = `datasets/pets/${cls}/${cls}_${String(i).padStart(4, '0')}.jpg`;
      out.push({ path: rel, file: await sharedFile(rel), label });
    }
  }
  return out;
}

/** The worker's decoding (sniff, then jpeg-js / the browser's codecs), here in the page. */
async function decodeHere(imgs: FineImage[]): Promise<RgbaImage[]> {
  return Promise.all(imgs.map(async (im) => {
    const bytes = new Uint8Array(await im.file.arrayBuffer());
    return (await decodeInBrowser(bytes, sniffImage(bytes)!, { maxDecodeSide: env.maxDecodeSide })).img;
  }));
}

let catalogue: Promise<ZooCatalogue> | null = null;
async function zooModel(id: string): Promise<FineOnnxModel> {
  catalogue ??= fetch('/models/zoo/catalogue.json').then((r) => r.json() as Promise<ZooCatalogue>);
  const z = (await catalogue).models.find((x) => x.id === id)!;
  return { id, label: id, source: { url: `models/zoo/${z.file}` }, sha256: z.sha256, inputName: z.input.name, featuresOutput: z.outputs.features, logitsOutput: z.outputs.logits, preprocess: z.preprocess };
}

describe('fine stage with tfjs models (worker, page code path)', () => {
  let imgs: FineImage[];
  let fine: FineHandle;
  before(async () => {
    imgs = await images();
    fine = await startFine();
  });
  after(() => fine.terminate());

  it('tfjsFineModel: npm: ids and the real tfjs backbones only', () => {
    expect(tfjsFineModel(LAYERS)).to.deep.equal({ runtime: 'tfjs', id: LAYERS, label: LAYERS, npmId: LAYERS });
    expect(tfjsFineModel('npm:human/emotion', 'Emotion').label).to.equal('Emotion');
    expect(isTfjsModelId('resnet-cifar100')).to.equal(false);
    expect(() => tfjsFineModel('resnet-cifar100')).to.throw(/not a tfjs model/);
  });

  it(`${LAYERS} (layers) in the worker: features = npmFeatures in the page (cosine > 0.9999), probe accuracy = the probe on the page features`, async () => {
    await clearNpmModelCache(LAYERS); // the worker fetches it from the build (sha256-checked) and stores it
    const progress: FineProgress[] = [];
    const seed = 3;
    const t0 = performance.now();
    const res = await fine.run({ models: [tfjsFineModel(LAYERS)], images: imgs, classNames: CLASSES, seed, keepFeatures: true, scores: ['LogME', 'LEEP', 'NCE', 'GBC'] }, (p) => progress.push(p));
    const secs = (performance.now() - t0) / 1000;
    const m = res.models[0];
    expect(m.status, m.error).to.equal('done');
    expect(m.featureDim).to.equal(256);
    expect(m.images).to.equal(imgs.length);
    expect(m.featuresFrom).to.match(/^tfjs layer global_average_pooling2d_1 .*; weights from this build \(sha256-checked\); (wasm|webgpu) backend/);
    expect(m.scores!.LogME).to.be.a('number');
    expect(m.scores!.GBC).to.be.a('number');
    expect(m.scores!.LEEP, 'no source logits: LEEP skipped').to.equal(undefined);
    expect(m.scores!.NCE).to.equal(undefined);
    expect(m.probe!.full).to.equal(true);
    const f = progress.filter((p) => p.stage === 'features' && p.model === 1);
    expect(f.length).to.be.greaterThan(0);
    for (let i = 1; i < f.length; i++) expect(f[i].done).to.be.greaterThan(f[i - 1].done);
    expect(f[f.length - 1].done).to.equal(imgs.length);

    // the page: the entry the worker stored in IndexedDB, then npmFeatures on the same images
    expect(await ensureCpuOrBest('cpu')).to.equal('cpu');
    const pm = await loadNpmModel(LAYERS);
    expect(pm.source, 'stored by the worker').to.equal('indexeddb');
    const rgba = await decodeHere(res.used.map((i) => imgs[i]));
    const t1 = performance.now();
    const page = await npmFeatures(LAYERS, rgba, pm);
    const pageSecs = (performance.now() - t1) / 1000;
    pm.dispose();
    const d = page.dim;
    expect(d).to.equal(m.featureDim);
    const row = (x: Float32Array, i: number) => x.subarray(i * d, (i + 1) * d);
    const cos = rgba.map((_, i) => cosine(row(page.features, i), row(m.features!, i)));
    expect(Math.min(...cos)).to.be.greaterThan(0.9999);
    expect(cosine(row(page.features, 0), row(m.features!, PER_CLASS)), 'different images differ').to.be.lessThan(0.99);

    // the probe the worker ran, on the page's features: the same GT protocol, the same seed
    const pl = probeLabels(res.used.map((i) => imgs[i].label));
    const run = await probeModels([{ id: LAYERS, features: pickRows(page.features, d, pl.rows), d }], pl.labels, seed, undefined, false);
    expect(run.probes.get(LAYERS)!.accuracy).to.equal(m.probe!.accuracy);
    expect(m.probe!.accuracy).to.be.greaterThan(1 / 3 + 0.2);
    console.log(`fine tfjs: ${secs.toFixed(1)} s in the worker (${m.imagesPerSecond!.toFixed(1)} img/s, ${m.featuresFrom}); page npmFeatures ${pageSecs.toFixed(1)} s; min cosine ${Math.min(...cos).toFixed(6)}; probe ${m.probe!.accuracy.toFixed(3)}`);
  });

  it('mixed run: an ONNX zoo model + two tfjs models (graph; layers from IndexedDB) all done; an unknown tfjs model fails alone', async () => {
    const models: FineModel[] = [tfjsFineModel(GRAPH), await zooModel('resnet-cifar100'), tfjsFineModel(LAYERS), tfjsFineModel('npm:nobody/nothing')];
    const z = models[1] as FineOnnxModel;
    const progress: FineProgress[] = [];
    const t0 = performance.now();
    const res = await fine.run({ models, images: imgs, classNames: CLASSES, seed: 0, scores: ['LogME', 'LEEP'] }, (p) => progress.push(p));
    const secs = (performance.now() - t0) / 1000;
    expect(res.cancelled).to.equal(false);
    expect(res.models.map((m) => m.status)).to.deep.equal(['done', 'done', 'done', 'failed']);
    expect(res.models[3].error).to.match(/unknown npm model npm:nobody\/nothing/);
    const [g, o, l] = res.models;
    expect(g.featureDim).to.equal(256);
    expect(g.featuresFrom).to.match(/^tfjs node module_apply_default\/MobilenetV1\/Logits\/global_pool averaged over H and W/);
    expect(l.featuresFrom, 'the worker reads the IndexedDB entry').to.match(/weights from IndexedDB;/);
    expect(o.featureDim).to.equal((await catalogue)!.models.find((x) => x.id === z.id)!.featureDim);
    expect(o.scores!.LEEP).to.be.a('number');
    expect(g.scores!.LEEP).to.equal(undefined);
    for (const m of [g, o, l]) {
      expect(m.probe!.full).to.equal(true);
      expect(m.scores!.LogME).to.be.a('number');
    }
    expect([...res.reranked].sort()).to.deep.equal([GRAPH, z.id, LAYERS].sort());
    for (const mi of [1, 2, 3]) expect(progress.filter((p) => p.stage === 'features' && p.model === mi).pop()!.done).to.equal(imgs.length);
    console.log(`fine mixed: ${secs.toFixed(1)} s; ` + [g, o, l].map((m) => `${m.id} ${m.imagesPerSecond!.toFixed(1)} img/s acc ${m.probe!.accuracy.toFixed(2)}`).join('; '));
  });

  it('cancel during a tfjs model\'s forward passes: it is cancelled, the finished ONNX model kept and probed', async () => {
    const models = [await zooModel('resnet-cifar100'), tfjsFineModel(LAYERS)];
    let asked = false;
    const res = await fine.run({ models, images: imgs, classNames: CLASSES, seed: 1, scores: ['LogME'] }, (p) => {
      if (!asked && p.stage === 'features' && p.model === 2 && p.done > 0 && p.done < p.total) {
        asked = true;
        void fine.cancel();
      }
    });
    expect(asked).to.equal(true);
    expect(res.cancelled).to.equal(true);
    expect(res.models.map((m) => m.status)).to.deep.equal(['done', 'cancelled']);
    expect(res.models[1].error).to.match(/cancelled/);
    expect(res.models[1].featureDim).to.equal(undefined);
    expect(res.reranked).to.deep.equal(['resnet-cifar100']);
  });
});
