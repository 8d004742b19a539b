// In headless Chromium: a real tfjs backbone that the build does not serve is fetched only on
// consent from its pinned public addresses (mapped here to ../shared/models/real at /__shared/:
// nothing is downloaded), every file checked by size and sha256, stored where loadNpmModel reads it,
// and then gives the features of the build-served copy; a tampered file refuses the model; files the
// user already has are taken by their sha256.
import { expect } from 'chai';
import { ensureCpuOrBest, tf } from '../npmzoo/tfjs/features.ts';
import { syntheticImages } from '../npmzoo/shared/synthetic.ts';
import { clearNpmModelCache, loadNpmModel, npmEntry, npmFeatures, npmIdbKey } from '../npmzoo/client/npm-models.ts';
import { RealBackboneNotHere, realPinned, type RealPinnedFile } from './shared/pins.ts';
import { acceptRealBackboneFiles, clearPendingRealFiles, getRealBackbone, realBackboneDownload, RealBackboneError, realBackboneStored, type RealProgress } from './client/download.ts';

const LAYERS = 'real:mobilenet_v1_0.25';
const GRAPH = 'real:tfhub_mobilenet_v1_0.25';
const IMAGES = syntheticImages(3);

const pins = (id: string) => realPinned(id)!;
const local = (id: string, name: string) => `/__shared/models/real/${pins(id).folder}/${name}`;

/** the pinned addresses (either host) -> the same files in ../shared; every request logged */
function mappedFetch(log: string[], change: (url: string, f: RealPinnedFile, b: Uint8Array) => Response | Uint8Array | null = (_u, _f, b) => b) {
  return async (url: string) => {
    log.push(url);
    for (const id of [LAYERS, GRAPH]) {
      const f = pins(id).files.find((x) => x.url === url || x.mirror === url);
      if (!f) continue;
      const b = new Uint8Array(await (await fetch(local(id, f.name))).arrayBuffer());
      const out = change(url, f, b);
      if (out instanceof Response) return out;
      return out ? new Response(out as Uint8Array<ArrayBuffer>) : new Response('not found', { status: 404 });
    }
    return new Response('not pinned', { status: 404 });
  };
}

const cosine = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) { ab += a[i] * b[i]; aa += a[i] * a[i]; bb += b[i] * b[i]; }
  return ab / Math.sqrt(aa * bb);
};

/** features from IndexedDB (no request at all) vs the build-served copy, image by image */
async function expectServedFeatures(id: string): Promise<void> {
  const realFetch = globalThis.fetch;
  let requests = 0;
  globalThis.fetch = (async (...a: Parameters<typeof fetch>) => { requests++; return realFetch(...a); }) as typeof fetch;
  let stored;
  try {
    stored = await loadNpmModel(id);
  } finally {
    globalThis.fetch = realFetch;
  }
  expect(stored.source, id).to.equal('indexeddb');
  expect(requests, `${id}: requests while loading from IndexedDB`).to.equal(0);
  const a = await npmFeatures(id, IMAGES, stored);
  stored.dispose();
  const served = await loadNpmModel(id, { cache: false });
  expect(served.source).to.equal('network');
  const b = await npmFeatures(id, IMAGES, served);
  served.dispose();
  expect(a.dim).to.equal(npmEntry(id).featureDim);
  for (let i = 0; i < IMAGES.length; i++) {
    expect(cosine(a.features.subarray(i * a.dim, (i + 1) * a.dim), b.features.subarray(i * b.dim, (i + 1) * b.dim)), `${id} image ${i}`).to.be.greaterThan(0.9999);
  }
  expect(cosine(a.features.subarray(0, a.dim), a.features.subarray(a.dim, 2 * a.dim)), `${id}: images 0 and 1 alike`).to.be.lessThan(0.99999);
}

async function storedKeys(id: string): Promise<string[]> {
  return Object.keys(await tf.io.listModels()).filter((k) => k.includes(`/${npmEntry(id).key}/`));
}

