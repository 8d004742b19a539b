// After one visit the built page works with the network off: the service worker precached the
// page, its workers, onnxruntime-web's runtime and the models, and the encoder runs from them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, buildApp, datasetFolder, skipReason, type AppSession } from './harness.ts';

test('offline: after the first load, a real folder is embedded with the network off', { skip: skipReason, timeout: 300_000 }, async (t) => {
  const data = datasetFolder('dtd', 2, 6);
  const t0 = performance.now();
  let app: AppSession | undefined;
  try {
    const build = await buildApp();
    t.diagnostic(build.reused ? `reusing the build in ${build.dir}` : `vite build: ${build.seconds.toFixed(1)} s`);
    app = await openApp({ offlineReady: true });
    t.diagnostic(`page served by its service worker after ${((performance.now() - t0) / 1000).toFixed(1)} s (build included)`);
    await app.screenshot('offline-1-ready');

    // what the first visit started (the preload fetches the served candidates) finishes online: a
    // download cut by the reload below would read as a failed offline request (CI saw one: the int8
    // encoder's GET, net::ERR_ABORTED, started by the old page after the network went off)
    const before = await app.settle();
    assert.deepEqual(before.map((r) => r.url), [], 'the first visit still had requests pending after a minute');
    // network off: the browser is offline and the server drops every connection
    await app.setNetwork(false);
    const hitsFrom = app.serverHits.length;
    await app.page.reload();
    // what the reloaded page asked for, from its own navigation on (the old page may still start a
    // request between the network going off and the reload, which cuts it)
    const offlineFrom = app.requests.findLastIndex((r) => r.resourceType === 'document' && r.method === 'GET' && !r.bySW);
    assert.ok(offlineFrom >= 0, 'the reload was not recorded');
    await app.page.waitForFunction(() => !!document.querySelector('zs-app')?.shadowRoot?.querySelector('#dropzone'));
    // 'installing' until the page has looked its essential files up in the worker's cache (async: a
    // loaded machine took longer than the dropzone's first render)
    await app.page.waitForFunction(() => document.documentElement.dataset.offline !== 'installing', null, { timeout: 30_000 }).catch(() => undefined);
    assert.equal(await app.offlineState(), 'ready', `the reloaded page should find its offline copy: ${await app.page.evaluate(() => document.documentElement.dataset.offlineDetail)}`);

    await app.pickFolder(data.dir);
    const t1 = performance.now();
    const result = await app.waitForResult();
    t.diagnostic(`offline run: ${result.stats} (${((performance.now() - t1) / 1000).toFixed(1)} s)`);
    await app.screenshot('offline-2-result');

    // the encoder really ran, here and now, on every image (fresh browser profile: empty cache)
    assert.equal(result.encoded, data.files.length, `all ${data.files.length} images encoded offline: ${result.stats}`);
    assert.equal(result.fromCache, 0);
    assert.match(result.stats, /encoder (WASM|WEBGPU)/);
    assert.match(result.heading, /^2 classes, 12 images embedded/);
    assert.deepEqual(result.classes.map((c) => c.name).sort(), [...data.classes].sort());

    // what the run started (the results stage goes on after the tokens) has finished too
    const pending = await app.settle();
    assert.deepEqual(pending.map((r) => r.url), [], 'requests still pending a minute after the run');
    const offline = app.requests.slice(offlineFrom);
    t.diagnostic(`${offline.length} requests while offline, ${offline.filter((r) => r.fromSW).length} answered by the service worker: ${[...new Set(offline.map((r) => new URL(r.url).pathname.replace(/^.*\/(assets|ort|models\/\w+)\//, '$1/')))].join(' ')}`);
    // nothing needed the network ...
    const failed = offline.filter((r) => r.failure);
    assert.deepEqual(failed.map((r) => `${r.method} ${r.url} ${r.failure}`), [], 'requests failed while offline');
    // the one thing the browser asks the network for is whether sw.js changed (its update check on
    // registration and navigation); it fails offline and the installed worker carries on
    const hits = app.serverHits.slice(hitsFrom).map((h) => `${h.method} ${h.url}`);
    assert.deepEqual(hits.filter((h) => h !== 'GET /sw.js'), [], 'the server was asked for something while offline');
    assert.deepEqual(offline.filter((r) => r.bySW && /^https?:/.test(r.url)).map((r) => r.url), [], 'the service worker went to the network');
    // ... and what the encoder needed came from the service worker's cache
    const served = (re: RegExp) => offline.filter((r) => re.test(new URL(r.url).pathname));
    for (const [what, re] of [
      ['the page', /\/(index\.html)?$/],
      ['onnxruntime-web .wasm', /\/ort\/ort-wasm-simd-threaded\.jsep\.wasm$/],
      ['onnxruntime-web .mjs', /\/ort\/ort-wasm-simd-threaded\.jsep\.mjs$/],
      ['an encoder', /\/models\/encoders\/[^/]+\.onnx$/],
      ['the encoder index', /\/models\/encoders\/index\.json$/],
    ] as const) {
      const rs = served(re);
      assert.ok(rs.length > 0, `${what} was requested while offline`);
      assert.ok(rs.every((r) => r.status === 200 && r.fromSW === true), `${what} answered by the service worker: ${rs.map((r) => `${r.url} status=${r.status} fromSW=${r.fromSW}`).join('; ')}`);
    }
    assert.equal(await app.offlineState(), 'ready', `offline state after the run: ${await app.page.evaluate(() => document.documentElement.dataset.offlineDetail)}`);
    assert.deepEqual(app.errors.filter((e) => /Failed to fetch|ERR_INTERNET_DISCONNECTED|net::/.test(e)), [], 'network errors in the page console');
  } finally {
    await app?.close();
  }
});

