// Nothing about the user's images leaves the page: a full run on a real folder, online, with every
// request the browser makes (page, workers, service worker) and every request the server receives
// recorded. All of them must be same-origin reads that name none of the files or classes, and the
// page's Content-Security-Policy must stop a fetch to another origin before it is sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, datasetFolder, skipReason, type AppSession } from './harness.ts';

// Pinned weight downloads (src/catalogue/client/pinned.ts) are the only cross-origin requests the
// page may make, and only when a person asks for such a model; none happens in this test.
const ALLOWED_CROSS_ORIGIN: RegExp[] = [];

test('privacy: a full run sends nothing but same-origin GETs that name no file or class; CSP blocks other origins', { skip: skipReason, timeout: 300_000 }, async (t) => {
  const data = datasetFolder('dtd', ['banded', 'blotchy'], 6);
  // every name the page saw: files (with and without extension), classes, the folder itself
  const secrets = [...new Set([...data.files, ...data.files.map((f) => f.replace(/\.[^.]+$/, '')), ...data.classes, data.root])];
  let app: AppSession | undefined;
  try {
    app = await openApp();
    await app.pickFolder(data.dir);
    const result = await app.waitForResult();
    t.diagnostic(`online run: ${result.stats}`);
    assert.equal(result.encoded + result.fromCache, data.files.length, result.stats);
    assert.deepEqual(result.classes.map((c) => c.name).sort(), [...data.classes].sort());
    // the service worker's precaching belongs to the session's traffic too: wait for it
    await app.waitOfflineReady();
    await app.settle();
    await app.screenshot('privacy-1-result');

    const origin = new URL(app.url).origin;
    const requests = app.requests;
    t.diagnostic(`${requests.length} requests checked (${requests.filter((r) => r.bySW).length} made by the service worker), ${app.serverHits.length} received by the server`);
    assert.ok(requests.length > 10, `requests recorded: ${requests.length}`);
    assert.ok(requests.some((r) => r.bySW), 'service-worker requests are recorded');
    assert.ok(requests.some((r) => /\/models\/encoders\/.+\.onnx$/.test(r.url)), 'the encoder download is recorded');

    // same origin only (blob: URLs of this origin, data: URLs never reach a network)
    const foreign = requests.filter((r) => {
      const u = new URL(r.url);
      if (u.protocol === 'data:') return false;
      if (u.origin === origin) return false;
      return !ALLOWED_CROSS_ORIGIN.some((re) => re.test(r.url));
    });
    assert.deepEqual(foreign.map((r) => r.url), [], 'requests to another origin');

    // reads only, with no body
    assert.deepEqual(requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD').map((r) => `${r.method} ${r.url}`), [], 'requests other than GET/HEAD');
    assert.deepEqual(requests.filter((r) => r.postData !== null && r.postData !== '').map((r) => r.url), [], 'requests with a body');

    // no file, class or folder name in any URL or header (as sent by the browser)
    const leaks: string[] = [];
    for (const r of requests) {
      const headers = await Promise.race([
        r.request.allHeaders(),
        new Promise<Record<string, string>>((ok) => setTimeout(() => ok(r.request.headers()), 5000)),
      ]);
      const text = `${decodeURIComponent(r.url)}\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\n')}`.toLowerCase();
      for (const s of secrets) if (text.includes(s.toLowerCase())) leaks.push(`${s} in ${r.method} ${r.url}`);
    }
    assert.deepEqual(leaks, [], 'names of the dropped files in requests');

    // and what the server received says the same (this catches anything the browser did not report)
    for (const h of app.serverHits) {
      assert.ok(h.method === 'GET' || h.method === 'HEAD', `server saw ${h.method} ${h.url}`);
      assert.ok(!h.headers['content-length'] || h.headers['content-length'] === '0', `server saw a body: ${h.url}`);
      const text = `${decodeURIComponent(h.url)}\n${JSON.stringify(h.headers)}`.toLowerCase();
      for (const s of secrets) assert.ok(!text.includes(s.toLowerCase()), `server saw "${s}" in ${h.url}`);
    }

    // the Content-Security-Policy meta is there and confines fetches to this origin and the pinned
    // weight addresses (public models' and the real tfjs backbones' downloads, on consent only) — nothing else
    const csp = await app.page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '');
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /connect-src 'self' https:\/\/github\.com https:\/\/media\.githubusercontent\.com https:\/\/raw\.githubusercontent\.com https:\/\/cdn\.jsdelivr\.net;/);
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/);
    assert.match(csp, /worker-src 'self' blob:(;|$)/);

    // a cross-origin fetch from the page: refused by CSP before anything is sent. The route
    // answers it if it ever reaches the network layer, so "no internet here" cannot pass for CSP.
    let reachedNetwork = 0;
    await app.context.route('https://example.com/**', (route) => {
      reachedNetwork++;
      return route.fulfill({ status: 200, body: 'leaked', headers: { 'access-control-allow-origin': '*' } });
    });
    const before = app.requests.length;
    const outcome = await app.page.evaluate(async () => {
      const violations: { blockedURI: string; directive: string }[] = [];
      document.addEventListener('securitypolicyviolation', (e) => violations.push({ blockedURI: e.blockedURI, directive: e.effectiveDirective }));
      let fetched: string;
      try {
        const r = await fetch('https://example.com/x?data=1', { mode: 'cors' });
        fetched = `resolved ${r.status}`;
      } catch (e) {
        fetched = `rejected: ${(e as Error).message}`;
      }
      await new Promise((ok) => setTimeout(ok, 300)); // the violation event is queued as a task
      return { fetched, violations };
    });
    t.diagnostic(`cross-origin fetch: ${outcome.fetched}; violations: ${JSON.stringify(outcome.violations)}`);
    assert.match(outcome.fetched, /^rejected/);
    assert.ok(outcome.violations.some((v) => v.blockedURI.startsWith('https://example.com') && v.directive === 'connect-src'), `a connect-src violation: ${JSON.stringify(outcome.violations)}`);
    assert.equal(reachedNetwork, 0, 'the cross-origin request reached the network layer');
    const sent = app.requests.slice(before).filter((r) => r.url.startsWith('https://example.com'));
    assert.ok(sent.every((r) => r.status === undefined && r.failure !== undefined), `a cross-origin request got a response: ${sent.map((r) => `${r.url} ${r.status} ${r.failure}`).join('; ')}`);
    assert.ok(sent.every((r) => /BLOCKED_BY_CSP|csp/i.test(r.failure ?? '')), `recorded cross-origin requests failed for another reason than CSP: ${sent.map((r) => r.failure).join('; ')}`);
  } finally {
    await app?.close();
  }
});
