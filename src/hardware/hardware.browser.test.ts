import { expect } from 'chai';
import { startHardware, gatherProfile, zooModel, costFor, type MeasurableModel, type HardwareHandle } from './client/hardware-client.ts';
import { clearHardwareCache } from './client/cache.ts';
import { basicProfile, deviceKey } from './client/profile.ts';
import './client/device-profile.ts';
import type { MeasureProgress, MeasuredCost } from './shared/types.ts';

// Real onnxruntime-web (WASM) in the hardware worker, real IndexedDB, real zoo models. Short
// budgets: the full-zoo measurement is `npm run bench:hardware`.
interface Entry { id: string; family: string; file: string; sha256: string; bytes: number; params: number; macs: number; input: { name: string; shape: (string | number)[] } }
const quick = { warmRuns: 12, warmBudgetMs: 400, throughputBatch: 8, throughputRuns: 3 };

describe('hardware: per-model cost measured in the page (WASM worker)', function () {
  this.timeout(120000);
  let t = 0;
  beforeEach(() => { t = performance.now(); });
  afterEach(function () { console.log(`${this.currentTest?.title.slice(0, 40)}: ${((performance.now() - t) / 1000).toFixed(1)} s`); });
  let models: MeasurableModel[] = [];
  let key = '';
  let h: HardwareHandle; // one worker for all: each new worker compiles onnxruntime's WASM again

  before(async () => {
    await clearHardwareCache();
    const cat = (await (await fetch('/models/zoo/catalogue.json')).json()) as { models: Entry[] };
    models = ['vgg-mnist', 'mobilenetv2-mnist', 'convmixer-mnist'].map((id) => zooModel(cat.models.find((m) => m.id === id)!));
    key = await deviceKey(await basicProfile());
    h = await startHardware({ backend: 'wasm', deviceKey: key });
  });
  after(() => h?.terminate());

  it('measures three zoo models: cold run apart, warm p50 <= p90, throughput, bytes, memory, progress', async () => {
    {
      for (const m of models) {
        const seen: MeasureProgress[] = [];
        const { cost, cached } = await h.measure(m, { options: quick, onProgress: (p) => seen.push(p) });
        expect(cached).to.equal(false);
        expect(cost.source).to.equal('measured');
        expect(cost.modelId).to.equal(m.id);
        expect(cost.backend).to.equal('wasm');
        expect(cost.coldMs).to.be.greaterThan(0);
        expect(cost.createMs).to.be.greaterThan(0);
        expect(cost.warm.n).to.be.within(5, quick.warmRuns);
        expect(cost.warm.p50).to.be.greaterThan(0);
        expect(cost.warm.p50).to.be.at.most(cost.warm.p90);
        expect(cost.throughput.batch).to.equal(8);
        expect(cost.throughput.msPerBatch.n).to.equal(3);
        expect(cost.throughput.imagesPerSec).to.be.greaterThan(0);
        expect(cost.modelBytes).to.equal(m.bytes);
        expect(cost.peakMemoryBytes).to.be.greaterThan(cost.modelBytes + 4 * m.params);
        expect(seen[0].phase).to.equal('fetch');
        expect(seen.at(-1)!.phase).to.equal('done');
        const phases = seen.map((p) => p.phase);
        expect(phases.indexOf('cold')).to.be.lessThan(phases.indexOf('warm'));
        for (let i = 1; i < seen.length; i++) expect(seen[i].done).to.be.at.least(seen[i - 1].done);
      }
    }
  });

  it('a second measurement of the same model on the same device + backend is a cache hit', async () => {
    try {
      const first = await h.measure(models[0], { options: quick }); // stored by the test above
      expect(first.cached).to.equal(true);
      const again = await h.measure(models[0], { options: quick });
      expect(again.cached).to.equal(true);
      expect(again.cost.measuredAt).to.equal(first.cost.measuredAt);
      // another device key (another machine) does not see it
      h.deviceKey = 'another-device';
      const fresh = await h.measure(models[0], { options: quick });
      expect(fresh.cached).to.equal(false);
      expect(fresh.stored).to.equal(true);
      h.deviceKey = key;
      // a model whose bytes changed (other sha256) is measured again and refused if the file disagrees
      let err: Error | null = null;
      try {
        await h.measure({ ...models[0], sha256: '0'.repeat(64) }, { options: quick });
      } catch (e) {
        err = e as Error;
      }
      expect(err?.message).to.match(/sha256/);
    } finally {
      h.deviceKey = key;
    }
  });

  it('cancel stops a long measurement, and the worker measures again afterwards', async () => {
    {
      let warmSeen = 0;
      const t0 = performance.now();
      const p = h.measure(models[2], {
        useCache: false,
        options: { warmRuns: 100000, warmBudgetMs: 600000 },
        onProgress: (q) => {
          if (q.phase === 'warm' && ++warmSeen === 3) void h.cancel();
        },
      });
      let err: Error | null = null;
      try {
        await p;
      } catch (e) {
        err = e as Error;
      }
      expect(err?.message).to.match(/cancelled/);
      expect(performance.now() - t0).to.be.lessThan(30000);
      const after = await h.measure(models[1], { useCache: false, options: quick });
      expect(after.cost.warm.n).to.be.at.least(5);
    }
  });

  it('profile (no WebGPU adapter here) with a WASM micro-benchmark; unmeasured models are predicted and marked so', async () => {
    const { profile } = await gatherProfile({ budgetMs: 300, reuse: { wasm: h } });
    expect(profile.cores).to.be.greaterThan(0);
    expect(profile.crossOriginIsolated).to.equal(true);
    expect(profile.webgpu.available).to.equal(false);
    expect(profile.webgpu.why).to.match(/no adapter|navigator.gpu/);
    expect(profile.micro.webgpu).to.have.property('error');
    const mb = profile.micro.wasm!;
    expect(mb).to.not.have.property('error');
    if ('error' in mb) return;
    expect(mb.runMs).to.be.greaterThan(0);
    for (const v of Object.values(mb.macsPerMs)) expect(v).to.be.greaterThan(0);
    const measured = new Map<string, MeasuredCost>();
    measured.set(models[0].id, (await h.measure(models[0], { options: quick })).cost);
    const costs = models.map((m) => costFor(m, measured, mb));
    expect(costs.map((c) => c.source)).to.deep.equal(['measured', 'predicted', 'predicted']);
    const el = document.createElement('zs-device-profile');
    el.profile = profile;
    el.costs = costs;
    document.body.append(el);
    await el.updateComplete;
    const text = el.shadowRoot!.textContent!;
    expect(text).to.match(/no adapter/);
    expect(text).to.match(/GMAC\/s/);
    const rows = [...el.shadowRoot!.querySelectorAll('tr[data-model]')];
    expect(rows.map((r) => r.getAttribute('data-source'))).to.deep.equal(['measured', 'predicted', 'predicted']);
    expect(rows[0].textContent).to.match(/measured here/);
    expect(rows[1].textContent).to.match(/predicted \(family\)/);
    el.remove();
  });

  it('a device profile measures nothing while out of the page, and stops its micro-benchmark when it leaves', async () => {
    const el = document.createElement('zs-device-profile');
    const seen: unknown[] = [];
    el.addEventListener('profile', (e) => seen.push(e));
    // never added: no worker, no profile
    let t0 = performance.now();
    await el.run(5000);
    expect(performance.now() - t0).to.be.lessThan(100);
    expect([el.profile, el.status, seen.length]).to.deep.equal([null, 'idle', 0]);
    // added, then removed while it measures with a long budget: it stops well before the budget
    document.body.append(el);
    t0 = performance.now();
    const running = el.run(8000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(el.status).to.equal('running');
    el.remove();
    await running;
    const ms = performance.now() - t0;
    console.log(`removed after 1.5 s: run() returned after ${(ms / 1000).toFixed(1)} s of an 8 s budget`);
    expect(ms).to.be.lessThan(6000);
    expect([el.profile, el.error, el.status, seen.length]).to.deep.equal([null, '', 'idle', 0]);
  });
});
