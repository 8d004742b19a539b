// The page on a copy of the app that does not serve the real tfjs backbones (a clone without
// ../shared; here the build index is answered without them): measuring or checking one asks first,
// with its size, fetches nothing on "Cancel", and on "Download" takes it from its pinned public
// copy (mapped here to ../shared/models/real: nothing leaves the machine), checks every file's sha256,
// stores it, and carries on with what was asked. The registry says where every row comes from.
import { expect } from 'chai';
import { executeServerCommand } from '@web/test-runner-commands';
import { mountApp, nextRun, settled } from '../../test/helpers/app.ts';
import { SHARED_FS } from '../../test/helpers/fixtures.ts';
import type { ZsApp } from '../ui/app.ts';
import type { ZsResults } from '../select/client/results.ts';
import { realPinned } from './shared/pins.ts';
import { clearNpmModelCache } from '../npmzoo/client/npm-models.ts';

const ID = 'real:mobilenet_v1_0.25';

// every request of the main thread; the build index answered without the real backbones; their
// pinned addresses mapped to the same files in ../shared
const requested: string[] = [];
const realFetch = window.fetch.bind(window);
window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
  const url = input instanceof Request ? input.url : String(input);
  requested.push(url);
  if (url.endsWith('npm-models/index.json')) {
    const index = await (await realFetch(input, init)).json();
    for (const k of Object.keys(index.models)) if (index.models[k].package === 'real') delete index.models[k];
    return new Response(JSON.stringify(index), { headers: { 'content-type': 'application/json' } });
  }
  const p = realPinned(ID)!;
  const f = p.files.find((x) => x.url === url || x.mirror === url);
  if (f) return realFetch(`/__shared/models/real/${p.folder}/${f.name}`);
  return realFetch(input, init);
};

async function until<T>(f: () => T | null | undefined | false, what: string, ms = 120_000): Promise<T> {
  const t0 = performance.now();
  for (;;) {
    const v = f();
    if (v) return v;
    if (performance.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const q = <T extends HTMLElement>(el: ZsResults, sel: string) => el.shadowRoot!.querySelector<T>(sel);

describe('a real backbone this copy does not serve', function () {
  this.timeout(240_000);
  let app: ZsApp;
  let el: ZsResults;

  before(async () => {
    await clearNpmModelCache(ID);
    app = await mountApp();
    app.maxPerClass = 6;
    const run = nextRun(app);
    await executeServerCommand('pick-files', { selector: 'zs-app >>> #folder-input', paths: [`${SHARED_FS}/datasets/brain_tumor_mri`] });
    await run;
    el = await until(() => (app.resultsEl?.candidates?.length ? app.resultsEl : null), 'ranked candidates');
    await settled(app);
    await until(() => app.resultsEl?.meta?.device, 'this device measured');
  });

  after(async () => {
    await clearNpmModelCache(ID);
  });

  it('is one registry entry like the rest: listed, ranked and costed before any file of it exists here', () => {
    const r = app.results.registry.get(ID)!;
    expect(r.kind).to.equal('real');
    expect(r.runtime).to.equal('tfjs');
    expect(r.featureNode).to.equal('global_average_pooling2d_1');
    expect(r.provenance.url).to.match(/^https:\/\//);
    const row = el.candidates!.find((c) => c.id === ID)!;
    expect(row.cost?.source).to.equal('predicted');
    // every row of the table is a registry entry
    for (const c of el.candidates!) expect(app.results.registry.get(c.id), c.id).to.not.equal(undefined);
  });

  it('asks with the size first; Cancel fetches nothing; Download fetches the pinned files, verified, then measures it', async () => {
    const before = requested.length;
    el.dispatchEvent(new CustomEvent('zs-measure', { detail: { ids: [ID] }, bubbles: true, composed: true }));
    await until(() => q(el, '#real-consent'), 'the consent question');
    expect(q(el, '#real-consent-bytes')!.textContent).to.equal('1.96 MB');
    expect(q(el, '#real-consent')!.textContent).to.match(/raw\.githubusercontent\.com/).and.to.match(/56 files/);
    q<HTMLButtonElement>(el, '#real-consent-no')!.click();
    await until(() => !q(el, '#real-consent') && /Nothing was downloaded/.test(q(el, '#fine-status')!.textContent!), 'declined');
    expect(requested.slice(before).filter((u) => /githubusercontent|jsdelivr/.test(u))).to.deep.equal([]);

    el.dispatchEvent(new CustomEvent('zs-measure', { detail: { ids: [ID] }, bubbles: true, composed: true }));
    await until(() => q(el, '#real-consent'), 'the consent question again');
    q<HTMLButtonElement>(el, '#real-consent-yes')!.click();
    await until(() => /Measured 1 of 1/.test(q(el, '#fine-status')!.textContent!), 'the measurement after the download', 180_000);
    const pinned = requested.slice(before).filter((u) => u.startsWith('https://raw.githubusercontent.com/'));
    expect(pinned).to.have.length(56);
    const row = el.rows().find((r) => r.id === ID)!;
    expect(row.cost?.measured).to.equal(true);
    // stored: a second measurement asks nothing and fetches nothing from the pinned hosts
    const at = () => (el.candidates!.find((c) => c.id === ID)!.cost as { measuredAt?: string }).measuredAt;
    const first = at();
    const n = requested.length;
    el.dispatchEvent(new CustomEvent('zs-measure', { detail: { ids: [ID] }, bubbles: true, composed: true }));
    await until(() => at() !== first || q(el, '#real-consent'), 'the second measurement', 120_000);
    expect(q(el, '#real-consent')).to.equal(null);
    expect(requested.slice(n).filter((u) => /githubusercontent|jsdelivr/.test(u))).to.deep.equal([]);
  });
});
