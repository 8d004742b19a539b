import { expect } from 'chai';
import {
  addUserModel, clearUserModels, closeUserModelDb, getUserModel, getUserModelBytes, listUserModelMeta, listUserModels,
  rankWithUserModels, removeUserModel, toFineModel, userModelCost, userModelToken,
} from './client/openzoo.ts';
import { sha256Hex } from '../encode/shared/model-file.ts';
import { loadPageRanker } from '../rank/client/ranker.ts';
import { META_DIM } from '../rank/shared/model-tokens.ts';
import { startHardware } from '../hardware/client/hardware-client.ts';
import { basicProfile, deviceKey } from '../hardware/client/profile.ts';
import type { DatasetTokens } from '../tokens/shared/format.ts';

// Real zoo ONNX file added as a user model: real IndexedDB, the committed ranker and its dataset
// tokens (src/rank/rank-reference.json, two real tasks), onnxruntime-web (WASM) in the hardware worker.
interface Entry { id: string; file: string; sha256: string; bytes: number; params: number; macs: number }
const ZOO_ID = 'mobilenetv2-dtd';
const quick = { warmRuns: 8, warmBudgetMs: 300, throughputBatch: 4, throughputRuns: 2 };

describe('open zoo: a user\'s own ONNX model in the page', function () {
  this.timeout(120000);
  let entry: Entry;
  let bytes: Uint8Array;
  let tokens: DatasetTokens[];
  before(async () => {
    const cat = (await (await fetch('/models/zoo/catalogue.json')).json()) as { models: Entry[] };
    entry = cat.models.find((m) => m.id === ZOO_ID)!;
    bytes = new Uint8Array(await (await fetch(`/models/zoo/${entry.file}`)).arrayBuffer());
    tokens = ((await (await fetch('/src/rank/rank-reference.json')).json()) as { tokens: DatasetTokens[] }).tokens;
    await clearUserModels();
  });
  after(() => clearUserModels());

  it('adds, stores, tokenises, ranks, costs (predicted + measured), refuses a duplicate and a truncated file, removes', async () => {
    // ---- add
    let t = performance.now();
    const res = await addUserModel(new File([bytes as Uint8Array<ArrayBuffer>], `${ZOO_ID}.onnx`), 'My MobileNetV2');
    const addMs = performance.now() - t;
    if (!res.ok) throw new Error(res.errors.join(' | '));
    const rec = res.model;
    expect(rec.version).to.equal(1);
    expect(rec.sha256).to.equal(entry.sha256);
    expect(rec.id).to.equal(`user:${entry.sha256.slice(0, 12)}`);
    expect(rec.name).to.equal('My MobileNetV2');
    expect(rec.bytes.byteLength).to.equal(entry.bytes);
    expect(rec.info.featuresOutput).to.equal('features');
    expect(rec.info.logitsOutput).to.equal('logits');
    expect(rec.info.macs).to.equal(entry.macs);

    // ---- stored: a fresh connection still lists it, bytes intact
    await closeUserModelDb();
    const list = await listUserModels();
    expect(list.map((m) => m.id)).to.deep.equal([rec.id]);
    expect(await sha256Hex(list[0].bytes)).to.equal(entry.sha256);
    const meta = await listUserModelMeta();
    expect(meta.map((m) => m.id)).to.deep.equal([rec.id]);
    expect('bytes' in meta[0]).to.equal(false);
    expect(await sha256Hex((await getUserModelBytes(rec.id))!)).to.equal(entry.sha256);
    expect((await getUserModel(rec.id))!.info.input.name).to.equal('input');

    // ---- the same bytes again: refused kindly, nothing added
    const dup = await addUserModel(new File([bytes as Uint8Array<ArrayBuffer>], 'copy.onnx'), 'Copy of it');
    expect(dup.ok).to.equal(false);
    if (!dup.ok) expect(dup.errors[0]).to.match(/"Copy of it" is already in your models as "My MobileNetV2"/);
    // ---- a truncated file: the parse error, nothing stored
    const cut = await addUserModel(new File([bytes.slice(0, bytes.length >> 1)], 'broken.onnx'), 'Broken');
    expect(cut.ok).to.equal(false);
    if (!cut.ok) expect(cut.errors[0]).to.match(/"Broken" is not a readable ONNX file .*truncated/);
    // ---- over the size limit: refused before the file is read
    const big = await addUserModel(new File([bytes as Uint8Array<ArrayBuffer>], 'big.onnx'), 'Big', { maxBytes: 1000 });
    expect(big.ok).to.equal(false);
    if (!big.ok) expect(big.errors[0]).to.match(/over the 1\.0 kB limit/);
    expect((await listUserModels()).map((m) => m.id)).to.deep.equal([rec.id]);

    // ---- token (no retraining) and ranking among the zoo with real dataset tokens
    const r = await loadPageRanker({ backends: ['cpu'] });
    t = performance.now();
    const tok = userModelToken(r, rec);
    const tokenMs = performance.now() - t;
    expect(tok.id).to.equal(rec.id);
    const twin = r.zoo.find((m) => m.id === ZOO_ID)!;
    for (let j = META_DIM; j < META_DIM + r.scorer.art.arch.ae.code; j++) expect(tok.query[j]).to.be.closeTo(twin.query[j], 1e-4);
    for (const ds of tokens) {
      const { ranked } = rankWithUserModels(r, ds, [tok]);
      expect(ranked.length).to.equal(r.zoo.length + 1);
      const mine = ranked.find((x) => x.id === rec.id)!;
      expect(Number.isFinite(mine.score)).to.equal(true);
      expect(mine.rank).to.be.within(1, ranked.length);
      expect(ranked.every((x) => Number.isFinite(x.score))).to.equal(true);
      console.log(`user model ranked ${mine.rank} of ${ranked.length} (its zoo twin: ${ranked.find((x) => x.id === ZOO_ID)!.rank})`);
    }

    // ---- cost: predicted at once, measured on request (its bytes through a blob: URL)
    const key = await deviceKey(await basicProfile());
    const hw = await startHardware({ backend: 'wasm', deviceKey: key });
    try {
      const micro = await hw.microBench(300);
      const c = userModelCost(rec, { micro, hw });
      expect(c.why).to.equal(null);
      const p = c.predicted!;
      expect(p.source).to.equal('predicted');
      expect(p.basis).to.equal('graph');
      expect(p.modelId).to.equal(rec.id);
      expect(p.modelBytes).to.equal(entry.bytes);
      expect(p.warmP50Ms).to.be.greaterThan(0);
      expect(p.throughput.imagesPerSec).to.be.greaterThan(0);
      t = performance.now();
      const { cost } = await c.measure({ useCache: false, options: quick });
      const measureMs = performance.now() - t;
      expect(cost.source).to.equal('measured');
      expect(cost.modelId).to.equal(rec.id);
      expect(cost.modelSha256).to.equal(rec.sha256);
      expect(cost.modelBytes).to.equal(entry.bytes);
      expect(cost.warm.p50).to.be.greaterThan(0);
      expect(cost.throughput.imagesPerSec).to.be.greaterThan(0);
      console.log(`add ${addMs.toFixed(0)} ms, token ${tokenMs.toFixed(1)} ms, predicted warm p50 ${p.warmP50Ms.toFixed(2)} ms, measured ${cost.warm.p50.toFixed(2)} ms (measure took ${measureMs.toFixed(0)} ms)`);
    } finally {
      hw.terminate();
    }

    // ---- what the fine stage gets
    const f = toFineModel(rec);
    expect(f.id).to.equal(rec.id);
    expect(f.label).to.equal('My MobileNetV2');
    expect('bytes' in f.source && f.source.bytes.byteLength).to.equal(entry.bytes);
    expect(f.sha256).to.equal(entry.sha256);
    expect(f.inputName).to.equal('input');
    expect(f.featuresOutput).to.equal('features');
    expect(f.logitsOutput).to.equal('logits');
    expect(f.preprocess).to.include({ crop: 32, resize: 32, channelOrder: 'RGB', inputDtype: 'float32' });
    expect(f.preprocess.mean).to.deep.equal([0.485, 0.456, 0.406]);

    // ---- removal
    expect(await removeUserModel(rec.id)).to.equal(true);
    await closeUserModelDb();
    expect(await listUserModels()).to.deep.equal([]);
    expect(await listUserModelMeta()).to.deep.equal([]);
    expect(await getUserModelBytes(rec.id)).to.equal(null);
    expect(await removeUserModel(rec.id)).to.equal(false);
  });

  it('a quota error while storing gives a clear message and leaves nothing half-written', async () => {
    // The browser's quota cannot be filled from a test; the listing store's write is made to fail
    // the way a full quota does, after the record's write was already queued in the same transaction.
    const add = IDBObjectStore.prototype.add;
    IDBObjectStore.prototype.add = function (this: IDBObjectStore, ...a: Parameters<IDBObjectStore['add']>) {
      if (this.name === 'meta') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return add.apply(this, a);
    };
    let res;
    try {
      res = await addUserModel(new File([bytes as Uint8Array<ArrayBuffer>], 'm.onnx'), 'Quota test');
    } finally {
      IDBObjectStore.prototype.add = add;
    }
    expect(res.ok).to.equal(false);
    if (!res.ok) expect(res.errors[0]).to.match(/not enough storage for "Quota test" \(.* kB\).*Nothing was stored/);
    await closeUserModelDb();
    expect(await listUserModels()).to.deep.equal([]);
    expect(await listUserModelMeta()).to.deep.equal([]);
    // and the store works again afterwards
    const again = await addUserModel(new File([bytes as Uint8Array<ArrayBuffer>], 'm.onnx'), 'After quota');
    expect(again.ok).to.equal(true);
    expect((await listUserModels()).length).to.equal(1);
  });
});
