// npm run bench:e2e — time from a folder to the first recommendation, as a person meets it: the
// production build (vite preview, COOP/COEP), headless Chromium, a cold page in a fresh profile
// (empty cache, no service worker yet), a folder of 10 classes x 20 real images picked through the
// page's folder input. The clock runs from the pick to the first ranked table on screen. Stages come
// from the page's performance marks and the encode worker's timing; bytes are what the server had
// sent (to the page, its workers and its service worker) when the table appeared, as sent on the
// wire (vite preview compresses text and WASM, as static hosts do).
// Flags: --dataset NAME (default cub200), --classes N (10), --per-class N (20), --runs N (1);
// ZS_E2E_HITS=1 lists every request the server answered before the table.
import { loadavg } from 'node:os';
import { openApp, datasetFolder } from '../test/e2e/harness.ts';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const dataset = arg('dataset', 'cub200');
const classes = Number(arg('classes', '10'));
const perClass = Number(arg('per-class', '20'));
const runs = Number(arg('runs', '1'));

const R = 'zs-app zs-results';
const f1 = (x: number) => x.toFixed(1);

let last = '';
for (let run = 1; run <= runs; run++) {
  const data = datasetFolder(dataset, classes, perClass);
  const app = await openApp({ log: false });
  try {
    const { page } = app;
    await page.locator('zs-app #folder-input').waitFor({ state: 'attached' });
    const t0 = Date.now();
    await app.pickFolder(data.dir);
    await page.locator(`${R} #results-table tbody tr`).first().waitFor({ timeout: 300_000 });
    const seconds = (Date.now() - t0) / 1000;
    const tTable = Date.now();
    // bytes the server sent for this page before the table was on screen (the page, its workers and
    // the service worker's precaching; bodies as sent, compressed where the server compressed them)
    let bytes = 0;
    const parts = new Map<string, { n: number; bytes: number }>();
    for (const h of app.serverHits) {
      if (h.endAt === undefined || h.endAt > tTable) continue;
      bytes += h.bytes;
      if (process.env.ZS_E2E_HITS) console.log(`hit ${((h.at - app.serverHits[0].at) / 1000).toFixed(2)} s ${h.url} ${h.bytes} ${String(h.headers["sec-fetch-dest"] ?? "")} ${String(h.headers["service-worker"] ?? "")} ${String(h.headers["referer"] ?? "")}`);
      const path = new URL(h.url, 'http://x/').pathname.replace(/^\//, '');
      const what = /^(assets|ort|tfjs-wasm|npm-models)\//.test(path) ? path.split('/')[0] : /^models\//.test(path) ? path.split('/').slice(0, 2).join('/') : path || 'index.html';
      const p = parts.get(what) ?? { n: 0, bytes: 0 };
      p.n++;
      p.bytes += h.bytes;
      parts.set(what, p);
    }
    const result = await app.waitForResult();
    const marks = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime])));
    const timing = await page.evaluate(() => {
      const r = (document.querySelector('zs-app') as unknown as { report: { encode: { timing: { readMs: number; decodeMs: number; embedMs: number }; encoded: number; seconds: number } } | null }).report;
      return r ? { ...r.encode.timing, encoded: r.encode.encoded, seconds: r.encode.seconds } : null;
    });
    // the device micro-benchmark runs after the table: wait for it only to report its duration
    await page.waitForFunction(() => performance.getEntriesByName('zs:device-profile').length > 0, undefined, { timeout: 120_000 }).catch(() => undefined);
    const profile = await page.evaluate(() => performance.getEntriesByName('zs:device-profile')[0]?.startTime ?? null);
    const m = (a: string, b: string) => (marks[a] !== undefined && marks[b] !== undefined ? `${f1((marks[b] - marks[a]) / 1000)} s` : 'n/a');
    const images = classes * perClass;
    console.log(`run ${run}: ${dataset}, ${classes} classes x ${perClass} images, cold page, empty cache`);
    const origin = await page.evaluate(() => performance.timeOrigin);
    if (marks['zs:run'] !== undefined) console.log(`  pick to the run's start (the browser hands the files over, the page lists them): ${f1((origin + marks['zs:run'] - t0) / 1000)} s`);
    console.log(`  encoder load (fetch + session; started when the page opened, env.preload): ${m('zs:run', 'zs:encoder-ready')}`);
    const load = await page.evaluate(() => (document.querySelector('zs-app') as unknown as { encoder: { backend: { loadMs?: { weights: number; runtime: number } } } | null }).encoder?.backend.loadMs);
    // in a pool another worker fetches, checks and derives the weights and posts them to the first
    if (load) console.log(`    in the first encode worker: weights in (fetched, checked and derived, by another worker of a pool) ${f1(load.weights / 1000)} s; runtime, graph and first run ${f1(load.runtime / 1000)} s`);
    if (timing) {
      console.log(`  CPU time summed over the encode workers: read + hash + cache lookup ${f1(timing.readMs / 1000)} s, decode + preprocess ${f1(timing.decodeMs / 1000)} s, embed (${timing.encoded} images) ${f1(timing.embedMs / 1000)} s; encode stage in all ${f1(timing.seconds)} s (${f1(timing.encoded / timing.seconds)} images/s)`);
    }
    console.log(`  tokens: ${m('zs:encoded', 'zs:tokens')}`);
    console.log(`  ranker, catalogue and explanations loaded: ${m('zs:tokens', 'zs:ranker-loaded')}; ranking: ${m('zs:ranker-loaded', 'zs:ranked')}; table drawn: ${m('zs:ranked', 'zs:first-table')}`);
    console.log(`  device profile (after the table, not waited for): ${profile !== null && marks['zs:first-table'] !== undefined ? `done ${f1((profile - marks['zs:first-table']) / 1000)} s after the table` : 'not finished'}`);
    console.log(`  ${result.stats}`);
    for (const [k, p] of [...parts].sort((a, b) => b[1].bytes - a[1].bytes)) if (p.bytes >= 1e5) console.log(`    ${k}: ${f1(p.bytes / 1e6)} MB (${p.n} files)`);
    console.log(`first-visit bytes before the first table: ${f1(bytes / 1e6)} MB`);
    const encoderId = await page.evaluate(() => (document.querySelector('zs-app') as unknown as { encoderId: string }).encoderId);
    // the backend line starts with the backend that ran the encoder ("WASM ran the encoder: … · 2 thread(s)")
    if (process.env.ZS_E2E_HITS) console.log(`backend line: ${result.backend}`);
    const pool = /(\d+) worker\(s\) x (\d+) thread/.exec(result.backend);
    const backend = /^WebGPU/.test(result.backend) ? 'webgpu' : /^WASM/.test(result.backend) ? `wasm${pool ? ` (${pool[1]} worker${pool[1] === '1' ? '' : 's'} x ${pool[2]} thread${pool[2] === '1' ? '' : 's'})` : ''}` : '?';
    last = `folder to recommendation: ${f1(seconds)} s (${images} images, encoder ${encoderId}, backend ${backend}, load average ${loadavg()[0].toFixed(1)})`;
  } finally {
    await app.close();
  }
}
console.log(last);
