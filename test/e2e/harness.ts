// End-to-end harness: the production build of the app, served by `vite preview` (the same
// config, COOP/COEP headers included), driven in Debian's Chromium by playwright-core, with every
// request the browser makes recorded (page, dedicated workers and the service worker) and every
// request the server receives logged. Reusable by any e2e test:
//
//   const app = await openApp({ offlineReady: true });
//   await app.pickFolder(datasetFolder('dtd', 2, 6).dir);
//   const result = await app.waitForResult();
//   await app.screenshot('after-run');
//   await app.close();
//
// The app is built once per test process into a temporary folder (`vite build`, about 4-10 s
// here); set ZS_E2E_DIST to an existing build folder to reuse it instead.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page, type Request } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';
import { chromiumArgs, chromiumPath } from '../../tools/chromium.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SHARED_DATASETS = resolve(ROOT, '..', 'shared', 'datasets');
export const CHROMIUM = chromiumPath;
export const SCREENSHOTS = join(ROOT, 'test-results', 'e2e');

/** Reason to skip the e2e tests, or false. Only a missing browser skips them (CI installs it). */
export const skipReason: string | false = existsSync(CHROMIUM)
  ? false
  : `e2e tests skipped: no Chromium at ${CHROMIUM} (install Debian's chromium, or set CHROME_PATH)`;

// the shared test-browser flags, plus what keeps a Playwright-launched profile quiet, so that
// every recorded request is the page's
export const CHROMIUM_ARGS = [...chromiumArgs, '--disable-default-apps', '--disable-domain-reliability', '--no-default-browser-check'];

// temporary folders (builds, datasets), removed when the process exits
const temporary: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (temporary.push(dir) === 1) process.on('exit', () => temporary.forEach((d) => rmSync(d, { recursive: true, force: true })));
  return dir;
}

// ---------------------------------------------------------------- build

let built: Promise<{ dir: string; seconds: number; reused: boolean }> | undefined;

/** The production build (once per process). */
export function buildApp(): Promise<{ dir: string; seconds: number; reused: boolean }> {
  built ??= (async () => {
    const given = process.env.ZS_E2E_DIST;
    if (given) {
      const dir = resolve(given);
      if (!existsSync(join(dir, 'index.html')) || !existsSync(join(dir, 'sw.js'))) throw new Error(`ZS_E2E_DIST=${given} is not a production build (no index.html and sw.js)`);
      return { dir, seconds: 0, reused: true };
    }
    // the encoder weights are placed by `npm run setup` (npm test runs it first)
    if (!existsSync(join(ROOT, 'models', 'encoders', 'index.json'))) {
      const s = spawnSync(process.execPath, ['--import', 'tsx', 'tools/setup-models.ts'], { cwd: ROOT, stdio: 'inherit' });
      if (s.status !== 0) throw new Error('npm run setup failed: the build would have no encoder weights');
    }
    const dir = tempDir('zooscout-e2e-dist-');
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--outDir', dir, '--emptyOutDir', '--logLevel', 'warn'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    const seconds = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`vite build failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
    if (!existsSync(join(dir, 'sw.js'))) throw new Error('vite build wrote no sw.js');
    return { dir, seconds, reused: false };
  })();
  return built;
}

// ---------------------------------------------------------------- server

export interface ServerHit {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  /** when the network was off (setNetwork(false)): such a hit means the page needed the network */
  whileOffline: boolean;
  at: number;
  /** bytes the server wrote for the response (status line excluded; body as sent, compressed where it was) */
  bytes: number;
  /** when the response ended (undefined while it is still being sent) */
  endAt?: number;
}

interface Served {
  url: string;
  hits: ServerHit[];
  /** false: every connection is dropped, as if the machine had no network */
  online: boolean;
  server: PreviewServer;
}

let served: Promise<Served> | undefined;
let users = 0;

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => ok(port));
    });
  });
}

