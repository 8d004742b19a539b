// In headless Chromium: a catalogue file (the encoder mobilenetv2-12-int8.onnx, same sha256 as the ONNX
// Model Zoo's) is fetched only on consent, verified, cached in IndexedDB; a dropped file is accepted by
// its hash; tampered bytes are refused. Nothing is downloaded: the pinned URL is mapped to ../shared.
import { expect } from 'chai';
import { getPinned, acceptDropped, clearPinned, cachedPinned, PinnedFileError } from './client/pinned.ts';
import type { PinnedFile, PublicCatalogue } from './shared/catalogue.ts';

const LOCAL = '/__shared/models/encoders/mobilenetv2-12-int8.onnx';

async function encoderFile(): Promise<PinnedFile> {
  const cat = (await (await fetch('/data/public/catalogue.json')).json()) as PublicCatalogue;
  const f = cat.models.flatMap((m) => m.files).find((x) => x.path.endsWith('/mobilenetv2-12-int8.onnx'));
  if (!f) throw new Error('encoder file not in the catalogue');
  return f;
}

describe('pinned public model files', () => {
  beforeEach(async () => { await clearPinned(); });

  it('asks with the size first, downloads nothing when declined', async () => {
    const f = await encoderFile();
    let asked = -1, fetched = 0;
    try {
      await getPinned(f, { consent: ({ bytes }) => { asked = bytes; return false; }, fetch: async () => { fetched++; return fetch(LOCAL); } });
      expect.fail('should refuse');
    } catch (e) {
      expect((e as PinnedFileError).reason).to.equal('consent');
    }
    expect(asked).to.equal(3655033);
    expect(fetched).to.equal(0);
  });

  it('downloads on consent from the pinned address, verifies sha256, then serves from IndexedDB', async () => {
    const f = await encoderFile();
    const urls: string[] = [];
    const r = await getPinned(f, { consent: () => true, fetch: async (u) => { urls.push(u); return fetch(LOCAL); } });
    expect(urls).to.deep.equal([f.url]);
    expect(f.url).to.match(/^https:\/\/github\.com\/onnx\/models\/raw\/[0-9a-f]{40}\//);
    expect(r.from).to.equal('download');
    expect(r.data.byteLength).to.equal(f.bytes);
    expect((await cachedPinned(f.sha256))?.bytes).to.equal(f.bytes);
    const again = await getPinned(f, { consent: () => { throw new Error('must not ask again'); } });
    expect(again.from).to.equal('cache');
  });

  it('refuses tampered bytes', async () => {
    const f = await encoderFile();
    const bytes = new Uint8Array(await (await fetch(LOCAL)).arrayBuffer());
    bytes[1000] ^= 0xff;
    try {
      await getPinned(f, { consent: () => true, fetch: async () => new Response(bytes) });
      expect.fail('should refuse');
    } catch (e) {
      expect((e as PinnedFileError).reason).to.equal('sha256');
    }
    expect(await cachedPinned(f.sha256)).to.equal(undefined);
  });

  it('accepts a dropped file by its hash (air-gapped) and caches it', async () => {
    const f = await encoderFile();
    const blob = await (await fetch(LOCAL)).blob();
    const { file, result } = await acceptDropped([f], blob);
    expect(file.sha256).to.equal(f.sha256);
    expect(result.from).to.equal('drop');
    expect((await getPinned(f, { consent: () => false })).from).to.equal('cache');
    try { await acceptDropped([f], new Blob([new Uint8Array(10)])); expect.fail('should refuse'); } catch (e) { expect((e as PinnedFileError).reason).to.equal('sha256'); }
  });
});