async function expectRefused(p: Promise<unknown>, reason: RealBackboneError['reason']): Promise<RealBackboneError> {
  try {
    await p;
  } catch (e) {
    expect(e, String(e)).to.be.instanceOf(RealBackboneError);
    expect((e as RealBackboneError).reason, (e as Error).message).to.equal(reason);
    return e as RealBackboneError;
  }
  throw new Error(`not refused (${reason} expected)`);
}

describe('real tfjs backbones from their pinned public copies', () => {
  before(async function () {
    if (!(await fetch('/__shared/models/real/PROVENANCE.md')).ok) {
      console.warn('no ../shared/models/real served at /__shared/: skipped');
      this.skip();
    }
    expect(await ensureCpuOrBest('cpu')).to.equal('cpu');
    for (const id of [LAYERS, GRAPH]) await clearNpmModelCache(id);
  });
  after(async () => {
    clearPendingRealFiles();
    for (const id of [LAYERS, GRAPH]) await clearNpmModelCache(id);
  });

  it('loadNpmModel: a backbone neither served nor stored is a RealBackboneNotHere with its size', async () => {
    const realFetch = globalThis.fetch;
    // this build serves nothing (a clone without ../shared)
    globalThis.fetch = (async (u: RequestInfo | URL, i?: RequestInit) => (String(u).includes('npm-models/') ? new Response('', { status: 404 }) : realFetch(u, i))) as typeof fetch;
    try {
      await loadNpmModel(LAYERS);
      expect.fail('should throw');
    } catch (e) {
      expect(e).to.be.instanceOf(RealBackboneNotHere);
      const n = e as RealBackboneNotHere;
      expect([n.id, n.bytes, n.files]).to.deep.equal([LAYERS, 1956310, 56]);
    } finally {
      globalThis.fetch = realFetch;
    }
  });

  it('tells the size first; declined, nothing is fetched or stored', async () => {
    const info = realBackboneDownload(LAYERS);
    expect([info.files, info.bytes]).to.deep.equal([56, 1956310]);
    expect(info.hosts).to.deep.equal(['raw.githubusercontent.com', 'cdn.jsdelivr.net']);
    const log: string[] = [];
    let asked: number | null = null;
    await expectRefused(getRealBackbone(LAYERS, { consent: ({ bytes }) => { asked = bytes; return false; }, fetch: mappedFetch(log) }), 'consent');
    await expectRefused(getRealBackbone(LAYERS, { consent: false, fetch: mappedFetch(log) }), 'consent');
    expect(asked).to.equal(1956310);
    expect(log).to.deep.equal([]);
    expect(await realBackboneStored(LAYERS)).to.equal(false);
  });

  it('a tampered file refuses the model, naming the file; nothing is stored', async () => {
    const log: string[] = [];
    const e = await expectRefused(getRealBackbone(LAYERS, {
      consent: true,
      fetch: mappedFetch(log, (_u, f, b) => { if (f.name === 'group29-shard1of1') b[500] ^= 1; return b; }),
    }), 'sha256');
    expect(e.file).to.equal('group29-shard1of1');
    expect(e.message).to.contain('group29-shard1of1').and.contain('nothing was stored');
    // the mirror was tried too, and refused as well
    const f = pins(LAYERS).files.find((x) => x.name === 'group29-shard1of1')!;
    expect(log).to.include(f.url).and.include(f.mirror);
    expect(await storedKeys(LAYERS)).to.deep.equal([]);
    // a short file is refused by its size
    const short = await expectRefused(getRealBackbone(GRAPH, { consent: true, fetch: mappedFetch([], (_u, g, b) => (g.name === 'model.json' ? b.subarray(1) : b)) }), 'size');
    expect(short.file).to.equal('model.json');
    expect(await storedKeys(GRAPH)).to.deep.equal([]);
  });

  it('cancelled through its AbortSignal: nothing is stored', async () => {
    const ctl = new AbortController();
    await expectRefused(getRealBackbone(LAYERS, { consent: true, signal: ctl.signal, fetch: mappedFetch([]), onProgress: (p) => { if (p.filesDone >= 3) ctl.abort(); } }), 'aborted');
    expect(await storedKeys(LAYERS)).to.deep.equal([]);
  });

  it('on consent: fetched from the pinned addresses, checked, stored; loadNpmModel then reads it and gives the served copy\'s features (layers model)', async () => {
    const log: string[] = [];
    const seen: RealProgress[] = [];
    const r = await getRealBackbone(LAYERS, { consent: () => true, fetch: mappedFetch(log), onProgress: (p) => seen.push(p) });
    const p = pins(LAYERS);
    expect(r.from).to.equal('download');
    expect(r.idbKey).to.equal(npmIdbKey(npmEntry(LAYERS)));
    expect([...log].sort()).to.deep.equal(p.files.map((f) => f.url).sort());
    expect(log.every((u) => u.startsWith('https://raw.githubusercontent.com/'))).to.equal(true);
    const last = seen[seen.length - 1];
    expect([last.filesDone, last.files, last.bytesDone, last.bytes]).to.deep.equal([56, 56, 1956310, 1956310]);
    expect(last.secondsLeft).to.equal(0);
    expect(seen.some((s) => s.bytesPerSecond > 0)).to.equal(true);
    expect(await realBackboneStored(LAYERS)).to.equal(true);
    // stored: asked again, nothing is fetched and consent is not asked
    const again = await getRealBackbone(LAYERS, { consent: () => { throw new Error('must not ask'); }, fetch: mappedFetch(log) });
    expect(again.from).to.equal('indexeddb');
    expect(log.length).to.equal(56);
    await expectServedFeatures(LAYERS);
  });

  it('the TF-Hub graph model, its pinned model.json address failing: taken from the mirror, same features as served', async () => {
    const log: string[] = [];
    const p = pins(GRAPH);
    const r = await getRealBackbone(GRAPH, {
      consent: true,
      fetch: mappedFetch(log, (u, f, b) => (f.name === 'model.json' && u === f.url ? new Response('', { status: 503 }) : b)),
    });
    expect(r.fromMirror).to.equal(1);
    expect([...log].sort()).to.deep.equal([p.files[0].url, p.files[0].mirror, p.files[1].url].sort());
    await expectServedFeatures(GRAPH);
  });

  it('files the user already has: matched by sha256 (names do not matter), incomplete sets name what is missing, unknown files are refused', async () => {
    await clearNpmModelCache(LAYERS);
    clearPendingRealFiles();
    const p = pins(LAYERS);
    const files = await Promise.all(p.files.map(async (f, i) => new File([await (await fetch(local(LAYERS, f.name))).arrayBuffer()], i === 3 ? 'renamed.bin' : f.name)));
    const notes = new File(['hello'], 'notes.txt');
    const first = await acceptRealBackboneFiles([...files.slice(0, 50), notes]);
    expect(first.stored).to.deep.equal([]);
    expect(first.incomplete).to.deep.equal([{ id: LAYERS, missing: p.files.slice(50).map((f) => f.name), have: 50, files: 56 }]);
    expect(first.refused.map((r) => r.name)).to.deep.equal(['notes.txt']);
    expect(first.message).to.contain('notes.txt').and.contain(p.files[55].name);
    expect(await storedKeys(LAYERS)).to.deep.equal([]);
    // the rest, later: the set completes and is stored
    const second = await acceptRealBackboneFiles(files.slice(50));
    expect(second.stored.map((s) => [s.id, s.from, s.idbKey])).to.deep.equal([[LAYERS, 'files', npmIdbKey(npmEntry(LAYERS))]]);
    expect(second.incomplete).to.deep.equal([]);
    await expectServedFeatures(LAYERS);
  });
});