async function serve(): Promise<Served> {
  const { dir } = await buildApp();
  const state = { hits: [] as ServerHit[], online: true };
  const port = await freePort();
  const server = await preview({
    root: ROOT,
    configFile: join(ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: dir },
    preview: { host: '127.0.0.1', port, strictPort: true, open: false },
    plugins: [
      {
        name: 'zooscout-e2e-gate',
        configurePreviewServer(s) {
          s.middlewares.use((req: IncomingMessage, res: ServerResponse, next: () => void) => {
            const hit: ServerHit = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, whileOffline: !state.online, at: Date.now(), bytes: 0 };
            state.hits.push(hit);
            // count what goes on the wire: the compression middleware (after this one) writes its
            // compressed chunks through these
            const write = res.write.bind(res) as (...a: unknown[]) => boolean;
            const end = res.end.bind(res) as (...a: unknown[]) => ServerResponse;
            const count = (chunk: unknown) => {
              if (typeof chunk === 'string') hit.bytes += Buffer.byteLength(chunk);
              else if (chunk instanceof Uint8Array) hit.bytes += chunk.byteLength;
            };
            res.write = ((chunk: unknown, ...rest: unknown[]) => (count(chunk), write(chunk, ...rest))) as typeof res.write;
            res.end = ((chunk?: unknown, ...rest: unknown[]) => {
              if (typeof chunk !== 'function') count(chunk);
              return end(chunk, ...rest);
            }) as typeof res.end;
            res.once('finish', () => (hit.endAt = Date.now()));
            if (!state.online) {
              req.socket.destroy();
              return;
            }
            next();
          });
        },
      },
    ],
  });
  return {
    // 127.0.0.1 is a secure context (service workers allowed) like localhost
    url: `http://127.0.0.1:${port}/`,
    get hits() {
      return state.hits;
    },
    get online() {
      return state.online;
    },
    set online(v: boolean) {
      state.online = v;
    },
    server,
  };
}

// ---------------------------------------------------------------- browser

export interface RecordedRequest {
  url: string;
  method: string;
  resourceType: string;
  postData: string | null;
  /** made by the service worker itself (precaching, or a cache miss going to the network) */
  bySW: boolean;
  /** answered by the service worker (from its cache) */
  fromSW?: boolean;
  status?: number;
  failure?: string;
  /** recorded while setNetwork(false) was in force */
  whileOffline: boolean;
  /** finished or failed */
  done?: boolean;
  request: Request;
}

