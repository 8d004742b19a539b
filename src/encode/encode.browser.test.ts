import { expect } from 'chai';
import { executeServerCommand } from '@web/test-runner-commands';
import { startEncoder } from './client/encoder-client.ts';
import { cosine } from './shared/vec.ts';
import { DEFAULT_ENCODER_ID } from './shared/manifest.ts';
import { datasetFiles, sharedFile, SHARED_FS } from '../../test/helpers/fixtures.ts';

describe('encoder in the page (onnxruntime-web or tfjs in a worker)', () => {
  const cases = [
    { encoderId: 'mobilenetv2-12-int8', runtime: 'onnxruntime-web' },
    { encoderId: DEFAULT_ENCODER_ID, runtime: 'tfjs' }, // its wasmRuntime: the page's default path
    { encoderId: DEFAULT_ENCODER_ID, runtime: 'onnxruntime-web' }, // the WebGPU path's runtime
    { encoderId: 'mobilenetv2-12-f32', runtime: 'tfjs' }, // the same graph at 224 px
  ] as const;
  for (const { encoderId, runtime } of cases) it(`${encoderId} on ${runtime}: gives the same embeddings as onnxruntime-node for the same files (cosine > 0.999)`, async () => {
    const list = (await datasetFiles('pets')).filter((_, i) => i % 37 === 0).slice(0, 8);
    const items = await Promise.all(list.map(async (f) => ({ path: f.file, file: await sharedFile(`datasets/pets/${f.file}`) })));
    const enc = await startEncoder({ encoderId, prefer: 'wasm', useCache: false, runtime: runtime === 'tfjs' ? 'auto' : 'onnxruntime-web' });
    try {
      expect(enc.backend.runtime).to.equal(runtime);
      const res = await enc.encode(items);
      expect(res.skipped).to.have.length(0);
      expect(res.indices).to.deep.equal(items.map((_, i) => i));
      const node = (await executeServerCommand('node-embed', {
        encoderId,
        paths: list.map((f) => `${SHARED_FS}/datasets/pets/${f.file}`),
      })) as number[][];
      const cos = node.map((v, i) => cosine(v, res.embeddings.subarray(i * res.dim, (i + 1) * res.dim)));
      expect(Math.min(...cos)).to.be.greaterThan(0.999);
      // different images must not agree that well: the check can fail
      expect(cosine(node[0], res.embeddings.subarray(res.dim, 2 * res.dim))).to.be.lessThan(0.99);
    } finally {
      enc.terminate();
    }
  });

  it('a pool of workers gives what one worker gives, in request order, with bad files skipped where they are', async () => {
    const list = (await datasetFiles('dtd')).filter((_, i) => i % 5 === 0).slice(0, 38);
    const items = await Promise.all(list.map(async (f) => ({ path: f.file, file: await sharedFile(`datasets/dtd/${f.file}`) })));
    // a corrupt JPEG in the second share, an empty file in the third
    items.splice(20, 0, { path: 'broken.jpg', file: new File([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3])], 'broken.jpg') });
    items.splice(35, 0, { path: 'empty.png', file: new File([], 'empty.png') });
    const one = await startEncoder({ encoderId: DEFAULT_ENCODER_ID, prefer: 'wasm', useCache: false, workers: 1 });
    const pool = await startEncoder({ encoderId: DEFAULT_ENCODER_ID, prefer: 'wasm', useCache: false, workers: 2, threads: 2 });
    try {
      expect(one.backend.workers).to.equal(1);
      expect(pool.backend.workers).to.equal(2);
      const seen: number[] = [];
      const a = await one.encode(items);
      const b = await pool.encode(items, (p) => seen.push(p.done));
      expect(b.indices).to.deep.equal(a.indices);
      expect(b.indices).to.have.length(items.length - 2);
      expect(b.skipped.map((x) => [x.index, x.path, x.reason])).to.deep.equal([[20, 'broken.jpg', 'corrupt'], [35, 'empty.png', 'empty']]);
      expect(b.hashes).to.deep.equal(a.hashes);
      for (let r = 0; r < a.indices.length; r++) {
        expect(cosine(a.embeddings.subarray(r * a.dim, (r + 1) * a.dim), b.embeddings.subarray(r * b.dim, (r + 1) * b.dim))).to.be.greaterThan(0.99999);
      }
      expect(b.encoded).to.equal(items.length - 2);
      expect(seen.at(-1)).to.equal(items.length);
      expect(seen.every((d, i) => i === 0 || d >= seen[i - 1])).to.equal(true);
      // nothing to do: an empty result of the encoder's shape
      const none = await pool.encode([]);
      expect([none.dim, none.indices.length, none.embeddings.length, none.cancelled]).to.deep.equal([1280, 0, 0, false]);
    } finally {
      one.terminate();
      pool.terminate();
    }
  });

  it('a pool stops handing out work once cancelled', async () => {
    const list = (await datasetFiles('dtd')).slice(0, 96);
    const items = await Promise.all(list.map(async (f) => ({ path: f.file, file: await sharedFile(`datasets/dtd/${f.file}`) })));
    const pool = await startEncoder({ encoderId: DEFAULT_ENCODER_ID, prefer: 'wasm', useCache: false, workers: 2, threads: 2 });
    try {
      let asked = false;
      const r = await pool.encode(items, (p) => {
        if (!asked && p.done >= 8) {
          asked = true;
          void pool.cancel();
        }
      });
      expect(r.cancelled).to.equal(true);
      expect(r.indices.length).to.be.lessThan(items.length);
      expect(r.indices.every((x, i) => i === 0 || x > r.indices[i - 1])).to.equal(true);
    } finally {
      pool.terminate();
    }
  });

  it('says which backend ran and why (no GPU here: WASM fallback)', async () => {
    const enc = await startEncoder({ encoderId: 'mobilenetv2-12-int8', prefer: 'webgpu', useCache: false });
    try {
      const hasAdapter = Boolean(await (navigator as Navigator & { gpu?: GPU }).gpu?.requestAdapter());
      if (hasAdapter) expect(enc.backend.backend).to.be.oneOf(['webgpu', 'wasm']);
      else {
        expect(enc.backend.backend).to.equal('wasm');
        expect(enc.backend.reason).to.match(/WebGPU/);
        expect(enc.backend.reason).to.match(/fell back to WASM/);
      }
      expect(enc.backend.reason.length).to.be.greaterThan(5);
    } finally {
      enc.terminate();
    }
  });
});