test('offline: without service workers the page still loads and says it needs the network', { skip: skipReason, timeout: 120_000 }, async (t) => {
  let app: AppSession | undefined;
  try {
    const t0 = performance.now();
    app = await openApp({ contextOptions: { serviceWorkers: 'block' } });
    t.diagnostic(`page open after ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const h = await app.page.waitForFunction(() => {
      const s = document.documentElement.dataset.offline;
      return s === 'error' || s === 'unsupported' || s === 'ready' ? s : false;
    }, null, { timeout: 30_000 });
    const state = (await h.jsonValue()) as string;
    t.diagnostic(`offline state: ${state}: ${await app.page.evaluate(() => document.documentElement.dataset.offlineDetail)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    assert.ok(state === 'error' || state === 'unsupported', `offline state with service workers blocked: ${state}`);
    assert.ok(await app.page.evaluate(() => navigator.serviceWorker?.controller == null));
    // the page itself is whole: its encoders were listed from the network
    assert.ok((await app.page.locator('zs-app #encoder option:not([disabled])').count()) > 0, 'no encoder is offered');
    assert.deepEqual(app.errors.filter((e) => !/service ?worker/i.test(e)), [], 'page errors');
  } finally {
    await app?.close();
  }
});

test('offline: model files are stored once used or on request ("keep available offline"), with the size shown first', { skip: skipReason, timeout: 300_000 }, async (t) => {
  let app: AppSession | undefined;
  try {
    app = await openApp({ offlineReady: true });
    const keep = app.page.locator('zs-offline #offline-keep');
    await keep.waitFor({ timeout: 60_000 });
    const label = (await keep.textContent()) ?? '';
    t.diagnostic(`before: ${label.trim()}`);
    // the first visit stored the essentials only: no zoo or npm model file was moved
    const m = /\((\d+) files, ([\d.]+) MB\)/.exec(label);
    assert.ok(m, `the button states the count and size: ${label}`);
    assert.ok(Number(m[1]) > 50 && Number(m[2]) > 20, `what is left to store: ${label}`);
    const zooHits = () => app!.serverHits.filter((h) => /\/models\/zoo\/[^/]+\.onnx$|\/npm-models\/.+\.bin$/.test(h.url)).length;
    assert.equal(zooHits(), 0, 'model files were fetched before anyone used or asked for them');

    const t0 = performance.now();
    await keep.click();
    await app.page.locator('zs-offline #offline-progress').waitFor({ timeout: 10_000 }).catch(() => undefined);
    await app.page.locator('zs-offline #offline-all').waitFor({ timeout: 240_000 });
    t.diagnostic(`stored ${m[1]} files (${m[2]} MB) in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${zooHits()} model files fetched`);
    assert.ok(zooHits() > 50);

    // network off: a zoo model and an npm model's weights come from the worker's cache
    await app.setNetwork(false);
    const urls = await app.page.evaluate(async () => {
      const idx = (await (await fetch('npm-models/index.json')).json()) as { models: Record<string, { files: { url: string }[] }> };
      const npm = Object.values(idx.models)[0].files.find((f) => f.url.endsWith('.bin'))!.url;
      const cat = (await (await fetch('models/zoo/catalogue.json')).json()) as { models: { file: string }[] } | { file: string }[];
      const list = Array.isArray(cat) ? cat : cat.models;
      return [npm.replace(/^\//, ''), `models/zoo/${list[0].file}`];
    });
    for (const u of urls) {
      const got = await app.page.evaluate(async (url) => {
        const r = await fetch(url);
        return { ok: r.ok, bytes: (await r.arrayBuffer()).byteLength };
      }, u);
      assert.ok(got.ok && got.bytes > 1000, `${u} offline: ${JSON.stringify(got)}`);
    }
  } finally {
    await app?.close();
  }
});