export interface AppSession {
  page: Page;
  context: BrowserContext;
  browser: Browser;
  /** every request the browser made in this context, in order */
  requests: RecordedRequest[];
  /** every request the preview server received (all sessions of this process) */
  serverHits: ServerHit[];
  /** console errors and uncaught page errors */
  errors: string[];
  /** the app's origin, with a trailing slash */
  url: string;
  /** writes test-results/e2e/<name>.png (full page) and returns its path */
  screenshot(name: string): Promise<string>;
  /** network off (browser offline and the server dropping every connection), or back on */
  setNetwork(online: boolean): Promise<void>;
  /** the folder through the page's folder picker (<input webkitdirectory> in <zs-app>) */
  pickFolder(dir: string): Promise<void>;
  /** waits for #result (or fails with the page's error message); returns its texts */
  waitForResult(timeoutMs?: number): Promise<RunResult>;
  /** text of an element inside <zs-app>'s shadow root ('' when absent) */
  appText(selector: string): Promise<string>;
  /** the offline state the page published (<html data-offline>) */
  offlineState(): Promise<string | undefined>;
  /** waits until every recorded request has finished or failed (or the time is up); returns
   * those still pending */
  settle(timeoutMs?: number): Promise<RecordedRequest[]>;
  /** waits until the service worker has precached everything and controls the page */
  waitOfflineReady(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface RunResult {
  heading: string;
  stats: string;
  backend: string;
  classes: { name: string; count: number }[];
  /** images encoded now (not taken from the cache), parsed from the run stats line */
  encoded: number;
  fromCache: number;
}

export interface OpenOptions {
  /** wait until the service worker precached the app and controls it, then reload once so the
   * page itself is served by the worker */
  offlineReady?: boolean;
  /** print page console errors to stderr (default true) */
  log?: boolean;
  /** extra Chromium flags */
  args?: string[];
  /** browser context options over the defaults (serviceWorkers: 'allow', a 1100x900 viewport) */
  contextOptions?: BrowserContextOptions;
}

export async function openApp(opts: OpenOptions = {}): Promise<AppSession> {
  if (skipReason) throw new Error(skipReason);
  served ??= serve();
  users++;
  let srv: Served;
  try {
    srv = await served;
  } catch (e) {
    users--;
    served = undefined;
    throw e;
  }
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...(opts.args ?? [])] });
    const context = await browser.newContext({ serviceWorkers: 'allow', viewport: { width: 1100, height: 900 }, ...opts.contextOptions });
    const requests: RecordedRequest[] = [];
    const errors: string[] = [];
    const byRequest = new Map<Request, RecordedRequest>();
    context.on('request', (req) => {
      const r: RecordedRequest = {
        url: req.url(),
        method: req.method(),
        resourceType: req.resourceType(),
        postData: req.postData(),
        bySW: req.serviceWorker() !== null,
        whileOffline: !srv.online,
        request: req,
      };
      requests.push(r);
      byRequest.set(req, r);
    });
    context.on('response', (res) => {
      const r = byRequest.get(res.request());
      if (!r) return;
      r.status = res.status();
      r.fromSW = res.fromServiceWorker();
    });
    context.on('requestfinished', (req) => {
      const r = byRequest.get(req);
      if (r) r.done = true;
    });
    context.on('requestfailed', (req) => {
      const r = byRequest.get(req);
      if (!r) return;
      r.failure = req.failure()?.errorText ?? 'failed';
      r.done = true;
    });
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      errors.push(m.text());
      if (opts.log !== false) console.error(`[page error] ${m.text()}`);
    });
    page.on('pageerror', (e) => {
      errors.push(e.message);
      if (opts.log !== false) console.error(`[page exception] ${e.message}`);
    });

    const appReady = () => page.waitForFunction(() => !!document.querySelector('zs-app')?.shadowRoot?.querySelector('#dropzone'), null, { timeout: 60_000 });
    const appText = async (selector: string) => (await page.locator(`zs-app ${selector}`).first().textContent({ timeout: 1000 }).catch(() => null))?.replace(/\s+/g, ' ').trim() ?? '';
    const offlineState = () => page.evaluate(() => document.documentElement.dataset.offline);

    const session: AppSession = {
      page,
      context,
      browser,
      requests,
      serverHits: srv.hits,
      errors,
      url: srv.url,
      async screenshot(name) {
        mkdirSync(SCREENSHOTS, { recursive: true });
        const path = join(SCREENSHOTS, `${name.replace(/[^\w.-]+/g, '-')}.png`);
        await page.screenshot({ path, fullPage: true });
        return path;
      },
      async setNetwork(online) {
        srv.online = online;
        await context.setOffline(!online);
      },
      async pickFolder(dir) {
        await page.locator('zs-app #folder-input').setInputFiles(dir);
      },
      async waitForResult(timeoutMs = 180_000) {
        const h = await page.waitForFunction(() => {
          const root = document.querySelector('zs-app')?.shadowRoot;
          if (root?.querySelector('#result #run-stats')) return 'ok';
          const err = root?.querySelector('#message.error');
          return err ? `error: ${err.textContent}` : false;
        }, null, { timeout: timeoutMs, polling: 250 });
        const outcome = (await h.jsonValue()) as string;
        if (outcome !== 'ok') throw new Error(`the run failed in the page: ${outcome}`);
        const stats = await appText('#run-stats');
        const classes = await page.evaluate(() => [...(document.querySelector('zs-app')?.shadowRoot?.querySelectorAll('#classes tbody tr') ?? [])].map((tr) => {
          const td = tr.querySelectorAll('td');
          return { name: td[0]?.textContent?.trim() ?? '', count: Number(td[1]?.textContent) };
        }));
        return {
          heading: await appText('#result h2'),
          stats,
          backend: await appText('#backend-line'),
          classes,
          encoded: Number(/(\d+) encoded/.exec(stats)?.[1] ?? NaN),
          fromCache: Number(/(\d+) from cache/.exec(stats)?.[1] ?? NaN),
        };
      },
      appText,
      offlineState,
      async settle(timeoutMs = 60_000) {
        const end = Date.now() + timeoutMs;
        for (;;) {
          const pending = requests.filter((r) => !r.done);
          if (pending.length === 0 || Date.now() > end) return pending;
          await new Promise((ok) => setTimeout(ok, 250));
        }
      },
      async waitOfflineReady(timeoutMs = 180_000) {
        const h = await page.waitForFunction(() => {
          const s = document.documentElement.dataset.offline;
          if (s === 'error' || s === 'unsupported') return s;
          return s === 'ready' && navigator.serviceWorker.controller !== null ? s : false;
        }, null, { timeout: timeoutMs, polling: 250 });
        const s = (await h.jsonValue()) as string;
        if (s !== 'ready') throw new Error(`the service worker did not get ready: ${s}: ${await page.evaluate(() => document.documentElement.dataset.offlineDetail)}`);
      },
      async close() {
        try {
          await browser?.close();
        } finally {
          if (--users === 0) {
            const s = served;
            served = undefined;
            await (await s)?.server.close();
          }
        }
      },
    };

    await page.goto(srv.url);
    await appReady();
    if (opts.offlineReady) {
      await session.waitOfflineReady();
      await page.reload();
      await appReady();
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null && document.documentElement.dataset.offline === 'ready', null, { timeout: 30_000 });
    }
    return session;
  } catch (e) {
    await browser?.close().catch(() => undefined);
    if (--users === 0) {
      const s = served;
      served = undefined;
      await (await s)?.server.close().catch(() => undefined);
    }
    throw e;
  }
}

