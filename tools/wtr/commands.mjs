// Server-side commands for browser tests: real OS-level file drops and file pickers, driven
// through the DevTools protocol (as a person dragging a folder from the file manager would).
import { resolve } from 'node:path';

async function pageOf(session) {
  const page = session.browser.getPage?.(session.id);
  if (!page) throw new Error('drop/pick commands need the Chrome launcher');
  return page;
}

async function centreOf(page, selector) {
  const el = await page.$(selector);
  if (!el) throw new Error(`no element ${selector}`);
  await el.scrollIntoView(); // a drop lands where a person would see the zone
  const box = await el.boundingBox();
  if (!box) throw new Error(`element ${selector} is not visible`);
  return { el, x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

const quotaRuns = new Map();
const memoryRuns = new Map();
const fixtureJobs = new Map();

export function zooscoutCommands() {
  return {
    name: 'zooscout-commands',
    async executeCommand({ command, payload, session }) {
      if (command === 'drop-files') {
        // payload: { selector, paths: [absolute or repo-relative file/folder paths] }
        const page = await pageOf(session);
        const { x, y } = await centreOf(page, payload.selector);
        const cdp = await page.createCDPSession();
        const data = { items: [], files: payload.paths.map((p) => resolve(p)), dragOperationsMask: 1 };
        for (const type of ['dragEnter', 'dragOver', 'drop']) {
          await cdp.send('Input.dispatchDragEvent', { type, x, y, data });
        }
        await cdp.detach();
        return true;
      }
      if (command === 'pick-files') {
        // payload: { selector (an <input type=file>), paths }
        const page = await pageOf(session);
        const el = await page.$(payload.selector);
        if (!el) throw new Error(`no element ${payload.selector}`);
        await el.uploadFile(...payload.paths.map((p) => resolve(p)));
        return true;
      }
      if (command === 'node-embed') {
        // the reference side of the page/Node parity test: onnxruntime-node on the same files
        const { embedFilesInNode } = await import('./node-embed.ts');
        return embedFilesInNode(payload.encoderId, payload.paths);
      }
      if (command === 'fixture-start') {
        // a fixture that may take longer than a command may (20 s): started here, awaited by fixture-poll
        const { makeFixture } = await import('./fixtures.ts');
        const id = String(Math.random()).slice(2);
        const job = { dir: null, error: null };
        fixtureJobs.set(id, job);
        makeFixture(payload.kind).then((d) => { job.dir = d; }, (e) => { job.error = String(e?.message ?? e); });
        return id;
      }
      if (command === 'fixture-poll') {
        const job = fixtureJobs.get(payload.id);
        if (!job) throw new Error('no such fixture job');
        if (job.error) throw new Error(job.error);
        return job.dir ? { dir: job.dir } : { pending: true };
      }
      if (command === 'make-fixture') {
        const { makeFixture } = await import('./fixtures.ts');
        return await makeFixture(payload.kind);
      }
      if (command === 'memory-quiet') {
        // waits (at most payload.ms) until the page runs no worker but its encode pool and the
        // browser's resident memory has held within 30 MB for a second: a background job that ended
        // (the device micro-benchmark's worker held ~1 GB) is released seconds later under load
        const page = await pageOf(session);
        const pid = page.browser().process()?.pid;
        if (!pid) throw new Error('no browser process to measure');
        const { treeRss } = await import('./memory.mjs');
        const t0 = Date.now();
        const last = [];
        for (;;) {
          const others = page.workers().map((w) => w.url()).filter((u) => !/encode\.worker/.test(u));
          last.push(treeRss(pid));
          if (last.length > 5) last.shift();
          const steady = last.length === 5 && Math.max(...last) - Math.min(...last) < 30e6;
          if ((others.length === 0 && steady) || Date.now() - t0 > (payload.ms ?? 15000)) {
            const encodeWorkers = page.workers().length - others.length;
            return { ms: Date.now() - t0, others: others.map((u) => u.split('/').pop()), steady, encodeWorkers };
          }
          await new Promise((r) => setTimeout(r, 250));
        }
      }
      if (command === 'memory-start') {
        // resident memory of the whole browser (every process it started), sampled every 20 ms
        const pid = (await pageOf(session)).browser().process()?.pid;
        if (!pid) throw new Error('no browser process to measure');
        const { treeRss } = await import('./memory.mjs');
        const base = treeRss(pid);
        const run = { pid, base, peak: base, timer: setInterval(() => { run.peak = Math.max(run.peak, treeRss(pid)); }, 20) };
        memoryRuns.set(payload.id, run);
        return base;
      }
      if (command === 'memory-stop') {
        const run = memoryRuns.get(payload.id);
        if (!run) throw new Error('no such memory run');
        clearInterval(run.timer);
        memoryRuns.delete(payload.id);
        return { baseBytes: run.base, peakBytes: run.peak };
      }
      if (command === 'quota-run-start') {
        // A fresh browser context (empty storage) whose origin gets a tiny quota before anything is
        // stored, then the app runs on a real folder drop there: IndexedDB throws real quota errors.
        // Commands must answer within 20 s, so the run is started here and polled by quota-run-result.
        const testPage = await pageOf(session);
        const origin = new URL(testPage.url()).origin;
        const context = await testPage.browser().createBrowserContext();
        const page = await context.newPage();
        const cdp = await page.createCDPSession();
        await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: payload.bytes });
        await page.goto(`${origin}/index.html`);
        await page.waitForFunction(() => document.querySelector('zs-app')?.shadowRoot?.querySelector('#dropzone'));
        await page.evaluate(`window.__result = null;
          document.addEventListener('zs-run-error', (e) => { window.__result = { error: e.detail }; });
          document.addEventListener('zs-run-complete', (e) => { window.__result = {
            tokens: e.detail.tokens ? e.detail.tokens.classes.length : 0, cache: e.detail.encode.cache,
            notes: e.detail.notes, encoded: e.detail.encode.encoded }; });`);
        const { x, y } = await centreOf(page, 'zs-app >>> #dropzone');
        const data = { items: [], files: payload.paths.map((p) => resolve(p)), dragOperationsMask: 1 };
        for (const type of ['dragEnter', 'dragOver', 'drop']) await cdp.send('Input.dispatchDragEvent', { type, x, y, data });
        const id = String(Math.random()).slice(2);
        quotaRuns.set(id, { context, page });
        return id;
      }
      if (command === 'quota-run-result') {
        const run = quotaRuns.get(payload.id);
        if (!run) throw new Error('no such quota run');
        const result = await run.page.evaluate('window.__result');
        if (result) {
          quotaRuns.delete(payload.id);
          await run.context.close();
        }
        return result ?? { pending: true }; // null would read as 'unknown command'
      }
      if (command === 'set-offline') {
        const page = await pageOf(session);
        await page.setOfflineMode(Boolean(payload.offline));
        return true;
      }
      return undefined;
    },
  };
}
