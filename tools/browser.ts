// Runs a module's exported function inside a real page (headless Chromium), for benches:
// `runInPage('/bench/page/encode.ts', 'run', [args])` returns its JSON result. Same server setup
// as the browser tests (tools/wtr/server.mjs).
import { startDevServer } from '@web/dev-server';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
// @ts-expect-error plain .mjs config module
import { serverPlugins, serverMiddleware, nodeResolve, chromiumPath, chromiumArgs } from './wtr/server.mjs';

export interface PageSession {
  page: Page;
  origin: string;
  run<T = unknown>(moduleUrl: string, exportName: string, args?: unknown[]): Promise<T>;
  close(): Promise<void>;
}

export async function openPage(opts: { log?: boolean; extraArgs?: string[] } = {}): Promise<PageSession> {
  const server = await startDevServer({
    config: { rootDir: process.cwd(), port: 0, nodeResolve, plugins: serverPlugins(), middleware: serverMiddleware },
    readCliArgs: false,
    readFileConfig: false,
    logStartMessage: false,
  });
  const addr = server.server?.address();
  const port = typeof addr === 'object' && addr ? addr.port : 8000;
  const origin = `http://localhost:${port}`;
  let browser: Browser | undefined;
  try {
    browser = await puppeteer.launch({ executablePath: chromiumPath, headless: true, args: [...chromiumArgs, ...(opts.extraArgs ?? [])] });
    const page = await browser.newPage();
    if (opts.log !== false) {
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warn') console.error(`[page ${m.type()}] ${m.text()}`);
      });
      page.on('pageerror', (e) => console.error(`[page error] ${(e as Error).message}`));
    }
    // a blank same-origin document: cross-origin isolated like the app
    await page.goto(`${origin}/__blank.html`);
    const b = browser;
    return {
      page,
      origin,
      async run<T>(moduleUrl: string, exportName: string, args: unknown[] = []) {
        return (await page.evaluate(
          async (m: string, f: string, a: unknown[]) => {
            const mod = await import(m);
            return mod[f](...a);
          },
          moduleUrl, exportName, args,
        )) as T;
      },
      async close() {
        await b.close();
        await server.stop();
      },
    };
  } catch (e) {
    await browser?.close();
    await server.stop();
    throw e;
  }
}
