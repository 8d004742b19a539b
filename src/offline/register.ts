// Offline use: registers the service worker that the production build generates (vite-plugin-pwa,
// Workbox; vite.config.ts). It precaches the page, its workers and the JSON the ranking reads; once it
// is active, the page stores the files every run reads (runtime, encoders: src/offline/files.ts), so
// after one visit the page works with the network off. Other model files are stored when
// first used, or all at once on request (src/offline/files.ts). Registration never blocks or
// breaks the page: without service workers (old browser, http on another host, private modes that
// refuse them) the page works exactly as before, online. docs/offline-privacy.md.
import type { Workbox } from 'workbox-window';
import { offlineFiles, cachedSet, keepOffline, dropOldCaches } from './files.ts';
import { warmUp } from './gate.ts';

export type OfflineState = 'unsupported' | 'installing' | 'ready' | 'update' | 'error';
export interface OfflineStatus {
  state: OfflineState;
  detail?: string;
}

export interface OfflineHandle {
  /** the latest status reported */
  readonly status: OfflineStatus;
  /** with state 'update': lets the waiting version take over, then reloads the page */
  applyUpdate(): void;
}

export interface RegisterOptions {
  /** service worker URL, relative to the document; the build writes sw.js next to index.html */
  swUrl?: string;
  /** what applyUpdate calls once the new version controls the page (tests replace it) */
  reload?: () => void;
}

const INSTALLING = 'Storing the page, its runtime and the encoders in this browser for offline use…';
const READY = 'Stored for offline use: this page works without a network (other models are kept once used).';
const UPDATE = 'A new version of ZooScout is ready; reload to use it.';

export function registerOffline(onStatus: (s: OfflineStatus) => void, opts: RegisterOptions = {}): OfflineHandle {
  let status: OfflineStatus = { state: 'installing' };
  const report = (s: OfflineStatus) => {
    status = s;
    try {
      onStatus(s);
    } catch {
      // a failing listener must not stop registration
    }
  };
  let wb: Workbox | null = null;
  let updating = false;
  const handle: OfflineHandle = {
    get status() {
      return status;
    },
    applyUpdate() {
      if (!wb || status.state !== 'update') return;
      updating = true;
      wb.messageSkipWaiting();
    },
  };

  let sw: ServiceWorkerContainer | undefined;
  try {
    sw = (globalThis.navigator as Navigator | undefined)?.serviceWorker; // throws where storage is blocked
  } catch {
    sw = undefined;
  }
  if (!sw || !globalThis.isSecureContext) {
    report({
      state: 'unsupported',
      detail: 'This browser offers no service workers here (they need https or localhost), so the page needs the network each time it is opened.',
    });
    return handle;
  }

  const container = sw;
  const fail = (why: string, e: unknown) => report({ state: 'error', detail: `${why} (${(e as Error)?.message ?? String(e)}); the page still works online.` });
  // ready = a worker is active and its cache holds the essential files (stored by
  // the page now where missing: revalidated against the HTTP cache, so a file the page already
  // loaded does not cross the network twice)
  let essentials: Promise<void> | null = null;
  const becomeReady = () => {
    essentials ??= (async () => {
      const list = offlineFiles();
      if (list) {
        await warmUp(async () => {
          const have = await cachedSet(list);
          await keepOffline(list, list.files.filter((f) => f.essential && !have.has(f.url)));
        });
        await dropOldCaches(list);
      }
    })();
    essentials.then(
      () => {
        if (status.state === 'installing') report({ state: 'ready', detail: READY });
      },
      (e: unknown) => {
        essentials = null;
        if (status.state === 'installing') fail('The runtime could not be stored for offline use', e);
      },
    );
  };
  report({ state: 'installing', detail: INSTALLING });
  if (container.controller) becomeReady();

  // workbox-window is loaded only where it is used (its package main is a UMD build; Node never needs it)
  void import('workbox-window').then(({ Workbox }) => {
    const swUrl = new URL(opts.swUrl ?? 'sw.js', document.baseURI).href;
    const w = new Workbox(swUrl, { scope: new URL('./', swUrl).href });
    wb = w;
    // first install: the worker activates once precaching finished, then controls this page (clientsClaim)
    const firstReady = (e: { isUpdate?: boolean }) => {
      if (!e.isUpdate && status.state === 'installing') becomeReady();
    };
    w.addEventListener('activated', firstReady);
    w.addEventListener('controlling', (e) => {
      if (e.isUpdate && updating) (opts.reload ?? (() => location.reload()))();
      else firstReady(e);
    });
    // a new version installed (by this page or another tab) waits until applyUpdate()
    w.addEventListener('waiting', () => report({ state: 'update', detail: UPDATE }));
    w.addEventListener('redundant', (e) => {
      if (!e.isUpdate && status.state === 'installing') report({ state: 'error', detail: 'The offline copy could not be stored (storage full, or a file failed to load); the page still works online.' });
    });
    // after the window's load event (workbox-window's default), so precaching does not compete
    // with the page's own first requests
    return w.register().then(
      (reg) => {
        if (!reg) return;
        if (reg.waiting) report({ state: 'update', detail: UPDATE });
        // installed at an earlier visit but not controlling this load (a hard reload): what it
        // precached is here
        else if (reg.active && status.state === 'installing') becomeReady();
        // else a first install: the events above follow
      },
      (e: unknown) => {
        // offline, the browser's check for a newer sw.js fails and register() rejects, while the
        // worker installed at an earlier visit keeps serving the page: state stays 'ready'
        if (!container.controller) fail('The offline copy could not be set up', e);
      },
    );
  }, (e: unknown) => {
    if (!container.controller) fail('The offline copy could not be set up', e);
  });
  return handle;
}