// ---------------------------------------------------------------- data

export interface DatasetFolder {
  /** the folder to pick or drop: <tmp>/<root>/<class>/<file> */
  dir: string;
  /** its own name: the first component of every path the page sees */
  root: string;
  classes: string[];
  /** file names, as the page sees them */
  files: string[];
}

/**
 * A temporary folder of real images from ../shared/datasets/<name> (see its MANIFEST.json): one
 * subfolder per class, `perClass` images each. `classes` is a count (the first classes by name)
 * or a list of class names. Removed when the process exits.
 */
export function datasetFolder(name: string, classes: number | string[], perClass: number): DatasetFolder {
  const src = join(SHARED_DATASETS, name);
  if (!existsSync(src)) throw new Error(`no dataset ${name} under ${SHARED_DATASETS}`);
  const all = readdirSync(src).filter((d) => statSync(join(src, d)).isDirectory()).sort();
  const picked = typeof classes === 'number' ? all.slice(0, classes) : classes;
  if (picked.length === 0 || picked.some((c) => !all.includes(c))) throw new Error(`dataset ${name} has no class(es) ${picked.filter((c) => !all.includes(c)).join(', ') || '(none asked)'}`);
  const tmp = tempDir('zooscout-e2e-data-');
  const root = `${name}-${basename(tmp).slice(-6)}`;
  const dir = join(tmp, root);
  const files: string[] = [];
  for (const c of picked) {
    const images = readdirSync(join(src, c)).filter((f) => /\.(jpe?g|png|webp|bmp|gif)$/i.test(f)).sort().slice(0, perClass);
    if (images.length < perClass) throw new Error(`${name}/${c} has only ${images.length} images (${perClass} asked)`);
    mkdirSync(join(dir, c), { recursive: true });
    for (const f of images) {
      cpSync(join(src, c, f), join(dir, c, f));
      files.push(f);
    }
  }
  return { dir, root, classes: picked, files };
}
